"""`python -m registry import FILE`: the bulk import for operators, straight into the database, with progress.

The running registry's relay publishes the events of the imported rows (they are in its outbox). Exit status: 0
stored, 1 some rows rejected (written to the errors file), 2 the file cannot be read, 3 some of the same new
enterprises were registered meanwhile (PostgreSQL; nothing stored: run it again).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import getpass
import sys
import time
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from contracts.api.identity import Role, TokenClaims
from contracts.api.registry import ImportReport
from registry.config import RegistrySettings
from registry.models import tables
from registry.transfer.reading import ImportFileError, ParsedList, RowError, parse_list
from registry.transfer.service import import_list
from servicekit.db import make_engine, sessionmaker
from servicekit.uow import UnitOfWork


class Progress:
    """One line on stderr, rewritten in place: what, how many, rate."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.start = time.monotonic()

    def show(self, done: int, total: int | None = None) -> None:
        rate = done / max(time.monotonic() - self.start, 1e-6)
        of = f"/{total:,}" if total else ""
        sys.stderr.write(f"\r{self.what}: {done:,}{of} rows ({rate:,.0f}/s)   ")
        sys.stderr.flush()

    def done(self) -> None:
        sys.stderr.write("\n")


async def _store(settings: RegistrySettings, parsed: ParsedList, filename: str) -> tuple[ImportReport, list[RowError]]:
    actor = TokenClaims(sub=f"cli:{getpass.getuser()}", role=Role.CITY, iat=0, exp=0)
    engine = make_engine(settings.effective_database_url)
    progress = Progress("stored")
    try:
        async with UnitOfWork(sessionmaker(engine), tables) as uow:
            result = await import_list(uow, actor, parsed, filename, progress=progress.show)
            await uow.commit()
    finally:
        await engine.dispose()
    progress.done()
    return result


def import_command(settings: RegistrySettings, args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m registry import", description=__doc__)
    parser.add_argument(
        "file", type=Path, help="CSV (UTF-8) or XLSX with 企业名称, 统一社会信用代码, … (docs/registry.md)"
    )
    parser.add_argument("--district-code", help="for rows without a district column")
    parser.add_argument("--industry-code", help="for rows without an industry column")
    parser.add_argument("--errors", type=Path, help="where to write the rejected rows (default: <file>-errors.csv)")
    ns = parser.parse_args(args)
    defaults = {k: v for k, v in {"district_code": ns.district_code, "industry_code": ns.industry_code}.items() if v}
    validated = Progress("validated")
    try:
        parsed = parse_list(ns.file.read_bytes(), defaults, progress=validated.show)
    except (OSError, ImportFileError) as e:
        print(f"\nerror: {ns.file}: {e}", file=sys.stderr)
        return 2
    validated.done()
    try:
        report, errors = asyncio.run(_store(settings, parsed, ns.file.name))
    except IntegrityError:  # PostgreSQL: the registry stored some of the same new enterprises meanwhile
        print(
            "\nerror: some of these enterprises were registered by someone else while the list was stored; nothing"
            " of the list was stored: run the import again (they will be counted as already registered)",
            file=sys.stderr,
        )
        return 3
    print(
        f"{report.import_id}: {report.rows:,} rows, {report.stored:,} stored, "
        f"{report.already_registered:,} already registered, {report.rejected:,} rejected"
    )
    if errors:
        path = ns.errors or ns.file.with_name(f"{ns.file.stem}-errors.csv")
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(["行号 row", "统一社会信用代码 uscc", "字段 field", "原因 reason"])
            w.writerows([e.row, e.uscc, e.field, e.reason] for e in errors)
        print(f"rejected rows with reasons: {path}")
    return 1 if errors else 0
