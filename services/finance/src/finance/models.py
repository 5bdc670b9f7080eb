"""Finance tables (typed rows)."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, Index, Integer, String, Text
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from contracts.api.finance import ProductDefinition, RuleResult
from contracts.api.subsidies import ExplanationLine
from readmodels.models import KnownEnterpriseFields, KnownLevelChangeFields, KnownProjectFields
from servicekit.db import DecimalText, JSONText, UTCDateTime
from servicekit.tables import runtime_tables


class FinanceTable(SQLModel, registry=registry()):
    """Base of every finance table: finance's own metadata (one database per service)."""


metadata = FinanceTable.metadata
tables = runtime_tables(metadata)


class KnownProject(KnownProjectFields, FinanceTable, table=True):
    __tablename__ = "known_projects"


class KnownLevelChange(KnownLevelChangeFields, FinanceTable, table=True):
    __tablename__ = "known_level_changes"


class EnterpriseFacts(KnownEnterpriseFields, FinanceTable, table=True):
    """An enterprise as finance knows it from the registry's enterprise events: the shared read model
    (GET /v1/known-enterprises) and what eligibility rules need, in one row (readmodels.handlers)."""

    __tablename__ = "enterprise_facts"

    key_industry_id: int | None = Field(default=None, sa_type=Integer)
    sub_industry: str | None = Field(default=None, sa_type=String(100))
    size_class: str | None = Field(default=None, sa_type=String(8))
    above_scale: bool | None = None
    tier: str | None = Field(default=None, sa_type=String(16))
    chain_platforms: list[str] = Field(default_factory=list, sa_type=JSONText(list[str]))


class EnterpriseStanding(FinanceTable, table=True):
    """An enterprise's projects, latest final level, latest level change and designations in one row, kept by
    the consumers in the batch that changes them (finance.facts.standing): a bank's query reads this row
    instead of aggregating four tables per request."""

    __tablename__ = "enterprise_standings"

    uscc: str = Field(primary_key=True, sa_type=String(18))
    projects: int = Field(sa_type=Integer)
    furthest: int | None = Field(default=None, sa_type=Integer)  # the furthest project's stage, as its ordinal
    final_level: int | None = Field(default=None, sa_type=Integer)  # of the latest final assessment
    t0_level: int | None = Field(default=None, sa_type=Integer)  # of the latest measured level change
    t1_level: int | None = Field(default=None, sa_type=Integer)
    level_delta: int | None = Field(default=None, sa_type=Integer)
    lighthouse: bool  # holds a 小灯塔工厂 designation not revoked
    benchmark: bool  # holds a 标杆 designation not revoked


class FinalAssessment(FinanceTable, table=True):
    """A final digital-level assessment (the assessment service's `assessment.assessment.finalised`)."""

    __tablename__ = "final_assessments"

    assessment_id: str = Field(primary_key=True, sa_type=String(40))
    uscc: str = Field(sa_type=String(18), index=True)
    level: int = Field(sa_type=Integer)
    finalised_at: datetime = Field(sa_type=UTCDateTime())


class ProductVersion(FinanceTable, table=True):
    """One published version of a product's rules; never changed once stored."""

    __tablename__ = "product_versions"

    product_id: str = Field(primary_key=True, sa_type=String(40))
    version: int = Field(primary_key=True, sa_type=Integer)
    definition: ProductDefinition = Field(sa_type=JSONText(ProductDefinition))
    published_at: datetime = Field(sa_type=UTCDateTime())
    published_by: str = Field(sa_type=String(64))


class Consent(FinanceTable, table=True):
    """An enterprise's consent that a bank may query its eligibility for a product, until a date."""

    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_holder", "uscc", "bank_id", "product_id"),)

    consent_id: str = Field(primary_key=True, sa_type=String(40))
    uscc: str = Field(sa_type=String(18))
    district_code: str = Field(sa_type=String(8), index=True)
    bank_id: str = Field(sa_type=String(64), index=True)
    product_id: str = Field(sa_type=String(40))
    valid_until: date = Field(sa_type=Date)
    paper_form_sha256: str | None = Field(default=None, sa_type=String(64))
    granted_at: datetime = Field(sa_type=UTCDateTime())
    granted_by: str = Field(sa_type=String(64))
    granted_by_role: str = Field(sa_type=String(16))
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    revoked_by: str | None = Field(default=None, sa_type=String(64))
    revocation_reason: str | None = Field(default=None, sa_type=Text)


class EligibilityQuery(FinanceTable, table=True):
    """A bank's eligibility query, answered or refused, and what the bank was told."""

    __tablename__ = "eligibility_queries"
    __table_args__ = (Index("ix_eligibility_queries_uscc", "uscc", "asked_at"),)

    query_id: str = Field(primary_key=True, sa_type=String(40))
    uscc: str = Field(sa_type=String(18))
    bank_id: str = Field(sa_type=String(64))
    client_id: str = Field(sa_type=String(64))
    product_id: str = Field(sa_type=String(40))
    product_version: int | None = Field(default=None, sa_type=Integer)
    asked_at: datetime = Field(sa_type=UTCDateTime())
    outcome: str = Field(sa_type=String(16))
    eligible: bool | None = None
    told: str = Field(sa_type=Text)


class Loan(FinanceTable, table=True):
    """A loan from application to repayment; the product version and the eligibility it was applied under."""

    __tablename__ = "loans"

    loan_id: str = Field(primary_key=True, sa_type=String(40))
    uscc: str = Field(sa_type=String(18), index=True)
    district_code: str = Field(sa_type=String(8), index=True)
    bank_id: str = Field(sa_type=String(64), index=True)
    product_id: str = Field(sa_type=String(40))
    product_version: int = Field(sa_type=Integer)
    eligible_when_applied: bool
    unmet_when_applied: list[str] = Field(default_factory=list, sa_type=JSONText(list[str]))
    status: str = Field(sa_type=String(16))
    amount_requested_fen: int = Field(sa_type=BigInteger)
    term_months: int = Field(sa_type=Integer)
    project_id: str | None = Field(default=None, sa_type=String(40))
    purpose: str = Field(sa_type=Text)
    applied_at: datetime = Field(sa_type=UTCDateTime())
    applied_by_role: str = Field(sa_type=String(16))
    amount_fen: int | None = Field(default=None, sa_type=BigInteger)
    annual_rate: Decimal | None = Field(default=None, sa_type=DecimalText(12))
    approved_term_months: int | None = Field(default=None, sa_type=Integer)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    rejection_reason: str | None = Field(default=None, sa_type=Text)
    disbursed_on: date | None = Field(default=None, sa_type=Date)
    defaulted_on: date | None = Field(default=None, sa_type=Date)


class LoanRepayment(FinanceTable, table=True):
    """A repayment as the bank reported it; (bank, reference) is stored once however often it is sent."""

    __tablename__ = "repayments"

    bank_id: str = Field(primary_key=True, sa_type=String(64))
    bank_ref: str = Field(primary_key=True, sa_type=String(64))
    loan_id: str = Field(sa_type=String(40), index=True)
    period_start: date = Field(sa_type=Date)
    period_end: date = Field(sa_type=Date)
    paid_on: date = Field(sa_type=Date)
    principal_fen: int = Field(sa_type=BigInteger)
    interest_fen: int = Field(sa_type=BigInteger)
    recorded_at: datetime = Field(sa_type=UTCDateTime())


class InterestSubsidyLine(FinanceTable, table=True):
    """The interest subsidy for one repayment and one calendar year its period touched."""

    __tablename__ = "interest_subsidy_lines"
    __table_args__ = (Index("ix_interest_subsidy_lines_holder", "uscc", "year"),)

    bank_id: str = Field(primary_key=True, sa_type=String(64))
    bank_ref: str = Field(primary_key=True, sa_type=String(64))
    year: int = Field(primary_key=True, sa_type=Integer)
    loan_id: str = Field(sa_type=String(40))
    uscc: str = Field(sa_type=String(18))
    paid_on: date = Field(sa_type=Date, index=True)
    days: int = Field(sa_type=Integer)
    subsidised_days: int = Field(sa_type=Integer)
    interest_fen: int = Field(sa_type=BigInteger)
    uncapped_fen: int = Field(sa_type=BigInteger)
    subsidy_fen: int = Field(sa_type=BigInteger)
    note: str = Field(sa_type=Text)
    scheme_id: str = Field(sa_type=String(40))
    scheme_version: int = Field(sa_type=Integer)


class TransformationSubsidy(FinanceTable, table=True):
    """A transformation subsidy (奖补) decision: the rules, the amount and every step that led to it."""

    __tablename__ = "transformation_subsidies"

    subsidy_id: str = Field(primary_key=True, sa_type=String(40))
    uscc: str = Field(sa_type=String(18), index=True)
    district_code: str = Field(sa_type=String(8), index=True)
    project_id: str = Field(sa_type=String(40), index=True)
    product_id: str = Field(sa_type=String(40))
    product_version: int = Field(sa_type=Integer)
    status: str = Field(sa_type=String(16))
    investment_fen: int = Field(sa_type=BigInteger)
    verified_fen: int = Field(sa_type=BigInteger)
    amount_fen: int = Field(sa_type=BigInteger)
    rules: list[RuleResult] = Field(sa_type=JSONText(list[RuleResult]))
    explanation: list[ExplanationLine] = Field(sa_type=JSONText(list[ExplanationLine]))
    applied_at: datetime = Field(sa_type=UTCDateTime())
    applied_by: str = Field(sa_type=String(64))
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    paid_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    withheld_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    withheld_reason: str | None = Field(default=None, sa_type=Text)


class FundedInvoice(FinanceTable, table=True):
    """An invoice that funded something: the same number is never funded twice."""

    __tablename__ = "funded_invoices"

    number: str = Field(primary_key=True, sa_type=String(64))
    uscc: str = Field(sa_type=String(18))
    funding: str = Field(sa_type=String(40))
    amount_fen: int = Field(sa_type=BigInteger)


class FundingFlag(FinanceTable, table=True):
    """A possible double funding for the city to resolve."""

    __tablename__ = "funding_flags"

    flag_id: str = Field(primary_key=True, sa_type=String(40))
    uscc: str = Field(sa_type=String(18), index=True)
    kind: str = Field(sa_type=String(32))
    fundings: list[str] = Field(sa_type=JSONText(list[str]))
    detail: str = Field(sa_type=Text)
    raised_at: datetime = Field(sa_type=UTCDateTime())
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    resolution: str | None = Field(default=None, sa_type=Text)


class FlagSeen(FinanceTable, table=True):
    """What a raised flag was about (its kind and what it names): the same finding is flagged once, however
    often the checks that find it run again (a redelivered event, a second application)."""

    __tablename__ = "flag_signatures"

    signature: str = Field(primary_key=True, sa_type=String(400))
    flag_id: str = Field(sa_type=String(40))


class Designation(FinanceTable, table=True):
    """A 小灯塔工厂 or 标杆 designation (assessment.designation.granted / .revoked): a fact rules may name."""

    __tablename__ = "designations"

    designation_id: str = Field(primary_key=True, sa_type=String(40))
    uscc: str = Field(sa_type=String(18), index=True)
    kind: str = Field(sa_type=String(16))
    designated_at: datetime = Field(sa_type=UTCDateTime())
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    revoked_reason: str | None = Field(default=None, sa_type=Text)


class KnownSolution(FinanceTable, table=True):
    """A listed solution's provider and scenes (catalog.solution.listed): what an adoption supports."""

    __tablename__ = "known_solutions"

    solution_id: str = Field(primary_key=True, sa_type=String(40))
    provider_id: str = Field(sa_type=String(40))
    scenes: list[str] = Field(default_factory=list, sa_type=JSONText(list[str]))
    revision: int = Field(sa_type=Integer)


class KnownAdoption(FinanceTable, table=True):
    """An enterprise adopted a solution, within a project when it names one (catalog.adoption.recorded)."""

    __tablename__ = "known_adoptions"

    adoption_id: str = Field(primary_key=True, sa_type=String(40))
    uscc: str = Field(sa_type=String(18), index=True)
    solution_id: str = Field(sa_type=String(40))
    provider_id: str = Field(sa_type=String(40))
    project_id: str | None = Field(default=None, sa_type=String(40), index=True)
    adopted_on: date = Field(sa_type=Date)
