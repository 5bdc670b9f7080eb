"""`python -m servicekit.sheetreader`: the first sheet of one XLSX workbook as text rows, in a process of its
own (see servicekit.isolation).

Protocol: one JSON line on stdin (`size`, `memory_mb`, `max_rows`), then the file's bytes; one JSON document on
stdout: `{"rows": [[cell, …], …]}`, or `{"limit": message}` / `{"error": message}` when the file is refused as
a whole. The address-space cap is set after the imports and before the file is read, so a spreadsheet bomb
ends this process, not the service.
"""

from __future__ import annotations

import io
import sys
from datetime import date, datetime
from typing import Any

import openpyxl

from servicekit.isolation import serve_one


def text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def read(data: bytes, max_rows: int, memory_mb: int) -> dict[str, Any]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except MemoryError:
        return {"limit": f"reading the file needs more than the memory limit of {memory_mb} MB"}
    except Exception as e:  # openpyxl raises many kinds for a damaged file
        return {"error": f"not a readable XLSX workbook: {e}"}
    rows: list[list[str]] = []
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            cells = [text(c) for c in row]
            while cells and not cells[-1]:
                cells.pop()  # the empty cells a formatted column leaves in every row
            if len(rows) > max_rows:
                return {"limit": f"more than {max_rows} rows: split the file"}
            rows.append(cells)
    except MemoryError:
        return {"limit": f"reading the file needs more than the memory limit of {memory_mb} MB"}
    except Exception as e:
        return {"error": f"not a readable XLSX workbook: {e}"}
    finally:
        workbook.close()
    while rows and not rows[-1]:
        rows.pop()  # empty rows at the end; those in between stay, so row numbers match the sheet's
    return {"rows": rows}


def main() -> int:
    return serve_one(lambda data, job: read(data, job["max_rows"], job["memory_mb"]))


if __name__ == "__main__":
    sys.exit(main())
