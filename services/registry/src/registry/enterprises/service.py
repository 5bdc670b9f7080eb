"""Enterprise use cases: register, change, read, search, and the history of versions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from contracts import codes
from contracts.api.errors import FieldWarning
from contracts.api.identity import Role, TokenClaims
from contracts.api.registry import EnterpriseCreate, EnterprisePage, EnterprisePatch, EnterpriseRead
from contracts.api.registry import EnterpriseVersion as EnterpriseVersionRead
from contracts.events.registry import EnterpriseRegistered, EnterpriseSnapshot, EnterpriseUpdated, FieldChange
from contracts.push import EnterpriseData
from contracts.uscc import check_uscc
from registry.enterprises import repository
from registry.enterprises.repository import Stored, stored_columns
from registry.enterprises.rules import (
    SNAPSHOT_FIELDS,
    EnterpriseFilter,
    changes,
    derive,
    first_changes,
    to_fen,
    to_yuan,
)
from registry.models import Enterprise
from servicekit.auth import require_district
from servicekit.errors import Conflict, Forbidden, InvalidInput, NotFound
from servicekit.uow import UnitOfWork

# What an enterprise may change about itself; recognitions, unit and industry are the authorities'.
ENTERPRISE_EDITABLE = {"employees", "revenue_yuan", "revenue_year", "contacts", "chain_platforms"}
PROFILE_FIELDS = (
    "name",
    "district_code",
    "industry_code",
    "employees",
    "revenue_yuan",
    "revenue_year",
    "tiers",
    "cluster",
    "chain_platforms",
    "contacts",
)
DERIVED_FIELDS = ("industry_division", "key_industry_id", "sub_industry", "size_class", "above_scale", "current_tier")
VERSIONED_FIELDS = (*PROFILE_FIELDS, *DERIVED_FIELDS)
_READ_FIELDS = tuple(f for f in EnterpriseRead.model_fields if f not in ("district_name", "revenue_yuan", "warnings"))

Profile = dict[str, Any]  # an enterprise's values as the domain sees them (revenue in yuan)


def profile(row: Stored) -> Profile:
    """The stored row as profile values (revenue in yuan), which versions are compared on."""
    values = stored_columns(row)
    values["revenue_yuan"] = to_yuan(values.pop("revenue_fen"))
    return values


def row_values(values: Profile) -> dict[str, Any]:
    """Profile values → column values (revenue in fen)."""
    row = {k: v for k, v in values.items() if k != "revenue_yuan"}
    if "revenue_yuan" in values:
        row["revenue_fen"] = to_fen(values["revenue_yuan"])
    return row


def uscc_warnings(uscc: str) -> list[FieldWarning]:
    """What is odd about a valid USCC (the organisation-code check of GB 11714), to say with every answer."""
    return [
        FieldWarning(field="uscc", code=w.code, message=w.message, message_zh=w.message_zh)
        for w in check_uscc(uscc).warnings
    ]


def to_read(row: Enterprise) -> EnterpriseRead:
    return EnterpriseRead.model_validate(
        {
            **{f: getattr(row, f) for f in _READ_FIELDS},
            "revenue_yuan": to_yuan(row.revenue_fen),
            "district_name": codes.districts()[row.district_code].name,
            "warnings": uscc_warnings(row.uscc),
        }
    )


def snapshot(values: Profile) -> EnterpriseSnapshot:
    return EnterpriseSnapshot.model_validate({"uscc": values["uscc"], **{f: values.get(f) for f in SNAPSHOT_FIELDS}})


def new_enterprise(cmd: EnterpriseCreate | EnterpriseData, now: datetime) -> Profile:
    """The profile of a newly registered enterprise, derived facts included."""
    values: Profile = {
        "uscc": cmd.uscc,
        "name": cmd.name,
        "district_code": cmd.district_code,
        "industry_code": cmd.industry_code,
        "employees": cmd.employees,
        "revenue_yuan": cmd.revenue_yuan,
        "revenue_year": cmd.revenue_year,
        "cluster": cmd.cluster,
        # (a pushed record has no tiers; getattr with a default on a pydantic model costs ~20 µs when absent)
        "tiers": (cmd.tiers if isinstance(cmd, EnterpriseCreate) else None) or [],
        "chain_platforms": cmd.chain_platforms or [],
        "contacts": cmd.contacts or [],
        "registered_at": now,
        "version": 1,
        "updated_at": None,
    }
    return values | derive(values, now.date())


def registration(actor: TokenClaims, action: str) -> dict[str, Any]:
    """Who registers, as what, how: kept on the enterprise's row until its version 1 is written."""
    return {"registered_by": actor.sub, "registered_role": actor.role.value, "registered_action": action}


def first_version(row: Stored) -> dict[str, Any] | None:
    """Version 1 (the registration) of an enterprise that has not changed since, as history column values,
    read from its row; None when it has changed or was registered before 0012 (version 1 is stored then).
    Registrations skip the history row: it repeated the profile a third time (row, history, event), and leaving
    it out made a push 15–18 % faster (bench/results.md, 2026-12-04 22:32)."""
    if row.version != 1 or row.registered_by is None:
        return None
    return {
        "uscc": row.uscc,
        "version": 1,
        "changed_at": row.registered_at,
        "actor": row.registered_by,
        "role": row.registered_role,
        "action": row.registered_action,
        "changes": first_changes(profile(row), VERSIONED_FIELDS),
    }


def registered_event(values: Profile) -> EnterpriseRegistered:
    """The registration event; built without re-validation (the values come from a validated command
    and the derivation rules; the contract tests check what is published)."""
    return EnterpriseRegistered.trusted(
        uscc=values["uscc"],
        name=values["name"],
        district_code=values["district_code"],
        industry_code=values["industry_code"],
        industry_division=values["industry_division"],
        registered_at=values["registered_at"],
        key_industry_id=values["key_industry_id"],
        size_class=values["size_class"],
        above_scale=values["above_scale"],
        current_tier=values["current_tier"],
        sub_industry=values.get("sub_industry"),
        chain_platforms=values.get("chain_platforms") or [],
    )


def registered_rows(uow: UnitOfWork, actor: TokenClaims, profiles: list[Profile], action: str) -> list[dict[str, Any]]:
    """The rows of many new enterprises (from `new_enterprise`), their events queued on the unit of work. No I/O:
    a bulk write builds them before its first write, which on SQLite takes the write lock that one writer holds
    at a time (servicekit.sqlitegate). Version 1 stays on the row (`first_version`)."""
    by = registration(actor, action)
    rows = [row_values(v) | by for v in profiles]
    for v in profiles:
        uow.emit(registered_event(v))
    return rows


async def store_registered(uow: UnitOfWork, rows: list[dict[str, Any]]) -> None:
    """Insert the rows of `registered_rows`, 2,000 at a time (each chunk's driver parameters are alive together)."""
    for i in range(0, len(rows), 2000):
        await repository.add_enterprises(uow.session, rows[i : i + 2000])


async def add_registered(uow: UnitOfWork, actor: TokenClaims, profiles: list[Profile], action: str) -> None:
    """Store many new enterprises (from `new_enterprise`) and their events."""
    await store_registered(uow, registered_rows(uow, actor, profiles, action))


async def register_enterprise(uow: UnitOfWork, actor: TokenClaims, cmd: EnterpriseCreate) -> EnterpriseRead:
    """Store a new enterprise (version 1) and emit `registry.enterprise.registered`; 409 if known."""
    require_district(actor, cmd.district_code)
    if await repository.get_enterprise(uow.session, cmd.uscc) is not None:
        raise Conflict(f"enterprise {cmd.uscc} is already registered", field="uscc")
    values = new_enterprise(cmd, datetime.now(UTC))
    await add_registered(uow, actor, [values], "register")
    uow.audit(actor, "enterprise.register", cmd.uscc, {"district_code": cmd.district_code, "name": cmd.name})
    return to_read(Enterprise(**row_values(values)))


async def _load(uow: UnitOfWork, uscc: str) -> Enterprise:
    row = await repository.get_enterprise(uow.session, uscc.strip().upper())
    if row is None:
        raise NotFound(f"no enterprise with USCC {uscc}")
    return row


def check_read(actor: TokenClaims, row: Enterprise) -> None:
    if actor.role == Role.ENTERPRISE:
        if actor.uscc != row.uscc:
            raise Forbidden("an enterprise may read only its own record")
    elif actor.role == Role.PROVIDER:
        if row.pushed_by is None or row.pushed_by != actor.provider_id:
            raise Forbidden("a provider may read only the enterprises it pushed")
    else:
        require_district(actor, row.district_code)


async def get_enterprise(uow: UnitOfWork, actor: TokenClaims, uscc: str) -> EnterpriseRead:
    row = await _load(uow, uscc)
    check_read(actor, row)
    return to_read(row)


async def search(uow: UnitOfWork, f: EnterpriseFilter, cursor: str | None, limit: int) -> EnterprisePage:
    """One page of the search (the filter is already scoped to the caller's units)."""
    after = repository.decode_cursor(cursor) if cursor else None
    rows = await repository.list_enterprises(uow.session, f, after, limit + 1)
    items = [to_read(r) for r in rows[:limit]]
    next_cursor = repository.encode_cursor(items[-1].uscc) if len(rows) > limit else None
    return EnterprisePage(items=items, next_cursor=next_cursor)


def _check_patch(actor: TokenClaims, old: Enterprise, given: dict[str, Any]) -> None:
    if actor.role == Role.ENTERPRISE:
        if actor.uscc != old.uscc:
            raise Forbidden("an enterprise may change only its own record")
        denied = sorted(set(given) - ENTERPRISE_EDITABLE)
        if denied:
            raise Forbidden(f"an enterprise may not change {', '.join(denied)}", field=denied[0])
        return
    require_district(actor, old.district_code)
    if "district_code" in given:
        require_district(actor, given["district_code"])  # moving to a unit you do not manage needs the city


async def update_enterprise(uow: UnitOfWork, actor: TokenClaims, uscc: str, patch: EnterprisePatch) -> EnterpriseRead:
    """Apply a partial change as a new version; emit `registry.enterprise.updated` when shared facts changed."""
    old = await _load(uow, uscc)
    given = patch.model_dump(exclude_unset=True)
    for required in ("name", "district_code", "industry_code"):
        if required in given and given[required] is None:
            raise InvalidInput(f"{required} cannot be cleared", field=required)
    _check_patch(actor, old, given)
    changed = await apply_change(uow, actor, old, {k: getattr(patch, k) for k in given}, "update")
    return to_read(changed or old)


@dataclass(frozen=True)
class Change:
    """A new version of one enterprise, computed (`plan_change`) before it is stored (`apply_changes`)."""

    old: Stored
    after: Profile  # every profile field, derived ones included, with the new version and time
    diff: dict[str, Any]


def plan_change(old: Stored, given: dict[str, Any], now: datetime) -> Change | None:
    """`given` over `old` as a new version; None when nothing changed (no version, no event)."""
    before = profile(old)
    after = {**before, **given}
    for f in ("tiers", "chain_platforms", "contacts"):
        after[f] = after[f] or []
    after |= derive(after, now.date())
    diff = changes(before, after, (*PROFILE_FIELDS, *DERIVED_FIELDS))
    if not diff:
        return None
    after |= {"version": old.version + 1, "updated_at": now}
    return Change(old, after, diff)


async def apply_changes(uow: UnitOfWork, actor: TokenClaims, planned: list[Change], action: str) -> set[str]:
    """Store many changes at once — one UPDATE (each over the version it was computed from), one insert of
    their history entries (with version 1 of those changing for the first time) — and emit
    `registry.enterprise.updated` for those whose shared facts changed.
    Returns the USCCs someone else changed meanwhile: those are not stored, and the caller refuses them.
    Permissions are checked by the caller."""
    if not planned:
        return set()
    rows = [row_values(c.after) for c in planned]
    taken = set(await repository.update_enterprises(uow.session, rows, [c.old.version for c in planned]))
    planned = [c for c in planned if c.old.uscc not in taken]
    first = [v for c in planned if (v := first_version(c.old)) is not None]  # their first change: keep version 1
    await repository.add_versions(
        uow.session,
        first
        + [
            {
                "uscc": c.old.uscc,
                "version": c.after["version"],
                "changed_at": c.after["updated_at"],
                "actor": actor.sub,
                "role": actor.role.value,
                "action": action,
                "changes": c.diff,
            }
            for c in planned
        ],
    )
    for c in planned:
        uow.audit(actor, f"enterprise.{action}", c.old.uscc, {"version": c.after["version"], "fields": sorted(c.diff)})
        shared = {k: FieldChange(**v) for k, v in c.diff.items() if k in SNAPSHOT_FIELDS}
        if shared:
            event = EnterpriseUpdated(
                uscc=c.old.uscc,
                version=c.after["version"],
                updated_at=c.after["updated_at"],
                changes=shared,
                profile=snapshot(c.after),
            )
            uow.emit(event)
    return taken


async def apply_change(
    uow: UnitOfWork, actor: TokenClaims, old: Stored, given: dict[str, Any], action: str
) -> Enterprise | None:
    """Store `given` over `old` as a new version (see `apply_changes`); None when nothing changed."""
    planned = plan_change(old, given, datetime.now(UTC))
    if planned is None:
        return None
    if await apply_changes(uow, actor, [planned], action):
        raise Conflict(f"{old.uscc} was changed by someone else meanwhile; read it again and retry")
    return Enterprise(**row_values(planned.after))


async def versions(uow: UnitOfWork, actor: TokenClaims, uscc: str) -> list[EnterpriseVersionRead]:
    row = await _load(uow, uscc)
    check_read(actor, row)
    stored = [
        EnterpriseVersionRead.model_validate(v, from_attributes=True)
        for v in await repository.versions(uow.session, row.uscc)
    ]
    first = first_version(row)
    return stored if first is None else [EnterpriseVersionRead.model_validate(first), *stored]
