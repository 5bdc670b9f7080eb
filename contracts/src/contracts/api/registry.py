"""Registry API objects."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from contracts.fields import USCC, DistrictCode, IndustryCode


class EnterpriseCreate(BaseModel):
    """Register an enterprise."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    uscc: USCC
    name: str = Field(min_length=1, max_length=200, description="企业名称")
    district_code: DistrictCode
    industry_code: IndustryCode


class EnterpriseRead(BaseModel):
    uscc: str
    name: str
    district_code: str
    district_name: str
    industry_code: str
    industry_division: str
    key_industry_id: int | None
    registered_at: datetime
