"""What the push interface answers: per-record results, the batch report, and the data-quality score."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field


class RecordStatus(StrEnum):
    CREATED = "created"  # a new entity was stored
    UPDATED = "updated"  # the entity changed (a new version)
    UNCHANGED = "unchanged"  # already had exactly this (a retried push, or no change)
    STALE = "stale"  # a higher version of this record was accepted before: ignored
    REJECTED = "rejected"  # nothing stored; see errors


class RecordError(BaseModel):
    code: str = Field(description="stable machine-readable code", examples=["uscc_invalid"])
    field: str = Field(description="dotted path in the record, or '' for the record as a whole", examples=["data.uscc"])
    message: str = Field(description="English")
    message_zh: str = Field(description="简体中文")


class RecordResult(BaseModel):
    index: int = Field(description="1-based position in the batch (the line number for NDJSON)")
    record_id: str | None
    kind: str | None
    version: int | None
    status: RecordStatus
    entity: str | None = Field(None, description="the USCC or project id the record touched")
    errors: list[RecordError] = []
    warnings: list[RecordError] = Field(default=[], description="odd but accepted (the record was not refused)")


class BatchSummary(BaseModel):
    batch_id: str
    provider_id: str
    received_at: datetime
    format: str = Field(description="json or ndjson")
    records: int
    created: int
    updated: int
    unchanged: int
    stale: int
    rejected: int


class PushReport(BatchSummary):
    results: list[RecordResult] = Field(
        description="per record, in batch order (a stored report read back keeps the rejected ones only)"
    )


class ProviderQuality(BaseModel):
    """A provider's data quality over a window of days (records counted once per delivery; retries of an
    accepted version and stale versions are not counted)."""

    provider_id: str
    days: int
    batches: int
    records: int
    rejected: int
    rejected_share: float | None = Field(description="rejected / records")
    completeness: float | None = Field(description="share of optional fields filled in accepted records")
    timeliness: float | None = Field(description="share of accepted records received within timely_days")
    timely_days: int
    score: float | None = Field(
        description="0-100: 50 × (1 − rejected_share) + 25 × completeness + 25 × timeliness; null without records"
    )
    last_push_at: datetime | None
