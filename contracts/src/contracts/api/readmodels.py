"""What services other than the owner show of their local read models."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class KnownEnterprise(BaseModel):
    """An enterprise as a consuming service knows it from registry events."""

    uscc: str
    name: str
    district_code: str
    industry_division: str
    registered_at: datetime


class ReadModelPage(BaseModel):
    total: int
    items: list[KnownEnterprise]
