"""Grafana: the provisioned dashboards are what deploy/grafana/generate.py writes, every panel's PromQL parses
(promtool, as recording rules) and reads only metrics the services export or the rules record."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import yaml

from testkit.deploy import ROOT, exported_metrics, generator, metrics_in, promtool

files = generator("deploy/grafana/generate.py").files


def expressions() -> list[tuple[str, str]]:
    out = []
    for path in sorted((ROOT / "deploy/grafana/dashboards").glob("*.json")):
        board = json.loads(path.read_text(encoding="utf-8"))
        out += [(f"{path.name}: {p['title']}", t["expr"]) for p in board["panels"] for t in p["targets"]]
    return out


def test_the_dashboards_are_generated() -> None:
    for path, text in files().items():
        assert path.read_text(encoding="utf-8") == text, f"run deploy/grafana/generate.py ({path.name} is stale)"


def test_every_panel_parses(tmp_path: Path) -> None:
    rules = [{"record": f"panel:check_{i}", "expr": expr} for i, (_, expr) in enumerate(expressions())]
    path = tmp_path / "panels.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "panels", "rules": rules}]}), encoding="utf-8")
    result = subprocess.run([promtool(), "check", "rules", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(rules) >= 20


def test_every_panel_reads_exported_metrics() -> None:
    recorded = yaml.safe_load((ROOT / "deploy/prometheus/rules/shuzhuan.rules.yml").read_text())
    known = exported_metrics() | {r["record"] for g in recorded["groups"] for r in g["rules"] if "record" in r}
    for title, expr in expressions():
        assert not (metrics_in(expr) - known), f"{title} reads {metrics_in(expr) - known}"
