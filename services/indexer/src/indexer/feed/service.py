"""The city feed: after each consumed batch, the figures of the units it changed (when they changed), and the
targets reached and pilot rules met for the first time. Aggregated and suppressed; nothing names an enterprise."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime

from contracts.events.indexer import PilotRuleMet, TargetReached, UnitKpisUpdated
from indexer.facts import repository as facts
from indexer.feed import repository
from indexer.feed.rules import share_or_none, unit_kpis
from indexer.pilot import service as pilot
from indexer.targets import service as targets
from servicekit.uow import UnitOfWork

# Targets and pilot rules are checked on a batch at most this often (per process and database): the check reads
# every target's figures, which at a million enterprises would otherwise cost each batch more than the batch.
MILESTONES_EVERY_S = 30.0
_milestones_checked: dict[object, float] = {}


async def publish(uow: UnitOfWork, units: Iterable[str]) -> None:
    wanted = sorted(set(units))
    if not wanted:
        return
    now = datetime.now(UTC)
    sums = await facts.unit_sums(uow.session, wanted)
    held = await repository.snapshots(uow.session, wanted)
    changed = []
    for unit in wanted:
        figures = unit_kpis([sums[unit]] if unit in sums else [])
        if figures != held.get(unit):
            changed.append({"district_code": unit, "figures": figures, "published_at": now})
            uow.emit(UnitKpisUpdated(district_code=unit, as_of=now, **figures))
    await repository.put_snapshots(uow.session, changed)
    database, clock = uow.session.get_bind(), time.monotonic()
    if clock - _milestones_checked.get(database, -MILESTONES_EVERY_S) >= MILESTONES_EVERY_S:
        _milestones_checked[database] = clock
        await _milestones(uow, now)


async def _milestones(uow: UnitOfWork, now: datetime) -> None:
    done = await repository.milestones(uow.session)
    new: list[str] = []
    progress = await targets.for_year(uow, now.year)
    for t in progress.targets:
        key = f"target:{t.indicator}:{t.year}"
        if t.reached and key not in done and t.value is not None and t.target is not None:
            new.append(key)
            uow.emit(TargetReached(indicator=t.indicator, year=t.year, value=t.value, target=t.target, reached_at=now))
    for rule in await pilot.all_rules(uow):
        key = f"pilot:{rule.sub_industry}"
        if rule.met and key not in done:
            new.append(key)
            shares = {g.group: share_or_none(g.level_2_plus, g.enterprises) for g in rule.groups}
            uow.emit(PilotRuleMet(sub_industry=rule.sub_industry, shares=shares, met_at=now))
    await repository.add_milestones(uow.session, new, now)
