"""Tests that need a Docker engine (testcontainers): they run when one answers, and are otherwise reported as
NOT RUN at the end of the session — never counted as passed."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache

import pytest

NOT_RUN: list[str] = []


@cache
def docker_engine() -> str | None:
    """None when a Docker engine answers, else why not."""
    if shutil.which("docker") is None:
        return "no docker client"
    result = subprocess.run(["docker", "info", "--format", "{{.ServerVersion}}"], capture_output=True, text=True)
    return None if result.returncode == 0 and result.stdout.strip() else "no Docker engine answers"


def need_docker(what: str) -> None:
    """Skip (reported as NOT RUN in the session summary) unless a Docker engine answers."""
    why = docker_engine()
    if why is not None:
        NOT_RUN.append(f"{what}: NOT RUN ({why})")
        pytest.skip(f"NOT RUN: {what} needs a Docker engine ({why})")
