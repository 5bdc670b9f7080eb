"""Finance API objects: products as versioned rule sets, consents, and eligibility answers for banks.

Money is in fen (分, integers) everywhere; rates and shares are exact decimals.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, Field, model_validator

from contracts.api.base import InputModel
from contracts.api.journey import Stage
from contracts.api.profile import SizeClass
from contracts.fields import USCC

Slug = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,39}$", description="lower-case letters, digits, hyphens")]
BankId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
Fen = Annotated[int, Field(ge=0, le=10**14, description="money in fen (分)")]
Share = Annotated[Decimal, Field(ge=0, le=1, max_digits=6, decimal_places=4)]


class ProductKind(StrEnum):
    LOAN = "loan"  # 渝链贷, the special digital-transformation loan
    INTEREST_SUBSIDY = "interest_subsidy"  # 贴息
    TRANSFORMATION_SUBSIDY = "transformation_subsidy"  # 奖补


class Fact(StrEnum):
    """What finance knows of an enterprise, from other services' events (no call on the request path)."""

    REGISTERED = "registered"  # in the programme (the registry's enterprise events)
    DISTRICT_CODE = "district_code"
    INDUSTRY_DIVISION = "industry_division"  # GB/T 4754 division, e.g. C36
    KEY_INDUSTRY_ID = "key_industry_id"  # the work plan's key industries (1-11)
    SUB_INDUSTRY = "sub_industry"
    SIZE_CLASS = "size_class"
    ABOVE_SCALE = "above_scale"  # 规上
    TIER = "tier"  # little_giant, specialised, innovative
    CHAIN_MEMBER = "chain_member"  # on at least one chain-leader platform (链主平台)
    HAS_PROJECT = "has_project"  # a filed transformation project
    FURTHEST_STAGE = "furthest_stage"  # the furthest stage any of its projects reached
    HAS_FINAL_ASSESSMENT = "has_final_assessment"
    LATEST_LEVEL = "latest_level"  # of its latest final assessment, 0-4
    T0_LEVEL = "t0_level"  # of its latest measured project (T0 → T1)
    T1_LEVEL = "t1_level"
    LEVEL_DELTA = "level_delta"
    LIGHTHOUSE = "lighthouse"  # holds a 小灯塔工厂 designation that was not revoked
    BENCHMARK = "benchmark"  # holds a 数字化转型标杆 designation that was not revoked


BOOLEAN_FACTS = frozenset(
    {
        Fact.REGISTERED,
        Fact.ABOVE_SCALE,
        Fact.CHAIN_MEMBER,
        Fact.HAS_PROJECT,
        Fact.HAS_FINAL_ASSESSMENT,
        Fact.LIGHTHOUSE,
        Fact.BENCHMARK,
    }
)
NUMBER_FACTS = frozenset({Fact.KEY_INDUSTRY_ID, Fact.LATEST_LEVEL, Fact.T0_LEVEL, Fact.T1_LEVEL, Fact.LEVEL_DELTA})


class Op(StrEnum):
    IS_TRUE = "is_true"
    IS_FALSE = "is_false"
    EQ = "eq"
    IN = "in"
    NOT_IN = "not_in"
    GE = "ge"
    GT = "gt"
    LE = "le"
    STAGE_AT_LEAST = "stage_at_least"


class Condition(InputModel):
    """One rule: `fact op value`, with what it checks in plain Chinese and English."""

    id: Slug
    fact: Fact
    op: Op
    value: bool | int | str | list[int | str] | None = None
    label_zh: str = Field(min_length=1, max_length=200)
    label_en: str = Field(min_length=1, max_length=200)
    assumption: bool = Field(False, description="true: not in the programme documents; the city may correct it")

    @model_validator(mode="after")
    def _fits(self) -> Condition:
        problem = _misfit(self.fact, self.op, self.value)
        if problem:
            raise ValueError(f"condition {self.id!r}: {problem}")
        return self


def _misfit(fact: Fact, op: Op, value: Any) -> str | None:
    if op in (Op.IS_TRUE, Op.IS_FALSE):
        return None if fact in BOOLEAN_FACTS and value is None else f"{op} takes a yes/no fact and no value"
    if value is None:
        return f"{op} needs a value"
    if op in (Op.GE, Op.GT, Op.LE):
        return None if fact in NUMBER_FACTS and type(value) is int else f"{op} takes a number fact and an integer"
    if op is Op.STAGE_AT_LEAST:
        ok = fact is Fact.FURTHEST_STAGE and isinstance(value, str) and value in {s.value for s in Stage}
        return None if ok else f"{op} takes furthest_stage and a stage name"
    if op in (Op.IN, Op.NOT_IN):
        return None if isinstance(value, list) and value else f"{op} needs a non-empty list"
    return None if not isinstance(value, list) else f"{op} needs one value, not a list"


class Terms(InputModel):
    """Limits, rates, shares and caps; `assumptions` names each term not taken from a programme document."""

    limit_fen_by_size: dict[SizeClass, Fen] = Field(default_factory=dict, description="loans: suggested limit")
    limit_fen_default: Fen | None = Field(None, description="loans: when the size class is unknown")
    annual_rate: Decimal | None = Field(None, ge=0, le=1, max_digits=7, decimal_places=6)
    term_months_max: int | None = Field(None, ge=1, le=360)
    subsidy_share: Share | None = Field(None, description="subsidies: share of the interest paid or the investment")
    subsidy_cap_fen: Fen | None = Field(None, description="subsidies: cap per enterprise (per year for interest)")
    subsidised_loans: list[Slug] = Field(
        default_factory=list, max_length=20, description="interest subsidy: the loan products whose interest it shares"
    )
    assumptions: list[str] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _known_names(self) -> Terms:
        unknown = sorted(set(self.assumptions) - (set(Terms.model_fields) - {"assumptions", "subsidised_loans"}))
        if unknown:
            raise ValueError(f"assumptions name terms that do not exist: {', '.join(unknown)}")
        return self


class ProductDefinition(InputModel):
    """A product as the city publishes it (`POST /v1/products`): each publication is a new version."""

    product_id: Slug
    kind: ProductKind
    name_zh: str = Field(min_length=1, max_length=100)
    name_en: str = Field(min_length=1, max_length=100)
    source: str = Field(min_length=1, max_length=500, description="the document the rules come from")
    conditions: list[Condition] = Field(min_length=1, max_length=50)
    terms: Terms

    @model_validator(mode="after")
    def _fits_kind(self) -> ProductDefinition:
        ids = [c.id for c in self.conditions]
        if len(set(ids)) != len(ids):
            raise ValueError("condition ids must be unique")
        subsidy = self.kind is not ProductKind.LOAN
        if subsidy and (self.terms.subsidy_share is None or self.terms.subsidy_cap_fen is None):
            raise ValueError("a subsidy needs terms.subsidy_share and terms.subsidy_cap_fen")
        if (self.kind is ProductKind.INTEREST_SUBSIDY) != bool(self.terms.subsidised_loans):
            raise ValueError("terms.subsidised_loans names the loans of an interest subsidy, and only of one")
        if not subsidy and not (self.terms.limit_fen_by_size or self.terms.limit_fen_default is not None):
            raise ValueError("a loan needs terms.limit_fen_by_size or terms.limit_fen_default")
        return self


class ProductRead(ProductDefinition):
    version: int
    published_at: datetime
    published_by: str


class RuleResult(BaseModel):
    id: str
    passed: bool
    reason_zh: str
    reason_en: str


class EligibilityAnswer(BaseModel):
    """What a bank is told: eligible or not, each rule with its reason, the limit and the headroom."""

    query_id: str
    uscc: USCC
    product_id: str
    product_version: int
    eligible: bool
    rules: list[RuleResult]
    suggested_limit_fen: int | None = Field(description="loans: by size class; null for subsidies")
    subsidy_cap_fen: int | None
    subsidy_headroom_fen: int | None = Field(description="the cap less the support finance has recorded")
    asked_at: datetime


class ConsentCreate(InputModel):
    """An enterprise grants a bank access for one product until a date (its own `uscc` may be left out); a
    district authority records a consent given on paper, with the scanned form's SHA-256."""

    uscc: USCC | None = None
    bank_id: BankId
    product_id: Slug
    valid_until: date
    paper_form_sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$")


class ConsentRevocation(InputModel):
    reason: str = Field(min_length=1, max_length=500)


class ConsentRead(BaseModel):
    consent_id: str
    uscc: str
    district_code: str
    bank_id: str
    product_id: str
    valid_until: date
    paper_form_sha256: str | None
    granted_at: datetime
    granted_by: str
    granted_by_role: str
    revoked_at: datetime | None
    revoked_by: str | None
    revocation_reason: str | None
    active: bool


class QueryOutcome(StrEnum):
    ANSWERED = "answered"
    REFUSED = "refused"


class EligibilityQueryRead(BaseModel):
    """One bank query about an enterprise, answered or refused, and what the bank was told."""

    query_id: str
    uscc: str
    bank_id: str
    client_id: str
    product_id: str
    product_version: int | None
    asked_at: datetime
    outcome: QueryOutcome
    eligible: bool | None
    told: str = Field(description="refused: the reason; answered: the failed rules, or 'eligible'")
