"""The committed schemas are what the code produces, and published ones only ever change compatibly."""

from __future__ import annotations

import importlib
import itertools
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from contracts.compat import breaking_changes
from contracts.events import EVENT_CLASSES
from contracts.generate import SCHEMA_DIR, stale_files
from contracts.topics import TOPICS
from devstack.suite import SERVICES
from servicekit.app import create_app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "contracts" / "examples"


def test_committed_event_schemas_and_asyncapi_are_fresh() -> None:
    assert stale_files() == [], "run `make schemas` and commit the result"


@pytest.mark.parametrize("service", list(SERVICES))
def test_committed_openapi_is_fresh(service: str) -> None:
    spec = importlib.import_module(f"{service}.main").spec
    generated = create_app(spec, spec.settings_cls(log_json=False)).openapi()
    committed = json.loads((SCHEMA_DIR / "openapi" / f"{service}.json").read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(generated)), "run `make schemas` and commit the result"


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout


def _history(path: Path) -> list[dict[str, Any]]:
    """Every committed version of a file, oldest first, then the working copy."""
    rel = path.relative_to(ROOT).as_posix()
    versions = []
    for commit in reversed(_git("log", "--format=%H", "--", rel).split()):
        try:
            versions.append(json.loads(_git("show", f"{commit}:{rel}")))
        except subprocess.CalledProcessError:
            continue  # deleted in that commit
    versions.append(json.loads(path.read_text(encoding="utf-8")))
    return versions


@pytest.mark.parametrize("path", sorted((SCHEMA_DIR / "events").glob("*.json")), ids=lambda p: p.name)
def test_published_event_schema_never_broke(path: Path) -> None:
    history = _history(path)
    problems = []
    for old, new in itertools.pairwise(history):
        problems += breaking_changes(old, new)
    assert problems == [], f"{path.name}: publish a new major version instead: {problems}"


def test_every_committed_schema_is_still_produced() -> None:
    """A published schema file may not disappear (consumers and stored events depend on it)."""
    committed = set(_git("ls-files", "contracts/schemas/events").split())
    produced = {f"contracts/schemas/events/{c.TYPE}.v{c.VERSION}.json" for c in EVENT_CLASSES}
    assert committed <= produced


IRREGULAR_PAST = "withheld|paid|sent|held|built|made|won|lost|met"  # past tenses that do not end in -ed
TYPE_RE = re.compile(rf"^(?P<owner>[a-z]+)\.(?P<aggregate>[a-z-]+)\.(?P<verb>[a-z-]+ed|{IRREGULAR_PAST})$")
TOPIC_RE = re.compile(r"^(?P<owner>[a-z]+)\.[a-z-]+\.v\d+$")


@pytest.mark.parametrize("event", EVENT_CLASSES, ids=lambda c: f"{c.TYPE}.v{c.VERSION}")
def test_event_naming_and_declarations(event: Any) -> None:
    m = TYPE_RE.match(event.TYPE)
    assert m, f"{event.TYPE} is not <owner>.<aggregate>.<past-tense verb>"
    t = TOPIC_RE.match(event.TOPIC.name)
    assert t, f"{event.TOPIC.name} is not <owner>.<aggregate>.v<major>"
    assert m["owner"] == t["owner"] == event.TOPIC.owner
    assert event.TOPIC in TOPICS
    assert event.KEY_FIELD in event.model_fields
    assert event.__name__ != event.TYPE  # the type string is explicit, never the class name


@pytest.mark.parametrize("event", EVENT_CLASSES, ids=lambda c: f"{c.TYPE}.v{c.VERSION}")
def test_committed_examples_validate_and_every_consumer_accepts_them(event: Any) -> None:
    path = EXAMPLES / f"{event.TYPE}.v{event.VERSION}.json"
    assert path.exists(), f"add example payloads at {path.relative_to(ROOT)}"
    schema = json.loads((SCHEMA_DIR / "events" / f"{event.TYPE}.v{event.VERSION}.json").read_text(encoding="utf-8"))
    examples = json.loads(path.read_text(encoding="utf-8"))
    assert examples
    consumers = [
        sub
        for name in SERVICES
        for sub in importlib.import_module(f"{name}.main").spec.subscriptions
        if (sub.event.TYPE, sub.event.VERSION) == (event.TYPE, event.VERSION)
    ]
    for example in examples:
        jsonschema.validate(example, schema, format_checker=jsonschema.FormatChecker())
        for sub in consumers:
            sub.event.model_validate(example)
