"""A service's SQLite database and its var/ folder are readable by the owner only (they hold secret
hashes and contacts); before, var/registry.db was mode 644."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy import text

from servicekit.db import make_engine, private_dir


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


async def test_a_new_database_file_and_folder_are_private(tmp_path: Path) -> None:
    db = tmp_path / "var" / "registry.db"
    engine = make_engine(f"sqlite+aiosqlite:///{db}")
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (x INTEGER)"))
            await conn.execute(text("INSERT INTO t VALUES (1)"))
    finally:
        await engine.dispose()
    assert mode(db) == 0o600
    assert mode(db.parent) == 0o700
    wal = Path(f"{db}-wal")
    assert not wal.exists() or mode(wal) == 0o600


async def test_an_existing_open_database_and_var_folder_are_restricted(tmp_path: Path) -> None:
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    db = var / "old.db"
    db.touch(mode=0o644)
    os.chmod(db, 0o644)
    os.chmod(var, 0o755)
    await make_engine(f"sqlite+aiosqlite:///{db}").dispose()
    private_dir(var)  # what every service does with its var_dir at start
    assert (mode(db), mode(var)) == (0o600, 0o700)
