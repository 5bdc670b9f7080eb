"""The schemes shipped with the service (data files in scheme_files/); published corrections live in
the database beside them."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, TypeAdapter

from contracts.api.evaluations import EvaluationScheme
from contracts.api.schemes import Scheme

SCHEME_DIR = Path(__file__).resolve().parent / "scheme_files"
DEFAULT_SCHEME = "miit-2024"
AnyScheme = Annotated[Scheme | EvaluationScheme, Field(discriminator="kind")]
ANY_SCHEME: TypeAdapter[Scheme | EvaluationScheme] = TypeAdapter(AnyScheme)


@cache
def builtin_schemes() -> tuple[Scheme | EvaluationScheme, ...]:
    """Every shipped scheme version, validated (a broken file fails loudly at start)."""
    return tuple(ANY_SCHEME.validate_json(p.read_bytes()) for p in sorted(SCHEME_DIR.glob("*.v*.json")))


def builtin(scheme_id: str, version: int) -> Scheme:
    """A shipped digital-level scheme."""
    for s in builtin_schemes():
        if (s.scheme_id, s.version) == (scheme_id, version) and isinstance(s, Scheme):
            return s
    raise KeyError(f"{scheme_id} v{version}")
