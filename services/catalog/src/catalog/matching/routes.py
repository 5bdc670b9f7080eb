"""The matching route: listed solutions ranked for one enterprise, with reasons (and its fast lane)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request, Response

from catalog.matching import service
from contracts.api.identity import Role, TokenClaims
from contracts.api.matching import MatchList
from servicekit.auth import allow
from servicekit.fastlane import FastRequest, FastRoute
from servicekit.http import error_responses, model_response

router = APIRouter(prefix="/v1", tags=["matching"])
ERRORS = error_responses(401, 403, 404, 422)
READERS = (Role.ENTERPRISE, Role.DISTRICT, Role.CITY)
Readers = Annotated[TokenClaims, Depends(allow(*READERS))]
LIMIT = (10, 1, 50)  # default, least, most


@router.get("/enterprises/{uscc}/matches", response_model=MatchList, responses=ERRORS)
async def enterprise_matches(
    request: Request,
    uscc: Annotated[str, Path(min_length=18, max_length=18)],
    actor: Readers,
    limit: int = Query(LIMIT[0], ge=LIMIT[1], le=LIMIT[2]),
) -> Response:
    """Listed solutions ranked for the enterprise by fit, each with the reasons a district official reads."""
    return await answer(request.app, actor, uscc, limit)


async def answer(app: FastAPI, actor: TokenClaims, uscc: str, limit: int) -> Response:
    """The route's work, for the route and its fast lane alike."""
    return model_response(await service.matches(app.state.runtime, actor, uscc.upper(), limit))


_MATCHES = re.compile(r"^([^/]{18})/matches$")
_LIMIT = re.compile(r"^[0-9]{1,2}$")


async def matches_fast(request: FastRequest) -> Response | None:
    """The fast lane of `enterprise_matches`: a reader's well-formed request (anything else goes the full way,
    whose validation and errors answer it)."""
    path = _MATCHES.fullmatch(request.rest)
    limit = request.query.get("limit", str(LIMIT[0]))
    if path is None or request.caller.role not in READERS or not _LIMIT.fullmatch(limit):
        return None
    if not LIMIT[1] <= int(limit) <= LIMIT[2]:
        return None
    return await answer(request.app, request.caller, path.group(1), int(limit))


FAST_ROUTES = [FastRoute("/v1/enterprises/", "/v1/enterprises/{uscc}/matches", matches_fast)]
