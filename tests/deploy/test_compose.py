"""The image and the Compose stack: valid against the Compose specification, every service of the code with its
database, migration job and settings, every image pinned, every container of ours non-root and read-only."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import yaml

from devstack.suite import SERVICES
from testkit.deploy import ROOT

COMPOSE = ROOT / "deploy/compose"


def compose(name: str = "compose.yaml") -> dict[str, Any]:
    return yaml.safe_load((COMPOSE / name).read_text(encoding="utf-8"))


def test_the_compose_files_follow_the_compose_specification() -> None:
    files = [str(COMPOSE / "compose.yaml"), str(COMPOSE / "compose.ha.yaml")]
    checker = ROOT / ".venv/bin/check-jsonschema"
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.compose-spec", *files], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_service_runs_with_its_database_and_migration() -> None:
    services = compose()["services"]
    databases = set(
        re.findall(
            r"CREATE DATABASE (\w+) TEMPLATE template0 LC_COLLATE 'C';", (COMPOSE / "postgres-init.sql").read_text()
        )
    )
    assert databases == set(SERVICES)
    for name, port in SERVICES.items():
        svc, migrate = services[name], services[f"{name}-migrate"]
        assert svc["command"] == [name, "serve"] and migrate["command"] == [name, "migrate"]
        env = svc["environment"]
        assert env[f"SHUZHUAN_{name.upper()}_DATABASE_URL"].endswith(f"@postgres:5432/{name}")
        assert env[f"SHUZHUAN_{name.upper()}_KAFKA_PROFILE"] == "kafka"
        assert env[f"SHUZHUAN_{name.upper()}_PORT"] == str(port)
        assert svc["depends_on"][f"{name}-migrate"] == {"condition": "service_completed_successfully"}
        assert svc["depends_on"]["topics"] == {"condition": "service_completed_successfully"}
        assert f"{port}/readyz" in " ".join(svc["healthcheck"]["test"])
    ha = compose("compose.ha.yaml")["services"]
    assert {"kafka", "kafka-2", "kafka-3"} <= set(ha)
    assert ha["topics"]["command"][-4:] == ["--replication-factor", "3", "--min-insync-replicas", "2"]
    assert ha["kafka"]["environment"]["KAFKA_MIN_INSYNC_REPLICAS"] == 2


def test_images_are_pinned_and_ours_run_as_non_root_read_only() -> None:
    for name, svc in {**compose()["services"], **compose("compose.ha.yaml")["services"]}.items():
        image = svc.get("image")
        if image is None:
            continue  # an override of a service declared in compose.yaml
        if image.startswith("${SHUZHUAN_IMAGE"):
            assert svc.get("user") == "10001:10001" and svc.get("read_only") is True, name
        else:
            assert re.search(r":v?\d+\.\d+(\.\d+)?(-[a-z]+)?(@sha256:[0-9a-f]{64})?$", image), (
                f"{name}: {image} not pinned"
            )
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"ARG PYTHON_IMAGE=python:[\d.]+-slim-bookworm@sha256:[0-9a-f]{64}", dockerfile)
    assert "uv sync --frozen" in dockerfile and "USER 10001:10001" in dockerfile
    assert "var" in (ROOT / ".dockerignore").read_text().split()
