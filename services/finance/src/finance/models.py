"""Finance tables (typed rows)."""

from sqlalchemy.orm import registry
from sqlmodel import SQLModel

from readmodels.models import KnownEnterpriseFields, KnownLevelChangeFields, KnownProjectFields
from servicekit.tables import runtime_tables


class FinanceTable(SQLModel, registry=registry()):
    """Base of every finance table: finance's own metadata (one database per service)."""


metadata = FinanceTable.metadata
tables = runtime_tables(metadata)


class KnownEnterprise(KnownEnterpriseFields, FinanceTable, table=True):
    __tablename__ = "known_enterprises"


class KnownProject(KnownProjectFields, FinanceTable, table=True):
    __tablename__ = "known_projects"


class KnownLevelChange(KnownLevelChangeFields, FinanceTable, table=True):
    __tablename__ = "known_level_changes"
