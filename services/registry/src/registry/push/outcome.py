"""What becomes of one record of a pushed batch as the batch is checked and applied."""

from __future__ import annotations

from dataclasses import dataclass, field

from contracts.push import ParsedRecord, RecordError, RecordResult, RecordStatus
from registry.push.repository import Accepted


@dataclass
class Outcome:
    """A record's status, what it is about, its errors, and what deciding them found (its accepted version
    before, its content's digest, what it counts for the provider's quality score)."""

    parsed: ParsedRecord
    status: RecordStatus
    entity: str | None = None
    errors: list[RecordError] = field(default_factory=list)
    first_delivery: bool = True  # counts for quality (not a retry of an accepted version, not stale)
    prior: Accepted | None = None  # the version accepted before, if any
    digest: str | None = None  # content_hash of the record
    quality: tuple[int, int, bool] = (0, 0, False)  # optional fields filled, possible; timely (a checked record's)

    def result(self) -> RecordResult:
        p = self.parsed
        return RecordResult(
            index=p.index,
            record_id=p.record_id,
            kind=p.kind,
            version=p.version,
            status=self.status,
            entity=self.entity,
            errors=self.errors or p.errors,
            warnings=p.warnings,
        )
