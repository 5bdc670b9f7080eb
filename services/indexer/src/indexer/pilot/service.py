"""The pilot rule per declared pilot sub-industry, city-wide or for one unit, with the enterprises still below."""

from __future__ import annotations

from contracts.api.identity import Role, TokenClaims
from contracts.api.indexer import PilotRuleRead
from contracts.codes import sub_industries
from indexer.pilot import repository
from indexer.pilot.rules import below, groups
from servicekit.errors import Forbidden, InvalidInput
from servicekit.uow import UnitOfWork


async def rule(
    uow: UnitOfWork, sub_industry: str, district_code: str | None, *, with_list: bool = True
) -> PilotRuleRead:
    declared = sub_industries().get(sub_industry)
    if declared is None:
        raise InvalidInput(f"{sub_industry} is not a declared pilot sub-industry", field="sub_industry")
    found, met = groups(await repository.group_counts(uow.session, sub_industry, district_code))
    listed = below(await repository.below(uow.session, sub_industry, district_code)) if with_list else []
    return PilotRuleRead(
        sub_industry=sub_industry, name=declared.name, district_code=district_code, groups=found, met=met, below=listed
    )


async def scoped(uow: UnitOfWork, actor: TokenClaims, sub_industry: str, district_code: str | None) -> PilotRuleRead:
    """A district authority sees its own unit (and its enterprises below); the city any unit or all."""
    if actor.role is Role.DISTRICT:
        if district_code is not None and district_code not in actor.districts:
            raise Forbidden("a district authority sees its own unit", field="district_code")
        district_code = actor.districts[0]
    return await rule(uow, sub_industry, district_code)


async def all_rules(uow: UnitOfWork) -> list[PilotRuleRead]:
    """City-wide, every declared sub-industry (counts only: no list of enterprises)."""
    return [await rule(uow, code, None, with_list=False) for code in sub_industries()]
