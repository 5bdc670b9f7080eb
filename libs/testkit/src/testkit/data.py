"""Realistic test data: valid USCCs, an enterprise with every profile field, test-only event types, a filed
project."""

from __future__ import annotations

import random
import uuid
from typing import Any, ClassVar

import httpx

from contracts.envelope import Event
from contracts.topics import TopicSpec
from contracts.uscc import CHARSET, check_character, org_code_check

# An enterprise registration (POST /v1/enterprises) with every profile field filled.
FULL_ENTERPRISE: dict[str, Any] = {
    "uscc": "91350100M000100Y43",
    "name": "重庆某某汽车零部件有限公司",
    "district_code": "500112",
    "industry_code": "C3670",
    "employees": 180,
    "revenue_yuan": "12345678.91",
    "revenue_year": 2023,
    "tiers": [
        {"tier": "innovative", "issuing_body": "重庆市经济和信息化委员会", "recognised_on": "2022-05-01"},
        {
            "tier": "specialised",
            "issuing_body": "重庆市经济和信息化委员会",
            "recognised_on": "2023-06-01",
            "valid_until": "2099-06-01",
        },
    ],
    "cluster": "T1",
    "chain_platforms": ["长安汽车供应链平台"],
    "contacts": [{"name": "张三", "role": "总经理", "phone": "023-12345678", "email": "zs@example.cn"}],
}


def random_uscc(rng: random.Random) -> str:
    """A valid, random USCC of an enterprise registered in Chongqing: both check characters computed
    (the organisation code's at position 17 and the code's at 18), as on a real business licence."""
    body = "91500" + "".join(rng.choice("0123456789") for _ in range(3))
    org = "".join(rng.choice(CHARSET) for _ in range(8))
    body += org + (org_code_check(org) or "0")
    return body + check_character(body)


def ping_event_class(partitions: int = 3) -> type[Event]:
    """A test-only event type on its own, unique topic (tests do not see each other's events)."""
    topic = TopicSpec(f"test.pings.{uuid.uuid4().hex[:10]}.v1", partitions, "ping id", "test", "test pings")

    class PingHappened(Event):
        TYPE: ClassVar[str] = "test.ping.happened"
        VERSION: ClassVar[int] = 1
        TOPIC: ClassVar[TopicSpec] = topic
        KEY_FIELD: ClassVar[str] = "ping_id"

        ping_id: str
        n: int

    return PingHappened


async def filed_project(registry: httpx.AsyncClient, uscc: str, district_code: str = "500103") -> tuple[str, str]:
    """Through a registry client with the city's token: register the enterprise, register and approve a
    provider, file a project for them. Returns (provider_id, project_id)."""
    body = {"uscc": uscc, "name": "某企业", "district_code": district_code, "industry_code": "C36"}
    assert (await registry.post("/v1/enterprises", json=body)).status_code == 201
    provider = {"name": "服务商", "uscc": "91440300708461136T", "categories": ["solution"]}
    pid = (await registry.post("/v1/providers", json=provider)).json()["provider_id"]
    approved = await registry.post(f"/v1/providers/{pid}/status", json={"status": "approved", "reason": "通过"})
    assert approved.status_code == 200, approved.text
    project = await registry.post("/v1/projects", json={"uscc": uscc, "provider_id": pid, "title": "MES"})
    assert project.status_code == 201, project.text
    return pid, project.json()["project_id"]
