"""Validated field types shared by events and API objects."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from contracts import codes
from contracts.messages import coded_error
from contracts.uscc import uscc_error


def _uscc(value: str) -> str:
    code = value.strip().upper()
    error = uscc_error(code)
    if error is not None:
        raise coded_error(
            "uscc_invalid",
            f"invalid 统一社会信用代码 (USCC): {error[0]}",
            f"统一社会信用代码无效：{error[1]}",
        )
    return code


def _district(value: str) -> str:
    if value not in codes.districts():
        raise coded_error(
            "district_unknown",
            f"unknown district unit {value!r}: use one of the 41 codes (GB/T 2260 or CQ-*)",
            f"未知的区县单位“{value}”：请使用41个区县单位代码之一（GB/T 2260 或 CQ-*）",
        )
    return value


_KNOWN_INDUSTRY_CODES: set[str] = set()  # codes seen valid: a set lookup instead of a regex next time


def _industry(value: str) -> str:
    if value in _KNOWN_INDUSTRY_CODES:
        return value
    value = value.strip().upper()
    if codes.industry_division_of(value) is None:
        raise coded_error(
            "industry_unknown",
            f"{value!r} is not a GB/T 4754-2017 manufacturing code: expected C13-C43 as a division (C34), "
            "group (C341) or class (C3411)",
            f"“{value}”不是GB/T 4754-2017制造业代码：应为C13–C43的大类（C34）、中类（C341）或小类（C3411）",
        )
    _KNOWN_INDUSTRY_CODES.add(value)
    return value


USCC = Annotated[
    str,
    Field(
        min_length=18,
        max_length=18,
        examples=["91350100M000100Y43"],
        description="统一社会信用代码 (GB 32100-2015), check character verified",
        json_schema_extra={"pattern": "^[0-9A-HJ-NPQRTUWXY]{18}$"},
    ),
    AfterValidator(_uscc),
]
DistrictCode = Annotated[
    str,
    Field(
        max_length=8,
        examples=["500103"],
        description="one of the 41 district units (GB/T 2260 code, or CQ-* for a functional zone)",
        json_schema_extra={"enum": list(codes.districts())},
    ),
    AfterValidator(_district),
]
IndustryCode = Annotated[
    str,
    Field(max_length=5, examples=["C3411"], description="GB/T 4754-2017 manufacturing division, group or class"),
    AfterValidator(_industry),
]
