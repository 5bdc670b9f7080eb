"""Time-ordered ids: later ids sort after earlier ones, and ids made at once do not collide."""

from __future__ import annotations

import re
import time
import uuid

from servicekit.ids import event_id, time_ordered_id


def test_ids_sort_by_the_time_they_were_made_and_do_not_collide() -> None:
    first = time_ordered_id("eq_")
    made = time.time_ns() // 1_000_000
    while time.time_ns() // 1_000_000 <= made:  # into a later millisecond
        pass
    burst = [time_ordered_id("eq_") for _ in range(10_000)]
    assert re.fullmatch(r"eq_[0-9a-f]{28}", first)
    assert all(first < later for later in burst)
    assert len(set(burst)) == len(burst)
    assert abs(int(first[3:15], 16) - time.time() * 1000) < 60_000  # the leading digits are the time in ms


def test_event_ids_are_uuid7_in_the_order_they_were_made() -> None:
    first = event_id()
    made = time.time_ns() // 1_000_000
    while time.time_ns() // 1_000_000 <= made:
        pass
    burst = [event_id() for _ in range(10_000)]
    parsed = uuid.UUID(first)
    assert (str(parsed), parsed.version, parsed.variant) == (first, 7, uuid.RFC_4122)
    assert all(first < later for later in burst)  # text order is time order: an index grows at its end
    assert len(set(burst)) == len(burst)
    assert abs(int(first.replace("-", "")[:12], 16) - time.time() * 1000) < 60_000
