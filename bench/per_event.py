"""The calls every event pays for, in microseconds per call, beside the bare work inside them.

    .venv/bin/python bench/per_event.py [--n 50000]

- a consumer reading one record (`ConsumerRunner._parse`: the CloudEvent headers, the subscription, the payload
  validated by its contract) vs the same payload validated by a model of plain fields (pydantic-core alone, no
  USCC, unit or industry check);
- a USCC checked (`contracts.uscc.uscc_error`, every event's and every pushed record's field check) vs the
  regular expression of its character set alone;
- an event id made (`servicekit.ids.event_id`, a UUID version 7) vs one `uuid.uuid4()`.

Best of five passes over N distinct values (a cache that only helps one value does not count). Results are
appended to bench/results.md.
"""

from __future__ import annotations

import argparse
import platform
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from aiokafka import ConsumerRecord
from pydantic import create_model
from run import events, write_down
from sqlalchemy import MetaData

from contracts.events.registry import EnterpriseRegistered
from contracts.uscc import _WELL_FORMED, uscc_error
from servicekit.consumer import ConsumerRunner, Received, Subscription
from servicekit.ids import event_id
from servicekit.relay import HeaderCache
from servicekit.settings import ServiceSettings
from servicekit.tables import runtime_tables

# EnterpriseRegistered's fields with their bare types, without its checks (USCC, unit and industry codes, lengths,
# patterns): what pydantic-core costs alone. Derived from the contract, so it follows the contract's fields.
_PLAIN_FIELDS: dict[str, Any] = {
    name: (f.annotation, ... if f.is_required() else f.get_default(call_default_factory=True))
    for name, f in EnterpriseRegistered.model_fields.items()
}
PlainRegistered = create_model("PlainRegistered", **_PLAIN_FIELDS)


def best_us(call: Callable[[Any], object], values: Sequence[Any]) -> float:
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for v in values:
            call(v)
        best = min(best, time.perf_counter() - start)
    return best / len(values) * 1e6


class _Row:
    """What the relay reads of an outbox row, for its headers."""

    def __init__(self, e: EnterpriseRegistered) -> None:
        self.event_id, self.subject, self.occurred_at = event_id(), e.uscc, e.registered_at
        self.event_type, self.event_version = e.TYPE, e.VERSION
        self.traceparent = f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-01"


async def _ignore(_uow: Any, _events: list[Received[Any]]) -> None:
    return None


def records(n: int) -> list[ConsumerRecord[bytes, bytes]]:
    """`bench/run.py`'s events (one registration time for all, as the events of one push share theirs) as the
    relay publishes them."""
    headers = HeaderCache("/shuzhuan/registry")
    out = []
    for i, e in enumerate(events(n)):
        value = e.model_dump_json().encode()
        out.append(
            ConsumerRecord("t", 0, i, 0, 0, e.uscc.encode(), value, None, 18, len(value), tuple(headers.of(_Row(e))))
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=50_000)
    args = parser.parse_args()
    recs = records(args.n)
    nothing: Any = None
    runner = ConsumerRunner(
        ServiceSettings(service_name="bench"),
        nothing,
        runtime_tables(MetaData()),
        [Subscription(EnterpriseRegistered, _ignore)],
        nothing,
    )
    values = [r.value for r in recs]
    usccs = [r.key.decode() for r in recs if r.key is not None]
    plain = PlainRegistered.__pydantic_validator__.validate_json
    rows = [
        (
            "a consumer reads a record (`_parse`)",
            best_us(runner._parse, recs),
            "plain-field validation",
            best_us(plain, values),
        ),
        (
            "the payload's contract validation",
            best_us(EnterpriseRegistered.__pydantic_validator__.validate_json, values),
            "plain-field validation",
            best_us(plain, values),
        ),
        (
            "a USCC checked (`uscc_error`)",
            best_us(uscc_error, usccs),
            "its character-set regex",
            best_us(_WELL_FORMED.fullmatch, usccs),
        ),
        (
            "an event id (`event_id`, UUID v7)",
            best_us(lambda _: event_id(), range(args.n)),
            "`uuid.uuid4()`",
            best_us(lambda _: uuid.uuid4(), range(args.n)),
        ),
    ]
    lines = [
        f"\n## Per-event calls — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {platform.machine()}, "
        f"{platform.python_version()}, 2 cores\n",
        f"Best of five passes over {args.n:,} distinct values.\n",
        "| call | µs | baseline | µs | ratio |",
        "|---|---|---|---|---|",
    ]
    for name, us, base, base_us in rows:
        lines.append(f"| {name} | {us:.2f} | {base} | {base_us:.2f} | {us / base_us:.1f}× |")
    write_down("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
