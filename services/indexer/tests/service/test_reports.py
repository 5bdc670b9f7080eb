"""The reports: the implementation plan's main data table as CSV and XLSX (the same numbers), and a unit's
printable annual report; a district authority gets its own unit's."""

from __future__ import annotations

import csv
import io

import openpyxl

from contracts.api.identity import Role
from contracts.api.matching import DemandSource
from contracts.events.catalog import DemandPosted
from indexer.main import spec
from testkit.databases import MigratedDbFactory
from testkit.indexer import T0, A, B, C, stream
from testkit.services import service_under_test
from testkit.tokens import bearer

DISTRICT = bearer(Role.DISTRICT, districts=["500103"])


async def test_the_main_data_table_as_csv_and_xlsx(migrated_db: MigratedDbFactory, db_kind: str) -> None:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        await svc.deliver(spec, *stream())
        answer = await svc.client.get("/v1/reports/pilot-table.csv")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
        assert rows[0] == ["项目", "合计", "SUB-C367"]
        by = {r[0]: r[1:] for r in rows[1:]}
        assert by["试点行业规上工业中小企业总数（家）"] == ["2", "2"]
        assert by["试点行业专精特新“小巨人”企业数量（家）"] == ["1", "1"]
        assert by["改造规上工业中小企业数量（家）"] == ["1", "1"]  # B reached 项目实施
        assert by["拟试点区县（试点行业中小企业主要集聚地）"][1] == "500103"
        assert by["试点行业工业总产值（亿元）"][0] == "（暂无数据来源）"
        xlsx = await svc.client.get("/v1/reports/pilot-table.xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
        assert sheet is not None
        cells = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
        assert [str(c) for c in cells[4]] == rows[4]
        mine = await svc.client.get("/v1/reports/pilot-table.csv?district_code=500104", headers=DISTRICT)
        assert mine.status_code == 403
        assert (await svc.client.get("/v1/reports/pilot-table.pdf")).status_code == 422


async def test_a_units_annual_report(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await svc.deliver(spec, *stream())
        page = await svc.client.get("/v1/reports/units/500103/annual?year=2026", headers=DISTRICT)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "渝中区" in page.text and "2026年度" in page.text
        assert "不参与排名" in page.text and "专精特新“小巨人”" in page.text  # 2 enterprises: unranked
        assert "<td>登记企业</td><td>2</td>" in page.text
        other = await svc.client.get("/v1/reports/units/500104/annual", headers=DISTRICT)
        assert other.status_code == 403
        assert (await svc.client.get("/v1/reports/units/999999/annual")).status_code == 422


async def test_the_support_list_sorts_enterprises_into_the_three_batches(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        demand = DemandPosted(
            demand_id="dm_1", uscc=C, district_code="500105", sub_industry=None, industry_code="C1310",
            source=DemandSource.POSTED, assessment_id=None, scenes=["energy"], items=[], budget_fen=None,
            posted_at=T0,
        )  # fmt: skip
        await svc.deliver(spec, *stream(), demand)
        answer = await svc.client.get("/v1/reports/support-list.csv")
        assert answer.status_code == 200
        rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
        batch = {r[0]: (r[3], r[6]) for r in rows[1:]}
        assert batch == {A: ("—", "储备一批"), B: ("已立项", "实施一批"), C: ("有需求", "培育一批")}
        mine = await svc.client.get("/v1/reports/support-list.xlsx", headers=DISTRICT)
        sheet = openpyxl.load_workbook(io.BytesIO(mine.content)).active
        assert sheet is not None
        assert sorted(r[0] for r in sheet.iter_rows(min_row=2, values_only=True)) == sorted([A, B])  # its unit only
