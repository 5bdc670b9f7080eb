"""小灯塔工厂 and 数字化转型标杆 evaluations (work plan annex 4, tables 1 and 2): schemes as data,
an evaluation of a candidate against one, and the city's designations."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from contracts.api.base import InputModel
from contracts.api.schemes import Id, SchemeId, Strict
from contracts.fields import USCC


class Category(Strict):
    id: Id
    name: str


class Indicator(Strict):
    """A capability checked on site (e.g. 数据采集: DCS/SCADA with real-time equipment monitoring)."""

    id: Id
    name: str
    group: str = Field(description="first-level indicator, e.g. 数字化技术应用")
    description: str = ""


class EvaluationScene(Strict):
    id: Id
    name: str
    exploratory: bool = Field(False, description="探索性 scenes (AIGC, digital twin…)")


class Figure(Strict):
    id: Id
    name: str
    unit: str = ""


class EvaluationRules(Strict):
    """What a candidate must show to pass; every number is data."""

    min_scenes: int = Field(0, ge=0, description="scenes formed, at least")
    min_figures: dict[str, Decimal] = Field(
        default_factory=dict, description="figure → minimum (e.g. upload_rate 0.90)"
    )
    required_indicators: list[str] = Field(default_factory=list)
    min_indicators: int = Field(0, ge=0, description="indicators met, at least")
    min_level: int | None = Field(None, ge=1, le=4, description="digital level of the latest final assessment")
    replicable_scene: bool = Field(False, description="a 可复制推广 scene must be named")


class EvaluationScheme(Strict):
    scheme_id: SchemeId
    version: int = Field(ge=1)
    kind: Literal["evaluation"] = "evaluation"
    designation: str = Field(description="what passing candidates may be designated: lighthouse or benchmark")
    title: str
    source: str
    notes: str = ""
    categories: list[Category] = Field(min_length=1)
    indicators: list[Indicator] = Field(min_length=1)
    scenes: list[EvaluationScene] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    rules: EvaluationRules

    @model_validator(mode="after")
    def _consistent(self) -> EvaluationScheme:
        indicators = {i.id for i in self.indicators}
        figures = {f.id for f in self.figures}
        problems = [
            f"required indicator {r} is not an indicator" for r in self.rules.required_indicators if r not in indicators
        ]
        problems += [f"rule on unknown figure {f}" for f in self.rules.min_figures if f not in figures]
        if self.rules.min_scenes > len(self.scenes):
            problems.append(f"min_scenes {self.rules.min_scenes} exceeds the {len(self.scenes)} scenes listed")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class EvaluationCreate(InputModel):
    """A candidate's evidence, as verified on site."""

    uscc: USCC
    scheme_id: str = Field(max_length=40, examples=["lighthouse-2024"])
    scheme_version: int | None = Field(None, ge=1)
    category: str = Field(max_length=40)
    indicators: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=100)
    scenes: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=100)
    figures: dict[
        Annotated[str, Field(max_length=40)], Annotated[Decimal, Field(ge=0, max_digits=20, decimal_places=6)]
    ] = Field(default_factory=dict, max_length=50)
    replicable_scene: str | None = Field(None, max_length=300, description="可复制推广场景, as named by the candidate")
    note: str | None = Field(None, max_length=1000)


class Check(BaseModel):
    rule: str
    passed: bool
    detail: str


class Outcomes(BaseModel):
    """Changes computed from the before/after figures (null where a figure is missing)."""

    efficiency_gain: Decimal | None = Field(None, description="生产效率提升: efficiency_after − efficiency_before")
    efficiency_gain_share: Decimal | None = Field(None, description="the same, relative to before")
    cost_reduction: Decimal | None = Field(None, description="成本降低: 1 − cost_after ÷ cost_before")
    defect_rate_reduction: Decimal | None = Field(
        None, description="产品不良率降低: defect_rate_before − defect_rate_after"
    )


class EvaluationRead(BaseModel):
    evaluation_id: str
    uscc: str
    district_code: str
    scheme_id: str
    scheme_version: int
    designation: str
    category: str
    indicators: list[str]
    scenes: list[str]
    figures: dict[str, Decimal]
    replicable_scene: str | None
    level: int | None = Field(description="digital level of the enterprise's latest final assessment, if any")
    passed: bool
    checks: list[Check]
    outcomes: Outcomes
    evaluated_at: datetime
    evaluated_by: str
    designation_id: str | None = None


class DesignationKind(StrEnum):
    LIGHTHOUSE = "lighthouse"  # 小灯塔工厂
    BENCHMARK = "benchmark"  # 数字化转型标杆


class DesignationCreate(InputModel):
    evaluation_id: str = Field(max_length=40)
    batch: str = Field(min_length=1, max_length=100, examples=["2026年第一批"])


class DesignationRead(BaseModel):
    designation_id: str
    kind: DesignationKind
    category: str
    uscc: str
    district_code: str
    evaluation_id: str
    batch: str
    designated_at: datetime
    designated_by: str
    revoked_at: datetime | None = None
    revocation_reason: str | None = None


class Revocation(InputModel):
    reason: str = Field(min_length=2, max_length=500, examples=["复核不达标"])
