"""Knowing a pushed NDJSON line again without reading it again.

A provider that retries a batch sends the same lines. The digest of a line, salted with the rules it was
checked under (the record schema, the code tables, `RULES_REVISION`), identifies it: the registry keeps the
digest of the line each record's accepted version came in, and a line with that digest is that very record,
unchanged, with nothing left to check. To find the record to compare with, the record id is read from the
line with a pattern; a line it misreads is only checked in full, never taken for another record (the digest
must still match the one kept for that id).

Bump `RULES_REVISION` with any change to what a record must satisfy that neither the schema nor the code
tables show (a validator's logic, a warning's rule): every line is then checked in full once more.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from importlib.resources import files

from contracts.push.records import INTERFACE_VERSION, RECORD_ADAPTER

RULES_REVISION = 1
_RECORD_ID = re.compile(r'"record_id"\s*:\s*"([A-Za-z0-9._:/\-]{1,100})"')


@cache
def rules_salt() -> bytes:
    """What a record is checked against in this release, as a 32-byte digest."""
    h = hashlib.blake2b(digest_size=32)
    h.update(f"push v{INTERFACE_VERSION} rules r{RULES_REVISION}\n".encode())
    h.update(json.dumps(RECORD_ADAPTER.json_schema(), sort_keys=True).encode())
    tables = sorted((f for f in files("contracts.codes").iterdir() if f.name.endswith(".csv")), key=lambda f: f.name)
    for table in tables:
        h.update(table.name.encode())
        h.update(table.read_bytes())
    return h.digest()


def line_digest(line: str) -> str:
    """The line's digest under this release's rules (32 hex characters)."""
    return hashlib.blake2b(line.encode(), digest_size=16, key=rules_salt()).hexdigest()


def record_id_hint(line: str) -> str | None:
    """The record id a line most likely carries (the first `"record_id": "…"` in it), or None."""
    found = _RECORD_ID.search(line)
    return None if found is None else found.group(1)
