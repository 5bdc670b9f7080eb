"""The enterprise read model kept by services that are not the registry."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy import Column, Integer, MetaData, String, Table, update

from contracts.api.errors import ErrorBody
from contracts.api.identity import Role, TokenClaims
from contracts.api.readmodels import KnownEnterprise, ReadModelPage
from contracts.events.registry import EnterpriseRegistered, EnterpriseUpdated
from readmodels.queries import one_in_scope, page
from servicekit.app import get_uow
from servicekit.auth import allow, require_district
from servicekit.consumer import Received, Subscription
from servicekit.db import UTCDateTime, insert_ignore
from servicekit.uow import UnitOfWork

ERROR = {"model": ErrorBody}


def known_enterprises_table(metadata: MetaData) -> Table:
    return Table(
        "known_enterprises",
        metadata,
        Column("uscc", String(18), primary_key=True),
        Column("name", String(200), nullable=False),
        Column("district_code", String(8), nullable=False, index=True),
        Column("industry_division", String(3), nullable=False),
        Column("registered_at", UTCDateTime(), nullable=False),
        Column("version", Integer, nullable=False, server_default="1"),
    )


def enterprise_subscriptions(table: Table) -> list[Subscription]:
    """Keep `table` in step with the registry's enterprise events (bulk writes per batch)."""

    async def on_enterprise_registered(uow: UnitOfWork, events: list[Received[EnterpriseRegistered]]) -> None:
        rows = [
            {
                "uscc": e.payload.uscc,
                "name": e.payload.name,
                "district_code": e.payload.district_code,
                "industry_division": e.payload.industry_division,
                "registered_at": e.payload.registered_at,
            }
            for e in events
        ]
        await uow.session.execute(insert_ignore(uow.dialect, table, rows, ["uscc"]))

    async def on_enterprise_updated(uow: UnitOfWork, events: list[Received[EnterpriseUpdated]]) -> None:
        # Only a newer version overwrites: a replayed or late older update changes nothing.
        for e in events:
            p = e.payload.profile
            values = {
                "name": p.name,
                "district_code": p.district_code,
                "industry_division": p.industry_division,
                "version": e.payload.version,
            }
            await uow.session.execute(
                insert_ignore(
                    uow.dialect,
                    table,
                    [{"uscc": p.uscc, "registered_at": e.payload.updated_at, **values, "version": 0}],
                    ["uscc"],
                )
            )
            await uow.session.execute(
                update(table).where(table.c.uscc == p.uscc, table.c.version < e.payload.version).values(**values)
            )

    return [
        Subscription(EnterpriseRegistered, on_enterprise_registered),
        Subscription(EnterpriseUpdated, on_enterprise_updated),
    ]


def _known(row: Any) -> KnownEnterprise:
    return KnownEnterprise.model_validate(dict(row._mapping))


def enterprise_router(table: Table) -> APIRouter:
    """GET /v1/known-enterprises[/{uscc}]: what this service knows of enterprises."""
    router = APIRouter(prefix="/v1/known-enterprises", tags=["read models"])

    @router.get("", response_model=ReadModelPage)
    async def list_known(
        district_code: str | None = Query(None, max_length=8),
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0),
        uow: UnitOfWork = Depends(get_uow),
        actor: TokenClaims = Depends(allow(Role.CITY, Role.DISTRICT, Role.OPS)),
    ) -> ReadModelPage:
        """Enterprises this service has learnt of from registry events (a district authority: its unit's)."""
        if district_code:
            require_district(actor, district_code)
            where = [table.c.district_code == district_code]
        elif actor.role == Role.DISTRICT:
            where = [table.c.district_code.in_(actor.districts)]
        else:
            where = []
        total, rows = await page(uow, table, where, [table.c.uscc], limit, offset)
        return ReadModelPage(total=total, items=[_known(r) for r in rows])

    @router.get(
        "/{uscc}", response_model=KnownEnterprise, responses={403: {"model": ErrorBody}, 404: {"model": ErrorBody}}
    )
    async def get_known(
        uscc: str,
        uow: UnitOfWork = Depends(get_uow),
        actor: TokenClaims = Depends(allow(Role.CITY, Role.DISTRICT, Role.OPS)),
    ) -> KnownEnterprise:
        return _known(await one_in_scope(uow, actor, table.c.uscc, uscc.upper(), uscc))

    return router
