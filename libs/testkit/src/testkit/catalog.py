"""The catalog as its users meet it in tests: the events other services would have published (an enterprise
in C36, an approved provider, a finalised assessment), tokens of the roles, and a listed solution."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from catalog.main import spec
from contracts.api.assessment import Phase, Source, Step
from contracts.api.identity import Role
from contracts.api.journey import ProviderStatus, ServiceCategory
from contracts.envelope import Event
from contracts.events.assessment import AssessmentFinalised
from contracts.events.registry import EnterpriseRegistered, ProviderRegistered, ProviderStatusChanged
from testkit.services import RunningService
from testkit.tokens import bearer

NOW = datetime(2026, 5, 1, tzinfo=UTC)
USCC, OTHER = "91350100M000100Y43", "914403001922038216"
PROVIDER_USCC = "91500000MA5U4LJE4D"
ENTERPRISE = bearer(Role.ENTERPRISE, uscc=USCC)
OTHER_ENTERPRISE = bearer(Role.ENTERPRISE, uscc=OTHER)
DISTRICT = bearer(Role.DISTRICT, districts=["500103"])
FAR_DISTRICT = bearer(Role.DISTRICT, districts=["500104"])
PROVIDER = bearer(Role.PROVIDER, provider_id="pv_1")
RIVAL = bearer(Role.PROVIDER, provider_id="pv_2")
CITY: dict[str, str] = {}  # the service client signs in as the city by default


def registered(uscc: str = USCC, district: str = "500103", code: str = "C3670") -> EnterpriseRegistered:
    """An enterprise; C3670 (auto parts) falls in the declared sub-industry SUB-C367."""
    return EnterpriseRegistered.model_validate(
        {
            "uscc": uscc,
            "name": "某汽车零部件企业",
            "district_code": district,
            "industry_code": code,
            "industry_division": code[:3],
            "registered_at": NOW,
            "sub_industry": "SUB-C367" if code.startswith("C367") else None,
        }
    )


def provider(provider_id: str = "pv_1", status: ProviderStatus = ProviderStatus.APPROVED) -> list[Event]:
    return [
        ProviderRegistered(
            provider_id=provider_id,
            name=f"服务商{provider_id}",
            uscc=PROVIDER_USCC,
            categories=[ServiceCategory.IMPLEMENTATION],
            registered_at=NOW,
        ),
        ProviderStatusChanged(
            provider_id=provider_id, before=ProviderStatus.APPLIED, after=status, reason="审核", changed_at=NOW
        ),
    ]


def finalised(
    scene_levels: dict[str, int], uscc: str = USCC, assessment_id: str = "as_1", at: datetime = NOW
) -> AssessmentFinalised:
    guidance = [
        Step(
            kind="item",
            id="2.3.1",
            name="设备联网",
            current="A",
            to="B",
            points_gained=Decimal(3),
            helps_next_level=True,
        )
    ]
    return AssessmentFinalised(
        assessment_id=assessment_id,
        uscc=uscc,
        district_code="500103",
        scheme_id="miit-2024",
        scheme_version=1,
        source=Source.ON_SITE,
        phase=Phase.T0,
        total=Decimal("35"),
        level=1,
        dimensions={},
        scene_levels=scene_levels,
        finalised_at=at,
        on_site_changes=0,
        guidance=guidance,
    )


def weak_in(*weak: str) -> dict[str, int]:
    """Scene levels with `weak` at level 1 and every other scene at level 3."""
    from contracts.codes import miit_scenes

    return {s: (1 if s in weak else 3) for s in miit_scenes()}


def solution(name: str = "设备云管家", scenes: dict[str, int] | None = None, **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "description": "面向汽车零部件企业的设备联网与预测性维护，支持能耗监测。",
        "category": "iiot",
        "delivery": ["saas"],
        "scenes": [{"scene": s, "to_level": lvl} for s, lvl in (scenes or {"equipment": 3}).items()],
        "items": ["2.3.1"],
        "industries": ["C36"],
        "price_tiers": [{"name": "标准版", "price_fen": 2_000_000, "unit": "per year"}],
        "discount_pct": "20",
        "deploy_days": 30,
    }
    return body | over


async def tell(svc: RunningService, *events: Event) -> None:
    await svc.deliver(spec, *events)


async def listed(svc: RunningService, body: dict[str, Any] | None = None, headers: dict[str, str] = PROVIDER) -> str:
    """Submit a solution as the provider and approve it as the city: its id."""
    submitted = await svc.client.post("/v1/solutions", json=body or solution(), headers=headers)
    assert submitted.status_code == 201, submitted.text
    solution_id = str(submitted.json()["solution_id"])
    revision = submitted.json()["pending"]["revision"]
    review = {"revision": revision, "decision": "approve"}
    approved = await svc.client.post(f"/v1/solutions/{solution_id}/review", json=review)
    assert approved.status_code == 200, approved.text
    return solution_id
