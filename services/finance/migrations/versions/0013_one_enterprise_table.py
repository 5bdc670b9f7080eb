"""one table per enterprise: known_enterprises folded into enterprise_facts (readmodels.migration)

An enterprise finance learnt of before enterprise_facts existed (0007) had no facts row, so eligibility called
it unregistered; it now has a row, registered, with its other facts unknown until its next update or a rebuild.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 21:10:00.000000

"""
from typing import Sequence, Union

from alembic import op

from readmodels import migration

# revision identifiers, used by Alembic.
revision: str = '0013'
down_revision: Union[str, Sequence[str], None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

ADDED = ("name", "registered_at")


def upgrade() -> None:
    """Upgrade schema."""
    migration.fold_known_enterprises("enterprise_facts", ADDED, {"chain_platforms": "'[]'"})
    op.create_index("ix_enterprise_facts_district_code", "enterprise_facts", ["district_code"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_enterprise_facts_district_code", table_name="enterprise_facts")
    migration.unfold_known_enterprises("enterprise_facts", ADDED)
