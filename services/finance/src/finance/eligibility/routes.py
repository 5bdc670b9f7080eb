"""Routes of the eligibility queries: banks ask, enterprises see who asked."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request

from contracts.api.finance import EligibilityAnswer, EligibilityQueryRead
from contracts.api.identity import Role, TokenClaims
from finance.eligibility import service
from finance.models import EligibilityQuery
from servicekit.auth import allow
from servicekit.deps import Uow
from servicekit.errors import Forbidden
from servicekit.groupwrite import GroupWriter
from servicekit.http import error_responses

router = APIRouter(prefix="/v1", tags=["eligibility"])
ERRORS = error_responses(401, 403, 422)
Banks = Annotated[TokenClaims, Depends(allow(Role.BANK))]
Watchers = Annotated[TokenClaims, Depends(allow(Role.ENTERPRISE, Role.DISTRICT, Role.CITY))]


async def query_log(request: Request) -> GroupWriter:
    """The service's writer of the eligibility query log (one per process, made on first use)."""
    state = request.app.state
    if getattr(state, "query_log", None) is None:
        url = state.runtime.engine.url.render_as_string(hide_password=False)
        state.query_log = GroupWriter(url, EligibilityQuery)
    writer: GroupWriter = state.query_log
    return writer


async def close_query_log(app: FastAPI) -> None:
    """At shutdown: store what is queued."""
    if getattr(app.state, "query_log", None) is not None:
        await app.state.query_log.close()


QueryLog = Annotated[GroupWriter, Depends(query_log)]
UsccPath = Annotated[str, Path(pattern=r"^[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}$")]


@router.get("/eligibility/{uscc}", response_model=EligibilityAnswer, responses=error_responses(401, 403, 422, 429))
async def eligibility(
    request: Request,
    uscc: UsccPath,
    uow: Uow,
    log: QueryLog,
    actor: Banks,
    product: str = Query(min_length=1, max_length=40),
) -> EligibilityAnswer:
    """Is this enterprise eligible for `product`, and for how much? Answered only under the enterprise's
    active consent for this bank and product (otherwise 403, saying nothing about the enterprise); every
    rule with its reason in Chinese and English; every query logged for the enterprise to see. A bank
    asking faster than its rate limit gets 429 with Retry-After (not logged: nothing was asked)."""
    request.app.state.eligibility_limit.check(actor.bank_id or actor.sub, "eligibility queries")
    async with uow:
        result = await service.ask(uow, log, actor, uscc, product)
    if isinstance(result, service.Refusal):
        raise Forbidden(result.message)
    return result


@router.get("/enterprises/{uscc}/eligibility-queries", response_model=list[EligibilityQueryRead], responses=ERRORS)
async def eligibility_queries(
    uscc: UsccPath, uow: Uow, actor: Watchers, limit: int = Query(100, ge=1, le=1000)
) -> list[EligibilityQueryRead]:
    """Every bank query about the enterprise, newest first: who asked, when, for what, what they were told."""
    async with uow:
        return await service.queries_about(uow, actor, uscc, limit)
