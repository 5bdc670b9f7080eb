"""The implementation plan's main data table (实施方案主要数据表), pure: the seed's rows, one column for the total
and one per pilot sub-industry, filled with what the programme has now."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

NOT_RECORDED = "（暂无数据来源）"
ROWS: tuple[tuple[str, str | None], ...] = (
    ("试点细分行业", None),
    ("拟试点区县（试点行业中小企业主要集聚地）", "units"),
    ("试点行业工业总产值（亿元）", None),
    ("试点行业规上工业中小企业总数（家）", "above_scale"),
    ("试点行业专精特新“小巨人”企业数量（家）", "little_giants"),
    ("试点行业专精特新中小企业数量（家）", "specialised"),
    ("改造规上工业中小企业数量（家）", "transformed_above_scale"),
    ("改造规下工业中小企业数量（家）", "transformed_below_scale"),
    ("改造企业中专精特新“小巨人”企业数量（家）", "transformed_little_giants"),
    ("改造企业中专精特新中小企业数量（家）", "transformed_specialised"),
    ("上云用云中小企业数量（家）", "cloud"),
    ("规上工业中小企业数字化水平二级及以上数量（家）", "above_scale_level_2"),
    ("数字化水平达到四级的企业数量（家）", "level_4"),
    ("建设数字化车间、智能车间数量（个）", None),
)


def main_table(
    names: Mapping[str, str], counts: Mapping[str, Mapping[str, int]], units: Mapping[str, Sequence[tuple[str, int]]]
) -> tuple[list[str], list[list[object]]]:
    """(header, rows): the row labels, then 合计 and each declared sub-industry (in the order given)."""
    codes = list(names)
    header = ["项目", "合计", *codes]
    rows: list[list[object]] = []
    for label, key in ROWS:
        if label == "试点细分行业":
            rows.append([label, "全部试点细分行业", *[names[c] for c in codes]])
        elif key == "units":
            tops = ["、".join(u for u, _ in units.get(c, [])[:3]) or "—" for c in codes]
            rows.append([label, "—", *tops])
        elif key is None:
            rows.append([label, NOT_RECORDED, *[NOT_RECORDED for _ in codes]])
        else:
            per = [counts.get(c, {}).get(key, 0) for c in codes]
            rows.append([label, sum(per), *per])
    return header, rows


TIERS_ZH = {"little_giant": "专精特新“小巨人”", "specialised": "专精特新", "innovative": "创新型"}
SIZES_ZH = {"medium": "中型", "small": "小型", "micro": "微型", "large": "大型"}
SUPPORT_HEADER = ["统一社会信用代码", "区县", "细分行业", "意愿", "基础（数字化水平）", "能力", "建议"]


def support_group(f: Mapping[str, Any]) -> str:
    """实施一批 / 培育一批 / 储备一批 (the work plan's three batches): willing (a demand, or a filed project) with a
    base (一级 or above) and capability (规上, or 专精特新) → implement now; willing otherwise → cultivate; the rest
    are kept in reserve."""
    willing = bool(f["demanded"]) or f["stage_seq"] > 0
    capable = bool(f["above_scale"]) or f["tier"] in ("specialised", "little_giant")
    based = f["level"] is not None and f["level"] >= 1
    if willing and capable and based:
        return "实施一批"
    return "培育一批" if willing else "储备一批"


def support_row(f: Mapping[str, Any]) -> list[object]:
    willing = "已立项" if f["stage_seq"] > 0 else "有需求" if f["demanded"] else "—"
    level = "未评测" if f["level"] is None else f"{f['level']}级"
    capability = "、".join(
        x
        for x in (
            "规上" if f["above_scale"] else "",
            {"little_giant": "专精特新“小巨人”", "specialised": "专精特新", "innovative": "创新型"}.get(
                f["tier"] or "", ""
            ),
            {"medium": "中型", "small": "小型", "micro": "微型"}.get(f["size_class"] or "", ""),
        )
        if x
    )
    return [
        f["uscc"],
        f["district_code"],
        f["sub_industry"] or "—",
        willing,
        level,
        capability or "—",
        support_group(f),
    ]
