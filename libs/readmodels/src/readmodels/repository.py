"""Every query of the read models: one set-based statement per table per batch, and the two reads every
read-model router makes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from servicekit.bulk import insert_rows
from servicekit.db import latest_per_key, table_of, upsert

KEPT_ON_UPDATE = ("uscc", "registered_at")  # the key, and the time of the registration (if it was seen first)


async def add_enterprises(session: AsyncSession, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Registrations: a row that exists already (a later update arrived first) is kept."""
    await insert_rows(session, model, rows, conflict=["uscc"])


async def update_enterprises(session: AsyncSession, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Updates (the full facts and the version; a service's own columns too): only a newer version moves a row;
    an unknown enterprise gets a row (its registration may arrive later, or never after a partial replay)."""
    if not rows:
        return
    latest = latest_per_key(rows, ["uscc"], "version")
    update = [c for c in rows[0] if c not in KEPT_ON_UPDATE]
    await insert_rows(session, model, latest, conflict=["uscc"], update=update, newer="version")


async def add_projects(session: AsyncSession, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Creations: a placeholder left by an earlier stage change gets its creation facts."""
    if rows:
        dialect = session.get_bind().dialect.name
        stmt = upsert(dialect, model, ["project_id"], ["provider_id", "created_at"], only_if_null="created_at")
        await session.execute(stmt, list(rows))  # rare (one per project): SQLAlchemy's path is fine


async def move_projects(session: AsyncSession, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Stage changes: only a later transition number moves a row."""
    latest = latest_per_key(rows, ["project_id"], "seq")
    await insert_rows(
        session, model, latest, conflict=["project_id"], update=["stage", "seq", "stage_entered_at"], newer="seq"
    )


async def put_level_changes(session: AsyncSession, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """The latest measurement per project: a re-assessment replaces it, a replayed older one does not."""
    latest = latest_per_key(rows, ["project_id"], "measured_at")
    columns = [c.key for c in table_of(model).columns if c.key != "project_id"]
    await insert_rows(session, model, latest, conflict=["project_id"], update=columns, newer="measured_at")


async def page(
    session: AsyncSession, model: Any, where: list[ColumnElement[bool]], order_by: list[Any], limit: int, offset: int
) -> tuple[int, list[Any]]:
    """(total matching, the typed rows of this page)."""
    total = await session.scalar(select(func.count()).select_from(model).where(*where))
    rows = (
        await session.execute(select(model).where(*where).order_by(*order_by).limit(limit).offset(offset))
    ).scalars()
    return int(total or 0), list(rows)


async def one(session: AsyncSession, model: Any, key: Any, value: str) -> Any | None:
    """The typed row whose `key` is `value`, or None."""
    return (await session.execute(select(model).where(key == value))).scalar_one_or_none()
