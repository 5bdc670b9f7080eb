"""Catalog tables (typed rows)."""

from sqlalchemy.orm import registry
from sqlmodel import SQLModel

from readmodels.models import KnownEnterpriseFields
from servicekit.tables import runtime_tables


class CatalogTable(SQLModel, registry=registry()):
    """Base of every catalog table: the catalog's own metadata (one database per service)."""


metadata = CatalogTable.metadata
tables = runtime_tables(metadata)


class KnownEnterprise(KnownEnterpriseFields, CatalogTable, table=True):
    __tablename__ = "known_enterprises"
