"""Memory given back after a bulk request.

A 10,000-record push holds its records, their rows and events (~60 MB of small objects) until it commits.
Freed, that memory stays in the process — in the allocator's free lists and half-empty arenas — and two
batches in flight at once raised the registry's peak to 326–332 MB at 100,000 enterprises and 364 MB at a
million (bench/e2e.py; target ≤ 300 MB). Collecting the batch's reference cycles (ORM instances and their
states) and asking glibc to return free pages (`malloc_trim`) after each large batch: 287 MB.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)
BULK_RECORDS = 1000  # a request with more records than this gives its memory back afterwards


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None where the C library has none (musl, macOS)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


def give_back() -> float:
    """Collect garbage and return free heap pages to the operating system; the seconds it took."""
    started = time.perf_counter()
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
    took = time.perf_counter() - started
    log.debug("memory given back in %.1f ms", took * 1000)
    return took
