"""Realistic enterprises for the benchmarks: what a provider platform would push for Chongqing.

Valid USCCs (both check characters, registered in Chongqing), all 41 units weighted roughly by their
industrial weight, manufacturing classes in proportions close to the city's (autos, electronics,
metal products and machinery first), sizes mostly micro and small, a few medium, revenue to match,
a 33618 cluster for some. Recognitions (专精特新, 小巨人) are the authorities' and cannot be pushed.
Deterministic for a seed.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from contracts import codes
from contracts.uscc import CHARSET, check_character, org_code_check

# Rough shares of manufacturing SMEs by GB/T 4754 division in Chongqing (autos and parts, electronics,
# metal products, general and special equipment, electrical machinery, building materials, food).
DIVISION_WEIGHTS = {
    "C36": 14, "C39": 9, "C33": 9, "C34": 8, "C35": 6, "C38": 6, "C30": 7, "C13": 5, "C14": 4, "C15": 3,
    "C29": 5, "C26": 4, "C27": 2, "C31": 2, "C32": 3, "C37": 3, "C21": 2, "C22": 1, "C23": 2, "C24": 1,
    "C17": 1, "C18": 2, "C19": 1, "C20": 1, "C25": 1, "C28": 1, "C40": 2, "C41": 1, "C42": 1, "C43": 1,
}  # fmt: skip
# The core districts and the manufacturing belt carry most enterprises; the remote counties few.
HEAVY_UNITS = {"500112": 8, "500113": 6, "500106": 6, "500107": 6, "500116": 6, "500120": 5, "CQ-LJXQ": 7}


def uscc(rng: random.Random, seen: set[str]) -> str:
    """A new valid USCC: 9 1 (an enterprise at the market regulator), a Chongqing office, both checks."""
    while True:
        org = "".join(rng.choice(CHARSET) for _ in range(8))
        body = "91500" + "".join(rng.choice("0123456789") for _ in range(3)) + org + (org_code_check(org) or "0")
        code = body + check_character(body)
        if code not in seen:
            seen.add(code)
            return code


def _industry_code(rng: random.Random, division: str) -> str:
    """A class code (4 digits) three times in four, else the division or a group."""
    digits = division[1:]
    shape = rng.random()
    if shape < 0.75:
        return f"C{digits}{rng.randint(1, 9)}{rng.randint(1, 9)}"
    return f"C{digits}{rng.randint(1, 9)}" if shape < 0.9 else division


def _size(rng: random.Random) -> tuple[int, str]:
    """(employees, main-business revenue in yuan): micro 70%, small 25%, medium 5%."""
    roll = rng.random()
    if roll < 0.70:
        return rng.randint(3, 19), f"{rng.randint(200_000, 2_900_000)}.00"
    if roll < 0.95:
        return rng.randint(20, 299), f"{rng.randint(3_000_000, 19_999_999)}.{rng.randint(0, 99):02d}"
    return rng.randint(300, 999), f"{rng.randint(20_000_000, 390_000_000)}.00"


def records(n: int, seed: int = 2024, start: int = 0, occurred: datetime | None = None) -> Iterator[dict[str, Any]]:
    """`n` push records (interface v1, kind enterprise), version 1, record ids erp-<start…>, that happened
    at `occurred` (an hour ago by default): the same arguments give the same records."""
    rng = random.Random(seed)
    units = list(codes.districts())
    unit_weights = [HEAVY_UNITS.get(u, 1) for u in units]
    divisions = [d for d in DIVISION_WEIGHTS if d in codes.industry_divisions()]
    division_weights = [DIVISION_WEIGHTS[d] for d in divisions]
    clusters = list(codes.clusters())
    occurred = occurred or datetime.now(UTC) - timedelta(hours=1)
    seen: set[str] = set()
    for i in range(start, start + n):
        employees, revenue = _size(rng)
        data: dict[str, Any] = {
            "uscc": uscc(rng, seen),
            "name": f"重庆市{rng.choice('渝巴江沙九南北綦大璧铜潼荣永合长涪万')}{i:07d}制造有限公司",
            "district_code": rng.choices(units, unit_weights)[0],
            "industry_code": _industry_code(rng, rng.choices(divisions, division_weights)[0]),
            "employees": employees,
            "revenue_yuan": revenue,
            "revenue_year": 2025,
        }
        if rng.random() < 0.3:
            data["cluster"] = rng.choice(clusters)
        yield {
            "record_id": f"erp-{i:08d}",
            "version": 1,
            "kind": "enterprise",
            "occurred_at": occurred.isoformat(),
            "data": data,
        }


def ndjson(batch: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in batch).encode()
