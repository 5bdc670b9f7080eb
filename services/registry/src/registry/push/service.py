"""Provider push (interface v1): apply a checked batch record by record, idempotently, with a result per
record, and keep the tallies the provider's data-quality score is computed from.

A record is identified by (provider, record_id) and ordered by its version: the same version again is a
no-op, a lower one is stale, a higher one is applied. A batch is one transaction: rejected records are
decided before anything is written, so a failure of the batch as a whole leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from contracts.api.identity import TokenClaims
from contracts.api.journey import ProviderStatus
from contracts.events.registry import ProviderQualityScored
from contracts.push import (
    EnterpriseRecord,
    ParsedBatch,
    ParsedRecord,
    ProgressRecord,
    PushReport,
    RecordStatus,
    optional_fields,
)
from contracts.push.batch import check_lines, ndjson_lines
from contracts.push.messages import record_error
from contracts.push.retries import line_digest, record_id_hint
from registry.enterprises import repository as enterprises
from registry.enterprises import service as enterprise_service
from registry.journey import repository as journey_repo
from registry.models import Provider, PushBatch
from registry.push import repository as repo
from registry.push.outcome import Outcome
from registry.push.progress import apply_progress
from registry.push.repository import Accepted
from registry.push.rules import QualityTallies, quality
from servicekit.errors import Forbidden
from servicekit.uow import UnitOfWork

_NOT_HASHED = {"record_id", "version"}  # what a record's content_hash leaves out
QUALITY_EVENT_DAYS = 30  # the window of the score published as registry.provider.quality-scored


def content_hash(record: EnterpriseRecord | ProgressRecord) -> str:
    """What a version of a record says, as a digest: the same version may be pushed again only unchanged.
    (The validated record serialised by its model: field order is the model's, so formatting and key
    order in the pushed JSON do not matter. The serializer's bytes are hashed as they come: `model_dump_json`
    would decode them to text, and the hash encode it again.)"""
    return hashlib.sha256(record.__pydantic_serializer__.to_json(record, exclude=_NOT_HASHED)).hexdigest()


async def check_provider(uow: UnitOfWork, actor: TokenClaims) -> Provider:
    provider = await journey_repo.get_provider(uow.session, actor.provider_id or "")
    if provider is None:
        raise Forbidden(f"provider {actor.provider_id} is not registered")
    if provider.status != ProviderStatus.APPROVED.value:
        raise Forbidden(f"provider {actor.provider_id} is {provider.status}: only an approved provider may push")
    return provider


def _against_prior(o: Outcome, record: EnterpriseRecord | ProgressRecord, digest: str) -> None:
    """Settle a record pushed before: a retry, a stale version, a reused version or a changed kind."""
    prior = o.prior
    assert prior is not None
    o.entity = prior.entity
    if prior.kind != record.kind:
        o.status = RecordStatus.REJECTED
        o.errors = [record_error("kind_changed", "kind", record_id=record.record_id, before=prior.kind)]
    elif record.version < prior.version:
        o.status, o.first_delivery = RecordStatus.STALE, False
    elif record.version == prior.version:
        if prior.content_hash == digest:
            o.status, o.first_delivery = RecordStatus.UNCHANGED, False
        else:
            o.status = RecordStatus.REJECTED
            o.errors = [record_error("version_reused", "version", version=record.version, record_id=record.record_id)]
    elif isinstance(record, ProgressRecord):
        o.status = RecordStatus.REJECTED
        o.errors = [
            record_error(
                "transition_immutable", "version", record_id=record.record_id, project_id=record.data.project_id
            )
        ]


@dataclass
class EnterprisePlan:
    """What a batch's enterprise records will write, decided before anything is written: the new enterprises'
    rows (their events queued) and the changes to known ones."""

    new_rows: list[dict[str, Any]] = field(default_factory=list)
    changes: list[tuple[Outcome, enterprise_service.Change]] = field(default_factory=list)


async def _plan_enterprises(
    uow: UnitOfWork, actor: TokenClaims, provider_id: str, todo: list[Outcome], now: datetime
) -> EnterprisePlan:
    records = [(o, o.parsed.record) for o in todo]
    known = await enterprises.enterprises_by_uscc(
        uow.session, [r.data.uscc for _, r in records if isinstance(r, EnterpriseRecord)]
    )
    profiles = []
    plan = EnterprisePlan()
    for o, record in records:
        assert isinstance(record, EnterpriseRecord)
        data = record.data
        o.entity = data.uscc
        old = known.get(data.uscc)
        if old is None:
            profiles.append(enterprise_service.new_enterprise(data, now) | {"pushed_by": provider_id})
            o.status = RecordStatus.CREATED
        elif old.pushed_by != provider_id:
            o.status = RecordStatus.REJECTED
            o.errors = [record_error("not_owner", "data.uscc", uscc=data.uscc)]
        elif data.district_code != old.district_code:
            o.status = RecordStatus.REJECTED
            error = record_error(
                "unit_change_not_allowed", "data.district_code", uscc=data.uscc, before=old.district_code
            )
            o.errors = [error]
        else:
            given = {k: getattr(data, k) for k in data.model_fields_set}
            change = enterprise_service.plan_change(old, given, now)
            if change is not None:
                plan.changes.append((o, change))
            o.status = RecordStatus.UPDATED if change else RecordStatus.UNCHANGED
    plan.new_rows = enterprise_service.registered_rows(uow, actor, profiles, "push")
    return plan


async def _write_enterprises(uow: UnitOfWork, actor: TokenClaims, plan: EnterprisePlan) -> None:
    # one statement per table for the batch; a record whose enterprise changed meanwhile is refused alone
    taken = await enterprise_service.apply_changes(uow, actor, [c for _, c in plan.changes], "push")
    for o, change in plan.changes:
        if change.old.uscc in taken:
            detail = f"{change.old.uscc} was changed by someone else meanwhile: send the record again"
            o.status, o.errors = RecordStatus.REJECTED, [record_error("conflict", "data.uscc", detail=detail)]
    await enterprise_service.store_registered(uow, plan.new_rows)


_NOT_STORED = (RecordStatus.REJECTED, RecordStatus.STALE)


def _record_rows(
    provider_id: str, batch_id: str, outcomes: list[Outcome], digests: dict[int, str], now: datetime
) -> list[tuple[Outcome, dict[str, Any]]]:
    """The accepted version of each record delivered for the first time, as its row; built before the batch's
    first write, and kept where the record's final status is neither rejected nor stale (`_accepted_rows`)."""
    rows = []
    for o in outcomes:
        record = o.parsed.record
        if record is None or o.status in _NOT_STORED or not o.first_delivery:
            continue
        row = {
            "provider_id": provider_id,
            "record_id": record.record_id,
            "kind": record.kind,
            "version": record.version,
            "content_hash": o.digest,
            "entity": o.entity or "",
            "batch_id": batch_id,
            "accepted_at": now,
            # a line with warnings is read again when retried: its result carries them
            "line_hash": None if o.parsed.warnings else digests.get(o.parsed.index),
        }
        rows.append((o, row))
    return rows


def _accepted_rows(rows: list[tuple[Outcome, dict[str, Any]]]) -> list[dict[str, Any]]:
    """The rows of `_record_rows` whose records were applied (not refused by a conflict as they were written)."""
    return [row for o, row in rows if o.status not in _NOT_STORED]


def _tallies(outcomes: list[Outcome]) -> dict[str, Any]:
    counted = [o for o in outcomes if o.first_delivery]
    accepted = [o.quality for o in counted if o.status != RecordStatus.REJECTED]
    return {
        "counted": len(counted),
        "accepted": len(accepted),
        "optional_filled": sum(q[0] for q in accepted),
        "optional_possible": sum(q[1] for q in accepted),
        "timely": sum(q[2] for q in accepted),
    }


@dataclass
class Known:
    """What a batch's lookups found before its records were checked: the line digests (NDJSON), the record
    ids asked for, and the accepted versions found."""

    digests: dict[int, str] = field(default_factory=dict)
    asked: set[str] = field(default_factory=set)
    priors: dict[str, Accepted] = field(default_factory=dict)


async def accept_batch(
    uow: UnitOfWork, actor: TokenClaims, parsed: ParsedBatch, timely_days: int, *, all_results: bool = True
) -> PushReport:
    """Apply every good record of a batch; reject the others with their reasons; store the batch's report.
    The report carries a result per record, or (`all_results=False`) those of the rejected ones only."""
    provider = await check_provider(uow, actor)
    return await _accept(uow, actor, provider, parsed, Known(), timely_days, all_results)


async def accept_lines(
    uow: UnitOfWork, actor: TokenClaims, body: bytes, timely_days: int, *, all_results: bool = True
) -> PushReport:
    """An NDJSON batch, as `accept_batch`: but a line with the digest kept for its record (the very line
    its accepted version came in) is settled as unchanged without being read again; the others are checked
    in full. A retried batch costs a digest and a lookup per line. Raises BatchError before anything else
    if the body as a whole cannot be read."""
    lines = ndjson_lines(body)
    provider = await check_provider(uow, actor)
    known = Known(digests={number: line_digest(text) for number, text in lines})
    hints = {number: hint for number, text in lines if (hint := record_id_hint(text)) is not None}
    known.asked = set(hints.values())
    known.priors = await repo.accepted_records(uow.session, provider.provider_id, list(known.asked))
    settled: dict[int, ParsedRecord] = {}
    for number, hint in hints.items():
        prior = known.priors.get(hint)
        if prior is not None and prior.line_hash == known.digests[number]:
            uscc = prior.entity if prior.kind == "enterprise" else None
            settled[number] = ParsedRecord(number, None, hint, prior.kind, prior.version, uscc=uscc, retry=True)
    parsed = check_lines(lines, datetime.now(UTC), settled)
    del lines, hints, settled  # the batch's text is not needed any more: less held while it is written
    return await _accept(uow, actor, provider, parsed, known, timely_days, all_results)


async def _accept(
    uow: UnitOfWork,
    actor: TokenClaims,
    provider: Provider,
    parsed: ParsedBatch,
    known: Known,
    timely_days: int,
    all_results: bool,
) -> PushReport:
    provider_id = provider.provider_id
    now = datetime.now(UTC)
    batch_id = f"pb_{secrets.token_hex(8)}"
    outcomes = [Outcome(p, RecordStatus.REJECTED) for p in parsed.records]
    good = [o for o in outcomes if o.parsed.ok]
    unasked = [rid for o in good if (rid := o.parsed.record.record_id) not in known.asked]  # type: ignore[union-attr]
    priors = known.priors | await repo.accepted_records(uow.session, provider_id, unasked)
    for o in outcomes:
        if o.parsed.retry and not o.parsed.errors:  # the line its accepted version came in: a retry
            o.prior = priors[o.parsed.record_id or ""]
            o.status, o.first_delivery, o.entity = RecordStatus.UNCHANGED, False, o.prior.entity
    enterprise_todo: list[Outcome] = []
    progress_todo: list[Outcome] = []
    since = now - timedelta(days=timely_days)
    for o in good:
        record = o.parsed.record
        assert record is not None
        o.prior = priors.get(record.record_id)
        o.digest = content_hash(record)
        o.quality = (*optional_fields(record), record.occurred_at >= since)
        o.status = RecordStatus.CREATED  # provisional
        if o.prior is not None:
            _against_prior(o, record, o.digest)
            if o.status != RecordStatus.CREATED:
                continue
        if isinstance(record, EnterpriseRecord):
            enterprise_todo.append(o)
        else:
            o.entity = record.data.project_id
            progress_todo.append(o)
    # Every row and event is built before the first write: on SQLite the write lock, which one of the registry's
    # writers holds at a time, is then held for the writes alone (bench/results.md, eighteenth session).
    plan = await _plan_enterprises(uow, actor, provider_id, enterprise_todo, now)
    record_rows = _record_rows(provider_id, batch_id, outcomes, known.digests, now)
    uow.render()
    await _write_enterprises(uow, actor, plan)
    for o in progress_todo:
        await apply_progress(uow, actor, provider_id, o)
    await repo.put_records(uow.session, _accepted_rows(record_rows))
    tally = Counter(o.status for o in outcomes)
    counts = {s.value: tally[s] for s in RecordStatus}
    rejected = [o.result() for o in outcomes if o.status == RecordStatus.REJECTED]
    results = [o.result() for o in outcomes] if all_results else rejected
    summary: dict[str, Any] = {
        "batch_id": batch_id,
        "provider_id": provider_id,
        "received_at": now,
        "format": parsed.format,
        "records": len(outcomes),
        **counts,
    }
    await repo.add_batch(
        uow.session,
        PushBatch(
            **summary,
            actor=actor.sub,
            **_tallies(outcomes),
            rejected_results=[r.model_dump(mode="json") for r in rejected],
        ),
    )
    uow.audit(actor, "push.batch", batch_id, {k: summary[k] for k in ("records", *counts)})
    await _publish_quality(uow, provider, now, timely_days)
    return PushReport(**summary, results=results)


async def _publish_quality(uow: UnitOfWork, provider: Provider, now: datetime, timely_days: int) -> None:
    """After a batch: the provider's score over the last QUALITY_EVENT_DAYS days, published when it changed
    (one aggregate over the provider's batches in the window; the catalog keeps it for provider ratings)."""
    tallies = await repo.quality_tallies(uow.session, now - timedelta(days=QUALITY_EVENT_DAYS), provider.provider_id)
    scored = quality(tallies[0] if tallies else QualityTallies(provider.provider_id), QUALITY_EVENT_DAYS, timely_days)
    text = "none" if scored.score is None else f"{scored.score:.1f}"
    if text == provider.published_quality:
        return
    await repo.set_published_quality(uow.session, provider.provider_id, text)
    uow.emit(
        ProviderQualityScored(
            provider_id=provider.provider_id,
            score=None if scored.score is None else Decimal(text),
            days=QUALITY_EVENT_DAYS,
            records=scored.records,
            scored_at=now,
        )
    )
