"""A bank's repayment file (CSV, UTF-8, a header row): rows read and checked one by one. Pure: no I/O."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from pydantic import ValidationError

from contracts.api.loans import RepaymentIn

COLUMNS = ("loan_id", "bank_ref", "period_start", "period_end", "paid_on", "principal_fen", "interest_fen")
MAX_ROWS = 100_000


@dataclass
class RepaymentFile:
    by_loan: dict[str, list[RepaymentIn]] = field(default_factory=dict)
    errors: list[dict[str, object]] = field(default_factory=list)  # row (as a spreadsheet numbers it), field, message


def read_repayment_file(data: bytes) -> RepaymentFile:
    """Every good row grouped by loan; every bad row with its row number, field and reason."""
    out = RepaymentFile()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        out.errors.append({"row": 0, "field": "file", "message": "the file is not UTF-8 text"})
        return out
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        out.errors.append({"row": 1, "field": "header", "message": f"missing columns: {', '.join(missing)}"})
        return out
    try:
        for number, row in enumerate(reader, start=2):
            if number - 1 > MAX_ROWS:
                out.errors.append({"row": number, "field": "file", "message": f"more than {MAX_ROWS} rows: split it"})
                break
            loan_id = (row.get("loan_id") or "").strip()
            if not loan_id:
                out.errors.append({"row": number, "field": "loan_id", "message": "required"})
                continue
            try:
                item = RepaymentIn.model_validate({c: (row.get(c) or "").strip() for c in COLUMNS[1:]})
            except ValidationError as e:
                first = e.errors()[0]
                where = ".".join(str(p) for p in first["loc"]) or "row"
                out.errors.append({"row": number, "field": where, "message": first["msg"]})
                continue
            out.by_loan.setdefault(loan_id, []).append(item)
    except csv.Error as e:
        out.errors.append({"row": reader.line_num, "field": "file", "message": f"not readable as CSV: {e}"})
    return out
