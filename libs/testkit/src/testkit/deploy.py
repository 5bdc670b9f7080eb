"""What the deployment tests need: promtool (Debian's Prometheus 2.42, unpacked by deploy/tools/prometheus.sh,
which `make test` runs), the metric names the services export, and the metric names a PromQL expression uses."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path
from types import ModuleType

import pytest
from prometheus_client import REGISTRY

ROOT = Path(__file__).resolve().parents[4]
INSTALLER = ROOT / "deploy/tools/prometheus.sh"
PROMQL_WORDS = {
    "sum",
    "by",
    "without",
    "rate",
    "irate",
    "increase",
    "histogram_quantile",
    "deriv",
    "min_over_time",
    "max_over_time",
    "avg_over_time",
    "and",
    "or",
    "unless",
    "offset",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "count",
    "avg",
    "min",
    "max",
    "bool",
    "abs",
    "clamp_min",
    "topk",
    "bottomk",
    "delta",
    "time",
    "vector",
}


def promtool() -> str:
    """The promtool binary; installed from Debian's package when absent, else the test fails saying how."""
    found = shutil.which("promtool") or ROOT / ".tools/prometheus/usr/bin/promtool"
    if not Path(found).exists():
        result = subprocess.run([str(INSTALLER)], capture_output=True, text=True)
        if result.returncode != 0 or not Path(found).exists():
            pytest.fail(f"promtool is missing and {INSTALLER.name} could not fetch it: {result.stderr.strip()}")
    return str(found)


def exported_metrics() -> set[str]:
    """Every series name the services' metrics expose (servicekit's and each service's own), plus `up`."""
    import registry.identity.metrics
    import registry.push.metrics  # noqa: F401
    import servicekit.metrics  # noqa: F401

    names = {"up"}
    for family in REGISTRY.collect():
        suffixes = {
            "counter": ("_total", "_created"),
            "histogram": ("_bucket", "_count", "_sum", "_created"),
            "gauge": ("",),
            "summary": ("_count", "_sum", "_created", ""),
        }.get(family.type, ("",))
        names |= {family.name + s for s in suffixes}
    return names


def metrics_in(expr: str) -> set[str]:
    """The metric (or recorded series) names a PromQL expression reads."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', "", expr)
    text = re.sub(r"\{[^}]*\}|\[[^\]]*\]|\b\d+(?:ms|[smhdwy])\b", "", text)
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    return {t for t in re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", text) if t not in PROMQL_WORDS}


def generator(relative: str) -> ModuleType:
    """A deploy/…/generate.py script loaded as a module of its own name (they share the file name)."""
    path = ROOT / relative
    spec = importlib.util.spec_from_file_location(relative.replace("/", "_").removesuffix(".py"), path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
