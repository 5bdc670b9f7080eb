"""Pure rules of search terms, derived demands and outcomes."""

from __future__ import annotations

from decimal import Decimal

from catalog.adoptions.rules import improvement_pct
from catalog.demands.rules import budget_shares, weakest_items, weakest_scenes
from catalog.providers.rules import Standing, score
from catalog.search.rules import index_terms, industry_filter_terms, query_problem, query_terms
from contracts.api.adoptions import OutcomeMetric
from contracts.api.assessment import Step


def test_chinese_is_indexed_as_bigrams_and_words_lower_cased() -> None:
    assert index_terms("设备云 MES系统") == {"设备", "备云", "mes", "系统"}
    assert index_terms("ＥＲＰ") == {"erp"}  # full-width letters are folded


def test_queries_need_two_chinese_characters() -> None:
    assert query_problem("能") is not None
    assert query_problem("！！") is not None
    assert query_problem("能耗") is None
    assert query_terms("能耗监测 ERP") == (["能耗监测", "erp"], ["erp", "监测", "耗监", "能耗"])


def test_industry_filter_terms_cover_the_chain_and_the_sub_industry() -> None:
    assert industry_filter_terms("C3670", "SUB-C367", None) == [
        "ind:*",
        "ind:C36",
        "ind:C367",
        "ind:C3670",
        "ind:SUB-C367",
    ]
    assert industry_filter_terms("SUB-C367", "SUB-C367", "C367") == ["ind:*", "ind:C36", "ind:C367", "ind:SUB-C367"]


def test_the_weakest_scenes_are_the_lowest_constrained_first() -> None:
    levels = {"equipment": 1, "energy": 1, "collaboration": 1, "finance": 2, "quality": 4, "planning": 3}
    assert weakest_scenes(levels, []) == ["equipment", "energy", "collaboration"]
    assert weakest_scenes({"quality": 4}, []) == []


def test_the_weakest_items_gain_most() -> None:
    steps = [
        Step(kind="item", id=i, name=i, current="", to="", points_gained=Decimal(p), helps_next_level=False)
        for i, p in (("1.1", 1), ("1.2", 3), ("1.3", 3))
    ]
    assert weakest_items(steps, 2) == ["1.2", "1.3"]


def test_budget_shares_add_up() -> None:
    assert budget_shares(100, ["a", "b", "c"]) == {"a": 34, "b": 33, "c": 33}
    assert budget_shares(None, ["a"]) == {"a": 0}


def test_improvement_is_positive_when_better() -> None:
    assert improvement_pct(OutcomeMetric.ENERGY, Decimal(200), Decimal(150)) == Decimal("25.0")
    assert improvement_pct(OutcomeMetric.EFFICIENCY, Decimal(200), Decimal(150)) == Decimal("-25.0")


def test_a_new_provider_starts_in_the_middle_and_complaints_cost() -> None:
    assert score(Standing()) == Decimal("55.0")
    assert score(Standing(unresolved_complaints=2)) == Decimal("45.0")
    best = Standing(verified_outcomes=8, improved_outcomes=8, ratings=8, stars_sum=40, data_quality=Decimal(100))
    assert score(best) == Decimal("94.0")  # 27 + 27 + 30 + 10: the priors keep it short of 100
