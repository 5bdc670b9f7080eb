"""Registry's token-endpoint metrics: refusals by reason (a spike of lockouts is an alert)."""

from __future__ import annotations

from prometheus_client import Counter

TOKEN_REFUSALS = Counter(
    "token_refusals_total", "Token requests refused: invalid_credentials or locked_out", ["reason"]
)
