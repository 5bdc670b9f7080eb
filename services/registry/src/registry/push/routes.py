"""Provider push, interface v1 (docs/push-interface-v1.md): batches in, per-record results and the
data-quality score out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Depends, Query, Request

from contracts.api.identity import Role, TokenClaims
from contracts.push import BatchError, BatchSummary, ProviderQuality, PushReport, RecordStatus, parse_batch
from contracts.push.batch import batch_format
from registry.config import RegistrySettings
from registry.push import repository as push_repository
from registry.push import service as push
from registry.push.metrics import count_push
from registry.push.rules import quality
from servicekit.app import get_settings, get_uow
from servicekit.auth import allow
from servicekit.errors import DomainError, Forbidden, NotFound
from servicekit.http import error_responses
from servicekit.uow import UnitOfWork

router = APIRouter(prefix="/v1", tags=["provider push"])
ERRORS = error_responses(400, 401, 403, 404, 409, 413, 415, 422)
WATCHERS = (Role.CITY, Role.OPS)


class BatchRejected(DomainError):
    """The batch as a whole cannot be read; carries the status the interface document gives."""

    def __init__(self, e: BatchError) -> None:
        super().__init__(f"{e} ({e.message_zh})", field="body")
        self.status_code = e.status
        self.code = e.code


@router.post("/push/records", response_model=PushReport, responses=ERRORS)
async def push_records(
    request: Request,
    results: str = Query("all", pattern="^(all|rejected)$", description="all results, or the rejected ones only"),
    uow: UnitOfWork = Depends(get_uow),
    settings: RegistrySettings = Depends(get_settings),
    actor: TokenClaims = Depends(allow(Role.PROVIDER)),
) -> PushReport:
    """Push up to 10,000 records (JSON `{"records": [...]}` or NDJSON, one record per line).

    Each record is applied or rejected on its own; the answer has one result per record, in batch
    order. Pushing the same batch again changes nothing (each record's id and version make it idempotent).
    """
    try:
        parsed = parse_batch(await request.body(), batch_format(request.headers.get("content-type")))
    except BatchError as e:
        raise BatchRejected(e) from e
    async with uow:
        report = await push.accept_batch(uow, actor, parsed, settings.push_timely_days)
        await uow.commit()
    count_push(report)
    if results == "rejected":
        report.results = [r for r in report.results if r.status == RecordStatus.REJECTED]
    return report


def _scope(actor: TokenClaims, provider_id: str | None) -> str | None:
    """The provider whose data the caller may see: a provider its own; the city and ops any (or all)."""
    if actor.role == Role.PROVIDER:
        if provider_id is not None and provider_id != actor.provider_id:
            raise Forbidden("a provider sees only its own pushes and quality")
        return actor.provider_id
    return provider_id


@router.get("/push/batches", response_model=list[BatchSummary], responses=ERRORS)
async def list_batches(
    provider_id: str | None = Query(None, max_length=40),
    limit: int = Query(50, ge=1, le=500),
    uow: UnitOfWork = Depends(get_uow),
    actor: TokenClaims = Depends(allow(Role.PROVIDER, *WATCHERS)),
) -> list[BatchSummary]:
    """Recent batches, newest first: a provider's own; the city's and operators' of any provider."""
    async with uow:
        rows = await push_repository.list_batches(uow.session, _scope(actor, provider_id), limit)
    return [BatchSummary.model_validate(r) for r in rows]


@router.get("/push/batches/{batch_id}", response_model=PushReport, responses=ERRORS)
async def get_batch(
    batch_id: str,
    uow: UnitOfWork = Depends(get_uow),
    actor: TokenClaims = Depends(allow(Role.PROVIDER, *WATCHERS)),
) -> PushReport:
    """One batch's report, with the results of its rejected records."""
    async with uow:
        row = await push_repository.get_batch(uow.session, batch_id)
    if row is None or (actor.role == Role.PROVIDER and row["provider_id"] != actor.provider_id):
        raise NotFound(f"no batch {batch_id}")
    return PushReport.model_validate({**row, "results": row["rejected_results"]})


@router.get("/push/quality", response_model=list[ProviderQuality], responses=ERRORS)
async def quality_of_all(
    days: int = Query(90, ge=1, le=3660),
    uow: UnitOfWork = Depends(get_uow),
    settings: RegistrySettings = Depends(get_settings),
    actor: TokenClaims = Depends(allow(*WATCHERS)),
) -> list[ProviderQuality]:
    """Every provider's data-quality score over the last `days` days (providers that pushed)."""
    since = datetime.now(UTC) - timedelta(days=days)
    async with uow:
        rows = await push_repository.quality_tallies(uow.session, since, None)
    return [quality(r, days, settings.push_timely_days) for r in rows]


@router.get("/providers/{provider_id}/quality", response_model=ProviderQuality, responses=ERRORS)
async def provider_quality(
    provider_id: str,
    days: int = Query(90, ge=1, le=3660),
    uow: UnitOfWork = Depends(get_uow),
    settings: RegistrySettings = Depends(get_settings),
    actor: TokenClaims = Depends(allow(Role.PROVIDER, *WATCHERS)),
) -> ProviderQuality:
    """One provider's data-quality score over the last `days` days: the provider itself, the city, ops."""
    _scope(actor, provider_id)
    since = datetime.now(UTC) - timedelta(days=days)
    async with uow:
        rows = await push_repository.quality_tallies(uow.session, since, provider_id)
    return quality(rows[0] if rows else {"provider_id": provider_id}, days, settings.push_timely_days)
