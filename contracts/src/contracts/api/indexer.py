"""Indexer API objects: aggregates by unit × key industry × tier × size × 规上, the work plan's targets with their
progress, and the pilot rule per pilot sub-industry."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Counts(BaseModel):
    enterprises: int = Field(description="registered")
    assessed: int = Field(description="with a final digital level")
    level_2_plus: int = Field(description="latest final level 二级 or above")
    level_sum: int = Field(description="sum of latest final levels (mean = level_sum / assessed)")
    transformed: int = Field(description="with a project at 项目实施 or later")
    designated: int = Field(description="holding a 小灯塔 or benchmark title")
    adopted: int = Field(description="adopted a catalogue solution")
    cloud: int = Field(description="adopted one delivered as SaaS or private cloud (上云用云)")
    with_loans: int
    with_subsidies: int
    chain_members: int = Field(description="on a chain-leader platform")


class AggregateCellRead(Counts):
    district_code: str
    key_industry_id: int = Field(description="0: none of the 16 key industries")
    tier: str = Field(description="little_giant, specialised, innovative, or empty")
    size_class: str = Field(description="medium, small, micro, large, or empty when unknown")
    above_scale: str = Field(description="y (规上), n, or empty when unknown")


class AggregatesRead(BaseModel):
    district_code: str | None = Field(None, description="the unit asked for (a district authority: its own)")
    totals: Counts
    cells: list[AggregateCellRead]


class TargetProgress(BaseModel):
    indicator: str
    name: str
    unit: str
    kind: str = Field(description="count, share, per_year, cumulative or all")
    year: int
    target: int | None = Field(description="null: the plan sets none this year, or none this suite can count")
    value: float | None = Field(description="null: nothing records it yet (see counts)")
    reached: bool | None
    counts: str = Field(description="what counts toward it")


class TargetsRead(BaseModel):
    year: int
    targets: list[TargetProgress]


class EnterpriseBelow(BaseModel):
    """An enterprise the pilot rule still waits for (city and its own district authority only)."""

    uscc: str
    district_code: str
    group: str = Field(description="above_scale, specialised or little_giant")
    level: int | None = Field(description="its latest final level; null: not assessed")


class PilotGroup(BaseModel):
    group: str = Field(description="above_scale (规上), specialised (专精特新), little_giant (小巨人)")
    enterprises: int
    level_2_plus: int
    share: float | None
    goal: float = Field(description="0.9 for 规上 and 专精特新; 1.0 for 小巨人")
    met: bool


class PilotRuleRead(BaseModel):
    sub_industry: str
    name: str
    district_code: str | None
    groups: list[PilotGroup]
    met: bool = Field(description="every group meets its goal (a group without enterprises does not count)")
    below: list[EnterpriseBelow]


class IndicatorValue(BaseModel):
    indicator: str
    name: str
    raw: float | None = Field(description="the unit's value (a share 0-1 or a mean level); null: no data")
    normalised: float = Field(description="0-100 across the units, by the indicator's direction")
    weight: float
    contribution: float = Field(description="normalised × weight")


class IndexRow(BaseModel):
    district_code: str
    district_name: str
    enterprises: int
    value: float = Field(description="0-100, two decimals")
    rank: int = Field(description="competition ranking: equal values share a rank, the next rank skips")
    indicators: list[IndicatorValue]


class IndexRead(BaseModel):
    period: str = Field(description="a year (2026) or a quarter (2026-Q3)")
    methodology_version: int
    published: bool = Field(description="frozen: later data never changes it")
    computed_at: str
    rows: list[IndexRow]


class SensitivityRow(BaseModel):
    district_code: str
    rank: int
    lowest_rank: int = Field(description="the worst rank it takes when any one weight moves by ±20%")
    highest_rank: int = Field(description="the best rank it takes")
    moves: dict[str, list[int]] = Field(description="indicator → [rank with weight −20%, rank with weight +20%]")


class SensitivityRead(BaseModel):
    period: str
    methodology_version: int
    rows: list[SensitivityRow]


class IndicatorMember(BaseModel):
    """An enterprise behind an indicator of a unit's index (city and the unit's own authority only)."""

    uscc: str
    level: int | None
    counted: bool = Field(description="in the indicator's numerator (e.g. at 二级 or above), not only its base")


class IndicatorMembers(BaseModel):
    district_code: str
    indicator: str
    name: str
    base: str = Field(description="the population the share is taken over, e.g. assessed")
    total: int
    items: list[IndicatorMember]
