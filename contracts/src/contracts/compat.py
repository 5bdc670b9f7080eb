"""Backward compatibility of a published JSON Schema: what a new revision may not do.

A consumer written against the old schema must still accept every event the new schema allows,
and replaying old events through the new schema must still validate. So a revision of the same
major version may add optional properties and widen, never remove, retype or newly require.
"""

from __future__ import annotations

from typing import Any


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return _resolve(root.get("$defs", {}).get(ref.split("/")[-1], {}), root)
    return schema


def _types(schema: dict[str, Any], root: dict[str, Any]) -> set[str]:
    schema = _resolve(schema, root)
    if "anyOf" in schema:
        return set().union(*(_types(s, root) for s in schema["anyOf"]))
    t = schema.get("type")
    if isinstance(t, list):
        return set(t)
    return {t} if isinstance(t, str) else {"any"}


def breaking_changes(old: dict[str, Any], new: dict[str, Any], path: str = "") -> list[str]:
    """Every way `new` breaks consumers or stored events of `old`; empty if compatible."""
    out: list[str] = []
    o, n = _resolve(old, old), _resolve(new, new)
    old_props: dict[str, Any] = o.get("properties", {})
    new_props: dict[str, Any] = n.get("properties", {})
    for name, sub in old_props.items():
        where = f"{path}{name}"
        if name not in new_props:
            out.append(f"{where}: property removed")
            continue
        ot, nt = _types(sub, old), _types(new_props[name], new)
        if "any" not in nt and not ot <= nt:
            out.append(f"{where}: type changed from {sorted(ot)} to {sorted(nt)}")
        oe, ne = _resolve(sub, old).get("enum"), _resolve(new_props[name], new).get("enum")
        if oe is not None and ne is not None and not set(oe) <= set(ne):
            out.append(f"{where}: enum values removed: {sorted(set(oe) - set(ne))}")
        if "object" in ot and "object" in nt:
            out += breaking_changes(
                _resolve(sub, old) | {"$defs": old.get("$defs", {})},
                _resolve(new_props[name], new) | {"$defs": new.get("$defs", {})},
                f"{where}.",
            )
    newly_required = set(n.get("required", [])) - set(o.get("required", []))
    for name in sorted(newly_required):
        out.append(f"{path}{name}: newly required")
    return out
