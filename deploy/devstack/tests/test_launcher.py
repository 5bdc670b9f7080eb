"""`make run`'s launcher: a taken port is a one-line error naming the port and the setting."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from devstack.broker import free_port
from devstack.suite import PROCESSES, SERVICES


def test_port_in_use_is_one_line_naming_port_and_setting(tmp_path: object) -> None:
    env = dict(os.environ)
    env["SHUZHUAN_BROKER_PORT"] = str(free_port())
    for name in SERVICES:
        env[f"SHUZHUAN_{name.upper()}_PORT"] = str(free_port())
    env["SHUZHUAN_REGISTRY_RELAY_PORT"] = str(free_port())
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env["SHUZHUAN_FINANCE_PORT"] = str(port)
        r = subprocess.run(
            [sys.executable, "-m", "devstack", "run"], env=env, capture_output=True, text=True, timeout=60
        )
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert lines == [f"error: port {port} (finance) is already in use; set SHUZHUAN_FINANCE_PORT to a free port"]


def test_suite_wide_settings_and_one_postgres_server(monkeypatch: object) -> None:
    from pathlib import Path

    import pytest

    from devstack.suite import Suite, SuiteConfig

    mp = pytest.MonkeyPatch()
    try:
        mp.setenv("SHUZHUAN_LOG_LEVEL", "DEBUG")
        mp.setenv("SHUZHUAN_INDEXER_LOG_LEVEL", "WARNING")
        mp.setenv("SHUZHUAN_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/")
        mp.setenv("SHUZHUAN_CATALOG_DATABASE_URL", "postgresql://postgres@db.internal/catalog")
        mp.setenv("SHUZHUAN_BROKER_PORT", "19092")
        suite = Suite(SuiteConfig.from_env(Path("/tmp/shuzhuan-test-var")), say=lambda _: None)
        registry, indexer, catalog = suite.env_for("registry"), suite.env_for("indexer"), suite.env_for("catalog")
    finally:
        mp.undo()
    assert registry["SHUZHUAN_REGISTRY_LOG_LEVEL"] == "DEBUG"
    assert indexer["SHUZHUAN_INDEXER_LOG_LEVEL"] == "WARNING"  # the service's own setting wins
    assert registry["SHUZHUAN_REGISTRY_DATABASE_URL"] == "postgresql://postgres@127.0.0.1:5432/shuzhuan_registry"
    assert catalog["SHUZHUAN_CATALOG_DATABASE_URL"] == "postgresql://postgres@db.internal/catalog"
    assert registry["SHUZHUAN_REGISTRY_KAFKA_BOOTSTRAP_SERVERS"] == "127.0.0.1:19092"
    assert "SHUZHUAN_REGISTRY_BROKER_PORT" not in registry
    # The registry's relay is a process of its own (registry-relay, port 8101); the others publish from `serve`.
    assert registry["SHUZHUAN_REGISTRY_RELAY_EMBEDDED"] == "false"
    assert registry["SHUZHUAN_REGISTRY_RELAY_PORT"] == "8101"
    assert "SHUZHUAN_CATALOG_RELAY_EMBEDDED" not in catalog
    assert suite.processes() == [*SERVICES, "registry-relay"]
    mp.setenv("SHUZHUAN_REGISTRY_RELAY_EMBEDDED", "true")  # asked to publish from `serve`: no second relay
    try:
        assert suite.processes() == list(SERVICES)
    finally:
        mp.undo()
    assert "SHUZHUAN_REGISTRY_POSTGRES_URL" not in registry
    # Pushed batches go to two writer processes locally, unless the environment says otherwise.
    assert registry["SHUZHUAN_REGISTRY_PUSH_WORKERS"] == "2"
    assert "SHUZHUAN_CATALOG_PUSH_WORKERS" not in catalog
    mp.setenv("SHUZHUAN_REGISTRY_PUSH_WORKERS", "0")
    try:
        assert suite.env_for("registry")["SHUZHUAN_REGISTRY_PUSH_WORKERS"] == "0"
    finally:
        mp.undo()


def test_a_terminal_gets_readable_log_lines_and_files_keep_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from devstack.suite import Suite, SuiteConfig

    ports = {name: free_port() for name in PROCESSES}
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.delenv("SHUZHUAN_LOG_JSON", raising=False)
    monkeypatch.delenv("SHUZHUAN_REGISTRY_LOG_JSON", raising=False)
    on_terminal = Suite(SuiteConfig(var_dir=tmp_path, ports=ports, broker_port=free_port()), say=lambda _: None)
    assert on_terminal.env_for("registry")["SHUZHUAN_REGISTRY_LOG_JSON"] == "false"
    to_files = SuiteConfig(var_dir=tmp_path, ports=ports, broker_port=free_port(), log_dir=tmp_path / "logs")
    assert "SHUZHUAN_REGISTRY_LOG_JSON" not in Suite(to_files, say=lambda _: None).env_for("registry")
    monkeypatch.setenv("SHUZHUAN_LOG_JSON", "true")  # a person who asks for JSON gets it
    assert on_terminal.env_for("registry")["SHUZHUAN_REGISTRY_LOG_JSON"] == "true"


def test_free_ports_are_different_and_free() -> None:
    from devstack.broker import free_ports

    ports = free_ports(50)
    assert len(set(ports)) == 50
    for port in ports:  # each can be listened on
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", port))
