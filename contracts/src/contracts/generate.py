"""Regenerate the committed schemas: one JSON Schema per event type and version, and AsyncAPI 3.0.

python -m contracts.generate          write contracts/schemas/
python -m contracts.generate --check  exit 1 if the committed files are stale
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from contracts.envelope import CE_HEADERS, TRACEPARENT, Event
from contracts.events import EVENT_CLASSES
from contracts.push.batch import MAX_RECORDS
from contracts.push.records import INTERFACE_VERSION, RECORD_ADAPTER
from contracts.topics import TOPICS

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"
CONTRACTS_VERSION = "1.0.0"


def event_schema(cls: type[Event]) -> dict[str, Any]:
    schema = cls.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = cls.dataschema()
    schema["title"] = cls.__name__
    schema["x-event-type"] = cls.TYPE
    schema["x-event-version"] = cls.VERSION
    schema["x-topic"] = cls.TOPIC.name
    schema["x-key"] = cls.KEY_FIELD
    return schema


def message_name(cls: type[Event]) -> str:
    return f"{cls.TYPE}.v{cls.VERSION}"


def _headers_schema() -> dict[str, Any]:
    props: dict[str, Any] = {h: {"type": "string"} for h in CE_HEADERS}
    props["ce_specversion"] = {"type": "string", "const": "1.0"}
    props[TRACEPARENT] = {"type": "string", "description": "W3C trace context"}
    return {
        "type": "object",
        "required": ["ce_id", "ce_type", "ce_source", "ce_time", "ce_specversion"],
        "properties": props,
    }


def asyncapi() -> dict[str, Any]:
    """AsyncAPI 3.0 document of every topic and the messages on it."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for topic in TOPICS:
        classes = [c for c in EVENT_CLASSES if c.TOPIC is topic]
        cid = topic.name.replace(".", "_")
        channels[cid] = {
            "address": topic.name,
            "description": f"{topic.description} Key: {topic.key}. Partitions: {topic.partitions}. "
            f"Dead letters: {topic.dlq}.",
            "messages": {
                message_name(c).replace(".", "_"): {"$ref": f"#/components/messages/{message_name(c)}"} for c in classes
            },
        }
        operations[f"publish_{cid}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{cid}"},
            "summary": f"{topic.owner} publishes",
            "messages": [{"$ref": f"#/channels/{cid}/messages/{message_name(c).replace('.', '_')}"} for c in classes],
        }
        for c in classes:
            messages[message_name(c)] = {
                "name": c.TYPE,
                "title": c.__name__,
                "summary": (c.__doc__ or "").strip().splitlines()[0] if c.__doc__ else c.TYPE,
                "contentType": "application/json",
                "headers": _headers_schema(),
                "payload": {"$ref": f"events/{c.TYPE}.v{c.VERSION}.json"},
                "bindings": {"kafka": {"key": {"type": "string", "description": topic.key}}},
            }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "shuzhuan event bus",
            "version": CONTRACTS_VERSION,
            "description": "CloudEvents 1.0 in Kafka binary mode: attributes in ce_* headers, JSON value, "
            "the aggregate id as key.",
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def push_schema() -> dict[str, Any]:
    """JSON Schema of one record of the provider push interface v1 (a batch is a list of these)."""
    schema = RECORD_ADAPTER.json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://shuzhuan.cq.gov.cn/schemas/push/record.v{INTERFACE_VERSION}.json"
    schema["title"] = f"Provider push record, interface v{INTERFACE_VERSION}"
    schema["x-max-records-per-batch"] = MAX_RECORDS
    return schema


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def expected_files() -> dict[Path, str]:
    files = {SCHEMA_DIR / "events" / f"{c.TYPE}.v{c.VERSION}.json": render(event_schema(c)) for c in EVENT_CLASSES}
    files[SCHEMA_DIR / "asyncapi.json"] = render(asyncapi())
    files[SCHEMA_DIR / "push" / f"record.v{INTERFACE_VERSION}.json"] = render(push_schema())
    return files


def stale_files() -> list[str]:
    """Committed files that differ from what the models generate, and generated files that are missing."""
    out = []
    for path, text in expected_files().items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            out.append(str(path.relative_to(SCHEMA_DIR.parent)))
    known = set(expected_files())
    out += [
        str(p.relative_to(SCHEMA_DIR.parent)) + " (no model produces it)"
        for p in (SCHEMA_DIR / "events").glob("*.json")
        if p not in known
    ]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m contracts.generate", description=__doc__)
    parser.add_argument("--check", action="store_true", help="only check; exit 1 if stale")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files()
        for s in stale:
            print(f"stale: {s}  (run `make schemas`)")
        return 1 if stale else 0
    for path, text in expected_files().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(SCHEMA_DIR.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
