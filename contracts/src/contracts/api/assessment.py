"""Digital-level assessment: answers, the scored result, lifecycle objects, improvement guidance."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from contracts.api.base import InputModel
from contracts.fields import USCC

ItemKey = Annotated[str, Field(max_length=40)]


class AnswerSet(InputModel):
    """Answers to a scheme's questionnaire; any part may be partial while the assessment is a draft."""

    model_config = ConfigDict(extra="forbid")

    choices: dict[ItemKey, list[Annotated[str, Field(max_length=40)]]] = Field(
        default_factory=dict, description="item id → chosen option ids", max_length=200
    )
    figures: dict[ItemKey, Annotated[Decimal, Field(ge=0, max_digits=20, decimal_places=4)]] = Field(
        default_factory=dict,
        description="raw figures (equipment counts, revenue, energy, pass rates…) the scheme derives options from",
        max_length=200,
    )
    scene_levels: dict[ItemKey, int] = Field(
        default_factory=dict, description="business scene id → level (0 = not reached 一级)", max_length=100
    )


class ItemScore(BaseModel):
    item_id: str
    name: str
    dimension: str
    subdimension: str
    options: list[str]
    derived: bool = Field(description="the option was derived from the figures")
    points: Decimal
    max_points: Decimal


class PartScore(BaseModel):
    id: str
    name: str
    points: Decimal
    max_points: Decimal


class SceneScore(BaseModel):
    scene_id: str
    name: str
    group: str
    constrained: bool
    level: int


class Missing(BaseModel):
    kind: str = Field(description="score, scenes or constrained_scenes")
    need: Decimal
    have: Decimal
    short: Decimal
    message: str
    message_zh: str


class LevelGap(BaseModel):
    level: int
    name: str
    missing: list[Missing]


class Score(BaseModel):
    """A questionnaire scored on one scheme version."""

    scheme_id: str
    scheme_version: int
    total: Decimal
    max_total: Decimal
    level: int = Field(description="0 (below 一级) to 4")
    level_name: str
    dimensions: list[PartScore]
    subdimensions: list[PartScore]
    items: list[ItemScore]
    scenes: list[SceneScore]
    gaps: list[LevelGap] = Field(description="for each level above this one, exactly what is missing")
    unanswered: list[str] = Field(description="items without an answer (worth 0 until answered)")


class Step(BaseModel):
    """One step of improvement guidance."""

    kind: str = Field(description="item or scene")
    id: str
    name: str
    current: str = Field(description="current option(s) or level")
    to: str = Field(description="the option to add or choose, or the next level")
    points_gained: Decimal = Field(Decimal(0), description="items: points the step adds")
    helps_next_level: bool = Field(description="the step closes part of the gap to the next level")


class AssessmentStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    FINAL = "final"


class Source(StrEnum):
    SELF = "self"  # self-assessment by the enterprise
    ON_SITE = "on_site"  # rated on site by an expert (pilot cities)


class Phase(StrEnum):
    T0 = "T0"  # before transformation, at project filing
    T1 = "T1"  # after transformation, at acceptance


class AssessmentCreate(BaseModel):
    uscc: USCC
    scheme_id: str = Field("miit-2024", max_length=40)
    scheme_version: int | None = Field(None, ge=1, description="default: the latest published version")
    project_id: str | None = Field(None, max_length=40, description="the transformation project it measures")
    phase: Phase | None = Field(None, description="T0 (at filing) or T1 (at acceptance); needs project_id")
    answers: AnswerSet = Field(default_factory=AnswerSet)


class AnswersUpdate(BaseModel):
    """Replace answers (the given parts); on a submitted assessment only an expert may, with a reason."""

    answers: AnswerSet
    reason: str | None = Field(None, min_length=2, max_length=500, description="required for on-site changes")


class Submission(InputModel):
    pledge: bool = Field(description="the truthfulness pledge (承诺所填信息真实有效); must be true")
    pledged_by: str = Field(min_length=1, max_length=100, description="name of the person who pledges")


class Finalisation(InputModel):
    note: str | None = Field(None, max_length=1000, description="the expert's on-site verification note")


class AnswerChange(BaseModel):
    at: datetime
    actor: str
    role: str
    field: str = Field(description="choices.<item>, figures.<figure> or scene_levels.<scene>")
    before: str | None
    after: str | None
    reason: str


class ScoreRecord(BaseModel):
    """One scoring of the assessment: the original, or a rescoring on another scheme version."""

    scored_at: datetime
    purpose: str = Field(description="original or rescore")
    score: Score


class AssessmentRead(BaseModel):
    assessment_id: str
    uscc: str
    district_code: str
    scheme_id: str
    scheme_version: int
    source: Source
    status: AssessmentStatus
    project_id: str | None
    phase: Phase | None
    answers: AnswerSet
    score: Score = Field(description="on the scheme version the assessment is kept on")
    rescored: list[ScoreRecord] = Field(default_factory=list, description="scorings on other versions")
    changes: list[AnswerChange] = Field(default_factory=list, description="on-site changes, with reasons")
    created_at: datetime
    submitted_at: datetime | None = None
    pledged_by: str | None = None
    finalised_at: datetime | None = None
    verified_by: str | None = None
    guidance: list[Step] = Field(default_factory=list, description="final assessments: the best next steps")


class AssessmentSummary(BaseModel):
    assessment_id: str
    uscc: str
    district_code: str
    scheme_id: str
    scheme_version: int
    status: AssessmentStatus
    source: Source
    project_id: str | None
    phase: Phase | None
    total: Decimal
    level: int
    created_at: datetime
    finalised_at: datetime | None


class Rescore(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scheme_version: int = Field(ge=1)
