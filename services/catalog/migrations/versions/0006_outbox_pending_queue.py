"""outbox: the rows to publish as a queue table (outbox_pending) instead of a published-at column

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 16:30:00.000000

"""
from typing import Sequence, Union

from servicekit import outbox_migration

# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    outbox_migration.upgrade()


def downgrade() -> None:
    """Downgrade schema."""
    outbox_migration.downgrade()
