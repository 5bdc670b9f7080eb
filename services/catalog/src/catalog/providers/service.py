"""Providers as the catalog knows them, and their ratings."""

from __future__ import annotations

from catalog.models import KnownProvider
from catalog.providers import repository
from catalog.providers.rules import Standing, components, mean_stars, score
from contracts.api.catalog import ProviderRating
from servicekit.errors import Forbidden, NotFound
from servicekit.uow import UnitOfWork


def _rating(provider_id: str, known: KnownProvider | None, s: Standing, listed: int) -> ProviderRating:
    return ProviderRating(
        provider_id=provider_id,
        name=known.name if known else None,
        status=known.status if known else None,
        score=score(s),
        components=components(s),
        verified_outcomes=s.verified_outcomes,
        improved_outcomes=s.improved_outcomes,
        ratings=s.ratings,
        average_stars=mean_stars(s),
        unresolved_complaints=s.unresolved_complaints,
        data_quality=s.data_quality,
        listed_solutions=listed,
    )


def standing_of(known: KnownProvider | None, s: Standing | None) -> Standing:
    s = s or Standing()
    quality = known.quality_score if known else None
    return Standing(**{**s.__dict__, "data_quality": quality})


async def rating(uow: UnitOfWork, provider_id: str) -> ProviderRating:
    known = await repository.get(uow.session, provider_id)
    if known is None:
        raise NotFound(f"provider {provider_id} is not known to the catalog")
    standings = await repository.standings(uow.session, provider_id)
    listed = await repository.listed_counts(uow.session, provider_id)
    return _rating(provider_id, known, standing_of(known, standings.get(provider_id)), listed.get(provider_id, 0))


async def ratings(uow: UnitOfWork) -> list[ProviderRating]:
    """Every known provider's rating, best first (ties by provider id)."""
    standings = await repository.standings(uow.session)
    listed = await repository.listed_counts(uow.session)
    out = [
        _rating(p.provider_id, p, standing_of(p, standings.get(p.provider_id)), listed.get(p.provider_id, 0))
        for p in await repository.all_providers(uow.session)
    ]
    return sorted(out, key=lambda r: (-r.score, r.provider_id))


async def approved(uow: UnitOfWork, provider_id: str | None) -> KnownProvider:
    """The caller's provider, if the registry approved it (only an approved provider lists solutions)."""
    known = await repository.get(uow.session, provider_id or "")
    if known is None:
        raise Forbidden(f"provider {provider_id} is not known to the catalog (yet)")
    if known.status != "approved":
        raise Forbidden(f"provider {provider_id} is {known.status}: only an approved provider lists solutions")
    return known
