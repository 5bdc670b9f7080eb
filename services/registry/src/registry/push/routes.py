"""Provider push, interface v1 (docs/push-interface-v1.md): batches in, per-record results and the
data-quality score out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.exc import IntegrityError

from contracts.api.identity import Role, TokenClaims
from contracts.push import BatchError, BatchSummary, ProviderQuality, PushReport, parse_batch
from contracts.push.batch import batch_format
from registry.config import Settings
from registry.push import queries, service
from registry.push.metrics import count_push
from servicekit.auth import allow
from servicekit.deps import BulkUow, Uow
from servicekit.errors import Conflict, DomainError
from servicekit.http import error_responses
from servicekit.memory import BULK_RECORDS, gc_paused, give_back

router = APIRouter(prefix="/v1", tags=["provider push"])
ERRORS = error_responses(400, 401, 403, 404, 409, 413, 415, 422)
PUSH_ERRORS = error_responses(400, 401, 403, 409, 413, 415, 422, 429, 503)
Provider = Annotated[TokenClaims, Depends(allow(Role.PROVIDER))]
Watchers = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.OPS))]
ProviderOrWatchers = Annotated[TokenClaims, Depends(allow(Role.PROVIDER, Role.CITY, Role.OPS))]


class BatchRejected(DomainError):
    """The batch as a whole cannot be read; carries the status the interface document gives."""

    def __init__(self, e: BatchError) -> None:
        super().__init__(f"{e} ({e.message_zh})", field="body")
        self.status_code = e.status
        self.code = e.code


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
    everything = results == "all"
    with gc_paused():
        try:
            fmt = batch_format(request.headers.get("content-type"))
            parsed = None if fmt == "ndjson" else parse_batch(body, fmt)
            async with uow:
                if parsed is None:  # lines pushed before are known by their digest, not read again
                    report = await service.accept_lines(
                        uow, actor, body, settings.push_timely_days, all_results=everything
                    )
                else:
                    report = await service.accept_batch(
                        uow, actor, parsed, settings.push_timely_days, all_results=everything
                    )
                await uow.commit()
        except BatchError as e:
            raise BatchRejected(e) from e
        except IntegrityError as e:  # PostgreSQL: another batch stored the same new records meanwhile
            raise Conflict(
                "another batch stored some of these records while this one was checked; nothing of this batch was"
                " stored: send it again (what the other stored will then be answered as such)",
                field="body",
            ) from e
        del parsed, body
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
