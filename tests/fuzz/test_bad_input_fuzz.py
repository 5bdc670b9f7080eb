"""Fuzzing the two bulk inputs outsiders send: pushed batches (registry) and assessment answers.
Valid bodies are mutated at random (seeded, so a failure replays): a field dropped, retyped,
nulled, made huge, nested or turned into unicode junk. Every answer must be a 200 with a result per
record or a clear 4xx, never a 5xx; what is stored must be exactly what was reported as stored."""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import pytest

from assessment.main import spec as assessment_spec
from assessment.models import Assessment
from assessment.scoring.examples import BELOW_FORTY, answers, scenes
from contracts.api.identity import Role
from contracts.events.registry import EnterpriseRegistered
from devstack.broker import Broker
from registry.main import spec as registry_spec
from registry.models import Enterprise
from testkit.data import random_uscc
from testkit.databases import DbFactory
from testkit.services import running_service
from testkit.tokens import bearer

pytestmark = [pytest.mark.broker, pytest.mark.timeout(300)]

JUNK: list[Any] = [
    None,
    True,
    -1,
    0,
    2**63,
    1e308,
    "",
    " ",
    "x" * 5000,
    "💥\u0000\ud7ff",
    "NaN",
    "2026-13-45T99:00:00Z",
    [],
    {},
    [[[[]]]],
    {"$ne": 1},
    "'; DROP TABLE enterprises; --",
    "<script>",
    "1e400",
    "-0",
]


def mutate(value: Any, rng: random.Random, depth: int = 0) -> Any:
    """One random change somewhere inside `value`."""
    if isinstance(value, dict) and value and depth < 4:
        key = rng.choice(list(value))
        out = dict(value)
        roll = rng.random()
        if roll < 0.2:
            out.pop(key)
        elif roll < 0.3:
            out[rng.choice(["extra", "kind", "__proto__", "数据"])] = rng.choice(JUNK)
        else:
            out[key] = mutate(value[key], rng, depth + 1)
        return out
    if isinstance(value, list) and value and depth < 4:
        out_list = list(value)
        i = rng.randrange(len(out_list))
        out_list[i] = mutate(out_list[i], rng, depth + 1)
        return out_list
    return rng.choice(JUNK)


def push_record(i: int, rng: random.Random) -> dict[str, Any]:
    return {
        "record_id": f"fz-{i}",
        "version": 1,
        "kind": "enterprise",
        "occurred_at": "2026-11-01T09:00:00+08:00",
        "data": {
            "uscc": random_uscc(rng),
            "name": f"企业{i}",
            "district_code": "500103",
            "industry_code": "C34",
            "employees": 10,
            "revenue_yuan": "100.50",
            "contacts": [{"name": "张"}],
        },
    }


async def test_pushed_batches(broker: Broker, make_db: DbFactory, db_kind: str) -> None:
    rng = random.Random(20261122)
    async with running_service(registry_spec, broker, await make_db(db_kind)) as registry:
        c = registry.client
        pid = (
            await c.post("/v1/providers", json={"name": "fz", "uscc": "91440300708461136T", "categories": ["solution"]})
        ).json()["provider_id"]
        await c.post(f"/v1/providers/{pid}/status", json={"status": "approved", "reason": "ok"})
        me = bearer(Role.PROVIDER, provider_id=pid)
        stored = 0
        for round_ in range(25):
            records = [push_record(round_ * 100 + i, rng) for i in range(40)]
            batch = [mutate(r, rng) if rng.random() < 0.6 else r for r in records]
            if rng.random() < 0.2:
                r = await c.post("/v1/push/records", json=mutate({"records": batch}, rng), headers=me)
            else:
                body = "\n".join(json.dumps(x, ensure_ascii=False) if rng.random() < 0.95 else "{broken" for x in batch)
                r = await c.post(
                    "/v1/push/records", content=body.encode(), headers={**me, "Content-Type": "application/x-ndjson"}
                )
            assert r.status_code < 500, (round_, r.text[:300])
            if r.status_code == 200:
                report = r.json()
                assert report["records"] == len(report["results"])
                assert all(x["errors"] for x in report["results"] if x["status"] == "rejected")
                stored += report["created"]
        assert await registry.count(Enterprise) == stored
        assert stored > 0, "the fuzzing must also let good records through"


async def test_assessment_answers(broker: Broker, make_db: DbFactory) -> None:
    rng = random.Random(4)
    uscc = "91350100M000100Y43"
    async with running_service(assessment_spec, broker, await make_db("sqlite")) as svc:
        known = EnterpriseRegistered(
            uscc=uscc,
            name="x",
            district_code="500103",
            industry_code="C34",
            industry_division="C34",
            registered_at="2026-01-01T00:00:00Z",
        )
        await svc.deliver(assessment_spec, known)
        good = {"uscc": uscc, "answers": answers(BELOW_FORTY, scenes(3, 3, 2))}
        created = 0
        aid = (await svc.client.post("/v1/assessments", json=good)).json()["assessment_id"]
        created += 1
        for i in range(150):
            body = mutate(copy.deepcopy(good), rng)
            r = await svc.client.post("/v1/assessments", json=body)
            assert r.status_code < 500, (i, body, r.text[:300])
            created += r.status_code == 201
            if r.status_code == 422:
                assert r.json()["errors"], r.text
            patch = mutate({"answers": good["answers"]}, rng)
            r = await svc.client.patch(f"/v1/assessments/{aid}/answers", json=patch)
            assert r.status_code < 500, (i, patch, r.text[:300])
        assert await svc.count(Assessment) == created
        final = (await svc.client.get(f"/v1/assessments/{aid}")).json()
        assert final["score"]["total"] == str(
            sum(__import__("decimal").Decimal(i["points"]) for i in final["score"]["items"])
        )
