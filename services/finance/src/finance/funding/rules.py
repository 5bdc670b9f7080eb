"""Double-funding findings beyond a reused invoice (pure): a project financed beyond its investment, and one
scene of an enterprise supported through two providers. Each finding names every funding involved and has a
signature, so that the same finding is flagged once however often the checks run."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from contracts.api.subsidies import FlagKind
from finance.subsidies.rules import yuan


@dataclass(frozen=True)
class Finding:
    uscc: str
    kind: FlagKind
    fundings: list[str]
    detail: str
    signature: str


@dataclass(frozen=True)
class ProjectSupport:
    """A project's transformation subsidy (computed, approved or paid) and the loans granted for it."""

    uscc: str
    project_id: str
    subsidy_id: str
    subsidy_fen: int
    investment_fen: int
    loans: Sequence[tuple[str, int]]  # (loan id, amount granted in fen)


def over_investment(p: ProjectSupport) -> Finding | None:
    """The project's loans plus its subsidy exceed the investment claimed for it: public money would pay for
    more than the project costs (the cap on what one project may attract; an assumption, see docs/finance.md)."""
    loaned = sum(amount for _, amount in p.loans)
    total = loaned + p.subsidy_fen
    if not p.loans or total <= p.investment_fen:
        return None
    loans = sorted(loan_id for loan_id, _ in p.loans)
    fundings = [p.subsidy_id, *loans]
    return Finding(
        uscc=p.uscc,
        kind=FlagKind.SUPPORT_OVER_INVESTMENT,
        fundings=fundings,
        detail=(
            f"project {p.project_id}: loans {', '.join(loans)} ({yuan(loaned)} yuan) plus subsidy {p.subsidy_id} "
            f"({yuan(p.subsidy_fen)} yuan) = {yuan(total)} yuan, more than its investment of "
            f"{yuan(p.investment_fen)} yuan"
        ),
        signature=f"{FlagKind.SUPPORT_OVER_INVESTMENT.value}:{p.project_id}:{','.join(fundings)}",
    )


@dataclass(frozen=True)
class FundedAdoption:
    """An adoption within a project that a transformation subsidy (computed, approved or paid) funds."""

    uscc: str
    adoption_id: str
    solution_id: str
    provider_id: str
    scenes: Sequence[str]
    funding: str  # the subsidy id


def same_scene(adoptions: Sequence[FundedAdoption]) -> list[Finding]:
    """Per enterprise and scene: funded adoptions of more than one provider (both fundings named, even when
    one subsidy funds both)."""
    by_scene: dict[tuple[str, str], list[FundedAdoption]] = defaultdict(list)
    for a in adoptions:
        for scene in a.scenes:
            by_scene[(a.uscc, scene)].append(a)
    found = []
    for (uscc, scene), within in sorted(by_scene.items()):
        if len({a.provider_id for a in within}) < 2:
            continue
        within = sorted(within, key=lambda a: a.adoption_id)
        fundings = sorted({a.funding for a in within})
        providers = len({a.provider_id for a in within})
        adopted = ", ".join(
            f"{a.solution_id} of {a.provider_id} (adoption {a.adoption_id}, {a.funding})" for a in within
        )
        found.append(
            Finding(
                uscc=uscc,
                kind=FlagKind.SAME_SCENE_TWO_PROVIDERS,
                fundings=fundings,
                detail=f"scene {scene} is supported through {providers} providers: {adopted}",
                signature=f"{FlagKind.SAME_SCENE_TWO_PROVIDERS.value}:{uscc}:{scene}:"
                + ",".join(a.adoption_id for a in within),
            )
        )
    return found
