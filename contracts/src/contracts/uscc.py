"""统一社会信用代码 (USCC, GB 32100-2015): the enterprise key, and its check characters."""

from __future__ import annotations

from dataclasses import dataclass

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(CHARSET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


@dataclass(frozen=True)
class UsccWarning:
    """Something odd about a valid code, said to whoever sent it (the code is accepted)."""

    code: str
    message: str
    message_zh: str


@dataclass(frozen=True)
class UsccCheck:
    """Outcome of checking one code: an error (reject) or warnings (accept, but say so)."""

    code: str
    error: str | None = None
    error_zh: str | None = None
    warnings: tuple[UsccWarning, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None


def check_character(first17: str) -> str:
    """Return the 18th (check) character for the first 17 characters."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def org_code_check(eight: str) -> str | None:
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


def _structure_error(code: str) -> tuple[str, str] | None:
    """(English, Chinese) for a code whose positions 1–8 do not fit GB 32100-2015, or None."""
    from contracts import codes

    authority, kind, division = code[0], code[1], code[2:8]
    types = codes.uscc_registration_types()
    if authority not in types:
        known = "".join(sorted(types))
        return (
            f"position 1 {authority!r} is not a registration-authority code (one of {known})",
            f"第1位“{authority}”不是登记管理部门代码（应为{known}之一）",
        )
    if kind not in types[authority]:
        allowed = "".join(sorted(types[authority]))
        name = codes.uscc_authority_names()[authority]
        return (
            f"position 2 {kind!r} is not an entity type under authority {authority} ({name}): one of {allowed}",
            f"第2位“{kind}”不是登记管理部门“{authority}”（{name}）下的机构类别代码（应为{allowed}之一）",
        )
    if not division.isdigit() or (division[:2] not in codes.province_prefixes() and division != "100000"):
        return (
            f"positions 3-8 {division!r} are not an administrative-division code (GB/T 2260)",
            f"第3至8位“{division}”不是行政区划代码（GB/T 2260）",
        )
    return None


def check_uscc(raw: str) -> UsccCheck:
    """Validate a USCC: length, character set, the check character over positions 1-17, then the
    registration authority and entity type (positions 1-2) and the division code (positions 3-8).
    The organisation-code check at position 17 is a warning only."""
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
    structure = _structure_error(code)
    if structure is not None:
        return UsccCheck(code, *structure)
    warnings: list[UsccWarning] = []
    org = org_code_check(code[8:16])
    if org is not None and org != code[16]:
        warnings.append(
            UsccWarning(
                "uscc_org_check_mismatch",
                f"organisation-code check (position 17) is {code[16]!r}, GB 11714 gives {org!r}; "
                "the code is accepted, but check it against the business licence",
                f"组织机构代码校验位（第17位）为“{code[16]}”，按GB 11714应为“{org}”；代码已接受，请与营业执照核对",
            )
        )
    return UsccCheck(code, None, None, tuple(warnings))
