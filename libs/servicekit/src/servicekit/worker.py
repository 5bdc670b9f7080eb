"""Background loops that stop gracefully: the current round finishes, then the loop exits.

Cancelling a task that is inside database or Kafka client code is not reliable (a library may
swallow the CancelledError and the task never ends), so loops check a flag and cancellation is
only the last resort after a grace period.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from servicekit.sqlite import heavy_reads

log = logging.getLogger(__name__)


class BackgroundLoop:
    def __init__(self, name: str, body: Callable[[], Coroutine[Any, Any, None]]) -> None:
        self.name = name
        self._body = body
        self._stop = asyncio.Event()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    @property
    def running(self) -> bool:
        """Started and not yet stopped."""
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        self._stop.clear()
        self._task = asyncio.create_task(self._in_background(), name=self.name)

    async def _in_background(self) -> None:
        # Batch work: its SQLite reads run on the connection's thread (servicekit.sqlite), not on the loop that
        # answers requests.
        with heavy_reads():
            await self._body()

    def wake(self) -> None:
        self._wake.set()

    async def pause(self, seconds: float) -> None:
        """Sleep up to `seconds`; return early when woken or asked to stop."""
        if self._stop.is_set():
            return
        waiter = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({waiter}, timeout=seconds)
        finally:
            if not waiter.done():
                waiter.cancel()
        self._wake.clear()

    async def stop(self, grace: float = 10.0) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        self._stop.set()
        self._wake.set()
        done, _ = await asyncio.wait({task}, timeout=grace)
        if not done:
            log.warning("%s did not stop within %.0fs; cancelling it", self.name, grace)
            task.cancel()
            done, _ = await asyncio.wait({task}, timeout=5)
            if not done:
                log.error("%s ignored cancellation; abandoning it", self.name)
                return
        if not task.cancelled() and task.exception() is not None:
            log.error("%s ended with %r", self.name, task.exception())
        with contextlib.suppress(BaseException):
            task.result()
