"""The supply-demand view per sub-industry (or division): demand by scene against listed supply, the gaps,
and the recurring demand worth a volume procurement (带量采购)."""

from __future__ import annotations

from catalog.search.rules import industry_filter_terms
from catalog.supply import repository
from catalog.supply.rules import THRESHOLDS, is_gap, is_procurement_lot
from contracts.api.identity import Role, TokenClaims
from contracts.api.matching import ProcurementLot, SceneBalance, SupplyDemandView
from contracts.codes import industry_divisions, miit_scenes, sub_industries
from servicekit.errors import InvalidInput
from servicekit.uow import UnitOfWork


async def view(uow: UnitOfWork, actor: TokenClaims, industry: str) -> SupplyDemandView:
    if industry in sub_industries():
        sub, division = industry, None
        terms = industry_filter_terms(industry, industry, sub_industries()[industry].prefix)
    elif industry in industry_divisions():
        sub, division = None, industry
        terms = industry_filter_terms(industry, None, None)
    else:
        raise InvalidInput(
            f"{industry!r} is neither a declared sub-industry nor a GB/T 4754 division", field="industry"
        )
    district = actor.districts[0] if actor.role is Role.DISTRICT and actor.districts else None
    wanted = await repository.demand(uow.session, sub_industry=sub, division=division, district=district)
    offered = await repository.supply(uow.session, terms, sub)
    scenes = []
    for scene_id, scene in miit_scenes().items():
        d = wanted.get(scene_id)
        listed, proven = offered.get(scene_id, (0, 0))
        enterprises = d.enterprises if d else 0
        scenes.append(
            SceneBalance(
                scene=scene_id,
                scene_name=scene.name,
                demand_enterprises=enterprises,
                demand_budget_fen=d.budget_fen if d else 0,
                listed_solutions=listed,
                proven_solutions=proven,
                gap=is_gap(enterprises, proven),
            )
        )
    lots = [
        ProcurementLot(
            scene=s,
            scene_name=miit_scenes()[s].name,
            enterprises=d.enterprises,
            budget_fen=d.budget_fen,
            districts=d.districts,
        )
        for s, d in wanted.items()
        if s in miit_scenes() and is_procurement_lot(d.enterprises)
    ]
    lots.sort(key=lambda lot: (-lot.enterprises, lot.scene))
    return SupplyDemandView(
        industry=industry, district_code=district, scenes=scenes, procurement=lots, thresholds=dict(THRESHOLDS)
    )
