"""Assessment schemes as data: the document an administrator publishes and every assessment is scored
with. A scheme holds its dimensions, items with options and exact decimal points, optional rules that
derive an item's option from raw figures, business scenes rated 一级–四级, and the level rules."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Id = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]
SchemeId = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_-]*$")]
Points = Annotated[Decimal, Field(ge=0, max_digits=8, decimal_places=4)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ItemKind(StrEnum):
    SINGLE = "single"
    MULTI = "multi"


class Option(Strict):
    id: Id
    label: str = Field(min_length=1, max_length=300)
    points: Points
    exclusive: bool = Field(False, description="a 无 (none) option: chosen alone, worth its points (0)")


class Quantity(Strict):
    """A figure, or the ratio of two figures."""

    figure: Id | None = None
    ratio: tuple[Id, Id] | None = Field(None, description="[numerator, denominator]")

    @model_validator(mode="after")
    def _one(self) -> Quantity:
        if (self.figure is None) == (self.ratio is None):
            raise ValueError("a quantity is either a figure or a ratio")
        return self

    def figures(self) -> tuple[str, ...]:
        return (self.figure,) if self.figure else tuple(self.ratio or ())


class Bin(Strict):
    upto: Decimal | None = Field(description="upper bound, inclusive; null for the last bin")
    option: Id


class RatioBins(Strict):
    """Derive a single-choice option from a quantity falling into bins (e.g. 设备联网率)."""

    type: Literal["bins"] = "bins"
    quantity: Quantity
    bins: list[Bin] = Field(min_length=1)


class Comparison(Strict):
    """Derive a single-choice option from a quantity after vs before (e.g. energy per 100 yuan revenue)."""

    type: Literal["compare"] = "compare"
    before: Quantity
    after: Quantity
    up: Id
    same: Id
    down: Id


Derivation = Annotated[RatioBins | Comparison, Field(discriminator="type")]


class Item(Strict):
    id: Id
    name: str = Field(min_length=1, max_length=100)
    dimension: Id
    subdimension: Id
    kind: ItemKind
    max_points: Points
    question: str = Field("", max_length=500)
    options: list[Option] = Field(min_length=1)
    derive: Derivation | None = None


class SubDimension(Strict):
    id: Id
    name: str
    max_points: Points


class Dimension(Strict):
    id: Id
    name: str
    max_points: Points
    subdimensions: list[SubDimension] = Field(min_length=1)


class Scene(Strict):
    id: Id
    name: str
    group: str
    constrained: bool = Field(description="约束性 (true) or 指导性 (false)")
    descriptors: dict[str, str] = Field(default_factory=dict, description="level (1-4) → what that level looks like")


class LevelRule(Strict):
    """The level is the highest rule whose conditions all hold."""

    level: int = Field(ge=1, le=4)
    name: str
    min_score: Decimal
    score_inclusive: bool = Field(True, description="false: the score must exceed min_score")
    min_scenes: int = Field(0, ge=0, description="scenes rated at or above this level")
    min_constrained: int = Field(0, ge=0, description="of which constrained")


class Scheme(Strict):
    scheme_id: SchemeId = Field(examples=["miit-2024"])
    version: int = Field(ge=1)
    kind: Literal["digital_level"] = "digital_level"
    title: str
    source: str = Field(description="the notice the scheme follows")
    notes: str = ""
    max_scene_level: int = Field(4, ge=1, le=9)
    dimensions: list[Dimension] = Field(min_length=1)
    items: list[Item] = Field(min_length=1)
    scenes: list[Scene] = Field(default_factory=list)
    levels: list[LevelRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Scheme:
        problems = scheme_problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self


def scheme_problems(s: Scheme) -> list[str]:
    """Internal consistency: ids unique, points add up, derivations name real options, rules ordered."""
    out: list[str] = []
    subs = {(d.id, sd.id): sd for d in s.dimensions for sd in d.subdimensions}
    for d in s.dimensions:
        total = sum((sd.max_points for sd in d.subdimensions), Decimal(0))
        if total != d.max_points:
            out.append(f"dimension {d.id}: sub-dimensions add up to {total}, not {d.max_points}")
    ids = [i.id for i in s.items]
    if len(set(ids)) != len(ids):
        out.append("item ids repeat")
    per_sub: dict[tuple[str, str], Decimal] = {}
    for item in s.items:
        key = (item.dimension, item.subdimension)
        if key not in subs:
            out.append(f"item {item.id}: no sub-dimension {item.dimension}/{item.subdimension}")
            continue
        per_sub[key] = per_sub.get(key, Decimal(0)) + item.max_points
        option_ids = [o.id for o in item.options]
        if len(set(option_ids)) != len(option_ids):
            out.append(f"item {item.id}: option ids repeat")
        if item.kind == ItemKind.SINGLE:
            top = max(o.points for o in item.options)
        else:
            top = sum((o.points for o in item.options if not o.exclusive), Decimal(0))
        if top != item.max_points:
            out.append(f"item {item.id}: the best answer is worth {top}, not max_points {item.max_points}")
        if item.derive is not None:
            if item.kind != ItemKind.SINGLE:
                out.append(f"item {item.id}: only a single-choice item can be derived from figures")
            named = (
                [b.option for b in item.derive.bins]
                if isinstance(item.derive, RatioBins)
                else [item.derive.up, item.derive.same, item.derive.down]
            )
            out += [f"item {item.id}: derivation names unknown option {o}" for o in named if o not in option_ids]
    for key, sd in subs.items():
        if per_sub.get(key, Decimal(0)) != sd.max_points:
            out.append(f"sub-dimension {key[1]}: items add up to {per_sub.get(key, 0)}, not {sd.max_points}")
    scene_ids = [sc.id for sc in s.scenes]
    if len(set(scene_ids)) != len(scene_ids):
        out.append("scene ids repeat")
    levels = [r.level for r in s.levels]
    if len(set(levels)) != len(levels):
        out.append("level rules repeat a level")
    return out


class SchemeVersion(BaseModel):
    """One version of a scheme, as listed (the full content is at its own URL)."""

    scheme_id: str
    version: int
    kind: str
    title: str
    source: str
