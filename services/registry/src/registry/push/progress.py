"""Project-progress records of a pushed batch: a project the provider is on moved to its next stage, each one
checked against the journey's rules and applied through the journey service."""

from __future__ import annotations

from contracts.api.identity import Role, TokenClaims
from contracts.api.journey import STAGE_NAMES, Stage, TransitionCreate
from contracts.push import ProgressRecord, RecordStatus
from contracts.push.messages import record_error
from registry.journey import repository as journey_repo
from registry.journey import service as journey
from registry.journey.rules import allowed_next, may_move, who_may_complete
from registry.push.outcome import Outcome
from servicekit.errors import DomainError
from servicekit.uow import UnitOfWork

ROLE_ZH = {
    Role.CITY: "市经济信息委",
    Role.DISTRICT: "区县主管部门",
    Role.EXPERT: "评估专家",
    Role.ENTERPRISE: "企业",
    Role.PROVIDER: "服务商",
}


async def apply_progress(uow: UnitOfWork, actor: TokenClaims, provider_id: str, o: Outcome) -> None:
    """Move the record's project to its stage, or set why not on the record (no such project of this provider,
    a stage not next, a role that may not complete the current one, a concurrent move)."""
    record = o.parsed.record
    assert isinstance(record, ProgressRecord)
    data = record.data
    project = await journey_repo.get_project(uow.session, data.project_id)
    if project is None or project.provider_id != provider_id:
        o.status, o.errors = (
            RecordStatus.REJECTED,
            [record_error("not_on_project", "data.project_id", **data.model_dump(include={"project_id"}))],
        )
        return
    stage = Stage(project.stage)
    allowed = allowed_next(stage)
    if data.to_stage not in allowed:
        o.status = RecordStatus.REJECTED
        o.errors = [
            record_error(
                "stage_not_allowed",
                "data.to_stage",
                project_id=data.project_id,
                stage=stage.value,
                stage_zh=STAGE_NAMES[stage],
                allowed=", ".join(s.value for s in allowed) or "none (the last stage)",
                allowed_zh="、".join(STAGE_NAMES[s] for s in allowed) or "无（已是最后阶段）",
            )
        ]
        return
    if may_move(actor, stage, uscc=project.uscc, district=project.district_code, provider_id=provider_id):
        who = sorted(who_may_complete(stage) - {Role.CITY}, key=lambda r: r.value)
        o.status = RecordStatus.REJECTED
        o.errors = [
            record_error(
                "role_may_not_move",
                "data.to_stage",
                stage=stage.value,
                stage_zh=STAGE_NAMES[stage],
                who=", ".join(r.value for r in who),
                who_zh="、".join(ROLE_ZH[r] for r in who),
            )
        ]
        return
    note = data.note or f"pushed as {record.record_id} v{record.version}"
    try:
        await journey.move_project(
            uow, actor, data.project_id, TransitionCreate(to_stage=data.to_stage, evidence=data.evidence, note=note)
        )
    except DomainError as e:  # a concurrent move: report it on the record
        o.status, o.errors = RecordStatus.REJECTED, [record_error("conflict", e.field or "", detail=str(e))]
        return
    o.status = RecordStatus.UPDATED
