"""Every query on enterprises and their versions."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Row
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from registry.enterprises.rules import EnterpriseFilter
from registry.models import Enterprise, EnterpriseVersion, Project
from servicekit.bulk import insert_rows, update_rows
from servicekit.db import columns_of, select_where_in, table_of
from servicekit.errors import InvalidInput

CHUNK = 10_000  # keys per lookup: a whole batch in one statement (the keys travel as one parameter)
_COLUMNS = tuple(c.key for c in table_of(Enterprise).columns)


def dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def get_enterprise(session: AsyncSession, uscc: str) -> Enterprise | None:
    query = select(Enterprise).where(Enterprise.uscc == uscc).execution_options(populate_existing=True)
    return (await session.execute(query)).scalar_one_or_none()


async def add_enterprises(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Insert many (column values); rows may leave different optional fields out (one executemany needs
    the same keys, so every column is given)."""
    empty = dict.fromkeys(c.name for c in table_of(Enterprise).columns if c.server_default is None)
    await insert_rows(session, Enterprise, [empty | r for r in rows])


async def existing_usccs(session: AsyncSession, usccs: list[str]) -> set[str]:
    found: set[str] = set()
    t = table_of(Enterprise)
    for i in range(0, len(usccs), CHUNK):
        query = select_where_in(dialect(session), t, t.c.uscc, usccs[i : i + CHUNK], columns=[t.c.uscc])
        found |= set((await session.execute(query)).scalars())
    return found


Stored = Enterprise | Row[Any]  # a stored enterprise: the ORM instance, or its plain row (bulk reads)


def stored_columns(row: Stored) -> dict[str, Any]:
    """The column values of a stored enterprise, either form."""
    return dict(row._mapping) if isinstance(row, Row) else columns_of(row)


async def enterprises_by_uscc(session: AsyncSession, usccs: list[str]) -> dict[str, Row[Any]]:
    """The stored row of each of `usccs` that is registered, as a plain row (its columns as attributes): a
    batch only reads them, and an ORM instance per row cost ~60 µs of a pushed change's ~400."""
    found: dict[str, Row[Any]] = {}
    t = table_of(Enterprise)
    for i in range(0, len(usccs), CHUNK):
        query = select_where_in(dialect(session), t, t.c.uscc, usccs[i : i + CHUNK], columns=list(t.c))
        found |= {r.uscc: r for r in await session.execute(query)}
    return found


async def update_enterprises(
    session: AsyncSession, rows: Sequence[dict[str, Any]], expected: Sequence[int]
) -> list[str]:
    """Write new versions in one statement, each only over the version it was computed from (optimistic
    locking); the USCCs someone else changed meanwhile (not written)."""
    updated = await update_rows(session, Enterprise, rows, key=["uscc"], guard="version", expected=expected)
    if updated == len(rows):
        return []
    t = table_of(Enterprise)  # which ones: read back what is stored now (within the same transaction)
    query = select_where_in(
        dialect(session), t, t.c.uscc, [r["uscc"] for r in rows], columns=[t.c.uscc, t.c.version, t.c.updated_at]
    )
    stored = {u: (v, at) for u, v, at in (await session.execute(query)).all()}
    return [r["uscc"] for r in rows if stored.get(r["uscc"]) != (r["version"], r["updated_at"])]


async def add_versions(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    await insert_rows(session, EnterpriseVersion, rows)


async def versions(session: AsyncSession, uscc: str) -> Sequence[EnterpriseVersion]:
    query = select(EnterpriseVersion).where(EnterpriseVersion.uscc == uscc).order_by(col(EnterpriseVersion.version))
    return (await session.execute(query)).scalars().all()


def encode_cursor(uscc: str) -> str:
    return base64.urlsafe_b64encode(uscc.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        value = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, ValueError) as e:  # not base64, not ASCII, not UTF-8
        raise InvalidInput("cursor is not one this API returned", field="cursor") from e
    if len(value) != 18:
        raise InvalidInput("cursor is not one this API returned", field="cursor")
    return value


async def list_enterprises(
    session: AsyncSession, f: EnterpriseFilter, after: str | None, limit: int
) -> Sequence[Enterprise]:
    """One page in USCC order (keyset pagination: stable while rows are added)."""
    e = Enterprise
    where: list[ColumnElement[bool]] = []
    if f.districts is not None:
        where.append(col(e.district_code).in_(f.districts))
    for column, value in (
        (e.industry_division, f.industry_division),
        (e.key_industry_id, f.key_industry_id),
        (e.current_tier, f.current_tier),
        (e.size_class, f.size_class),
        (e.above_scale, f.above_scale),
        (e.cluster, f.cluster),
    ):
        if value is not None:
            where.append(col(column) == value)
    if f.journey_stage:
        in_stage = select(Project.uscc).where(Project.stage == f.journey_stage)
        where.append(col(e.uscc).in_(in_stage))
    if f.name_contains:
        escaped = f.name_contains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append(col(e.name).like(f"%{escaped}%", escape="\\"))
    if after:
        where.append(col(e.uscc) > after)
    query = select(e).where(*where).order_by(col(e.uscc)).limit(limit)
    return (await session.execute(query)).scalars().all()
