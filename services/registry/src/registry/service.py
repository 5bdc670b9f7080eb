"""Registry use cases."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from contracts import codes
from contracts.api.identity import TokenClaims
from contracts.api.registry import EnterpriseCreate, EnterpriseRead
from contracts.events.registry import EnterpriseRegistered
from registry import repository
from servicekit.errors import Conflict, NotFound
from servicekit.uow import UnitOfWork


def to_read(row: dict[str, Any]) -> EnterpriseRead:
    return EnterpriseRead(**row, district_name=codes.districts()[row["district_code"]].name)


async def register_enterprise(uow: UnitOfWork, actor: TokenClaims, cmd: EnterpriseCreate) -> EnterpriseRead:
    """Store a new enterprise and emit `registry.enterprise.registered`; 409 if the USCC is known."""
    if await repository.get_enterprise(uow.session, cmd.uscc) is not None:
        raise Conflict(f"enterprise {cmd.uscc} is already registered", field="uscc")
    division = codes.industry_division_of(cmd.industry_code)
    assert division is not None  # IndustryCode validated it
    key_industry = codes.key_industry_of(division)
    values = {
        "uscc": cmd.uscc,
        "name": cmd.name,
        "district_code": cmd.district_code,
        "industry_code": cmd.industry_code,
        "industry_division": division,
        "key_industry_id": key_industry.id if key_industry else None,
        "registered_at": datetime.now(UTC),
    }
    await repository.add_enterprise(uow.session, values)
    uow.audit(actor, "enterprise.register", cmd.uscc, {k: v for k, v in values.items() if k != "registered_at"})
    uow.emit(
        EnterpriseRegistered(
            uscc=cmd.uscc,
            name=cmd.name,
            district_code=cmd.district_code,
            industry_code=cmd.industry_code,
            industry_division=division,
            registered_at=values["registered_at"],
        )
    )
    return to_read(values)


async def get_enterprise(uow: UnitOfWork, uscc: str) -> EnterpriseRead:
    row = await repository.get_enterprise(uow.session, uscc.strip().upper())
    if row is None:
        raise NotFound(f"no enterprise with USCC {uscc}")
    return to_read(row)
