"""The base of every object a client sends: unknown fields refused, whitespace stripped, and no control
characters in any text (they break exports, logs and XML, and no name or note needs them)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

# C0 and C1 controls except tab, newline and carriage return; lone surrogates; the two non-characters.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


_NO_TEXT = frozenset({int, float, bool, Decimal, datetime, date, type(None)})

# For a free-text query parameter: the same characters refused (FastAPI answers 422 naming the parameter).
NO_CONTROL_CHARACTERS = "^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"


def control_character(value: Any) -> str | None:
    """The first control character anywhere in a text (or in the texts of a list or mapping), or None."""
    if isinstance(value, str):
        found = _CONTROL.search(value)
        return found.group() if found else None
    if isinstance(value, list | tuple):
        return next((c for v in value if (c := control_character(v)) is not None), None)
    if isinstance(value, dict):
        return next((c for k, v in value.items() if (c := control_character(k) or control_character(v))), None)
    return None


class InputModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        # Called for every field of every record (a dozen per pushed enterprise): what holds no text, and
        # text without controls, pass at once.
        kind = type(value)
        if kind in _NO_TEXT or (kind is str and _CONTROL.search(value) is None):
            return value
        found = control_character(value)
        if found is not None:
            raise ValueError(f"control character U+{ord(found):04X} is not allowed in text")
        return value
