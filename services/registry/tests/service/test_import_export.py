"""Bulk import of the pilot list (XLSX/CSV) and export, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
from sqlalchemy import func, select

from contracts import codes
from contracts.api.identity import Role
from registry.main import spec
from registry.models import Enterprise, tables
from servicekit.migrations import upgrade_async
from testkit.data import random_uscc
from testkit.databases import DbFactory, MigratedDbFactory
from testkit.services import service_under_test
from testkit.tokens import bearer

HEADER = [
    "企业名称",
    "统一社会信用代码",
    "2023年度主营业务收入（万元）",
    "是否专精特新“小巨人”企业或专精特新中小企业",
    "区县",
    "行业代码",
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def pilot_rows(n: int) -> list[list[Any]]:
    rng = random.Random(4754)
    districts = list(codes.districts())
    seen: set[str] = set()
    rows: list[list[Any]] = []
    while len(rows) < n:
        uscc = random_uscc(rng)
        if uscc in seen:
            continue
        seen.add(uscc)
        rows.append(
            [
                f"重庆企业{len(rows):05d}有限公司",
                uscc,
                round(rng.uniform(100, 90_000), 2),
                rng.choice(["否", "专精特新", "小巨人", ""]),
                rng.choice(districts),
                "C" + str(rng.randint(13, 43)),
            ]
        )
    return rows


def xlsx(rows: list[list[Any]]) -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


async def test_10000_rows_with_3_broken_store_9997_and_reimport_changes_nothing(
    migrated_db: MigratedDbFactory, db_kind: str
) -> None:
    rows = pilot_rows(10_000)
    rows[100][1] = rows[100][1][:-1] + ("0" if rows[100][1][-1] != "0" else "1")  # wrong check character
    rows[5000][4] = "北京市"  # unknown district
    rows[9000][1] = rows[7][1]  # duplicate of an earlier row
    body = xlsx(rows)
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as registry:
        r = await registry.client.post(
            "/v1/enterprises/imports",
            content=body,
            params={"filename": "试点名单.xlsx"},
            headers={"content-type": XLSX},
        )
        assert r.status_code == 200, r.text
        report = r.json()
        assert (report["rows"], report["stored"], report["already_registered"], report["rejected"]) == (
            10_000,
            9_997,
            0,
            3,
        )
        assert [(e["row"], e["field"]) for e in report["errors"]] == [
            (102, "uscc"),
            (5002, "district_code"),
            (9002, "uscc"),
        ]
        assert "check character" in report["errors"][0]["reason"]
        assert report["errors"][2]["reason"] == "duplicate of row 9 in this file"
        assert await registry.count(Enterprise) == 9_997
        assert await registry.count(tables.outbox) == 9_997  # one event per stored row
        errors_csv = await registry.client.get(report["errors_url"])
        lines = list(csv.reader(io.StringIO(errors_csv.text.lstrip("\ufeff"))))
        assert [line[0] for line in lines[1:]] == ["102", "5002", "9002"]

        again = (
            await registry.client.post("/v1/enterprises/imports", content=body, headers={"content-type": XLSX})
        ).json()
        assert (again["stored"], again["already_registered"], again["rejected"]) == (0, 9_997, 3)
        assert await registry.count(Enterprise) == 9_997
        assert await registry.count(tables.outbox) == 9_997
        one = (await registry.client.get(f"/v1/enterprises/{rows[0][1]}")).json()
        assert one["revenue_year"] == 2023
        history = (await registry.client.get(f"/v1/enterprises/{rows[0][1]}/versions")).json()
        assert [(v["version"], v["action"]) for v in history] == [(1, "import")]


async def test_district_authority_imports_only_its_unit_and_exports(migrated_db: MigratedDbFactory) -> None:
    rows = pilot_rows(6)
    for row, d in zip(rows, ["500103", "500103", "500104", "500103", "500104", "500103"], strict=True):
        row[4] = d
    district = bearer(Role.DISTRICT, districts=["500103"])
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as registry:
        r = await registry.client.post(
            "/v1/enterprises/imports", content=xlsx(rows), headers={**district, "content-type": XLSX}
        )
        report = r.json()
        assert (report["stored"], report["rejected"]) == (4, 2)
        assert {e["reason"] for e in report["errors"]} == {"district unit 500104 is outside your scope"}
        other = bearer(Role.DISTRICT, districts=["500104"], sub="cl_other_district")
        assert (
            await registry.client.get(f"/v1/enterprises/imports/{report['import_id']}", headers=other)
        ).status_code == 404
        exported = await registry.client.get("/v1/enterprises/export", params={"format": "csv"}, headers=district)
        table = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
        assert table[0][:2] == ["企业名称", "统一社会信用代码"]
        assert sorted(row[1] for row in table[1:]) == sorted(r[1] for r in rows if r[4] == "500103")
        xl = await registry.client.get("/v1/enterprises/export", params={"format": "xlsx", "district_code": "500103"})
        sheet = openpyxl.load_workbook(io.BytesIO(xl.content), read_only=True).worksheets[0]
        assert sum(1 for _ in sheet.iter_rows()) == 1 + 4
        bad = await registry.client.post("/v1/enterprises/imports", content=b"just,some\ntext,here\n")
        assert bad.status_code == 422
        assert "no column for uscc" in bad.json()["message"]


async def test_cli_import_with_progress_and_an_errors_file(make_db: DbFactory, tmp_path: Path) -> None:
    url = await make_db("sqlite")
    await upgrade_async(spec.migrations_dir, url)
    rows = pilot_rows(2500)
    rows[10][4] = "火星"
    path = tmp_path / "名单.xlsx"
    path.write_bytes(xlsx(rows))
    env = {**os.environ, "SHUZHUAN_REGISTRY_DATABASE_URL": url, "SHUZHUAN_REGISTRY_LOG_JSON": "false"}
    r = subprocess.run(
        [sys.executable, "-m", "registry", "import", str(path)], env=env, capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 1, r.stderr  # some rows were rejected
    assert "validated: 2,500 rows" in r.stderr
    assert "stored: 2,499/2,499 rows" in r.stderr
    assert "2,500 rows, 2,499 stored, 0 already registered, 1 rejected" in r.stdout
    errors = (tmp_path / "名单-errors.csv").read_text(encoding="utf-8-sig").splitlines()
    assert errors[1].startswith("12,")
    from servicekit.db import make_engine

    engine = make_engine(url)
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(Enterprise)) == 2499
    await engine.dispose()
    missing = subprocess.run(
        [sys.executable, "-m", "registry", "import", str(tmp_path / "nope.csv")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 2
    assert "nope.csv" in missing.stderr
