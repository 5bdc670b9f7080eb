"""Every query on enterprise facts, their aggregate cells and the programme counters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import case, delete, func
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession

from indexer.facts.rules import METRICS, TRANSFORMED_FROM, CellKey
from indexer.models import AggregateCell, EnterpriseFact, ProgrammeCounter
from servicekit.bulk import insert_rows, last_inserted, upsert_add
from servicekit.db import select_where_in, table_of

FACT_COLUMNS = [c for c in EnterpriseFact.model_fields if c != "uscc"]
CELL_KEYS = ("district_code", "key_industry_id", "tier", "size_class", "above_scale")


async def facts(session: AsyncSession, usccs: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The stored facts of these enterprises, as dicts (one read for the batch), to be changed and written back in
    this transaction: on PostgreSQL they stay locked until it ends (FOR UPDATE), so another transaction changing
    one of them (a replica's) reads it after this one has committed, rather than as it was, and writing it back
    would undo this one's change. They are locked in USCC order, so two batches locking some of the same facts
    wait for each other instead of deadlocking. (SQLite has one writer, and renders no FOR UPDATE.)"""
    t = table_of(EnterpriseFact)
    query = select_where_in(session.get_bind().dialect.name, t, t.c.uscc, list(usccs), columns=list(t.c))
    query = query.order_by(t.c.uscc).with_for_update(of=t)
    return {r.uscc: dict(r._mapping) for r in await session.execute(query)}


async def put_facts(session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> None:
    """Write facts read earlier in this transaction and changed since."""
    await insert_rows(session, EnterpriseFact, rows, conflict=["uscc"], update=FACT_COLUMNS)


async def add_facts(session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert facts that were not stored when this transaction read them: a plain INSERT (COPY on PostgreSQL). If
    another transaction stored one of them meanwhile, the key's uniqueness refuses this one (IntegrityError) and
    the consumer applies the batch again on what is stored now, instead of overwriting it."""
    await insert_rows(session, EnterpriseFact, rows)


async def add_facts_not_stored(session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> set[str]:
    """SQLite: insert the facts not stored yet and leave the stored ones as they are; the keys of those inserted:
    all of them if SQLite counts every one inserted, else the table's last rows (`servicekit.bulk.last_inserted`)."""
    t = table_of(EnterpriseFact)
    inserted = await insert_rows(session, EnterpriseFact, rows, conflict=["uscc"])
    if inserted is None:
        raise RuntimeError("the database did not count the facts it inserted")
    if inserted == len(rows):
        return {r["uscc"] for r in rows}
    return set((await session.execute(last_inserted(t, t.c.uscc, inserted))).scalars())


async def add_to_cells(session: AsyncSession, changes: Mapping[CellKey, Mapping[str, int]]) -> None:
    if not changes:
        return
    rows = [dict(zip(CELL_KEYS, key, strict=True)) | dict(v) for key, v in sorted(changes.items())]
    await upsert_add(session, AggregateCell, rows, CELL_KEYS, METRICS)


async def cells(session: AsyncSession, district_code: str | None = None) -> dict[CellKey, dict[str, int]]:
    """The kept cells (those with enterprises): of one unit, or all."""
    t = table_of(AggregateCell)
    query = sa_select(t).where(t.c.enterprises > 0)
    if district_code is not None:
        query = query.where(t.c.district_code == district_code)
    return {
        tuple(r._mapping[k] for k in CELL_KEYS): {m: int(r._mapping[m]) for m in METRICS}
        for r in await session.execute(query)
    }


def _metric_sums(t: Any) -> list[Any]:
    """Every metric summed (0 where there is nothing), labelled with its name."""
    return [func.coalesce(func.sum(t.c[m]), 0).label(m) for m in METRICS]


async def sums(session: AsyncSession, *, district_code: str | None = None, tiers: Sequence[str] = ()) -> dict[str, int]:
    """Every metric summed over the cells (of one unit; of some tiers), and the units with enterprises."""
    t = table_of(AggregateCell)
    columns = _metric_sums(t)
    units = func.count(func.distinct(case((t.c.enterprises > 0, t.c.district_code)))).label("units")
    query = sa_select(*columns, units)
    if district_code is not None:
        query = query.where(t.c.district_code == district_code)
    if tiers:
        query = query.where(t.c.tier.in_(list(tiers)))
    row = (await session.execute(query)).one()
    return {k: int(v or 0) for k, v in row._mapping.items()}


async def unit_sums(session: AsyncSession, units: Sequence[str]) -> dict[str, dict[str, int]]:
    """Every metric summed over the kept cells of each of these units (one GROUP BY; units without cells are left
    out). The city feed reads this after every batch: reading the cells themselves cost several µs per event."""
    t = table_of(AggregateCell)
    columns = _metric_sums(t)
    query = (
        sa_select(t.c.district_code, *columns)
        .where(t.c.enterprises > 0, t.c.district_code.in_(list(units)))
        .group_by(t.c.district_code)
    )
    return {r.district_code: {m: int(r._mapping[m]) for m in METRICS} for r in await session.execute(query)}


async def replace_cells(session: AsyncSession, counted: Mapping[CellKey, Mapping[str, int]]) -> None:
    await session.execute(delete(table_of(AggregateCell)))
    rows = [dict(zip(CELL_KEYS, key, strict=True)) | dict(v) for key, v in sorted(counted.items())]
    await insert_rows(session, AggregateCell, rows)


async def add_to_counters(session: AsyncSession, increments: Mapping[str, int]) -> None:
    rows = [{"name": k, "value": v} for k, v in sorted(increments.items()) if v]
    if rows:
        await upsert_add(session, ProgrammeCounter, rows, ["name"], "value")


async def counters(session: AsyncSession) -> dict[str, int]:
    t = table_of(ProgrammeCounter)
    return {r.name: int(r.value) for r in await session.execute(sa_select(t.c.name, t.c.value))}


async def put_statuses(session: AsyncSession, model: Any, key: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Solutions' or providers' latest status (one row each)."""
    await insert_rows(session, model, rows, conflict=[key], update=["status"])


async def count_status(session: AsyncSession, model: Any, status: str) -> int:
    t = table_of(model)
    return int((await session.execute(sa_select(func.count()).where(t.c.status == status))).scalar_one())


async def counted_from_facts(session: AsyncSession) -> dict[CellKey, dict[str, int]]:
    """The cells counted again by the database from the facts, one GROUP BY: an implementation independent of the
    deltas the handlers keep (rules.contribution), so a recount that agrees is a real check."""
    f = table_of(EnterpriseFact)
    scale = case((f.c.above_scale.is_(True), "y"), (f.c.above_scale.is_(False), "n"), else_="")
    keys = [
        f.c.district_code,
        func.coalesce(f.c.key_industry_id, 0),
        func.coalesce(f.c.tier, ""),
        func.coalesce(f.c.size_class, ""),
        scale,
    ]

    def count(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    metrics = {
        "enterprises": func.count(),
        "assessed": count(f.c.level.is_not(None)),
        "level_2_plus": count(f.c.level >= 2),
        "level_sum": func.coalesce(func.sum(f.c.level), 0),
        "transformed": count(f.c.stage_seq >= TRANSFORMED_FROM),
        "designated": count(f.c.designations > 0),
        "adopted": count(f.c.adopted.is_(True)),
        "cloud": count(f.c.cloud.is_(True)),
        "with_loans": count(f.c.loans > 0),
        "with_subsidies": count(f.c.subsidies > 0),
        "chain_members": count(f.c.chain_member.is_(True)),
    }
    query = sa_select(*keys, *[m.label(name) for name, m in metrics.items()]).where(f.c.version >= 1).group_by(*keys)
    return {
        (r[0], int(r[1]), r[2], r[3], r[4]): {name: int(r._mapping[name] or 0) for name in metrics}
        for r in await session.execute(query)
    }
