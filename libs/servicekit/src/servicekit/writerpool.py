"""Bulk writes in worker processes of their own, so that a service's second core does some of the work.

One event loop runs a service's Python: a provider's pushed batches kept it busy while the machine's other
core sat idle (the push alone, bench/results.md 2026-12-05). A `WriterPool` keeps `workers` processes, each
with its own event loop (on a thread, so that it runs between jobs: checkpoints and pool upkeep go on) and its
own database engine, the service's bulk engine (servicekit.app.bulk_engine). The serving process keeps the
HTTP side (credentials, limits, metrics) and hands a job's arguments to whichever worker is free; the job runs
there with a unit of work of that worker's and returns a picklable answer.

A job is a module-level `async def job(uow, *args)`: importable in the child by its name, its arguments and
answer pickled. It commits its own unit of work, and raises nothing it expects: an expected refusal is part of
its answer (exceptions with their own constructors do not survive pickling). On SQLite the workers' writes
take turns on the file's write lock (each process's `WriteGate` orders its own, and takes the writers' lock file
beside the database with it: `sqlitegate.share_writes`), and the lines' checks, the rows and the events are built
in parallel. If a worker dies the pool is started again, and the job that was on it is answered `WorkerLost`:
whether it committed is unknown, so it must be one that can be sent again (the push is idempotent).
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import multiprocessing
import multiprocessing.connection
import multiprocessing.util
import os
import signal
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from opentelemetry import context as otel_context

from servicekit import metrics
from servicekit.db import make_engine, sessionmaker
from servicekit.dbtrace import instrument_engine
from servicekit.settings import ServiceSettings
from servicekit.sqlitegate import share_writes
from servicekit.tables import RuntimeTables
from servicekit.telemetry import context_from_traceparent, current_traceparent, setup_telemetry
from servicekit.uow import BulkUnitOfWork, UnitOfWork

log = logging.getLogger(__name__)
T = TypeVar("T")
Job = Callable[..., Awaitable[T]]


class WorkerLost(Exception):
    """The worker running a job stopped before it answered (killed, out of memory): the job may have committed."""


class _Child:
    """A worker's side: its event loop on a thread, its engine and its units of work."""

    def __init__(self, settings: ServiceSettings, tables: RuntimeTables) -> None:
        from servicekit.app import bulk_engine  # the app module imports this one

        self.settings, self.tables = settings, tables
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, name="writer-loop", daemon=True).start()
        requests = make_engine(settings.effective_database_url, pool_size=1, max_overflow=1)
        instrument_engine(requests.sync_engine)
        self.engine = bulk_engine(settings, requests)
        self.requests = requests
        self.sessions = sessionmaker(self.engine)

    def uow(self) -> UnitOfWork:
        if self.engine is self.requests:  # PostgreSQL: bulk writes use the ordinary pool
            return UnitOfWork(self.sessions, self.tables)
        return BulkUnitOfWork(self.sessions, self.tables, wait_s=self.settings.bulk_wait_s)

    def run(self, job: Job[T], args: tuple[Any, ...], traceparent: str | None) -> T:
        async def with_uow() -> T:
            # The request's trace goes on here: the job's spans and the traceparent its outbox rows keep.
            parent = context_from_traceparent(traceparent)
            token = otel_context.attach(parent) if parent is not None else None
            try:
                return await job(self.uow(), *args)
            finally:
                if token is not None:
                    otel_context.detach(token)

        return asyncio.run_coroutine_threadsafe(with_uow(), self.loop).result()

    def close(self) -> None:
        async def dispose() -> None:
            if self.engine is not self.requests:
                await self.engine.dispose()
            await self.requests.dispose()

        asyncio.run_coroutine_threadsafe(dispose(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)


_child: _Child | None = None


def _start_child(settings: ServiceSettings, tables_ref: str) -> None:
    global _child
    share_writes()
    parent = multiprocessing.parent_process()
    if parent is not None:  # the serving process killed outright (SIGKILL, OOM): its writers go with it
        threading.Thread(target=_exit_with_parent, args=(parent.sentinel,), name="writer-parent", daemon=True).start()
    module, _, name = tables_ref.partition(":")
    tables: RuntimeTables = getattr(importlib.import_module(module), name)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the serving process's: it stops the pool
    setup_telemetry(settings)
    _child = _Child(settings, tables)
    # Run as the worker returns, before the interpreter waits for aiosqlite's (non-daemon) connection threads,
    # which end only when their connections are closed. (An atexit function would run after that wait.)
    multiprocessing.util.Finalize(None, _child.close, exitpriority=10)


def _exit_with_parent(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)  # as a crash would: a job under way is rolled back, unless its commit was done


def _run_in_child(job: Job[T], args: tuple[Any, ...], traceparent: str | None) -> T:
    assert _child is not None, "the writer pool's initializer did not run"
    return _child.run(job, args, traceparent)


def _ready() -> bool:
    return _child is not None


class WriterPool:
    """`workers` processes that run bulk-write jobs; `run` waits for a free one. `tables_ref` names the service's
    RuntimeTables as "module:attribute" (each worker imports it: the tables are the service's own objects)."""

    def __init__(self, settings: ServiceSettings, tables_ref: str, workers: int) -> None:
        if workers < 1:
            raise ValueError("a writer pool needs at least one worker")
        self.settings, self.tables_ref, self.workers = settings, tables_ref, workers
        self._pool = self._new_pool()
        self._lock = threading.Lock()
        self.restarts = 0  # pools started again after a worker died (for tests and logs)

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn: a fork of a process with an event loop, threads and open connections is not safe.
        return ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_child,
            initargs=(self.settings, self.tables_ref),
        )

    def start(self) -> list[Future[bool]]:
        """Start every worker now, in the background (each imports the service and opens its engine: about a
        second), so that the first jobs do not wait for it. The futures are done when each has started."""
        return [self._pool.submit(_ready) for _ in range(self.workers)]

    def pids(self) -> list[int]:
        """The workers' process ids (for tests and operators)."""
        return sorted(self._pool._processes or {})  # the executor does not expose them otherwise

    async def run(self, job: Job[T], *args: Any) -> T:
        """Run `job(uow, *args)` on a free worker and return its answer; `WorkerLost` if the worker died."""
        pool, traceparent = self._pool, current_traceparent()
        try:
            future: Future[T] = pool.submit(_run_in_child, job, args, traceparent)
        except BrokenProcessPool:
            pool = self._restart(pool)
            future = pool.submit(_run_in_child, job, args, traceparent)
        try:
            return await asyncio.wrap_future(future)
        except BrokenProcessPool as e:
            self._restart(pool)
            raise WorkerLost(str(e) or "a writer process stopped") from e

    def _restart(self, broken: ProcessPoolExecutor) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is broken:
                log.error("a writer process of %s stopped; starting the pool again", self.settings.service_name)
                broken.shutdown(wait=False, cancel_futures=True)
                self._pool = self._new_pool()
                self.restarts += 1
                metrics.WRITER_RESTARTS.labels(self.settings.service_name).inc()
            return self._pool

    async def close(self) -> None:
        """Let the jobs under way finish, then stop the workers."""
        await asyncio.to_thread(self._pool.shutdown, wait=True, cancel_futures=True)
