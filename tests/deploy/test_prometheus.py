"""Prometheus: the configuration and rules pass promtool, every alert fires and resolves in promtool's unit tests,
every alert the operators need exists with a runbook entry in docs/operations.md, `make run-observed` scrapes every
process `make run` starts, and every rule reads only metrics the services export."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import yaml

from devstack.suite import RELAYS, SERVICES
from testkit.deploy import ROOT, exported_metrics, metrics_in, promtool

RULES = ROOT / "deploy/prometheus/rules/shuzhuan.rules.yml"
NEEDED = {
    "ServiceDown",
    "ServiceNotReady",
    "ConsumerLagGrowing",
    "EventsDeadLettered",
    "OutboxNotDraining",
    "RelayFailing",
    "HandlerFailing",
    "High5xxRate",
    "RouteSlow",
    "TokenLockoutsSpiking",
    "CityFeedStale",
}


def run(*args: str) -> str:
    result = subprocess.run([promtool(), *args], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def rules() -> list[dict[str, Any]]:
    return [r for g in yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"] for r in g["rules"]]


def test_config_and_rules_pass_promtool() -> None:
    for config in ("deploy/prometheus/prometheus.yml", "deploy/prometheus/prometheus.local.yml"):
        assert "SUCCESS" in run("check", "config", config)
    assert "SUCCESS: 17 rules found" in run("check", "rules", str(RULES))


def test_make_run_observed_scrapes_every_process_make_run_starts() -> None:
    config = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.local.yml").read_text(encoding="utf-8"))
    (job,) = config["scrape_configs"]
    (targets,) = [c["targets"] for c in job["static_configs"]]
    assert targets == [f"127.0.0.1:{port}" for port in {**SERVICES, **RELAYS}.values()]


def test_every_alert_fires_and_resolves_on_synthetic_series() -> None:
    tested = set(re.findall(r"alertname: (\w+)", (ROOT / "deploy/prometheus/tests/alerts.test.yml").read_text()))
    assert tested == {r["alert"] for r in rules() if "alert" in r}, "each alert has a unit test"
    assert "SUCCESS" in run("test", "rules", "deploy/prometheus/tests/alerts.test.yml")


def test_the_alerts_operators_need_exist_and_link_to_the_runbook() -> None:
    alerts = {r["alert"]: r for r in rules() if "alert" in r}
    assert set(alerts) >= NEEDED
    headings = set(re.findall(r"^#{2,4} (\w+)$", (ROOT / "docs/operations.md").read_text(), flags=re.M))
    for name, rule in alerts.items():
        assert rule["annotations"]["runbook_url"] == f"docs/operations.md#{name.lower()}"
        assert name in headings, f"docs/operations.md has no section '{name}'"


def test_rules_read_only_exported_metrics() -> None:
    known = exported_metrics() | {r["record"] for r in rules() if "record" in r}
    for rule in rules():
        unknown = metrics_in(rule["expr"]) - known
        assert not unknown, f"{rule.get('alert') or rule.get('record')} reads {unknown}"
