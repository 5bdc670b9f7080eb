"""Events owned by the assessment service. Points are exact decimals (JSON strings)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import ClassVar

from pydantic import Field

from contracts.api.assessment import Phase, Source, Step
from contracts.api.evaluations import DesignationKind
from contracts.envelope import Event
from contracts.fields import USCC, DistrictCode
from contracts.topics import ASSESSMENTS, TopicSpec


class _Result(Event):
    TOPIC: ClassVar[TopicSpec] = ASSESSMENTS
    KEY_FIELD: ClassVar[str] = "uscc"

    assessment_id: str
    uscc: USCC
    district_code: DistrictCode
    scheme_id: str
    scheme_version: int
    source: Source
    project_id: str | None = None
    phase: Phase | None = None
    total: Decimal
    level: int = Field(ge=0, le=4)
    dimensions: dict[str, Decimal] = Field(description="dimension id → points")
    scene_levels: dict[str, int] = Field(description="business scene id → level")


class AssessmentSubmitted(_Result):
    """An enterprise submitted its assessment with the truthfulness pledge (not yet verified)."""

    TYPE: ClassVar[str] = "assessment.assessment.submitted"
    VERSION: ClassVar[int] = 1

    submitted_at: datetime


class AssessmentFinalised(_Result):
    """An assessment was verified on site by an expert (or the city) and is final."""

    TYPE: ClassVar[str] = "assessment.assessment.finalised"
    VERSION: ClassVar[int] = 1

    finalised_at: datetime
    on_site_changes: int = Field(ge=0, description="answers the expert changed, each recorded with a reason")
    guidance: list[Step] = Field(default_factory=list, description="the best next steps (catalog matching)")


class ProjectLevelChanged(Event):
    """A project's T0 (at filing) and T1 (at acceptance) assessments are both final: the change between
    them, computed on T1's scheme version."""

    TYPE: ClassVar[str] = "assessment.project.level-changed"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[TopicSpec] = ASSESSMENTS
    KEY_FIELD: ClassVar[str] = "uscc"

    project_id: str
    uscc: USCC
    district_code: DistrictCode
    scheme_id: str
    scheme_version: int
    t0_assessment_id: str
    t1_assessment_id: str
    t0_level: int = Field(ge=0, le=4)
    t1_level: int = Field(ge=0, le=4)
    level_delta: int
    t0_total: Decimal
    t1_total: Decimal
    total_delta: Decimal
    dimension_deltas: dict[str, Decimal]
    reached_level_2: bool = Field(description="T1 is 二级 or above (what several subsidy rules require)")
    measured_at: datetime


class DesignationGranted(Event):
    """The city designated a 小灯塔工厂 or a digital-transformation benchmark (标杆) from a passed evaluation."""

    TYPE: ClassVar[str] = "assessment.designation.granted"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[TopicSpec] = ASSESSMENTS
    KEY_FIELD: ClassVar[str] = "uscc"

    designation_id: str
    kind: DesignationKind
    category: str = Field(description="lighthouse; or comprehensive, specialised, solution_showcase")
    uscc: USCC
    district_code: DistrictCode
    evaluation_id: str
    scheme_id: str
    scheme_version: int
    batch: str
    designated_at: datetime


class DesignationRevoked(Event):
    """The city revoked a designation (a 小灯塔工厂 or benchmark title), with the reason."""

    TYPE: ClassVar[str] = "assessment.designation.revoked"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[TopicSpec] = ASSESSMENTS
    KEY_FIELD: ClassVar[str] = "uscc"

    designation_id: str
    kind: DesignationKind
    category: str
    uscc: USCC
    district_code: DistrictCode
    reason: str
    revoked_at: datetime
