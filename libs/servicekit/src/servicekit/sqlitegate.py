"""One writer at a time among a process's connections to one SQLite file, and the file's WAL checkpointed off
the event loop.

SQLite lets one connection write at a time. A second connection that wants to write waits in its busy
handler, which sleeps and retries on a growing schedule — and, run on aiosqlite's thread, every step of a
write transaction (the first write, the commit) was a thread hop whose way back waited for the GIL while
the loop ran Python. On a service taking many small writes at once (the registry under steady pushes and
PATCHes, bench/e2e.py --freshness), a transaction held the write lock for ~6 ms, of which the commit alone
took ~2.5 ms, nearly all of it hops and GIL waits; requests queued while a core sat half idle.

So a connection takes its file's gate (an asyncio lock: waiters queue in order and are woken the moment it is
free) before the statement that opens its write transaction, and gives it back when the transaction ends.
Inside the gate nothing of this process can hold SQLite's lock, so the transaction's statements and its
commit run on the loop's thread (servicekit.sqlite). Other processes (the CLI, a migration) still meet
SQLite's own lock: a first write that finds it taken goes to the connection's thread and waits there.

A commit on the loop must not checkpoint (copy the WAL back into the database, with fsyncs): the engine's
connections have `wal_autocheckpoint=0`, and after every CHECKPOINT_COMMITS commits or CHECKPOINT_S seconds
with commits the gate runs a passive checkpoint on a worker thread beside the writers, then a second one
holding the gate (ahead of the queue) for what they appended meanwhile, so that the checkpoint catches up
and the next transaction starts the WAL over.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import sqlite3
import time
import weakref
from collections import deque

log = logging.getLogger(__name__)

# A checkpoint copies each page the WAL holds once, however many commits wrote it since the last: the rarer they
# are, the fewer copies of the pages every transaction writes again (a table's last page, its busiest index pages;
# keyed by USCC, at a million rows, pages come round within seconds). Every 400 commits or 4 s against 100 or 1 s:
# a million on SQLite 131.7 → 128.2 s and 136.6 → 128.0 s, the consumers 5–7 % less CPU; WAL files up to 2–2.5x
# larger during a first load (bench/results.md, 2026-12-05 06:09); freshness p99 150 → 176 ms, within the noise.
CHECKPOINT_COMMITS = 400
CHECKPOINT_S = 4.0


class WriteGate:
    """The write gate and the checkpoints of one SQLite file, on one event loop.

    Waiters are served in order, except that those marked `first` (the relay marking a round sent: every
    consumer of the suite waits for it) go before the requests queued."""

    def __init__(self, path: str, timeout_s: float) -> None:
        self.path = path
        self.timeout_s = timeout_s
        self._held = False
        self._queue: deque[asyncio.Future[None]] = deque()
        self._first: deque[asyncio.Future[None]] = deque()
        self._commits = 0  # since the last checkpoint began
        self._last_checkpoint = time.monotonic()
        self._checkpoint: asyncio.Task[None] | None = None
        self.waits = 0  # acquisitions that found the gate taken (for tests)
        self.checkpoints = 0  # checkpoint turns completed (for tests)
        self._writers_lock: WritersLock | None = None

    async def acquire(self, *, first: bool = False) -> None:
        """Wait for the gate (and, in a writer process, the writers' file lock: `share_writes`); after `timeout_s`
        raise what SQLite's own busy timeout would."""
        await self._acquire_here(first)
        if _sharing:
            try:
                await self._writers().take(self.timeout_s)
            except BaseException:
                self._hand_over()
                raise

    def _writers(self) -> WritersLock:
        if self._writers_lock is None:
            self._writers_lock = WritersLock(f"{self.path}-writers")
        return self._writers_lock

    async def _acquire_here(self, first: bool) -> None:
        if not self._held and not self._queue and not self._first:
            self._held = True
            return
        self.waits += 1
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        (self._first if first else self._queue).append(turn)
        try:
            async with asyncio.timeout(self.timeout_s):
                await turn
        except BaseException as e:
            if turn.done() and not turn.cancelled():  # handed over as we gave up: pass it on
                self._hand_over()
            else:
                (self._first if first else self._queue).remove(turn)
            if isinstance(e, TimeoutError):
                raise sqlite3.OperationalError(
                    f"database is locked (another writer of this process held it for over {self.timeout_s:.0f} s)"
                ) from None
            raise

    def release(self, committed: bool) -> None:
        if self._writers_lock is not None and self._writers_lock.held:
            self._writers_lock.give_back()
        self._hand_over()
        if committed:
            self._commits += 1
            self._maybe_checkpoint()

    def _hand_over(self) -> None:
        """The gate to the next waiter still waiting (it stays held), or free."""
        for waiting in (self._first, self._queue):
            while waiting:
                turn = waiting.popleft()
                if not turn.done():
                    turn.set_result(None)
                    return
        self._held = False

    def _maybe_checkpoint(self) -> None:
        if self._checkpoint is not None and not self._checkpoint.done():
            return
        now = time.monotonic()
        if self._commits < CHECKPOINT_COMMITS and now - self._last_checkpoint < CHECKPOINT_S:
            return
        self._commits, self._last_checkpoint = 0, now
        self._checkpoint = asyncio.get_running_loop().create_task(self._checkpoint_turn())

    async def _checkpoint_turn(self) -> None:
        """Two passive checkpoints on a worker thread. The first runs beside the writers and copies the bulk
        of the WAL back; the second holds the gate (ahead of the queue), so no writer of this process
        appends meanwhile: it copies what they appended during the first (as far as no reader still needs
        it), and the next transaction starts the WAL over. Run only beside the writers, checkpoints never
        caught up and the WAL only grew (6 GB in a million-enterprise load); run only holding the gate, every
        write waited for the whole copy (the eligibility benchmark's p99 went from 9 to 18 ms)."""
        loop = asyncio.get_running_loop()
        if not await loop.run_in_executor(None, self._passive_checkpoint):
            return
        await self.acquire(first=True)
        try:
            if await loop.run_in_executor(None, self._passive_checkpoint):
                self.checkpoints += 1
        finally:
            self.release(committed=False)

    def _passive_checkpoint(self) -> bool:
        """Copy what the WAL holds back into the database (on a thread); False if the file is gone."""
        try:
            conn = sqlite3.connect(self.path, timeout=self.timeout_s)
            try:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            finally:
                conn.close()
            return True
        except sqlite3.Error:  # the file went away (a test's database dropped): nothing to keep
            log.debug("passive checkpoint of %s failed", self.path, exc_info=True)
            return False

    async def settled(self) -> None:
        """Wait for a running checkpoint (tests)."""
        if self._checkpoint is not None:
            await self._checkpoint


_sharing = False  # this process is one of a database's writer processes (share_writes)


def share_writes(on: bool = True) -> None:
    """This process is one of several writer processes of its database (servicekit.writerpool): each write
    transaction also takes a lock file beside the database (`<file>-writers`, `flock`). A writer that met SQLite's
    write lock taken used to wait in SQLite's busy handler, which sleeps 1, 2, 5 … up to 100 ms between looks; with
    two writers taking turns on ten-thousand-record batches those sleeps left the lock idle. The file lock is
    looked at every 2 ms at most, and the kernel lets it go with a writer that dies."""
    global _sharing
    _sharing = on


class WritersLock:
    """An exclusive `flock` on a file, taken without blocking the event loop."""

    POLL_S = 0.002  # the longest wait between looks at a lock held by another writer

    def __init__(self, path: str) -> None:
        self.path = path
        self.held = False
        self._fd: int | None = None

    def _try(self) -> bool:
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        self.held = True
        return True

    async def take(self, timeout_s: float) -> None:
        """Take the lock; after `timeout_s` raise what SQLite's busy timeout would."""
        delay, deadline = 0.0002, time.monotonic() + timeout_s
        while not self._try():
            if time.monotonic() > deadline:
                raise sqlite3.OperationalError(
                    f"database is locked (another writer process held it over {timeout_s:.0f} s)"
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.POLL_S)

    def give_back(self) -> None:
        assert self._fd is not None
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        self.held = False


_GATES: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, WriteGate]] = weakref.WeakKeyDictionary()


def gated(path: str) -> bool:
    """Whether connections to `path` go through a gate: a file by its name (not an in-memory database, which
    no other connection shares, nor a `file:` URI)."""
    return bool(path) and path != ":memory:" and not path.startswith("file:")


def write_gate(path: str, timeout_s: float) -> WriteGate | None:
    """The gate of the SQLite file at `path` on the running loop (None where `gated` says no)."""
    if not gated(path):
        return None
    gates = _GATES.setdefault(asyncio.get_running_loop(), {})
    key = os.path.realpath(path)
    if key not in gates:
        gates[key] = WriteGate(key, timeout_s)
    return gates[key]
