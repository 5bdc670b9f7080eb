"""Alembic environment of the catalog service (run by `python -m catalog migrate`)."""

from catalog.models import metadata
from servicekit.migrations import run_env

run_env(metadata)
