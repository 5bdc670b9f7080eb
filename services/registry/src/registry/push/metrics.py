"""Registry's own Prometheus metrics (beside servicekit's): what provider platforms push."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

from contracts.push import BatchSummary, RecordStatus

PUSH_RECORDS = Counter(
    "push_records_total", "Records pushed by provider platforms, by outcome", ["provider_id", "status"]
)
PUSH_BATCH_RECORDS = Histogram(
    "push_batch_records", "Records per pushed batch", buckets=(1, 10, 100, 1000, 2500, 5000, 10000)
)


def count_push(report: BatchSummary) -> None:
    """Call after the batch's transaction committed (its report, or a writer process's summary of it)."""
    PUSH_BATCH_RECORDS.observe(report.records)
    for status in RecordStatus:
        n = getattr(report, status.value)
        if n:
            PUSH_RECORDS.labels(report.provider_id, status.value).inc(n)
