"""Which partition a key goes to: Kafka's default (murmur2 of the key, as the Java client and aiokafka
compute it), faster than aiokafka's pure-Python loop because whole 32-bit words are unpacked at once; and for
a relay's round of thousands of keys, all of one length hashed together as arrays (`partitions_of`)."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

_M = 0x5BD1E995
_MASK = 0xFFFFFFFF
_SEED = 0x9747B28C


@cache
def _words(n: int) -> struct.Struct:
    return struct.Struct(f"<{n}I")


def murmur2(data: bytes) -> int:
    """MurmurHash2 of `data`, exactly as org.apache.kafka.common.utils.Utils.murmur2 (unsigned)."""
    length = len(data)
    h = (_SEED ^ length) & _MASK
    n4 = length >> 2
    for k in _words(n4).unpack_from(data):
        k = (k * _M) & _MASK
        k ^= k >> 24
        k = (k * _M) & _MASK
        h = ((h * _M) & _MASK) ^ k
    tail = length & 3
    if tail:
        base = length & ~3
        if tail >= 3:
            h ^= data[base + 2] << 16
        if tail >= 2:
            h ^= data[base + 1] << 8
        h ^= data[base]
        h = (h * _M) & _MASK
    h ^= h >> 13
    h = (h * _M) & _MASK
    h ^= h >> 15
    return h


def partition_of(key: bytes, partitions: list[int]) -> int:
    """The partition Kafka's default partitioner picks for `key` among `partitions` (sorted)."""
    return partitions[(murmur2(key) & 0x7FFFFFFF) % len(partitions)]


ARRAYS_FROM = 64  # fewer keys than this are hashed one by one (numpy's per-call cost is then larger)


def partitions_of(keys: Sequence[bytes], partitions: list[int]) -> list[int]:
    """`partition_of` of every key, the keys of each length hashed together as arrays. One by one, murmur2 in
    Python was a fifth of the relay's CPU during a push (about 2.5 µs a key, bench/results.md, eighteenth
    session); as arrays it is a few nanoseconds a key."""
    if len(keys) < ARRAYS_FROM:
        return [partition_of(key, partitions) for key in keys]
    import numpy as np  # here: only a relay's process needs it

    by_length: dict[int, list[int]] = {}
    for i, key in enumerate(keys):
        by_length.setdefault(len(key), []).append(i)
    chosen = [0] * len(keys)
    for length, where in by_length.items():
        data = np.frombuffer(b"".join([keys[i] for i in where]), dtype=np.uint8).reshape(len(where), length)
        picks = (murmur2_rows(data) & 0x7FFFFFFF) % len(partitions)
        for i, pick in zip(where, picks.tolist(), strict=True):
            chosen[i] = partitions[pick]
    return chosen


def murmur2_rows(data: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint32]:
    """`murmur2` of every row of an (n, length) array of bytes; uint32 arithmetic wraps as the masks do."""
    import numpy as np

    m = np.uint32(_M)
    rows, length = data.shape
    h = np.full(rows, (_SEED ^ length) & _MASK, dtype=np.uint32)
    n4 = length >> 2
    words = np.ascontiguousarray(data[:, : n4 * 4]).view("<u4")  # (n, n4), little-endian as Kafka reads them
    for j in range(n4):
        k = words[:, j] * m
        k ^= k >> 24
        k *= m
        h *= m
        h ^= k
    tail, base = length & 3, n4 * 4
    if tail:
        if tail >= 3:
            h ^= data[:, base + 2].astype(np.uint32) << 16
        if tail >= 2:
            h ^= data[:, base + 1].astype(np.uint32) << 8
        h ^= data[:, base].astype(np.uint32)
        h *= m
    h ^= h >> 13
    h *= m
    h ^= h >> 15
    return h
