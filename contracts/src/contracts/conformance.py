"""Check a provider's push files offline against the push interface v1, before sending them.

    python -m contracts.conformance batch.ndjson [more files] [--lang zh|en] [--json]
    shuzhuan-conformance batch.json --lang zh

A file ending .ndjson or .jsonl is read as NDJSON (one record per line), anything else as a JSON batch
({"records": [...]}). Every record is checked as the registry checks it: the schema, the USCC check
character, the code tables (district units, GB/T 4754 industry, 33618 clusters), time zones, repeated
record ids and enterprises. What needs the registry's data (who owns an enterprise, a project's current
stage, versions pushed before) is checked only on push.

Exit status: 0 every record conforms; 1 some record does not; 2 a file cannot be read as a batch.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from contracts.push.batch import BatchError, ParsedBatch, batch_format, parse_batch


def _summary(path: str, batch: ParsedBatch, lang: str) -> str:
    total, bad = len(batch.records), len(batch.bad)
    if lang == "zh":
        return f"{path}：{total}条记录，" + ("全部符合接口v1" if not bad else f"{bad}条不符合")
    return f"{path}: {total} records, " + ("all conform to push interface v1" if not bad else f"{bad} do not conform")


def _report(path: str, batch: ParsedBatch, lang: str, out: TextIO) -> None:
    unit = "line" if batch.format == "ndjson" else "record"
    for r in batch.records:
        where = f"第{r.index}{'行' if unit == 'line' else '条'}" if lang == "zh" else f"{unit} {r.index}"
        rid = f" ({r.record_id})" if r.record_id else ""
        for e, label in [
            *((e, "") for e in r.errors),
            *((w, "警告 " if lang == "zh" else "warning: ") for w in r.warnings),
        ]:
            message = e.message_zh if lang == "zh" else e.message
            field = f"{e.field}: " if e.field else ""
            out.write(f"{path}:{r.index}: {where}{rid} {label}{field}{message} [{e.code}]\n")
    out.write(_summary(path, batch, lang) + "\n")


def check_file(path: Path) -> ParsedBatch:
    return parse_batch(path.read_bytes(), batch_format(None, path.name))


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(prog="shuzhuan-conformance", description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path, help="JSON or NDJSON batch files")
    parser.add_argument("--lang", choices=("zh", "en"), default="en", help="language of the messages")
    parser.add_argument("--json", action="store_true", help="print one JSON result per file instead")
    args = parser.parse_args(argv)
    status = 0
    for path in args.files:
        try:
            batch = check_file(path)
        except OSError as e:
            out.write(f"{path}: cannot read: {e.strerror}\n")
            status = 2
            continue
        except BatchError as e:
            message = e.message_zh if args.lang == "zh" else str(e)
            if args.json:
                out.write(json.dumps({"file": str(path), "error": {"code": e.code, "message": message}}) + "\n")
            else:
                out.write(f"{path}: {message} [{e.code}]\n")
            status = 2
            continue
        if batch.bad:
            status = max(status, 1)
        if args.json:
            result = {
                "file": str(path),
                "records": len(batch.records),
                "nonconforming": len(batch.bad),
                "errors": [
                    {"index": r.index, "record_id": r.record_id, "errors": [e.model_dump() for e in r.errors]}
                    for r in batch.bad
                ],
                "warnings": [
                    {"index": r.index, "record_id": r.record_id, "warnings": [w.model_dump() for w in r.warnings]}
                    for r in batch.records
                    if r.warnings
                ],
            }
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
        else:
            _report(str(path), batch, args.lang, out)
    return status


if __name__ == "__main__":
    sys.exit(main())
