"""How a consumer reads one record: the CloudEvent headers and the payload, or a named reason to dead-letter it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aiokafka import ConsumerRecord
from sqlalchemy import MetaData

from contracts.envelope import Event
from servicekit.consumer import ConsumerRunner, PoisonMessage, Received, Subscription
from servicekit.settings import ServiceSettings
from servicekit.tables import runtime_tables
from testkit.data import ping_event_class
from testkit.messaging import ping_record

Ping = ping_event_class(partitions=1)
Headers = list[tuple[str, bytes]]


async def _ignore(_uow: Any, _events: list[Received[Any]]) -> None:
    return None


def runner(event: type[Event] = Ping) -> ConsumerRunner:
    """A runner that is never started: its record parsing needs neither a broker nor a database."""
    nothing: Any = None
    return ConsumerRunner(
        ServiceSettings(service_name="parse-test"),
        nothing,
        runtime_tables(MetaData()),
        [Subscription(event, _ignore)],
        nothing,
    )


def record(value: bytes | None, headers: Headers) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord("t", 0, 7, 0, 0, b"k", value, None, 1, len(value or b""), tuple(headers))


def test_a_good_record_gives_its_attributes_and_validated_payload() -> None:
    _, value, headers = ping_record(Ping, "p1", 3, event_id="0b6f3d1e-1f5e-4f57-9f0e-1d5c2a6a0c11")
    item = runner()._parse(record(value, headers))
    assert item is not None
    got = item.received
    assert isinstance(got, Received)
    assert (got.id, got.source, got.traceparent) == ("0b6f3d1e-1f5e-4f57-9f0e-1d5c2a6a0c11", "/test", None)
    assert got.payload == Ping(ping_id="p1", n=3)
    assert got.time.tzinfo is not None and abs((got.time - got.time.now(got.time.tzinfo)).total_seconds()) < 60
    assert item.subscription.event is Ping


def test_the_trace_parent_is_carried() -> None:
    _, value, headers = ping_record(Ping, "p1", 3)
    parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    item = runner()._parse(record(value, [*headers, ("traceparent", parent.encode())]))
    assert item is not None and item.received.traceparent == parent


def test_a_type_nobody_subscribed_to_is_skipped() -> None:
    _, value, headers = ping_record(Ping, "p1", 3)
    other = ping_event_class(partitions=1)
    assert (
        runner(other)._parse(record(value, [(k, b"test.other" if k == "ce_type" else v) for k, v in headers])) is None
    )


def _without(name: str) -> Callable[[Headers], Headers]:
    return lambda h: [(k, v) for k, v in h if k != name]


def _replaced(name: str, new: bytes) -> Callable[[Headers], Headers]:
    return lambda h: [(k, new if k == name else v) for k, v in h]


@pytest.mark.parametrize(
    ("mutate", "value", "message"),
    [
        (_without("ce_id"), None, "missing header ce_id"),
        (_without("ce_type"), None, "missing header ce_type"),
        (_without("ce_source"), None, "missing header ce_source"),
        (_replaced("ce_time", b""), None, "missing header ce_time"),
        (_without("ce_specversion"), None, "ce_specversion must be 1.0, got None"),
        (_replaced("ce_specversion", b"0.3"), None, "ce_specversion must be 1.0, got b'0.3'"),
        (_replaced("ce_time", b"yesterday"), None, "ce_time is not RFC 3339"),
        (_replaced("ce_id", b"\xff\xfe"), None, "a header is not UTF-8"),
        (_replaced("ce_source", b"\xff"), None, "a header is not UTF-8"),
        (lambda h: h, b"{not json", "value is not JSON"),
        (lambda h: h, b'{"ping_id": "p1"}', "payload does not match test.ping.happened v1"),
    ],
)
def test_a_broken_record_is_poison_with_its_reason(
    mutate: Callable[[Headers], Headers], value: bytes | None, message: str
) -> None:
    _, good, headers = ping_record(Ping, "p1", 3)
    with pytest.raises(PoisonMessage, match=message.replace("(", r"\(")):
        runner()._parse(record(value or good, mutate(list(headers))))


def test_a_tombstone_is_poison() -> None:
    _, _, headers = ping_record(Ping, "p1", 3)
    with pytest.raises(PoisonMessage, match="tombstone"):
        runner()._parse(record(None, list(headers)))
