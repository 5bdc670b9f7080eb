"""Several handlers for one event type, run in turn in the same transaction (a service keeping a shared
read model and its own table from the same events)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from servicekit.consumer import Handler, Received, Subscription
from servicekit.uow import UnitOfWork


def merged(*groups: Iterable[Subscription]) -> list[Subscription]:
    """One subscription per event type and version; where several groups handle the same one, their
    handlers run in the order given (idempotent only if all of them are)."""
    by_key: dict[tuple[str, int], list[Subscription]] = {}
    for group in groups:
        for s in group:
            by_key.setdefault((s.event.TYPE, s.event.VERSION), []).append(s)
    return [subs[0] if len(subs) == 1 else _chain(subs) for subs in by_key.values()]


def _chain(subs: list[Subscription]) -> Subscription:
    handlers: list[Handler] = [s.handler for s in subs]

    async def handler(uow: UnitOfWork, events: list[Received[Any]]) -> None:
        for h in handlers:
            await h(uow, events)

    return Subscription(subs[0].event, handler, idempotent=all(s.idempotent for s in subs))
