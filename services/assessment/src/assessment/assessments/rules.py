"""The change between a project's T0 and T1 assessments (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from assessment.scoring.rules import AnswerErrors, clean, score
from contracts.api.assessment import AnswerSet, Score
from contracts.api.schemes import Scheme
from contracts.events.assessment import ProjectLevelChanged


@dataclass
class AssessmentFilter:
    """Which assessments a list shows; `districts` is the caller's scope (None: all units)."""

    districts: list[str] | None = None
    uscc: str | None = None
    status: str | None = None
    project_id: str | None = None


class Scored(Protocol):
    """What the rules read of a stored assessment."""

    assessment_id: str
    uscc: str
    district_code: str
    project_id: str | None
    answers: AnswerSet
    score: Score


def comparable_t0(t0: Scored, t1_scheme: Scheme) -> Score:
    """T0's score on T1's scheme version when they differ (T0's own record stays as it is); T0's own
    score when its answers do not fit that version or the schemes differ."""
    own = t0.score
    if (own.scheme_id, own.scheme_version) == (t1_scheme.scheme_id, t1_scheme.version):
        return own
    if own.scheme_id != t1_scheme.scheme_id:
        return own
    try:
        return score(t1_scheme, t0.answers)
    except AnswerErrors:
        return own


def level_change(t0: Scored, t1: Scored, t1_scheme: Scheme, at: datetime) -> ProjectLevelChanged:
    before, after = comparable_t0(t0, t1_scheme), t1.score
    dims_before = {d.id: d.points for d in before.dimensions}
    return ProjectLevelChanged(
        project_id=t1.project_id,
        uscc=t1.uscc,
        district_code=t1.district_code,
        scheme_id=after.scheme_id,
        scheme_version=after.scheme_version,
        t0_assessment_id=t0.assessment_id,
        t1_assessment_id=t1.assessment_id,
        t0_level=before.level,
        t1_level=after.level,
        level_delta=after.level - before.level,
        t0_total=before.total,
        t1_total=after.total,
        total_delta=clean(after.total - before.total),
        dimension_deltas={d.id: clean(d.points - dims_before.get(d.id, d.points * 0)) for d in after.dimensions},
        reached_level_2=after.level >= 2,
        measured_at=at,
    )
