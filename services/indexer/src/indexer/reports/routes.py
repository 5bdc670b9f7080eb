"""Routes of the reports: files to download and a printable page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import HTMLResponse, Response

from contracts.api.identity import Role, TokenClaims
from indexer.reports import service
from servicekit.auth import allow
from servicekit.deps import Uow
from servicekit.http import error_responses
from servicekit.sqlite import reads_on_thread

# Reads over every enterprise: on the database connection's thread, so the loop keeps serving meanwhile.
router = APIRouter(prefix="/v1/reports", tags=["reports"], dependencies=[Depends(reads_on_thread)])
ERRORS = error_responses(401, 403, 422)
Officials = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT))]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/pilot-table.{kind}",
    responses={**ERRORS, 200: {"content": {"text/csv": {}, XLSX: {}}, "description": "the table as a file"}},
)
async def pilot_table(
    uow: Uow,
    actor: Officials,
    kind: Annotated[str, Path(pattern="^(csv|xlsx)$")],
    district_code: str | None = Query(None, min_length=6, max_length=8),
) -> Response:
    """The implementation plan's main data table (实施方案主要数据表): total and per pilot sub-industry, as CSV
    (UTF-8 with BOM) or XLSX; a district authority gets its own unit's."""
    async with uow:
        body = await service.pilot_table(uow, actor, district_code, kind)
    media = XLSX if kind == "xlsx" else "text/csv; charset=utf-8"
    disposition = f'attachment; filename="pilot-table.{kind}"'
    return Response(content=body, media_type=media, headers={"Content-Disposition": disposition})


@router.get(
    "/support-list.{kind}",
    responses={**ERRORS, 200: {"content": {"text/csv": {}, XLSX: {}}, "description": "the list as a file"}},
)
async def support_list(
    uow: Uow,
    actor: Officials,
    kind: Annotated[str, Path(pattern="^(csv|xlsx)$")],
    district_code: str | None = Query(None, min_length=6, max_length=8),
) -> Response:
    """The support list: each registered enterprise with its willingness (a demand, a filed project), its base
    (digital level), its capability (规上, 专精特新, size), and the batch it falls in — 实施一批, 培育一批, 储备一批.
    A district authority gets its own unit's."""
    async with uow:
        body = await service.support_list(uow, actor, district_code, kind)
    media = XLSX if kind == "xlsx" else "text/csv; charset=utf-8"
    return Response(
        content=body, media_type=media, headers={"Content-Disposition": f'attachment; filename="support-list.{kind}"'}
    )


@router.get(
    "/units/{district_code}/annual",
    response_class=HTMLResponse,
    responses={**ERRORS, 200: {"content": {"text/html": {}}, "description": "printable HTML"}},
)
async def annual_report(
    uow: Uow,
    actor: Officials,
    district_code: Annotated[str, Path(min_length=6, max_length=8)],
    year: int | None = Query(None, ge=2024, le=2030),
) -> HTMLResponse:
    """A unit's annual evaluation report, printable: its figures, its index, the city's targets, the pilot rule."""
    async with uow:
        return HTMLResponse(await service.annual_report(uow, actor, district_code, year))
