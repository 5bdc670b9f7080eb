"""Routes of the products: the rules banks are answered by, published by the city."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, status

from contracts.api.finance import ProductDefinition, ProductRead
from contracts.api.identity import Role, TokenClaims
from finance.products import service
from servicekit.auth import allow
from servicekit.deps import CityActor, Uow
from servicekit.http import error_responses

router = APIRouter(prefix="/v1/products", tags=["products"])
ERRORS = error_responses(401, 403, 404, 409, 422)
Readers = Annotated[TokenClaims, Depends(allow(*Role))]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ProductRead, responses=ERRORS)
async def publish_product(body: ProductDefinition, uow: Uow, actor: CityActor) -> ProductRead:
    """Publish a product's rules as its next version; queries from now on use it, earlier decisions keep
    the version they used."""
    async with uow:
        result = await service.publish(uow, actor, body)
        await uow.commit()
    return result


@router.get("", response_model=list[ProductRead], responses=ERRORS)
async def list_products(uow: Uow, actor: Readers) -> list[ProductRead]:
    """Every product at its newest version (public rules: any client may read them)."""
    async with uow:
        return await service.list_products(uow)


@router.get("/{product_id}/versions/{version}", response_model=ProductRead, responses=ERRORS)
async def get_product_version(
    product_id: str, uow: Uow, actor: Readers, version: int = Path(ge=1, le=1_000_000)
) -> ProductRead:
    async with uow:
        return await service.get_version(uow, product_id, version)
