"""Where schemes come from: the shipped files, and the versions an administrator published since."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.builtin import builtin_schemes
from assessment.models import schemes
from contracts.api.identity import TokenClaims
from contracts.api.schemes import Scheme
from servicekit.errors import Conflict, InvalidInput, NotFound


async def all_schemes(session: AsyncSession) -> list[Scheme]:
    published = [Scheme.model_validate_json(r.document) for r in await session.execute(select(schemes))]
    return sorted([*builtin_schemes(), *published], key=lambda s: (s.scheme_id, s.version))


async def get_scheme(session: AsyncSession, scheme_id: str, version: int | None = None) -> Scheme:
    """One version of a scheme (the latest when `version` is None); 422 naming what is unknown."""
    versions = [s for s in await all_schemes(session) if s.scheme_id == scheme_id]
    if not versions:
        known = sorted({s.scheme_id for s in await all_schemes(session)})
        raise InvalidInput(f"unknown scheme {scheme_id!r}; known: {', '.join(known)}", field="scheme_id")
    if version is None:
        return versions[-1]
    for s in versions:
        if s.version == version:
            return s
    have = ", ".join(str(s.version) for s in versions)
    raise InvalidInput(f"scheme {scheme_id} has no version {version} (versions: {have})", field="scheme_version")


async def find_scheme(session: AsyncSession, scheme_id: str, version: int) -> Scheme:
    """A version referred to by a URL: 404 if it does not exist."""
    for s in await all_schemes(session):
        if (s.scheme_id, s.version) == (scheme_id, version):
            return s
    raise NotFound(f"no scheme {scheme_id} version {version}")


async def publish(session: AsyncSession, actor: TokenClaims, scheme: Scheme) -> datetime:
    """Store a new version; it must follow the latest one of its scheme (a new scheme starts at 1)."""
    latest = max((s.version for s in await all_schemes(session) if s.scheme_id == scheme.scheme_id), default=0)
    if scheme.version != latest + 1:
        raise Conflict(
            f"scheme {scheme.scheme_id} is at version {latest}: publish version {latest + 1}", field="version"
        )
    now = datetime.now(UTC)
    await session.execute(
        insert(schemes).values(
            scheme_id=scheme.scheme_id,
            version=scheme.version,
            document=scheme.model_dump_json(),
            published_at=now,
            published_by=actor.sub,
        )
    )
    return now
