"""Eligibility rules on hand-made facts: each condition met or not, with its reason; limits; headroom."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from contracts.api.finance import Condition, Fact, ProductDefinition
from finance.eligibility.rules import evaluate, headroom, suggested_limit

DEFAULTS = Path(__file__).resolve().parents[2] / "src" / "finance" / "products" / "defaults"


def product(name: str) -> ProductDefinition:
    return ProductDefinition.model_validate_json((DEFAULTS / f"{name}.json").read_text(encoding="utf-8"))


def ready_for_special_loan() -> dict[Fact, Any]:
    return {
        Fact.REGISTERED: True,
        Fact.SIZE_CLASS: "small",
        Fact.HAS_PROJECT: True,
        Fact.FURTHEST_STAGE: "implementation",
        Fact.HAS_FINAL_ASSESSMENT: True,
        Fact.LATEST_LEVEL: 1,
    }


def test_every_default_product_is_valid_and_marks_its_assumptions() -> None:
    names = sorted(p.stem for p in DEFAULTS.glob("*.json"))
    assert names == ["interest-subsidy", "special-loan", "transformation-subsidy", "yulian-loan"]
    for name in names:
        p = product(name)
        assert p.product_id == name
        assert p.terms.assumptions, f"{name}: numbers not in the seeds are marked as assumptions"


def test_all_conditions_met_is_eligible_with_reasons() -> None:
    results = evaluate(product("special-loan"), ready_for_special_loan())
    assert [r.passed for r in results] == [True] * 4
    assert results[2].reason_zh == "满足：项目已完成方案设计、进入项目实施（现为：项目实施）"
    assert (
        results[2].reason_en == "met: a project is past plan design (in implementation or later) (now: implementation)"
    )


@pytest.mark.parametrize(
    ("fact", "value", "failing"),
    [
        (Fact.REGISTERED, False, "registered"),
        (Fact.HAS_PROJECT, False, "filed-project"),
        (Fact.FURTHEST_STAGE, "design", "past-design"),
        (Fact.HAS_FINAL_ASSESSMENT, False, "assessed"),
    ],
)
def test_one_condition_short_names_exactly_that_condition(fact: Fact, value: Any, failing: str) -> None:
    facts = {**ready_for_special_loan(), fact: value}
    results = evaluate(product("special-loan"), facts)
    assert [r.id for r in results if not r.passed] == [failing]


def test_an_unknown_fact_is_not_met_and_says_unknown() -> None:
    facts = {**ready_for_special_loan(), Fact.FURTHEST_STAGE: None}
    failed = [r for r in evaluate(product("special-loan"), facts) if not r.passed]
    assert [r.id for r in failed] == ["past-design"]
    assert failed[0].reason_zh.endswith("（现为：未知）") and failed[0].reason_en.endswith("(now: unknown)")


def test_later_stages_count_as_past_design() -> None:
    for stage in ("implementation", "policy", "evaluation", "promotion", "operation"):
        facts = {**ready_for_special_loan(), Fact.FURTHEST_STAGE: stage}
        assert all(r.passed for r in evaluate(product("special-loan"), facts)), stage


@pytest.mark.parametrize(("t0", "t1", "failing"), [(1, 2, []), (2, 2, ["level-rose"]), (0, 1, ["t1-level-2"])])
def test_transformation_subsidy_needs_level_2_and_a_rise(t0: int, t1: int, failing: list[str]) -> None:
    facts = {Fact.REGISTERED: True, Fact.HAS_PROJECT: True, Fact.T0_LEVEL: t0, Fact.T1_LEVEL: t1}
    facts[Fact.LEVEL_DELTA] = t1 - t0
    assert [r.id for r in evaluate(product("transformation-subsidy"), facts) if not r.passed] == failing


def test_loan_limit_by_size_class_and_default() -> None:
    loan = product("special-loan")
    assert suggested_limit(loan, {Fact.SIZE_CLASS: "micro"}) == 200_000_000  # 2,000,000 yuan in fen
    assert suggested_limit(loan, {Fact.SIZE_CLASS: "medium"}) == 1_000_000_000
    assert suggested_limit(loan, {Fact.SIZE_CLASS: None}) == loan.terms.limit_fen_default
    assert suggested_limit(product("interest-subsidy"), {Fact.SIZE_CLASS: "micro"}) is None


def test_headroom_is_the_cap_less_what_was_funded_never_negative() -> None:
    subsidy = product("interest-subsidy")
    assert headroom(subsidy, 0) == 20_000_000
    assert headroom(subsidy, 19_999_999) == 1
    assert headroom(subsidy, 30_000_000) == 0
    assert headroom(product("yulian-loan"), 0) is None


@pytest.mark.parametrize(
    "bad",
    [
        {"fact": "registered", "op": "ge", "value": 1},
        {"fact": "latest_level", "op": "is_true"},
        {"fact": "latest_level", "op": "ge", "value": "2"},
        {"fact": "furthest_stage", "op": "stage_at_least", "value": "somewhere"},
        {"fact": "furthest_stage", "op": "stage_at_least", "value": []},
        {"fact": "district_code", "op": "gt", "value": True},
        {"fact": "tier", "op": "in", "value": []},
        {"fact": "tier", "op": "eq"},
    ],
)
def test_a_condition_that_cannot_be_checked_is_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Condition.model_validate({"id": "x1", "label_zh": "某条件", "label_en": "a condition", **bad})


def test_a_subsidy_without_share_or_cap_is_refused() -> None:
    body = json.loads((DEFAULTS / "interest-subsidy.json").read_text(encoding="utf-8"))
    body["terms"] = {"subsidy_share": "0.5"}
    with pytest.raises(ValidationError, match="subsidy_cap_fen"):
        ProductDefinition.model_validate(body)


def test_a_conditions_result_is_built_once_per_value_and_never_served_to_another_version() -> None:
    """Results are kept per condition and value: the same answer object again, another value its own
    result, and a condition of another product version (same id, new object) never the old version's."""
    loan = product("special-loan")
    first, again = evaluate(loan, ready_for_special_loan()), evaluate(loan, ready_for_special_loan())
    assert all(a is b for a, b in zip(first, again, strict=True))
    other = evaluate(loan, {**ready_for_special_loan(), Fact.FURTHEST_STAGE: "design"})
    assert other[2] is not first[2] and not other[2].passed and "（现为：方案设计）" in other[2].reason_zh
    republished = product("special-loan")  # a new version's conditions: equal ids, new objects
    republished.conditions[2].label_en = "a project in implementation"
    assert evaluate(republished, ready_for_special_loan())[2].reason_en == (
        "met: a project in implementation (now: implementation)"
    )
    assert evaluate(loan, ready_for_special_loan())[2] is first[2]


def test_a_true_fact_and_the_number_one_are_told_apart() -> None:
    """True == 1 in Python; a cached result for one must not answer the other."""
    is_true = Condition.model_validate(
        {"id": "flag", "fact": "registered", "op": "is_true", "label_zh": "是", "label_en": "flag"}
    )
    definition = product("special-loan").model_copy(update={"conditions": [is_true]})
    assert evaluate(definition, {Fact.REGISTERED: True})[0].passed
    assert not evaluate(definition, {Fact.REGISTERED: 1})[0].passed
