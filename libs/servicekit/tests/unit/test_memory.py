"""After a bulk request the freed memory goes back to the operating system, not only to the allocator; the cyclic
collector pauses while consumed batches are applied."""

from __future__ import annotations

import gc
import subprocess
import sys
import time
import weakref

import pytest

from servicekit.memory import gc_paused, give_back

SCRIPT = """
from servicekit.memory import _malloc_trim, give_back
def rss():
    return int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) // 1024
chunks = [bytes(2048) + str(i).encode() for i in range(100_000)]  # ~200 MB on the C heap
pins = chunks[::50]  # one chunk in fifty kept: the freed ones are holes, the heap cannot shrink from its top
del chunks
held = rss()
give_back()
print(held, rss(), _malloc_trim() is not None)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RSS read from /proc; malloc_trim is glibc's")
def test_freed_memory_is_returned_to_the_system() -> None:
    held, after, trims = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True
    ).stdout.split()
    assert trims == "True"  # glibc here: the trim is what returns the pages
    assert int(held) - int(after) > 100, (held, after)  # MB


def test_the_collector_is_paused_while_any_batch_is_applied_and_resumes_after_the_last() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():  # a second batch overlapping the first (another task on the loop)
            assert not gc.isenabled()
        assert not gc.isenabled()  # the first is still under way
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    try:
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_resumes_when_a_batch_fails() -> None:
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("handler failed")
    assert gc.isenabled()


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_a_cycle_left_by_a_paused_batch_is_freed_by_the_young_collection_after_it() -> None:
    with gc_paused():
        batch = [_Node() for _ in range(1000)]
        watch = weakref.ref(batch[-1])
        del batch
        assert watch() is not None  # nothing collects while the batch is applied
    give_back(young=True)
    assert watch() is None


def test_the_young_collection_is_left_to_the_last_batch_out(monkeypatch: pytest.MonkeyPatch) -> None:
    from servicekit import memory

    monkeypatch.setattr(memory, "_last_full_pass", time.perf_counter())  # a full pass just now
    with gc_paused():  # another batch, still being applied
        with gc_paused():
            batch = [_Node() for _ in range(1000)]
            watch = weakref.ref(batch[-1])
            del batch
        give_back(young=True)  # this batch is done; the other's live objects are not walked now
        assert watch() is not None
    give_back(young=True)  # the last one out
    assert watch() is None


def test_the_full_pass_is_not_put_off_by_other_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    from servicekit import memory

    passes = recorded_passes(monkeypatch)
    monkeypatch.setattr(memory, "_last_full_pass", time.perf_counter())
    with gc_paused():
        give_back(young=True)
        assert passes == []
        monkeypatch.setattr(memory, "FULL_PASS_EVERY_S", 0.0)  # the interval is over
        give_back(young=True)
        assert passes == [2]


def recorded_passes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The generations of the collector's passes from now on (recorded, not run)."""
    from servicekit import memory

    passes: list[int] = []

    def collect(generation: int = 2) -> int:
        passes.append(generation)
        return 0

    monkeypatch.setattr(memory.gc, "collect", collect)
    return passes


def test_a_young_give_back_still_walks_the_whole_heap_now_and_then(monkeypatch: pytest.MonkeyPatch) -> None:
    from servicekit import memory

    passes = recorded_passes(monkeypatch)
    monkeypatch.setattr(memory, "_last_full_pass", time.perf_counter())  # a full pass just now
    give_back(young=True)
    give_back(young=True)
    give_back()
    assert passes == [1, 1, 2]
    monkeypatch.setattr(memory, "FULL_PASS_EVERY_S", 0.0)  # the interval is over
    give_back(young=True)
    assert passes[-1] == 2
