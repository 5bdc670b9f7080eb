"""The work plan's 13 targets with their progress for a year, from the indexer's own tables."""

from __future__ import annotations

from contracts.api.indexer import TargetProgress, TargetsRead
from contracts.codes import sub_industries, targets
from indexer.facts import repository as facts
from indexer.models import KnownProvider, KnownSolution
from indexer.pilot import service as pilot
from indexer.targets import repository
from indexer.targets.rules import progress, share_percent
from servicekit.uow import UnitOfWork

FIRST_YEAR = 2024


async def for_year(uow: UnitOfWork, year: int) -> TargetsRead:
    everything = await facts.sums(uow.session)
    specialised = await facts.sums(uow.session, tiers=("specialised", "little_giant"))
    counters = await facts.counters(uow.session)

    values: dict[str, float | None] = {
        "transformed_smes": everything["transformed"],
        "specialised_level_2_share": share_percent(specialised["level_2_plus"], specialised["enterprises"]),
        "benchmarks": counters.get("designations_benchmark", 0),
        "sub_industry_guides": None,
        "solutions_promoted": await facts.count_status(uow.session, KnownSolution, "listed"),
        "chain_platform_smes": everything["chain_members"],
        "districts_covered": everything["units"],
        "providers_covered": await facts.count_status(uow.session, KnownProvider, "approved"),
        "enterprises_covered": everything["enterprises"],
        "enablement_services": await repository.activity_sum(uow.session, "enablement_services", year, year),
        "events_and_trainings": await repository.activity_sum(uow.session, "events_and_trainings", year, year),
        "people_trained": await repository.activity_sum(uow.session, "people_trained", FIRST_YEAR, year),
    }
    met = [r for r in await pilot.all_rules(uow) if r.met]
    out: list[TargetProgress] = [
        progress(t, year, values[name]) for name, t in targets().items() if name != "sub_industries_retrofitted"
    ]
    retrofitted = targets()["sub_industries_retrofitted"]
    out.append(progress(retrofitted, year, len(met), target=len(sub_industries())))
    return TargetsRead(year=year, targets=out)
