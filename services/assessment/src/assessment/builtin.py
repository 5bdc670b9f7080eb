"""The schemes shipped with the service (data files in scheme_files/); published corrections live in
the database beside them."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from contracts.api.schemes import Scheme

SCHEME_DIR = Path(__file__).resolve().parent / "scheme_files"
DEFAULT_SCHEME = "miit-2024"


@cache
def builtin_schemes() -> tuple[Scheme, ...]:
    """Every shipped scheme version, validated (a broken file fails loudly at start)."""
    return tuple(
        Scheme.model_validate_json(p.read_text(encoding="utf-8")) for p in sorted(SCHEME_DIR.glob("*.v*.json"))
    )


def builtin(scheme_id: str, version: int) -> Scheme:
    for s in builtin_schemes():
        if (s.scheme_id, s.version) == (scheme_id, version):
            return s
    raise KeyError(f"{scheme_id} v{version}")
