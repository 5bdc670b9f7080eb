"""Properties of the scheme engine over generated answers (hypothesis): totals add up exactly, stay
within the scheme's bounds, the level follows the rules, more never scores less, and any input either
scores or is refused with named fields — never anything else."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from assessment.schemes.builtin import builtin
from assessment.scoring.rules import AnswerErrors, rate, score
from contracts.api.assessment import AnswerSet
from contracts.api.schemes import ItemKind

S24 = builtin("miit-2024", 1)
ITEMS = {i.id: i for i in S24.items}
SCENES = [s.id for s in S24.scenes]


@st.composite
def valid_answers(draw: Any) -> AnswerSet:
    choices: dict[str, list[str]] = {}
    for item in S24.items:
        if not draw(st.booleans()) and draw(st.booleans()):
            continue  # about a quarter left unanswered
        ids = [o.id for o in item.options]
        if item.kind == ItemKind.SINGLE:
            choices[item.id] = [draw(st.sampled_from(ids))]
        else:
            plain = [o.id for o in item.options if not o.exclusive]
            picked = draw(st.lists(st.sampled_from(plain), unique=True, max_size=len(plain)))
            choices[item.id] = picked or [o.id for o in item.options if o.exclusive][:1] or [plain[0]]
    levels = draw(st.dictionaries(st.sampled_from(SCENES), st.integers(0, 4)))
    return AnswerSet(choices=choices, scene_levels=levels)


@settings(max_examples=300, deadline=None)
@given(valid_answers())
def test_valid_answers_add_up_exactly_and_rate_by_the_rules(answers: AnswerSet) -> None:
    r = score(S24, answers)
    items = sum((i.points for i in r.items), Decimal(0))
    assert (
        r.total
        == items
        == sum((d.points for d in r.dimensions), Decimal(0))
        == sum((s.points for s in r.subdimensions), Decimal(0))
    )
    assert Decimal(0) <= r.total <= r.max_total == 100
    assert all(Decimal(0) <= i.points <= i.max_points for i in r.items)
    assert r.level == rate(S24, r.total, {s.scene_id: s.level for s in r.scenes})
    assert [g.level for g in r.gaps] == list(range(r.level + 1, 5))
    assert all(g.missing for g in r.gaps), "a level not reached has something missing"
    assert sorted(r.unanswered) == sorted(set(ITEMS) - set(answers.choices))


@settings(max_examples=200, deadline=None)
@given(valid_answers(), st.sampled_from([i.id for i in S24.items if i.kind == ItemKind.MULTI]), st.data())
def test_one_more_option_never_scores_less(answers: AnswerSet, item_id: str, data: Any) -> None:
    before = score(S24, answers)
    plain = [o.id for o in ITEMS[item_id].options if not o.exclusive]
    current = [c for c in answers.choices.get(item_id, []) if c in plain]
    extra = data.draw(st.sampled_from(plain))
    more = AnswerSet(
        choices={**answers.choices, item_id: sorted(set(current) | {extra})}, scene_levels=answers.scene_levels
    )
    after = score(S24, more)
    assert after.total >= before.total
    assert after.level >= before.level


@settings(max_examples=200, deadline=None)
@given(valid_answers(), st.sampled_from(SCENES))
def test_a_higher_scene_level_never_lowers_the_level(answers: AnswerSet, scene: str) -> None:
    before = score(S24, answers)
    level = answers.scene_levels.get(scene, 0)
    raised = AnswerSet(choices=answers.choices, scene_levels={**answers.scene_levels, scene: min(level + 1, 4)})
    assert score(S24, raised).level >= before.level


names = st.one_of(st.sampled_from(list(ITEMS) + SCENES + ["none", "a", "e"]), st.text(max_size=12))


@settings(max_examples=400, deadline=None)
@given(
    st.dictionaries(names, st.lists(names, max_size=4), max_size=6),
    st.dictionaries(names, st.integers(-3, 9), max_size=4),
    st.dictionaries(
        st.one_of(st.sampled_from(["digital_equipment", "production_equipment", "networked_equipment"]), names),
        st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False),
        max_size=3,
    ),
)
def test_any_input_scores_or_is_refused_with_named_fields(
    choices: dict[str, list[str]], scene_levels: dict[str, int], figures: dict[str, Decimal]
) -> None:
    errors: list[tuple[str, str]] = []
    try:
        r = score(S24, AnswerSet(choices=choices, scene_levels=scene_levels, figures=figures))
    except AnswerErrors as e:
        errors = e.errors
    except ValidationError as e:  # refused by the request model itself (e.g. a control character)
        errors = [(".".join(str(p) for p in x["loc"]), x["msg"]) for x in e.errors()]
    else:
        assert Decimal(0) <= r.total <= 100
        return
    assert errors
    assert all(f.split(".")[0] in ("choices", "scene_levels", "figures") and m for f, m in errors)
