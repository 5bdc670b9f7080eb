"""After a bulk request the freed memory goes back to the operating system, not only to the allocator."""

from __future__ import annotations

import subprocess
import sys

import pytest

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
