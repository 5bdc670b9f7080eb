"""Every query on machine clients."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from registry.models import Client
from servicekit.db import columns_of, table_of


async def add_client(session: AsyncSession, row: Client) -> None:
    await session.execute(insert(table_of(Client)).values(**columns_of(row)))


async def get_client(session: AsyncSession, client_id: str) -> Client | None:
    return (await session.execute(select(Client).where(Client.client_id == client_id))).scalar_one_or_none()


async def list_clients(session: AsyncSession) -> Sequence[Client]:
    return (await session.execute(select(Client).order_by(col(Client.created_at)))).scalars().all()


async def deactivate(session: AsyncSession, client_id: str) -> None:
    await session.execute(update(table_of(Client)).where(col(Client.client_id) == client_id).values(active=False))


async def set_secret(session: AsyncSession, client_id: str, secret_hash: str) -> None:
    query = update(table_of(Client)).where(col(Client.client_id) == client_id)
    await session.execute(query.values(secret_hash=secret_hash))


async def has_city_client(session: AsyncSession) -> bool:
    return (await session.execute(select(Client.client_id).where(Client.role == "city").limit(1))).first() is not None
