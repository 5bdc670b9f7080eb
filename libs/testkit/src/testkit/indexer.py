"""The indexer as its tests meet it: a scripted stream of other services' events about three enterprises (two in
the pilot sub-industry SUB-C367), and the aggregate cells it must give."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from contracts.api.assessment import Phase, Source
from contracts.api.evaluations import DesignationKind
from contracts.api.identity import Role
from contracts.api.journey import Stage
from contracts.envelope import Event
from contracts.events.assessment import AssessmentFinalised, DesignationGranted, DesignationRevoked
from contracts.events.registry import (
    EnterpriseRegistered,
    EnterpriseSnapshot,
    EnterpriseUpdated,
    FieldChange,
    ProjectCreated,
    ProjectStageChanged,
)
from contracts.uscc import check_character
from testkit.tokens import bearer

T0 = datetime(2026, 3, 1, tzinfo=UTC)
A, B, C = (f"91500000MA5U{n:05d}" + check_character(f"91500000MA5U{n:05d}") for n in (1, 2, 3))
DISTRICT = bearer(Role.DISTRICT, districts=["500103"])


def profile(uscc: str, district: str, code: str, **facts: Any) -> dict[str, Any]:
    return {
        "uscc": uscc,
        "name": "某企业",
        "district_code": district,
        "industry_code": code,
        "industry_division": code[:3],
        "sub_industry": "SUB-C367" if code.startswith("C367") else None,
        "key_industry_id": 3 if code.startswith("C36") else None,
        **facts,
    }


def registered(uscc: str, district: str, code: str, **facts: Any) -> EnterpriseRegistered:
    return EnterpriseRegistered.model_validate(profile(uscc, district, code, **facts) | {"registered_at": T0})


def updated(version: int, before: dict[str, Any], **after: Any) -> EnterpriseUpdated:
    snapshot = EnterpriseSnapshot.model_validate({**before, **after})
    changes = {k: FieldChange(before=before.get(k), after=v) for k, v in after.items()}
    return EnterpriseUpdated(uscc=before["uscc"], version=version, updated_at=T0, changes=changes, profile=snapshot)


def final(uscc: str, level: int, at: datetime, district: str = "500103") -> AssessmentFinalised:
    return AssessmentFinalised(
        assessment_id=f"as_{uscc[-4:]}_{level}",
        uscc=uscc,
        district_code=district,
        scheme_id="miit-2024",
        scheme_version=1,
        source=Source.ON_SITE,
        phase=Phase.T0,
        total=Decimal(40),
        level=level,
        dimensions={},
        scene_levels={},
        finalised_at=at,
        on_site_changes=0,
    )


A_FACTS = {"current_tier": "specialised", "size_class": "small", "above_scale": True}
B_FACTS = {"current_tier": "little_giant", "size_class": "medium", "above_scale": True}
C_FACTS = {"size_class": "micro", "above_scale": False}


def stream() -> list[Event]:
    a, c = profile(A, "500103", "C3670", **A_FACTS), profile(C, "500104", "C1310", **C_FACTS)
    title = {"designation_id": "dg_1", "kind": DesignationKind.BENCHMARK, "category": "comprehensive", "uscc": B}
    return [
        registered(A, "500103", "C3670", **A_FACTS),
        registered(B, "500103", "C3670", **B_FACTS),
        registered(C, "500104", "C1310", **C_FACTS),
        final(A, 1, T0),
        final(A, 2, T0 + timedelta(days=30)),  # up
        final(B, 3, T0),
        final(B, 1, T0 + timedelta(days=30)),  # down
        updated(2, a, current_tier="innovative"),  # a tier change
        updated(2, c, district_code="500105"),  # a move between units
        ProjectCreated(
            project_id="pj_b", uscc=B, district_code="500103", provider_id="pv_1", stage=Stage.DIAGNOSIS, created_at=T0
        ),
        *[
            ProjectStageChanged(
                project_id="pj_b",
                uscc=B,
                district_code="500103",
                seq=seq,
                from_stage=before,
                to_stage=after,
                at=T0,
                actor_role="provider",
                days_in_previous_stage=1.0,
            )
            for seq, (before, after) in enumerate(
                [
                    (Stage.DIAGNOSIS, Stage.STRATEGY),
                    (Stage.STRATEGY, Stage.DESIGN),
                    (Stage.DESIGN, Stage.IMPLEMENTATION),
                ],
                start=2,
            )
        ],
        DesignationGranted(
            **title,
            district_code="500103",
            evaluation_id="ev_1",
            scheme_id="benchmark-2024",
            scheme_version=1,
            batch="2026-1",
            designated_at=T0,
        ),
        DesignationRevoked(**title, district_code="500103", reason="复核不合格", revoked_at=T0),
    ]


EXPECTED = {
    ("500103", 3, "innovative", "small", "y"): {"enterprises": 1, "assessed": 1, "level_2_plus": 1, "level_sum": 2},
    ("500103", 3, "little_giant", "medium", "y"): {"enterprises": 1, "assessed": 1, "level_sum": 1, "transformed": 1},
    ("500105", 0, "", "micro", "n"): {"enterprises": 1},
}
