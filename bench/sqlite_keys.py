"""What a table keyed by USCC costs SQLite as it grows: random keys vs keys in insertion order.

    .venv/bin/python bench/sqlite_keys.py [--rows 1000000] [--batch 5000]

The same rows (a read model's enterprise row: the USCC key, a unit, a division, a name, a time, a version; one
index on the unit) go into a fresh SQLite file as the services write them: WAL, synchronous=NORMAL, one
transaction of `--batch` rows (`INSERT … ON CONFLICT DO UPDATE`, executemany) after the batch's keys are looked
up (one `IN (json_each(?))` read), a passive checkpoint every ten transactions. Keyed by random USCCs (what
the registry and every consumer store), and — the baseline, in the same run — by keys in insertion order.
Rows/s per fifth of the rows show how the cost grows with the table. Results are appended to bench/results.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from run import write_down

from testkit.data import random_uscc

TABLE = """CREATE TABLE known (uscc VARCHAR(18) PRIMARY KEY, name VARCHAR(200), district_code VARCHAR(8),
industry_division VARCHAR(3), registered_at DATETIME, version INTEGER)"""
UPSERT = (
    "INSERT INTO known VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (uscc) DO UPDATE SET name = excluded.name, "
    "district_code = excluded.district_code, version = excluded.version WHERE known.version < excluded.version"
)


def load(path: Path, keys: list[str], batch: int) -> list[tuple[int, float]]:
    """(rows in the table, rows/s since the previous mark) at each fifth of the keys (at the batch that reaches it)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute(TABLE)
    conn.execute("CREATE INDEX ix_known_district ON known (district_code)")
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    fifth = max(1, len(keys) // 5)
    rates: list[tuple[int, float]] = []
    mark, marked, next_mark = time.perf_counter(), 0, fifth
    for n, i in enumerate(range(0, len(keys), batch), start=1):
        chunk = keys[i : i + batch]
        rows = [(k, f"重庆市企业{j:07d}制造有限公司", "500112", "C36", when, 1) for j, k in enumerate(chunk, start=i)]
        conn.execute("BEGIN")
        conn.execute(
            "SELECT uscc, version FROM known WHERE uscc IN (SELECT value FROM json_each(?))", (json.dumps(chunk),)
        ).fetchall()
        conn.executemany(UPSERT, rows)
        conn.execute("COMMIT")
        if n % 10 == 0:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        done = i + len(chunk)
        if done >= next_mark or done == len(keys):  # the rows/s since the last mark, at each fifth
            now = time.perf_counter()
            rates.append((done, (done - marked) / (now - mark)))
            mark, marked, next_mark = now, done, next_mark + fifth
    conn.close()
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=5_000)
    args = parser.parse_args()
    rng = random.Random(9)
    randoms = list(dict.fromkeys(random_uscc(rng) for _ in range(args.rows + args.rows // 100)))[: args.rows]
    ordered = sorted(randoms)  # the same keys, in key order: each batch lands at the index's end
    with tempfile.TemporaryDirectory() as tmp:
        results = {
            "random USCCs": load(Path(tmp) / "random.db", randoms, args.batch),
            "the same keys in order (baseline)": load(Path(tmp) / "ordered.db", ordered, args.batch),
        }
    marks = [f"{done:,}" for done, _ in next(iter(results.values()))]
    lines = [
        f"\n## SQLite, a table keyed by USCC — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {platform.machine()}, "
        f"{platform.python_version()}, 2 cores\n",
        f"{args.rows:,} rows in transactions of {args.batch:,} (each batch's keys read first, then upserted); rows/s "
        "over each fifth, the table's size at its end:\n",
        "| keys | " + " | ".join(marks) + " | all |",
        "|---|" + "---|" * (len(marks) + 1),
    ]
    for name, rates in results.items():
        starts = [0] + [done for done, _ in rates[:-1]]
        total = args.rows / sum((done - start) / r for start, (done, r) in zip(starts, rates, strict=True))
        lines.append(f"| {name} | " + " | ".join(f"{r:,.0f}" for _, r in rates) + f" | {total:,.0f} |")
    write_down("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
