"""What the machine can do at all, measured in the same run: the ceilings the pipeline is compared with."""

from __future__ import annotations

import asyncio
import sqlite3
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from enterprises import records

from testkit.databases import pg_admin

COLUMNS = ("uscc", "name", "district_code", "industry_code", "employees", "revenue_fen", "revenue_year", "cluster")


def plain_rows(n: int) -> list[tuple[Any, ...]]:
    """The pushed enterprises as plain tuples (the columns a store of them needs, already converted)."""
    out = []
    for r in records(n):
        d = r["data"]
        fen = int(Decimal(d["revenue_yuan"]) * 100)
        out.append(
            (d["uscc"], d["name"], d["district_code"], d["industry_code"], d["employees"], fen, 2025, d.get("cluster"))
        )
    return out


def _sqlite(rows: list[tuple[Any, ...]], folder: Path) -> float:
    con = sqlite3.connect(folder / f"ceiling-{uuid.uuid4().hex[:6]}.db")
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute(
        "CREATE TABLE plain (uscc TEXT PRIMARY KEY, name TEXT, district_code TEXT, industry_code TEXT, "
        "employees INTEGER, revenue_fen INTEGER, revenue_year INTEGER, cluster TEXT)"
    )
    start = time.perf_counter()
    for i in range(0, len(rows), 10_000):
        con.executemany("INSERT INTO plain VALUES (?,?,?,?,?,?,?,?)", rows[i : i + 10_000])
        con.commit()
    seconds = time.perf_counter() - start
    con.close()
    return len(rows) / seconds


async def _postgres(rows: list[tuple[Any, ...]]) -> float:
    import asyncpg  # the driver the services use

    from devstack.postgres import create_database, drop_database

    admin = await pg_admin()
    url = await create_database(admin, "bench_ceiling")
    try:
        conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
        await conn.execute(
            "CREATE TABLE plain (uscc TEXT PRIMARY KEY, name TEXT, district_code TEXT, industry_code TEXT, "
            "employees INTEGER, revenue_fen BIGINT, revenue_year INTEGER, cluster TEXT)"
        )
        start = time.perf_counter()
        for i in range(0, len(rows), 10_000):
            await conn.copy_records_to_table("plain", records=rows[i : i + 10_000], columns=COLUMNS)
        seconds = time.perf_counter() - start
        await conn.close()
    finally:
        await drop_database(admin, url)
    return len(rows) / seconds


async def storage_ceiling(n: int, folder: Path, postgres: bool) -> dict[str, float]:
    """The same rows into a plain table: executemany (SQLite) or COPY (PostgreSQL), rows/s."""
    rows = await asyncio.to_thread(plain_rows, n)
    rate = await _postgres(rows) if postgres else await asyncio.to_thread(_sqlite, rows, folder)
    return {"storage": rate}


async def kafka_ceiling(bootstrap: str, n: int, size: int = 700) -> dict[str, float]:
    """n messages of about an event's size produced (acks=all, not awaited one by one) and consumed raw."""
    topic = f"bench.ceiling.{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=8, replication_factor=1)])
    finally:
        await admin.close()
    value = b"x" * size
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=False, linger_ms=5)
    await producer.start()
    start = time.perf_counter()
    try:
        pending = []
        for i in range(n):
            pending.append(await producer.send(topic, value=value, key=str(i).encode()))
            if len(pending) >= 10_000:
                await asyncio.gather(*pending)
                pending = []
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    produce = n / (time.perf_counter() - start)
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=f"ceiling-{uuid.uuid4().hex[:6]}", auto_offset_reset="earliest",
        enable_auto_commit=False, fetch_max_wait_ms=100, max_partition_fetch_bytes=4 * 1024 * 1024,
        session_timeout_ms=6000, heartbeat_interval_ms=1000,
    )  # fmt: skip
    await consumer.start()
    try:
        first = 0
        while first == 0:  # the group join is not what is measured
            batch = await consumer.getmany(timeout_ms=500, max_records=5000)
            first += sum(len(v) for v in batch.values())
        seen, start = first, time.perf_counter()
        while seen < n:
            batch = await consumer.getmany(timeout_ms=1000, max_records=5000)
            seen += sum(len(v) for v in batch.values())
        consume = (n - first) / (time.perf_counter() - start)
    finally:
        await consumer.stop()
    return {"kafka_produce": produce, "kafka_consume": consume}
