"""A bank's repayment file (CSV in UTF-8, or an XLSX workbook's first sheet; a header row): rows read and
checked one by one. The CSV is read here; a workbook is read into text rows in a child process first
(servicekit.isolation), then checked by the same code."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError

from contracts.api.loans import RepaymentIn
from servicekit.errors import InvalidInput, LimitExceeded
from servicekit.isolation import XLSX_MAGIC, FileRefused, FileTooBig, read_xlsx_rows

COLUMNS = ("loan_id", "bank_ref", "period_start", "period_end", "paid_on", "principal_fen", "interest_fen")
MAX_ROWS = 100_000


@dataclass
class RepaymentFile:
    by_loan: dict[str, list[RepaymentIn]] = field(default_factory=dict)
    errors: list[dict[str, object]] = field(default_factory=list)  # row (as a spreadsheet numbers it), field, message


def _refused(row: int, where: str, message: str) -> RepaymentFile:
    return RepaymentFile(errors=[{"row": row, "field": where, "message": message}])


async def read_repayment_upload(data: bytes, *, memory_mb: int, seconds: float) -> RepaymentFile:
    """A CSV or (detected by its content) an XLSX workbook: every good row grouped by loan, every bad row with
    its row number, field and reason. A workbook that cannot be read at all is 422 (field `file`), one beyond
    the memory or time limit, or a spreadsheet bomb, 413."""
    if not data.startswith(XLSX_MAGIC):
        return read_repayment_file(data)
    try:
        rows = await read_xlsx_rows(data, memory_mb=memory_mb, seconds=seconds, max_rows=MAX_ROWS)
    except FileRefused as e:
        raise InvalidInput(str(e), field="file") from e
    except FileTooBig as e:
        raise LimitExceeded(str(e)) from e
    return read_repayment_rows(rows)


def read_repayment_file(data: bytes) -> RepaymentFile:
    """A CSV file (UTF-8, a BOM allowed)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _refused(0, "file", "the file is not UTF-8 text")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return read_repayment_rows(reader)
    except csv.Error as e:
        return _refused(reader.line_num, "file", f"not readable as CSV: {e}")


def read_repayment_rows(rows: Iterable[Sequence[str]]) -> RepaymentFile:
    """Rows of text cells, the first one the header (columns in any order, extra ones ignored)."""
    out = RepaymentFile()
    lines = iter(rows)
    header = [h.strip() for h in next(lines, [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        out.errors.append({"row": 1, "field": "header", "message": f"missing columns: {', '.join(missing)}"})
        return out
    where = {c: header.index(c) for c in COLUMNS}
    for number, cells in enumerate(lines, start=2):
        if number - 1 > MAX_ROWS:
            out.errors.append({"row": number, "field": "file", "message": f"more than {MAX_ROWS} rows: split it"})
            break
        if not any(c.strip() for c in cells):
            continue  # a blank line
        value = {c: (cells[i] if i < len(cells) else "").strip() for c, i in where.items()}
        if not value["loan_id"]:
            out.errors.append({"row": number, "field": "loan_id", "message": "required"})
            continue
        try:
            item = RepaymentIn.model_validate({c: value[c] for c in COLUMNS[1:]})
        except ValidationError as e:
            first = e.errors()[0]
            field_name = ".".join(str(p) for p in first["loc"]) or "row"
            out.errors.append({"row": number, "field": field_name, "message": first["msg"]})
            continue
        out.by_loan.setdefault(value["loan_id"], []).append(item)
    return out
