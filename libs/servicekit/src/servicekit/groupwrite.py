"""Group commit for append-only records written on a read path (a query log): each request hands its row
to the writer and waits until it is stored; the writer stores whatever has queued meanwhile in one
transaction with one executemany. Requests stay read-only (no write lock held per request, which on
SQLite would serialise them), nothing is answered before its record is durable, and the write costs one
round trip per batch instead of one per request (DESIGN §7)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from typing import Any

from servicekit.bulk import insert_rows
from servicekit.db import make_engine, sessionmaker

log = logging.getLogger(__name__)


class GroupWriter:
    """Appends rows to `table` in batches of at most `max_batch`; `write` returns once its row is stored.

    It has its own engine (one connection): requests waiting on it hold the service's pooled connections,
    so sharing that pool could leave the writer waiting on them and them on it."""

    def __init__(self, database_url: str, table: Any, *, max_batch: int = 1000) -> None:
        self._engine = make_engine(database_url)
        self._sessions = sessionmaker(self._engine)
        self._table = table
        self._name = str(getattr(table, "__tablename__", getattr(table, "name", "rows")))
        self._max_batch = max_batch
        self._queue: asyncio.Queue[tuple[Mapping[str, Any], asyncio.Future[None]]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._pending = 0  # rows handed over and not yet stored or failed
        self._idle = asyncio.Event()  # set while nothing is pending
        self._idle.set()
        self.batches = 0  # batches stored (for tests and metrics)

    @property
    def pending(self) -> int:
        """Rows handed over and not yet stored or failed."""
        return self._pending

    async def write(self, row: Mapping[str, Any]) -> None:
        """Store `row`; raises what the database raised if its batch could not be stored."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name=f"group-writer-{self._name}")
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending += 1
        self._idle.clear()
        await self._queue.put((row, done))
        await done

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self._max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                async with self._sessions() as session:
                    await insert_rows(session, self._table, [row for row, _ in batch])
                    await session.commit()
                self.batches += 1
                outcome: BaseException | None = None
            except Exception as e:  # every waiting request learns its record was not stored
                log.exception("group write of %d row(s) to %s failed", len(batch), self._name)
                outcome = e
            self._pending -= len(batch)
            if not self._pending:
                self._idle.set()
            for _, done in batch:
                if done.done():
                    continue
                if outcome is None:
                    done.set_result(None)
                else:
                    done.set_exception(outcome)

    async def close(self) -> None:
        """Store what is queued, then stop."""
        if self._task is not None and not self._task.done():
            await self._idle.wait()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._engine.dispose()
