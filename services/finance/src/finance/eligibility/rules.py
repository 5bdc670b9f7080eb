"""Eligibility rules: a product's conditions checked against an enterprise's facts, each with a plain
reason in Chinese and English; the suggested limit and the subsidy headroom. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contracts.api.finance import Condition, Fact, Op, ProductDefinition, ProductKind, RuleResult
from contracts.api.journey import STAGE_NAMES, STAGES, Stage
from contracts.api.profile import SizeClass

Facts = Mapping[Fact, Any]  # a missing or None fact is unknown: a condition on it is not met


def _shown(value: Any) -> tuple[str, str]:
    if value is None:
        return "未知", "unknown"
    if isinstance(value, bool):
        return ("是", "yes") if value else ("否", "no")
    if isinstance(value, Stage):
        return STAGE_NAMES[value], value.value
    if isinstance(value, list):
        return "、".join(map(str, value)) or "无", ", ".join(map(str, value)) or "none"
    return str(value), str(value)


def holds(condition: Condition, value: Any) -> bool:
    """Whether `value` (the fact's, None when unknown) meets the condition."""
    op, wanted = condition.op, condition.value
    if value is None:
        return False
    if op is Op.IS_TRUE:
        return value is True
    if op is Op.IS_FALSE:
        return value is False
    if op is Op.EQ:
        return bool(value == wanted)
    if op in (Op.IN, Op.NOT_IN):
        listed = wanted if isinstance(wanted, list) else [wanted]
        return (value in listed) is (op is Op.IN)
    if op is Op.STAGE_AT_LEAST:
        return STAGES.index(Stage(value)) >= STAGES.index(Stage(str(wanted)))
    number, bound = int(value), int(str(wanted))
    return number >= bound if op is Op.GE else number > bound if op is Op.GT else number <= bound


_CHECKED: dict[tuple[int, type, Any], tuple[Condition, RuleResult]] = {}
_CHECKED_MAX = 50_000  # facts take few values (districts, classes, levels, stages): the cache stays small


def check(condition: Condition, facts: Facts) -> RuleResult:
    """The condition's result for the enterprise's value of its fact, reasons included: the same condition
    and value always give the same result, so it is built once (the reasons' formatting and the model were a
    tenth of a bank's query) and shared — results are immutable in effect, only ever serialised."""
    value = facts.get(condition.fact)
    key = (id(condition), type(value), value if not isinstance(value, list) else tuple(value))
    held = _CHECKED.get(key)
    if held is not None and held[0] is condition:  # the condition is kept beside, so its id is never reused
        return held[1]
    result = _checked(condition, value)
    if len(_CHECKED) >= _CHECKED_MAX:
        _CHECKED.clear()
    _CHECKED[key] = (condition, result)
    return result


def _checked(condition: Condition, value: Any) -> RuleResult:
    passed = holds(condition, value)
    zh, en = _shown(Stage(value) if condition.fact is Fact.FURTHEST_STAGE and value else value)
    return RuleResult(
        id=condition.id,
        passed=passed,
        reason_zh=f"{'满足' if passed else '不满足'}：{condition.label_zh}（现为：{zh}）",
        reason_en=f"{'met' if passed else 'not met'}: {condition.label_en} (now: {en})",
    )


def evaluate(product: ProductDefinition, facts: Facts) -> list[RuleResult]:
    """Every condition of the product, in its order."""
    return [check(c, facts) for c in product.conditions]


def suggested_limit(product: ProductDefinition, facts: Facts) -> int | None:
    """A loan's suggested limit in fen by the enterprise's size class (the default when unknown)."""
    if product.kind is not ProductKind.LOAN:
        return None
    size = facts.get(Fact.SIZE_CLASS)
    by_size = product.terms.limit_fen_by_size
    if size is not None and SizeClass(size) in by_size:
        return by_size[SizeClass(size)]
    return product.terms.limit_fen_default


def headroom(product: ProductDefinition, funded_fen: int) -> int | None:
    """What is left under a subsidy's cap after the support already recorded (never below zero)."""
    cap = product.terms.subsidy_cap_fen
    return None if cap is None else max(0, cap - funded_fen)
