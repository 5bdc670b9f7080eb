"""Identity: roles, the claims of an access token, and the client-credentials objects."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from contracts.api.base import InputModel
from contracts.fields import USCC, DistrictCode

TOKEN_ISSUER = "shuzhuan-registry"
TOKEN_AUDIENCE = "shuzhuan"


class Role(StrEnum):
    CITY = "city"  # 市经济信息委: everything
    DISTRICT = "district"  # a district authority: its own unit's enterprises only
    PROVIDER = "provider"  # a service provider platform: its own products and pushed records
    BANK = "bank"  # eligibility only, only for enterprises that consented to it
    ENTERPRISE = "enterprise"  # its own data and who queried it
    EXPERT = "expert"  # on-site assessor, assigned to districts
    OPS = "ops"  # operators


class TokenClaims(BaseModel):
    """What a signed access token says; every service verifies it locally with the public key."""

    sub: str = Field(description="client id")
    role: Role
    districts: list[str] = Field(default_factory=list, description="district units (district authority, expert)")
    provider_id: str | None = None
    uscc: str | None = None
    bank_id: str | None = None
    iss: str = TOKEN_ISSUER
    aud: str = TOKEN_AUDIENCE
    iat: float = Field(description="issued at, Unix seconds to the millisecond (a rotation cuts between tokens)")
    exp: int


class ClientCreate(InputModel):
    """Create a machine client (OAuth2 client credentials) for one actor."""

    name: str = Field(min_length=1, max_length=200)
    role: Role
    districts: list[DistrictCode] = Field(default_factory=list, max_length=41)
    provider_id: str | None = Field(None, min_length=1, max_length=64)
    uscc: USCC | None = None
    bank_id: str | None = Field(None, min_length=1, max_length=64)

    @model_validator(mode="after")
    def _attributes_fit_the_role(self) -> ClientCreate:
        needs = {
            Role.DISTRICT: ("districts", "a district authority needs exactly one district unit"),
            Role.EXPERT: ("districts", "an expert needs the district units they are assigned to"),
            Role.PROVIDER: ("provider_id", "a provider client needs provider_id"),
            Role.BANK: ("bank_id", "a bank client needs bank_id"),
            Role.ENTERPRISE: ("uscc", "an enterprise client needs its uscc"),
        }
        if self.role in needs:
            field, message = needs[self.role]
            if not getattr(self, field):
                raise ValueError(message)
        if self.role == Role.DISTRICT and len(self.districts) != 1:
            raise ValueError("a district authority needs exactly one district unit")
        belongs = {"districts": (Role.DISTRICT, Role.EXPERT), "provider_id": (Role.PROVIDER,)}
        belongs |= {"bank_id": (Role.BANK,), "uscc": (Role.ENTERPRISE,)}
        for field, roles in belongs.items():
            if getattr(self, field) and self.role not in roles:
                raise ValueError(f"{field} does not belong to a {self.role.value} client")
        return self


class ClientRead(BaseModel):
    client_id: str
    name: str
    role: Role
    districts: list[str]
    provider_id: str | None
    uscc: str | None
    bank_id: str | None
    active: bool
    created_at: datetime


class ClientCreated(ClientRead):
    client_secret: str = Field(description="shown once; only its hash is stored")


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int


class ClientRevocation(InputModel):
    """Why a client is deactivated or its secret rotated (kept in the audit log and the event)."""

    reason: str = Field(min_length=2, max_length=500, examples=["合同终止", "密钥疑似泄露"])
