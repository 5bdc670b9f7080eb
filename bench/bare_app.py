"""The baseline for bench/finance_eligibility.py: a bare FastAPI endpoint answering a JSON object of the
same shape and size as an eligibility answer, with no token, database or logging, served the same way."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

app = FastAPI()
REASON = {"passed": True, "reason_zh": "满足：某条件（现为：是）", "reason_en": "met: a condition (now: yes)"}
RULES = [{"id": f"rule-{i}", **REASON} for i in range(4)]


@app.get("/v1/eligibility/{uscc}")
async def eligibility(uscc: str, product: str) -> dict[str, Any]:
    return {
        "query_id": "eq_0000000000000000",
        "uscc": uscc,
        "product_id": product,
        "product_version": 1,
        "eligible": True,
        "rules": RULES,
        "suggested_limit_fen": 500_000_000,
        "subsidy_cap_fen": None,
        "subsidy_headroom_fen": None,
        "asked_at": "2026-12-01T00:00:00Z",
    }
