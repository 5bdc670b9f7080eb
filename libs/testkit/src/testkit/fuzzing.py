"""Schemathesis against a running service's OpenAPI document: the run, its JSON report read back, and
the tally printed at the end of the test session (see plugin.pytest_terminal_summary)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
# A short run in `make test` (random cases only, a few hundred per service); `make fuzz` adds the coverage
# phase (every boundary value of every parameter) and many more random cases per operation.
EXAMPLES = int(os.environ.get("SHUZHUAN_FUZZ_EXAMPLES", "10"))
PHASES = os.environ.get("SHUZHUAN_FUZZ_PHASES", "examples,fuzzing")
# The long mode's aim per run: examples per operation are raised until operations × examples reaches it.
TARGET_CASES = int(os.environ.get("SHUZHUAN_FUZZ_CASES", "0"))


def examples_for(document: dict[str, Any]) -> int:
    """Examples per operation for one service: EXAMPLES, or more when TARGET_CASES asks for more."""
    operations = sum(1 for item in document.get("paths", {}).values() for method in item if method in _METHODS)
    if not TARGET_CASES or not operations:
        return EXAMPLES
    return max(EXAMPLES, math.ceil(TARGET_CASES / operations))


_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


@dataclass
class FuzzRun:
    service: str
    caller: str
    cases: int = 0
    server_errors: int = 0
    undocumented: int = 0  # status codes and content types the document does not list
    schema_violations: int = 0
    other: int = 0  # failures of another kind
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    examples: int = 0

    @property
    def clean(self) -> bool:
        return not (self.server_errors or self.undocumented or self.schema_violations or self.other or self.errors)


RUNS: list[FuzzRun] = []

_KIND = {
    "ServerError": "server_errors",
    "UndefinedStatusCode": "undocumented",
    "UndefinedContentType": "undocumented",
    "JsonSchemaError": "schema_violations",
    "MalformedJson": "schema_violations",
}


def fuzz(
    service: str, caller: str, base_url: str, token: str, report_dir: Path, *, examples: int, seed: int = 20261201
) -> FuzzRun:
    """Run schemathesis once; the run's tally (also kept in RUNS for the session summary)."""
    report = report_dir / f"{service}-{caller}.json"
    command = [
        str(Path(sys.executable).with_name("st")),
        "run",
        f"{base_url}/openapi.json",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        CHECKS,
        "--max-examples",
        str(examples),
        "--seed",
        str(seed),
        "--phases",
        PHASES,
        "--workers",
        "2",
        "--no-color",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800, check=False)
    run = FuzzRun(service, caller, examples=examples)
    if not report.exists():
        run.errors.append(
            f"schemathesis wrote no report (exit {done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-2000:]}"
        )
        RUNS.append(run)
        return run
    data = json.loads(report.read_text())
    run.cases = int(data["test_cases"]["generated"])
    run.seconds = float(data["running_time"])
    for failure in data["failures"]:
        kind = _KIND.get(failure["type"], "other")
        setattr(run, kind, getattr(run, kind) + int(failure["count"]))
        run.failures.append(
            f"{failure['code']} {failure['title']} ×{failure['count']}: {', '.join(failure['operations'])}"
        )
    run.errors += [json.dumps(e, ensure_ascii=False)[:500] for e in data["errors"]]
    if not run.clean:
        run.failures.append(done.stdout[-8000:])
    RUNS.append(run)
    return run


def summary_lines() -> list[str]:
    if not RUNS:
        return []
    lines = [
        f"{'service':<11} {'caller':<9} {'examples':>8} {'cases':>6} {'5xx':>4} {'undocumented':>13} {'schema':>7}"
        "  seconds"
    ]
    for r in RUNS:
        lines.append(
            f"{r.service:<11} {r.caller:<9} {r.examples:>8} {r.cases:>6} {r.server_errors:>4} {r.undocumented:>13} "
            f"{r.schema_violations:>7}  {r.seconds:>7.1f}"
        )
    total = sum(r.cases for r in RUNS)
    bad = sum(r.server_errors + r.undocumented + r.schema_violations for r in RUNS)
    lines.append(f"{len(RUNS)} runs, {total:,} cases (phases {PHASES}), {bad} failures")
    return lines
