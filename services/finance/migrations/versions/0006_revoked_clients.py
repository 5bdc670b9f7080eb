"""revoked clients

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 17:45:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('revoked_clients',
    sa.Column('client_id', sa.String(length=40), nullable=False),
    sa.Column('deactivated', sa.Boolean(), nullable=False),
    sa.Column('tokens_issued_before', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('client_id')
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('revoked_clients')
