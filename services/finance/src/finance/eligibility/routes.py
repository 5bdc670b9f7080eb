"""Routes of the eligibility queries: banks ask, enterprises see who asked."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request, Response

from contracts.api.finance import EligibilityAnswer, EligibilityQueryRead
from contracts.api.identity import Role, TokenClaims
from finance.eligibility import service
from finance.models import EligibilityQuery
from servicekit.auth import allow
from servicekit.deps import Uow
from servicekit.errors import Forbidden
from servicekit.fastlane import FastRequest, FastRoute
from servicekit.groupwrite import GroupWriter
from servicekit.http import error_responses, model_response

router = APIRouter(prefix="/v1", tags=["eligibility"])
ERRORS = error_responses(401, 403, 422)
Banks = Annotated[TokenClaims, Depends(allow(Role.BANK))]
Watchers = Annotated[TokenClaims, Depends(allow(Role.ENTERPRISE, Role.DISTRICT, Role.CITY))]


def query_log(app: FastAPI) -> GroupWriter:
    """The service's writer of the eligibility query log (one per process, made on first use)."""
    state = app.state
    if getattr(state, "query_log", None) is None:
        url = state.runtime.engine.url.render_as_string(hide_password=False)
        state.query_log = GroupWriter(url, EligibilityQuery)
    writer: GroupWriter = state.query_log
    return writer


async def close_query_log(app: FastAPI) -> None:
    """At shutdown: store what is queued."""
    if getattr(app.state, "query_log", None) is not None:
        await app.state.query_log.close()


USCC_PATTERN = r"^[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}$"
UsccPath = Annotated[str, Path(pattern=USCC_PATTERN)]
PRODUCT_LENGTH = (1, 40)


@router.get("/eligibility/{uscc}", response_model=EligibilityAnswer, responses=error_responses(401, 403, 422, 429))
async def eligibility(
    request: Request,
    uscc: UsccPath,
    actor: Banks,
    product: str = Query(min_length=PRODUCT_LENGTH[0], max_length=PRODUCT_LENGTH[1]),
) -> Response:
    """Is this enterprise eligible for `product`, and for how much? Answered only under the enterprise's
    active consent for this bank and product (otherwise 403, saying nothing about the enterprise); every
    rule with its reason in Chinese and English; every query logged for the enterprise to see. A bank
    asking faster than its rate limit gets 429 with Retry-After (not logged: nothing was asked)."""
    return await answer(request.app, actor, uscc, product)


async def answer(app: FastAPI, actor: TokenClaims, uscc: str, product: str) -> Response:
    """The eligibility route's work, for the route and its fast lane alike."""
    app.state.eligibility_limit.check(actor.bank_id or actor.sub, "eligibility queries")
    result = await service.ask(app.state.runtime.reads, query_log(app), actor, uscc, product)
    if isinstance(result, service.Refusal):
        raise Forbidden(result.message)
    return model_response(result)


_USCC = re.compile(USCC_PATTERN)


async def eligibility_fast(request: FastRequest) -> Response | None:
    """The fast lane of `eligibility`: a bank's well-formed query (anything else goes the full way, whose
    validation and errors answer it)."""
    product = request.query.get("product")
    if request.caller.role is not Role.BANK or product is None or not _USCC.fullmatch(request.rest):
        return None
    if not PRODUCT_LENGTH[0] <= len(product) <= PRODUCT_LENGTH[1]:
        return None
    return await answer(request.app, request.caller, request.rest, product)


FAST_ROUTES = [FastRoute("/v1/eligibility/", "/v1/eligibility/{uscc}", eligibility_fast)]


@router.get("/enterprises/{uscc}/eligibility-queries", response_model=list[EligibilityQueryRead], responses=ERRORS)
async def eligibility_queries(
    uscc: UsccPath, uow: Uow, actor: Watchers, limit: int = Query(100, ge=1, le=1000)
) -> list[EligibilityQueryRead]:
    """Every bank query about the enterprise, newest first: who asked, when, for what, what they were told."""
    async with uow:
        return await service.queries_about(uow, actor, uscc, limit)
