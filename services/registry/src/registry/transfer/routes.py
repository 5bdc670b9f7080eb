"""Bulk import (CSV/XLSX in the pilot list's format) and export (CSV/XLSX) of enterprises."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.exc import IntegrityError

from contracts.api.identity import Role, TokenClaims
from contracts.api.registry import ImportReport
from registry.enterprises.dependencies import Filter
from registry.transfer import service
from registry.transfer.isolation import ImportReaders
from registry.transfer.reading import ImportFileError, ImportLimitError
from servicekit.auth import allow
from servicekit.deps import BulkUow, Uow
from servicekit.errors import Conflict, InvalidInput, LimitExceeded
from servicekit.http import error_responses
from servicekit.spreadsheets import XlsxWriter, csv_document, csv_line
from servicekit.sqlite import reads_on_thread

# Reads over every enterprise: on the database connection's thread, so the loop keeps serving meanwhile.
router = APIRouter(prefix="/v1/enterprises", tags=["import and export"], dependencies=[Depends(reads_on_thread)])
ERRORS = error_responses(401, 403, 404, 413, 422)
Importers = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT))]


@router.post("/imports", response_model=ImportReport, responses=error_responses(401, 403, 404, 409, 413, 422, 503))
async def import_enterprises(
    request: Request,
    uow: BulkUow,
    actor: Importers,
    filename: str = Query("upload", max_length=200),
    district_code: str | None = Query(None, description="for rows without a district column"),
    industry_code: str | None = Query(None, description="for rows without an industry column"),
) -> ImportReport:
    """Send the file as the request body (CSV UTF-8 or XLSX). Good rows are stored in one transaction;
    every bad row is reported with its row number, field and reason; known USCCs are left unchanged.
    A file beyond a limit (200,000 rows, 10,000 blank rows, 100 columns, 10,000 characters per cell,
    a workbook unpacking over 256 MB or over 100× its size, the memory or time allowed for reading)
    is refused whole with 413 naming the limit. If another request registers some of the same new enterprises
    while this list is stored (PostgreSQL), the list is refused whole with 409 `conflict`: send it again."""
    data = await request.body()
    defaults = {k: v for k, v in {"district_code": district_code, "industry_code": industry_code}.items() if v}
    readers: ImportReaders = request.app.state.import_readers
    try:
        parsed = await readers.read(data, defaults)
    except ImportLimitError as e:
        raise LimitExceeded(str(e), field="body") from e
    except ImportFileError as e:
        raise InvalidInput(str(e), field="body") from e
    try:
        async with uow:
            report, _ = await service.import_list(uow, actor, parsed, filename)
            await uow.commit()
    except IntegrityError as e:  # PostgreSQL: another request registered some of these meanwhile
        raise Conflict(
            "another request registered some of these enterprises while this list was stored; nothing of this list"
            " was stored: send it again (those will then be counted as already registered)",
            field="body",
        ) from e
    return report


@router.get("/imports/{import_id}", response_model=ImportReport, responses=ERRORS)
async def get_import(import_id: str, uow: Uow, actor: Importers) -> ImportReport:
    async with uow:
        return service.to_report(await service.stored_import(uow, actor, import_id))


@router.get("/imports/{import_id}/errors.csv", responses=ERRORS, response_class=Response)
async def import_errors(import_id: str, uow: Uow, actor: Importers) -> Response:
    """Every rejected row (行号, 统一社会信用代码, 字段, 原因), for fixing and importing again."""
    async with uow:
        stored = await service.stored_import(uow, actor, import_id)
    header = ["行号 row", "统一社会信用代码 uscc", "字段 field", "原因 reason"]
    rows = ([e["row"], e["uscc"], e["field"], e["reason"]] for e in stored.errors)
    return Response(
        csv_document(header, rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{import_id}-errors.csv"'},
    )


EXPORT_COLUMNS = [
    ("企业名称", "name"),
    ("统一社会信用代码", "uscc"),
    ("区县代码", "district_code"),
    ("区县", "district_name"),
    ("行业代码", "industry_code"),
    ("行业门类", "industry_division"),
    ("重点行业", "key_industry_id"),
    ("从业人员", "employees"),
    ("主营业务收入（元）", "revenue_yuan"),
    ("收入年度", "revenue_year"),
    ("规模", "size_class"),
    ("规上", "above_scale"),
    ("专精特新", "current_tier"),
    ("所属集群", "cluster"),
    ("版本", "version"),
]
KEYS = [key for _, key in EXPORT_COLUMNS]


@router.get("/export", responses=ERRORS, response_class=Response)
async def export_enterprises(
    f: Filter,
    uow: Uow,
    format: str = Query("csv", pattern="^(csv|xlsx)$"),
) -> Response:
    """The filtered list as CSV (streamed) or XLSX, with Chinese headers as in the pilot list."""
    header = [h for h, _ in EXPORT_COLUMNS]
    if format == "csv":

        async def lines() -> AsyncIterator[bytes]:
            yield ("\ufeff" + csv_line(header)).encode()
            async for row in service.export_rows(uow, f, KEYS):
                yield csv_line(row).encode()

        return StreamingResponse(
            lines(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="enterprises.csv"'},
        )
    book = XlsxWriter("企业名单", header)
    async for row in service.export_rows(uow, f, KEYS):
        book.append(row)
    return Response(
        book.bytes(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="enterprises.xlsx"'},
    )
