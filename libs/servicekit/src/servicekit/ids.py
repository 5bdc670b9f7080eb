"""Identifiers of append-heavy records, ordered by the time they were made.

A random id is a random place in its primary-key index: each row of a batch dirties a page of its own, and a
SQLite commit writes every dirty page to the WAL. With the time first, a batch lands on the index's last
page or two — the query log's group commit of 32 rows went from ~1 ms to ~150 µs (bench/finance_eligibility.py).
"""

from __future__ import annotations

import os
import secrets
import time
from collections import deque

_VERSION_VARIANT = 0x7 << 76 | 0x2 << 62  # UUID version 7, RFC 9562 variant
_RANDOM_BITS = ((1 << 80) - 1) & ~(0xF << 76 | 0x3 << 62)  # the 74 bits of the 80 low ones left random
_RANDOM: deque[int] = deque()  # 80-bit random numbers from one os.urandom call (pop is atomic: thread-safe)
os.register_at_fork(after_in_child=_RANDOM.clear)  # a forked child must not reuse its parent's numbers


def time_ordered_id(prefix: str) -> str:
    """`prefix` + 12 hex digits of milliseconds since the epoch + 16 random hex digits (64 random bits: ids
    made in the same millisecond, by any number of processes, do not collide in practice)."""
    return f"{prefix}{time.time_ns() // 1_000_000:012x}{secrets.token_hex(8)}"


def event_id() -> str:
    """A UUID version 7 (RFC 9562): 48 bits of milliseconds since the epoch, then 74 random bits. The events of a
    batch sort together, so the outbox's unique index on event_id (and a consumer's inbox, keyed by it) grows at
    its end instead of at 10,000 random pages per batch, as with version 4."""
    try:
        random = _RANDOM.pop()
    except IndexError:
        random = _refill()
    h = ((time.time_ns() // 1_000_000) << 80 | random & _RANDOM_BITS | _VERSION_VARIANT).to_bytes(16).hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _refill() -> int:
    """Fill the pool with 400 numbers from one system call (os.urandom was a third of an id's time); one for
    the caller."""
    data = os.urandom(4010)
    _RANDOM.extend(int.from_bytes(data[i : i + 10]) for i in range(10, 4010, 10))
    return int.from_bytes(data[:10])
