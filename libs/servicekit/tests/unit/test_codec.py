from datetime import UTC, datetime

import pytest

from servicekit.codec import DecodeError, Envelope, decode, encode


def envelope(**kw: object) -> Envelope:
    base: dict[str, object] = {
        "id": "0b6f3d1e-1f5e-4f57-9f0e-1d5c2a6a0c11",
        "type": "registry.enterprise.registered",
        "source": "/shuzhuan/registry",
        "time": datetime(2026, 11, 22, 8, 30, 15, 123456, tzinfo=UTC),
        "subject": "91350100M000100Y43",
        "data": {"uscc": "91350100M000100Y43", "name": "重庆某某机械有限公司", "n": 1.875, "nested": {"a": [1, None]}},
        "dataschema": "urn:shuzhuan:schema:registry.enterprise.registered:v1",
        "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "key": "91350100M000100Y43",
    }
    base.update(kw)
    return Envelope(**base)  # type: ignore[arg-type]


def test_round_trip_is_exact() -> None:
    env = envelope()
    key, value, headers = encode(env)
    assert key == b"91350100M000100Y43"
    assert dict(headers)["ce_specversion"] == b"1.0"
    assert dict(headers)["ce_time"] == b"2026-11-22T08:30:15.123456Z"
    assert decode(key, value, headers) == env


def test_round_trip_keeps_extension_headers_and_null_key() -> None:
    env = envelope(key=None, traceparent=None, dataschema=None, extra_headers={"x_tenant": "500103"})
    assert decode(*encode(env)) == env


def test_value_is_utf8_json_not_escaped() -> None:
    _, value, _ = encode(envelope())
    assert "重庆某某机械有限公司".encode() in value


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda h: [(k, v) for k, v in h if k != "ce_id"], "missing header ce_id"),
        (lambda h: [(k, b"0.3" if k == "ce_specversion" else v) for k, v in h], "ce_specversion"),
        (lambda h: [(k, b"yesterday" if k == "ce_time" else v) for k, v in h], "ce_time is not RFC 3339"),
        (lambda h: [*h, ("ce_subject", b"\xff\xfe")], "not UTF-8"),
    ],
)
def test_bad_headers_are_named(mutate: object, message: str) -> None:
    key, value, headers = encode(envelope())
    with pytest.raises(DecodeError, match=message):
        decode(key, value, mutate(headers))  # type: ignore[operator]


@pytest.mark.parametrize(
    ("value", "message"),
    [(None, "tombstone"), (b"{not json", "not JSON"), (b"[1,2]", "JSON object"), (b"\xff", "not JSON")],
)
def test_bad_values_are_named(value: bytes | None, message: str) -> None:
    key, _, headers = encode(envelope())
    with pytest.raises(DecodeError, match=message):
        decode(key, value, headers)


def test_preserialised_json_is_sent_unchanged_and_decodes_to_the_same_data() -> None:
    raw = '{"uscc":"91350100M000100Y43","name":"重庆某某机械有限公司"}'.encode()
    key, value, headers = encode(envelope(data=raw))
    assert value == raw
    assert decode(key, value, headers).data == {"uscc": "91350100M000100Y43", "name": "重庆某某机械有限公司"}
