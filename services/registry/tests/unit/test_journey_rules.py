from typing import Any

import pytest

from contracts.api.identity import Role, TokenClaims
from contracts.api.journey import STAGES, Stage
from registry.journey.rules import allowed_next, may_move, who_may_complete


def claims(role: Role, **kw: Any) -> TokenClaims:
    return TokenClaims(sub="t", role=role, iat=0, exp=1, **kw)


def test_eight_stages_in_the_work_plans_order() -> None:
    assert [s.value for s in STAGES] == [
        "diagnosis",
        "strategy",
        "design",
        "implementation",
        "policy",
        "evaluation",
        "promotion",
        "operation",
    ]


def test_only_the_next_stage_is_allowed_and_nothing_after_the_last() -> None:
    assert allowed_next(Stage.DIAGNOSIS) == [Stage.STRATEGY]
    assert allowed_next(Stage.PROMOTION) == [Stage.OPERATION]
    assert allowed_next(Stage.OPERATION) == []


def test_who_completes_each_stage() -> None:
    assert who_may_complete(Stage.DIAGNOSIS) == {Role.CITY, Role.EXPERT}
    assert who_may_complete(Stage.DESIGN) == {Role.CITY, Role.PROVIDER}
    assert who_may_complete(Stage.PROMOTION) == {Role.CITY, Role.DISTRICT}
    assert who_may_complete(Stage.OPERATION) == set()


PROJECT = {"uscc": "91350100M000100Y43", "district": "500103", "provider_id": "pv_1"}


@pytest.mark.parametrize(
    ("actor", "stage", "ok"),
    [
        (claims(Role.EXPERT, districts=["500103"]), Stage.DIAGNOSIS, True),
        (claims(Role.EXPERT, districts=["500104"]), Stage.DIAGNOSIS, False),  # not assigned there
        (claims(Role.PROVIDER, provider_id="pv_1"), Stage.DESIGN, True),
        (claims(Role.PROVIDER, provider_id="pv_2"), Stage.DESIGN, False),  # not its project
        (claims(Role.PROVIDER, provider_id="pv_1"), Stage.DIAGNOSIS, False),  # the expert's stage
        (claims(Role.ENTERPRISE, uscc="91350100M000100Y43"), Stage.STRATEGY, True),
        (claims(Role.ENTERPRISE, uscc="914403001922038216"), Stage.STRATEGY, False),
        (claims(Role.DISTRICT, districts=["500103"]), Stage.PROMOTION, True),
        (claims(Role.CITY), Stage.EVALUATION, True),
        (claims(Role.CITY), Stage.OPERATION, False),
        (claims(Role.BANK, bank_id="b"), Stage.POLICY, False),
    ],
)
def test_may_move(actor: TokenClaims, stage: Stage, ok: bool) -> None:
    assert (may_move(actor, stage, **PROJECT) is None) == ok
