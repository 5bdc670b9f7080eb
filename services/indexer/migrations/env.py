"""Alembic environment of the indexer service (run by `python -m indexer migrate`)."""

from indexer.models import metadata
from servicekit.migrations import run_env

run_env(metadata)
