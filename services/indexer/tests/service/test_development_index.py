"""The development index over HTTP: every unit ranked, the current period live, publishing freezes it (later
events change nothing published) and sends it on the city feed; other periods are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from contracts.api.identity import Role
from contracts.envelope import Event
from contracts.uscc import check_character
from indexer.main import spec
from testkit.databases import MigratedDbFactory
from testkit.indexer import T0, final, registered
from testkit.services import service_under_test
from testkit.tokens import bearer


def uscc(n: int) -> str:
    return f"91500000MA5U{n:05d}" + check_character(f"91500000MA5U{n:05d}")


async def test_publishing_freezes_the_period(migrated_db: MigratedDbFactory, db_kind: str) -> None:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        events: list[Event] = [registered(uscc(n), "500103" if n < 4 else "500104", "C3670") for n in range(8)]
        events += [final(uscc(n), 2 if n % 2 else 1, T0, district="500103" if n < 4 else "500104") for n in range(8)]
        await svc.deliver(spec, *events)
        year = str(datetime.now(UTC).year)
        live = (await svc.client.get("/v1/index")).json()
        assert live["period"] == year and live["published"] is False and len(live["rows"]) == 41
        ranked = {r["district_code"]: (r["rank"], r["enterprises"]) for r in live["rows"]}
        assert ranked["500103"][1] == 4 and ranked["500104"][1] == 4
        assert min(r for r, _ in ranked.values()) == 1
        published = await svc.client.post(f"/v1/index/{year}/publication")
        assert published.status_code == 200 and published.json()["published"] is True
        feed = await svc.outbox("indexer.index.published")
        assert [e["period"] for e in feed] == [year] and feed[0]["values"]["500101"] is None  # no enterprises
        later = [final(uscc(n), 4, T0 + timedelta(days=9), district="500103") for n in range(4)]
        await svc.deliver(spec, *later)
        frozen = (await svc.client.get(f"/v1/index?period={year}")).json()
        assert frozen == published.json()
        again = await svc.client.post(f"/v1/index/{year}/publication")
        assert again.status_code == 409
        assert (await svc.client.get("/v1/index?period=2019")).status_code == 409
        assert (await svc.client.get("/v1/index?period=20x9")).status_code == 422
        district = bearer(Role.DISTRICT, districts=["500103"])
        assert (await svc.client.post(f"/v1/index/{year}/publication", headers=district)).status_code == 403
        sens = (await svc.client.get("/v1/index/sensitivity", headers=district)).json()
        assert len(sens["rows"]) == 41 and all(r["highest_rank"] <= r["rank"] <= r["lowest_rank"] for r in sens["rows"])


async def test_an_indicator_drills_down_to_its_enterprises(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        events: list[Event] = [registered(uscc(n), "500103", "C3670") for n in range(4)]
        events += [final(uscc(n), n, T0) for n in range(3)]  # levels 0, 1, 2; the fourth not assessed
        await svc.deliver(spec, *events)
        path = "/v1/index/units/500103/indicators/level_2_share/enterprises"
        answer = (await svc.client.get(path)).json()
        assert (answer["base"], answer["total"]) == ("assessed", 3)
        first = answer["items"][0]
        assert (first["uscc"], first["level"], first["counted"]) == (uscc(2), 2, True)
        assert sum(m["counted"] for m in answer["items"]) == 1
        district = bearer(Role.DISTRICT, districts=["500104"])
        assert (await svc.client.get(path, headers=district)).status_code == 403
        assert (await svc.client.get("/v1/index/units/500103/indicators/nonsense/enterprises")).status_code == 422
