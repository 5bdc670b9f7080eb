"""A small HTTP/1.1 load generator: C keep-alive connections, each sending GETs back to back for a fixed
time, latencies recorded per request. Raw asyncio streams, so the client costs far less CPU than the
servers it measures (httpx would be the bottleneck on two cores)."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    requests: int = 0
    errors: dict[int, int] = field(default_factory=dict)  # status → count (anything but 200)
    latencies_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else float("nan")


async def _worker(
    host: str, port: int, paths: list[str], headers: str, until: float, result: LoadResult, rng: random.Random
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < until:
            path = rng.choice(paths)
            started = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{headers}\r\n".encode())
            status, _ = await _answer(reader)
            result.latencies_ms.append((time.perf_counter() - started) * 1000)
            result.requests += 1
            if status != 200:
                result.errors[status] = result.errors.get(status, 0) + 1
    finally:
        writer.close()


async def load(
    host: str, port: int, paths: list[str], *, clients: int, seconds: float, token: str | None = None, warmup: float = 2
) -> LoadResult:
    """`clients` connections hitting random `paths` for `seconds` (after `warmup` seconds not counted)."""
    headers = f"Authorization: Bearer {token}\r\n" if token else ""
    if warmup:
        await load(host, port, paths, clients=clients, seconds=warmup, token=token, warmup=0)
    result = LoadResult()
    until = time.perf_counter() + seconds
    started = time.perf_counter()
    rngs = [random.Random(i) for i in range(clients)]
    await asyncio.gather(*(_worker(host, port, paths, headers, until, result, rngs[i]) for i in range(clients)))
    result.seconds = time.perf_counter() - started
    return result


class RawClient:
    """Keep-alive HTTP/1.1 connections to one server for open-loop load (bench/e2e_freshness.py): any method,
    a body, the answer's status and body. Raw asyncio streams like `load`: httpx cost the load generator more
    than half a core at 120 requests/s, taken from the suite it measures on the same two cores."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def request(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        message = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Length: {len(body)}\r\n{head}\r\n".encode()
            + body
        )
        for attempt in (1, 2):  # a kept connection the server closed while idle: once more on a new one
            reader, writer = self._idle.pop() if self._idle else await asyncio.open_connection(self.host, self.port)
            try:
                writer.write(message)
                answer = await _answer(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                writer.close()
                if attempt == 2:
                    raise
                continue
            self._idle.append((reader, writer))
            return answer
        raise AssertionError("unreachable")

    async def close(self) -> None:
        for _, writer in self._idle:
            writer.close()
        self._idle.clear()


async def _answer(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length, chunked = 0, False
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
        elif name.lower() == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if not chunked:
        return status, await reader.readexactly(length)
    parts = []
    while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)
    await reader.readuntil(b"\r\n")
    return status, b"".join(parts)
