"""Pure rules of the journey: which stage may follow which, and who may move a project on."""

from __future__ import annotations

from contracts.api.identity import Role, TokenClaims
from contracts.api.journey import STAGE_OWNERS, STAGES, ProviderStatus, Stage

# Provider status machine: applied → approved → suspended → approved (reinstated).
PROVIDER_TRANSITIONS: dict[ProviderStatus, frozenset[ProviderStatus]] = {
    ProviderStatus.APPLIED: frozenset({ProviderStatus.APPROVED}),
    ProviderStatus.APPROVED: frozenset({ProviderStatus.SUSPENDED}),
    ProviderStatus.SUSPENDED: frozenset({ProviderStatus.APPROVED}),
}


def allowed_next(stage: Stage) -> list[Stage]:
    """Stages a project may move to: the next one in order (none after 运维迭代)."""
    i = STAGES.index(stage)
    return [STAGES[i + 1]] if i + 1 < len(STAGES) else []


def who_may_complete(stage: Stage) -> set[Role]:
    return {Role.CITY, *STAGE_OWNERS[stage]} if allowed_next(stage) else set()


def may_move(actor: TokenClaims, stage: Stage, *, uscc: str, district: str, provider_id: str) -> str | None:
    """None if `actor` may complete `stage` of this project; else the reason why not."""
    roles = who_may_complete(stage)
    if actor.role not in roles:
        names = ", ".join(sorted(r.value for r in roles)) or "nobody (the last stage)"
        return f"stage {stage.value} is completed by: {names}"
    if actor.role == Role.PROVIDER and actor.provider_id != provider_id:
        return "only the project's own provider may move it"
    if actor.role == Role.ENTERPRISE and actor.uscc != uscc:
        return "only the project's own enterprise may move it"
    if actor.role in (Role.EXPERT, Role.DISTRICT) and district not in actor.districts:
        return f"district unit {district} is outside your scope"
    return None
