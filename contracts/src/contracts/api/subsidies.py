"""The transformation subsidy (奖补) and double-funding flags: API objects. Money in fen."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field, model_validator

from contracts.api.base import InputModel
from contracts.api.finance import Fen, RuleResult
from contracts.fields import USCC


class SubsidyStatus(StrEnum):
    COMPUTED = "computed"  # eligible, amount computed, waiting for the city's approval
    NOT_ELIGIBLE = "not_eligible"
    APPROVED = "approved"
    PAID = "paid"
    WITHHELD = "withheld"  # unpaid, and its condition no longer holds (clawed back)


class Invoice(InputModel):
    number: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:/-]+$")
    amount_fen: Fen = Field(gt=0)
    issued_on: date


class SubsidyApplication(InputModel):
    """A transformation subsidy for a project whose T1 assessment is final: the investment claimed and
    the invoices that prove it (the enterprise; or its district authority, naming `uscc`)."""

    project_id: str = Field(min_length=1, max_length=40)
    uscc: USCC | None = None
    investment_fen: Fen = Field(gt=0)
    invoices: list[Invoice] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _distinct(self) -> SubsidyApplication:
        numbers = [i.number for i in self.invoices]
        if len(set(numbers)) != len(numbers):
            raise ValueError("an invoice number appears twice")
        return self


class ExplanationLine(BaseModel):
    step: str
    zh: str
    en: str
    amount_fen: int | None = None


class SubsidyRead(BaseModel):
    subsidy_id: str
    uscc: str
    district_code: str
    project_id: str
    product_id: str
    product_version: int
    status: SubsidyStatus
    investment_fen: int
    verified_fen: int = Field(description="invoices not funded before, up to the investment claimed")
    amount_fen: int
    rules: list[RuleResult]
    explanation: list[ExplanationLine]
    applied_at: datetime
    applied_by: str
    approved_at: datetime | None
    paid_at: datetime | None
    withheld_at: datetime | None
    withheld_reason: str | None


class FlagKind(StrEnum):
    INVOICE_REUSED = "invoice_reused"  # an invoice named by a second subsidy
    SUPPORT_OVER_INVESTMENT = "support_over_investment"  # a project's loans and subsidy exceed its investment
    SAME_SCENE_TWO_PROVIDERS = "same_scene_two_providers"  # funded adoptions of two providers for one scene


class FlagRead(BaseModel):
    """A possible double funding, for the city to resolve, naming both fundings."""

    flag_id: str
    uscc: str
    kind: FlagKind
    fundings: list[str]
    detail: str
    raised_at: datetime
    resolved_at: datetime | None
    resolution: str | None


class FlagResolution(InputModel):
    reason: str = Field(min_length=1, max_length=500)
