"""Providers (服务商) and the 8-stage transformation journey (附件1/附件2 of the work plan)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from contracts.api.base import InputModel
from contracts.api.identity import Role
from contracts.fields import USCC


class Stage(StrEnum):
    DIAGNOSIS = "diagnosis"  # 诊断评估
    STRATEGY = "strategy"  # 战略规划
    DESIGN = "design"  # 方案设计
    IMPLEMENTATION = "implementation"  # 项目实施
    POLICY = "policy"  # 优惠政策申报
    EVALUATION = "evaluation"  # 成效评估
    PROMOTION = "promotion"  # 宣传推广
    OPERATION = "operation"  # 运维迭代


STAGES: tuple[Stage, ...] = tuple(Stage)
STAGE_NAMES = {
    Stage.DIAGNOSIS: "诊断评估",
    Stage.STRATEGY: "战略规划",
    Stage.DESIGN: "方案设计",
    Stage.IMPLEMENTATION: "项目实施",
    Stage.POLICY: "优惠政策申报",
    Stage.EVALUATION: "成效评估",
    Stage.PROMOTION: "宣传推广",
    Stage.OPERATION: "运维迭代",
}
# Who completes each stage (moving the project on): the work plan's duties. The city authority may always.
STAGE_OWNERS: dict[Stage, frozenset[Role]] = {
    Stage.DIAGNOSIS: frozenset({Role.EXPERT}),  # expert/agency survey, T0 level
    Stage.STRATEGY: frozenset({Role.ENTERPRISE, Role.PROVIDER}),
    Stage.DESIGN: frozenset({Role.PROVIDER}),  # plan; the implementing provider is chosen
    Stage.IMPLEMENTATION: frozenset({Role.PROVIDER}),
    Stage.POLICY: frozenset({Role.ENTERPRISE, Role.DISTRICT}),  # subsidies, loans
    Stage.EVALUATION: frozenset({Role.EXPERT}),  # on site, before/after, T1 level
    Stage.PROMOTION: frozenset({Role.DISTRICT}),  # case write-up, replication
    Stage.OPERATION: frozenset(),  # the last stage: nothing follows
}


class ProviderStatus(StrEnum):
    APPLIED = "applied"
    APPROVED = "approved"
    SUSPENDED = "suspended"


class ServiceCategory(StrEnum):
    DIAGNOSIS = "diagnosis"
    PLANNING = "planning"
    SOLUTION = "solution"  # 小快轻准 products and solutions
    IMPLEMENTATION = "implementation"
    OPERATION = "operation"
    TRAINING = "training"
    PLATFORM = "platform"  # industrial-internet platform


class ProviderCreate(InputModel):
    name: str = Field(min_length=1, max_length=200)
    uscc: USCC
    categories: list[ServiceCategory] = Field(min_length=1, max_length=7)
    platforms: list[str] = Field(default_factory=list, max_length=20, description="platforms the provider operates")


class ProviderStatusChange(InputModel):
    status: ProviderStatus
    reason: str = Field(min_length=2, max_length=500)


class ProviderRead(BaseModel):
    provider_id: str
    name: str
    uscc: str
    categories: list[ServiceCategory]
    platforms: list[str]
    status: ProviderStatus
    status_reason: str | None
    created_at: datetime
    status_changed_at: datetime


class Evidence(InputModel):
    """Metadata of a document backing a transition (the file itself lives elsewhere)."""

    kind: str = Field(min_length=1, max_length=50, examples=["diagnosis-report"])
    title: str = Field(min_length=1, max_length=200)
    uri: str | None = Field(None, max_length=500)
    sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$")


class ProjectCreate(InputModel):
    uscc: USCC
    provider_id: str = Field(min_length=1, max_length=40)
    planned_solutions: list[str] = Field(default_factory=list, max_length=50)
    title: str = Field(min_length=1, max_length=200)


class TransitionCreate(InputModel):
    to_stage: Stage
    evidence: list[Evidence] = Field(default_factory=list, max_length=20)
    note: str | None = Field(None, max_length=1000)


class TransitionRead(BaseModel):
    seq: int
    from_stage: Stage | None
    to_stage: Stage
    at: datetime
    actor: str
    role: Role
    evidence: list[Evidence]
    note: str | None


class ProjectRead(BaseModel):
    project_id: str
    uscc: str
    district_code: str
    provider_id: str
    title: str
    planned_solutions: list[str]
    stage: Stage
    stage_name: str
    stage_entered_at: datetime
    days_in_stage: float
    allowed_next: list[Stage]
    created_at: datetime
