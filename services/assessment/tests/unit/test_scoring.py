"""The scheme engine on hand-computed cases (miit-2024 and miit-2022 as shipped)."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from assessment.schemes.builtin import builtin
from assessment.scoring.examples import ZERO  # the worst answer to every item: 0 points
from assessment.scoring.rules import AnswerErrors, score
from contracts.api.assessment import AnswerSet

S24 = builtin("miit-2024", 1)
S22 = builtin("miit-2022", 1)
CONSTRAINED = [s.id for s in S24.scenes if s.constrained]
GUIDING = [s.id for s in S24.scenes if not s.constrained]
AREAS = [o.id for o in next(i for i in S24.items if i.id == "data_collection").options if o.id != "none"]

TOP = {  # the best answer to every item: 100 points
    "network": ["shopfloor_network", "application_network", "industrial_5g", "full_coverage"],
    "equipment_digital": ["e"],
    "equipment_networked": ["e"],
    "data_collection": AREAS,
    "information_systems": ["all"],
    "network_security": ["policy", "products", "risk_assessment", "access_control"],
    "data_security": ["policy", "tools", "risk_assessment", "inventory"],
    "plan_implementation": ["top"],
    "management_mechanisms": ["workflow", "it_rules", "data_rules", "incentives"],
    "talent": ["staff", "department", "training", "performance_pay", "pipeline"],
    "funding": ["e"],
    "energy": ["down"],
    "pass_rate": ["up"],
    "market_performance": ["up"],
    "value_benefit": ["down"],
}
# 40 points exactly: 10 + 8 + 6 + 6 + 5 + 5
FORTY = {
    **ZERO,
    "information_systems": ["all"],
    "network": TOP["network"],
    "equipment_digital": ["e"],
    "equipment_networked": ["e"],
    "network_security": TOP["network_security"],
    "data_security": TOP["data_security"],
}
# 39.875 points: 10 + 8 + 6 + 6 + 5 + 1.5 + 1.5 + 1.875
BELOW_FORTY = {
    **FORTY,
    "data_security": ["none"],
    "market_performance": ["same"],
    "value_benefit": ["same"],
    "funding": ["b"],
}


def scenes(constrained: int, guiding: int, level: int) -> dict[str, int]:
    return {**dict.fromkeys(CONSTRAINED[:constrained], level), **dict.fromkeys(GUIDING[:guiding], level)}


def run(choices: dict[str, list[str]], scene_levels: dict[str, int] | None = None, **kw: Any) -> Any:
    return score(kw.pop("scheme", S24), AnswerSet(choices=choices, scene_levels=scene_levels or {}, **kw))


def test_the_shipped_schemes_add_up_to_100() -> None:
    assert sum(i.max_points for i in S24.items) == 100
    assert (len(S24.scenes), len(CONSTRAINED)) == (16, 10)


def test_full_marks_and_all_scenes_at_level_4() -> None:
    r = run(TOP, scenes(10, 6, 4))
    assert (r.total, r.level, r.level_name, r.gaps, r.unanswered) == (D(100), 4, "四级", [], [])
    assert [(d.id, d.points) for d in r.dimensions] == [("foundation", 50), ("management", 30), ("outcomes", 20)]
    assert all(i.points == i.max_points for i in r.items)


def test_zero_for_the_worst_answer_to_every_item() -> None:
    r = run(ZERO, scenes(10, 6, 4))
    assert (r.total, r.level, r.level_name) == (0, 0, "未达一级")
    assert all(i.points == 0 for i in r.items)


def test_a_hand_computed_questionnaire_covering_every_item() -> None:
    choices = {
        "network": ["shopfloor_network", "industrial_5g"],  # 2 + 2
        "equipment_digital": ["c"],  # 3
        "equipment_networked": ["b"],  # 1.5
        "data_collection": ["product_design", "quality", "human_resources"],  # 0.7 + 0.7 + 0.9
        "information_systems": ["several"],  # 5
        "network_security": ["policy"],  # 1.25
        "data_security": ["none"],  # 0
        "plan_implementation": ["retrofits"],  # 4.5
        "management_mechanisms": ["workflow", "data_rules"],  # 1.875 × 2
        "talent": ["staff", "training", "pipeline"],  # 1.5 × 3
        "funding": ["b"],  # 1.875
        "energy": ["down"],  # 7
        "pass_rate": ["same"],  # 3.5
        "market_performance": ["up"],  # 3
        "value_benefit": ["same"],  # 1.5
    }
    r = run(choices, scenes(3, 3, 2))
    points = {i.item_id: i.points for i in r.items}
    assert points == {
        "network": D("4"),
        "equipment_digital": D("3"),
        "equipment_networked": D("1.5"),
        "data_collection": D("2.3"),
        "information_systems": D("5"),
        "network_security": D("1.25"),
        "data_security": D("0"),
        "plan_implementation": D("4.5"),
        "management_mechanisms": D("3.75"),
        "talent": D("4.5"),
        "funding": D("1.875"),
        "energy": D("7"),
        "pass_rate": D("3.5"),
        "market_performance": D("3"),
        "value_benefit": D("1.5"),
    }
    assert {s.id: s.points for s in r.subdimensions} == {
        "equipment_systems": D("8.5"),
        "data_collection": D("2.3"),
        "information_systems": D("5"),
        "information_security": D("1.25"),
        "planning": D("8.25"),
        "resources": D("6.375"),
        "green": D("7"),
        "quality": D("3.5"),
        "market": D("4.5"),
    }
    assert [d.points for d in r.dimensions] == [D("17.05"), D("14.625"), D("15")]
    assert (r.total, r.level) == (D("46.675"), 2)
    three = r.gaps[0]
    assert (three.level, [m.message for m in three.missing]) == (
        3,
        [
            "13.325 more points (at least 60 needed, 46.675 scored)",
            "8 more scenes at level 3 or above",
            "5 more constrained scenes at level 3 or above",
        ],
    )
    assert three.missing[2].message_zh == "还需5个约束性场景达到三级及以上"
    assert [g.level for g in r.gaps] == [3, 4]


def test_decimal_points_add_exactly() -> None:
    # 13 × 0.7 + 0.9 is 9.999999999999998 in binary floating point
    r = run({"data_collection": AREAS, "funding": ["b"]})
    assert r.total == D("11.875")
    assert str(next(i.points for i in r.items if i.item_id == "data_collection")) == "10"
    r = run({"data_collection": ["product_design"], "funding": ["b"]})
    assert r.total == D("2.575")  # 0.7 + 1.875


def test_multi_select_sums_and_the_exclusive_none() -> None:
    r = run({"talent": ["staff", "department"], "network": ["none"]})
    assert {i.item_id: i.points for i in r.items if i.options} == {"talent": D("3.0"), "network": D(0)}
    with pytest.raises(AnswerErrors) as e:
        run({"network": ["none", "industrial_5g"]})
    assert e.value.errors == [("choices.network", "item network (网络建设): 'none' (无) excludes the other options")]


@pytest.mark.parametrize(
    ("choices", "total", "level"),
    [(FORTY, D(40), 2), (BELOW_FORTY, D("39.875"), 1)],
)
def test_the_40_point_boundary(choices: dict[str, list[str]], total: D, level: int) -> None:
    r = run(choices, scenes(3, 3, 2))
    assert (r.total, r.level) == (total, level)
    if level == 1:
        assert r.gaps[0].missing[0].message == "0.125 more points (at least 40 needed, 39.875 scored)"


def test_the_20_and_60_boundaries() -> None:
    twenty = {**ZERO, "information_systems": ["all"], "equipment_digital": ["e"]}
    twenty["network"] = ["shopfloor_network", "industrial_5g"]  # 10 + 6 + 4
    r = run(twenty, scenes(3, 3, 1))
    assert (r.total, r.level) == (D(20), 1)
    below = {**twenty, "network": ["shopfloor_network"], "equipment_digital": ["d"], "talent": ["staff"]}
    below["funding"] = ["b"]  # 10 + 4.5 + 2 + 1.5 + 1.875
    r = run(below, scenes(3, 3, 1))
    assert (r.total, r.level) == (D("19.875"), 0)
    sixty = {**FORTY, "plan_implementation": ["top"], "management_mechanisms": TOP["management_mechanisms"]}
    sixty |= {"pass_rate": ["same"], "market_performance": ["same"]}  # 40 + 7.5 + 7.5 + 3.5 + 1.5
    r = run(sixty, scenes(5, 3, 3))
    assert (r.total, r.level) == (D(60), 3)
    below = {**sixty, "pass_rate": ["down"], "funding": ["b"], "market_performance": ["up"]}  # − 3.5 + 1.875 + 1.5
    r = run(below, scenes(5, 3, 3))
    assert (r.total, r.level) == (D("59.875"), 2)


def test_exactly_80_is_level_4_in_2024_but_not_in_2022() -> None:
    eighty = {
        **TOP,
        "data_collection": ["none"],
        "market_performance": ["same"],
        "value_benefit": ["same"],
        "funding": ["e"],
    }
    eighty["network"] = ["shopfloor_network", "application_network", "industrial_5g", "full_coverage"]
    eighty["talent"] = TOP["talent"]
    r24 = run(eighty, scenes(6, 4, 4))
    assert (r24.total, r24.level) == (D(87), 4)
    exactly = {**eighty, "energy": ["up"]}  # 87 − 7
    assert (run(exactly, scenes(6, 4, 4)).total, run(exactly, scenes(6, 4, 4)).level) == (D(80), 4)
    r22 = run(exactly, scheme=S22)
    assert (r22.total, r22.level, r22.scenes) == (D(80), 3, [])
    assert r22.gaps[0].missing[0].message == "a score more than 80 needed, 80 scored"


def test_scene_gates() -> None:
    # 100 points, every constrained scene at level 3, no guiding one rated: level 3, not 4
    r = run(TOP, scenes(10, 0, 3))
    assert r.level == 3
    assert [m.message for m in r.gaps[0].missing] == [
        "10 more scenes at level 4 or above",
        "6 more constrained scenes at level 4 or above",
    ]
    # enough scenes but only 2 constrained at level 2: neither 二级 nor 一级
    r = run(FORTY, scenes(2, 4, 2))
    assert r.level == 0
    assert [m.message for m in r.gaps[1].missing] == ["1 more constrained scene at level 2 or above"]
    # 9 scenes at level 4 of which 6 constrained: 四级 needs 10
    r = run(TOP, {**scenes(6, 3, 4), CONSTRAINED[9]: 3})
    assert (r.level, [m.kind for m in r.gaps[0].missing]) == (3, ["scenes"])


def test_unanswered_items_count_zero_and_are_listed() -> None:
    r = run({"network": ["industrial_5g"]})
    assert (r.total, len(r.unanswered), "network" in r.unanswered) == (D(2), 14, False)


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({"choices": {"blockchain": ["x"]}}, "choices.blockchain", "unknown item 'blockchain' in scheme miit-2024 v1"),
        ({"choices": {"network": ["all"]}}, "choices.network", "item network (网络建设) has no option 'all'"),
        ({"choices": {"funding": ["a", "b"]}}, "choices.funding", "single-choice: choose one option, not 2"),
        ({"choices": {"talent": ["staff", "staff"]}}, "choices.talent", "an option is chosen twice"),
        ({"choices": {"talent": []}}, "choices.talent", "choose an option"),
        ({"scene_levels": {"finance": 5}}, "scene_levels.finance", "scene level 5 is outside 0–4"),
        ({"scene_levels": {"metaverse": 1}}, "scene_levels.metaverse", "unknown business scene 'metaverse'"),
        ({"figures": {"robots": 3}}, "figures.robots", "unknown figure 'robots'"),
        ({"figures": {"digital_equipment": 3}}, "figures.digital_equipment", "also give production_equipment"),
        (
            {"figures": {"digital_equipment": 3, "production_equipment": 0}},
            "figures.production_equipment",
            "must be above 0",
        ),
        (
            {"figures": {"networked_equipment": 12, "production_equipment": 10}},
            "figures.networked_equipment",
            "networked_equipment (12) exceeds production_equipment (10)",
        ),
        (
            {"choices": {"equipment_digital": ["e"]}, "figures": {"digital_equipment": 1, "production_equipment": 10}},
            "choices.equipment_digital",
            "the figures give option 'a' (≤10%), the answer says e",
        ),
    ],
)
def test_bad_answers_name_the_item(answers: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(AnswerErrors) as e:
        score(S24, AnswerSet(**answers))
    assert [f for f, _ in e.value.errors] == [field]
    assert message in e.value.errors[0][1]


@pytest.mark.parametrize(
    ("digital", "option", "points"),
    [
        (0, "a", "0"),
        (10, "a", "0"),
        (11, "b", "1.5"),
        (20, "b", "1.5"),
        (40, "c", "3"),
        (60, "d", "4.5"),
        (61, "e", "6"),
        (100, "e", "6"),
    ],
)
def test_equipment_option_derived_from_counts(digital: int, option: str, points: str) -> None:
    r = score(S24, AnswerSet(figures={"digital_equipment": D(digital), "production_equipment": D(100)}))
    item = next(i for i in r.items if i.item_id == "equipment_digital")
    assert (item.options, item.derived, item.points) == ([option], True, D(points))


def test_before_after_figures_derive_the_outcome_items() -> None:
    figures = {
        "energy_tce_before": D("120"),
        "revenue_before": D("8000"),  # 0.015 tce per yuan
        "energy_tce_after": D("126"),
        "revenue_after": D("9000"),  # 0.014: down
        "pass_rate_before": D("0.962"),
        "pass_rate_after": D("0.962"),  # same
        "revenue_prev_year": D("8000"),
        "staff_prev_year": D("100"),
        "revenue_last_year": D("9000"),
        "staff_last_year": D("120"),  # 80 → 75 per head: down
        "cost_prev_year": D("6000"),
        "cost_last_year": D("7000"),  # 0.75 → 0.7778 per yuan: up
        "digital_spend_3y_avg": D("15"),
        "revenue_3y_avg": D("100"),  # 15%: b
    }
    r = score(S24, AnswerSet(figures=figures))
    derived = {i.item_id: (i.options[0], i.points) for i in r.items if i.derived}
    assert derived == {
        "energy": ("down", D(7)),
        "pass_rate": ("same", D("3.5")),
        "market_performance": ("down", D(0)),
        "value_benefit": ("up", D(0)),
        "funding": ("b", D("1.875")),
    }


def test_guidance_ranks_the_steps_that_close_the_gap_first() -> None:
    from assessment.scoring.guidance import guidance

    # 40 points and 3 constrained + 3 guiding scenes at level 2: 二级. For 三级: points and scenes short.
    r = run(FORTY, scenes(3, 3, 2))
    steps = guidance(S24, r, limit=50)
    assert steps[0].kind == "item" and steps[0].helps_next_level
    item_gains = [s.points_gained for s in steps if s.kind == "item"]
    assert item_gains == sorted(item_gains, reverse=True)
    assert item_gains[0] == D("3.5")  # energy or pass rate: one step (up → same) is worth 3.5
    first_scene = next(s for s in steps if s.kind == "scene")
    assert (first_scene.current, first_scene.to, first_scene.name.endswith("（约束性）")) == ("二级", "三级", True)
    # a full-marks assessment has nothing left to gain from items
    full = guidance(S24, run(TOP, scenes(10, 6, 4)))
    assert full == []
