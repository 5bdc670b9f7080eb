"""Where schemes come from: the shipped files, and the versions an administrator published since."""

from __future__ import annotations

from datetime import UTC, datetime

from assessment.models import PublishedScheme
from assessment.schemes import repository
from assessment.schemes.builtin import ANY_SCHEME, AnyScheme, builtin_schemes
from contracts.api.evaluations import EvaluationScheme
from contracts.api.identity import TokenClaims
from contracts.api.schemes import Scheme, SchemeVersion
from servicekit.errors import Conflict, InvalidInput, NotFound
from servicekit.uow import UnitOfWork


async def all_schemes(uow: UnitOfWork) -> list[AnyScheme]:
    published = [ANY_SCHEME.validate_json(r.document) for r in await repository.published(uow.session)]
    return sorted([*builtin_schemes(), *published], key=lambda s: (s.scheme_id, s.version))


async def versions(uow: UnitOfWork) -> list[SchemeVersion]:
    """Every scheme version, shipped and published, in order."""
    return [SchemeVersion.model_validate(s.model_dump()) for s in await all_schemes(uow)]


async def _versions(uow: UnitOfWork, scheme_id: str, kind: type[Scheme] | type[EvaluationScheme]) -> list[AnyScheme]:
    every = await all_schemes(uow)
    versions = [s for s in every if s.scheme_id == scheme_id and isinstance(s, kind)]
    if not versions:
        known = sorted({s.scheme_id for s in every if isinstance(s, kind)})
        raise InvalidInput(f"unknown scheme {scheme_id!r}; known here: {', '.join(known)}", field="scheme_id")
    return versions


def _pick(versions: list[AnyScheme], scheme_id: str, version: int | None) -> AnyScheme:
    if version is None:
        return versions[-1]
    for s in versions:
        if s.version == version:
            return s
    have = ", ".join(str(s.version) for s in versions)
    raise InvalidInput(f"scheme {scheme_id} has no version {version} (versions: {have})", field="scheme_version")


async def get_scheme(uow: UnitOfWork, scheme_id: str, version: int | None = None) -> Scheme:
    """A digital-level scheme version (the latest when `version` is None); 422 naming what is unknown."""
    found = _pick(await _versions(uow, scheme_id, Scheme), scheme_id, version)
    assert isinstance(found, Scheme)
    return found


async def get_evaluation_scheme(uow: UnitOfWork, scheme_id: str, version: int | None = None) -> EvaluationScheme:
    """A 小灯塔 or benchmark evaluation scheme version (the latest when `version` is None)."""
    found = _pick(await _versions(uow, scheme_id, EvaluationScheme), scheme_id, version)
    assert isinstance(found, EvaluationScheme)
    return found


async def find_scheme(uow: UnitOfWork, scheme_id: str, version: int) -> AnyScheme:
    """A version referred to by a URL: 404 if it does not exist."""
    for s in await all_schemes(uow):
        if (s.scheme_id, s.version) == (scheme_id, version):
            return s
    raise NotFound(f"no scheme {scheme_id} version {version}")


async def publish(uow: UnitOfWork, actor: TokenClaims, scheme: AnyScheme) -> datetime:
    """Store a new version; it must follow the latest one of its scheme (a new scheme starts at 1)."""
    versions = [s for s in await all_schemes(uow) if s.scheme_id == scheme.scheme_id]
    if versions and versions[-1].kind != scheme.kind:
        raise Conflict(f"scheme {scheme.scheme_id} is a {versions[-1].kind} scheme, not {scheme.kind}", field="kind")
    latest = max((s.version for s in versions), default=0)
    if scheme.version != latest + 1:
        raise Conflict(
            f"scheme {scheme.scheme_id} is at version {latest}: publish version {latest + 1}", field="version"
        )
    now = datetime.now(UTC)
    row = PublishedScheme(
        scheme_id=scheme.scheme_id,
        version=scheme.version,
        document=scheme.model_dump_json(),
        published_at=now,
        published_by=actor.sub,
    )
    await repository.add(uow.session, row)
    uow.audit(actor, "scheme.publish", f"{scheme.scheme_id}@{scheme.version}", {"title": scheme.title})
    return now
