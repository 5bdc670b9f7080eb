"""A pushed version's content hash is stored (push_records.content_hash) and compared with every later push of the
same version: it must stay what it was, whatever the code that computes it."""

from __future__ import annotations

from contracts.push.batch import RECORD_ADAPTER
from registry.push.service import content_hash

LINE = (
    '{"kind":"enterprise","record_id":"e-1","version":3,"occurred_at":"2026-12-01T08:00:00+08:00",'
    '"data":{"uscc":"91350100M000100Y43","name":"重庆市某某制造有限公司","district_code":"500103",'
    '"industry_code":"C3411","employees":120}}'
)
# sha256 over the record serialised by its model without record_id and version, as stored since push_records first
# held hashes. A change of pydantic's JSON (field order, number or time formats) would change it, and every
# provider's retry of an accepted version would then be refused as a reused version.
STORED = "5ba395239a3ad6ff390c8faa904ff2f7a24198661179429895f9343e5f88a2b7"


def test_the_hash_is_the_one_stored_for_earlier_pushes() -> None:
    assert content_hash(RECORD_ADAPTER.validate_json(LINE)) == STORED


def test_record_id_and_version_are_left_out_and_the_content_is_not() -> None:
    again = LINE.replace('"e-1"', '"e-2"').replace('"version":3', '"version":4')
    assert content_hash(RECORD_ADAPTER.validate_json(again)) == STORED
    changed = LINE.replace('"employees":120', '"employees":121')
    assert content_hash(RECORD_ADAPTER.validate_json(changed)) != STORED


def test_formatting_and_key_order_do_not_matter() -> None:
    spaced = LINE.replace(",", ", ").replace('{"kind":"enterprise",', '{ "version":3, "kind":"enterprise",', 1)
    spaced = spaced.replace(', "version":3', "", 1)
    assert content_hash(RECORD_ADAPTER.validate_json(spaced)) == STORED
