"""The migration that folds a service's `known_enterprises` table into its own table of enterprises.

Catalog (`enterprise_profiles`) and finance (`enterprise_facts`) kept two tables keyed by USCC, both written
from the same registry events; the second table cost 12–18 µs per registration at a million enterprises
(bench/apply_at_scale.py, docs/scaling.md), so they now keep one row per enterprise with the shared read model's
columns beside their own.

The rows of the two tables are the same enterprises (the same handlers wrote both in one transaction), but
nothing is dropped if they are not:
- an enterprise known only in `known_enterprises` gets a row whose own columns are derived where they can be
  (`derived`, SQL over the `known_enterprises` row `k`) and empty otherwise;
- an enterprise known only in the service's table keeps its row, with an empty name and the registration time
  1970-01-01 (unknown); `python -m <service> rebuild` restores both from the event log.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from alembic import op

SHARED = ("name", "district_code", "industry_division", "registered_at", "version")
_COLUMNS: dict[str, sa.types.TypeEngine[Any]] = {
    "name": sa.String(length=200),
    "district_code": sa.String(length=8),
    "industry_division": sa.String(length=3),
    "registered_at": sa.DateTime(timezone=True),
    "version": sa.Integer(),
}


def _unknown_time() -> str:
    return "'1970-01-01 00:00:00+00'" if op.get_bind().dialect.name == "postgresql" else "'1970-01-01 00:00:00'"


def fold_known_enterprises(into: str, added: tuple[str, ...], derived: Mapping[str, str]) -> None:
    """Add the shared columns `into` lacks (`added`), copy them from `known_enterprises`, add the enterprises
    known only there, then make the columns required and drop `known_enterprises`."""
    with op.batch_alter_table(into, schema=None) as batch_op:
        for name in added:
            batch_op.add_column(sa.Column(name, _COLUMNS[name], nullable=True))
    shared = ", ".join(f"{c} = (SELECT k.{c} FROM known_enterprises k WHERE k.uscc = {into}.uscc)" for c in added)
    op.execute(f"UPDATE {into} SET {shared} WHERE uscc IN (SELECT uscc FROM known_enterprises)")
    columns = ", ".join(("uscc", *SHARED, *derived))
    values = ", ".join((*(f"k.{c}" for c in ("uscc", *SHARED)), *derived.values()))
    op.execute(
        f"INSERT INTO {into} ({columns}) SELECT {values} FROM known_enterprises k "
        f"WHERE k.uscc NOT IN (SELECT uscc FROM {into})"
    )
    fill = {"name": "''", "registered_at": _unknown_time(), "industry_division": "substr(industry_code, 1, 3)"}
    for name in added:
        op.execute(f"UPDATE {into} SET {name} = {fill[name]} WHERE {name} IS NULL")
    with op.batch_alter_table(into, schema=None) as batch_op:
        for name in added:
            batch_op.alter_column(name, existing_type=_COLUMNS[name], nullable=False)
    op.drop_index("ix_known_enterprises_district_code", table_name="known_enterprises")
    op.drop_table("known_enterprises")


def unfold_known_enterprises(into: str, added: tuple[str, ...]) -> None:
    """The downgrade: `known_enterprises` again, filled from the service's table; the added columns dropped."""
    op.create_table(
        "known_enterprises",
        sa.Column("uscc", sa.String(length=18), nullable=False),
        *(sa.Column(c, _COLUMNS[c], nullable=False) for c in SHARED if c != "version"),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("uscc"),
    )
    op.create_index("ix_known_enterprises_district_code", "known_enterprises", ["district_code"], unique=False)
    columns = ", ".join(("uscc", *SHARED))
    op.execute(f"INSERT INTO known_enterprises ({columns}) SELECT {columns} FROM {into}")
    with op.batch_alter_table(into, schema=None) as batch_op:
        for name in added:
            batch_op.drop_column(name)
