"""Facts, aggregates, targets and the pilot rule from a scripted stream of other services' events (SQLite and
PostgreSQL): hand-computed cells and counters, a second delivery of the idempotent events changes nothing, a recount from the
facts equals the cells kept by deltas; the 2027 talent target sums 2024-2027; the pilot rule's shares and list."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from contracts.api.activities import ActivityKind
from contracts.api.journey import Stage
from contracts.events.assessment import DesignationGranted, DesignationRevoked
from contracts.events.registry import ActivityRecorded, ProjectCreated
from indexer.facts import handlers, repository
from indexer.facts import service as facts
from indexer.main import spec
from indexer.models import EnterpriseFact
from indexer.stats import repository as stats
from servicekit.consumer import Received
from servicekit.db import table_of
from testkit.databases import MigratedDbFactory
from testkit.indexer import A_FACTS, B_FACTS, C_FACTS, DISTRICT, EXPECTED, T0, A, B, C, final, registered, stream
from testkit.services import RunningService, service_under_test
from testkit.waits import wait_for


def project(uscc: str) -> ProjectCreated:
    return ProjectCreated(
        project_id="pj_a", uscc=uscc, district_code="500103", provider_id="pv_1", stage=Stage.DIAGNOSIS, created_at=T0
    )


async def waiting_on_a_lock(svc: RunningService) -> bool:
    """Whether another backend of this database waits for a lock (PostgreSQL)."""
    async with svc.runtime.engine.connect() as conn:
        query = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        return bool(await conn.scalar(text(query)))


def received(event: Any) -> Received[Any]:
    return Received(id=f"ev-{id(event)}", time=datetime.now(UTC), source="/test", payload=event)


async def cells(svc: RunningService) -> dict[tuple[Any, ...], dict[str, int]]:
    body = (await svc.client.get("/v1/aggregates")).json()
    keys = ("district_code", "key_industry_id", "tier", "size_class", "above_scale")
    return {tuple(c[k] for k in keys): {m: v for m, v in c.items() if m not in keys and v} for c in body["cells"]}


async def counts(svc: RunningService) -> tuple[dict[str, int], dict[str, int]]:
    """The enterprise counters (/v1/stats): per unit and per industry division, those above zero."""
    units = (await svc.client.get("/v1/stats/districts")).json()["districts"]
    divisions = (await svc.client.get("/v1/stats/industries")).json()["industries"]
    return (
        {d["district_code"]: d["enterprises"] for d in units if d["enterprises"]},
        {i["industry_division"]: i["enterprises"] for i in divisions if i["enterprises"]},
    )


async def test_a_scripted_stream_gives_the_hand_computed_aggregates(
    migrated_db: MigratedDbFactory, db_kind: str
) -> None:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        events = stream()
        await svc.deliver(spec, *events)
        assert await cells(svc) == EXPECTED
        again = [e for e in events if not isinstance(e, (DesignationGranted, DesignationRevoked))]
        counted = await counts(svc)
        assert counted == ({"500103": 2, "500105": 1}, {"C36": 2, "C13": 1})
        await svc.deliver(spec, *again)  # idempotent handlers: a redelivery (new event ids) changes nothing
        assert await cells(svc) == EXPECTED
        assert await counts(svc) == counted
        async with svc.runtime.uow() as uow:
            assert await facts.recount(uow) == {"cells": 3, "differing": 0, "counters": 4, "counters_differing": 0}
            await uow.commit()
        assert await cells(svc) == EXPECTED
        async with svc.runtime.uow() as uow:  # a counter that drifted (e.g. kept by an older release) is put right
            await stats.add_counts(uow.session, [{"dimension": "district", "code": "500103", "enterprises": 5}])
            await uow.commit()
        async with svc.runtime.uow() as uow:
            assert (await facts.recount(uow))["counters_differing"] == 1
            await uow.commit()
        assert await counts(svc) == counted
        mine = (await svc.client.get("/v1/aggregates", headers=DISTRICT)).json()
        assert mine["district_code"] == "500103" and mine["totals"]["enterprises"] == 2
        other = await svc.client.get("/v1/aggregates?district_code=500105", headers=DISTRICT)
        assert other.status_code == 403


def activity(year: int, participants: int) -> ActivityRecorded:
    return ActivityRecorded(
        activity_id=f"ac_{year}_{participants}",
        kind=ActivityKind.TRAINING,
        district_code="500103",
        held_on=date(year, 6, 1),
        enterprises_served=0,
        participants=participants,
    )


async def test_targets_count_what_the_plan_says(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await svc.deliver(spec, *stream(), activity(2024, 600), activity(2025, 300), activity(2027, 200))
        answer = await svc.client.get("/v1/targets?year=2027")
        assert answer.status_code == 200, answer.text
        by = {t["indicator"]: t for t in answer.json()["targets"]}
        assert len(by) == 13
        assert (by["people_trained"]["value"], by["people_trained"]["target"]) == (1100, 5000)  # 2024-2027
        assert by["events_and_trainings"]["value"] == 1  # the 2027 trainings only: a per-year target
        assert (by["enterprises_covered"]["value"], by["transformed_smes"]["value"]) == (3, 1)
        assert by["specialised_level_2_share"]["value"] == 0.0  # B (小巨人) at 一级; A is no longer 专精特新
        assert by["districts_covered"]["value"] == 2 and by["benchmarks"]["value"] == 0
        assert by["sub_industry_guides"]["value"] is None and by["sub_industry_guides"]["reached"] is None
        y2024 = {t["indicator"]: t for t in (await svc.client.get("/v1/targets?year=2024")).json()["targets"]}
        assert (y2024["people_trained"]["value"], y2024["people_trained"]["target"]) == (600, 1000)


async def test_the_pilot_rule_shares_and_the_enterprises_below(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await svc.deliver(spec, *stream())
        answer = (await svc.client.get("/v1/pilot-rule?sub_industry=SUB-C367")).json()
        groups = {g["group"]: (g["enterprises"], g["level_2_plus"], g["met"]) for g in answer["groups"]}
        assert groups == {"above_scale": (2, 1, False), "specialised": (1, 0, False), "little_giant": (1, 0, False)}
        assert [(b["uscc"], b["group"], b["level"]) for b in answer["below"]] == [(B, "little_giant", 1)]
        assert answer["met"] is False
        await svc.deliver(spec, final(B, 2, T0 + timedelta(days=60)))
        answer = (await svc.client.get("/v1/pilot-rule?sub_industry=SUB-C367", headers=DISTRICT)).json()
        assert answer["met"] is True and answer["below"] == [] and answer["district_code"] == "500103"
        assert (await svc.client.get("/v1/pilot-rule?sub_industry=SUB-X")).status_code == 422


async def test_a_fact_another_transaction_stored_meanwhile_is_not_overwritten(
    migrated_db: MigratedDbFactory, db_kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two transactions that both find no fact for an enterprise (an indexer replica applying its registration,
    another its assessment): the later one's new fact would overwrite the first's. It is refused instead
    (IntegrityError: the consumer applies the batch again), and applied again it counts on what is stored."""
    read, registered_first = asyncio.Event(), asyncio.Event()
    stored_facts = repository.facts

    async def facts_then_wait(session: Any, usccs: Any) -> Any:
        found = await stored_facts(session, usccs)
        if not read.is_set():  # the assessment's transaction: it has read, then the registration commits
            read.set()
            await registered_first.wait()
        return found

    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:

        async def assess() -> None:
            async with svc.runtime.uow() as uow:
                await handlers.on_finalised(uow, [received(final(A, 2, T0))])
                await uow.commit()

        monkeypatch.setattr(repository, "facts", facts_then_wait)
        meanwhile = asyncio.create_task(assess())
        await read.wait()  # it found no fact
        async with svc.runtime.uow() as uow:
            await handlers.on_registered(uow, [received(registered(A, "500103", "C3670", **A_FACTS))])
            await uow.commit()
        registered_first.set()
        with pytest.raises(IntegrityError):
            await meanwhile
        async with svc.runtime.uow() as uow:  # the consumer's next attempt
            await handlers.on_finalised(uow, [received(final(A, 2, T0))])
            await uow.commit()
        totals = (await svc.client.get("/v1/aggregates")).json()["totals"]
        assert (totals["enterprises"], totals["assessed"], totals["level_2_plus"]) == (1, 1, 1)
        cell = (await cells(svc))[("500103", 3, "specialised", "small", "y")]
        assert cell["enterprises"] == 1  # the registration's profile kept, counted once


async def test_two_transactions_changing_one_stored_fact_both_count(migrated_db: MigratedDbFactory) -> None:
    """PostgreSQL (replicas): while one transaction has changed a stored fact and not yet committed, another that
    changes the same fact reads it only once the first has committed, and so keeps both changes (it used to read
    the fact as it was and write it back over the first's change)."""
    async with service_under_test(spec, await migrated_db(spec, "postgresql")) as svc:
        async with svc.runtime.uow() as uow:
            await handlers.on_registered(uow, [received(registered(A, "500103", "C3670", **A_FACTS))])
            await uow.commit()

        async def assess() -> None:
            async with svc.runtime.uow() as uow:
                await handlers.on_finalised(uow, [received(final(A, 2, T0))])
                await uow.commit()

        async with svc.runtime.uow() as uow:
            await handlers.on_project_created(uow, [received(project(A))])  # A's fact changed, not committed
            meanwhile = asyncio.create_task(assess())
            await wait_for(lambda: waiting_on_a_lock(svc), what="the other transaction waits for this one")
            await uow.commit()
        await meanwhile
        async with svc.runtime.engine.connect() as conn:
            t = table_of(EnterpriseFact)
            fact = (await conn.execute(select(t).where(t.c.uscc == A))).one()
        assert (fact.level, fact.stage_seq) == (2, 1)  # both changes kept


async def test_a_registration_batch_counts_new_and_already_known_enterprises_once(
    migrated_db: MigratedDbFactory, db_kind: str
) -> None:
    """A batch of registrations where one enterprise already has a fact (its assessment came first) and the
    others have none (on SQLite the new facts are inserted without being read first): each enterprise counted
    once with its profile, the assessment kept, and the batch delivered again changes nothing."""
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        await svc.deliver(spec, final(A, 2, T0))
        batch = [
            registered(A, "500103", "C3670", **A_FACTS),
            registered(B, "500103", "C3670", **B_FACTS),
            registered(C, "500104", "C1310", **C_FACTS),
        ]
        for _ in range(2):
            async with svc.runtime.uow() as uow:
                await handlers.on_registered(uow, [received(e) for e in batch])
                await uow.commit()
            totals = (await svc.client.get("/v1/aggregates")).json()["totals"]
            assert (totals["enterprises"], totals["assessed"], totals["level_2_plus"]) == (3, 1, 1)
            assert await counts(svc) == ({"500103": 2, "500104": 1}, {"C36": 2, "C13": 1})
            assert (await cells(svc))[("500103", 3, "specialised", "small", "y")] == {
                "enterprises": 1, "assessed": 1, "level_2_plus": 1, "level_sum": 2
            }  # fmt: skip
        async with svc.runtime.uow() as uow:
            assert await facts.recount(uow) == {"cells": 3, "differing": 0, "counters": 4, "counters_differing": 0}
