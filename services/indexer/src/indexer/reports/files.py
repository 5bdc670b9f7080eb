"""The reports as files: the main data table as CSV and XLSX (safe cells: nothing a spreadsheet would run)."""

from __future__ import annotations

from collections.abc import Sequence

from servicekit.spreadsheets import XlsxWriter, csv_document


def table_csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    return csv_document(header, rows).encode("utf-8")


def table_xlsx(header: Sequence[str], rows: Sequence[Sequence[object]], title: str = "实施方案主要数据表") -> bytes:
    writer = XlsxWriter(title, header)
    for row in rows:
        writer.append(row)
    return writer.bytes()
