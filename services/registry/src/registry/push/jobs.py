"""A pushed batch as one job: read, checked, applied and committed, in the serving process or in one of the
registry's writer processes (`push_workers`, servicekit.writerpool), with the same answer either way."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from contracts.api.identity import TokenClaims
from contracts.push import BatchError, BatchSummary, PushReport, parse_batch
from contracts.push.batch import batch_format
from registry.push import service
from servicekit.errors import Conflict, DomainError
from servicekit.memory import BULK_RECORDS, gc_paused, give_back
from servicekit.uow import UnitOfWork


class BatchRejected(DomainError):
    """The batch as a whole cannot be read; carries the status the interface document gives."""

    def __init__(self, e: BatchError) -> None:
        super().__init__(f"{e} ({e.message_zh})", field="body")
        self.status_code = e.status
        self.code = e.code


async def push_batch(
    uow: UnitOfWork, actor: TokenClaims, body: bytes, content_type: str | None, timely_days: int, all_results: bool
) -> PushReport:
    """Apply a pushed body (JSON or NDJSON) in one transaction and return its report; a DomainError (400, 403,
    409, 413, 415, 422, 503) if the batch as a whole is refused, with nothing stored."""
    with gc_paused():
        try:
            fmt = batch_format(content_type)
            parsed = None if fmt == "ndjson" else parse_batch(body, fmt)
            async with uow:
                if parsed is None:  # lines pushed before are known by their digest, not read again
                    report = await service.accept_lines(uow, actor, body, timely_days, all_results=all_results)
                else:
                    report = await service.accept_batch(uow, actor, parsed, timely_days, all_results=all_results)
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
    return report


@dataclass(frozen=True)
class Refusal:
    """A DomainError as plain values: it crosses from a writer process to the serving one, and is raised there."""

    status_code: int
    code: str
    message: str
    field: str | None
    errors: list[tuple[str, str]]
    headers: dict[str, str] | None

    @classmethod
    def of(cls, e: DomainError) -> Refusal:
        return cls(e.status_code, e.code, e.message, e.field, e.errors, e.headers)

    def error(self) -> DomainError:
        e = DomainError(self.message, field=self.field, errors=self.errors)
        e.status_code, e.code, e.headers = self.status_code, self.code, self.headers
        return e


@dataclass(frozen=True)
class Pushed:
    """A writer process's answer to a batch: the report as the response's bytes, and its counts for the metrics."""

    report_json: bytes
    summary: BatchSummary


async def push_in_writer(
    uow: UnitOfWork, actor: TokenClaims, body: bytes, content_type: str | None, timely_days: int, all_results: bool
) -> Pushed | Refusal:
    """`push_batch` in a writer process: the report serialised there, a refusal returned rather than raised."""
    try:
        report = await push_batch(uow, actor, body, content_type, timely_days, all_results)
    except DomainError as e:
        return Refusal.of(e)
    summary = BatchSummary.model_construct(**{k: getattr(report, k) for k in BatchSummary.model_fields})
    answer = Pushed(report.__pydantic_serializer__.to_json(report), summary)
    records = report.records
    del report
    if records > BULK_RECORDS:
        give_back(young=True)
    return answer
