"""The enterprise profile: size, quality tiers, cluster, chain platforms, contacts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from contracts import codes
from contracts.api.base import InputModel
from contracts.messages import coded_error


class SizeClass(StrEnum):
    """工信部联企业〔2011〕300号, industry: derived from employees and main-business revenue."""

    LARGE = "large"  # 大型 (not an SME)
    MEDIUM = "medium"  # 中型
    SMALL = "small"  # 小型
    MICRO = "micro"  # 微型


class QualityTier(StrEnum):
    LITTLE_GIANT = "little_giant"  # 专精特新"小巨人" (national, MIIT)
    SPECIALISED = "specialised"  # 专精特新中小企业 (municipal)
    INNOVATIVE = "innovative"  # 创新型 / 科技和创新型中小企业 (renamed 2026-04-01)


TIER_RANK = {QualityTier.LITTLE_GIANT: 3, QualityTier.SPECIALISED: 2, QualityTier.INNOVATIVE: 1}


class TierRecognition(InputModel):
    tier: QualityTier
    issuing_body: str = Field(min_length=1, max_length=100, examples=["工业和信息化部"])
    recognised_on: date | None = Field(None, description="unknown in some lists (e.g. the pilot list)")
    valid_until: date | None = None

    @model_validator(mode="after")
    def _valid_after_recognition(self) -> TierRecognition:
        if self.valid_until is not None and self.recognised_on is not None and self.valid_until < self.recognised_on:
            raise ValueError("valid_until is before recognised_on")
        return self


class Contact(InputModel):
    name: str = Field(min_length=1, max_length=50)
    role: str | None = Field(None, max_length=50)
    phone: str | None = Field(None, pattern=r"^[0-9+\-() ]{5,20}$")
    email: str | None = Field(None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=100)


def _cluster(value: str) -> str:
    if value not in codes.clusters():
        known = ", ".join(codes.clusters())
        raise coded_error(
            "cluster_unknown",
            f"unknown 33618 cluster {value!r}: use one of {known}",
            f"未知的“33618”集群“{value}”：应为 {known} 之一",
        )
    return value


ClusterCode = Annotated[str, Field(max_length=16, examples=["T1"]), AfterValidator(_cluster)]
Revenue = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2, description="yuan")]


class ReportedFields(InputModel):
    """The optional profile fields an enterprise or its provider reports (no recognitions: those are
    the authorities')."""

    employees: int | None = Field(None, ge=0, le=10_000_000)
    revenue_yuan: Revenue | None = Field(None, description="main-business revenue of revenue_year, yuan")
    revenue_year: int | None = Field(None, ge=2000, le=2100)
    cluster: ClusterCode | None = None
    chain_platforms: list[Annotated[str, Field(min_length=1, max_length=100)]] | None = Field(None, max_length=20)
    contacts: list[Contact] | None = Field(None, max_length=20)


class ProfileFields(ReportedFields):
    """The optional profile fields, as given by a client (derived values are not accepted)."""

    tiers: list[TierRecognition] | None = Field(None, max_length=10)
