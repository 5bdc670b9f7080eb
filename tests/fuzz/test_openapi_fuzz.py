"""Schemathesis against every service's OpenAPI document, as the city (every operation reachable) and as
a district authority (most refused): zero 5xx, zero status codes or content types the document does not
list, zero responses off their schema. `make test` runs a short pass; `make fuzz` a long one. The tally
is printed at the end of the session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from devstack.suite import SERVICES, Suite
from testkit.fuzzing import examples_for, fuzz
from testkit.suites import suite_config

pytestmark = [pytest.mark.e2e, pytest.mark.fuzz, pytest.mark.timeout(3600)]


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Suite, Path]]:
    """The suite as processes."""
    folder = tmp_path_factory.mktemp("fuzz")
    config = suite_config(folder)
    # The fuzzer sends hundreds of pushes and wrong secrets from one address: limits and lockouts are tested
    # elsewhere (test_credentials); here they would lock the test's own clients out.
    config.extra_env["SHUZHUAN_REGISTRY_PUSH_BATCHES_PER_MINUTE"] = "0"
    config.extra_env["SHUZHUAN_REGISTRY_TOKEN_MAX_FAILURES"] = "1000000"
    config.extra_env["SHUZHUAN_REGISTRY_TOKEN_MAX_FAILURES_PER_ADDRESS"] = "1000000"
    suite = Suite(config, say=lambda _: None)
    try:
        suite.start()
        yield suite, folder
    finally:
        suite.stop()


def token_for(suite: Suite, caller: str) -> str:
    """A fresh token: the city admin's (it cannot revoke itself), or a new district authority client's (the
    city's fuzz run may deactivate or rotate any client it lists)."""
    city = suite.admin_token()
    if caller == "city":
        return city
    body = {"name": "渝中区经信委", "role": "district", "districts": ["500103"]}
    headers = {"Authorization": f"Bearer {city}"}
    created = httpx.post(f"{suite.url('registry')}/v1/clients", json=body, headers=headers, timeout=30).json()
    answer = httpx.post(
        f"{suite.url('registry')}/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(created["client_id"], created["client_secret"]),
        timeout=30,
    )
    return str(answer.json()["access_token"])


@pytest.mark.parametrize("caller", ["district", "city"])
@pytest.mark.parametrize("service", list(SERVICES))
def test_no_5xx_and_every_answer_documented(running: tuple[Suite, Path], service: str, caller: str) -> None:
    suite, folder = running
    document = httpx.get(f"{suite.url(service)}/openapi.json", timeout=30).json()
    token = token_for(suite, caller)
    run = fuzz(service, caller, suite.url(service), token, folder, examples=examples_for(document))
    assert not run.errors, "\n".join([*run.errors, *run.failures])  # the failures hold schemathesis's own account
    assert run.cases > 0
    assert run.clean, "\n".join(run.failures)
