"""Spreadsheets (CSV and XLSX) that a spreadsheet program opens safely, for every service that exports.

A cell that a spreadsheet would run (text starting with =, +, -, @, a tab or a carriage return: OWASP's
CSV-injection rule) is written as text: in CSV behind a leading apostrophe, in XLSX as a string cell
(never a formula). Characters XML cannot hold are removed, so one odd name never breaks a whole export.
Pure: no database.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def safe_text(value: object) -> object:
    """A text cell as it may be written anywhere: XML-illegal characters removed; other values as given."""
    if isinstance(value, str):
        return _NOT_IN_XML.sub("", value)
    return value


def csv_cell(value: object) -> object:
    """A CSV cell a spreadsheet will not run: formula-like text behind an apostrophe."""
    value = safe_text(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_line(values: Sequence[object]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([csv_cell(v) for v in values])
    return out.getvalue()


def csv_document(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A whole CSV file (UTF-8 with BOM, so Excel reads Chinese)."""
    return "\ufeff" + csv_line(header) + "".join(csv_line(r) for r in rows)


class XlsxWriter:
    """A one-sheet workbook, written row by row; every text cell is a string cell, never a formula."""

    def __init__(self, title: str, header: Sequence[str]) -> None:
        import openpyxl

        self.workbook = openpyxl.Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(title)
        self.append(header)

    def append(self, values: Sequence[object]) -> None:
        from openpyxl.cell import WriteOnlyCell

        cells = []
        for value in values:
            cell = WriteOnlyCell(self.sheet, value=safe_text(value))
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would make "=…" a formula
            cells.append(cell)
        self.sheet.append(cells)

    def bytes(self) -> bytes:
        buf = io.BytesIO()
        self.workbook.save(buf)
        return buf.getvalue()
