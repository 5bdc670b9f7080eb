"""Events the indexer consumes."""

from __future__ import annotations

from contracts.events.registry import EnterpriseRegistered, EnterpriseUpdated
from indexer import repository
from indexer.domain import DISTRICT, DIVISION, count_increments, move_increments
from servicekit.consumer import Received, Subscription
from servicekit.uow import UnitOfWork


async def on_enterprise_registered(uow: UnitOfWork, events: list[Received[EnterpriseRegistered]]) -> None:
    """Count each new enterprise once per district and per division (the inbox makes it exactly once)."""
    increments = count_increments((e.payload.district_code, e.payload.industry_division) for e in events)
    await repository.add_counts(uow.session, uow.dialect, increments)


async def on_enterprise_updated(uow: UnitOfWork, events: list[Received[EnterpriseUpdated]]) -> None:
    """Move the enterprise between counters when its unit or industry division changed."""
    fields = {"district_code": DISTRICT, "industry_division": DIVISION}
    moves = [
        (dimension, str(change.before), str(change.after))
        for e in events
        for field, dimension in fields.items()
        if (change := e.payload.changes.get(field)) is not None
    ]
    await repository.add_counts(uow.session, uow.dialect, move_increments(moves))


SUBSCRIPTIONS = [
    Subscription(EnterpriseRegistered, on_enterprise_registered),
    Subscription(EnterpriseUpdated, on_enterprise_updated),
]
