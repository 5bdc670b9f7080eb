"""Identity use cases: machine clients, access tokens, the first city-admin client."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

from contracts.api.identity import ClientCreate, ClientCreated, ClientRead, Role, TokenClaims, TokenResponse
from registry.config import RegistrySettings
from registry.identity import repository
from registry.identity.hashing import hash_secret, new_secret, verify_secret
from registry.models import Client, tables
from servicekit.auth import TokenSigner, ensure_keypair
from servicekit.db import make_engine, sessionmaker
from servicekit.errors import Unauthorized
from servicekit.uow import UnitOfWork

ADMIN_FILE = "city-admin.json"


def _read(row: Client) -> ClientRead:
    return ClientRead.model_validate(row, from_attributes=True)


async def create_client(uow: UnitOfWork, actor: TokenClaims | None, cmd: ClientCreate) -> ClientCreated:
    """Store a client with a hashed secret; the secret is returned once, here."""
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


async def list_clients(uow: UnitOfWork) -> list[ClientRead]:
    return [_read(r) for r in await repository.list_clients(uow.session)]


async def issue_token(uow: UnitOfWork, signer: TokenSigner, client_id: str, secret: str) -> TokenResponse:
    """Client credentials → a short-lived signed token; one vague 401 for every failure (no oracle)."""
    row = await repository.get_client(uow.session, client_id)
    ok = row is not None and row.active and await asyncio.to_thread(verify_secret, secret, row.secret_hash)
    if not ok or row is None:
        raise Unauthorized("invalid client credentials")
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
