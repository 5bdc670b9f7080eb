"""Matching: listed solutions ranked for one enterprise from the catalog's own read models.

Each process keeps the ranking inputs of every listed solution in memory, as arrays (a few MB for 5,000
solutions; vectors.py), and rebuilds them when the catalogue version row moves; an answer reads that row,
the enterprise's profile, its latest assessment and its largest open budget in one statement (and, without
an assessment, its open demands).
"""

from __future__ import annotations

import asyncio
import weakref
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Any

from catalog.matching import repository
from catalog.matching.rules import Candidate, Need, Outcomes, Weights, explain, points, static_points
from catalog.matching.vectors import Columns, rank_columns
from catalog.providers import repository as providers
from catalog.providers.rules import mean_stars
from contracts.api.identity import Role, TokenClaims
from contracts.api.matching import Match, MatchList
from servicekit.app import Runtime
from servicekit.auth import require_district
from servicekit.datafiles import newest_json
from servicekit.errors import Forbidden, NotFound
from servicekit.sqlite import heavy_reads
from servicekit.uow import UnitOfWork


@cache
def weights() -> Weights:
    """The newest matching weights shipped (weights.v<N>.json)."""
    return Weights.parse(newest_json(__package__, "weights"))


@dataclass
class Index:
    database: object  # the engine it was read from (tests run several catalogs in one process)
    version: int
    columns: Columns  # every listed solution, as arrays (vectors.py)


_index: Index | None = None


def _outcomes(rows: list[Any]) -> dict[str, dict[str | None, Outcomes]]:
    grouped: dict[tuple[str, str | None], list[Any]] = defaultdict(list)
    for r in rows:
        grouped[(r.solution_id, r.sub_industry)].append(r)
    out: dict[str, dict[str | None, Outcomes]] = defaultdict(dict)
    for (solution_id, sub), found in grouped.items():
        by_metric: dict[str, list[float]] = defaultdict(list)
        for r in found:
            by_metric[r.metric].append(float(r.improvement_pct))
        means = {m: sum(v) / len(v) for m, v in by_metric.items()}
        out[solution_id][sub] = Outcomes(sum(1 for r in found if r.improved), len(found), means)
    return out


async def _build(uow: UnitOfWork, database: object, version: int) -> Index:
    standings = await providers.standings(uow.session)
    outcomes = _outcomes(await repository.verified_outcomes(uow.session))
    w = weights()
    candidates: list[Candidate] = []
    for r in await repository.listed(uow.session):
        s = standings.get(r.provider_id)
        stars = mean_stars(s) if s else None
        c = Candidate(
            solution_id=r.solution_id,
            provider_id=r.provider_id,
            name=r.name,
            category=r.category,
            scenes=r.scenes,
            items=frozenset(r.items),
            industries=tuple(r.industries),
            price_after_discount_fen=r.price_after_discount_fen,
            discount_pct=float(r.discount_pct),
            mean_stars=float(stars) if stars is not None else None,
            ratings=s.ratings if s else 0,
            unresolved_complaints=s.unresolved_complaints if s else 0,
            outcomes=outcomes.get(r.solution_id, {}),
        )
        c.static = static_points(c, w)
        candidates.append(c)
    return Index(database, version, Columns.of(candidates))


_rebuilding: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()


def _fresh(database: object, version: int) -> Index | None:
    return _index if _index is not None and _index.version == version and _index.database is database else None


async def index(runtime: Runtime, current: int) -> Index:
    """The in-memory ranking inputs, rebuilt when the catalogue version moved: by one request at a time, the
    others waiting for it (32 concurrent first answers would otherwise build 32 indexes at once)."""
    global _index
    database = runtime.engine
    if (found := _fresh(database, current)) is not None:
        return found
    lock = _rebuilding.setdefault(asyncio.get_running_loop(), asyncio.Lock())
    async with lock:
        if (found := _fresh(database, current)) is None:
            with heavy_reads():  # every listed solution: on the connection's thread, the loop keeps serving
                async with runtime.uow() as uow:
                    found = _index = await _build(uow, database, current)
    return found


async def matches(runtime: Runtime, actor: TokenClaims, uscc: str, limit: int) -> MatchList:
    """Listed solutions ranked for the enterprise: from its latest assessment's weak scenes and items, else its
    open demands, else its industry alone. Read on the runtime's point reads (the service's hottest route)."""
    if actor.role is Role.ENTERPRISE and actor.uscc != uscc:
        raise Forbidden("an enterprise sees its own matches only", field="uscc")
    row = await runtime.reads.one(repository.SITUATION, {"uscc": uscc})
    if row is None:
        raise NotFound(f"enterprise {uscc} is not known to the catalog")
    found = repository.situation_of(row)
    if actor.role is Role.DISTRICT:
        require_district(actor, found.district_code)
    weak, items, levels = found.weak_scenes, found.weak_items, found.scene_levels
    based_on = "assessment"
    if not weak:  # no assessment (or nothing weak in it): what its open demands ask for
        open_demands = await runtime.reads.all(repository.OPEN_NEEDS, {"uscc": uscc})
        weak = list(dict.fromkeys(s for d in open_demands for s in d["scenes"]))
        items = list(dict.fromkeys(i for d in open_demands for i in d["items"]))
        based_on = "demands" if weak else "profile"
    need = Need(found.industry_code, found.sub_industry, weak, levels, items, found.budget_fen)
    w = weights()
    idx = await index(runtime, found.version)
    ranked = rank_columns(idx.columns, need, w, min(limit, w.results_max))
    return MatchList(
        uscc=uscc,
        method_version=w.version,
        based_on=based_on,
        assessment_id=found.assessment_id,
        weak_scenes=list(weak),
        weak_items=list(items),
        budget_fen=found.budget_fen,
        # Built from typed columns and rounded points, so not validated again (a tenth of an answer's time).
        matches=[
            Match.model_construct(
                rank=n,
                solution_id=c.solution_id,
                provider_id=c.provider_id,
                name=c.name,
                category=c.category,
                score=points(score),
                addresses=[s for s in weak if s in c.scenes],
                price_after_discount_fen=c.price_after_discount_fen,
                reasons=explain(c, need, w, fit),
            )
            for n, (c, score, fit) in enumerate(ranked, start=1)
        ],
    )
