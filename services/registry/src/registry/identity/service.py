"""Identity use cases: machine clients, access tokens, the first city-admin client."""

from __future__ import annotations

import asyncio
import json
import math
import os
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from contracts.api.identity import (
    ClientCreate,
    ClientCreated,
    ClientRead,
    ClientRevocation,
    Role,
    TokenClaims,
    TokenResponse,
)
from contracts.events.registry import ClientRevoked
from registry.config import RegistrySettings
from registry.identity import repository
from registry.identity.hashing import hash_secret, new_secret, verify_secret
from registry.identity.metrics import TOKEN_REFUSALS
from registry.journey.repository import provider_exists
from registry.models import Client, tables
from servicekit.auth import TokenSigner, ensure_keypair
from servicekit.db import make_engine, sessionmaker
from servicekit.errors import Conflict, InvalidInput, NotFound, Unauthorized
from servicekit.ratelimit import Lockout, TooManyRequests
from servicekit.revocation import cutoff, store
from servicekit.uow import UnitOfWork

ADMIN_FILE = "city-admin.json"
MAX_SECRET = 200  # characters; a longer one is wrong (ours are 43), and is not hashed whole


def _read(row: Client) -> ClientRead:
    return ClientRead.model_validate(row, from_attributes=True)


async def create_client(uow: UnitOfWork, actor: TokenClaims | None, cmd: ClientCreate) -> ClientCreated:
    """Store a client with a hashed secret; the secret is returned once, here."""
    if cmd.provider_id is not None and not await provider_exists(uow.session, cmd.provider_id):
        raise InvalidInput(f"no provider {cmd.provider_id}: register the provider first", field="provider_id")
    secret = new_secret()
    row = Client(
        client_id=f"cl_{secrets.token_hex(8)}",
        name=cmd.name,
        role=cmd.role.value,
        districts=cmd.districts,
        provider_id=cmd.provider_id,
        uscc=cmd.uscc,
        bank_id=cmd.bank_id,
        secret_hash=await asyncio.to_thread(hash_secret, secret),
        active=True,
        created_at=datetime.now(UTC),
    )
    await repository.add_client(uow.session, row)
    if actor is not None:
        uow.audit(actor, "client.create", row.client_id, {"name": cmd.name, "role": cmd.role.value})
    return ClientCreated.model_validate({**_read(row).model_dump(), "client_secret": secret})


async def _revoke(uow: UnitOfWork, actor: TokenClaims, client: Client, reason: str, *, deactivated: bool) -> None:
    """Record the revocation here (the registry verifies tokens too) and tell every other service."""
    now = datetime.now(UTC)
    event = ClientRevoked(
        client_id=client.client_id,
        deactivated=deactivated,
        tokens_issued_before=cutoff(now),
        reason=reason,
        revoked_at=now,
    )
    await store(uow.session, uow.tables, [event])
    uow.emit(event)
    action = "client.deactivate" if deactivated else "client.rotate-secret"
    uow.audit(actor, action, client.client_id, {"reason": reason})


async def _client(uow: UnitOfWork, client_id: str) -> Client:
    client = await repository.get_client(uow.session, client_id)
    if client is None:
        raise NotFound(f"no client {client_id}")
    return client


async def deactivate(uow: UnitOfWork, actor: TokenClaims, client_id: str, cmd: ClientRevocation) -> ClientRead:
    """The client can no longer get tokens, and every service refuses the ones it has."""
    client = await _client(uow, client_id)
    if not client.active:
        raise Conflict(f"client {client_id} is deactivated already")
    if client_id == actor.sub:
        raise Conflict("a client cannot deactivate itself (another city client must)")
    await repository.deactivate(uow.session, client_id)
    await _revoke(uow, actor, client, cmd.reason, deactivated=True)
    return _read(client).model_copy(update={"active": False})


async def rotate_secret(uow: UnitOfWork, actor: TokenClaims, client_id: str, cmd: ClientRevocation) -> ClientCreated:
    """A new secret (shown once); tokens issued with the old one are refused everywhere."""
    client = await _client(uow, client_id)
    if not client.active:
        raise Conflict(f"client {client_id} is deactivated: create a new client instead")
    if client_id == actor.sub:
        raise Conflict(
            "a client cannot rotate its own secret here (it would revoke the token asking; another city client must)"
        )
    secret = new_secret()
    await repository.set_secret(uow.session, client_id, await asyncio.to_thread(hash_secret, secret))
    await _revoke(uow, actor, client, cmd.reason, deactivated=False)
    return ClientCreated.model_validate({**_read(client).model_dump(), "client_secret": secret})


async def list_clients(uow: UnitOfWork) -> list[ClientRead]:
    return [_read(r) for r in await repository.list_clients(uow.session)]


@dataclass
class TokenGuard:
    """Who is locked out of the token endpoint: a client id after repeated wrong secrets, a source
    address after many (known ids and unknown ones alike, so a lockout reveals nothing either)."""

    by_client: Lockout
    by_address: Lockout
    unknown_hash: str = field(default_factory=lambda: hash_secret(new_secret()))

    @classmethod
    def from_settings(cls, settings: RegistrySettings) -> TokenGuard:
        return cls(
            Lockout(settings.token_max_failures, settings.token_failure_window_s, settings.token_lockout_s),
            Lockout(settings.token_max_failures_per_address, settings.token_failure_window_s, settings.token_lockout_s),
        )

    def check(self, client_id: str, address: str) -> None:
        wait = self.by_client.locked(client_id) or self.by_address.locked(address)
        if wait is not None:
            TOKEN_REFUSALS.labels("locked_out").inc()
            raise TooManyRequests(f"too many failed attempts: locked for {math.ceil(wait)} s", wait)


async def issue_token(
    uow: UnitOfWork, signer: TokenSigner, guard: TokenGuard, client_id: str, secret: str, address: str
) -> TokenResponse:
    """Client credentials → a short-lived signed token; one vague 401 for every failure (no oracle):
    an unknown id costs the same hash check as a wrong secret, and both count towards a lockout."""
    guard.check(client_id, address)
    row = await repository.get_client(uow.session, client_id)
    stored = row.secret_hash if row is not None else guard.unknown_hash
    matches = await asyncio.to_thread(verify_secret, secret[:MAX_SECRET], stored)
    if not matches or row is None or not row.active or len(secret) > MAX_SECRET:
        guard.by_client.failed(client_id)
        guard.by_address.failed(address)
        TOKEN_REFUSALS.labels("invalid_credentials").inc()
        raise Unauthorized("invalid client credentials")
    guard.by_client.succeeded(client_id)
    client = _read(row)
    claims = {
        "sub": client.client_id,
        "role": client.role.value,
        "districts": client.districts,
        "provider_id": client.provider_id,
        "uscc": client.uscc,
        "bank_id": client.bank_id,
    }
    return TokenResponse(access_token=signer.sign(claims), expires_in=signer.ttl_s)


def load_signer(settings: RegistrySettings) -> TokenSigner:
    ensure_keypair(settings.private_key_path, settings.public_key_path)
    return TokenSigner(settings.private_key_path.read_bytes(), ttl_s=settings.token_ttl_s)


async def _bootstrap_admin(settings: RegistrySettings) -> Path:
    path = settings.var_dir / ADMIN_FILE
    ensure_keypair(settings.private_key_path, settings.public_key_path)
    engine = make_engine(settings.effective_database_url)
    try:
        async with UnitOfWork(sessionmaker(engine), tables) as uow:
            if await repository.has_city_client(uow.session) and path.exists():
                return path
            created = await create_client(uow, None, ClientCreate(name="city-admin", role=Role.CITY))
            await uow.commit()
    finally:
        await engine.dispose()
    body = {
        "client_id": created.client_id,
        "client_secret": created.client_secret,
        "token_url": f"http://{settings.host}:{settings.port}/v1/oauth/token",
        "role": "city",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(body, f, indent=2)
    os.chmod(path, 0o600)
    return path


def bootstrap_admin(settings: RegistrySettings) -> int:
    """`python -m registry bootstrap-admin`: the first city-admin client, credentials in var/ (mode 600)."""
    path = asyncio.run(_bootstrap_admin(settings))
    print(f"city-admin credentials: {path}")
    return 0
