"""Alembic environment of the finance service (run by `python -m finance migrate`)."""

from finance.models import metadata
from servicekit.migrations import run_env

run_env(metadata)
