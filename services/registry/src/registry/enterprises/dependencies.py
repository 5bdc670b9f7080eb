"""The enterprise list filters, shared by search and export, scoped to the caller's units."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from contracts import codes
from contracts.api.base import NO_CONTROL_CHARACTERS
from contracts.api.identity import Role, TokenClaims
from contracts.api.journey import Stage
from contracts.api.profile import QualityTier, SizeClass
from registry.enterprises.rules import EnterpriseFilter
from servicekit.auth import allow, require_district
from servicekit.errors import InvalidInput

LISTERS = allow(Role.CITY, Role.DISTRICT, Role.EXPERT)


async def enterprise_filter(
    district_code: str | None = Query(None, max_length=8),
    industry_division: str | None = Query(None, pattern=r"^C\d{2}$"),
    key_industry_id: int | None = Query(None, ge=1, le=16),
    tier: QualityTier | None = Query(None, description="current quality tier"),
    size_class: SizeClass | None = None,
    above_scale: bool | None = Query(None, description="规上"),
    cluster: str | None = Query(None, max_length=16),
    q: str | None = Query(
        None, min_length=1, max_length=100, pattern=NO_CONTROL_CHARACTERS, description="part of the name"
    ),
    stage: Stage | None = Query(None, description="has a transformation project in this stage"),
    actor: TokenClaims = Depends(LISTERS),
) -> EnterpriseFilter:
    """A district authority or expert sees its own units only."""
    if district_code is not None:
        if district_code not in codes.districts():
            raise InvalidInput(f"unknown district unit {district_code!r}", field="district_code")
        require_district(actor, district_code)
        districts: list[str] | None = [district_code]
    else:
        districts = None if actor.role in (Role.CITY, Role.OPS) else list(actor.districts)
    return EnterpriseFilter(
        districts=districts,
        industry_division=industry_division,
        key_industry_id=key_industry_id,
        current_tier=tier.value if tier else None,
        size_class=size_class.value if size_class else None,
        above_scale=above_scale,
        cluster=cluster,
        name_contains=q,
        journey_stage=stage.value if stage else None,
    )


Filter = Annotated[EnterpriseFilter, Depends(enterprise_filter)]
"""The search and export filter, scoped to the caller's units."""
