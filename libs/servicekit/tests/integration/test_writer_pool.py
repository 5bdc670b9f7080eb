"""Writer processes (servicekit.writerpool): jobs run in other processes with a database of their own, a job's
error comes back as itself, a writer that dies is answered WorkerLost and replaced, and writers do not outlive
the process that started them."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import textwrap
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from servicekit.db import make_engine
from servicekit.settings import ServiceSettings
from servicekit.writerpool import WorkerLost, WriterPool
from testkit import writerjobs
from testkit.databases import DbFactory
from testkit.waits import wait_for

TABLES = "testkit.writerjobs:tables"


def _restarts() -> float:
    return REGISTRY.get_sample_value("writer_restarts_total", {"service": ServiceSettings().service_name}) or 0.0


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


async def _migrated(url: str) -> str:
    """The database as a service's migration leaves it before its processes start: on SQLite, in WAL mode. (Two
    writers turning a new file to WAL at the same moment can be refused "database is locked" at once.)"""
    engine = make_engine(url)
    async with engine.connect() as conn:
        await conn.exec_driver_sql("SELECT 1")
    await engine.dispose()
    return url


async def test_jobs_run_in_writer_processes_each_with_its_database(make_db: DbFactory, db_kind: str) -> None:
    pool = WriterPool(ServiceSettings(database_url=await _migrated(await make_db(db_kind))), TABLES, 2)
    try:
        # Two jobs at once, each holding its writer: they run on the two writers, neither in this process.
        pids = await asyncio.gather(*(pool.run(writerjobs.process_id, 0.5) for _ in range(2)))
        assert len(set(pids)) == 2 and os.getpid() not in pids
        assert sorted(pids) == pool.pids()
    finally:
        await pool.close()
    assert not any(_alive(p) for p in pids)  # closed: the writers have ended


async def test_a_jobs_error_comes_back_and_a_dead_writer_is_replaced(make_db: DbFactory) -> None:
    pool = WriterPool(ServiceSettings(database_url=await make_db("sqlite")), TABLES, 1)
    try:
        with pytest.raises(ValueError, match="a job's own error"):
            await pool.run(writerjobs.fails)
        (before,) = pool.pids()
        before_restarts = _restarts()
        with pytest.raises(WorkerLost):
            await pool.run(writerjobs.dies)
        assert pool.restarts == 1 and _restarts() == before_restarts + 1  # operators see it (WritersRestarting)
        after = await pool.run(writerjobs.process_id)
        assert after != before and pool.pids() == [after]
    finally:
        await pool.close()


async def test_writers_end_when_the_process_that_started_them_is_killed(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import signal
        from servicekit.settings import ServiceSettings
        from servicekit.writerpool import WriterPool

        if __name__ == "__main__":
            pool = WriterPool(ServiceSettings(database_url="sqlite:///{tmp_path}/w.db"), "{TABLES}", 2)
            for started in pool.start():
                started.result(timeout=60)
            print(*pool.pids(), flush=True)
            signal.pause()  # until the test kills it
        """
    )
    (tmp_path / "serving.py").write_text(script)
    serving = await asyncio.create_subprocess_exec(
        sys.executable, str(tmp_path / "serving.py"), stdout=asyncio.subprocess.PIPE
    )
    try:
        assert serving.stdout is not None
        line = await asyncio.wait_for(serving.stdout.readline(), 60)
        writers = [int(p) for p in line.split()]
        assert len(writers) == 2 and all(map(_alive, writers))
    finally:
        serving.send_signal(signal.SIGKILL)
        await asyncio.wait_for(serving.wait(), 10)

    async def gone() -> bool:
        return not any(map(_alive, writers))

    await wait_for(gone, timeout=10, what="the writers to end with the process that started them")
