"""The suite as `make run-observed` runs it: the five services and the registry's relay as processes, scraped by a real Prometheus
(Debian's 2.42) with the suite's rules; after one provider push, each service's key metrics are present and
the event counters move, every service reports ready, and the rules load without error."""

from __future__ import annotations

import random
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from devstack.broker import free_port
from devstack.suite import PROCESSES, SERVICES, Suite
from testkit.data import random_uscc
from testkit.deploy import ROOT, promtool
from testkit.suites import suite_config
from testkit.waits import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def observed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Suite, str]]:
    folder = tmp_path_factory.mktemp("observed")
    suite = Suite(suite_config(folder), say=lambda _: None)
    config = folder / "prometheus.yml"
    rules = ROOT / "deploy/prometheus/rules"
    targets = [f"127.0.0.1:{port}" for port in suite.config.ports.values()]
    scrape = {"job_name": "shuzhuan", "static_configs": [{"targets": targets}]}
    config.write_text(
        yaml.safe_dump(
            {
                "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
                "rule_files": [str(rules / "*.yml")],
                "scrape_configs": [scrape],
            }
        )
    )
    port = free_port()
    prometheus = Path(promtool()).with_name("prometheus")
    command = [str(prometheus), f"--config.file={config}", f"--storage.tsdb.path={folder / 'tsdb'}"]
    command.append(f"--web.listen-address=127.0.0.1:{port}")
    log = (folder / "prometheus.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        suite.start()
        yield suite, f"http://127.0.0.1:{port}"
    finally:
        suite.stop()
        process.terminate()
        process.wait(timeout=30)


def query(prometheus: str, expr: str) -> list[dict[str, Any]]:
    answer = httpx.get(f"{prometheus}/api/v1/query", params={"query": expr}, timeout=10).json()
    assert answer["status"] == "success", answer
    return list(answer["data"]["result"])


def eventually(prometheus: str, expr: str, want: set[str], label: str = "service", timeout: float = 60) -> None:
    def seen() -> bool:
        found = {r["metric"].get(label, "") for r in query(prometheus, expr) if float(r["value"][1]) > 0}
        return want <= found

    wait_until(seen, timeout=timeout, what=f"{expr} for {sorted(want)}")


def push(suite: Suite, n: int = 20) -> None:
    city = {"Authorization": f"Bearer {suite.admin_token()}"}
    registry = suite.url("registry")
    provider = {"name": "观测服务商", "uscc": "91440300708461136T", "categories": ["solution"]}
    pid = httpx.post(f"{registry}/v1/providers", json=provider, headers=city, timeout=30).json()["provider_id"]
    httpx.post(f"{registry}/v1/providers/{pid}/status", json={"status": "approved", "reason": "ok"}, headers=city)
    client = {"name": "观测平台", "role": "provider", "provider_id": pid}
    created = httpx.post(f"{registry}/v1/clients", json=client, headers=city, timeout=30).json()
    token = httpx.post(
        f"{registry}/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(created["client_id"], created["client_secret"]),
        timeout=30,
    ).json()["access_token"]
    rng = random.Random(7)
    records = [
        {
            "record_id": f"r{i}",
            "version": 1,
            "kind": "enterprise",
            "occurred_at": datetime.now(UTC).isoformat(),
            "data": {"uscc": random_uscc(rng), "name": f"企业{i}", "district_code": "500112", "industry_code": "C3670"},
        }
        for i in range(n)
    ]
    answer = httpx.post(
        f"{registry}/v1/push/records", json=records, headers={"Authorization": f"Bearer {token}"}, timeout=60
    )
    assert answer.status_code == 200 and answer.json()["created"] == n, answer.text


def test_prometheus_scrapes_every_service_and_the_metrics_move_after_a_push(observed: tuple[Suite, str]) -> None:
    suite, prometheus = observed
    for name in PROCESSES:  # /readyz sets service_ready
        assert httpx.get(f"{suite.url(name)}/readyz", timeout=10).status_code == 200
    eventually(prometheus, 'up{job="shuzhuan"}', {f"127.0.0.1:{p}" for p in suite.config.ports.values()}, "instance")
    eventually(prometheus, "service_ready", set(PROCESSES))
    push(suite)
    # Published by the registry's relay process (registry-relay), scraped on its own port.
    relay = f"127.0.0.1:{suite.port('registry-relay')}"
    eventually(prometheus, 'events_produced_total{type="registry.enterprise.registered"}', {relay}, "instance")
    consumers = {"catalog", "assessment", "finance", "indexer"}
    eventually(prometheus, 'events_consumed_total{type="registry.enterprise.registered"}', consumers)
    eventually(prometheus, 'push_records_total{status="created"}', {""}, "status_missing")
    eventually(prometheus, "http_request_duration_seconds_count", set(SERVICES))
    eventually(prometheus, "service:http_requests:rate5m", {"registry"})
    groups = httpx.get(f"{prometheus}/api/v1/rules", timeout=10).json()["data"]["groups"]
    states = {r["name"]: r.get("health") for g in groups for r in g["rules"]}
    assert len(states) == 17 and set(states.values()) == {"ok"}, states
