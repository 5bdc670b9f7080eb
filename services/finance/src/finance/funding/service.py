"""Double-funding checks: run after whatever can create a finding (a subsidy computed, a loan granted for a
project, an adoption recorded), each finding flagged once to the city with every funding involved named."""

from __future__ import annotations

import secrets
from collections.abc import Collection, Sequence
from datetime import UTC, datetime

from contracts.events.finance import FundingFlagRaised
from finance.funding import repository
from finance.funding.rules import Finding, over_investment, same_scene
from finance.models import FundingFlag
from servicekit.bulk import insert_rows
from servicekit.uow import UnitOfWork


async def check(uow: UnitOfWork, *, usccs: Collection[str] = (), project_ids: Collection[str] = ()) -> None:
    """Projects financed beyond their investment (of `project_ids`), and scenes supported through two
    providers (of the enterprises `usccs`): one read per check for the whole batch."""
    findings = [f for p in await repository.project_support(uow.session, project_ids) if (f := over_investment(p))]
    findings += same_scene(await repository.funded_adoptions(uow.session, usccs))
    await raise_flags(uow, findings)


async def raise_flags(uow: UnitOfWork, findings: Sequence[Finding]) -> list[str]:
    """Flag what was not flagged before (by signature); the new flags' ids."""
    earlier = await repository.seen_before(uow.session, [f.signature for f in findings])
    fresh = {f.signature: f for f in findings if f.signature not in earlier}
    if not fresh:
        return []
    now = datetime.now(UTC)
    ids = [f"fl_{secrets.token_hex(8)}" for _ in fresh]
    rows = [
        {
            "flag_id": flag_id,
            "uscc": f.uscc,
            "kind": f.kind.value,
            "fundings": f.fundings,
            "detail": f.detail,
            "raised_at": now,
            "resolved_at": None,
            "resolution": None,
        }
        for flag_id, f in zip(ids, fresh.values(), strict=True)
    ]
    await insert_rows(uow.session, FundingFlag, rows)
    await repository.remember(
        uow.session, [{"signature": sig, "flag_id": flag_id} for sig, flag_id in zip(fresh, ids, strict=True)]
    )
    for flag_id, f in zip(ids, fresh.values(), strict=True):
        uow.emit(
            FundingFlagRaised(
                flag_id=flag_id, uscc=f.uscc, kind=f.kind.value, fundings=f.fundings, detail=f.detail, raised_at=now
            )
        )
    return ids
