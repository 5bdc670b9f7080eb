"""The fast lane answers a route's well-formed GET requests itself and sends everything else the full way, so
FastAPI's validation and error bodies stay the only source of errors; request ids and metrics are kept."""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Annotated

import httpx
import pytest
from fastapi import Depends, FastAPI
from starlette.responses import JSONResponse, Response

from contracts.api.identity import Role, TokenClaims
from servicekit import metrics
from servicekit.auth import TokenSigner, TokenVerifier, allow
from servicekit.errors import Forbidden
from servicekit.fastlane import FastLane, FastRequest, FastRoute
from servicekit.http import RequestMiddleware, domain_error_response, install_error_handlers
from testkit.tokens import signing_keys_for_tests


async def lane(request: FastRequest) -> Response | None:
    if request.rest == "decline":
        return None
    if request.rest == "refused":
        raise Forbidden("not for you", field="thing")
    return JSONResponse({"via": "lane", "thing": request.rest, "query": request.query, "sub": request.caller.sub})


def app_with_lane(revoked: set[str]) -> FastAPI:
    app = FastAPI()
    app.add_middleware(
        FastLane, routes=[FastRoute("/v1/things/", "/v1/things/{thing}", lane)], on_error=domain_error_response
    )
    app.add_middleware(RequestMiddleware, service="lanetest", max_body_bytes=1000, max_upload_bytes=1000)
    install_error_handlers(app)
    private, public = signing_keys_for_tests()
    app.state.verifier = TokenVerifier(public.read_bytes())
    refuses = lambda sub, iat: "the client was deactivated" if sub in revoked else None  # noqa: E731
    app.state.runtime = SimpleNamespace(revocations=SimpleNamespace(refuses=refuses))
    app.state.signer = TokenSigner(private.read_bytes(), ttl_s=60)

    @app.get("/v1/things/{thing}")
    async def full(thing: str, caller: Annotated[TokenClaims, Depends(allow(Role.BANK))]) -> dict[str, str]:
        return {"via": "full", "thing": thing}

    @app.post("/v1/things/{thing}")
    async def post(thing: str) -> dict[str, str]:
        return {"via": "full-post", "thing": thing}

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = app_with_lane(revoked={"gone-client"})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        c.app = app  # type: ignore[attr-defined]
        yield c


def bearer(client: httpx.AsyncClient, sub: str = "bank-client", role: Role = Role.BANK) -> dict[str, str]:
    token = client.app.state.signer.sign({"sub": sub, "role": role.value, "bank_id": "cqrcb"})  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {token}"}


async def test_a_well_formed_request_takes_the_lane_with_request_id_and_metrics(client: httpx.AsyncClient) -> None:
    labels = ("lanetest", "GET", "/v1/things/{thing}", "200")
    before = metrics.HTTP_DURATION.labels(*labels)._sum.get()
    answer = await client.get("/v1/things/a1?x=1&y=", headers=bearer(client))
    assert answer.json() == {"via": "lane", "thing": "a1", "query": {"x": "1", "y": ""}, "sub": "bank-client"}
    assert answer.headers["x-request-id"]
    assert metrics.HTTP_DURATION.labels(*labels)._sum.get() > before


@pytest.mark.parametrize(
    ("path", "status", "via"),
    [
        ("/v1/things/decline", 200, "full"),  # the handler did not understand it
        ("/v1/things/a1?x=1&x=2", 200, "full"),  # a repeated parameter
    ],
)
async def test_what_the_lane_does_not_understand_goes_the_full_way(
    client: httpx.AsyncClient, path: str, status: int, via: str
) -> None:
    answer = await client.get(path, headers=bearer(client))
    assert answer.status_code == status and answer.json()["via"] == via


async def test_bad_credentials_get_the_full_routes_own_errors(client: httpx.AsyncClient) -> None:
    missing = await client.get("/v1/things/a1")
    assert missing.status_code == 401 and missing.json()["error"] == "unauthorized"
    forged = await client.get("/v1/things/a1", headers={"Authorization": "Bearer not.a.token"})
    assert forged.status_code == 401 and "invalid access token" in forged.json()["message"]
    revoked = await client.get("/v1/things/a1", headers=bearer(client, sub="gone-client"))
    assert revoked.status_code == 401 and "deactivated" in revoked.json()["message"]
    city = await client.get("/v1/things/a1", headers=bearer(client, role=Role.CITY))
    assert city.status_code == 200 and city.json()["via"] == "lane"  # the handler decides on roles, not the lane
    posted = await client.post("/v1/things/a1", headers=bearer(client))
    assert posted.json()["via"] == "full-post"  # GET only


async def test_a_domain_error_in_the_lane_has_the_standard_body(client: httpx.AsyncClient) -> None:
    answer = await client.get("/v1/things/refused", headers=bearer(client))
    assert answer.status_code == 403
    assert answer.json() == {
        "error": "forbidden",
        "message": "not for you",
        "errors": [{"field": "thing", "message": "not for you", "type": "forbidden"}],
    }
