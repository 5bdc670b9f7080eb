"""Reading a pushed batch (JSON or NDJSON) into checked records, each with its own errors.

Pure: no database. The registry runs this before it applies anything, and so does the offline
conformance command, so a file that passes here fails on the server only for what needs the
registry's data (ownership, a project's stage, versions pushed before).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError

from contracts.messages import zh_message
from contracts.push.messages import record_error
from contracts.push.records import KINDS, RECORD_ADAPTER, EnterpriseRecord, ProgressRecord
from contracts.push.results import RecordError
from contracts.push.splitting import decode_part, split_records
from contracts.uscc import uscc_warnings

MAX_RECORDS = 10_000
CLOCK_SKEW = timedelta(minutes=5)
JSON_TYPES = ("application/json",)
NDJSON_TYPES = ("application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines")


def _loc(loc: tuple[Any, ...], kind: Any) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in KINDS and parts[0] == kind:
        parts = parts[1:]  # the tagged union puts the tag first
    return ".".join(parts)


def validation_errors(e: ValidationError, kind: Any = None) -> list[RecordError]:
    return [
        RecordError(
            code=err["type"],
            field="kind" if err["type"].startswith("union_tag") else _loc(err["loc"], kind),
            message=err["msg"],
            message_zh=zh_message(dict(err)),
        )
        for err in e.errors(include_url=False)
    ]


@dataclass
class ParsedRecord:
    index: int
    record: EnterpriseRecord | ProgressRecord | None
    record_id: str | None
    kind: str | None
    version: int | None
    errors: list[RecordError] = field(default_factory=list)
    warnings: list[RecordError] = field(default_factory=list)
    uscc: str | None = None  # the enterprise a record is about
    retry: bool = False  # the very line accepted before, settled by its digest: `record` is not read again

    @property
    def ok(self) -> bool:
        return self.record is not None and not self.errors


@dataclass
class ParsedBatch:
    format: str
    records: list[ParsedRecord]

    @property
    def good(self) -> list[ParsedRecord]:
        return [r for r in self.records if r.ok]

    @property
    def bad(self) -> list[ParsedRecord]:
        return [r for r in self.records if not r.ok]


class BatchError(ValueError):
    """The batch as a whole cannot be read (not JSON, too many records, empty)."""

    def __init__(self, code: str, message: str, message_zh: str, status: int = 422) -> None:
        super().__init__(message)
        self.code = code
        self.message_zh = message_zh
        self.status = status


def _echo(obj: Any, key: str, kinds: tuple[type, ...]) -> Any:
    """A record's own value of `key`, to echo in its result: only if it has a sensible type and size."""
    value = obj.get(key) if isinstance(obj, dict) else None
    if isinstance(value, bool) or not isinstance(value, kinds):
        return None
    if isinstance(value, str):
        return value[:100]
    return value if isinstance(value, int) and -(2**31) <= value < 2**31 else None


def check_record(index: int, obj: Any, now: datetime) -> ParsedRecord:
    """Validate one decoded record against the v1 schema and the code tables."""
    kind = _echo(obj, "kind", (str,))
    rid = _echo(obj, "record_id", (str, int))
    version = _echo(obj, "version", (int,))
    parsed = ParsedRecord(index, None, None if rid is None else str(rid), kind, version)
    if not isinstance(obj, dict):
        parsed.errors.append(record_error("not_an_object"))
        return parsed
    try:
        record = RECORD_ADAPTER.validate_python(obj)
    except ValidationError as e:
        parsed.errors.extend(validation_errors(e, kind))
        return parsed
    return _checked(parsed, record, now)


def check_line(index: int, line: bytes | str, now: datetime) -> ParsedRecord:
    """Validate one NDJSON line: straight from its JSON text (pydantic-core parses and validates in one
    pass); only a line that fails is decoded again, to say exactly what is wrong with it."""
    try:
        record = RECORD_ADAPTER.validate_json(line)
    except ValidationError:
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as e:
            detail = e.msg if isinstance(e, json.JSONDecodeError) else "nested too deeply"
            return ParsedRecord(index, None, None, None, None, [record_error("invalid_json", detail=detail)])
        return check_record(index, obj, now)
    return _checked(ParsedRecord(index, None, record.record_id, record.kind, record.version), record, now)


def _checked(parsed: ParsedRecord, record: EnterpriseRecord | ProgressRecord, now: datetime) -> ParsedRecord:
    """The checks beyond the schema: warnings about the USCC, a time in the future."""
    parsed.record = record
    if isinstance(parsed.record, EnterpriseRecord):
        parsed.uscc = parsed.record.data.uscc
        parsed.warnings = [
            RecordError(code=w.code, field="data.uscc", message=w.message, message_zh=w.message_zh)
            for w in uscc_warnings(parsed.record.data.uscc)  # the field type has checked the code itself
        ]
    if parsed.record.occurred_at > now + CLOCK_SKEW:
        parsed.errors.append(
            record_error("occurred_at_future", "occurred_at", value=parsed.record.occurred_at.isoformat())
        )
    return parsed


def _lines(body: bytes) -> list[tuple[int, str]]:
    """(line number, text) of every non-blank NDJSON line."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise BatchError("not_utf8", f"the body is not UTF-8: {e}", "请求体不是UTF-8编码") from e
    return [(number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]


def _decode(body: bytes, fmt: str) -> list[tuple[int, Any, str | None]]:
    """(index, decoded object or None, JSON error) per record of a JSON batch."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise BatchError("not_utf8", f"the body is not UTF-8: {e}", "请求体不是UTF-8编码") from e
    try:
        doc = json.loads(text)
    except RecursionError as e:
        parts = split_records(text)
        if parts is None:
            raise BatchError(
                "invalid_json", "the body nests JSON too deeply to read", "请求体的JSON嵌套过深，无法读取"
            ) from e
        return [(i, *decode_part(part)) for i, part in enumerate(parts, start=1)]
    except json.JSONDecodeError as e:
        raise BatchError(
            "invalid_json",
            f"the body is not valid JSON: {e.msg} at line {e.lineno} column {e.colno}",
            f"请求体不是合法的JSON：第{e.lineno}行第{e.colno}列",
        ) from e
    records = doc.get("records") if isinstance(doc, dict) else doc
    if not isinstance(records, list):
        raise BatchError(
            "no_records",
            'a JSON batch is {"records": [...]} (or a bare array)',
            'JSON批次格式应为 {"records": [...]}',
        )
    return [(i, obj, None) for i, obj in enumerate(records, start=1)]


def batch_format(content_type: str | None, filename: str | None = None) -> str:
    """'json' or 'ndjson' from the media type (or, offline, the file name)."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media in NDJSON_TYPES:
        return "ndjson"
    if media in JSON_TYPES:
        return "json"
    if filename is not None and not media:
        return "ndjson" if filename.lower().endswith((".ndjson", ".jsonl")) else "json"
    raise BatchError(
        "unsupported_media_type",
        f"send application/json or application/x-ndjson, not {media or 'no content type'}",
        "请使用 application/json 或 application/x-ndjson",
        status=415,
    )


def ndjson_lines(body: bytes) -> list[tuple[int, str]]:
    """(line number, text) of every record line of an NDJSON batch; the batch's size checked."""
    lines = _lines(body)
    _check_count(len(lines))
    return lines


def check_lines(
    lines: list[tuple[int, str]], now: datetime, settled: Mapping[int, ParsedRecord] | None = None
) -> ParsedBatch:
    """Check every NDJSON line but those the caller settled already (by line number: lines it knows
    unchanged); then catch record ids and enterprises repeated within the batch, settled lines included."""
    settled = settled or {}
    return _repeats("ndjson", [settled.get(number) or check_line(number, line, now) for number, line in lines])


def parse_batch(body: bytes, fmt: str, now: datetime | None = None) -> ParsedBatch:
    """Decode and check every record; also catch record ids and enterprises repeated within the batch."""
    now = now or datetime.now(UTC)
    if fmt == "ndjson":
        return check_lines(ndjson_lines(body), now)
    decoded = _decode(body, fmt)
    _check_count(len(decoded))
    checked = [
        ParsedRecord(index, None, None, None, None, [record_error("invalid_json", detail=json_error)])
        if json_error is not None
        else check_record(index, obj, now)
        for index, obj, json_error in decoded
    ]
    return _repeats(fmt, checked)


def _check_count(count: int) -> None:
    if not count:
        raise BatchError("empty_batch", "the batch holds no records", "批次中没有记录")
    if count > MAX_RECORDS:
        raise BatchError(
            "too_many_records",
            f"{count} records: at most {MAX_RECORDS} per call; split the batch",
            f"共{count}条记录：每次最多{MAX_RECORDS}条，请分批推送",
            status=413,
        )


def _repeats(fmt: str, records: list[ParsedRecord]) -> ParsedBatch:
    """Mark a record id or an enterprise seen earlier in the same batch as an error on the later record."""
    first_id: dict[str, int] = {}
    first_uscc: dict[str, int] = {}
    for parsed in records:
        rid, index = parsed.record_id, parsed.index
        if rid is not None:
            if rid in first_id:
                error = record_error("record_id_repeated", "record_id", record_id=rid, first=first_id[rid])
                parsed.errors.append(error)
            else:
                first_id[rid] = index
        uscc = parsed.uscc
        if uscc is not None:
            if uscc in first_uscc:
                parsed.errors.append(
                    record_error("enterprise_repeated", "data.uscc", uscc=uscc, first=first_uscc[uscc])
                )
            else:
                first_uscc[uscc] = index
    return ParsedBatch(fmt, records)
