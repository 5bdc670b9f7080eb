"""Events owned by the finance service."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from pydantic import Field

from contracts.envelope import Event
from contracts.fields import USCC, DistrictCode
from contracts.topics import CONSENTS, LOANS, SUBSIDIES, TopicSpec


class _OfAConsent(Event):
    """What every consent event says: which consent, whose, in which unit, for which bank and product."""

    TOPIC: ClassVar[TopicSpec] = CONSENTS
    KEY_FIELD: ClassVar[str] = "uscc"

    consent_id: str
    uscc: USCC
    district_code: DistrictCode
    bank_id: str
    product_id: str


class ConsentGranted(_OfAConsent):
    """An enterprise let a bank query its eligibility for a product until a date."""

    TYPE: ClassVar[str] = "finance.consent.granted"
    VERSION: ClassVar[int] = 1

    valid_until: date
    on_paper: bool = Field(description="recorded by the district authority from a signed form")
    granted_at: datetime


class ConsentRevoked(_OfAConsent):
    """A consent was withdrawn: the bank's queries are refused from this moment."""

    TYPE: ClassVar[str] = "finance.consent.revoked"
    VERSION: ClassVar[int] = 1

    reason: str
    revoked_at: datetime


class _OfALoan(Event):
    """What every loan event says: which loan, whose, in which unit, at which bank."""

    TOPIC: ClassVar[TopicSpec] = LOANS
    KEY_FIELD: ClassVar[str] = "uscc"

    loan_id: str
    uscc: USCC
    district_code: DistrictCode
    bank_id: str


class LoanApplied(_OfALoan):
    """An enterprise (or its bank on its behalf) applied for a loan product; eligibility as it stood then."""

    TYPE: ClassVar[str] = "finance.loan.applied"
    VERSION: ClassVar[int] = 1

    product_id: str
    product_version: int
    amount_requested_fen: int = Field(ge=0)
    eligible: bool
    applied_at: datetime


class LoanDecided(_OfALoan):
    """The bank approved (amount, rate, term) or rejected (reason) an application."""

    TYPE: ClassVar[str] = "finance.loan.decided"
    VERSION: ClassVar[int] = 1

    product_id: str
    approved: bool
    amount_fen: int | None = None
    annual_rate: Decimal | None = None
    term_months: int | None = None
    reason: str | None = None
    decided_at: datetime


class LoanDisbursed(_OfALoan):
    TYPE: ClassVar[str] = "finance.loan.disbursed"
    VERSION: ClassVar[int] = 1

    product_id: str
    amount_fen: int = Field(ge=0)
    disbursed_on: date


class LoanDefaulted(_OfALoan):
    """The bank declared the loan in default: its interest is not subsidised from that day."""

    TYPE: ClassVar[str] = "finance.loan.defaulted"
    VERSION: ClassVar[int] = 1

    defaulted_on: date
    reason: str


class RepaymentRecorded(_OfALoan):
    TYPE: ClassVar[str] = "finance.repayment.recorded"
    VERSION: ClassVar[int] = 1

    bank_ref: str
    period_start: date
    period_end: date
    paid_on: date
    principal_fen: int = Field(ge=0)
    interest_fen: int = Field(ge=0)


class InterestSubsidyComputed(_OfALoan):
    """The interest subsidy granted for one repayment (the sum over the years its period touched)."""

    TYPE: ClassVar[str] = "finance.interest-subsidy.computed"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[TopicSpec] = SUBSIDIES

    bank_ref: str
    paid_on: date
    scheme_id: str
    scheme_version: int
    subsidy_fen: int = Field(ge=0)
    capped_fen: int = Field(ge=0, description="what the year's cap or a default withheld")


class _OfASubsidy(Event):
    TOPIC: ClassVar[TopicSpec] = SUBSIDIES
    KEY_FIELD: ClassVar[str] = "uscc"

    subsidy_id: str
    uscc: USCC
    district_code: DistrictCode
    project_id: str


class SubsidyDecided(_OfASubsidy):
    """A transformation subsidy computed (or found not eligible), approved or paid: `status` says which."""

    TYPE: ClassVar[str] = "finance.subsidy.decided"
    VERSION: ClassVar[int] = 1

    product_id: str
    product_version: int
    status: str = Field(description="computed, not_eligible, approved or paid")
    amount_fen: int = Field(ge=0)
    at: datetime


class SubsidyWithheld(_OfASubsidy):
    """An unpaid subsidy clawed back: a new measurement no longer meets its level conditions."""

    TYPE: ClassVar[str] = "finance.subsidy.withheld"
    VERSION: ClassVar[int] = 1

    amount_fen: int = Field(ge=0)
    reason: str
    at: datetime


class FundingFlagRaised(Event):
    """A possible double funding, naming both fundings, for the city to resolve."""

    TYPE: ClassVar[str] = "finance.funding-flag.raised"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[TopicSpec] = SUBSIDIES
    KEY_FIELD: ClassVar[str] = "uscc"

    flag_id: str
    uscc: USCC
    kind: str
    fundings: list[str]
    detail: str
    raised_at: datetime


class FundingFlagResolved(Event):
    TYPE: ClassVar[str] = "finance.funding-flag.resolved"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[TopicSpec] = SUBSIDIES
    KEY_FIELD: ClassVar[str] = "uscc"

    flag_id: str
    uscc: USCC
    resolution: str
    resolved_at: datetime
