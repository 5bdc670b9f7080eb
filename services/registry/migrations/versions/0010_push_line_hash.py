"""push records: the digest of the line a record's accepted version came in

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 13:50:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('push_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('line_hash', sa.String(length=32), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('push_records', schema=None) as batch_op:
        batch_op.drop_column('line_hash')
