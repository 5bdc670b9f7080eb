"""`select_where_in` finds exactly the rows whose key is among thousands wanted, on SQLite (text keys as one
JSON array, other keys as an IN list) and PostgreSQL (one array), whatever characters the keys hold."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, insert

from servicekit.db import select_where_in as where_in
from servicekit.db import sessionmaker
from testkit.databases import DbFactory, engine_on_tables

metadata = MetaData()
keyed = Table(
    "keyed",
    metadata,
    Column("owner", String(20), primary_key=True),
    Column("key", String(40), primary_key=True),
    Column("n", Integer, nullable=False),
)
ODD = ['a"b', "back\\slash", "企业", "emoji 🚀", "", " padded ", "new\nline", "50010", "1e3", "null"]


async def test_the_wanted_rows_and_only_those(make_db: DbFactory, db_kind: str) -> None:
    stored = [*ODD, *(f"k{i:05d}" for i in range(3_000))]
    async with engine_on_tables(await make_db(db_kind), metadata) as engine, sessionmaker(engine)() as session:
        rows = [{"owner": owner, "key": k, "n": i} for i, k in enumerate(stored) for owner in ("mine", "other")]
        await session.execute(insert(keyed), rows)
        wanted = [*ODD, *(f"k{i:05d}" for i in range(0, 3_000, 2)), "missing", "K00002"]
        dialect = session.get_bind().dialect.name
        query = where_in(dialect, keyed, keyed.c.key, wanted, keyed.c.owner == "mine", columns=[keyed.c.key])
        found = [r.key for r in await session.execute(query)]
        assert sorted(found) == sorted(k for k in wanted if k in stored)  # each once, this owner's only
        by_number = where_in(dialect, keyed, keyed.c.n, [0, 2, 4, 99_999], keyed.c.owner == "other")
        assert sorted((r.n, r.key) for r in await session.execute(by_number)) == [(0, ODD[0]), (2, ODD[2]), (4, ODD[4])]
