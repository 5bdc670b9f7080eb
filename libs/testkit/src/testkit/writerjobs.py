"""Jobs for servicekit.writerpool's tests: importable by the writer processes, which import a job by its name."""

from __future__ import annotations

import asyncio
import os

from sqlalchemy import MetaData, text

from servicekit.tables import runtime_tables
from servicekit.uow import UnitOfWork

tables = runtime_tables(MetaData())


async def process_id(uow: UnitOfWork, hold_s: float = 0.0) -> int:
    """The writer's process id, after a statement on its database and `hold_s` seconds."""
    async with uow:
        await uow.session.execute(text("SELECT 1"))
    await asyncio.sleep(hold_s)
    return os.getpid()


async def fails(uow: UnitOfWork) -> None:
    raise ValueError("a job's own error")


async def dies(uow: UnitOfWork) -> None:
    os._exit(3)
