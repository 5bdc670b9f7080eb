"""OAuth2 client-credentials token endpoint (public) and client management (city authority)."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import parse_qs

from fastapi import APIRouter, Request, status

from contracts.api.identity import ClientCreate, ClientCreated, ClientRead, ClientRevocation, TokenResponse
from registry.identity import service as identity
from servicekit.auth import TokenSigner
from servicekit.deps import CityActor, Uow
from servicekit.errors import DomainError, Unauthorized
from servicekit.http import error_responses

token_router = APIRouter(prefix="/v1/oauth", tags=["identity"])
clients_router = APIRouter(prefix="/v1/clients", tags=["identity"])
ERRORS = error_responses(400, 401, 429)
CLIENT_ERRORS = error_responses(401, 403, 404, 409, 422)


def _credentials(request: Request, form: dict[str, list[str]]) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError) as e:
            raise Unauthorized("malformed Basic credentials") from e
        return client_id, secret
    client_id, secret = form.get("client_id", [""])[0], form.get("client_secret", [""])[0]
    if not client_id or not secret:
        raise Unauthorized("send client_id and client_secret (form fields or HTTP Basic)")
    return client_id, secret


@token_router.post("/token", response_model=TokenResponse, responses=ERRORS)
async def token(request: Request, uow: Uow) -> TokenResponse:
    """RFC 6749 §4.4: `grant_type=client_credentials` as application/x-www-form-urlencoded."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        raise DomainError("send the token request as application/x-www-form-urlencoded", field="content-type")
    form = parse_qs((await request.body()).decode(errors="replace"))
    if form.get("grant_type", [""])[0] != "client_credentials":
        raise DomainError("grant_type must be client_credentials", field="grant_type")
    client_id, secret = _credentials(request, form)
    signer: TokenSigner = request.app.state.signer
    address = request.client.host if request.client else "unknown"
    async with uow:
        return await identity.issue_token(uow, signer, request.app.state.token_guard, client_id, secret, address)


@clients_router.post("", status_code=status.HTTP_201_CREATED, response_model=ClientCreated, responses=CLIENT_ERRORS)
async def create_client(body: ClientCreate, uow: Uow, actor: CityActor) -> ClientCreated:
    """Create a machine client for an actor; the secret is in this response only."""
    async with uow:
        created = await identity.create_client(uow, actor, body)
        await uow.commit()
    return created


@clients_router.get("", response_model=list[ClientRead], responses=CLIENT_ERRORS)
async def list_clients(uow: Uow, _: CityActor) -> list[ClientRead]:
    async with uow:
        return await identity.list_clients(uow)


@clients_router.post("/{client_id}/deactivation", response_model=ClientRead, responses=CLIENT_ERRORS)
async def deactivate_client(client_id: str, body: ClientRevocation, uow: Uow, actor: CityActor) -> ClientRead:
    """Deactivate a client, with the reason: it gets no more tokens, and every service refuses the tokens
    it holds within seconds (`registry.client.revoked`)."""
    async with uow:
        result = await identity.deactivate(uow, actor, client_id, body)
        await uow.commit()
    return result


@clients_router.post("/{client_id}/secret", response_model=ClientCreated, responses=CLIENT_ERRORS)
async def rotate_secret(client_id: str, body: ClientRevocation, uow: Uow, actor: CityActor) -> ClientCreated:
    """A new secret for a client (in this response only), with the reason; tokens issued before are
    refused by every service within seconds."""
    async with uow:
        result = await identity.rotate_secret(uow, actor, client_id, body)
        await uow.commit()
    return result
