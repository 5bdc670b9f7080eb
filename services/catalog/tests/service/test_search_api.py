"""Search over HTTP: a two-character Chinese keyword inside a description, filters, cursors (SQLite and
PostgreSQL)."""

from __future__ import annotations

from catalog.main import spec
from testkit.catalog import ENTERPRISE, listed, provider, solution, tell
from testkit.databases import MigratedDbFactory
from testkit.services import service_under_test


async def test_a_two_character_keyword_inside_a_description_finds_the_solution(
    migrated_db: MigratedDbFactory, db_kind: str
) -> None:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        await tell(svc, *provider())
        wanted = await listed(svc, solution("云端MES", description="为中小企业提供排产、报工与质量追溯的轻量化系统。"))
        await listed(svc, solution("设备云管家"))
        found = (await svc.client.get("/v1/solutions", params={"q": "报工"}, headers=ENTERPRISE)).json()["items"]
        assert [s["solution_id"] for s in found] == [wanted]
        both = (await svc.client.get("/v1/solutions", params={"q": "mes 追溯"})).json()["items"]
        assert [s["solution_id"] for s in both] == [wanted]
        scattered = (await svc.client.get("/v1/solutions", params={"q": "报溯"})).json()["items"]
        assert scattered == []
        one = await svc.client.get("/v1/solutions", params={"q": "报"})
        assert one.status_code == 422 and one.json()["errors"][0]["field"] == "q"


async def test_filters_and_cursors(migrated_db: MigratedDbFactory, db_kind: str) -> None:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        await tell(svc, *provider())
        cheap = await listed(
            svc, solution("轻量能耗", {"energy": 2}, price_tiers=[{"name": "基础", "price_fen": 500_000}])
        )
        food = await listed(svc, solution("食品追溯", {"quality": 3}, industries=["C13"], delivery=["on_premises"]))
        sub = await listed(svc, solution("零部件质量", {"quality": 3}, industries=["SUB-C367"], discount_pct="40"))
        get = svc.client.get
        assert [s["solution_id"] for s in (await get("/v1/solutions?scene=energy")).json()["items"]] == [cheap]
        c3670 = {s["solution_id"] for s in (await get("/v1/solutions?industry=C3670")).json()["items"]}
        assert c3670 == {cheap, sub}
        assert [s["solution_id"] for s in (await get("/v1/solutions?delivery=on_premises")).json()["items"]] == [food]
        assert [s["solution_id"] for s in (await get("/v1/solutions?max_price_fen=400000")).json()["items"]] == [cheap]
        assert [s["solution_id"] for s in (await get("/v1/solutions?min_discount_pct=30")).json()["items"]] == [sub]
        seen, cursor = [], None
        while True:
            page = (await get("/v1/solutions", params={"limit": 1, **({"cursor": cursor} if cursor else {})})).json()
            seen += [s["solution_id"] for s in page["items"]]
            if not (cursor := page["next_cursor"]):
                break
        assert seen == sorted([cheap, food, sub])
        assert (await get("/v1/solutions?industry=A01")).status_code == 422
        assert (await get("/v1/solutions?cursor=nonsense")).status_code == 422
