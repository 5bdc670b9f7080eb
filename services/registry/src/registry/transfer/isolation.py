"""Uploaded lists are read in a separate process with a memory cap and a time limit.

A spreadsheet is a compressed program for a parser: 100 KB of XLSX can hold millions of cells. Reading
one on the registry's event loop stalled every request for half a minute, and its memory went to the
whole process. Here the parent does only cheap checks on the bytes (declared sizes of the ZIP members,
line count of a CSV); the reading runs in a child (`registry.transfer.worker`) whose address space is
capped and which is killed at the time limit. One child is kept started in advance, so an import does
not wait for the interpreter and libraries to load; each child reads one file and exits. (The checks on
the bytes and the memory cap are servicekit.isolation's.)
"""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import Any

import orjson

from contracts.api.registry import EnterpriseCreate
from registry.transfer.reading import (
    MAX_BLANK_ROWS,
    MAX_ROWS,
    XLSX_MAGIC,
    ImportFileError,
    ImportLimitError,
    ParsedList,
    RowError,
)
from servicekit.isolation import FileRefused, FileTooBig, precheck_xlsx

log = logging.getLogger(__name__)


def precheck(data: bytes) -> None:
    """Refuse at once what the child would only refuse after work: bombs and over-long files."""
    if data.startswith(XLSX_MAGIC):
        try:
            precheck_xlsx(data)
        except FileTooBig as e:
            raise ImportLimitError(str(e)) from e
        except FileRefused as e:
            raise ImportFileError(str(e)) from e
    elif data.count(b"\n") > MAX_ROWS + MAX_BLANK_ROWS + 1:
        raise ImportLimitError(f"more than {MAX_ROWS} rows: split the file")


class ImportReaders:
    """Reads uploads in child processes, at most `concurrency` at a time."""

    def __init__(self, *, memory_mb: int, seconds: float, concurrency: int = 2) -> None:
        self.memory_mb = memory_mb
        self.seconds = seconds
        self._slots = asyncio.Semaphore(concurrency)
        self._standby: asyncio.subprocess.Process | None = None
        self._refill: asyncio.Task[None] | None = None

    async def read(self, data: bytes, defaults: dict[str, str]) -> ParsedList:
        """The file's rows, validated; ImportLimitError (413) or ImportFileError (422) for the file as a whole."""
        precheck(data)
        async with self._slots:
            child = await self._take()
            job = orjson.dumps({"size": len(data), "defaults": defaults, "memory_mb": self.memory_mb})
            try:
                out, err = await asyncio.wait_for(child.communicate(job + b"\n" + data), self.seconds)
            except TimeoutError:
                child.kill()
                await child.wait()
                limit = f"the import time limit of {self.seconds:g} s"
                raise ImportLimitError(f"reading the file took longer than {limit}") from None
        if child.returncode != 0 or not out:
            log.warning("import reader ended with %s: %s", child.returncode, err[-2000:].decode(errors="replace"))
            raise ImportLimitError(f"reading the file needs more than the import memory limit of {self.memory_mb} MB")
        return await asyncio.to_thread(_parsed, out)

    async def _take(self) -> asyncio.subprocess.Process:
        if self._refill is not None:
            await self._refill
        child, self._standby = self._standby, None
        if child is None or child.returncode is not None:
            child = await _spawn()
        self._refill = asyncio.create_task(self._start_standby())
        return child

    async def _start_standby(self) -> None:
        self._standby = await _spawn()

    async def close(self) -> None:
        if self._refill is not None:
            await self._refill
        if self._standby is not None and self._standby.returncode is None:
            self._standby.kill()
            await self._standby.wait()


async def _spawn() -> asyncio.subprocess.Process:
    pipe = asyncio.subprocess.PIPE
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "registry.transfer.worker", stdin=pipe, stdout=pipe, stderr=pipe
    )


def _parsed(out: bytes) -> ParsedList:
    result: dict[str, Any] = orjson.loads(out)
    if "limit" in result:
        raise ImportLimitError(result["limit"])
    if "error" in result:
        raise ImportFileError(result["error"])
    return ParsedList(
        good=[(n, EnterpriseCreate.model_validate(d)) for n, d in result["good"]],
        errors=[RowError(*e) for e in result["errors"]],
        rows=result["rows"],
    )
