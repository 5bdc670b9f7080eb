"""小灯塔 and benchmark evaluations: the rules of annex 4 and the outcome formulas, on the shipped schemes."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from assessment.evaluations.rules import check_evidence, evaluate, outcomes
from assessment.schemes.builtin import builtin_schemes
from assessment.scoring.rules import AnswerErrors
from contracts.api.evaluations import EvaluationCreate, EvaluationScheme

SCHEMES = {s.scheme_id: s for s in builtin_schemes() if isinstance(s, EvaluationScheme)}
LIGHTHOUSE, BENCHMARK = SCHEMES["lighthouse-2024"], SCHEMES["benchmark-2024"]
USCC = "91350100M000100Y43"
FIVE = ["intelligent_scheduling", "quality_traceability", "predictive_maintenance", "smart_warehousing", "remote_om"]


def candidate(**kw: Any) -> EvaluationCreate:
    base: dict[str, Any] = {
        "uscc": USCC,
        "scheme_id": "lighthouse-2024",
        "category": "lighthouse",
        "indicators": ["data_collection", "production_execution"],
        "scenes": FIVE,
        "figures": {"upload_rate": D("0.90")},
    }
    return EvaluationCreate(**(base | kw))


def failed(checks: list[Any]) -> list[str]:
    return [c.rule for c in checks if not c.passed]


def test_a_lighthouse_at_the_thresholds_passes() -> None:
    checks = evaluate(LIGHTHOUSE, candidate(), None)
    assert [c.rule for c in checks] == ["min_scenes", "min_upload_rate", "indicator_data_collection"]
    assert failed(checks) == []


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"scenes": FIVE[:4]}, "min_scenes"),
        ({"figures": {"upload_rate": D("0.8999")}}, "min_upload_rate"),
        ({"figures": {}}, "min_upload_rate"),
        ({"indicators": ["production_execution"]}, "indicator_data_collection"),
    ],
)
def test_each_lighthouse_rule_can_fail_alone(change: dict[str, Any], rule: str) -> None:
    checks = evaluate(LIGHTHOUSE, candidate(**change), None)
    assert failed(checks) == [rule]


def test_a_benchmark_needs_a_replicable_scene() -> None:
    cmd = candidate(scheme_id="benchmark-2024", category="specialised", scenes=[], indicators=["rd_design"], figures={})
    assert failed(evaluate(BENCHMARK, cmd, 2)) == ["replicable_scene"]
    ok = cmd.model_copy(update={"replicable_scene": "注塑车间设备联网与质量追溯"})
    assert failed(evaluate(BENCHMARK, ok, 2)) == []
    assert [c.id for c in BENCHMARK.categories] == ["comprehensive", "specialised", "solution_showcase"]


def test_outcomes_from_before_and_after() -> None:
    o = outcomes(
        {
            "efficiency_before": D("120"),
            "efficiency_after": D("150"),
            "cost_before": D("80"),
            "cost_after": D("68"),
            "defect_rate_before": D("0.032"),
            "defect_rate_after": D("0.018"),
        }
    )
    assert (o.efficiency_gain, o.efficiency_gain_share) == (D("30"), D("0.25"))
    assert o.cost_reduction == D("0.15")  # 1 − 68/80
    assert o.defect_rate_reduction == D("0.014")
    assert outcomes({"cost_before": D("3"), "cost_after": D("2")}).cost_reduction == D("0.3333")
    assert outcomes({}).model_dump() == dict.fromkeys(o.model_dump())


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": "comprehensive"}, "category"),
        ({"indicators": ["blockchain"]}, "indicators.blockchain"),
        ({"scenes": [*FIVE, "metaverse"]}, "scenes.metaverse"),
        ({"scenes": [*FIVE, FIVE[0]]}, f"scenes.{FIVE[0]}"),
        ({"figures": {"upload_rate": D("1.2")}}, "figures.upload_rate"),
        ({"figures": {"robots": D("3")}}, "figures.robots"),
        ({"figures": {"cost_before": D("0"), "cost_after": D("1")}}, "figures.cost_before"),
    ],
)
def test_evidence_that_does_not_fit_is_named(change: dict[str, Any], field: str) -> None:
    with pytest.raises(AnswerErrors) as e:
        check_evidence(LIGHTHOUSE, candidate(**change))
    assert [f for f, _ in e.value.errors] == [field]


def test_annex_4_schemes_cite_the_work_plan_not_the_pilot_notice() -> None:
    # Annex 4 (the 小灯塔 and benchmark tables) belongs to the work plan 渝经信中小〔2024〕16号.
    for scheme, table in ((LIGHTHOUSE, "表1"), (BENCHMARK, "表2")):
        assert "渝经信中小〔2024〕16号" in scheme.source
        assert "工作方案（2024—2027年）" in scheme.source
        assert "城市试点" not in scheme.source
        assert scheme.source.endswith(f"附件4 {table}")
