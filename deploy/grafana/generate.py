"""Write the provisioned Grafana dashboards (deploy/grafana/dashboards/*.json). The JSON is committed;
tests/deploy/test_grafana.py checks that every panel's PromQL parses (promtool) and names only metrics the
services export, and that the files are what this script writes.

    .venv/bin/python deploy/grafana/generate.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "dashboards"
DS = {"type": "prometheus", "uid": "prometheus"}


def panel(n: int, title: str, exprs: dict[str, str], unit: str = "short", kind: str = "timeseries") -> dict[str, Any]:
    return {
        "id": n,
        "type": kind,
        "title": title,
        "datasource": DS,
        "gridPos": {"h": 8, "w": 12, "x": 12 * ((n - 1) % 2), "y": 8 * ((n - 1) // 2)},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "targets": [
            {"refId": chr(65 + i), "expr": expr, "legendFormat": legend, "datasource": DS}
            for i, (legend, expr) in enumerate(exprs.items())
        ],
    }


def dashboard(uid: str, title: str, panels: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "uid": uid,
        "title": title,
        "tags": ["shuzhuan"],
        "timezone": "browser",
        "schemaVersion": 39,
        "version": 1,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "panels": panels,
    }


OVERVIEW = [
    ("Requests per second by service", {"{{service}}": "service:http_requests:rate5m"}, "reqps"),
    ("5xx share by service", {"{{service}}": "service:http_5xx:ratio5m"}, "percentunit"),
    ("p99 latency by route", {"{{service}} {{route}}": "service_route:http_latency_seconds:p99_5m"}, "s"),
    ("Services ready", {"{{service}}": "service_ready", "up {{instance}}": 'up{job="shuzhuan"}'}, "short"),
    ("Events published per second by type", {"{{type}}": "sum by (type) (rate(events_produced_total[5m]))"}, "ops"),
    ("Events applied per second by service", {"{{service}}": "service:events_consumed:rate5m"}, "ops"),
    ("Consumer lag by topic", {"{{service}} {{topic}}": "service_topic:consumer_lag:sum"}, "short"),
    ("Outbox backlog", {"{{service}}": "outbox_backlog"}, "short"),
    (
        "Dead-lettered events (15 min)",
        {"{{service}} {{type}}": "sum by (service, type) (increase(events_dead_lettered_total[15m]))"},
        "short",
    ),
    (
        "Event age at the consumer, p99",
        {"{{service}}": "histogram_quantile(0.99, sum by (service, le) (rate(event_age_seconds_bucket[5m])))"},
        "s",
    ),
    (
        "Relay, handler and writer-process failures",
        {
            "relay {{service}}": "sum by (service) (increase(outbox_publish_errors_total[15m]))",
            "handler {{service}}": "sum by (service) (increase(events_failed_total[15m]))",
            "writer restarted {{service}}": "sum by (service) (increase(writer_restarts_total[15m]))",
        },
        "short",
    ),
    ("Token refusals per second", {"{{reason}}": "sum by (reason) (rate(token_refusals_total[5m]))"}, "ops"),
]


def produced(pattern: str) -> str:
    return f'sum by (type) (increase(events_produced_total{{type=~"{pattern}"}}[1d]))'


REJECTED_SHARE = (
    'sum by (provider_id) (rate(push_records_total{status="rejected"}[1h]))'
    " / sum by (provider_id) (rate(push_records_total[1h]))"
)
PROGRAMME = [
    (
        "Enterprises registered and updated per day",
        {"{{type}}": produced("registry.enterprise.(registered|updated)")},
        "short",
    ),
    (
        "Records pushed per provider (per day)",
        {"{{provider_id}} {{status}}": "sum by (provider_id, status) (increase(push_records_total[1d]))"},
        "short",
    ),
    (
        "Rejected share of pushed records per provider",
        {"{{provider_id}}": REJECTED_SHARE},
        "percentunit",
    ),
    (
        "Provider data-quality scores published (per day)",
        {"{{type}}": produced("registry.provider.quality-scored")},
        "short",
    ),
    ("Projects filed and moved (per day)", {"{{type}}": produced("registry.project.(created|stage-changed)")}, "short"),
    (
        "Assessments submitted and finalised (per day)",
        {"{{type}}": produced("assessment.assessment.(submitted|finalised)|assessment.project.level-changed")},
        "short",
    ),
    (
        "Loans (per day)",
        {"{{type}}": produced("finance.loan.(applied|decided|disbursed|defaulted)|finance.repayment.recorded")},
        "short",
    ),
    (
        "Subsidies (per day)",
        {"{{type}}": produced("finance.(interest-subsidy|subsidy).*|finance.funding-flag.*")},
        "short",
    ),
    (
        "Catalogue: listings and adoptions (per day)",
        {"{{type}}": produced("catalog.(solution|adoption|outcome|provider|demand).*")},
        "short",
    ),
    (
        "Records per pushed batch, p50",
        {"p50": "histogram_quantile(0.5, sum by (le) (rate(push_batch_records_bucket[1h])))"},
        "short",
    ),
]


def files() -> dict[Path, str]:
    boards = {
        "overview.json": dashboard(
            "shuzhuan-overview", "shuzhuan — suite overview", [panel(i, *p) for i, p in enumerate(OVERVIEW, 1)]
        ),
        "programme.json": dashboard(
            "shuzhuan-programme", "shuzhuan — programme", [panel(i, *p) for i, p in enumerate(PROGRAMME, 1)]
        ),
    }
    return {OUT / name: json.dumps(board, ensure_ascii=False, indent=2) + "\n" for name, board in boards.items()}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for path, text in files().items():
        path.write_text(text, encoding="utf-8")
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
