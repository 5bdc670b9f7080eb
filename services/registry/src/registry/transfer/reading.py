"""Reading enterprise lists (CSV or XLSX, the pilot implementation plan's format) into validated rows.

Pure: no database. Headers may be Chinese (as in the pilot list) or English; see HEADERS.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from contracts import codes
from contracts.api.registry import EnterpriseCreate
from servicekit.isolation import XLSX_MAGIC

MAX_ROWS = 200_000  # records (non-blank rows) per file
MAX_BLANK_ROWS = 10_000  # blank rows are skipped, but a file of millions of them is not a list
MAX_COLUMNS = 100  # cells per row, header included
MAX_CELL_CHARS = 10_000  # characters in one CSV field

# Column → field. Matching ignores spaces, quotes and brackets; the first header that matches wins.
HEADERS: dict[str, tuple[str, ...]] = {
    "uscc": ("统一社会信用代码", "企业信用代码", "信用代码", "uscc"),
    "name": ("企业名称", "name"),
    "district_code": ("区县", "所属区县", "区县代码", "district_code", "district"),
    "industry_code": ("行业代码", "国民经济行业代码", "industry_code"),
    "employees": ("从业人员", "从业人数", "employees"),
    "tier": ("是否专精特新小巨人企业或专精特新中小企业", "是否专精特新小巨人专精特新中小企业", "专精特新", "tier"),
    "cluster": ("所属集群", "集群", "cluster"),
}
REVENUE = re.compile(r"^(?:(\d{4})年度?)?主营业务收入(?:[（(](万元|元)[)）])?$|^revenue_yuan$")
TIER_WORDS = {
    "小巨人": "little_giant",
    "专精特新小巨人": "little_giant",
    "国家级专精特新小巨人": "little_giant",
    "little_giant": "little_giant",
    "专精特新": "specialised",
    "专精特新中小企业": "specialised",
    "specialised": "specialised",
    "创新型": "innovative",
    "创新型中小企业": "innovative",
    "科技和创新型中小企业": "innovative",
    "innovative": "innovative",
    "否": "",
    "无": "",
    "": "",
}
TIER_BODY = {
    "little_giant": "工业和信息化部",
    "specialised": "重庆市经济和信息化委员会",
    "innovative": "重庆市经济和信息化委员会",
}


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not CSV/XLSX, no header, a required column missing)."""


class ImportLimitError(ImportFileError):
    """The file exceeds one of the import limits (rows, blank rows, columns, cell size, memory, time): 413."""


@dataclass
class RowError:
    row: int  # as a spreadsheet shows it: the header is row 1
    uscc: str
    field: str
    reason: str


@dataclass
class ParsedList:
    good: list[tuple[int, EnterpriseCreate]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0


def _norm(header: Any) -> str:
    return re.sub(r"[\s\"“”'‘’「」]", "", str(header or "")).replace("（", "(").replace("）", ")").lower()


def _rows_csv(data: bytes) -> Iterator[list[str]]:
    text = data.decode("utf-8-sig") if not data.startswith(b"\xff\xfe") else data.decode("utf-16")
    return _csv_rows(text)  # decoded eagerly: an encoding error is the file's, at once


def _csv_rows(text: str) -> Iterator[list[str]]:
    csv.field_size_limit(MAX_CELL_CHARS)
    reader = csv.reader(io.StringIO(text))
    try:
        yield from reader
    except csv.Error as e:
        if "field larger than field limit" in str(e):
            raise ImportLimitError(f"a cell on line {reader.line_num} has more than {MAX_CELL_CHARS} characters") from e
        raise ImportFileError(f"line {reader.line_num} is not valid CSV: {e}") from e


def _rows_xlsx(data: bytes) -> Iterator[list[Any]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except MemoryError:
        raise
    except Exception as e:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(f"not a readable XLSX workbook: {e}") from e
    try:
        for row in wb.worksheets[0].iter_rows(values_only=True):
            yield _trimmed(row)
    finally:
        wb.close()


def _trimmed(row: tuple[Any, ...]) -> list[Any]:
    """Without the trailing empty cells a formatted column leaves in every row."""
    end = len(row)
    while end and row[end - 1] in (None, ""):
        end -= 1
    return list(row[:end])


def read_rows(data: bytes) -> Iterator[list[Any]]:
    """Rows of the first sheet (XLSX, detected by content) or of a UTF-8 CSV."""
    if data.startswith(XLSX_MAGIC):
        return _rows_xlsx(data)
    try:
        return _rows_csv(data)
    except UnicodeDecodeError as e:
        raise ImportFileError("CSV must be UTF-8 (save as 'CSV UTF-8' in Excel)") from e


def _columns(header: list[Any]) -> tuple[dict[str, int], tuple[int, Decimal, int | None] | None]:
    wanted = {f: {_norm(n) for n in names} for f, names in HEADERS.items()}
    cols: dict[str, int] = {}
    revenue = None
    for i, h in enumerate(header):
        n = _norm(h)
        for f, names in wanted.items():
            if n in names and f not in cols:
                cols[f] = i
        m = REVENUE.match(n)
        if m and revenue is None:
            scale = Decimal(1) if m.group(2) == "元" or n == "revenue_yuan" else Decimal(10_000)  # templates use 万元
            revenue = (i, scale, int(m.group(1)) if m.group(1) else None)
    for required in ("uscc", "name"):
        if required not in cols:
            raise ImportFileError(f"no column for {required}: expected one of {', '.join(HEADERS[required])}")
    return cols, revenue


def _cell(row: list[Any], i: int | None) -> str:
    if i is None or i >= len(row) or row[i] is None:
        return ""
    v = row[i]
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


_DISTRICT_BY_NAME = {d.name: d.code for d in codes.districts().values()}
_CLUSTER_BY_NAME = {c.name: c.code for c in codes.clusters().values()}


def _record(row: list[Any], cols: dict[str, int], revenue: Any, defaults: dict[str, str]) -> dict[str, Any]:
    rec: dict[str, Any] = {"uscc": _cell(row, cols["uscc"]), "name": _cell(row, cols["name"])}
    district = _cell(row, cols.get("district_code")) or defaults.get("district_code", "")
    rec["district_code"] = _DISTRICT_BY_NAME.get(district, district)
    rec["industry_code"] = _cell(row, cols.get("industry_code")) or defaults.get("industry_code", "")
    if employees := _cell(row, cols.get("employees")):
        rec["employees"] = employees
    if revenue is not None and (raw := _cell(row, revenue[0]).replace(",", "")):
        try:
            rec["revenue_yuan"] = (Decimal(raw) * revenue[1]).quantize(Decimal("0.01"))
        except InvalidOperation:
            rec["revenue_yuan"] = raw  # the model names it
        if revenue[2]:
            rec["revenue_year"] = revenue[2]
    if cluster := _cell(row, cols.get("cluster")):
        rec["cluster"] = _CLUSTER_BY_NAME.get(cluster, cluster)
    tier_word = _norm(_cell(row, cols.get("tier")))
    if tier_word not in TIER_WORDS:
        raise ValueError(f"tier: {tier_word!r} is not one of 小巨人, 专精特新, 创新型, 否")
    if tier := TIER_WORDS[tier_word]:
        rec["tiers"] = [{"tier": tier, "issuing_body": TIER_BODY[tier]}]
    return rec


def parse_list(
    data: bytes, defaults: dict[str, str] | None = None, progress: Callable[[int], None] | None = None
) -> ParsedList:
    """Validate every row; a USCC seen earlier in the same file is an error on the later row."""
    rows = read_rows(data)
    header = next(rows, None)
    if header is None:
        raise ImportFileError("the file is empty")
    if len(header) > MAX_COLUMNS:
        raise ImportLimitError(f"the header has {len(header)} columns; at most {MAX_COLUMNS} are read")
    cols, revenue = _columns(header)
    out = ParsedList()
    seen: dict[str, int] = {}
    blank = 0
    for number, row in enumerate(rows, start=2):
        if len(row) > MAX_COLUMNS:
            raise ImportLimitError(f"row {number} has {len(row)} columns; at most {MAX_COLUMNS} are read")
        if not any(c not in (None, "") for c in row):
            blank += 1  # blank lines are not records
            if blank > MAX_BLANK_ROWS:
                raise ImportLimitError(f"more than {MAX_BLANK_ROWS} blank rows: remove them and import again")
            continue
        out.rows += 1
        if out.rows > MAX_ROWS:
            raise ImportLimitError(f"more than {MAX_ROWS} rows: split the file")
        if progress and out.rows % 1000 == 0:
            progress(out.rows)
        try:
            rec = _record(row, cols, revenue, defaults or {})
            cmd = EnterpriseCreate.model_validate(rec)
        except ValidationError as e:
            first = e.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "row"
            out.errors.append(RowError(number, _cell(row, cols["uscc"]), where, str(first["msg"])))
            continue
        except ValueError as e:
            out.errors.append(RowError(number, _cell(row, cols["uscc"]), "tier", str(e).removeprefix("tier: ")))
            continue
        if cmd.uscc in seen:
            out.errors.append(RowError(number, cmd.uscc, "uscc", f"duplicate of row {seen[cmd.uscc]} in this file"))
            continue
        seen[cmd.uscc] = number
        out.good.append((number, cmd))
    if progress:
        progress(out.rows)
    return out
