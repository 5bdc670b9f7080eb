"""Validation messages in English and Chinese (简体中文), for providers' developers and operators alike.

A validator in the contracts raises `coded_error(code, en, zh)`: the English text is pydantic's message and
the Chinese text travels in the error's context. Pydantic's own errors are translated here by their type.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import PydanticCustomError

ZH_KEY = "zh"

# pydantic error type → Chinese template (formatted with the error's context)
PYDANTIC_ZH: dict[str, str] = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不允许的字段",
    "string_type": "应为字符串",
    "string_too_short": "长度不能少于{min_length}个字符",
    "string_too_long": "长度不能超过{max_length}个字符",
    "string_pattern_mismatch": "格式不符合要求（{pattern}）",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数，不能有小数部分",
    "bool_type": "应为布尔值",
    "bool_parsing": "应为布尔值（true/false）",
    "greater_than_equal": "应不小于{ge}",
    "greater_than": "应大于{gt}",
    "less_than_equal": "应不大于{le}",
    "less_than": "应小于{lt}",
    "literal_error": "取值应为：{expected}",
    "enum": "取值应为：{expected}",
    "decimal_type": "应为数值",
    "decimal_parsing": "应为数值",
    "decimal_max_digits": "数字总位数不能超过{max_digits}位",
    "decimal_max_places": "小数位数不能超过{decimal_places}位",
    "decimal_whole_digits": "整数部分位数过多",
    "datetime_type": "应为ISO 8601时间",
    "datetime_parsing": "应为ISO 8601时间",
    "datetime_from_date_parsing": "应为ISO 8601时间",
    "timezone_aware": "时间必须带时区（例如 +08:00）",
    "date_type": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "list_type": "应为列表",
    "too_short": "列表至少需要{min_length}项",
    "too_long": "列表不能超过{max_length}项",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "union_tag_invalid": "kind 取值应为：{expected_tags}",
    "union_tag_not_found": "缺少 kind 字段",
    "json_invalid": "不是合法的JSON",
    "value_error": "取值无效：{error}",
}


def coded_error(code: str, en: str, zh: str) -> PydanticCustomError:
    """A validation error with a stable code and both languages' messages."""
    return PydanticCustomError(code, en.replace("{", "{{").replace("}", "}}"), {ZH_KEY: zh})


def zh_message(error: dict[str, Any]) -> str:
    """The Chinese message of one pydantic error (from `ValidationError.errors()`)."""
    ctx = error.get("ctx") or {}
    if ZH_KEY in ctx:
        return str(ctx[ZH_KEY])
    template = PYDANTIC_ZH.get(error["type"])
    if template is None:
        return f"取值无效：{error['msg']}"
    if error["type"] in ("enum", "literal_error") and "expected" in ctx:
        ctx = {**ctx, "expected": str(ctx["expected"]).replace("' or '", "'、'").replace("', '", "'、'")}
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template.split("{")[0].rstrip("：（") or f"取值无效：{error['msg']}"
