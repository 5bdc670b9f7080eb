"""Register 1,000 enterprises over HTTP across the suite; kill -9 the indexer midway; counts stay exact."""

from __future__ import annotations

import asyncio
import random
import signal
from collections import Counter
from typing import Any

import httpx
import pytest

from contracts import codes
from devstack.suite import Suite
from testkit.data import random_uscc
from testkit.waits import suite_settled, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]


def enterprises(n: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    districts = list(codes.districts())
    weights = [rng.randint(1, 10) for _ in districts]  # uneven, like the real programme
    divisions = list(codes.industry_divisions())
    seen: set[str] = set()
    out: list[dict[str, str]] = []
    while len(out) < n:
        uscc = random_uscc(rng)
        if uscc in seen:
            continue
        seen.add(uscc)
        out.append(
            {
                "uscc": uscc,
                "name": f"重庆测试企业{len(out):04d}有限公司",
                "district_code": rng.choices(districts, weights)[0],
                "industry_code": rng.choice(divisions) + rng.choice(["", "1", "11"]),
            }
        )
    return out


async def register_all(
    client: httpx.AsyncClient, url: str, bodies: list[dict[str, str]], at: int = -1, then: Any = None
) -> None:
    """POST every body, 16 at a time; after the `at`-th success, run `then` (in a thread) once."""
    sem = asyncio.Semaphore(16)
    done = 0

    async def one(body: dict[str, str]) -> None:
        nonlocal done
        async with sem:
            r = await client.post(f"{url}/v1/enterprises", json=body)
            assert r.status_code == 201, r.text
            done += 1
            if done == at:
                await asyncio.to_thread(then)

    await asyncio.gather(*(one(b) for b in bodies))


async def district_counts(client: httpx.AsyncClient, suite: Suite) -> dict[str, Any]:
    r = await client.get(f"{suite.url('indexer')}/v1/stats/districts")
    r.raise_for_status()
    return dict(r.json())


@pytest.mark.parametrize("suite", ["sqlite", "postgresql"], indirect=True)
async def test_1000_enterprises_counted_exactly_across_an_indexer_kill(suite: Suite) -> None:
    bodies = enterprises(1000, seed=20241)
    expected = Counter(b["district_code"] for b in bodies)
    token = await asyncio.to_thread(suite.admin_token)
    async with httpx.AsyncClient(timeout=30, headers={"Authorization": f"Bearer {token}"}) as client:
        # The indexer is killed while registrations stream in and it is consuming them.
        await register_all(
            client, suite.url("registry"), bodies, at=500, then=lambda: suite.kill("indexer", signal.SIGKILL)
        )
        await asyncio.to_thread(suite.start_service, "indexer")

        async def all_counted() -> bool:
            return (await district_counts(client, suite))["total"] >= 1000

        await wait_for(all_counted, timeout=120, what="the indexer to count 1,000 enterprises")
        await suite_settled(client, suite.urls(), producers=["registry"])  # a double count would show by now
        stats = await district_counts(client, suite)
        assert stats["total"] == 1000
        assert len(stats["districts"]) == 41
        assert {d["district_code"]: d["enterprises"] for d in stats["districts"]} == {
            code: expected.get(code, 0) for code in codes.districts()
        }
        for name in ("catalog", "assessment", "finance"):

            async def known(name: str = name) -> bool:
                r = await client.get(f"{suite.url(name)}/v1/known-enterprises", params={"limit": 1})
                return bool(r.json()["total"] == 1000)

            await wait_for(known, timeout=60, what=f"{name} to know all 1,000")
        one = await client.get(f"{suite.url('registry')}/v1/enterprises/{bodies[123]['uscc']}")
        assert one.json()["name"] == bodies[123]["name"]


async def test_bad_input_over_http_leaves_the_suite_unchanged(suite: Suite) -> None:
    good = enterprises(1, seed=7)[0]
    token = await asyncio.to_thread(suite.admin_token)
    async with httpx.AsyncClient(timeout=30, headers={"Authorization": f"Bearer {token}"}) as client:
        url = f"{suite.url('registry')}/v1/enterprises"
        assert (await client.post(url, json=good)).status_code == 201
        bad = [
            (b"{broken", 422),
            (
                f'{{"uscc":"{good["uscc"][:-1]}Z","name":"x","district_code":"500103","industry_code":"C34"}}'.encode(),
                422,
            ),
            (b'{"uscc":"91350100M000100Y43","name":"x","district_code":"999999","industry_code":"C34"}', 422),
            (b'{"uscc":"91350100M000100Y43","name":"' + b"x" * 1_100_000 + b'"}', 413),
        ]
        for body, status in bad:
            r = await client.post(url, content=body, headers={"content-type": "application/json"})
            assert r.status_code == status, r.text
            assert r.json()["message"]
        assert (await client.post(url, json=good)).status_code == 409

        async def counted() -> bool:
            return (await district_counts(client, suite))["total"] == 1

        await wait_for(counted, timeout=60, what="the one good enterprise counted")
        await suite_settled(client, suite.urls(), producers=["registry"])
        assert (await district_counts(client, suite))["total"] == 1
