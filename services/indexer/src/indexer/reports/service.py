"""The reports: the main data table (total and per pilot sub-industry), and a unit's annual evaluation report."""

from __future__ import annotations

from datetime import UTC, datetime

from contracts import codes
from contracts.api.identity import Role, TokenClaims
from indexer.devindex import service as devindex
from indexer.facts import service as facts
from indexer.pilot import service as pilot
from indexer.reports import annual, files, repository
from indexer.reports.rules import SUPPORT_HEADER, main_table, support_row
from indexer.targets import service as targets
from servicekit.errors import Forbidden, InvalidInput
from servicekit.uow import UnitOfWork


def _unit_in_scope(actor: TokenClaims, district_code: str | None) -> str | None:
    if actor.role is Role.DISTRICT:
        if district_code is not None and district_code not in actor.districts:
            raise Forbidden("a district authority reports on its own unit", field="district_code")
        return actor.districts[0]
    return district_code


async def pilot_table(uow: UnitOfWork, actor: TokenClaims, district_code: str | None, kind: str) -> bytes:
    """The implementation plan's main data table as CSV or XLSX (a district authority: its own unit's)."""
    unit = _unit_in_scope(actor, district_code)
    names = {code: s.name for code, s in codes.sub_industries().items()}
    header, rows = main_table(
        names, await repository.table_counts(uow.session, unit), await repository.units_of(uow.session)
    )
    return files.table_xlsx(header, rows) if kind == "xlsx" else files.table_csv(header, rows)


async def annual_report(uow: UnitOfWork, actor: TokenClaims, district_code: str, year: int | None) -> str:
    unit = _unit_in_scope(actor, district_code)
    if unit is None or unit not in codes.districts():
        raise InvalidInput(f"{district_code} is not one of the 41 district units", field="district_code")
    year = year or datetime.now(UTC).year
    aggregates = await facts.aggregates(uow, actor, unit, with_cells=False)
    index = await devindex.index(uow, None)
    row = next((r for r in index.rows if r.district_code == unit), None)
    rules = [await pilot.rule(uow, code, unit) for code in codes.sub_industries()]
    progress = await targets.for_year(uow, year)
    return annual.render(unit, codes.districts()[unit].name, year, aggregates.totals, row, progress, rules)


async def support_list(uow: UnitOfWork, actor: TokenClaims, district_code: str | None, kind: str) -> bytes:
    """The support list (实施一批、培育一批、储备一批) of a unit's enterprises, or of all (the city)."""
    unit = _unit_in_scope(actor, district_code)
    rows = [support_row(f) for f in await repository.support_facts(uow.session, unit)]
    if kind == "xlsx":
        return files.table_xlsx(SUPPORT_HEADER, rows, title="支持清单")
    return files.table_csv(SUPPORT_HEADER, rows)
