"""CloudEvents 1.0 binary mode over Kafka: ce_* headers, JSON value, aggregate id as key."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from contracts.envelope import SPEC_VERSION, TRACEPARENT

Headers = list[tuple[str, bytes]]


class DecodeError(ValueError):
    """A record that is not a well-formed CloudEvent (it goes to the dead-letter topic)."""


@dataclass(frozen=True)
class Envelope:
    id: str
    type: str
    source: str
    time: datetime
    subject: str
    data: dict[str, Any] | bytes  # bytes: JSON already serialised (as stored in the outbox)
    dataschema: str | None = None
    traceparent: str | None = None
    key: str | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)


def encode(env: Envelope) -> tuple[bytes | None, bytes, Headers]:
    """Envelope → (key, value, headers) for a Kafka record."""
    headers: Headers = [
        ("ce_specversion", SPEC_VERSION.encode()),
        ("ce_id", env.id.encode()),
        ("ce_type", env.type.encode()),
        ("ce_source", env.source.encode()),
        ("ce_time", env.time.astimezone(UTC).isoformat().replace("+00:00", "Z").encode()),
        ("ce_subject", env.subject.encode()),
        ("content-type", b"application/json"),
    ]
    if env.dataschema:
        headers.append(("ce_dataschema", env.dataschema.encode()))
    if env.traceparent:
        headers.append((TRACEPARENT, env.traceparent.encode()))
    headers.extend((k, v.encode()) for k, v in env.extra_headers.items())
    if isinstance(env.data, bytes):
        value = env.data
    else:
        value = json.dumps(env.data, ensure_ascii=False, separators=(",", ":")).encode()
    return (env.key.encode() if env.key is not None else None), value, headers


_KNOWN = {"ce_specversion", "ce_id", "ce_type", "ce_source", "ce_time", "ce_subject", "ce_dataschema", TRACEPARENT}


def decode(key: bytes | None, value: bytes | None, headers: Headers) -> Envelope:
    """Kafka record → Envelope; raises DecodeError naming what is wrong."""
    h: dict[str, str] = {}
    for k, v in headers:
        try:
            h[k] = (v or b"").decode()
        except UnicodeDecodeError as e:
            raise DecodeError(f"header {k} is not UTF-8") from e
    if h.get("ce_specversion") != SPEC_VERSION:
        raise DecodeError(f"ce_specversion must be {SPEC_VERSION}, got {h.get('ce_specversion')!r}")
    for required in ("ce_id", "ce_type", "ce_source", "ce_time"):
        if not h.get(required):
            raise DecodeError(f"missing header {required}")
    try:
        time = datetime.fromisoformat(h["ce_time"].replace("Z", "+00:00"))
    except ValueError as e:
        raise DecodeError(f"ce_time is not RFC 3339: {h['ce_time']!r}") from e
    if value is None:
        raise DecodeError("empty value (tombstone) where an event was expected")
    try:
        data = json.loads(value)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise DecodeError(f"value is not JSON: {e}") from e
    if not isinstance(data, dict):
        raise DecodeError("value must be a JSON object")
    return Envelope(
        id=h["ce_id"],
        type=h["ce_type"],
        source=h["ce_source"],
        time=time,
        subject=h.get("ce_subject", ""),
        data=data,
        dataschema=h.get("ce_dataschema"),
        traceparent=h.get(TRACEPARENT),
        key=key.decode(errors="replace") if key is not None else None,
        extra_headers={k: v for k, v in h.items() if k not in _KNOWN and k != "content-type"},
    )
