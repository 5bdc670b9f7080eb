"""Bulk import of enterprise lists (validate every row, store the good ones in one transaction) and export."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict
from datetime import UTC, datetime

from contracts.api.identity import Role, TokenClaims
from contracts.api.registry import ImportReport, ImportRowError
from registry.enterprises import repository as enterprises
from registry.enterprises.rules import EnterpriseFilter
from registry.enterprises.service import add_registered, new_enterprise, to_read
from registry.models import Import
from registry.transfer import repository
from registry.transfer.reading import ParsedList, RowError
from servicekit.errors import NotFound
from servicekit.uow import UnitOfWork

REPORTED_ERRORS = 1000
EXPORT_PAGE = 5000


def _in_scope(actor: TokenClaims, district: str) -> bool:
    return actor.role == Role.CITY or district in actor.districts


async def import_list(
    uow: UnitOfWork,
    actor: TokenClaims,
    parsed: ParsedList,
    filename: str,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[ImportReport, list[RowError]]:
    """Store every good, new row (with its version and event) and the report; nothing half-written.

    A USCC registered before is left unchanged, so importing the same file again changes nothing.
    """
    errors = list(parsed.errors)
    candidates = []
    for number, cmd in parsed.good:
        if _in_scope(actor, cmd.district_code):
            candidates.append((number, cmd))
        else:
            errors.append(
                RowError(number, cmd.uscc, "district_code", f"district unit {cmd.district_code} is outside your scope")
            )
    existing = await enterprises.existing_usccs(uow.session, [c.uscc for _, c in candidates])
    now = datetime.now(UTC)
    new_rows = [new_enterprise(cmd, now) for _, cmd in candidates if cmd.uscc not in existing]
    for i in range(0, len(new_rows), 5000):
        await add_registered(uow, actor, new_rows[i : i + 5000], "import")
        if progress:
            progress(min(i + 5000, len(new_rows)), len(new_rows))
    errors.sort(key=lambda e: e.row)
    stored = Import(
        import_id=f"imp_{secrets.token_hex(8)}",
        at=now,
        actor=actor.sub,
        filename=filename[:200],
        rows=parsed.rows,
        stored=len(new_rows),
        already_registered=len(existing),
        rejected=len(errors),
        errors=[asdict(e) for e in errors],
    )
    await repository.add_import(uow.session, stored)
    uow.audit(
        actor,
        "enterprise.import",
        stored.import_id,
        {"filename": stored.filename, "rows": stored.rows, "stored": stored.stored, "rejected": stored.rejected},
    )
    return to_report(stored), errors


def to_report(stored: Import) -> ImportReport:
    return ImportReport(
        import_id=stored.import_id,
        filename=stored.filename,
        rows=stored.rows,
        stored=stored.stored,
        already_registered=stored.already_registered,
        rejected=stored.rejected,
        errors=[ImportRowError(**e) for e in stored.errors[:REPORTED_ERRORS]],
        errors_url=f"/v1/enterprises/imports/{stored.import_id}/errors.csv",
    )


async def stored_import(uow: UnitOfWork, actor: TokenClaims, import_id: str) -> Import:
    """An import the caller made (the city sees every import); 404 otherwise."""
    stored = await repository.get_import(uow.session, import_id)
    if stored is None or (actor.role != Role.CITY and stored.actor != actor.sub):
        raise NotFound(f"no import {import_id}")
    return stored


async def export_rows(uow: UnitOfWork, f: EnterpriseFilter, columns: list[str]) -> AsyncIterator[list[object]]:
    """Every enterprise the filter selects, page by page (one short transaction each), as `columns`."""
    after = None
    while True:
        async with uow:
            rows = await enterprises.list_enterprises(uow.session, f, after, EXPORT_PAGE)
        for r in rows:
            e = to_read(r).model_dump(mode="json")
            yield [e[key] if e[key] is not None else "" for key in columns]
        if len(rows) < EXPORT_PAGE:
            return
        after = rows[-1].uscc
