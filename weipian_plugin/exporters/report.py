"""The county's month or year at a glance as one printable HTML page (jinja2, charts as inline SVG).

Numbers come from :mod:`..core.ledger` (台账, township summary, monthly progress, 第15号令 ratios); this
module only draws the charts and fills ``templates/report.html.j2``. Every text drawn into an SVG is
escaped here; the template autoescapes everything else.
"""
from __future__ import annotations

import datetime as dt
import math
import os
from collections import Counter
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path
from typing import Optional, Sequence

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from weipian_plugin.core.analysis.checks import warnings_of
from weipian_plugin.core.enforcement import records as enforcement
from weipian_plugin.core.statistics import ledger
from weipian_plugin.core.statistics.accountability import AccountabilityConfig
from weipian_plugin.core.statistics.ledger import round_half_up
from weipian_plugin.core.store import keys, outputs
from weipian_plugin.core.store.workstore import WorkStore
from weipian_plugin.core.units import m2_to_mu
from weipian_plugin.core.vocabulary import ILLEGAL, LEGAL, OTHER, RESULTS, UNDETERMINED, outcome_hex

TEMPLATES = Path(__file__).resolve().parent / "templates"
DAILY_TEMPLATE = "daily_enforcement.html.j2"  # report.html.j2 plus its daily_enforcement block
FONT = "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'SimHei', sans-serif"
OUTCOME_COLOURS = {o: outcome_hex(o) for o in (*RESULTS, UNDETERMINED)}  # the one palette (core/vocabulary.py)
LIST_ROWS = 10  # rows of a long list the printed report shows; the workbooks list them all
BEFORE_COLOUR, AFTER_COLOUR, LINE_COLOUR = "#f4b183", "#c0504d", "#d00000"


def mu(m2: Optional[float]) -> str:
    """m² as 亩 with 2 decimals (rounded half-up like the ledger)."""
    return "" if m2 is None else f"{round_half_up(m2_to_mu(m2), 2):.2f}"


def pct(share: Optional[float]) -> str:
    return "—" if share is None else f"{round_half_up(share * 100, 2):.2f}%"


def _n(x: float) -> str:
    return f"{x:.1f}"


def _svg(width: float, height: float, body: list, css_class: str, label: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" role="img" aria-label="{escape(label)}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}" height="{_n(height)}" '
        f'font-family="{escape(FONT)}" font-size="12">' + "".join(body) + "</svg>")


@dataclass(frozen=True)
class Bar:
    label: str
    value: Optional[float]
    """The bar (after deductions); ``None`` = not applicable (no bar, shown as —)."""
    behind: Optional[float] = None
    """A lighter bar drawn behind it (before deductions)."""


def bar_chart_svg(bars: Sequence[Bar], threshold: float, threshold_label: str, unit: str, label: str,
                  percent: bool = False, width: float = 680.0) -> Markup:
    """Horizontal bars, one per township, with a dashed vertical threshold line."""
    left, right, top, row = 96.0, 70.0, 26.0, 24.0
    height = top + row * max(len(bars), 1) + 10
    peak = max([threshold] + [b.value or 0.0 for b in bars] + [b.behind or 0.0 for b in bars]) * 1.1 or 1.0
    scale = (width - left - right) / peak

    def text(v: Optional[float]) -> str:
        return pct(v) if percent or v is None else f"{v:.2f}{unit}"

    body = []
    for i, b in enumerate(bars):
        y = top + i * row
        body.append(f'<text x="{_n(left - 6)}" y="{_n(y + 15)}" text-anchor="end">{escape(b.label)}</text>')
        value = b.value or 0.0
        if b.behind is not None and b.behind > value:
            body.append(f'<rect class="bar-before" x="{_n(left)}" y="{_n(y + 3)}" width="{_n(b.behind * scale)}" '
                        f'height="{_n(row - 8)}" fill="{BEFORE_COLOUR}"/>')
        if b.value is not None:
            body.append(f'<rect class="bar" x="{_n(left)}" y="{_n(y + 3)}" width="{_n(value * scale)}" '
                        f'height="{_n(row - 8)}" fill="{AFTER_COLOUR}" data-value="{value:.4f}"/>')
        end = max(value, b.behind or 0.0)
        body.append(f'<text x="{_n(left + end * scale + 4)}" y="{_n(y + 15)}">{escape(text(b.value))}</text>')
    x = left + threshold * scale
    body.append(f'<line class="threshold" x1="{_n(x)}" y1="{_n(top - 6)}" x2="{_n(x)}" y2="{_n(height - 6)}" '
                f'stroke="{LINE_COLOUR}" stroke-width="1.5" stroke-dasharray="5 3"/>')
    body.append(f'<text x="{_n(x)}" y="{_n(top - 10)}" text-anchor="middle" fill="{LINE_COLOUR}">'
                f'{escape(threshold_label)}</text>')
    return _svg(width, height, body, "bar-chart", label)


def donut_svg(segments: Sequence[tuple], label: str, centre: str) -> Markup:
    """Donut of (label, count, colour) segments with a legend; ``centre`` is written in the hole."""
    r, stroke, cx, cy = 60.0, 26.0, 90.0, 90.0
    circumference = 2 * math.pi * r
    total = sum(n for _l, n, _c in segments)
    body = [f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" fill="none" stroke="#eeeeee" '
            f'stroke-width="{_n(stroke)}"/>']
    offset = 0.0
    for name, n, colour in segments:
        if not n:
            continue
        length = circumference * n / total
        body.append(f'<circle class="segment" data-label="{escape(name)}" data-count="{n}" cx="{_n(cx)}" '
                    f'cy="{_n(cy)}" r="{_n(r)}" fill="none" stroke="{colour}" stroke-width="{_n(stroke)}" '
                    f'stroke-dasharray="{length:.2f} {circumference - length:.2f}" '
                    f'stroke-dashoffset="{-offset:.2f}" transform="rotate(-90 {_n(cx)} {_n(cy)})"/>')
        offset += length
    body.append(f'<text x="{_n(cx)}" y="{_n(cy + 6)}" text-anchor="middle" font-size="18" '
                f'font-weight="bold">{escape(centre)}</text>')
    for i, (name, n, colour) in enumerate(segments):
        y = 40 + i * 26
        share = pct(n / total) if total else "—"
        body.append(f'<rect x="200" y="{y}" width="14" height="14" fill="{colour}"/>')
        body.append(f'<text x="222" y="{y + 12}">{escape(name)}　{n} 个（{share}）</text>')
    return _svg(400, 180, body, "donut", label)


def progress_svg(share: Optional[float], label: str, width: float = 420.0) -> Markup:
    """A progress bar with its percentage."""
    bar = width - 70
    done = (share or 0.0) * bar
    colour = "#4caf50" if (share or 0.0) >= 0.9 else "#ffa000" if (share or 0.0) >= 0.5 else "#e53935"
    body = [f'<rect x="0" y="4" width="{_n(bar)}" height="16" rx="3" fill="#eeeeee"/>',
            f'<rect class="progress" x="0" y="4" width="{_n(done)}" height="16" rx="3" fill="{colour}" '
            f'data-share="{(share or 0.0):.4f}"/>',
            f'<text x="{_n(bar + 8)}" y="17">{escape(pct(share))}</text>']
    return _svg(width, 24, body, "progress-bar", label)


def overdue_as_of(row: ledger.LedgerRow, today: dt.date) -> bool:
    """The ``patch_status.overdue`` rule (undetermined past its due date) at ``today`` instead of the clock."""
    return not row.result and bool(row.due_date) and dt.date.fromisoformat(row.due_date) < today


def report_context(store: WorkStore, period_label: str, config: Optional[AccountabilityConfig] = None,
                   year: Optional[int] = None, month: Optional[str] = None,
                   today: Optional[dt.date] = None) -> dict:
    """Everything the template shows, with the charts already drawn; overdue is judged as of ``today``
    (default: the real today). Long lists are counted here and listed in full only in the workbooks."""
    cfg = config or ledger.accountability_config(store)
    today = today or dt.date.today()
    rows = [replace(r, overdue=overdue_as_of(r, today)) for r in ledger.ledger_rows(store, year=year)]
    overall = ledger.progress_row("全部", rows)
    summary = ledger.township_summary(store, year=year)
    acc = ledger.store_accountability(store, cfg, year)
    county = acc.counties[0] if len(acc.counties) == 1 else acc.total
    by_code = {s.township_code: s for s in summary}
    overdue = sorted(((r, (today - dt.date.fromisoformat(r.due_date)).days) for r in rows if r.overdue),
                     key=lambda item: -item[1])
    outcomes = [(LEGAL, overall.legal_count), (ILLEGAL, overall.illegal_count), (OTHER, overall.other_count),
                (UNDETERMINED, overall.undetermined_count)]
    outcome_m2 = dict.fromkeys(OUTCOME_COLOURS, 0.0)
    for r in rows:
        outcome_m2[r.result if r.result in OUTCOME_COLOURS else UNDETERMINED] += r.area_m2
    area_line = cfg.township_cultivated_mu  # townships are judged by their 约谈 lines, not by 第15号令
    illegal_rows = [r for r in rows if r.result == ILLEGAL]
    illegal_m2 = sum(r.illegal_or_area_m2 for r in illegal_rows)
    rectified_area_share = (illegal_m2 - overall.remaining_m2) / illegal_m2 if illegal_m2 else None
    return {
        "analysis_warnings": warnings_of(keys.ANALYSIS_WARNINGS.read(store)),
        "county_name": store.meta("county_name") or "",
        "period_label": period_label,
        "generated": today.isoformat(),
        "overall": overall,
        "outcomes": [(name, n, outcome_m2[name]) for name, n in outcomes],
        "illegal_m2": illegal_m2,
        "illegal_cultivated_m2": sum(r.illegal_cultivated_m2 or 0.0 for r in illegal_rows),
        "illegal_basic_farmland_m2": sum(r.illegal_basic_farmland_m2 or 0.0 for r in illegal_rows),
        "cultivated_m2": sum(r.cultivated_m2 or 0.0 for r in rows),
        "rectified_area_share": rectified_area_share,
        "county": county,
        "deductions": [text for on, text in ((cfg.deduct_supplemented, "已补办用地手续（仅分子）"),
                                             (cfg.deduct_restored, "已拆除复耕（分子与分母）"),
                                             (cfg.deduct_infrastructure, "重大基础设施（分子与分母）"
                                              + ("，省级立项的不扣减" if cfg.level == "province" else ""))) if on],
        "ratio_line": pct(cfg.ratio_threshold),
        "area_line_mu": area_line,
        "ranking": [(t, by_code.get(t.code), shown) for t, shown in zip(acc.townships, ranking_cells(acc))],
        "summary": summary,
        "summary_table": summary_table(summary),
        "overdue": overdue[:LIST_ROWS],
        "overdue_count": len(overdue),
        "overdue_by_township": Counter(r.township for r, _ in overdue).most_common(),
        "list_rows": LIST_ROWS,
        "progress": ledger.monthly_progress(store, month) if month else [],
        "month": month,
        "charts": {
            "outcomes": donut_svg([(n, c, OUTCOME_COLOURS[n]) for n, c in outcomes], "图斑判定结果",
                                  f"{overall.patch_count} 个"),
            "judged": progress_svg(overall.judged_share, "判定率"),
            "rectified": progress_svg(overall.rectified_share, "违法图斑整改率（个数）"),
            "rectified_area": progress_svg(rectified_area_share, "违法面积整改率"),
            "townships_mu": bar_chart_svg(
                [Bar(t.name, t.numerator_after_mu, t.numerator_before_mu) for t in acc.townships],
                area_line, f"一般耕地约谈线 {area_line:g} 亩", " 亩", "各乡镇违法占用耕地（亩）"),
            "townships_ratio": bar_chart_svg(
                [Bar(t.name, t.ratio_after, t.ratio_before) for t in acc.townships],
                cfg.ratio_threshold, f"问责线 {pct(cfg.ratio_threshold)}", "", "各乡镇违法占用耕地比例",
                percent=True),
            "county_ratio": bar_chart_svg(
                [Bar("扣除前", county.ratio_before), Bar("扣除后", county.ratio_after)],
                cfg.ratio_threshold, f"问责线 {pct(cfg.ratio_threshold)}", "", "全县违法占用耕地比例",
                percent=True),
        },
    }


def _text(col: ledger.Column, v) -> str:
    if v is None:
        return "—" if col.unit == "%" else ""
    if col.unit == "%":
        return f"{v * 100:.{col.decimals}f}%"
    return f"{v:.{col.decimals}f}" if col.numeric else str(v)


def ranking_cells(acc) -> list:
    """(before, after) 违法占用耕地 of each township as the accountability sheet prints them: balanced to
    the county's figure (调平) when there is one county."""
    cols = [c for c in ledger.ACCOUNTABILITY_COLUMNS if c.key in ("numerator_before_mu", "numerator_after_mu")]
    single = len(acc.counties) == 1
    cells, _ = ledger.display_table(cols, list(acc.townships) + list(acc.counties[:1]),
                                    len(acc.townships) if single else 0)
    return [(_text(cols[0], b), _text(cols[1], a)) for b, a in cells[:len(acc.townships)]]


def summary_table(summary: Sequence) -> dict:
    """The 汇总表 as the workbook shows it (same columns, same balanced cells, same 合计)."""
    cols = ledger.SUMMARY_COLUMNS
    cells, totals = ledger.display_table(cols, summary)
    totals[0] = "合计"
    return {"titles": [c.title for c in cols],
            "rows": [[_text(c, v) for c, v in zip(cols, row)] for row in cells],
            "totals": [totals[0]] + [_text(c, v) for c, v in zip(cols[1:], totals[1:])]}


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["mu"] = mu
    env.filters["pct"] = pct
    return env


def write_report(store: WorkStore, path: os.PathLike, period_label: str,
                 config: Optional[AccountabilityConfig] = None, year: Optional[int] = None,
                 month: Optional[str] = None, today: Optional[dt.date] = None) -> Path:
    """Write the HTML report of ``year`` (default: the whole store); ``month`` (YYYY-MM) adds its
    progress table. ``config`` defaults to the store's accountability configuration; patch and clue
    deadlines are judged as of ``today`` (default: the real today)."""
    path = outputs.check_output(path, (".html", ".htm"), store.path)
    today = today or dt.date.today()
    html = environment().get_template(DAILY_TEMPLATE).render(
        **report_context(store, period_label, config, year, month, today),
        daily=enforcement.report_summary(store, today))
    with outputs.replacing(path) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return path
