"""Hostile uploads: spreadsheet bombs and over-long lists, built in memory for the import-limit tests."""

from __future__ import annotations

import io
import random
import zipfile

import openpyxl

SHEET = "xl/worksheets/sheet1.xml"


def _workbook_with_sheet(sheet_xml: bytes, level: int = 9) -> bytes:
    """A valid XLSX (written by openpyxl) whose first sheet is replaced by `sheet_xml`."""
    wb = openpyxl.Workbook()
    wb.active.append(["统一社会信用代码", "企业名称"])
    plain = io.BytesIO()
    wb.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = sheet_xml if item.filename == SHEET else src.read(item.filename)
            dst.writestr(item.filename, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=level)
    return out.getvalue()


def _sheet(rows: bytes) -> bytes:
    head = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    return head + rows + b"</sheetData></worksheet>"


def cell_bomb(cells: int = 4_000_000) -> bytes:
    """One row of `cells` cells: about 100 KB packed, hundreds of MB once a parser holds the row."""
    row = b'<row r="1">' + b"<c><v>1</v></c>" * cells + b"</row>"
    return _workbook_with_sheet(_sheet(row))


def blank_row_bomb(rows: int = 5_000_000) -> bytes:
    """A header, then `rows` empty rows (about 45 KB packed): blank rows are skipped, so no row limit
    would stop them."""
    header = b'<row><c t="inlineStr"><is><t>uscc</t></is></c><c t="inlineStr"><is><t>name</t></is></c></row>'
    return _workbook_with_sheet(_sheet(header + b"<row/>" * rows))


def dense_row(cells: int = 3_000_000, seed: int = 7) -> bytes:
    """One row of `cells` random 9-digit numbers: packs only ~4×, so it passes the ZIP checks and must be
    stopped by the reader's memory cap."""
    digits = random.Random(seed).randbytes(cells * 9 // 2 + 1).hex().translate(bytes.maketrans(b"abcdef", b"123456"))
    raw = digits.encode()
    row = b"".join(b"<c><v>" + raw[i : i + 9] + b"</v></c>" for i in range(0, cells * 9, 9))
    return _workbook_with_sheet(_sheet(b"<row>" + row + b"</row>"), level=1)


def long_csv(rows: int = 1_000_000) -> bytes:
    """A header and `rows` well-formed lines (about 45 bytes each)."""
    lines = [b"uscc,name"] + [b"91500000%010d,enterprise %d" % (n, n) for n in range(rows)]
    return b"\n".join(lines) + b"\n"
