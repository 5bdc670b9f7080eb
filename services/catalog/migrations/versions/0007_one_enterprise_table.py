"""one table per enterprise: known_enterprises folded into enterprise_profiles (readmodels.migration)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 21:10:00.000000

"""
from typing import Sequence, Union

from readmodels import migration

# revision identifiers, used by Alembic.
revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

ADDED = ("name", "industry_division", "registered_at")


def upgrade() -> None:
    """Upgrade schema."""
    # an enterprise known only by its registration's shared facts: its division stands for its industry code
    migration.fold_known_enterprises("enterprise_profiles", ADDED, {"industry_code": "k.industry_division"})


def downgrade() -> None:
    """Downgrade schema."""
    migration.unfold_known_enterprises("enterprise_profiles", ADDED)
