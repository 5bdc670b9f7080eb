"""Realistic test data: valid USCCs, test-only event types, a filed project."""

from __future__ import annotations

import random
import uuid
from typing import ClassVar

import httpx

from contracts.envelope import Event
from contracts.topics import TopicSpec
from contracts.uscc import CHARSET, check_character, org_code_check


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
