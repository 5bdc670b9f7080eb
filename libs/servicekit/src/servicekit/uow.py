"""Unit of work: one transaction for the state change and the outbox rows of its events."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from sqlalchemy import exc, insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.api.identity import TokenClaims
from contracts.envelope import Event
from servicekit import outbox
from servicekit.errors import Busy
from servicekit.ids import event_id as new_event_id
from servicekit.tables import RuntimeTables
from servicekit.telemetry import current_traceparent

_CURRENT = "current"  # sentinel: take the active span's trace context


def outbox_row(
    event: Event,
    *,
    event_id: str | None = None,
    occurred_at: datetime | None = None,
    traceparent: str | None = _CURRENT,
) -> dict[str, object]:
    """The outbox row that publishes `event`."""
    key = event.key()
    return {
        "event_id": event_id or new_event_id(),
        "topic": event.TOPIC.name,
        "key": key,
        "event_type": event.TYPE,
        "event_version": event.VERSION,
        "subject": key,
        # model_dump_json's own work is passing its dozen keywords on: a quarter of the serialisation of an event
        "payload": event.__pydantic_serializer__.to_json(event).decode(),
        "traceparent": current_traceparent() if traceparent is _CURRENT else traceparent,
        "occurred_at": occurred_at or datetime.now(UTC),
        "attempts": 0,
    }


class UnitOfWork:
    """`async with uow:` opens a session; `emit` queues events; `commit` writes both atomically."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        tables: RuntimeTables,
        on_commit: Callable[[], None] | None = None,
    ) -> None:
        self._sessions = sessions
        self.tables = tables
        self._on_commit = on_commit
        self._events: list[Event] = []
        self._rows: list[dict[str, object]] = []  # outbox rows of events rendered before the commit
        self._stamp: tuple[str | None, datetime] | None = None  # the transaction's traceparent and event time
        self._audit: list[dict[str, object]] = []
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside `async with`")
        return self._session

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    async def __aenter__(self) -> UnitOfWork:
        self._session = self._sessions()
        self._forget()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        session, self._session = self._session, None
        if session is not None:
            # Rows read in the unit of work stay usable after it (a rollback would expire them).
            session.expunge_all()
            await session.rollback()  # no-op after commit; undoes everything otherwise
            await session.close()
        self._forget()

    def _forget(self) -> None:
        self._events, self._rows, self._stamp, self._audit = [], [], None, []

    def audit(self, actor: TokenClaims, action: str, subject: str, detail: dict[str, Any] | None = None) -> None:
        """Record a write (who, what, on what); stored in the same transaction at commit."""
        self._audit.append(
            {
                "at": datetime.now(UTC),
                "actor": actor.sub,
                "role": actor.role.value,
                "action": action,
                "subject": subject,
                "detail": json.dumps(detail or {}, ensure_ascii=False, default=str),
            }
        )

    def emit(self, event: Event) -> None:
        """Queue an event; it is written to the outbox in the same transaction at commit."""
        self._events.append(event)

    def render(self) -> None:
        """Build the outbox rows of the events queued so far now, rather than at commit. A bulk write calls it
        before its first write: on SQLite the write lock, which one writer holds at a time, is then held for the
        writes alone (servicekit.sqlitegate), not for building thousands of events' JSON as well."""
        if not self._events:
            return
        if self._stamp is None:  # one trace context and one timestamp for every event of the transaction
            self._stamp = (current_traceparent(), datetime.now(UTC))
        tp, now = self._stamp
        self._rows += [outbox_row(e, occurred_at=now, traceparent=tp) for e in self._events]
        self._events = []

    async def commit(self) -> None:
        self.render()
        if self._rows:
            await outbox.write(self.session, self.tables, self._rows)
        if self._audit:
            await self.session.execute(insert(self.tables.audit_log), self._audit)
        await self.session.commit()
        published = bool(self._rows)
        self._forget()
        if published and self._on_commit:
            self._on_commit()


class BulkUnitOfWork(UnitOfWork):
    """A unit of work on the bulk connection (servicekit.app.bulk_engine): it takes the connection on entering,
    waiting for the bulk write ahead of it, and answers 503 with Retry-After if that takes over `wait_s`."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        tables: RuntimeTables,
        on_commit: Callable[[], None] | None = None,
        *,
        wait_s: float,
    ) -> None:
        super().__init__(sessions, tables, on_commit)
        self.wait_s = wait_s

    async def __aenter__(self) -> UnitOfWork:
        await super().__aenter__()
        try:
            await self.session.connection()
        except exc.TimeoutError as e:
            await self.__aexit__(None, None, None)
            raise Busy(
                f"other bulk writes held the database for over {self.wait_s:g} s; send this again later",
                retry_after_s=int(self.wait_s // 4),
            ) from e
        return self
