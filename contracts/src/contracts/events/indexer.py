"""Events owned by the indexer: the city feed (`indexer.city-feed.v1`), the only topic the city platform reads.

Aggregated and de-identified by construction: no field names an enterprise, and every count or share over fewer
than 3 enterprises is null (small cells suppressed), with the suppressed fields listed.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from contracts.envelope import Event
from contracts.topics import CITY_FEED, TopicSpec

SMALL_CELL = 3  # no aggregate over fewer enterprises leaves the indexer


class UnitKpisUpdated(Event):
    """A unit's figures changed (at most once per consumed batch)."""

    TYPE: ClassVar[str] = "indexer.unit-kpis.updated"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[TopicSpec] = CITY_FEED
    KEY_FIELD: ClassVar[str] = "district_code"

    district_code: str
    as_of: datetime
    enterprises: int | None = Field(description="registered; null under 3")
    assessed: int | None
    level_2_plus_share: float | None = Field(description="of the assessed; null when fewer than 3 are assessed")
    mean_level: float | None
    transformed: int | None = Field(description="with a project at 项目实施 or later")
    designated: int | None
    cloud: int | None = Field(description="adopted a cloud-delivered solution (上云用云)")
    with_loans: int | None
    with_subsidies: int | None
    suppressed: list[str] = Field(default_factory=list, description="fields nulled for covering 1 or 2 enterprises")


class TargetReached(Event):
    """A work-plan target was reached for a year (published once)."""

    TYPE: ClassVar[str] = "indexer.target.reached"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[TopicSpec] = CITY_FEED
    KEY_FIELD: ClassVar[str] = "scope"

    scope: str = Field("city", description="city")
    indicator: str
    year: int
    value: float
    target: int
    reached_at: datetime


class PilotRuleMet(Event):
    """A pilot sub-industry met the pilot rule city-wide (published once)."""

    TYPE: ClassVar[str] = "indexer.pilot-rule.met"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[TopicSpec] = CITY_FEED
    KEY_FIELD: ClassVar[str] = "scope"

    scope: str = Field("city", description="city")
    sub_industry: str
    shares: dict[str, float | None] = Field(description="group → share at 二级 or above; null under 3 enterprises")
    met_at: datetime


class IndexPublished(Event):
    """The city published (froze) the development index of a period: each unit's value and rank."""

    TYPE: ClassVar[str] = "indexer.index.published"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[TopicSpec] = CITY_FEED
    KEY_FIELD: ClassVar[str] = "scope"

    scope: str = Field("city", description="city")
    period: str
    methodology_version: int
    values: dict[str, float | None] = Field(description="unit → index value; null for units under 3 enterprises")
    ranks: dict[str, int | None] = Field(description="unit → rank among the units published with a value")
    published_at: datetime
