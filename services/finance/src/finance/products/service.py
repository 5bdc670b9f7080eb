"""Products: versioned rule sets the city publishes; a decision keeps the version it used."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError

from contracts.api.finance import ProductDefinition, ProductKind, ProductRead
from contracts.api.identity import TokenClaims
from finance.models import ProductVersion
from finance.products import repository
from servicekit.errors import Conflict, InvalidInput, NotFound
from servicekit.pointread import PointReader
from servicekit.uow import UnitOfWork


def to_read(row: ProductVersion) -> ProductRead:
    return ProductRead(
        **row.definition.model_dump(), version=row.version, published_at=row.published_at, published_by=row.published_by
    )


async def publish(uow: UnitOfWork, actor: TokenClaims, definition: ProductDefinition) -> ProductRead:
    """Store the definition as the product's next version (the first for a new product)."""
    current = await repository.latest(uow.session, definition.product_id)
    if current is not None and current.definition.kind is not definition.kind:
        raise InvalidInput(
            f"product {definition.product_id} is a {current.definition.kind.value}: "
            "a new version cannot change the kind",
            field="kind",
        )
    row = ProductVersion(
        product_id=definition.product_id,
        version=(current.version + 1) if current else 1,
        definition=definition,
        published_at=datetime.now(UTC),
        published_by=actor.sub,
    )
    try:
        await repository.add(uow.session, row)
    except IntegrityError as e:  # pragma: no cover - two publications of one product at the same moment
        raise Conflict(f"product {definition.product_id} was published concurrently: try again") from e
    uow.audit(actor, "product.publish", f"{row.product_id}@{row.version}", {"kind": definition.kind.value})
    return to_read(row)


async def current(uow: UnitOfWork, product_id: str, field: str = "product") -> ProductVersion:
    """The product's newest version, or 422 on `field` naming the products there are."""
    row = await repository.latest(uow.session, product_id)
    if row is None:
        known = ", ".join(r.product_id for r in await repository.all_latest(uow.session))
        raise InvalidInput(f"unknown product {product_id!r} (products: {known})", field=field)
    return row


# Published versions never change: their parsed rules are kept per process after the first use.
_DEFINITIONS: dict[tuple[str, int], ProductDefinition] = {}


async def definition(
    uow: UnitOfWork, product_id: str, version: int | None, field: str = "product"
) -> ProductDefinition:
    """The rules of one version (`version` None: the product does not exist, 422 naming those that do)."""

    async def known() -> list[str]:
        return [r.product_id for r in await repository.all_latest(uow.session)]

    async def load() -> ProductDefinition | None:
        row = await repository.version(uow.session, product_id, version or 0)
        return None if row is None else row.definition

    return await _held(product_id, version, field, known, load)


async def definition_read(
    reads: PointReader, product_id: str, version: int | None, field: str = "product"
) -> ProductDefinition:
    """As `definition`, on the request path's point reads (no unit of work)."""

    async def known() -> list[str]:
        return [r["product_id"] for r in await reads.all(repository.PRODUCT_IDS)]

    async def load() -> ProductDefinition | None:
        row = await reads.one(repository.DEFINITION, {"product_id": product_id, "version": version})
        return None if row is None else row["definition"]

    return await _held(product_id, version, field, known, load)


async def _held(
    product_id: str,
    version: int | None,
    field: str,
    known: Callable[[], Awaitable[list[str]]],
    load: Callable[[], Awaitable[ProductDefinition | None]],
) -> ProductDefinition:
    """A version's rules from the per-process cache, loaded on first use; 422 naming the products there are
    when the product does not exist (`version` None)."""
    if version is None:
        raise InvalidInput(f"unknown product {product_id!r} (products: {', '.join(await known())})", field=field)
    held = _DEFINITIONS.get((product_id, version))
    if held is None:
        found = await load()
        if found is None:  # pragma: no cover - the version was read just before
            raise NotFound(f"product {product_id} has no version {version}")
        held = _DEFINITIONS[(product_id, version)] = found
    return held


async def interest_scheme_for(uow: UnitOfWork, loan_product_id: str | None) -> ProductRead | None:
    """The interest-subsidy scheme (newest version) sharing the interest of `loan_product_id` (None: the
    first interest-subsidy scheme there is)."""
    for row in await repository.all_latest(uow.session):
        terms = row.definition.terms
        if row.definition.kind is ProductKind.INTEREST_SUBSIDY and (
            loan_product_id is None or loan_product_id in terms.subsidised_loans
        ):
            return to_read(row)
    return None


async def list_products(uow: UnitOfWork) -> list[ProductRead]:
    return [to_read(r) for r in await repository.all_latest(uow.session)]


async def get_version(uow: UnitOfWork, product_id: str, number: int) -> ProductRead:
    row = await repository.version(uow.session, product_id, number)
    if row is None:
        raise NotFound(f"product {product_id} has no version {number}")
    return to_read(row)
