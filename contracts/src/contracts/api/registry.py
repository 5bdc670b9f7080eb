"""Registry API objects."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from contracts.api.errors import FieldWarning
from contracts.api.identity import Role
from contracts.api.profile import Contact, ProfileFields, QualityTier, SizeClass, TierRecognition
from contracts.fields import USCC, DistrictCode, IndustryCode


class EnterpriseCreate(ProfileFields):
    """Register an enterprise; the profile fields are optional."""

    uscc: USCC
    name: str = Field(min_length=1, max_length=200, description="企业名称")
    district_code: DistrictCode
    industry_code: IndustryCode


class EnterprisePatch(ProfileFields):
    """Change some fields of an enterprise; absent fields stay as they are, null clears an optional one."""

    name: str | None = Field(None, min_length=1, max_length=200)
    district_code: DistrictCode | None = None
    industry_code: IndustryCode | None = None


class EnterpriseRead(BaseModel):
    uscc: str
    name: str
    district_code: str
    district_name: str
    industry_code: str
    industry_division: str
    key_industry_id: int | None
    sub_industry: str | None = None
    employees: int | None = None
    revenue_yuan: Decimal | None = None
    revenue_year: int | None = None
    size_class: SizeClass | None = Field(None, description="derived: 工信部联企业〔2011〕300号")
    above_scale: bool | None = Field(None, description="derived: 规上 (revenue ≥ 20 million yuan)")
    tiers: list[TierRecognition] = []
    current_tier: QualityTier | None = Field(None, description="derived: highest tier valid today")
    cluster: str | None = None
    chain_platforms: list[str] = []
    contacts: list[Contact] = []
    version: int = 1
    registered_at: datetime
    updated_at: datetime | None = None
    warnings: list[FieldWarning] = Field(
        default=[],
        description="odd but accepted facts, e.g. a USCC whose organisation-code check (position 17) differs",
    )


class EnterprisePage(BaseModel):
    items: list[EnterpriseRead]
    next_cursor: str | None = Field(None, description="pass as `cursor` for the next page; null on the last")


class EnterpriseVersion(BaseModel):
    """One change of an enterprise: who, when, what."""

    version: int
    changed_at: datetime
    actor: str
    role: Role
    action: str
    changes: dict[str, dict[str, Any]]


class ImportRowError(BaseModel):
    row: int = Field(description="row number as the spreadsheet shows it (the header is row 1)")
    uscc: str
    field: str
    reason: str


class ImportReport(BaseModel):
    """What a bulk import did: good rows stored (all in one transaction), bad rows with reasons."""

    import_id: str
    filename: str
    rows: int
    stored: int
    already_registered: int = Field(description="rows whose USCC was registered before: left unchanged")
    rejected: int
    errors: list[ImportRowError] = Field(description="the first 1,000; all of them at errors_url")
    errors_url: str
