"""Finance as its users meet it in tests: the events other services would have published about an
enterprise, tokens of the roles that use finance, and a consent granted."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from contracts.api.assessment import Phase, Source
from contracts.api.evaluations import DesignationKind
from contracts.api.identity import Role
from contracts.api.journey import Stage
from contracts.envelope import Event
from contracts.events.assessment import AssessmentFinalised, DesignationGranted, DesignationRevoked, ProjectLevelChanged
from contracts.events.registry import EnterpriseRegistered, ProjectCreated, ProjectStageChanged
from finance.main import spec
from testkit.services import RunningService
from testkit.tokens import bearer

NOW = datetime(2026, 5, 1, tzinfo=UTC)
USCC, OTHER = "91350100M000100Y43", "914403001922038216"
ENTERPRISE = bearer(Role.ENTERPRISE, uscc=USCC)
DISTRICT = bearer(Role.DISTRICT, districts=["500103"])
BANK = bearer(Role.BANK, bank_id="cqrcb")
OTHER_BANK = bearer(Role.BANK, bank_id="boc-cq")
NEXT_YEAR = (date.today() + timedelta(days=365)).isoformat()


def registered(uscc: str = USCC, district: str = "500103", **facts: object) -> EnterpriseRegistered:
    return EnterpriseRegistered.model_validate(
        {
            "uscc": uscc,
            "name": "某企业",
            "district_code": district,
            "industry_code": "C3463",
            "industry_division": "C34",
            "registered_at": NOW,
            "size_class": "small",
            **facts,
        }
    )


def project_at(stage: Stage, uscc: str = USCC, project_id: str = "pj_1") -> list[Event]:
    """A project filed and moved on to `stage`."""
    events: list[Event] = [
        ProjectCreated(
            project_id=project_id,
            uscc=uscc,
            district_code="500103",
            provider_id="pv_1",
            stage=Stage.DIAGNOSIS,
            created_at=NOW,
        )
    ]
    stages = list(Stage)[: list(Stage).index(stage) + 1]
    for seq, (before, after) in enumerate(itertools.pairwise(stages), start=2):
        events.append(
            ProjectStageChanged(
                project_id=project_id,
                uscc=uscc,
                district_code="500103",
                seq=seq,
                from_stage=before,
                to_stage=after,
                at=NOW,
                actor_role="provider",
                days_in_previous_stage=1.0,
            )
        )
    return events


def finalised(
    level: int, uscc: str = USCC, assessment_id: str = "as_t0", phase: Phase = Phase.T0
) -> AssessmentFinalised:
    return AssessmentFinalised(
        assessment_id=assessment_id,
        uscc=uscc,
        district_code="500103",
        scheme_id="miit-2024",
        scheme_version=1,
        source=Source.ON_SITE,
        project_id="pj_1",
        phase=phase,
        total=Decimal("40"),
        level=level,
        dimensions={},
        scene_levels={},
        finalised_at=NOW,
        on_site_changes=0,
    )


def level_changed(t0: int, t1: int, uscc: str = USCC) -> ProjectLevelChanged:
    return ProjectLevelChanged(
        project_id="pj_1",
        uscc=uscc,
        district_code="500103",
        scheme_id="miit-2024",
        scheme_version=1,
        t0_assessment_id="as_t0",
        t1_assessment_id="as_t1",
        t0_level=t0,
        t1_level=t1,
        level_delta=t1 - t0,
        t0_total=Decimal("30"),
        t1_total=Decimal("60"),
        total_delta=Decimal("30"),
        dimension_deltas={},
        reached_level_2=t1 >= 2,
        measured_at=NOW,
    )


def designated(
    kind: DesignationKind = DesignationKind.LIGHTHOUSE, designation_id: str = "dg_1", uscc: str = USCC
) -> DesignationGranted:
    """The city's designation of the enterprise (小灯塔工厂 or 标杆)."""
    return DesignationGranted(
        designation_id=designation_id,
        kind=kind,
        category="lighthouse" if kind is DesignationKind.LIGHTHOUSE else "comprehensive",
        uscc=uscc,
        district_code="500103",
        evaluation_id="ev_1",
        scheme_id=f"{kind.value}-2024",
        scheme_version=1,
        batch="2026-1",
        designated_at=NOW,
    )


def revocation(granted: DesignationGranted, reason: str = "复核未通过") -> DesignationRevoked:
    """The revocation of `granted`."""
    title = granted.model_dump(include={"designation_id", "kind", "category", "uscc", "district_code"})
    return DesignationRevoked(**title, reason=reason, revoked_at=NOW)


async def tell(svc: RunningService, *events: Event) -> None:
    await svc.deliver(spec, *events)


async def consent(svc: RunningService, product: str = "special-loan", bank: str = "cqrcb") -> str:
    body = {"bank_id": bank, "product_id": product, "valid_until": NEXT_YEAR}
    answer = await svc.client.post("/v1/consents", json=body, headers=ENTERPRISE)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["consent_id"])
