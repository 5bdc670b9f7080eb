"""Alembic environment of the registry service (run by `python -m registry migrate`)."""

from registry.models import metadata
from servicekit.migrations import run_env

run_env(metadata)
