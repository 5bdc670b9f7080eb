"""`python -m registry.transfer.worker`: reads one uploaded list in a process of its own (see isolation.py).

Protocol: one JSON line on stdin (`size`, `defaults`, `memory_mb`), then the file's bytes; one JSON
document on stdout: `{"rows", "good": [[row, enterprise]], "errors": [[row, uscc, field, reason]]}`, or
`{"limit": message}` / `{"error": message}` when the file is refused as a whole. The address-space limit is
set after the imports and before the file is read, so a spreadsheet bomb ends this process, not the registry.
"""

from __future__ import annotations

import sys
from dataclasses import astuple
from typing import Any

from registry.transfer.reading import ImportFileError, ImportLimitError, parse_list
from servicekit.isolation import serve_one


def read(data: bytes, defaults: dict[str, str], budget_mb: int) -> dict[str, Any]:
    try:
        parsed = parse_list(data, defaults)
    except ImportLimitError as e:
        return {"limit": str(e)}
    except ImportFileError as e:
        return {"error": str(e)}
    except MemoryError:
        return {"limit": f"reading the file needs more than the import memory limit of {budget_mb} MB"}
    return {
        "rows": parsed.rows,
        "good": [[n, cmd.model_dump(mode="json", exclude_unset=True)] for n, cmd in parsed.good],
        "errors": [astuple(e) for e in parsed.errors],
    }


def main() -> int:
    return serve_one(lambda data, job: read(data, job["defaults"], job["memory_mb"]))


if __name__ == "__main__":
    sys.exit(main())
