"""Loans, repayments and the interest subsidy computed from them: API objects. Money in fen."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, Field, model_validator

from contracts.api.base import InputModel
from contracts.api.finance import BankId, Fen, Slug
from contracts.fields import USCC


class LoanStatus(StrEnum):
    APPLIED = "applied"
    APPROVED = "approved"
    REJECTED = "rejected"
    DISBURSED = "disbursed"
    DEFAULTED = "defaulted"


class LoanApplication(InputModel):
    """An application by the enterprise (its own `uscc` may be left out; `bank_id` names the bank) or by a
    bank on its behalf (`uscc` required; the enterprise's consent for the product is needed)."""

    product_id: Slug
    uscc: USCC | None = None
    bank_id: BankId | None = None
    amount_fen: Fen = Field(gt=0)
    term_months: int = Field(ge=1, le=360)
    project_id: str | None = Field(None, min_length=1, max_length=40)
    purpose: str = Field(min_length=1, max_length=500)


class LoanDecision(InputModel):
    approved: bool
    amount_fen: Fen | None = Field(None, gt=0)
    annual_rate: Decimal | None = Field(None, ge=0, le=1, max_digits=7, decimal_places=6)
    term_months: int | None = Field(None, ge=1, le=360)
    reason: str | None = Field(None, min_length=1, max_length=500)

    @model_validator(mode="after")
    def _complete(self) -> LoanDecision:
        if self.approved and None in (self.amount_fen, self.annual_rate, self.term_months):
            raise ValueError("an approval needs amount_fen, annual_rate and term_months")
        if not self.approved and self.reason is None:
            raise ValueError("a rejection needs a reason")
        return self


class Disbursement(InputModel):
    disbursed_on: date


class DefaultNotice(InputModel):
    defaulted_on: date
    reason: str = Field(min_length=1, max_length=500)


class RepaymentIn(InputModel):
    """One repayment as the bank reports it; `bank_ref` makes a report idempotent."""

    bank_ref: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:/-]+$")
    period_start: date
    period_end: date = Field(description="the last day the interest covers (included)")
    paid_on: date
    principal_fen: Fen
    interest_fen: Fen

    @model_validator(mode="after")
    def _period(self) -> RepaymentIn:
        if self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        return self


class RepaymentBatch(InputModel):
    repayments: list[RepaymentIn] = Field(min_length=1, max_length=10_000)


class LoanRead(BaseModel):
    loan_id: str
    uscc: str
    district_code: str
    bank_id: str
    product_id: str
    product_version: int
    eligible_when_applied: bool
    unmet_when_applied: list[str]
    status: LoanStatus
    amount_requested_fen: int
    term_months: int
    project_id: str | None
    purpose: str
    applied_at: datetime
    applied_by_role: str
    amount_fen: int | None
    annual_rate: Decimal | None
    approved_term_months: int | None
    decided_at: datetime | None
    rejection_reason: str | None
    disbursed_on: date | None
    defaulted_on: date | None


class SubsidyLineRead(BaseModel):
    loan_id: str
    bank_ref: str
    paid_on: date
    year: int
    days: int
    subsidised_days: int
    interest_fen: int
    uncapped_fen: int
    subsidy_fen: int
    note: str
    scheme_id: str
    scheme_version: int


class RepaymentsRecorded(BaseModel):
    recorded: int
    already_recorded: list[str] = Field(description="bank references reported before: nothing changed for them")
    subsidy_fen: int = Field(description="interest subsidy granted for the repayments recorded now")
    lines: list[SubsidyLineRead]


class SubsidyStatement(BaseModel):
    """An enterprise's interest subsidy for a year: every line, the cap, what is left."""

    uscc: str
    year: int
    scheme_id: str
    cap_fen: int
    granted_fen: int
    headroom_fen: int
    lines: list[SubsidyLineRead]


class PayableRow(BaseModel):
    bank_id: str
    uscc: str
    repayments: int
    subsidy_fen: int


class Payables(BaseModel):
    """What the city owes per bank and enterprise for repayments paid in a quarter."""

    quarter: str
    total_fen: int
    rows: list[PayableRow]


class RowError(BaseModel):
    row: int = Field(description="as a spreadsheet numbers it (the header is row 1)")
    field: str
    message: str


class RepaymentFileResult(BaseModel):
    recorded: int
    already_recorded: int
    subsidy_fen: int
    rejected: list[RowError] = Field(description="rows not recorded, with the reason; the others were")
