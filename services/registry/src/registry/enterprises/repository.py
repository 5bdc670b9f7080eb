"""Every registry query (enterprises and their versions)."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.api.profile import TierRecognition
from registry.models import enterprise_versions, enterprises, imports, projects
from servicekit.db import select_where_in
from servicekit.errors import DomainError

JSON_FIELDS = ("tiers", "chain_platforms", "contacts")


def _jsonable(value: Any) -> Any:
    if isinstance(value, list):
        return [v.model_dump(mode="json") if hasattr(v, "model_dump") else v for v in value]
    return value


def to_row(values: dict[str, Any]) -> dict[str, Any]:
    """Profile values → column values (JSON lists as text, revenue in fen)."""
    row = {k: v for k, v in values.items() if k != "revenue_yuan"}
    for f in JSON_FIELDS:
        if f in row:
            row[f] = json.dumps(_jsonable(row[f] or []), ensure_ascii=False)
    if "revenue_yuan" in values:
        rev = values["revenue_yuan"]
        row["revenue_fen"] = None if rev is None else int((Decimal(rev) * 100).to_integral_exact())
    return row


def from_row(row: Any) -> dict[str, Any]:
    m = dict(row._mapping)
    for f in JSON_FIELDS:
        m[f] = json.loads(m[f] or "[]")
    m["tiers"] = [TierRecognition.model_validate(t) for t in m["tiers"]]
    fen = m.pop("revenue_fen")
    m["revenue_yuan"] = None if fen is None else (Decimal(fen) / 100).quantize(Decimal("0.01"))
    return m


async def get_enterprise(session: AsyncSession, uscc: str) -> dict[str, Any] | None:
    row = (await session.execute(select(enterprises).where(enterprises.c.uscc == uscc))).first()
    return from_row(row) if row else None


async def add_enterprise(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(enterprises).values(**to_row(values)))


async def add_enterprises(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Insert many; rows may leave different optional fields out (one executemany needs the same keys)."""
    empty = dict.fromkeys(c.name for c in enterprises.columns if c.server_default is None)
    for i in range(0, len(rows), 1000):
        await session.execute(insert(enterprises), [empty | to_row(r) for r in rows[i : i + 1000]])


def dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def existing_usccs(session: AsyncSession, usccs: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(usccs), 1000):
        chunk = usccs[i : i + 1000]
        query = select_where_in(dialect(session), enterprises, enterprises.c.uscc, chunk, columns=[enterprises.c.uscc])
        found |= set((await session.execute(query)).scalars())
    return found


async def enterprises_by_uscc(session: AsyncSession, usccs: list[str]) -> dict[str, dict[str, Any]]:
    """The stored values of each of `usccs` that is registered."""
    found: dict[str, dict[str, Any]] = {}
    for i in range(0, len(usccs), 1000):
        query = select_where_in(dialect(session), enterprises, enterprises.c.uscc, usccs[i : i + 1000])
        found |= {r.uscc: from_row(r) for r in await session.execute(query)}
    return found


async def add_versions(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    for i in range(0, len(rows), 1000):
        chunk = [
            {**r, "changes": json.dumps(r["changes"], ensure_ascii=False, default=str)} for r in rows[i : i + 1000]
        ]
        await session.execute(insert(enterprise_versions), chunk)


async def add_import(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(
        insert(imports).values(**{**values, "errors": json.dumps(values["errors"], ensure_ascii=False)})
    )


async def get_import(session: AsyncSession, import_id: str) -> dict[str, Any] | None:
    row = (await session.execute(select(imports).where(imports.c.import_id == import_id))).first()
    return {**row._asdict(), "errors": json.loads(row.errors)} if row else None


async def update_enterprise(session: AsyncSession, uscc: str, values: dict[str, Any], expected_version: int) -> bool:
    """Write a new version; False when another writer got there first (optimistic locking)."""
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(enterprises)
            .where(enterprises.c.uscc == uscc, enterprises.c.version == expected_version)
            .values(**to_row(values))
        ),
    )
    return bool(result.rowcount)


async def add_version(session: AsyncSession, **values: Any) -> None:
    values["changes"] = json.dumps(values["changes"], ensure_ascii=False, default=str)
    await session.execute(insert(enterprise_versions).values(**values))


async def versions(session: AsyncSession, uscc: str) -> list[dict[str, Any]]:
    v = enterprise_versions
    rows = (await session.execute(select(v).where(v.c.uscc == uscc).order_by(v.c.version))).all()
    return [{**r._asdict(), "changes": json.loads(r.changes)} for r in rows]


@dataclass
class EnterpriseFilter:
    districts: list[str] | None = None  # None: all
    industry_division: str | None = None
    key_industry_id: int | None = None
    current_tier: str | None = None
    size_class: str | None = None
    above_scale: bool | None = None
    cluster: str | None = None
    name_contains: str | None = None
    journey_stage: str | None = None  # enterprises with a project in this stage


def encode_cursor(uscc: str) -> str:
    return base64.urlsafe_b64encode(uscc.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        value = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError) as e:
        raise DomainError("cursor is not one this API returned", field="cursor") from e
    if len(value) != 18:
        raise DomainError("cursor is not one this API returned", field="cursor")
    return value


async def list_enterprises(
    session: AsyncSession, f: EnterpriseFilter, after: str | None, limit: int
) -> list[dict[str, Any]]:
    """One page in USCC order (keyset pagination: stable while rows are added)."""
    e = enterprises
    where: list[ColumnElement[bool]] = []
    if f.districts is not None:
        where.append(e.c.district_code.in_(f.districts))
    for col, value in (
        (e.c.industry_division, f.industry_division),
        (e.c.key_industry_id, f.key_industry_id),
        (e.c.current_tier, f.current_tier),
        (e.c.size_class, f.size_class),
        (e.c.above_scale, f.above_scale),
        (e.c.cluster, f.cluster),
    ):
        if value is not None:
            where.append(col == value)
    if f.journey_stage:
        in_stage = select(projects.c.uscc).where(projects.c.stage == f.journey_stage)
        where.append(e.c.uscc.in_(in_stage))
    if f.name_contains:
        escaped = f.name_contains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append(e.c.name.like(f"%{escaped}%", escape="\\"))
    if after:
        where.append(e.c.uscc > after)
    rows = (await session.execute(select(e).where(*where).order_by(e.c.uscc).limit(limit))).all()
    return [from_row(r) for r in rows]
