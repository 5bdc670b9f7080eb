"""What the HTTP benchmarks share: a signed token, a database (SQLite file or a fresh PostgreSQL one), one service
process beside a bare FastAPI baseline (bench/bare_app.py) served the same way, and the results table."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from load import LoadResult

from devstack.broker import Broker, free_port
from devstack.postgres import create_database, drop_database
from servicekit.auth import TokenSigner, ensure_keypair
from testkit.databases import pg_admin

ROOT = Path(__file__).resolve().parents[1]


def token(folder: Path, claims: dict[str, Any]) -> str:
    """A token for `claims`, signed with a key pair made in `folder` (the service reads its public half)."""
    keys = folder / "keys"
    ensure_keypair(keys / "token-signing.pem", keys / "token-signing.pub.pem")
    return TokenSigner((keys / "token-signing.pem").read_bytes(), ttl_s=3600).sign(claims)


@asynccontextmanager
async def database(folder: Path, name: str, postgres: bool) -> AsyncIterator[str]:
    """A SQLite file in `folder`, or a fresh PostgreSQL database dropped afterwards."""
    url = await create_database(await pg_admin(), name) if postgres else f"sqlite+aiosqlite:///{folder}/{name}.db"
    try:
        yield url
    finally:
        if postgres:
            await drop_database(await pg_admin(), url)


async def wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get(url)).status_code in (200, 503):
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, cwd=ROOT)


@dataclass(frozen=True)
class Served:
    port: int
    bare_port: int


@asynccontextmanager
async def served(service: str, url: str, folder: Path, **settings: str) -> AsyncIterator[Served]:
    """`python -m <service> serve` on `url` (its own broker, logs in `folder`), and the bare baseline."""
    broker = Broker(free_port(), log_path=folder / "broker.log")
    procs: list[subprocess.Popen[bytes]] = []
    broker.start()
    try:
        port, bare_port = free_port(), free_port()
        up = service.upper()
        env = {
            **os.environ,
            f"SHUZHUAN_{up}_DATABASE_URL": url,
            f"SHUZHUAN_{up}_PORT": str(port),
            f"SHUZHUAN_{up}_VAR_DIR": str(folder),
            f"SHUZHUAN_{up}_KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap,
            f"SHUZHUAN_{up}_LOG_LEVEL": "WARNING",
            **{f"SHUZHUAN_{up}_{k.upper()}": v for k, v in settings.items()},
        }
        command = [sys.executable, "-m", service, "serve"]
        if os.environ.get("BENCH_PROFILE"):  # a cProfile of the service, written to the folder when it stops
            out = folder / f"{service}.prof"
            command = [sys.executable, str(ROOT / "bench" / "profile_serve.py"), service, str(out)]
            print(f"profiling {service} into {out}", flush=True)
        procs.append(start(command, env, folder / f"{service}.log"))
        bare = [sys.executable, "-m", "uvicorn", "--app-dir", "bench", "bare_app:app", "--port", str(bare_port)]
        procs.append(start([*bare, "--no-access-log", "--log-level", "warning"], env, folder / "bare.log"))
        await wait_ready(f"http://127.0.0.1:{port}/readyz")
        await wait_ready(f"http://127.0.0.1:{bare_port}/docs")
        yield Served(port, bare_port)
    finally:
        for p in procs:
            p.terminate()
            p.wait(timeout=30)
        broker.stop()


def load_table(results: Sequence[tuple[str, LoadResult]]) -> list[str]:
    """The markdown rows of requests/s, p50, p99 and non-200 answers per endpoint."""
    lines = ["| endpoint | requests/s | p50 ms | p99 ms | non-200 |", "|---|---|---|---|---|"]
    for name, r in results:
        p50, p99, bad = r.percentile(0.5), r.percentile(0.99), sum(r.errors.values())
        lines.append(f"| {name} | {r.rps:,.0f} | {p50:.1f} | {p99:.1f} | {bad} |")
    return lines
