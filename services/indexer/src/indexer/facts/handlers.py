"""Events that change enterprise facts (and the programme counters), each batch applied with one read and one
write per table."""

from __future__ import annotations

from collections import Counter
from typing import Any

from contracts.api.journey import STAGES
from contracts.events.assessment import AssessmentFinalised, DesignationGranted, DesignationRevoked
from contracts.events.catalog import (
    AdoptionRecorded,
    DemandPosted,
    SolutionDelisted,
    SolutionListed,
    SolutionReinstated,
    SolutionSuspended,
)
from contracts.events.finance import LoanDisbursed, SubsidyDecided
from contracts.events.registry import (
    EnterpriseRegistered,
    EnterpriseSnapshot,
    EnterpriseUpdated,
    ProjectCreated,
    ProjectStageChanged,
    ProviderStatusChanged,
)
from indexer.facts import repository, service
from indexer.facts.rules import Fact
from indexer.facts.service import Change
from indexer.feed import service as feed
from indexer.models import KnownProvider, KnownSolution
from servicekit.consumer import Received, Subscription
from servicekit.uow import UnitOfWork


async def _apply(uow: UnitOfWork, changes: list[Change], *, mostly_new: bool = False) -> None:
    """Apply the batch's changes to the facts and cells, then publish what the city feed should see."""
    await feed.publish(uow, await service.apply(uow, changes, mostly_new=mostly_new))


def _profile(p: EnterpriseRegistered | EnterpriseSnapshot, version: int) -> dict[str, Any]:
    tier = p.current_tier
    return {
        "district_code": p.district_code,
        "industry_division": p.industry_division,
        "key_industry_id": p.key_industry_id,
        "sub_industry": p.sub_industry,
        "tier": tier.value if tier else None,
        "size_class": p.size_class.value if p.size_class else None,
        "above_scale": p.above_scale,
        "chain_member": bool(p.chain_platforms),
        "version": version,
    }


def _newer_profile(values: dict[str, Any]) -> Any:
    def change(f: Fact) -> None:
        if values["version"] > f["version"]:
            f.update(values)

    return change


async def on_registered(uow: UnitOfWork, events: list[Received[EnterpriseRegistered]]) -> None:
    changes = [(e.payload.uscc, e.payload.district_code, _newer_profile(_profile(e.payload, 1))) for e in events]
    await _apply(uow, changes, mostly_new=True)


async def on_updated(uow: UnitOfWork, events: list[Received[EnterpriseUpdated]]) -> None:
    changes: list[Change] = [
        (p.uscc, p.profile.district_code, _newer_profile(_profile(p.profile, p.version)))
        for p in (e.payload for e in events)
    ]
    await _apply(uow, changes)


async def on_finalised(uow: UnitOfWork, events: list[Received[AssessmentFinalised]]) -> None:
    def latest(level: int, at: Any) -> Any:
        def change(f: Fact) -> None:
            if f["level_at"] is None or at >= f["level_at"]:
                f["level"], f["level_at"] = level, at

        return change

    changes = [(p.uscc, p.district_code, latest(p.level, p.finalised_at)) for p in (e.payload for e in events)]
    await _apply(uow, changes)


def _reached(seq: int) -> Any:
    def change(f: Fact) -> None:
        f["stage_seq"] = max(f["stage_seq"], seq)

    return change


async def on_project_created(uow: UnitOfWork, events: list[Received[ProjectCreated]]) -> None:
    changes = [(p.uscc, p.district_code, _reached(STAGES.index(p.stage) + 1)) for p in (e.payload for e in events)]
    await _apply(uow, changes)


async def on_stage_changed(uow: UnitOfWork, events: list[Received[ProjectStageChanged]]) -> None:
    changes = [(p.uscc, p.district_code, _reached(STAGES.index(p.to_stage) + 1)) for p in (e.payload for e in events)]
    await _apply(uow, changes)


def _add(column: str, n: int) -> Any:
    def change(f: Fact) -> None:
        f[column] = max(0, f[column] + n)

    return change


async def on_designation_granted(uow: UnitOfWork, events: list[Received[DesignationGranted]]) -> None:
    await feed.publish(
        uow,
        await service.apply(uow, [(e.payload.uscc, e.payload.district_code, _add("designations", 1)) for e in events]),
    )
    await repository.add_to_counters(uow.session, Counter(f"designations_{e.payload.kind.value}" for e in events))


async def on_designation_revoked(uow: UnitOfWork, events: list[Received[DesignationRevoked]]) -> None:
    await feed.publish(
        uow,
        await service.apply(uow, [(e.payload.uscc, e.payload.district_code, _add("designations", -1)) for e in events]),
    )
    counts = Counter(f"designations_{e.payload.kind.value}" for e in events)
    await repository.add_to_counters(uow.session, {k: -v for k, v in counts.items()})


async def on_demand_posted(uow: UnitOfWork, events: list[Received[DemandPosted]]) -> None:
    """Willingness: an enterprise that posted a demand (or had one derived from its assessment)."""

    def demanded(f: Fact) -> None:
        f["demanded"] = True

    await _apply(uow, [(e.payload.uscc, e.payload.district_code, demanded) for e in events])


async def on_adoption(uow: UnitOfWork, events: list[Received[AdoptionRecorded]]) -> None:
    def adopted(cloud: bool) -> Any:
        def change(f: Fact) -> None:
            f["adopted"], f["cloud"] = True, bool(f["cloud"] or cloud)

        return change

    await feed.publish(
        uow,
        await service.apply(uow, [(e.payload.uscc, e.payload.district_code, adopted(e.payload.cloud)) for e in events]),
    )


async def on_loan_disbursed(uow: UnitOfWork, events: list[Received[LoanDisbursed]]) -> None:
    await feed.publish(
        uow, await service.apply(uow, [(e.payload.uscc, e.payload.district_code, _add("loans", 1)) for e in events])
    )


async def on_subsidy_decided(uow: UnitOfWork, events: list[Received[SubsidyDecided]]) -> None:
    paid = [e.payload for e in events if e.payload.status == "paid"]
    await _apply(uow, [(p.uscc, p.district_code, _add("subsidies", 1)) for p in paid])


def _status_of_solution(status: str) -> Any:
    async def handler(uow: UnitOfWork, events: list[Received[Any]]) -> None:
        rows = {e.payload.solution_id: {"solution_id": e.payload.solution_id, "status": status} for e in events}
        await repository.put_statuses(uow.session, KnownSolution, "solution_id", list(rows.values()))

    return handler


async def on_provider_status(uow: UnitOfWork, events: list[Received[ProviderStatusChanged]]) -> None:
    rows = {
        e.payload.provider_id: {"provider_id": e.payload.provider_id, "status": e.payload.after.value} for e in events
    }
    await repository.put_statuses(uow.session, KnownProvider, "provider_id", list(rows.values()))


SUBSCRIPTIONS = [
    Subscription(EnterpriseRegistered, on_registered, idempotent=True),
    Subscription(EnterpriseUpdated, on_updated, idempotent=True),
    Subscription(AssessmentFinalised, on_finalised, idempotent=True),
    Subscription(ProjectCreated, on_project_created, idempotent=True),
    Subscription(ProjectStageChanged, on_stage_changed, idempotent=True),
    Subscription(DesignationGranted, on_designation_granted),
    Subscription(DesignationRevoked, on_designation_revoked),
    Subscription(AdoptionRecorded, on_adoption, idempotent=True),
    Subscription(DemandPosted, on_demand_posted, idempotent=True),
    Subscription(LoanDisbursed, on_loan_disbursed),
    Subscription(SubsidyDecided, on_subsidy_decided),
    Subscription(SolutionListed, _status_of_solution("listed"), idempotent=True),
    Subscription(SolutionSuspended, _status_of_solution("suspended"), idempotent=True),
    Subscription(SolutionReinstated, _status_of_solution("listed"), idempotent=True),
    Subscription(SolutionDelisted, _status_of_solution("delisted"), idempotent=True),
    Subscription(ProviderStatusChanged, on_provider_status, idempotent=True),
]
