"""统一社会信用代码 (USCC, GB 32100-2015): the enterprise key, and its check characters."""

from __future__ import annotations

from dataclasses import dataclass

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(CHARSET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


@dataclass(frozen=True)
class UsccCheck:
    """Outcome of checking one code: an error (reject) or warnings (accept, but say so)."""

    code: str
    error: str | None = None
    error_zh: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None


def check_character(first17: str) -> str:
    """Return the 18th (check) character for the first 17 characters."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def _org_code_check(eight: str) -> str | None:
    """GB 11714 check character over positions 9-16; None if they hold a character it cannot weigh."""
    total = 0
    for c, w in zip(eight, _ORG_WEIGHTS, strict=True):
        if c.isdigit():
            v = int(c)
        elif "A" <= c <= "Z":
            v = ord(c) - ord("A") + 10
        else:
            return None
        total += v * w
    c9 = 11 - total % 11
    return "X" if c9 == 10 else "0" if c9 == 11 else str(c9)


def check_uscc(raw: str) -> UsccCheck:
    """Validate a USCC: length, character set, and the check character over positions 1-17."""
    code = raw.strip().upper()
    if len(code) != 18:
        return UsccCheck(code, f"must be 18 characters, got {len(code)}", f"应为18位，实际为{len(code)}位")
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        chars = "".join(bad)
        return UsccCheck(
            code,
            f"contains characters outside the USCC set (no I, O, S, V, Z): {chars}",
            f"含有不允许的字符（不使用I、O、S、V、Z）：{chars}",
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        return UsccCheck(
            code, f"check character is {code[17]!r}, expected {expected!r}", f"校验码为“{code[17]}”，应为“{expected}”"
        )
    warnings: list[str] = []
    org = _org_code_check(code[8:16])
    if org is not None and org != code[16]:
        warnings.append(f"organisation-code check (position 17) is {code[16]!r}, GB 11714 gives {org!r}")
    return UsccCheck(code, None, None, tuple(warnings))
