"""Which partition a key goes to: Kafka's default (murmur2 of the key, as the Java client and aiokafka
compute it), faster than aiokafka's pure-Python loop because whole 32-bit words are unpacked at once."""

from __future__ import annotations

import struct
from functools import cache

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
