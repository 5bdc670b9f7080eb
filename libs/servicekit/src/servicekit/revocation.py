"""Clients whose tokens every service refuses, kept locally: the registry publishes each revocation
(`registry.client.revoked`), every other service stores it from the event, and all of them check an
in-memory copy on each request (reloaded from the local table every second), never calling the registry.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from contracts.events.registry import ClientRevoked
from servicekit.bulk import insert_rows
from servicekit.consumer import Received, Subscription
from servicekit.tables import RuntimeTables
from servicekit.uow import UnitOfWork
from servicekit.worker import BackgroundLoop

log = logging.getLogger(__name__)
RELOAD_S = 1.0


@dataclass(frozen=True)
class Revoked:
    deactivated: bool
    tokens_issued_before: float  # Unix seconds: a token with an earlier `iat` is refused


def revocation_row(event: ClientRevoked) -> dict[str, Any]:
    return {
        "client_id": event.client_id,
        "deactivated": event.deactivated,
        "tokens_issued_before": event.tokens_issued_before,
        "revoked_at": event.revoked_at,
    }


async def store(session: AsyncSession, tables: RuntimeTables, events: Sequence[ClientRevoked]) -> None:
    """Keep the latest revocation of each client (a replayed older one changes nothing)."""
    latest: dict[str, ClientRevoked] = {}
    for e in events:
        if e.client_id not in latest or e.revoked_at >= latest[e.client_id].revoked_at:
            latest[e.client_id] = e
    rows = [revocation_row(e) for e in latest.values()]
    update = ["deactivated", "tokens_issued_before", "revoked_at"]
    await insert_rows(session, tables.revoked_clients, rows, conflict=["client_id"], update=update, newer="revoked_at")


def subscriptions(tables: RuntimeTables) -> list[Subscription]:
    async def on_client_revoked(uow: UnitOfWork, events: list[Received[ClientRevoked]]) -> None:
        await store(uow.session, tables, [e.payload for e in events])

    return [Subscription(ClientRevoked, on_client_revoked, idempotent=True)]


class Revocations:
    """The local list, in memory: `refuses(client_id, iat)` costs a dictionary lookup."""

    def __init__(self, engine: AsyncEngine, tables: RuntimeTables) -> None:
        self.engine = engine
        self.table = tables.revoked_clients
        self.by_client: Mapping[str, Revoked] = {}
        self._loop = BackgroundLoop("revocations", self._run)

    def refuses(self, client_id: str, issued_at: float) -> str | None:
        """Why a token of this client issued at `issued_at` is no longer good, or None."""
        revoked = self.by_client.get(client_id)
        if revoked is None:
            return None
        if revoked.deactivated:
            return "the client was deactivated"
        if issued_at < revoked.tokens_issued_before:
            return "the client's secret was rotated after this token was issued; request a new one"
        return None

    async def load(self) -> None:
        t = self.table
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(t.c.client_id, t.c.deactivated, t.c.tokens_issued_before))).all()
        self.by_client = {
            r.client_id: Revoked(bool(r.deactivated), _aware(r.tokens_issued_before).timestamp()) for r in rows
        }

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def _run(self) -> None:
        while not self._loop.stopping:
            try:
                await self.load()
            except Exception as e:  # the database is away: keep the list we have, try again
                log.warning("could not reload the revoked clients: %s", e)
            await self._loop.pause(RELOAD_S)


def cutoff(now: datetime) -> datetime:
    """Tokens issued before this millisecond are refused (`iat` is rounded up to the millisecond too, so
    a token issued after the rotation is never dated before it)."""
    return datetime.fromtimestamp(math.ceil(now.timestamp() * 1000) / 1000, UTC)


def _aware(moment: datetime) -> datetime:
    """SQLite gives the stored UTC time back without its zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
