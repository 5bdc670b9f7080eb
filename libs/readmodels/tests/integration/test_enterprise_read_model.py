"""Each service keeps one row per enterprise: the shared read model's columns beside its own, kept right when events
come twice, late or out of order (real broker, SQLite and PostgreSQL)."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from contracts.envelope import Event
from contracts.events.registry import EnterpriseRegistered, EnterpriseSnapshot, EnterpriseUpdated, FieldChange
from devstack.broker import Broker
from testkit.databases import DbFactory
from testkit.services import running_service

pytestmark = [pytest.mark.broker]

T0 = datetime(2026, 3, 1, tzinfo=UTC)
USCC = "91350100M000100Y43"
LATE = "91500000MA00000008"  # its registration arrives after its first update
# service → (its table of enterprises, what its own columns hold after the update below)
TABLES: dict[str, tuple[str, dict[str, Any]]] = {
    "catalog": ("EnterpriseProfile", {"industry_code": "C3412", "sub_industry": "数控机床"}),
    "finance": ("EnterpriseFacts", {"size_class": "medium", "tier": "specialised", "chain_platforms": ["p2"]}),
    "assessment": ("KnownEnterprise", {}),
}


def registered(uscc: str = USCC) -> EnterpriseRegistered:
    return EnterpriseRegistered(
        uscc=uscc,
        name="重庆某机械有限公司",
        district_code="500103",
        industry_code="C3411",
        industry_division="C34",
        registered_at=T0,
        size_class="small",
        chain_platforms=["p1"],
    )


def updated(version: int, uscc: str = USCC) -> EnterpriseUpdated:
    profile = EnterpriseSnapshot(
        uscc=uscc,
        name=f"重庆某机械有限公司（第{version}版）",
        district_code="500103",
        industry_code="C3412",
        industry_division="C34",
        sub_industry="数控机床",
        size_class="medium",
        current_tier="specialised",
        chain_platforms=["p2"],
    )
    return EnterpriseUpdated(
        uscc=uscc,
        version=version,
        updated_at=T0 + timedelta(days=version),
        changes={"name": FieldChange(before="重庆某机械有限公司", after=profile.name)},
        profile=profile,
    )


@pytest.mark.parametrize("service", list(TABLES))
async def test_one_row_per_enterprise(service: str, broker: Broker, make_db: DbFactory, db_kind: str) -> None:
    spec = importlib.import_module(f"{service}.main").spec
    model_name, own = TABLES[service]
    model: Any = getattr(importlib.import_module(f"{service}.models"), model_name)
    feed: list[list[Event]] = [
        [updated(3)],
        [registered(), registered()],  # twice, late: it moves nothing
        [updated(2), updated(3)],  # late and repeated
        [updated(2, LATE), registered(LATE)],  # an update before the registration (a rebuild from a partial log)
    ]
    async with running_service(spec, broker, await make_db(db_kind)) as svc:
        await svc.deliver(spec, registered())
        async with svc.runtime.sessions() as s:
            first = (await s.execute(select(model))).scalar_one()
        assert (first.name, first.version, first.registered_at) == ("重庆某机械有限公司", 1, T0)
        if service == "catalog":
            assert (first.industry_code, first.sub_industry) == ("C3411", None)
        if service == "finance":
            assert (first.size_class, first.chain_platforms) == ("small", ["p1"])

        for batch in feed:  # one transaction each
            await svc.deliver(spec, *batch)
        async with svc.runtime.sessions() as s:
            rows = {r.uscc: r for r in (await s.execute(select(model))).scalars()}
        row, late = rows[USCC], rows[LATE]
        assert (row.name, row.version) == ("重庆某机械有限公司（第3版）", 3)
        assert row.registered_at == T0  # the registration's time is kept by updates
        for column, value in own.items():
            assert getattr(row, column) == value, column
        assert (late.name, late.version) == ("重庆某机械有限公司（第2版）", 2)
        assert late.registered_at == T0 + timedelta(days=2)  # the update's time stands in: the registration came late
