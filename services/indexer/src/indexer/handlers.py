"""Events the indexer consumes."""

from __future__ import annotations

from contracts.events.registry import EnterpriseRegistered
from indexer import repository
from indexer.domain import count_increments
from servicekit.consumer import Received, Subscription
from servicekit.uow import UnitOfWork


async def on_enterprise_registered(uow: UnitOfWork, events: list[Received[EnterpriseRegistered]]) -> None:
    """Count each new enterprise once per district and per division (the inbox makes it exactly once)."""
    increments = count_increments((e.payload.district_code, e.payload.industry_division) for e in events)
    await repository.add_counts(uow.session, uow.dialect, increments)


SUBSCRIPTIONS = [Subscription(EnterpriseRegistered, on_enterprise_registered)]
