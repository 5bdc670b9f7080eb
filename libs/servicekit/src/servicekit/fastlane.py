"""A fast lane for the few hottest GET routes: a well-formed request is answered without FastAPI's routing
and dependency resolution; anything else takes the full path.

A bank's eligibility query spent more CPU in FastAPI's route matching and dependency resolution than in
its own work (bench/finance_eligibility.py): the framework's cost per request is fixed, and on a route
that reads one row and evaluates four rules it dominates. A `FastRoute` names a path prefix and a handler
that gets the rest of the path, the query and the verified caller. The handler answers only what it can
answer exactly as the full route would, by calling the same function, and returns None for anything it
does not fully understand (a malformed id, a missing parameter, a bad token, a role the route refuses):
those requests go on to FastAPI, whose validation and error bodies stay the one source of errors. The
route stays declared in FastAPI as well, for the OpenAPI document and as that fallback.

It runs inside RequestMiddleware: request ids, the server span and the duration histogram are kept.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from contracts.api.identity import TokenClaims
from servicekit.errors import DomainError, Unauthorized


@dataclass(frozen=True)
class FastRequest:
    app: Any  # the FastAPI app (its `state`)
    rest: str  # the path after the route's prefix
    query: dict[str, str]  # each parameter given once (a repeated one sends the request the full way)
    caller: TokenClaims


Handler = Callable[[FastRequest], Awaitable[Response | None]]


@dataclass(frozen=True)
class FastRoute:
    prefix: str  # e.g. "/v1/eligibility/"
    path: str  # the route's template, as FastAPI declares it (metrics and span names)
    handler: Handler  # None: not understood, FastAPI answers


def _bearer(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" and token.strip() else None
    return None


def _query(raw: bytes) -> dict[str, str] | None:
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    query = dict(pairs)
    return query if len(query) == len(pairs) else None


def caller_of(app: Any, scope: Scope) -> TokenClaims | None:
    """The verified, unrevoked caller of a request, or None (FastAPI's path then says what is wrong)."""
    token = _bearer(scope)
    if token is None:
        return None
    try:
        claims: TokenClaims = app.state.verifier.verify(token)
    except Unauthorized:
        return None
    if app.state.runtime.revocations.refuses(claims.sub, claims.iat):
        return None
    return claims


class FastLane:
    """ASGI middleware: the routes' well-formed GET requests answered directly, the rest passed on."""

    def __init__(self, app: ASGIApp, *, routes: Sequence[FastRoute], on_error: Callable[[DomainError], Response]):
        self.app = app
        self.routes = tuple(routes)
        self.on_error = on_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            path: str = scope["path"]
            for route in self.routes:
                if path.startswith(route.prefix) and (answer := await self._answer(route, scope)) is not None:
                    scope["route"] = route
                    await answer(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    async def _answer(self, route: FastRoute, scope: Scope) -> Response | None:
        app = scope["app"]
        query = _query(scope.get("query_string", b""))
        caller = caller_of(app, scope) if query is not None else None
        if query is None or caller is None:
            return None
        try:
            return await route.handler(FastRequest(app, scope["path"][len(route.prefix) :], query, caller))
        except DomainError as e:
            return self.on_error(e)
