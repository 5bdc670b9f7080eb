"""Hostile uploads against a real registry process: every probe of /healthz answers within 200 ms while
spreadsheet bombs and an over-long list are refused with the limit named, and memory stays bounded."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from devstack.suite import Suite
from testkit import hostile
from testkit.suites import suite_config

pytestmark = [pytest.mark.broker, pytest.mark.timeout(300)]
READER_MEMORY_MB = 256


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Suite]:
    config = suite_config(tmp_path)
    config.extra_env["SHUZHUAN_REGISTRY_IMPORT_MEMORY_MB"] = str(READER_MEMORY_MB)
    suite = Suite(config, say=lambda _: None)
    try:
        suite.start(only=("registry",))
        yield suite
    finally:
        suite.stop()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class Watch(threading.Thread):
    """Polls /healthz every 50 ms and samples the memory of the registry and of its import readers."""

    def __init__(self, url: str, pid: int) -> None:
        super().__init__(daemon=True)
        self.url, self.pid = url, pid
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self.registry_peak = self.reader_peak = 0.0
        self.halt = threading.Event()

    def run(self) -> None:
        with httpx.Client(timeout=5) as client:
            while not self.halt.is_set():
                start = time.perf_counter()
                try:
                    r = client.get(f"{self.url}/healthz")
                    if r.status_code != 200:
                        self.failures.append(f"{r.status_code} {r.text}")
                except httpx.HTTPError as e:
                    self.failures.append(repr(e))
                self.latencies.append(time.perf_counter() - start)
                self.registry_peak = max(self.registry_peak, rss_mb(self.pid))
                for child in children(self.pid):
                    with contextlib.suppress(OSError):  # the reader ended between listing and reading
                        self.reader_peak = max(self.reader_peak, rss_mb(child))
                self.halt.wait(0.05)


def test_bombs_and_long_lists_are_refused_while_the_registry_keeps_answering(registry: Suite) -> None:
    files = {
        "cell bomb": (hostile.cell_bomb(), "unpacks"),
        "blank-row bomb": (hostile.blank_row_bomb(), "unpacks"),
        "million-row CSV": (hostile.long_csv(), "more than 200000 rows"),
        "dense row": (hostile.dense_row(2_000_000), f"memory limit of {READER_MEMORY_MB} MB"),
    }
    url = registry.url("registry")
    pid = registry.services["registry"].proc.pid
    headers = {"Authorization": f"Bearer {registry.admin_token()}"}
    baseline = rss_mb(pid)
    watch = Watch(url, pid)
    watch.start()
    try:
        with httpx.Client(timeout=120, headers=headers) as client:
            for name, (body, limit) in files.items():
                r = client.post(f"{url}/v1/enterprises/imports", content=body)
                assert r.status_code == 413, (name, r.status_code, r.text)
                assert r.json()["error"] == "limit_exceeded" and limit in r.json()["message"], (name, r.text)
    finally:
        watch.halt.set()
        watch.join()
    assert not watch.failures, watch.failures[:5]
    assert len(watch.latencies) > 20
    slow = [round(x * 1000) for x in watch.latencies if x > 0.2]
    assert not slow, f"/healthz answers over 200 ms: {slow} of {len(watch.latencies)} probes"
    # The registry holds at most the body (≤ 64 MB) and its copy; the reader is capped by RLIMIT_AS.
    assert watch.registry_peak - baseline < 200, (baseline, watch.registry_peak)
    assert 0 < watch.reader_peak < READER_MEMORY_MB + 100, watch.reader_peak
