"""The city feed carries aggregates only: over generated streams, no feed event names an enterprise or carries a
figure over 1 or 2 enterprises; a unit's figures go out when they change, milestones once."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from contracts.envelope import Event
from contracts.events.catalog import AdoptionRecorded
from contracts.events.indexer import PilotRuleMet, TargetReached, UnitKpisUpdated
from contracts.events.registry import EnterpriseRegistered
from contracts.topics import CITY_FEED
from indexer.main import spec
from testkit.data import random_uscc
from testkit.databases import MigratedDbFactory
from testkit.indexer import final, stream
from testkit.services import RunningService, service_under_test

FEED_TYPES = [UnitKpisUpdated.TYPE, TargetReached.TYPE, PilotRuleMet.TYPE]
USCC_LIKE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}")
IDENTIFYING = {"uscc", "name", "contact", "contacts", "phone", "email", "enterprise", "enterprises_below", "below"}
COUNTS = ("enterprises", "assessed", "transformed", "designated", "cloud", "with_loans", "with_subsidies")
T0 = datetime(2026, 3, 1, tzinfo=UTC)


def generated(seed: int) -> list[Event]:

    rng = random.Random(seed)
    events: list[Event] = []
    for i in range(rng.randint(5, 40)):
        uscc, unit = random_uscc(rng), rng.choice(["500103", "500104", "500105"])
        code = rng.choice(["C3670", "C3311", "C1310"])
        events.append(
            EnterpriseRegistered.model_validate(
                {
                    "uscc": uscc,
                    "name": f"企业{i}",
                    "district_code": unit,
                    "industry_code": code,
                    "industry_division": code[:3],
                    "registered_at": T0,
                    "sub_industry": "SUB-C367" if code == "C3670" else None,
                    "current_tier": rng.choice([None, "specialised", "little_giant"]),
                    "above_scale": rng.random() < 0.5,
                }
            )
        )
        if rng.random() < 0.7:
            events.append(final(uscc, rng.randint(0, 4), T0 + timedelta(days=i), district=unit))
        if rng.random() < 0.3:
            events.append(
                AdoptionRecorded(
                    adoption_id=f"ad_{i}",
                    uscc=uscc,
                    district_code=unit,
                    solution_id="so_1",
                    provider_id="pv_1",
                    project_id=None,
                    delivery="saas",
                    cloud=True,
                    adopted_on=T0.date(),
                    recorded_at=T0,
                )
            )
    return events


def walk(value: Any, path: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [x for k, v in value.items() for x in walk(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [x for v in value for x in walk(v, path)]
    return [(path, value)]


async def feed(svc: RunningService) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for event_type in FEED_TYPES:
        out += [(event_type, e) for e in await svc.outbox(event_type)]
    return out


async def test_no_feed_event_identifies_an_enterprise_or_shows_a_small_cell(migrated_db: MigratedDbFactory) -> None:
    seen_types: set[str] = set()
    for seed in range(6):
        async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
            events = generated(seed)
            for i in range(0, len(events), 7):  # several batches, as a consumer would apply them
                await svc.deliver(spec, *events[i : i + 7])
            published = await feed(svc)
            assert published, "the stream changed figures: the feed says so"
            for event_type, payload in published:
                seen_types.add(event_type)
                for path, value in walk(payload):
                    assert path.rsplit(".", 1)[-1] not in IDENTIFYING, (event_type, path)
                    assert not (isinstance(value, str) and USCC_LIKE.search(value)), (event_type, path, value)
                if event_type == UnitKpisUpdated.TYPE:
                    for field in COUNTS:
                        assert payload[field] is None or payload[field] == 0 or payload[field] >= 3, (field, payload)
                    if payload["level_2_plus_share"] is not None:
                        assert payload["assessed"] is not None and payload["assessed"] >= 3
                if event_type == PilotRuleMet.TYPE:
                    assert all(v is None or 0 <= v <= 1 for v in payload["shares"].values())
    assert UnitKpisUpdated.TYPE in seen_types
    assert CITY_FEED.name == "indexer.city-feed.v1"


async def test_figures_go_out_when_they_change_and_milestones_once(migrated_db: MigratedDbFactory) -> None:

    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        events = stream()
        await svc.deliver(spec, *events)
        first = await svc.outbox(UnitKpisUpdated.TYPE)
        assert {e["district_code"] for e in first} == {"500103", "500104", "500105"}
        assert all(e["enterprises"] in (None, 0) for e in first)  # 1 or 2 enterprises per unit: suppressed
        reached = [(e["indicator"], e["year"]) for e in await svc.outbox(TargetReached.TYPE)]
        assert ("districts_covered", datetime.now(UTC).year) not in reached  # 2 of 41
        await svc.deliver(spec, events[3])  # an older finalisation: nothing changes
        assert len(await svc.outbox(UnitKpisUpdated.TYPE)) == len(first)
