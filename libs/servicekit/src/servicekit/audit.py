"""GET /v1/audit-log on every service: who wrote what, when (city authority and ops)."""

from __future__ import annotations

import json
from datetime import datetime

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy import Table, select

from contracts.api.identity import Role, TokenClaims
from servicekit.auth import allow
from servicekit.http import MAX_ID


class AuditEntry(BaseModel):
    id: int
    at: datetime
    actor: str
    role: str
    action: str
    subject: str
    detail: dict[str, object]


def audit_router(table: Table) -> APIRouter:
    router = APIRouter(prefix="/v1/audit-log", tags=["audit"])

    @router.get("", response_model=list[AuditEntry])
    async def list_audit_log(
        request: Request,
        subject: str | None = Query(None, max_length=200),
        actor: str | None = Query(None, max_length=64),
        before_id: int | None = Query(None, ge=1, le=MAX_ID, description="cursor: entries older than this id"),
        limit: int = Query(100, ge=1, le=1000),
        _: TokenClaims = Depends(allow(Role.CITY, Role.OPS)),
    ) -> list[AuditEntry]:
        """Newest first; page with `before_id` = the last id of the previous page."""
        stmt = select(table).order_by(table.c.id.desc()).limit(limit)
        if subject:
            stmt = stmt.where(table.c.subject == subject)
        if actor:
            stmt = stmt.where(table.c.actor == actor)
        if before_id:
            stmt = stmt.where(table.c.id < before_id)
        async with request.app.state.runtime.engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        return [AuditEntry(**{**r._asdict(), "detail": json.loads(r.detail)}) for r in rows]

    return router
