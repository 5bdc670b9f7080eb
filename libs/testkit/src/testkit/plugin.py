"""pytest fixtures: the real broker (one per session) and real databases (SQLite file, PostgreSQL).

Nothing here is a mock: a missing part fails the tests loudly, it never skips them.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import itertools
import random
import tempfile
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import MetaData, Table, func, select

from contracts.api.identity import Role
from contracts.envelope import Event
from contracts.topics import TopicSpec
from contracts.uscc import CHARSET, check_character
from devstack.broker import Broker, free_port
from devstack.postgres import create_database, drop_database, find_or_start_postgres
from devstack.suite import SERVICES, Suite, SuiteConfig
from servicekit.app import Runtime, ServiceSpec, create_app
from servicekit.auth import TokenSigner, ensure_keypair
from servicekit.consumer import Received
from servicekit.db import make_engine
from servicekit.migrations import upgrade_async
from servicekit.settings import ServiceSettings, project_root

DB_KINDS = ["sqlite", "postgresql"]
_current_prefix: contextvars.ContextVar[str] = contextvars.ContextVar("topic_prefix", default="")


@pytest.fixture(autouse=True)
def test_topic_prefix() -> Iterator[str]:
    """A topic namespace of this test's own on the shared session broker."""
    prefix = f"t{uuid.uuid4().hex[:8]}."
    token = _current_prefix.set(prefix)
    yield prefix
    _current_prefix.reset(token)


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    """One Tansu broker for the whole session, on a free port, with every declared topic."""
    b = Broker(free_port(), log_path=tmp_path_factory.mktemp("broker") / "broker.log")
    b.start()
    yield b
    b.stop()


_pg_admin: list[str] = []


async def pg_admin() -> str:
    """The administrative PostgreSQL URL, found (or started) once per process."""
    if not _pg_admin:
        _pg_admin.append(await find_or_start_postgres(project_root() / "var"))
    return _pg_admin[0]


DbFactory = Callable[[str], Awaitable[str]]


@pytest.fixture
async def make_db(tmp_path: Path) -> AsyncIterator[DbFactory]:
    """Create fresh databases of a kind ("sqlite" or "postgresql"); PostgreSQL ones are dropped after."""
    created: list[tuple[str, str]] = []

    async def factory(kind: str) -> str:
        if kind == "sqlite":
            return f"sqlite+aiosqlite:///{tmp_path / (uuid.uuid4().hex[:8] + '.db')}"
        if kind == "postgresql":
            admin = await pg_admin()
            url = await create_database(admin)
            created.append((admin, url))
            return url
        raise ValueError(f"unknown database kind {kind!r}")

    yield factory
    for admin, url in created:
        await drop_database(admin, url)


@pytest.fixture(params=DB_KINDS)
def db_kind(request: pytest.FixtureRequest) -> str:
    """Run the test once on SQLite and once on PostgreSQL."""
    return str(request.param)


async def create_tables(url: str, metadata: MetaData) -> None:
    """Tests only: create a test schema directly (services use their migrations)."""
    engine = make_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    await engine.dispose()


def settings_for_test(broker: Broker, database_url: str, **overrides: Any) -> ServiceSettings:
    """Settings for a component under test: fast group joins, a unique group id."""
    values: dict[str, Any] = {
        "service_name": overrides.pop("service_name", "test"),
        "environment": "test",
        "database_url": database_url,
        "kafka_bootstrap_servers": broker.bootstrap,
        "consumer_group": f"test-{uuid.uuid4().hex[:8]}",
        "consumer_session_timeout_ms": 3000,
        "consumer_heartbeat_interval_ms": 500,
        "relay_poll_interval_s": 0.1,
        "log_json": False,
    }
    values.update(overrides)
    return ServiceSettings(**values)


def ping_event_class(partitions: int = 3) -> type[Event]:
    """A test-only event type on its own, unique topic (tests do not see each other's events)."""
    topic = TopicSpec(f"test.pings.{uuid.uuid4().hex[:10]}.v1", partitions, "ping id", "test", "test pings")

    class PingHappened(Event):
        TYPE: ClassVar[str] = "test.ping.happened"
        VERSION: ClassVar[int] = 1
        TOPIC: ClassVar[TopicSpec] = topic
        KEY_FIELD: ClassVar[str] = "ping_id"

        ping_id: str
        n: int

    return PingHappened


async def wait_for(check: Callable[[], Awaitable[bool]], timeout: float = 30.0, what: str = "condition") -> None:
    """Poll `check` until true; fail with `what` after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        if await check():
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.1)


@contextlib.asynccontextmanager
async def running_service(
    spec: ServiceSpec, broker: Broker, database_url: str, *, topic_prefix: str | None = None, **overrides: Any
) -> AsyncIterator[RunningService]:
    """A real service app in this process: migrated database, lifespan running, an HTTP client.

    Services that must see each other's events share a `topic_prefix`; by default each test gets
    the prefix of the running test (see `test_topic_prefix`), so tests never see each other's events.
    """
    if topic_prefix is None:
        topic_prefix = _current_prefix.get()
    await upgrade_async(spec.migrations_dir, database_url)
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": database_url,
        "kafka_bootstrap_servers": broker.bootstrap,
        "consumer_group": f"{spec.name}-{uuid.uuid4().hex[:8]}",
        "topic_prefix": topic_prefix,
        "consumer_session_timeout_ms": 3000,
        "consumer_heartbeat_interval_ms": 500,
        "relay_poll_interval_s": 0.1,
        "log_json": False,
        **overrides,
    }
    private, public = signing_keys_for_tests()
    values.setdefault("auth_public_key_file", public)
    values.setdefault("auth_private_key_file", private)  # only the registry signs
    app = create_app(spec, spec.settings_cls(**values))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        headers = bearer(Role.CITY)  # the city authority, unless a test says otherwise
        async with httpx.AsyncClient(transport=transport, base_url=f"http://{spec.name}", headers=headers) as client:
            yield RunningService(app, client, app.state.runtime)


_keys: list[tuple[Path, Path]] = []


def signing_keys_for_tests() -> tuple[Path, Path]:
    """One Ed25519 key pair per test process (private, public)."""
    if not _keys:
        folder = Path(tempfile.mkdtemp(prefix="shuzhuan-keys-"))
        _keys.append((folder / "token-signing.pem", folder / "token-signing.pub.pem"))
        ensure_keypair(*_keys[0])
    return _keys[0]


def mint_token(role: Role, ttl_s: int = 900, **claims: Any) -> str:
    """A token signed with the test key, as the registry would issue it."""
    signer = TokenSigner(signing_keys_for_tests()[0].read_bytes(), ttl_s=ttl_s)
    return signer.sign({"sub": f"test-{role.value}", "role": role.value, **claims})


def bearer(role: Role, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(role, **claims)}"}


@dataclass
class RunningService:
    app: FastAPI
    client: httpx.AsyncClient
    runtime: Runtime

    async def count(self, table: Table | type[Any], *where: Any) -> int:
        """Rows of a table (or a SQLModel table class) matching `where`."""
        async with self.runtime.engine.connect() as conn:
            return int(await conn.scalar(select(func.count()).select_from(table).where(*where)) or 0)

    async def deliver(self, spec: ServiceSpec, *events: Event) -> None:
        """Hand `events` straight to the service's own handlers, in one transaction, as the consumer
        would (each run of one event type is one batch). For tests that need a read model filled
        without the producing service."""
        handlers = {s.event: s.handler for s in spec.subscriptions}
        async with self.runtime.uow() as uow:
            for event_type, run in itertools.groupby(events, key=type):
                received = [
                    Received(id=str(uuid.uuid4()), time=datetime.now(UTC), source="test", payload=e) for e in run
                ]
                await handlers[event_type](uow, received)
            await uow.commit()


def random_uscc(rng: random.Random) -> str:
    """A valid, random USCC of an enterprise registered in Chongqing (check character computed)."""
    body = "91500" + "".join(rng.choice("0123456789") for _ in range(3))
    body += "".join(rng.choice(CHARSET) for _ in range(9))
    return body + check_character(body)


def suite_config(tmp_path: Path) -> SuiteConfig:
    """Free ports, its own broker and SQLite files, fast group joins, logs in files."""
    fast = {}
    for name in SERVICES:
        fast[f"SHUZHUAN_{name.upper()}_CONSUMER_SESSION_TIMEOUT_MS"] = "3000"
        fast[f"SHUZHUAN_{name.upper()}_CONSUMER_HEARTBEAT_INTERVAL_MS"] = "500"
        fast[f"SHUZHUAN_{name.upper()}_RELAY_POLL_INTERVAL_S"] = "0.1"
    return SuiteConfig(
        var_dir=tmp_path / "var",
        ports={name: free_port() for name in SERVICES},
        broker_port=free_port(),
        extra_env=fast,
        log_dir=tmp_path / "logs",
    )


@pytest.fixture
def suite(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Suite]:
    """The whole suite; SQLite files by default, or PostgreSQL with `indirect` param "postgresql"."""
    kind = getattr(request, "param", "sqlite")
    config = suite_config(tmp_path)
    created: list[str] = []
    admin = ""
    if kind == "postgresql":
        admin = asyncio.run(pg_admin())
        for name in SERVICES:
            url = asyncio.run(create_database(admin, f"e2e_{name}"))
            created.append(url)
            config.extra_env[f"SHUZHUAN_{name.upper()}_DATABASE_URL"] = url
    s = Suite(config, say=lambda _: None)
    try:
        s.start()
        yield s
    finally:
        s.stop()
        for url in created:
            asyncio.run(drop_database(admin, url))


@pytest.fixture
def watched_suite(suite: Suite) -> Iterator[Suite]:
    """The suite with the launcher's watchdog running, as under `make run`."""
    stop = threading.Event()
    t = threading.Thread(target=suite.watch, args=(stop,), daemon=True)
    t.start()
    yield suite
    stop.set()
    t.join(30)


async def filed_project(registry: httpx.AsyncClient, uscc: str, district_code: str = "500103") -> tuple[str, str]:
    """Through a registry client with the city's token: register the enterprise, register and approve a
    provider, file a project for them. Returns (provider_id, project_id)."""
    body = {"uscc": uscc, "name": "某企业", "district_code": district_code, "industry_code": "C36"}
    assert (await registry.post("/v1/enterprises", json=body)).status_code == 201
    provider = {"name": "服务商", "uscc": "91440300708461136T", "categories": ["solution"]}
    pid = (await registry.post("/v1/providers", json=provider)).json()["provider_id"]
    approved = await registry.post(f"/v1/providers/{pid}/status", json={"status": "approved", "reason": "通过"})
    assert approved.status_code == 200, approved.text
    project = await registry.post("/v1/projects", json={"uscc": uscc, "provider_id": pid, "title": "MES"})
    assert project.status_code == 201, project.text
    return pid, project.json()["project_id"]
