"""Which lines of pushed NDJSON batches are read and checked in full (and which are settled without it)."""

from __future__ import annotations

from datetime import datetime

import pytest

from contracts.push import ParsedRecord
from contracts.push import batch as batch_module


def count_lines_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """From now on, the line number of every NDJSON line checked in full (`contracts.push.batch.check_line`)."""
    read: list[int] = []
    check_line = batch_module.check_line

    def counting(index: int, text: str, now: datetime) -> ParsedRecord:
        read.append(index)
        return check_line(index, text, now)

    monkeypatch.setattr(batch_module, "check_line", counting)
    return read
