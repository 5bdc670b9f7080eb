"""The suite under benchmark (as `make run` starts it) and what the benchmark watches in it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import httpx

from devstack.broker import free_ports
from devstack.postgres import create_database, drop_database
from devstack.suite import PROCESSES, SERVICES, Suite, SuiteConfig
from testkit.databases import pg_admin

_SAMPLE = re.compile(r"^(\w+)\{([^}]*)\} ([0-9.e+]+)$", re.M)
TICKS = os.sysconf("SC_CLK_TCK")


class BenchSuite:
    """Broker, migrations and the five services as processes, on free ports, data under `folder`."""

    def __init__(self, folder: Path, *, postgres: bool) -> None:
        *ports, broker_port = free_ports(len(PROCESSES) + 1)
        self.config = SuiteConfig(
            var_dir=folder / "var",
            ports=dict(zip(PROCESSES, ports, strict=True)),
            broker_port=broker_port,
            log_dir=folder / "logs",
            # The bench measures what the machine can carry, not the per-provider push policy.
            extra_env={"SHUZHUAN_REGISTRY_PUSH_BATCHES_PER_MINUTE": "0"},
        )
        self.postgres = postgres
        self.databases: list[str] = []
        self.suite = Suite(self.config, say=lambda line: print(line, flush=True))

    async def __aenter__(self) -> BenchSuite:
        if self.postgres:
            admin = await pg_admin()
            for name in SERVICES:
                url = await create_database(admin, f"bench_{name}")
                self.databases.append(url)
                self.config.extra_env[f"SHUZHUAN_{name.upper()}_DATABASE_URL"] = url
        await asyncio.to_thread(self.suite.start)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await asyncio.to_thread(self.suite.stop)
        for url in self.databases:
            await drop_database(await pg_admin(), url)

    def url(self, name: str) -> str:
        return self.suite.url(name)

    @property
    def bootstrap(self) -> str:
        return self.suite.bootstrap

    def pids(self) -> dict[str, int]:
        out = {name: sp.proc.pid for name, sp in self.suite.services.items()}
        if self.suite.broker and self.suite.broker.proc:
            out["broker"] = self.suite.broker.proc.pid
        return out

    async def provider_credentials(self) -> ProviderCredentials:
        """Register and approve a provider and create its client, as the city would."""
        admin = {"Authorization": f"Bearer {await asyncio.to_thread(self.suite.admin_token)}"}
        url = self.url("registry")
        async with httpx.AsyncClient(timeout=30, headers=admin) as c:
            body = {"name": "某工业互联网平台", "uscc": "91440300708461136T", "categories": ["platform"]}
            provider = (await c.post(f"{url}/v1/providers", json=body)).json()["provider_id"]
            await c.post(f"{url}/v1/providers/{provider}/status", json={"status": "approved", "reason": "bench"})
            client = (
                await c.post(f"{url}/v1/clients", json={"name": "bench", "role": "provider", "provider_id": provider})
            ).json()
        return ProviderCredentials(url, client["client_id"], client["client_secret"])

    async def read_model_counts(self, client: httpx.AsyncClient) -> dict[str, int]:
        """What each read model holds now (the city's view)."""
        headers = {"Authorization": f"Bearer {await asyncio.to_thread(self.suite.admin_token)}"}
        out = {}
        r = await client.get(f"{self.url('indexer')}/v1/stats/districts", headers=headers)
        out["indexer (districts total)"] = int(r.json()["total"])
        for name in ("catalog", "assessment", "finance"):
            r = await client.get(f"{self.url(name)}/v1/known-enterprises", params={"limit": 1}, headers=headers)
            out[f"{name} (known enterprises)"] = int(r.json()["total"])
        return out


def counter(text: str, metric: str, service: str, event_type: str) -> float:
    total = 0.0
    for name, labels, value in _SAMPLE.findall(text):
        if name == metric and f'service="{service}"' in labels and f'type="{event_type}"' in labels:
            total += float(value)
    return total


class Monitor:
    """Samples the services' counters and the processes' CPU and memory while the benchmark runs."""

    def __init__(self, suite: BenchSuite, event_type: str, consumers: tuple[str, ...]) -> None:
        self.suite = suite
        self.type = event_type
        self.consumers = consumers
        self.cpu_start: dict[str, float] = {}
        self.server_start: float | None = None
        self.client = httpx.AsyncClient(timeout=30)

    async def start(self) -> None:
        self.cpu_start = {name: cpu_seconds(pid) for name, pid in self.processes().items()}
        self.server_start = postgres_server_cpu() if self.suite.postgres else None

    def processes(self) -> dict[str, int]:
        return processes(self.suite)

    async def stop(self) -> None:
        await self.client.aclose()

    async def counts(self) -> dict[str, float]:
        out = {}
        publisher = "registry-relay" if "registry-relay" in self.suite.suite.services else "registry"
        text = (await self.client.get(f"{self.suite.url(publisher)}/metrics")).text
        out["relay published"] = counter(text, "events_produced_total", "registry", self.type)
        for name in self.consumers:
            text = (await self.client.get(f"{self.suite.url(name)}/metrics")).text
            out[f"{name} applied"] = counter(text, "events_consumed_total", name, self.type)
        return out

    async def wait_all(self, n: int, t0: float, timeout: float) -> dict[str, float]:
        """Seconds after t0 at which each stage had handled n events."""
        done: dict[str, float] = {}
        last_print = 0.0
        while True:
            counts = await self.counts()
            now = time.perf_counter() - t0
            for stage, value in counts.items():
                if value >= n and stage not in done:
                    done[stage] = now
            if len(done) == len(counts):
                return done
            if now > timeout:
                raise TimeoutError(f"after {timeout:.0f}s: {counts}")
            if now - last_print >= 10:
                print(f"  {now:6.0f}s  " + "  ".join(f"{k} {v:,.0f}" for k, v in counts.items()), flush=True)
                last_print = now
            await asyncio.sleep(0.25)

    def usage(self) -> tuple[dict[str, float], dict[str, float]]:
        """(CPU seconds since start, peak RSS in MB) per process."""
        cpu, rss = {}, {}
        for name, pid in self.processes().items():
            cpu[name] = cpu_seconds(pid) - self.cpu_start.get(name, 0.0)
            rss[name] = peak_rss_mb(pid)
        if self.server_start is not None:
            cpu[POSTGRES_SERVER] = postgres_server_cpu() - self.server_start
        return cpu, rss


def processes(suite: BenchSuite) -> dict[str, int]:
    """Each service's process, and each process one of them started (the registry's writers, `push_workers`),
    named after its parent: `registry.1`, `registry.2`."""
    out = {}
    for name, pid in suite.pids().items():
        out[name] = pid
        for k, child in enumerate(children(pid), 1):
            out[f"{name}.{k}"] = child
    return out


def children(pid: int) -> list[int]:
    """A process's Python children, in the order they started (multiprocessing's resource tracker left out: it
    only waits)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return [c for c in sorted(found) if "resource_tracker" not in _cmdline(c)]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "resource_tracker"  # gone: nothing to count


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


POSTGRES_SERVER = "postgresql server"


def postgres_server_cpu() -> float:
    """CPU seconds of this machine's PostgreSQL server so far: every live `postgres` process, and the children
    the postmaster has reaped (a backend that ended adds its CPU to the postmaster's cutime and cstime). Read
    before and after a run, the difference is the server's work for it (the suite is its only client then)."""
    total = 0.0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
        except OSError:
            continue
        comm, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat.rsplit(")", 1)[1].split()
        if comm != "postgres":
            continue
        total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])  # own + reaped children's
    return total / TICKS


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class ProviderCredentials:
    """A provider's client: a token as the provider gets one, renewed before it expires (a 1M run outlasts one)."""

    url: str
    client_id: str
    secret: str
    _token: str = ""
    _expires: float = 0.0

    async def token(self) -> str:
        if time.monotonic() > self._expires - 120:
            async with httpx.AsyncClient(timeout=30) as c:
                r = await c.post(
                    f"{self.url}/v1/oauth/token",
                    data={"grant_type": "client_credentials"},
                    auth=(self.client_id, self.secret),
                )
                r.raise_for_status()
            self._token = str(r.json()["access_token"])
            self._expires = time.monotonic() + float(r.json()["expires_in"])
        return self._token
