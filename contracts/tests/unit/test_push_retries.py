"""Knowing a pushed NDJSON line again: its digest under the release's rules, the record id read from it,
and a batch whose settled lines are not read again but still count for repeats within the batch."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from contracts.push import ParsedRecord, retries
from contracts.push.batch import check_lines, ndjson_lines
from contracts.push.retries import line_digest, record_id_hint
from testkit.line_reads import count_lines_read

NOW = datetime.now(UTC)


def line(rid: str = "r1", uscc: str = "91350100M000100Y43", **top: Any) -> str:
    data = {"uscc": uscc, "name": "某企业", "district_code": "500103", "industry_code": "C36"}
    record = {"record_id": rid, "version": 1, "kind": "enterprise", "occurred_at": "2026-11-20T09:30:00+08:00"}
    return json.dumps({**record, "data": data, **top}, ensure_ascii=False)


def test_the_digest_tells_lines_apart_byte_for_byte() -> None:
    text = line()
    assert line_digest(text) == line_digest(text)
    assert len(line_digest(text)) == 32
    assert line_digest(text) != line_digest(text.replace('"version": 1', '"version": 2'))
    assert line_digest(text) != line_digest(text + " ")  # the same record written otherwise is another line


def test_other_rules_give_other_digests(monkeypatch: pytest.MonkeyPatch) -> None:
    text = line()
    before = line_digest(text)
    monkeypatch.setattr(retries, "RULES_REVISION", retries.RULES_REVISION + 1)
    retries.rules_salt.cache_clear()
    try:
        assert line_digest(text) != before
    finally:
        monkeypatch.undo()
        retries.rules_salt.cache_clear()
    assert line_digest(text) == before


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        (line("crm-000123"), "crm-000123"),
        ('{"version":1,"record_id" : "a.b:c/d-1"}', "a.b:c/d-1"),
        ('{"record_id": 12}', None),  # not a text id: the record is read in full (and refused)
        ('{"record_id": "with \\"quote\\""}', None),
        ('{"kind": "enterprise"}', None),
        ("not json at all", None),
    ],
)
def test_the_record_id_hint(text: str, hint: str | None) -> None:
    assert record_id_hint(text) == hint


def test_settled_lines_are_not_read_again_but_count_for_repeats(monkeypatch: pytest.MonkeyPatch) -> None:
    body = "\n".join([line("r1"), "this line would be invalid", line("r2", uscc="91350100M000100Y43")]).encode()
    lines = ndjson_lines(body)
    read = count_lines_read(monkeypatch)
    settled = {2: ParsedRecord(2, None, "r0", "enterprise", 1, uscc="91350100M000100Y43", retry=True)}
    parsed = check_lines(lines, NOW, settled)
    assert read == [1, 3]  # line 2 is settled: its text is never read
    first, second, third = parsed.records
    assert second is settled[2] and second.retry
    assert (first.errors, [e.code for e in second.errors]) == ([], ["enterprise_repeated"])
    assert [e.code for e in third.errors] == ["enterprise_repeated"]


def test_a_settled_line_repeated_is_refused_the_second_time() -> None:
    text = line("r1")
    settled = {n: ParsedRecord(n, None, "r1", "enterprise", 1, uscc="91350100M000100Y43", retry=True) for n in (1, 2)}
    parsed = check_lines(ndjson_lines(f"{text}\n{text}".encode()), NOW, settled)
    assert [[e.code for e in r.errors] for r in parsed.records] == [[], ["record_id_repeated", "enterprise_repeated"]]
