"""The life of a loan: which step may follow which. Pure: no I/O."""

from __future__ import annotations

from contracts.api.loans import LoanStatus

NEXT: dict[str, frozenset[LoanStatus]] = {
    "decision": frozenset({LoanStatus.APPLIED}),
    "disbursement": frozenset({LoanStatus.APPROVED}),
    "default": frozenset({LoanStatus.DISBURSED}),
    "repayments": frozenset({LoanStatus.DISBURSED, LoanStatus.DEFAULTED}),
}


def refusal(step: str, status: str) -> str | None:
    """Why `step` cannot happen to a loan in `status`, or None when it can."""
    allowed = NEXT[step]
    if LoanStatus(status) in allowed:
        return None
    names = " or ".join(sorted(s.value for s in allowed))
    return f"a loan that is {status} cannot take a {step} (it must be {names})"
