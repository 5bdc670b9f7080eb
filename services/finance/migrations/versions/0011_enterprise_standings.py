"""enterprise standings

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 09:50:00.000000

One row per enterprise with its projects, latest final level, latest level change and designations, kept by
the consumers (finance.facts.standing_repository); filled here from the tables it summarises.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# The journey's stages in order, as they stood when this migration was written.
_STAGES = ('diagnosis', 'strategy', 'design', 'implementation', 'policy', 'evaluation', 'promotion', 'operation')
_ORDINAL = "CASE p.stage " + " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(_STAGES)) + " END"


def _latest_change(column: str) -> str:
    return (
        f"(SELECT c.{column} FROM known_level_changes c WHERE c.uscc = u.uscc "
        "ORDER BY c.measured_at DESC LIMIT 1)"
    )


def _holds(kind: str) -> str:
    return (
        f"EXISTS (SELECT 1 FROM designations d WHERE d.uscc = u.uscc AND d.kind = '{kind}' "
        "AND d.revoked_at IS NULL)"
    )


BACKFILL = f"""
INSERT INTO enterprise_standings
    (uscc, projects, furthest, final_level, t0_level, t1_level, level_delta, lighthouse, benchmark)
SELECT
    u.uscc,
    (SELECT count(*) FROM known_projects p WHERE p.uscc = u.uscc),
    (SELECT max({_ORDINAL}) FROM known_projects p WHERE p.uscc = u.uscc),
    (SELECT f.level FROM final_assessments f WHERE f.uscc = u.uscc ORDER BY f.finalised_at DESC LIMIT 1),
    {_latest_change('t0_level')},
    {_latest_change('t1_level')},
    {_latest_change('level_delta')},
    {_holds('lighthouse')},
    {_holds('benchmark')}
FROM (
    SELECT uscc FROM known_projects UNION SELECT uscc FROM final_assessments
    UNION SELECT uscc FROM known_level_changes UNION SELECT uscc FROM designations
) AS u
"""


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('enterprise_standings',
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('projects', sa.Integer(), nullable=False),
    sa.Column('furthest', sa.Integer(), nullable=True),
    sa.Column('final_level', sa.Integer(), nullable=True),
    sa.Column('t0_level', sa.Integer(), nullable=True),
    sa.Column('t1_level', sa.Integer(), nullable=True),
    sa.Column('level_delta', sa.Integer(), nullable=True),
    sa.Column('lighthouse', sa.Boolean(), nullable=False),
    sa.Column('benchmark', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('uscc')
    )
    op.execute(BACKFILL)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('enterprise_standings')
