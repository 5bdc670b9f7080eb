"""Finding the records of a JSON batch without a recursive parser, for a body too deep to decode whole.

One record nested ten thousand levels deep makes the whole document unreadable to a recursive decoder;
split here, every other record is read and only that one is rejected (as in an NDJSON batch).
"""

from __future__ import annotations

import json
import re
from typing import Any

# A whole string (escapes included) or one structural character: strings never confuse the depth count.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},]')


def split_records(text: str) -> list[str] | None:
    """The raw text of each element of the records array (a bare array, or the value of "records" in the
    top-level object), or None when there is no such array."""
    depth, target, start = 0, 0, 0
    key = ""
    parts: list[str] = []
    for m in _TOKENS.finditer(text):
        token = m.group()
        if token in "[{":
            depth += 1
            if not target and token == "[" and (depth == 1 or (depth == 2 and key == "records")):
                target, start = depth, m.end()
        elif token in "]}":
            if target and depth == target:
                parts.append(text[start : m.start()])
                return [p for p in parts if p.strip()]
            depth -= 1
        elif token == "," and target and depth == target:
            parts.append(text[start : m.start()])
            start = m.end()
        elif token == ",":
            key = ""
        elif depth == 1 and not key:
            key = token[1:-1]
    return None


def decode_part(part: str) -> tuple[Any, str | None]:
    """(the decoded record, None) or (None, what is wrong with its JSON)."""
    try:
        return json.loads(part), None
    except RecursionError:
        return None, "nested too deeply"
    except json.JSONDecodeError as e:
        return None, e.msg
