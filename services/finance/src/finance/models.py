"""Finance tables."""

from sqlalchemy import MetaData

from readmodels.enterprises import known_enterprises_table
from readmodels.levels import level_changes_table
from readmodels.projects import known_projects_table
from servicekit.tables import runtime_tables

metadata = MetaData()
tables = runtime_tables(metadata)
known_enterprises = known_enterprises_table(metadata)
known_projects = known_projects_table(metadata)
level_changes = level_changes_table(metadata)
