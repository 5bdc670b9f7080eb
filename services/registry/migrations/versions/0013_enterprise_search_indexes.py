"""enterprises: searches walk the primary key; only the tier keeps an index, of the enterprises that have one

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 18:50:00.000000

Searches and exports page in USCC order. Filtered by unit, division, key industry or size (each value a large
share of the rows), a page is found fastest by walking the primary key and filtering: through an index on the
unit, SQLite read and sorted the unit's every row for each page (50 ms at a million rows, against 1–5 ms). Each
of those four indexes cost every registration about 1 µs (bench/results.md, eighteenth session). The tier is
rare and never pushed: its index keeps only the enterprises that have one.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0013'
down_revision: Union[str, Sequence[str], None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

DROPPED = (
    ('ix_enterprises_district', 'district_code'),
    ('ix_enterprises_division', 'industry_division'),
    ('ix_enterprises_key_industry', 'key_industry_id'),
    ('ix_enterprises_size', 'size_class'),
)
HAS_TIER = sa.text('current_tier IS NOT NULL')


def upgrade() -> None:
    """Upgrade schema."""
    for name, _ in DROPPED:
        op.drop_index(name, table_name='enterprises')
    op.drop_index('ix_enterprises_tier', table_name='enterprises')
    op.create_index(
        'ix_enterprises_tier', 'enterprises', ['current_tier'], sqlite_where=HAS_TIER, postgresql_where=HAS_TIER
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_enterprises_tier', table_name='enterprises')
    op.create_index('ix_enterprises_tier', 'enterprises', ['current_tier'])
    for name, column in DROPPED:
        op.create_index(name, 'enterprises', [column])
