"""Events owned by the registry service."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from contracts.envelope import Event
from contracts.fields import USCC, DistrictCode, IndustryCode
from contracts.topics import ENTERPRISES, TopicSpec


class EnterpriseRegistered(Event):
    """An enterprise was registered in the programme."""

    TYPE: ClassVar[str] = "registry.enterprise.registered"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[TopicSpec] = ENTERPRISES
    KEY_FIELD: ClassVar[str] = "uscc"

    uscc: USCC
    name: str = Field(min_length=1, max_length=200)
    district_code: DistrictCode
    industry_code: IndustryCode
    industry_division: str = Field(pattern=r"^C\d{2}$", description="GB/T 4754-2017 division of industry_code")
    registered_at: datetime
