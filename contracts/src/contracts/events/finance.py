"""Events owned by the finance service."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from pydantic import Field

from contracts.envelope import Event
from contracts.fields import USCC, DistrictCode
from contracts.topics import CONSENTS, TopicSpec


class ConsentGranted(Event):
    """An enterprise let a bank query its eligibility for a product until a date."""

    TYPE: ClassVar[str] = "finance.consent.granted"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[TopicSpec] = CONSENTS
    KEY_FIELD: ClassVar[str] = "uscc"

    consent_id: str
    uscc: USCC
    district_code: DistrictCode
    bank_id: str
    product_id: str
    valid_until: date
    on_paper: bool = Field(description="recorded by the district authority from a signed form")
    granted_at: datetime


class ConsentRevoked(Event):
    """A consent was withdrawn: the bank's queries are refused from this moment."""

    TYPE: ClassVar[str] = "finance.consent.revoked"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[TopicSpec] = CONSENTS
    KEY_FIELD: ClassVar[str] = "uscc"

    consent_id: str
    uscc: USCC
    district_code: DistrictCode
    bank_id: str
    product_id: str
    reason: str
    revoked_at: datetime
