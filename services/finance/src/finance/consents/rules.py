"""Who may grant, revoke and read which consents. Pure: no I/O."""

from __future__ import annotations

from datetime import date, timedelta

from contracts.api.finance import ConsentCreate
from contracts.api.identity import Role, TokenClaims

LONGEST = timedelta(days=3 * 366)  # assumption: a consent runs three years at most, then is renewed


def subject_of(actor: TokenClaims, cmd: ConsentCreate) -> tuple[str | None, str | None, str | None]:
    """(the enterprise the consent is for, the field at fault, the problem) for a grant by `actor`."""
    if actor.role is Role.ENTERPRISE:
        if cmd.uscc is not None and cmd.uscc != actor.uscc:
            return None, "uscc", "an enterprise grants consent for itself only"
        if cmd.paper_form_sha256 is not None:
            return None, "paper_form_sha256", "paper consents are recorded by the district authority"
        return actor.uscc, None, None
    if cmd.uscc is None:
        return None, "uscc", "name the enterprise whose consent you record"
    if cmd.paper_form_sha256 is None:
        return None, "paper_form_sha256", "a consent recorded on paper needs the SHA-256 of the scanned form"
    return cmd.uscc, None, None


def period_problem(valid_until: date, today: date) -> str | None:
    if valid_until < today:
        return f"valid_until {valid_until} is in the past"
    if valid_until > today + LONGEST:
        return f"a consent runs at most until {today + LONGEST} (three years): renew it later"
    return None


def is_active(revoked: bool, valid_until: date, today: date) -> bool:
    return not revoked and valid_until >= today
