"""The whole suite as processes, configured for tests: free ports, its own broker, files for logs."""

from __future__ import annotations

from pathlib import Path

from devstack.broker import free_ports
from devstack.suite import PROCESSES, SERVICES, SuiteConfig


def suite_config(tmp_path: Path) -> SuiteConfig:
    """Free ports, its own broker and SQLite files, fast group joins, logs in files."""
    fast = {}
    for name in SERVICES:
        fast[f"SHUZHUAN_{name.upper()}_CONSUMER_SESSION_TIMEOUT_MS"] = "3000"
        fast[f"SHUZHUAN_{name.upper()}_CONSUMER_HEARTBEAT_INTERVAL_MS"] = "500"
        fast[f"SHUZHUAN_{name.upper()}_RELAY_POLL_INTERVAL_S"] = "0.1"
    *ports, broker_port = free_ports(len(PROCESSES) + 1)
    return SuiteConfig(
        var_dir=tmp_path / "var",
        ports=dict(zip(PROCESSES, ports, strict=True)),
        broker_port=broker_port,
        extra_env=fast,
        log_dir=tmp_path / "logs",
    )
