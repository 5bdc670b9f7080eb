from typing import Any

from contracts.compat import breaking_changes


def schema(props: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": required}


S = {"type": "string"}
I = {"type": "integer"}  # noqa: E741


def test_identical_is_compatible() -> None:
    s = schema({"a": S, "b": I}, ["a"])
    assert breaking_changes(s, s) == []


def test_adding_an_optional_property_is_compatible() -> None:
    assert breaking_changes(schema({"a": S}, ["a"]), schema({"a": S, "b": I}, ["a"])) == []


def test_removing_a_property_breaks() -> None:
    assert breaking_changes(schema({"a": S, "b": I}, ["a"]), schema({"a": S}, ["a"])) == ["b: property removed"]


def test_newly_required_breaks() -> None:
    assert breaking_changes(schema({"a": S, "b": I}, ["a"]), schema({"a": S, "b": I}, ["a", "b"])) == [
        "b: newly required"
    ]


def test_type_change_breaks_but_widening_to_nullable_does_not() -> None:
    old = schema({"a": S}, [])
    assert breaking_changes(old, schema({"a": I}, [])) == ["a: type changed from ['string'] to ['integer']"]
    assert breaking_changes(old, schema({"a": {"anyOf": [S, {"type": "null"}]}}, [])) == []


def test_enum_narrowing_breaks() -> None:
    old = schema({"a": {"type": "string", "enum": ["x", "y"]}}, [])
    new = schema({"a": {"type": "string", "enum": ["x"]}}, [])
    assert breaking_changes(old, new) == ["a: enum values removed: ['y']"]


def test_nested_objects_through_refs() -> None:
    old = {"type": "object", "properties": {"o": {"$ref": "#/$defs/O"}}, "$defs": {"O": schema({"x": S}, [])}}
    new = {"type": "object", "properties": {"o": {"$ref": "#/$defs/O"}}, "$defs": {"O": schema({}, [])}}
    assert breaking_changes(old, new) == ["o.x: property removed"]
