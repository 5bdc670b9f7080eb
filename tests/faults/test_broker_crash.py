"""The in-memory broker dies under `make run`: the launcher restarts it and replays; nothing is lost."""

from __future__ import annotations

import asyncio
import signal
from collections import Counter

import httpx
import pytest

from contracts import codes
from devstack.suite import Suite
from testkit.data import random_uscc
from testkit.waits import suite_settled, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]


async def test_broker_crash_is_recovered_by_replay_with_exact_counts(watched_suite: Suite) -> None:
    import random

    rng = random.Random(99)
    districts = list(codes.districts())
    bodies = [
        {"uscc": random_uscc(rng), "name": f"企业{i}", "district_code": rng.choice(districts), "industry_code": "C36"}
        for i in range(200)
    ]
    suite = watched_suite
    token = await asyncio.to_thread(suite.admin_token)
    async with httpx.AsyncClient(timeout=30, headers={"Authorization": f"Bearer {token}"}) as client:

        async def post(body: dict[str, str]) -> None:
            r = await client.post(f"{suite.url('registry')}/v1/enterprises", json=body)
            assert r.status_code == 201, r.text

        async def total() -> int:
            try:
                r = await client.get(f"{suite.url('indexer')}/v1/stats/districts")
                return int(r.json()["total"]) if r.status_code == 200 else -1
            except httpx.HTTPError:
                return -1

        for b in bodies[:100]:
            await post(b)

        async def first_hundred() -> bool:
            return await total() == 100

        await wait_for(first_hundred, timeout=60, what="100 counted before the crash")
        assert suite.broker is not None
        suite.broker.proc.send_signal(signal.SIGKILL)  # type: ignore[union-attr]

        async def recovered() -> bool:
            return suite.recoveries == 1

        await wait_for(recovered, timeout=120, what="the launcher to restart broker and services")
        for b in bodies[100:]:
            await post(b)

        async def all_counted() -> bool:
            return await total() >= 200

        await wait_for(all_counted, timeout=120, what="all 200 counted after recovery")
        await suite_settled(client, suite.urls(), producers=["registry"])
        r = await client.get(f"{suite.url('indexer')}/v1/stats/districts")
        expected = Counter(b["district_code"] for b in bodies)
        assert r.json()["total"] == 200
        assert {d["district_code"]: d["enterprises"] for d in r.json()["districts"]} == {
            c: expected.get(c, 0) for c in districts
        }
