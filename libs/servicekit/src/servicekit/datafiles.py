"""Versioned data shipped inside a package (`<stem>.v<N>.json`): the newest version is the one in force."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from typing import Any


def newest_json(package: str, stem: str) -> dict[str, Any]:
    """The parsed `<stem>.v<N>.json` of `package` with the highest N; an error naming the package if none."""
    pattern = re.compile(rf"^{re.escape(stem)}\.v(\d+)\.json$")
    found = {int(m.group(1)): p for p in files(package).iterdir() if (m := pattern.match(p.name))}
    if not found:
        raise FileNotFoundError(f"no {stem}.v<N>.json in {package}")
    data: dict[str, Any] = json.loads(found[max(found)].read_text(encoding="utf-8"))
    return data
