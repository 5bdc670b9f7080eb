"""Reading and checking pushed batches (interface v1), offline: what the server checks before it applies."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from contracts.push import MAX_RECORDS, BatchError, parse_batch
from contracts.push.batch import batch_format
from contracts.push.messages import MESSAGES

GOOD: dict[str, Any] = {
    "record_id": "r1",
    "version": 1,
    "kind": "enterprise",
    "occurred_at": "2026-11-20T09:30:00+08:00",
    "data": {"uscc": "91350100M000100Y43", "name": "某企业", "district_code": "500103", "industry_code": "C36"},
}


def batch(*records: Any) -> bytes:
    return json.dumps({"records": list(records)}, ensure_ascii=False).encode()


def test_a_good_record_passes_and_keeps_its_typed_data() -> None:
    parsed = parse_batch(batch(GOOD), "json")
    assert [r.ok for r in parsed.records] == [True]
    record = parsed.records[0].record
    assert record is not None and record.kind == "enterprise" and record.data.district_code == "500103"


@pytest.mark.parametrize(
    ("change", "field", "code", "zh"),
    [
        ({"data": {**GOOD["data"], "uscc": "91350100M000100Y44"}}, "data.uscc", "uscc_invalid", "校验码为“4”，应为“3”"),
        (
            {"data": {**GOOD["data"], "district_code": "110101"}},
            "data.district_code",
            "district_unknown",
            "未知的区县单位",
        ),
        ({"data": {**GOOD["data"], "industry_code": "A01"}}, "data.industry_code", "industry_unknown", "制造业代码"),
        ({"data": {**GOOD["data"], "cluster": "Z9"}}, "data.cluster", "cluster_unknown", "33618"),
        ({"version": 0}, "version", "greater_than_equal", "应不小于1"),
        ({"version": "two"}, "version", "int_parsing", "应为整数"),
        ({"record_id": "has space"}, "record_id", "string_pattern_mismatch", "格式不符合要求"),
        ({"occurred_at": "2026-11-20T09:30:00"}, "occurred_at", "timezone_aware", "时区"),
        ({"kind": "invoice"}, "kind", "union_tag_invalid", "kind 取值应为"),
        ({"data": {**GOOD["data"], "tiers": []}}, "data.tiers", "extra_forbidden", "不允许的字段"),
        ({"data": {k: v for k, v in GOOD["data"].items() if k != "name"}}, "data.name", "missing", "缺少必填字段"),
        ({"data": {**GOOD["data"], "revenue_yuan": "1.001"}}, "data.revenue_yuan", "decimal_max_places", "小数位数"),
    ],
)
def test_each_bad_field_is_named_with_a_code_and_both_languages(
    change: dict[str, Any], field: str, code: str, zh: str
) -> None:
    parsed = parse_batch(batch({**GOOD, **change}), "json")
    (r,) = parsed.records
    assert not r.ok
    assert [(e.field, e.code) for e in r.errors] == [(field, code)]
    assert zh in r.errors[0].message_zh
    assert r.errors[0].message and r.errors[0].message != r.errors[0].message_zh


def test_missing_kind_is_named() -> None:
    (r,) = parse_batch(batch({k: v for k, v in GOOD.items() if k != "kind"}), "json").records
    assert [(e.field, e.code) for e in r.errors] == [("kind", "union_tag_not_found")]


def test_a_record_in_the_future_is_refused() -> None:
    now = datetime(2026, 11, 20, tzinfo=UTC)
    soon = {**GOOD, "occurred_at": (now + timedelta(minutes=4)).isoformat()}
    later = {**GOOD, "record_id": "r2", "data": {**GOOD["data"], "uscc": "914403001922038216"}}
    later["occurred_at"] = (now + timedelta(minutes=6)).isoformat()
    records = parse_batch(batch(soon, later), "json", now=now).records
    assert [[e.code for e in r.errors] for r in records] == [[], ["occurred_at_future"]]


def test_repeated_record_ids_and_enterprises_within_a_batch() -> None:
    other_id = {**GOOD, "record_id": "r2"}
    same_id = {**GOOD, "data": {**GOOD["data"], "uscc": "914403001922038216"}}
    records = parse_batch(batch(GOOD, other_id, same_id), "json").records
    assert [[e.code for e in r.errors] for r in records] == [[], ["enterprise_repeated"], ["record_id_repeated"]]
    assert "first at 1" in records[2].errors[0].message


def test_ndjson_numbers_records_by_line_and_reports_bad_lines() -> None:
    body = (json.dumps(GOOD) + "\n\n{broken\n[1]\n").encode()
    records = parse_batch(body, "ndjson").records
    assert [(r.index, [e.code for e in r.errors]) for r in records] == [
        (1, []),
        (3, ["invalid_json"]),
        (4, ["not_an_object"]),
    ]


def test_a_bare_array_is_a_batch_too() -> None:
    assert len(parse_batch(json.dumps([GOOD]).encode(), "json").records) == 1


@pytest.mark.parametrize(
    ("body", "fmt", "code", "status"),
    [
        (b"{nope", "json", "invalid_json", 422),
        (b'{"rows": []}', "json", "no_records", 422),
        (b'{"records": []}', "json", "empty_batch", 422),
        (b"\n\n", "ndjson", "empty_batch", 422),
        (b"\xff\xfe", "json", "not_utf8", 422),
        (("\n".join(["{}"] * (MAX_RECORDS + 1))).encode(), "ndjson", "too_many_records", 413),
    ],
)
def test_a_batch_that_cannot_be_read_as_a_whole(body: bytes, fmt: str, code: str, status: int) -> None:
    with pytest.raises(BatchError) as e:
        parse_batch(body, fmt)
    assert (e.value.code, e.value.status) == (code, status)
    assert e.value.message_zh


def test_exactly_the_maximum_is_accepted() -> None:
    assert len(parse_batch(("\n".join(["{}"] * MAX_RECORDS)).encode(), "ndjson").records) == MAX_RECORDS


def test_media_types() -> None:
    assert batch_format("application/json; charset=utf-8") == "json"
    assert batch_format("application/x-ndjson") == "ndjson"
    assert batch_format(None, "a.jsonl") == "ndjson"
    assert batch_format(None, "a.json") == "json"
    with pytest.raises(BatchError) as e:
        batch_format("text/csv")
    assert e.value.status == 415


def test_every_catalogue_message_formats_in_both_languages() -> None:
    names = "detail value record_id first uscc project_id stage stage_zh allowed allowed_zh who who_zh version before"
    ctx = dict.fromkeys(names.split(), "x")
    for code, (en, zh) in MESSAGES.items():
        assert "{" not in en.format(**ctx) and "{" not in zh.format(**ctx), code


def test_odd_envelope_values_are_not_echoed_back() -> None:
    # found by tests/fuzz: a number where `kind` belongs once broke the per-record result
    (r,) = parse_batch(batch({**GOOD, "kind": 2**63, "record_id": "x" * 5000, "version": True}), "json").records
    assert (r.kind, r.version, len(r.record_id or "")) == (None, None, 100)
    assert {e.field for e in r.errors} >= {"kind"}
