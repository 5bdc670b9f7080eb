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
    cells = await facts.cells(uow.session)
    counters = await facts.counters(uow.session)

    def total(metric: str, *, tiers: tuple[str, ...] = ()) -> int:
        return sum(c[metric] for k, c in cells.items() if not tiers or k[2] in tiers)

    specialised = ("specialised", "little_giant")
    values: dict[str, float | None] = {
        "transformed_smes": total("transformed"),
        "specialised_level_2_share": share_percent(
            total("level_2_plus", tiers=specialised), total("enterprises", tiers=specialised)
        ),
        "benchmarks": counters.get("designations_benchmark", 0),
        "sub_industry_guides": None,
        "solutions_promoted": await facts.count_status(uow.session, KnownSolution, "listed"),
        "chain_platform_smes": total("chain_members"),
        "districts_covered": len({k[0] for k, c in cells.items() if c["enterprises"]}),
        "providers_covered": await facts.count_status(uow.session, KnownProvider, "approved"),
        "enterprises_covered": total("enterprises"),
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
