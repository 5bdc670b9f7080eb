"""Identity use cases: machine clients, access tokens, the first city-admin client."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from contracts.api.identity import ClientCreate, ClientCreated, ClientRead, Role, TokenClaims, TokenResponse
from registry.config import RegistrySettings
from registry.identity.hashing import hash_secret, new_secret, verify_secret
from registry.models import clients, tables
from servicekit.auth import TokenSigner, ensure_keypair
from servicekit.db import make_engine, sessionmaker
from servicekit.errors import Unauthorized
from servicekit.uow import UnitOfWork

ADMIN_FILE = "city-admin.json"


def _read(row: Any) -> ClientRead:
    m = dict(row._mapping)
    return ClientRead(**{**m, "districts": json.loads(m["districts"])})


async def create_client(uow: UnitOfWork, actor: TokenClaims | None, cmd: ClientCreate) -> ClientCreated:
    """Store a client with a hashed secret; the secret is returned once, here."""
    secret = new_secret()
    values = {
        "name": cmd.name,
        "role": cmd.role.value,
        "districts": json.dumps(cmd.districts),
        "provider_id": cmd.provider_id,
        "uscc": cmd.uscc,
        "bank_id": cmd.bank_id,
        "secret_hash": await asyncio.to_thread(hash_secret, secret),
        "active": True,
        "created_at": datetime.now(UTC),
    }
    client_id = f"cl_{secrets.token_hex(8)}"
    values["client_id"] = client_id
    await uow.session.execute(insert(clients).values(**values))
    if actor is not None:
        uow.audit(actor, "client.create", client_id, {"name": cmd.name, "role": cmd.role.value})
    return ClientCreated(**{**values, "districts": cmd.districts}, client_secret=secret)


async def list_clients(uow: UnitOfWork) -> list[ClientRead]:
    rows = (await uow.session.execute(select(clients).order_by(clients.c.created_at))).all()
    return [_read(r) for r in rows]


async def issue_token(uow: UnitOfWork, signer: TokenSigner, client_id: str, secret: str) -> TokenResponse:
    """Client credentials → a short-lived signed token; one vague 401 for every failure (no oracle)."""
    row = (await uow.session.execute(select(clients).where(clients.c.client_id == client_id))).first()
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
            city = select(clients.c.client_id).where(clients.c.role == Role.CITY.value)
            if (await uow.session.execute(city)).first() and path.exists():
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
