"""The planner's statistics kept up with bulk writes (PostgreSQL).

A table filled from empty by a first upload keeps the statistics of its first ANALYZE (often: empty) until
autovacuum comes round, and PostgreSQL plans every lookup by them. Measured in bench/e2e.py (auto_explain): the
push's lookup of 1,000 record ids hashed all of the provider's earlier records (224 ms at 600,000 instead of
about 2 ms), the enterprise lookup scanned the whole table, the relay's UPDATE of sent rows scanned the outbox —
3,200 records/s at a million. Here each process counts the rows it writes in bulk per table and runs ANALYZE in
the writing transaction once they reach half of what the table held at its last ANALYZE (at least MIN_ROWS):
about a dozen times while a table grows to a million rows. (A new ANALYZE also makes PostgreSQL re-plan the
prepared statements that read the table.) SQLite plans without such statistics: nothing to do there.

These ANALYZEs sample SAMPLE_TARGET × 300 rows (3,000), not PostgreSQL's default 30,000: what the plans of a
growing table turn on is its size, which any sample gives, and the default sample made them a fifth of the
PostgreSQL server's CPU in a first load (`perf` during bench/e2e.py --postgres at 300,000: 6.9 % of the
machine's samples against 36 % for every backend; a 500,000-row table 120–140 ms against 10–20 ms). Autovacuum's
own ANALYZE (default sample) comes round once a further tenth of the table has changed.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from sqlalchemy import Table, text
from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger(__name__)
MIN_ROWS = 10_000  # rows written since the last ANALYZE before the next one
GROWTH = 0.5  # … or this share of the rows the table held then, whichever is more
SAMPLE_TARGET = 10  # the statistics target of these ANALYZEs: 300 rows per unit sampled, ten-entry histograms


@dataclass
class _Growth:
    written: int = 0  # rows written in bulk since the last ANALYZE
    size: float = 0.0  # the rows PostgreSQL counted at the last ANALYZE


_growth: dict[tuple[str, str], _Growth] = {}  # by (database, table)


async def rows_written(session: AsyncSession, table: Table, n: int) -> bool:
    """Count `n` rows written to `table`; ANALYZE it (in this transaction) once enough have been. True if it ran."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql" or n <= 0:
        return False
    growth = _growth.setdefault((str(bind.engine.url), table.fullname), _Growth())
    growth.written += n
    if growth.written < max(MIN_ROWS, GROWTH * growth.size):
        return False
    growth.written = 0  # before the await: another transaction of this process does not analyse it too
    started = time.perf_counter()
    name = bind.dialect.identifier_preparer.format_table(table)
    # SKIP_LOCKED: never wait for another ANALYZE (or VACUUM) of the table, which a transaction of another
    # replica may hold until it commits. (A role that does not own the table gets a warning, not an error.)
    await session.execute(text(f"SET LOCAL default_statistics_target = {SAMPLE_TARGET}"))  # to the commit
    await session.execute(text(f"ANALYZE (SKIP_LOCKED) {name}"))
    size = await session.scalar(text("SELECT reltuples FROM pg_class WHERE oid = CAST(:t AS regclass)"), {"t": name})
    growth.size = max(0.0, float(size or 0))
    log.info("analysed %s (%.0f rows) in %.0f ms", table.fullname, growth.size, (time.perf_counter() - started) * 1000)
    return True
