"""Alembic environment of the assessment service (run by `python -m assessment migrate`)."""

from assessment.models import metadata
from servicekit.migrations import run_env

run_env(metadata)
