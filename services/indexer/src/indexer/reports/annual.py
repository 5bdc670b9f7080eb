"""A unit's annual evaluation report as printable HTML (as the assessment report is): its figures, its
development index with the indicators, the city's targets, and the pilot rule in the unit."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from contracts.api.indexer import Counts, IndexRow, PilotRuleRead, TargetsRead
from contracts.events.indexer import SMALL_CELL

GROUP_ZH = {"above_scale": "规上工业中小企业", "specialised": "专精特新中小企业", "little_giant": "专精特新“小巨人”"}
STYLE = (
    "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2rem;color:#1d2630}"
    "table{border-collapse:collapse;width:100%;margin:0.5rem 0 1.5rem}th,td{border:1px solid #cfd6dd;padding:4px 8px;"
    "text-align:left}h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.5rem}@media print{body{margin:1cm}}"
)


def _table(header: list[str], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render(
    unit: str,
    name: str,
    year: int,
    totals: Counts,
    row: IndexRow | None,
    targets: TargetsRead,
    rules: list[PilotRuleRead],
) -> str:
    figures = [
        ["登记企业", totals.enterprises], ["完成水平评测", totals.assessed], ["二级及以上", totals.level_2_plus],
        ["开展数字化转型（项目实施及以后）", totals.transformed], ["获评小灯塔或标杆", totals.designated],
        ["采用小快轻准方案", totals.adopted], ["上云用云", totals.cloud], ["获得贷款", totals.with_loans],
        ["获得转型奖补", totals.with_subsidies], ["链主平台企业", totals.chain_members],
    ]  # fmt: skip
    parts = [
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>",
        f"<title>{escape(name)} {year}年度数字化转型评价报告</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(name)}（{escape(unit)}）{year}年度中小企业数字化转型评价报告</h1>",
        "<h2>一、主要数据</h2>",
        _table(["指标", "数值"], [[k, v] for k, v in figures]),
    ]
    if row is None or row.enterprises < SMALL_CELL:
        parts.append(f"<h2>二、发展指数</h2><p>登记企业少于{SMALL_CELL}家，不参与排名。</p>")
    else:
        parts.append(f"<h2>二、发展指数</h2><p>指数 {row.value}，全市第 {row.rank} 名。</p>")
        parts.append(
            _table(
                ["指标", "原始值", "标准化得分", "权重", "贡献"],
                [
                    [i.name, "—" if i.raw is None else round(i.raw, 4), i.normalised, i.weight, i.contribution]
                    for i in row.indicators
                ],
            )
        )
    parts.append("<h2>三、全市工作方案目标进展</h2>")
    parts.append(
        _table(
            ["目标", "目标值", "当前", "是否达成"],
            [[t.name, "—" if t.target is None else t.target, "—" if t.value is None else t.value,
              {True: "已达成", False: "未达成", None: "—"}[t.reached]] for t in targets.targets],
        )
    )  # fmt: skip
    parts.append("<h2>四、试点细分行业“应改尽改”情况（本区县）</h2>")
    for rule in rules:
        rows = [
            [
                GROUP_ZH[g.group],
                g.enterprises,
                g.level_2_plus,
                "—" if g.share is None else f"{g.share:.1%}",
                "是" if g.met else "否",
            ]
            for g in rule.groups
        ]
        parts.append(
            f"<p>{escape(rule.name)}：{'已达标' if rule.met else '未达标'}，"
            f"尚未达到二级的企业 {len(rule.below)} 家。</p>"
        )
        parts.append(_table(["群体", "企业数", "二级及以上", "占比", "达标"], rows))
    parts.append("</body></html>")
    return "".join(parts)
