"""enterprises: who registered them, as what, how; version 1 is written when an enterprise first changes

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 22:45:00.000000

Enterprises registered before this revision keep their stored version 1 (the new columns stay null). The
downgrade writes version 1 of every enterprise registered since and not changed yet, from its row, as the
registration wrote it before: a before/after pair for every profile field that was set.
"""
import json
from decimal import Decimal
from typing import Any, Sequence, Union

import sqlalchemy as sa
from alembic import op

from servicekit.db import json_text

# revision identifiers, used by Alembic.
revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

COLUMNS = (('registered_by', 64), ('registered_role', 16), ('registered_action', 32))
# the versioned profile fields as the registry had them at this revision, in its order
FIELDS = (
    "name", "district_code", "industry_code", "employees", "revenue_yuan", "revenue_year", "tiers", "cluster",
    "chain_platforms", "contacts", "industry_division", "key_industry_id", "sub_industry", "size_class",
    "above_scale", "current_tier",
)
JSON_FIELDS = ("tiers", "chain_platforms", "contacts")
CHUNK = 5000


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        for name, length in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(length=length), nullable=True))


def _value(field: str, row: Any) -> Any:
    """A field's value as the history kept it (revenue in yuan as text, JSON as plain JSON)."""
    if field == "revenue_yuan":
        fen = row.revenue_fen
        return None if fen is None else format((Decimal(fen) / 100).quantize(Decimal("0.01")).normalize(), "f")
    value = getattr(row, field)
    if value is not None and field in JSON_FIELDS:
        return json.loads(value)
    if value is not None and field == "above_scale":
        return bool(value)  # SQLite gives 0/1
    return value


def downgrade() -> None:
    """Downgrade schema."""
    bind = op.get_bind()
    select = sa.text(
        "SELECT uscc, registered_at, registered_by, registered_role, registered_action, revenue_fen, "
        f"{', '.join(f for f in FIELDS if f != 'revenue_yuan')} FROM enterprises "
        "WHERE registered_by IS NOT NULL AND version = 1 AND uscc > :after ORDER BY uscc LIMIT :n"
    )
    insert = sa.text(
        "INSERT INTO enterprise_versions (uscc, version, changed_at, actor, role, action, changes) "
        "VALUES (:uscc, 1, :changed_at, :actor, :role, :action, :changes)"
    )
    after = ""
    while rows := bind.execute(select, {"after": after, "n": CHUNK}).all():
        versions = []
        for row in rows:
            changes = {f: {"before": None, "after": v} for f in FIELDS if (v := _value(f, row)) is not None}
            versions.append(
                {
                    "uscc": row.uscc,
                    "changed_at": row.registered_at,
                    "actor": row.registered_by,
                    "role": row.registered_role,
                    "action": row.registered_action,
                    "changes": json_text(changes),
                }
            )
        bind.execute(insert, versions)
        after = rows[-1].uscc
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
