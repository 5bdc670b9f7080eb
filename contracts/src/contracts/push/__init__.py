"""The provider push interface, version 1: what a provider platform sends, how a batch is read and
checked, and what it gets back. The registry and the offline conformance command share this code."""

from contracts.push.batch import MAX_RECORDS, BatchError, ParsedBatch, ParsedRecord, parse_batch
from contracts.push.records import (
    INTERFACE_VERSION,
    EnterpriseData,
    EnterpriseRecord,
    ProgressData,
    ProgressRecord,
    PushRecord,
    optional_fields,
)
from contracts.push.results import (
    BatchSummary,
    ProviderQuality,
    PushReport,
    RecordError,
    RecordResult,
    RecordStatus,
)

__all__ = [
    "INTERFACE_VERSION",
    "MAX_RECORDS",
    "BatchError",
    "BatchSummary",
    "EnterpriseData",
    "EnterpriseRecord",
    "ParsedBatch",
    "ParsedRecord",
    "ProgressData",
    "ProgressRecord",
    "ProviderQuality",
    "PushRecord",
    "PushReport",
    "RecordError",
    "RecordResult",
    "RecordStatus",
    "optional_fields",
    "parse_batch",
]
