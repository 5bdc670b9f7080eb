"""Memory given back after a bulk request.

A 10,000-record push holds its records, their rows and events (~60 MB of small objects) until it commits.
Freed, that memory stays in the process — in the allocator's free lists and half-empty arenas — and two
batches in flight at once raised the registry's peak to 326–332 MB at 100,000 enterprises and 364 MB at a
million (bench/e2e.py; target ≤ 300 MB). Collecting the batch's reference cycles (ORM instances and their
states) and asking glibc to return free pages (`malloc_trim`) after each large batch: 287 MB.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import gc
import logging
import threading
import time
from collections.abc import Callable, Iterator

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


FULL_PASS_EVERY_S = 10.0  # `give_back(young=True)` still walks the whole heap this often
_last_full_pass = 0.0


def give_back(*, young: bool = False) -> float:
    """Collect garbage and return free heap pages to the operating system; the seconds it took. `young`: only
    the objects allocated since the last passes (a batch applied under `gc_paused` left all of its own there),
    not the whole heap — except once every FULL_PASS_EVERY_S, for the cycles that became garbage after they had
    been promoted (a full pass per 10,000-record push was 8 % of the push). Call it after the batch's own
    `gc_paused` has ended."""
    global _last_full_pass
    started = time.perf_counter()
    full = not young or started - _last_full_pass >= FULL_PASS_EVERY_S
    # While another batch is being applied (under `gc_paused`), a young pass would walk all of its live objects
    # for nothing (the registry: 4 % of its time with two pushes in flight): it is left to the last batch out,
    # or to the next full pass, which is never put off.
    if full or not _pauses:
        gc.collect(2 if full else 1)
        if full:
            _last_full_pass = started
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
    took = time.perf_counter() - started
    log.debug("memory given back in %.1f ms", took * 1000)
    return took


_pause_lock = threading.Lock()
_pauses = 0
_resume = False  # whether the first pause found the collector on (and the last one must turn it on again)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic-garbage passes while a consumed batch is applied: its tens of thousands of objects live until
    it commits, and every pass in between only walks them again (7 % of a consumer's time at 5,000 events per
    batch, bench/results.md). Uses that overlap (tasks on one loop, threads) keep the collector paused until the
    last one ends; a collector that was off before stays off. Garbage in cycles is collected afterwards, as usual.
    """
    global _pauses, _resume
    with _pause_lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()
