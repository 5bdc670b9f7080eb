"""The migration every service runs once to move from a published-at column to the outbox's queue table.

Each service's migration calls `upgrade()` / `downgrade()` (the outbox is the same in every service).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Queue the rows not yet published, then drop the published-at column and its index."""
    op.create_table(
        "outbox_pending",
        sa.Column("id", _ID, autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute("INSERT INTO outbox_pending (id) SELECT id FROM outbox WHERE published_at IS NULL")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_pending")
        batch_op.drop_column("published_at")


def downgrade() -> None:
    """Rows off the queue count as published at the time of the downgrade."""
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_outbox_pending", ["published_at", "id"], unique=False)
    op.execute("UPDATE outbox SET published_at = CURRENT_TIMESTAMP WHERE id NOT IN (SELECT id FROM outbox_pending)")
    op.drop_table("outbox_pending")
