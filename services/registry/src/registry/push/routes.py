"""Provider push, interface v1 (docs/push-interface-v1.md): batches in, per-record results and the
data-quality score out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from contracts.api.identity import Role, TokenClaims
from contracts.push import BatchSummary, ProviderQuality, PushReport
from registry.config import Settings
from registry.push import jobs, queries
from registry.push.metrics import count_push
from servicekit.auth import allow
from servicekit.deps import BulkUow, Uow
from servicekit.errors import Busy
from servicekit.http import error_responses
from servicekit.memory import BULK_RECORDS, give_back
from servicekit.writerpool import WorkerLost, WriterPool

router = APIRouter(prefix="/v1", tags=["provider push"])
ERRORS = error_responses(400, 401, 403, 404, 409, 413, 415, 422)
PUSH_ERRORS = error_responses(400, 401, 403, 409, 413, 415, 422, 429, 503)
Provider = Annotated[TokenClaims, Depends(allow(Role.PROVIDER))]
Watchers = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.OPS))]
ProviderOrWatchers = Annotated[TokenClaims, Depends(allow(Role.PROVIDER, Role.CITY, Role.OPS))]


@router.post("/push/records", response_model=PushReport, responses=PUSH_ERRORS)
async def push_records(
    request: Request,
    uow: BulkUow,
    settings: Settings,
    actor: Provider,
    results: str = Query("all", pattern="^(all|rejected)$", description="all results, or the rejected ones only"),
) -> Response:
    """Push up to 10,000 records (JSON `{"records": [...]}` or NDJSON, one record per line).

    Each record is applied or rejected on its own; the answer has one result per record, in batch
    order. Pushing the same batch again changes nothing (each record's id and version make it idempotent).
    """
    request.app.state.push_limit.check(actor.provider_id or actor.sub, "pushed batches")
    body = await request.body()  # read first: a slow upload must not hold the collector off
    content_type, everything = request.headers.get("content-type"), results == "all"
    writers: WriterPool | None = request.app.state.push_writers
    if writers is not None:
        try:
            answer = await writers.run(
                jobs.push_in_writer, actor, body, content_type, settings.push_timely_days, everything
            )
        except WorkerLost as e:
            raise Busy(
                "the process applying this batch stopped before it answered; send the batch again (records it"
                " stored are then answered as unchanged)",
                retry_after_s=1,
            ) from e
        if isinstance(answer, jobs.Refusal):
            raise answer.error()
        count_push(answer.summary)
        return Response(answer.report_json, media_type="application/json")
    report = await jobs.push_batch(uow, actor, body, content_type, settings.push_timely_days, everything)
    del body
    count_push(report)
    if report.records > BULK_RECORDS:  # the batch's memory back to the system before the next one
        give_back(young=True)
    # Serialised here once: FastAPI would validate thousands of results again on the way out.
    return Response(report.model_dump_json(), media_type="application/json")


@router.get("/push/batches", response_model=list[BatchSummary], responses=ERRORS)
async def list_batches(
    uow: Uow,
    actor: ProviderOrWatchers,
    provider_id: str | None = Query(None, max_length=40),
    limit: int = Query(50, ge=1, le=500),
) -> list[BatchSummary]:
    """Recent batches, newest first: a provider's own; the city's and operators' of any provider."""
    async with uow:
        return await queries.list_batches(uow, actor, provider_id, limit)


@router.get("/push/batches/{batch_id}", response_model=PushReport, responses=ERRORS)
async def get_batch(batch_id: str, uow: Uow, actor: ProviderOrWatchers) -> PushReport:
    """One batch's report, with the results of its rejected records."""
    async with uow:
        return await queries.get_batch(uow, actor, batch_id)


@router.get("/push/quality", response_model=list[ProviderQuality], responses=ERRORS)
async def quality_of_all(
    uow: Uow, settings: Settings, actor: Watchers, days: int = Query(90, ge=1, le=3660)
) -> list[ProviderQuality]:
    """Every provider's data-quality score over the last `days` days (providers that pushed)."""
    async with uow:
        return await queries.quality_scores(uow, actor, None, days, settings.push_timely_days)


@router.get("/providers/{provider_id}/quality", response_model=ProviderQuality, responses=ERRORS)
async def provider_quality(
    provider_id: str,
    uow: Uow,
    settings: Settings,
    actor: ProviderOrWatchers,
    days: int = Query(90, ge=1, le=3660),
) -> ProviderQuality:
    """One provider's data-quality score over the last `days` days: the provider itself, the city, ops."""
    async with uow:
        return (await queries.quality_scores(uow, actor, provider_id, days, settings.push_timely_days))[0]
