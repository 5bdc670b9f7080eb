"""Events owned by the registry service."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from contracts.api.activities import ActivityKind
from contracts.api.journey import ProviderStatus, ServiceCategory, Stage
from contracts.api.profile import QualityTier, SizeClass
from contracts.envelope import Event
from contracts.fields import USCC, DistrictCode, IndustryCode
from contracts.topics import ACTIVITIES, CLIENTS, ENTERPRISES, PROJECTS, PROVIDERS, TopicSpec


class EnterpriseRegistered(Event):
    """An enterprise was registered in the programme."""

    TYPE: ClassVar[str] = "registry.enterprise.registered"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[TopicSpec] = ENTERPRISES
    KEY_FIELD: ClassVar[str] = "uscc"

    uscc: USCC
    name: str = Field(min_length=1, max_length=200)
    district_code: DistrictCode
    industry_code: IndustryCode
    industry_division: str = Field(pattern=r"^C\d{2}$", description="GB/T 4754-2017 division of industry_code")
    registered_at: datetime
    # Added compatibly (optional): derived profile facts at registration.
    key_industry_id: int | None = None
    size_class: SizeClass | None = None
    above_scale: bool | None = None
    current_tier: QualityTier | None = None
    sub_industry: str | None = None
    chain_platforms: list[str] = Field(default_factory=list, description="chain-leader platforms (链主平台) it is on")


class EnterpriseSnapshot(BaseModel):
    """The facts other services keep about an enterprise, as of one version."""

    model_config = ConfigDict(extra="ignore")

    uscc: USCC
    name: str = Field(min_length=1, max_length=200)
    district_code: DistrictCode
    industry_code: IndustryCode
    industry_division: str = Field(pattern=r"^C\d{2}$")
    key_industry_id: int | None = None
    sub_industry: str | None = None
    employees: int | None = None
    revenue_yuan: Decimal | None = None
    revenue_year: int | None = None
    size_class: SizeClass | None = None
    above_scale: bool | None = None
    current_tier: QualityTier | None = None
    cluster: str | None = None
    chain_platforms: list[str] = Field(default_factory=list, description="chain-leader platforms (链主平台) it is on")


class FieldChange(BaseModel):
    before: Any = None
    after: Any = None


class EnterpriseUpdated(Event):
    """An enterprise's profile changed: the new version, what changed (before/after), the full snapshot."""

    TYPE: ClassVar[str] = "registry.enterprise.updated"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[TopicSpec] = ENTERPRISES
    KEY_FIELD: ClassVar[str] = "uscc"

    uscc: USCC
    version: int = Field(ge=2, description="1 is the registration; each change adds one")
    updated_at: datetime
    changes: dict[str, FieldChange]
    profile: EnterpriseSnapshot


class ProviderRegistered(Event):
    """A service provider applied (status applied)."""

    TYPE: ClassVar[str] = "registry.provider.registered"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[TopicSpec] = PROVIDERS
    KEY_FIELD: ClassVar[str] = "provider_id"

    provider_id: str
    name: str
    uscc: USCC
    categories: list[ServiceCategory]
    registered_at: datetime


class ProviderStatusChanged(Event):
    """A provider was approved, suspended or reinstated, with the reason."""

    TYPE: ClassVar[str] = "registry.provider.status-changed"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[TopicSpec] = PROVIDERS
    KEY_FIELD: ClassVar[str] = "provider_id"

    provider_id: str
    before: ProviderStatus
    after: ProviderStatus
    reason: str
    changed_at: datetime


class ProviderQualityScored(Event):
    """A provider's data-quality score over the push interface changed (computed after each batch)."""

    TYPE: ClassVar[str] = "registry.provider.quality-scored"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[TopicSpec] = PROVIDERS
    KEY_FIELD: ClassVar[str] = "provider_id"

    provider_id: str
    score: Decimal | None = Field(description="0-100 (docs/push.md); null without records in the window")
    days: int = Field(description="the window the score covers")
    records: int
    scored_at: datetime


class ProjectCreated(Event):
    """A transformation project was filed (it starts in 诊断评估)."""

    TYPE: ClassVar[str] = "registry.project.created"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[TopicSpec] = PROJECTS
    KEY_FIELD: ClassVar[str] = "uscc"

    project_id: str
    uscc: USCC
    district_code: DistrictCode
    provider_id: str
    stage: Stage
    created_at: datetime


class ProjectStageChanged(Event):
    """A project moved to its next stage."""

    TYPE: ClassVar[str] = "registry.project.stage-changed"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[TopicSpec] = PROJECTS
    KEY_FIELD: ClassVar[str] = "uscc"

    project_id: str
    uscc: USCC
    district_code: DistrictCode
    seq: int = Field(ge=2, description="1 is the creation; each transition adds one")
    from_stage: Stage
    to_stage: Stage
    at: datetime
    actor_role: str
    days_in_previous_stage: float


class ActivityRecorded(Event):
    """An enablement-centre service, themed event or training was recorded (counts toward targets)."""

    TYPE: ClassVar[str] = "registry.activity.recorded"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[TopicSpec] = ACTIVITIES
    KEY_FIELD: ClassVar[str] = "district_code"

    activity_id: str
    kind: ActivityKind
    district_code: DistrictCode
    held_on: date
    enterprises_served: int = Field(ge=0, description="家次")
    participants: int = Field(ge=0, description="人次")


class ClientRevoked(Event):
    """A machine client's tokens are no longer good: the client was deactivated, or its secret rotated.
    Every service refuses tokens of this client issued before `tokens_issued_before` (all of them, if
    the client is deactivated), without asking the registry."""

    TYPE: ClassVar[str] = "registry.client.revoked"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[TopicSpec] = CLIENTS
    KEY_FIELD: ClassVar[str] = "client_id"

    client_id: str = Field(min_length=1, max_length=40)
    deactivated: bool = Field(description="true: every token of the client is refused; false: a rotated secret")
    tokens_issued_before: datetime = Field(description="tokens issued before this time are refused")
    reason: str = Field(min_length=1, max_length=500)
    revoked_at: datetime
