"""Events finance consumes: the shared read models, and the facts its eligibility rules need."""

from __future__ import annotations

from contracts.events.assessment import AssessmentFinalised, ProjectLevelChanged
from contracts.events.registry import EnterpriseRegistered, EnterpriseUpdated
from finance.facts import repository as facts
from finance.models import KnownEnterprise, KnownLevelChange, KnownProject
from finance.subsidies import service as subsidies
from readmodels.handlers import enterprise_subscriptions, level_change_subscriptions, project_subscriptions
from servicekit.consumer import Received, Subscription
from servicekit.subscriptions import merged
from servicekit.uow import UnitOfWork


async def on_enterprise_registered(uow: UnitOfWork, events: list[Received[EnterpriseRegistered]]) -> None:
    rows = [
        {
            "uscc": p.uscc,
            "district_code": p.district_code,
            "industry_division": p.industry_division,
            "key_industry_id": p.key_industry_id,
            "sub_industry": p.sub_industry,
            "size_class": p.size_class,
            "above_scale": p.above_scale,
            "tier": p.current_tier,
            "chain_platforms": list(p.chain_platforms),
            "version": 1,
        }
        for p in (e.payload for e in events)
    ]
    await facts.put_facts(uow.session, rows)


async def on_enterprise_updated(uow: UnitOfWork, events: list[Received[EnterpriseUpdated]]) -> None:
    rows = [
        {
            "uscc": e.payload.uscc,
            "district_code": p.district_code,
            "industry_division": p.industry_division,
            "key_industry_id": p.key_industry_id,
            "sub_industry": p.sub_industry,
            "size_class": p.size_class,
            "above_scale": p.above_scale,
            "tier": p.current_tier,
            "chain_platforms": list(p.chain_platforms),
            "version": e.payload.version,
        }
        for e, p in ((e, e.payload.profile) for e in events)
    ]
    await facts.put_facts(uow.session, rows)


async def on_assessment_finalised(uow: UnitOfWork, events: list[Received[AssessmentFinalised]]) -> None:
    rows = [
        {"assessment_id": p.assessment_id, "uscc": p.uscc, "level": p.level, "finalised_at": p.finalised_at}
        for p in (e.payload for e in events)
    ]
    await facts.add_final_assessments(uow.session, rows)


async def on_level_changed(uow: UnitOfWork, events: list[Received[ProjectLevelChanged]]) -> None:
    """A re-measured project: its unpaid transformation subsidies are withheld if their level conditions
    no longer hold (a second delivery finds them withheld already and changes nothing)."""
    await subsidies.withhold_broken(uow, [e.payload for e in events])


SUBSCRIPTIONS = merged(
    enterprise_subscriptions(KnownEnterprise),
    project_subscriptions(KnownProject),
    level_change_subscriptions(KnownLevelChange),
    [
        Subscription(EnterpriseRegistered, on_enterprise_registered, idempotent=True),
        Subscription(EnterpriseUpdated, on_enterprise_updated, idempotent=True),
        Subscription(AssessmentFinalised, on_assessment_finalised, idempotent=True),
        Subscription(ProjectLevelChanged, on_level_changed, idempotent=True),
    ],
)
