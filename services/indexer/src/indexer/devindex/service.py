"""The development index per district unit: computed live for the current year or quarter, frozen once the
city publishes it (and published on the city feed)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

from contracts import codes
from contracts.api.identity import Role, TokenClaims
from contracts.api.indexer import (
    IndexRead,
    IndexRow,
    IndicatorMember,
    IndicatorMembers,
    IndicatorValue,
    SensitivityRead,
    SensitivityRow,
)
from contracts.events.indexer import SMALL_CELL, IndexPublished
from indexer.devindex import repository
from indexer.devindex.rules import Methodology, compute, sensitivity
from indexer.models import PublishedIndex
from servicekit.datafiles import newest_json
from servicekit.errors import Conflict, Forbidden, InvalidInput
from servicekit.uow import UnitOfWork


@cache
def methodology() -> Methodology:
    """The newest methodology shipped (methodology.v<N>.json)."""
    return Methodology.parse(newest_json(__package__, "methodology"))


def current_periods(now: datetime) -> tuple[str, str]:
    return str(now.year), f"{now.year}-Q{(now.month - 1) // 3 + 1}"


async def _units(uow: UnitOfWork) -> dict[str, dict[str, int]]:
    totals = await repository.unit_totals(uow.session)
    return {code: totals.get(code, {}) for code in codes.districts()}


async def _live(uow: UnitOfWork, period: str) -> IndexRead:
    m = methodology()
    units = await _units(uow)
    table = compute(m, units)
    names = {i.id: i.name for i in m.indicators}
    rows = [
        IndexRow(
            district_code=u,
            district_name=codes.districts()[u].name,
            enterprises=units[u].get("enterprises", 0),
            value=row["value"],
            rank=row["rank"],
            indicators=[
                IndicatorValue(indicator=i, name=names[i], raw=raw, normalised=norm, weight=w, contribution=c)
                for i, (raw, norm, w, c) in row["indicators"].items()
            ],
        )
        for u, row in table.items()
    ]
    rows.sort(key=lambda r: (r.rank, r.district_code))
    now = datetime.now(UTC).isoformat()
    return IndexRead(period=period, methodology_version=m.version, published=False, computed_at=now, rows=rows)


async def index(uow: UnitOfWork, period: str | None) -> IndexRead:
    """A published period as it was published; the current year or quarter live; any other period is refused."""
    year, quarter = current_periods(datetime.now(UTC))
    period = period or year
    frozen = await repository.published(uow.session, period)
    if frozen is not None:
        return IndexRead.model_validate(frozen.answer)
    if period not in (year, quarter):
        raise Conflict(f"{period} was not published, and only the current year ({year}) or quarter ({quarter}) is live")
    return await _live(uow, period)


async def publish(uow: UnitOfWork, actor: TokenClaims, period: str) -> IndexRead:
    """Freeze the current year's or quarter's index: later data never changes it."""
    year, quarter = current_periods(datetime.now(UTC))
    if period not in (year, quarter):
        raise Conflict(f"only the current year ({year}) or quarter ({quarter}) can be published")
    if await repository.published(uow.session, period) is not None:
        raise Conflict(f"the index of {period} is published already")
    answer = (await _live(uow, period)).model_copy(update={"published": True})
    now = datetime.now(UTC)
    row = PublishedIndex(
        period=period,
        methodology_version=answer.methodology_version,
        published_at=now,
        published_by=actor.sub,
        answer=answer.model_dump(mode="json"),
    )
    await repository.publish(uow.session, row)
    shown = [r for r in answer.rows if r.enterprises >= SMALL_CELL]
    uow.emit(
        IndexPublished(
            period=period,
            methodology_version=answer.methodology_version,
            values={r.district_code: (r.value if r.enterprises >= SMALL_CELL else None) for r in answer.rows},
            ranks={r.district_code: (r.rank if r in shown else None) for r in answer.rows},
            published_at=now,
        )
    )
    uow.audit(actor, "index.publish", period, {"methodology_version": answer.methodology_version})
    return answer


async def weight_sensitivity(uow: UnitOfWork) -> SensitivityRead:
    """How each unit's current rank moves when any one weight moves by ±20%."""
    m = methodology()
    units = await _units(uow)
    base = compute(m, units)
    moves = sensitivity(m, units)
    rows = []
    for u in sorted(units, key=lambda u: (base[u]["rank"], u)):
        seen = [r for pair in moves[u].values() for r in pair] + [base[u]["rank"]]
        rows.append(
            SensitivityRow(
                district_code=u, rank=base[u]["rank"], lowest_rank=max(seen), highest_rank=min(seen), moves=moves[u]
            )
        )
    return SensitivityRead(period=current_periods(datetime.now(UTC))[0], methodology_version=m.version, rows=rows)


async def indicator_members(
    uow: UnitOfWork, actor: TokenClaims, district_code: str, indicator: str, limit: int, offset: int
) -> IndicatorMembers:
    """The drill-down from a unit's indicator to the enterprises behind it (the city, or the unit's authority)."""
    if actor.role is Role.DISTRICT and district_code not in actor.districts:
        raise Forbidden("a district authority sees the enterprises of its own unit", field="district_code")
    if district_code not in codes.districts():
        raise InvalidInput(f"{district_code} is not one of the 41 district units", field="district_code")
    found = {i.id: i for i in methodology().indicators}.get(indicator)
    if found is None:
        raise InvalidInput(
            f"no indicator {indicator!r}; one of: {', '.join(i.id for i in methodology().indicators)}",
            field="indicator",
        )
    total, page = await repository.members(
        uow.session, district_code, found.numerator, found.denominator, limit, offset
    )
    return IndicatorMembers(
        district_code=district_code,
        indicator=indicator,
        name=found.name,
        base=found.denominator,
        total=total,
        items=[IndicatorMember(uscc=u, level=level, counted=c) for u, level, c in page],
    )
