"""Reading untrusted spreadsheets in a process of their own, with a memory cap and a time limit.

A spreadsheet is a compressed program for a parser: 100 KB of XLSX can hold millions of cells. Read on a
service's event loop, one stalled every request for half a minute and its memory went to the whole process.
The parent does only cheap checks on the bytes (the declared sizes of the ZIP members); the reading runs in
a child whose address space is capped (`cap_memory`, set after the imports) and which is killed at the time
limit. The registry's import runs its own worker (it validates rows there too); other services read a
workbook's first sheet as text rows with `read_xlsx_rows` (`python -m servicekit.sheetreader`).
"""

from __future__ import annotations

import asyncio
import io
import resource
import sys
import weakref
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

XLSX_MAGIC = b"PK\x03\x04"
MAX_UNCOMPRESSED = 256 * 1024 * 1024  # bytes the members of an XLSX may declare in all
MAX_RATIO = 100  # uncompressed ÷ compressed for any member above 1 MB (workbooks compress 5–20×)


class FileRefused(ValueError):
    """The file as a whole cannot be read (damaged, not a workbook): 422."""


class FileTooBig(ValueError):
    """The file is beyond a limit (size, ratio, rows, memory, time): 413."""


def precheck_xlsx(data: bytes) -> None:
    """Refuse at once what a child would only refuse after work: ZIP bombs."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as e:
        raise FileRefused(f"not a readable XLSX workbook: {e}") from e
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise FileTooBig(f"the workbook unpacks to {total:,} bytes; the limit is {MAX_UNCOMPRESSED:,}")
    for m in members:
        if m.file_size > 1024 * 1024 and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            ratio = m.file_size // max(m.compress_size, 1)
            raise FileTooBig(
                f"{m.filename} unpacks {ratio}× its packed size; the limit is {MAX_RATIO}× (a spreadsheet bomb?)"
            )


def current_address_space() -> int:
    """Bytes of virtual memory this process maps now (Linux); 0 where /proc is absent."""
    statm = Path("/proc/self/statm")
    return int(statm.read_text().split()[0]) * resource.getpagesize() if statm.exists() else 0


def cap_memory(budget: int) -> None:
    """Allow `budget` bytes beyond what is mapped now (interpreter, libraries); a MemoryError past that."""
    base = current_address_space()
    if base:
        resource.setrlimit(resource.RLIMIT_AS, (base + budget, base + budget))


def serve_one(read: Callable[[bytes, dict[str, Any]], dict[str, Any]]) -> int:
    """The child's side of `run_isolated`: one JSON job line and the file's bytes on stdin, the memory capped
    (`memory_mb`) before the bytes are read, `read(data, job)`'s JSON answer on stdout."""
    job = orjson.loads(sys.stdin.buffer.readline())
    cap_memory(job["memory_mb"] * 1024 * 1024)
    data = sys.stdin.buffer.read(job["size"])
    answer = read(data, job)
    del data
    sys.stdout.buffer.write(orjson.dumps(answer))
    sys.stdout.buffer.flush()
    return 0


async def run_isolated(module: str, job: dict[str, Any], data: bytes, seconds: float) -> dict[str, Any]:
    """`python -m <module>` fed one JSON line (`job`, with `size`) and `data`; its JSON answer. FileTooBig when
    it runs out of time or memory."""
    pipe = asyncio.subprocess.PIPE
    child = await asyncio.create_subprocess_exec(sys.executable, "-m", module, stdin=pipe, stdout=pipe, stderr=pipe)
    line = orjson.dumps({**job, "size": len(data)})
    try:
        out, _ = await asyncio.wait_for(child.communicate(line + b"\n" + data), seconds)
    except TimeoutError:
        child.kill()
        await child.wait()
        raise FileTooBig(f"reading the file took longer than the limit of {seconds:g} s") from None
    if child.returncode != 0 or not out:
        raise FileTooBig(f"reading the file needs more than the memory limit of {job.get('memory_mb')} MB")
    answer: dict[str, Any] = orjson.loads(out)
    return answer


READERS_AT_ONCE = 2  # workbooks read at once per process (each reader is a process of its own); more wait
_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


async def read_xlsx_rows(data: bytes, *, memory_mb: int, seconds: float, max_rows: int) -> list[list[str]]:
    """The first sheet's rows as text (dates as YYYY-MM-DD, whole numbers without a decimal point, empty cells
    as "", an empty row as []; row n of the sheet is rows[n-1]), read in a child process under `memory_mb`
    and `seconds`."""
    precheck_xlsx(data)
    answer = await run_isolated("servicekit.sheetreader", {"memory_mb": memory_mb, "max_rows": max_rows}, data, seconds)
    if "limit" in answer:
        raise FileTooBig(answer["limit"])
    if "error" in answer:
        raise FileRefused(answer["error"])
    rows: list[list[str]] = answer["rows"]
    return rows
