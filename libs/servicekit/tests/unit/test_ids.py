"""Time-ordered ids: later ids sort after earlier ones, and ids made at once do not collide."""

from __future__ import annotations

import os
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

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


def test_event_ids_made_by_threads_at_once_do_not_collide() -> None:
    """The random parts come from a shared pool: threads drawing from it at once never get the same number."""
    with ThreadPoolExecutor(8) as pool:
        made = list(pool.map(lambda _: [event_id() for _ in range(5_000)], range(8)))
    ids = [i for chunk in made for i in chunk]
    randoms = [i.replace("-", "")[13:] for i in ids]  # after the time and the version digit
    assert len(set(randoms)) == len(ids) == 40_000


def test_a_forked_child_does_not_reuse_its_parents_random_numbers() -> None:
    event_id()  # the parent's pool is filled
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child)
        os.close(read)
        os.write(write, "\n".join(event_id() for _ in range(100)).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        theirs = pipe.read().split("\n")
    os.waitpid(child, 0)
    ours = [event_id() for _ in range(100)]
    assert len(theirs) == 100
    assert not {i.replace("-", "")[13:] for i in theirs} & {i.replace("-", "")[13:] for i in ours}
