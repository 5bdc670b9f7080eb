"""The printable assessment report: one HTML page (A4, prints cleanly), radar chart as inline SVG."""

from __future__ import annotations

import math
from decimal import Decimal
from html import escape

from assessment.scoring.rules import LEVEL_ZH, clean
from contracts import codes
from contracts.api.assessment import AssessmentRead, PartScore, Score

CSS = """
@page { size: A4; margin: 16mm; }
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; color: #111; margin: 0 auto;
       max-width: 180mm; font-size: 10.5pt; line-height: 1.45; }
h1 { font-size: 17pt; margin: 0 0 2mm; } h2 { font-size: 12.5pt; margin: 6mm 0 2mm; border-bottom: 1px solid #999; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #bbb; padding: 1.2mm 2mm; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; } .meta td { border: none; padding: 0.5mm 2mm 0.5mm 0; }
.level { font-size: 22pt; font-weight: bold; } .muted { color: #555; } .charts { display: flex; gap: 6mm; align-items: center; }
.up { color: #0a6b2b; } .down { color: #a11; } section { break-inside: avoid; }
@media print { a { color: inherit; text-decoration: none; } }
"""


def _pct(p: PartScore) -> float:
    return float(p.points / p.max_points) if p.max_points else 0.0


def radar(parts: list[PartScore], size: int = 320) -> str:
    """An SVG radar (spider) chart of each part's share of its maximum."""
    n, c, r = len(parts), size / 2, size / 2 - 62
    if n < 3:
        return ""

    def point(i: int, share: float) -> tuple[float, float]:
        a = -math.pi / 2 + 2 * math.pi * i / n
        return c + r * share * math.cos(a), c + r * share * math.sin(a)

    rings = "".join(
        f'<polygon points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, k / 4) for i in range(n)))}" '
        'fill="none" stroke="#ccc" stroke-width="0.8"/>'
        for k in range(1, 5)
    )
    spokes = "".join(
        f'<line x1="{c}" y1="{c}" x2="{point(i, 1)[0]:.1f}" y2="{point(i, 1)[1]:.1f}" stroke="#ccc" stroke-width="0.8"/>'
        for i in range(n)
    )
    shape = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, _pct(p)) for i, p in enumerate(parts)))
    labels = "".join(
        f'<text x="{point(i, 1.2)[0]:.1f}" y="{point(i, 1.2)[1]:.1f}" font-size="10" text-anchor="middle" '
        f'dominant-baseline="middle">{escape(p.name)} {round(_pct(p) * 100)}%</text>'
        for i, p in enumerate(parts)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}" '
        f'role="img" aria-label="radar chart">{rings}{spokes}'
        f'<polygon points="{shape}" fill="rgba(30,90,170,0.25)" stroke="#1e5aaa" stroke-width="1.5"/>{labels}</svg>'
    )


def _district(code: str) -> str:
    unit = codes.districts().get(code)
    return f"{unit.name}（{code}）" if unit else code


def _num(d: Decimal) -> str:
    return format(d, "f")


def _parts_table(title: str, parts: list[PartScore]) -> str:
    rows = "".join(
        f"<tr><td>{escape(p.name)}</td><td class=n>{_num(p.points)}</td><td class=n>{_num(p.max_points)}</td>"
        f"<td class=n>{round(_pct(p) * 100)}%</td></tr>"
        for p in parts
    )
    return f"<table><tr><th>{title}</th><th class=n>得分</th><th class=n>满分</th><th class=n>得分率</th></tr>{rows}</table>"


def _scenes(score: Score) -> str:
    if not score.scenes:
        return "<p class=muted>本评测版本不评定业务场景。</p>"
    rows = "".join(
        f"<tr><td>{escape(s.group)}</td><td>{escape(s.name)}</td><td>{'约束性' if s.constrained else '指导性'}</td>"
        f"<td>{LEVEL_ZH.get(s.level, s.level)}</td></tr>"
        for s in score.scenes
    )
    return f"<table><tr><th>场景组</th><th>业务场景</th><th>类别</th><th>等级</th></tr>{rows}</table>"


def _gaps(score: Score) -> str:
    if not score.gaps:
        return "<p>已达最高等级。</p>"
    items = "".join(
        f"<li><b>{escape(g.name)}</b>：" + "；".join(escape(m.message_zh) for m in g.missing) + "</li>"
        for g in score.gaps
    )
    return f"<ul>{items}</ul>"


def _change(assessment: AssessmentRead, other: Score | None) -> str:
    if not assessment.project_id:
        return ""
    if other is None:
        return (
            f"<section><h2>改造前后对比</h2><p class=muted>项目 {escape(assessment.project_id)}："
            "另一阶段（T0/T1）的评测尚未定稿。</p></section>"
        )
    t0, t1 = (
        (assessment.score, other) if assessment.phase and assessment.phase.value == "T0" else (other, assessment.score)
    )
    rows = "".join(
        f"<tr><td>{escape(b.name)}</td><td class=n>{_num(b.points)}</td><td class=n>{_num(a.points)}</td>"
        f"<td class=n>{_delta(a.points - b.points)}</td></tr>"
        for b, a in zip(t0.dimensions, t1.dimensions, strict=False)
    )
    rows += (
        f"<tr><th>总分</th><td class=n>{_num(t0.total)}</td><td class=n>{_num(t1.total)}</td>"
        f"<td class=n>{_delta(t1.total - t0.total)}</td></tr>"
        f"<tr><th>等级</th><td class=n>{LEVEL_ZH[t0.level]}</td><td class=n>{LEVEL_ZH[t1.level]}</td>"
        f"<td class=n>{_delta(Decimal(t1.level - t0.level))}</td></tr>"
    )
    return (
        f"<section><h2>改造前后对比（项目 {escape(assessment.project_id)}）</h2>"
        f"<table><tr><th></th><th class=n>T0（立项）</th><th class=n>T1（验收）</th><th class=n>变化</th></tr>{rows}</table></section>"
    )


def _delta(d: Decimal) -> str:
    d = clean(d)
    cls = "up" if d > 0 else "down" if d < 0 else ""
    return f'<span class="{cls}">{"+" if d > 0 else ""}{_num(d)}</span>'


def render_report(a: AssessmentRead, counterpart: Score | None = None) -> str:
    s = a.score
    status = {"draft": "草稿", "submitted": "已提交（待核验）", "final": "已定稿"}[a.status.value]
    source = "企业自评" if a.source.value == "self" else "专家现场评测"
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>数字化水平评测报告 {escape(a.uscc)}</title><style>{CSS}</style></head>
<body>
<h1>中小企业数字化水平评测报告</h1>
<table class=meta>
<tr><td>统一社会信用代码</td><td>{escape(a.uscc)}</td><td>评测编号</td><td>{escape(a.assessment_id)}</td></tr>
<tr><td>区县</td><td>{escape(_district(a.district_code))}</td><td>评测方式</td><td>{source}</td></tr>
<tr><td>评测标准</td><td>{escape(s.scheme_id)} 第{s.scheme_version}版</td><td>状态</td><td>{status}</td></tr>
<tr><td>定稿时间</td><td>{a.finalised_at.date().isoformat() if a.finalised_at else "—"}</td>
<td>阶段</td><td>{escape(a.phase.value) if a.phase else "—"}</td></tr>
</table>
<section><h2>评测结论</h2>
<p><span class=level>{escape(s.level_name)}</span> &nbsp; 总分 <b>{_num(s.total)}</b> / {_num(s.max_total)}</p>
<p>距更高等级：</p>{_gaps(s)}</section>
<section><h2>各维度得分</h2><div class=charts>{radar(s.subdimensions)}<div style="flex:1">
{_parts_table("维度", s.dimensions)}</div></div>{_parts_table("子维度", s.subdimensions)}</section>
<section><h2>数字化经营：业务场景等级</h2>{_scenes(s)}</section>
{_change(a, counterpart)}
<p class=muted>依据工信厅企业〔2024〕56号《中小企业数字化水平评测指标》；评测标准以数据文件维护，版本见上。</p>
</body></html>
"""
