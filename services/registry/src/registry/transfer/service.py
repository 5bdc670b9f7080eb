"""Bulk import of enterprise lists: validate every row, store the good ones in one transaction."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from contracts.api.identity import Role, TokenClaims
from contracts.api.registry import ImportReport, ImportRowError
from registry.enterprises import repository
from registry.enterprises.service import add_registered, new_enterprise
from registry.transfer.reading import ParsedList, RowError
from servicekit.uow import UnitOfWork

REPORTED_ERRORS = 1000


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
    existing = await repository.existing_usccs(uow.session, [c.uscc for _, c in candidates])
    now = datetime.now(UTC)
    new_rows = [new_enterprise(cmd, now) for _, cmd in candidates if cmd.uscc not in existing]
    for i in range(0, len(new_rows), 5000):
        await add_registered(uow, actor, new_rows[i : i + 5000], "import")
        if progress:
            progress(min(i + 5000, len(new_rows)), len(new_rows))
    errors.sort(key=lambda e: e.row)
    import_id = f"imp_{secrets.token_hex(8)}"
    report: dict[str, Any] = {
        "import_id": import_id,
        "at": now,
        "actor": actor.sub,
        "filename": filename[:200],
        "rows": parsed.rows,
        "stored": len(new_rows),
        "already_registered": len(existing),
        "rejected": len(errors),
        "errors": [asdict(e) for e in errors],
    }
    await repository.add_import(uow.session, report)
    uow.audit(actor, "enterprise.import", import_id, {k: report[k] for k in ("filename", "rows", "stored", "rejected")})
    return to_report(report), errors


def to_report(stored: dict[str, Any]) -> ImportReport:
    return ImportReport(
        **{k: stored[k] for k in ("import_id", "filename", "rows", "stored", "already_registered", "rejected")},
        errors=[ImportRowError(**e) for e in stored["errors"][:REPORTED_ERRORS]],
        errors_url=f"/v1/enterprises/imports/{stored['import_id']}/errors.csv",
    )
