"""The records of the push interface v1: an envelope (the provider's record id and version, when it
happened) around the data of one kind."""

from __future__ import annotations

from operator import attrgetter
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, TypeAdapter

from contracts.api.base import InputModel
from contracts.api.journey import Evidence, Stage
from contracts.api.profile import ReportedFields
from contracts.fields import USCC, DistrictCode, IndustryCode

INTERFACE_VERSION = "1"


class EnterpriseData(ReportedFields):
    """An enterprise as the provider knows it. Absent optional fields stay as they are; recognitions
    (专精特新, 小巨人) are the authorities' and cannot be pushed."""

    uscc: USCC
    name: str = Field(min_length=1, max_length=200, description="企业名称")
    district_code: DistrictCode
    industry_code: IndustryCode


class ProgressData(InputModel):
    """A project the provider is on moved to its next stage."""

    project_id: str = Field(min_length=1, max_length=40, examples=["pj_0a1b2c3d4e5f"])
    to_stage: Stage
    evidence: list[Evidence] = Field(default_factory=list, max_length=20)
    note: str | None = Field(None, max_length=1000)


class RecordEnvelope(InputModel):
    record_id: str = Field(
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9._:/\-]+$",
        description="the provider's own id of this record; with `version` it makes a retried push idempotent",
        examples=["crm-000123"],
    )
    version: int = Field(ge=1, le=2_147_483_647, description="raise it with every change of the record")
    occurred_at: AwareDatetime = Field(description="when the change happened at the provider (timeliness)")


class EnterpriseRecord(RecordEnvelope):
    kind: Literal["enterprise"]
    data: EnterpriseData


class ProgressRecord(RecordEnvelope):
    kind: Literal["project_progress"]
    data: ProgressData


PushRecord = Annotated[EnterpriseRecord | ProgressRecord, Field(discriminator="kind")]
RECORD_ADAPTER: TypeAdapter[EnterpriseRecord | ProgressRecord] = TypeAdapter(PushRecord)
KINDS = ("enterprise", "project_progress")

# The optional fields of each kind: completeness is the share of them a provider fills in.
OPTIONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "enterprise": ("employees", "revenue_yuan", "revenue_year", "cluster", "chain_platforms", "contacts"),
    "project_progress": ("evidence", "note"),
}


_OPTIONAL_VALUES = {  # each gives a tuple of the record's optional values
    kind: attrgetter(*names) if len(names) > 1 else (lambda data, name=names[0]: (getattr(data, name),))
    for kind, names in OPTIONAL_FIELDS.items()
}


def optional_fields(record: EnterpriseRecord | ProgressRecord) -> tuple[int, int]:
    """(filled, possible) optional fields of one record (once per pushed record)."""
    values = _OPTIONAL_VALUES[record.kind](record.data)
    return len([v for v in values if v is not None and v != [] and v != ""]), len(values)
