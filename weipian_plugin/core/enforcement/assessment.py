"""Grading daily enforcement against the satellite patches: the store's 违法 patches and clues matched
(core/enforcement/grading.py), and the rows shown and exported."""
from __future__ import annotations

from dataclasses import fields
from datetime import date
from types import SimpleNamespace
from typing import Optional

from weipian_plugin.core.dates import DateError, parse_date
from weipian_plugin.core.enforcement.clues import _iso, clue_deadlines, clue_rows
from weipian_plugin.core.enforcement.errors import EnforcementError
from weipian_plugin.core.enforcement.grading import (
    TOTAL,
    Clue,
    GradingConfig,
    GradingResult,
    SatellitePatch,
    grade,
)
from weipian_plugin.core.enforcement.settings import grading_config
from weipian_plugin.core.statistics.ledger import NO_TOWNSHIP, Column
from weipian_plugin.core.store.workstore import WorkStore

# -- grading -----------------------------------------------------------------------------------------
_PATCH_SQL = """
SELECT p.fid, p.jcbh, b.name, coalesce(p.township_name, ''), p.area_m2, {geom},
       coalesce(p.hsx, b.received_date, substr(p.imported_at, 1, 10)),
       r.case_filed = 1 OR r.case_number IS NOT NULL OR r.case_date IS NOT NULL,
       r.closed_date IS NOT NULL, r.case_filed = 0 AND r.no_case_reason IS NOT NULL
FROM patches p
JOIN batches b ON b.id = p.batch_id
JOIN determinations d ON d.patch_fid = p.fid
LEFT JOIN rectifications r ON r.patch_fid = p.fid
WHERE d.result = '违法' AND p.split_state != '被拆分' AND p.geom IS NOT NULL
  AND p.fid NOT IN (SELECT patch_fid FROM military_land) {where}
ORDER BY {township}, {jcbh}, p.fid"""


def _illegal_patches(store: WorkStore, year: Optional[int] = None) -> tuple:
    """(SatellitePatch list with their own 查处 records, {patch_id: details}) of ``year`` (batch receipt,
    else 后时相); patches without an after-date use the batch's receipt."""
    where, params = "", []
    if year is not None:
        where, params = "AND substr(coalesce(b.received_date, p.hsx, ''), 1, 4) = ?", [f"{int(year):04d}"]
    sql = _PATCH_SQL.format(geom=store.dialect.geom_select("p.geom"), where=where,
                            township=store.dialect.order_text("p.township_name"), jcbh=store.dialect.order_text("p.jcbh"))
    rows = store.conn.execute(sql, params).fetchall()
    geoms = store.dialect.decode([r[5] for r in rows])
    patches, details = [], {}
    for (fid, jcbh, batch, township, area, _, after, filed, closed, no_case), geom in zip(rows, geoms):
        try:
            after_date = parse_date(after)
        except DateError as exc:
            raise EnforcementError(f"图斑 {jcbh} 的后时相无法识别：{exc}") from exc
        patch_id = jcbh if jcbh not in details else f"{jcbh}（{batch}）"
        patches.append(SatellitePatch(patch_id, township or NO_TOWNSHIP, geom, after_date or date.max,
                                      filed=bool(filed), closed=bool(closed), no_case=bool(no_case)))
        details[patch_id] = SimpleNamespace(fid=fid, jcbh=jcbh, batch=batch, township=township or NO_TOWNSHIP,
                                            area_m2=area, after_date=_iso(after_date))
    return patches, details


def _store_clues(store: WorkStore, year: Optional[int] = None) -> list:
    geom = store.dialect.geom_select("geom")
    sql = (f"SELECT clue_no, source, township, {geom}, discovered, stop_notice, filed, closed FROM clues "
           "WHERE geom IS NOT NULL")
    params: list = []
    if year is not None:
        sql += " AND substr(discovered, 1, 4) = ?"
        params.append(f"{int(year):04d}")
    rows = store.conn.execute(sql + " ORDER BY fid", params).fetchall()
    geoms = store.dialect.decode([r[3] for r in rows])
    return [Clue(no, source, township or NO_TOWNSHIP, geom, parse_date(found), parse_date(stop),
                 parse_date(filed), parse_date(closed))
            for (no, source, township, _, found, stop, filed, closed), geom in zip(rows, geoms)]


def grade_store(store: WorkStore, cfg: Optional[GradingConfig] = None, year: Optional[int] = None) -> GradingResult:
    """Grade daily enforcement: patches judged 违法 (split parents and 涉军 left out) with their own 查处
    records, against the store's clues (of ``year``: batch receipt / clue discovery); ``cfg`` defaults to
    the store setting ``grading``."""
    patches, _ = _illegal_patches(store, year)
    return grade(patches, _store_clues(store, year), cfg or grading_config(store))


def unmatched_patches(store: WorkStore, result: GradingResult, year: Optional[int] = None) -> list:
    """The illegal patches daily enforcement did not find first: jcbh, batch, township, area_m2, after_date."""
    _, details = _illegal_patches(store, year)
    return [details[m.patch_id] for m in result.matches if not m.found and m.patch_id in details]


def grading_columns(cfg: GradingConfig) -> tuple:
    def pct(x: float) -> str:
        return f"{x * 100:g}%"

    return (
        Column("township", "", "乡镇"),
        Column("satellite", "", "卫片违法图斑", "个", 0),
        Column("daily_only", "", "仅日常执法发现的违法", "个", 0),
        Column("violations", "", "违法行为合计", "个", 0),
        Column("found", "", "日常执法发现", "个", 0), Column("stopped", "", "已制止", "个", 0),
        Column("must_file", "", "应立案", "个", 0), Column("filed", "", "已立案", "个", 0),
        Column("closed", "", "已结案", "个", 0),
        Column("discovery_rate", "", f"发现率（目标≥{pct(cfg.discovery_target)}）", "%", 1),
        Column("stop_rate", "", f"制止率（目标≥{pct(cfg.stop_target)}）", "%", 1),
        Column("filing_rate", "", f"立案率（目标≥{pct(cfg.filing_target)}）", "%", 1),
        Column("closing_rate", "", f"结案率（目标≥{pct(cfg.closing_target)}）", "%", 1),
        Column("passed", "", "是否达标"), Column("found_by", "", "发现来源"),
        Column("unmatched_count", "", "未先发现图斑", "个", 0),
    )


GRADING_NOTES = (
    "发现率 = 日常执法发现的违法行为 ÷ 违法行为合计（卫片违法图斑 + 仅日常执法发现的违法行为）",
    "制止率 = 已制止 ÷ 日常执法发现",
    "立案率 = 已立案 ÷ 应立案（日常执法发现的违法行为，不含已记录理由的不予立案）",
    "结案率 = 已结案 ÷ 已立案",
    "卫片违法图斑以发现日期不晚于后时相、位置相符的线索为“日常执法发现”；立案、结案既看线索，也看图斑自身的查处整改记录",
)
"""How each rate of the grading sheet is computed, printed under the table (the bases of docs/DOMAIN.md §7)."""


def grading_rows(result: GradingResult) -> list:
    """Township rows then the 合计 row, with ``passed`` and ``found_by`` ready for display."""
    out = []
    for row in result.townships + (result.total,):
        values = {f.name: getattr(row, f.name) for f in fields(row)}
        values.update(passed=row.passed, unmatched_count=len(row.unmatched), is_total=row.township == TOTAL,
                      found_by="、".join(f"{s}：{n}" for s, n in row.found_by_source) or None)
        out.append(SimpleNamespace(**values))
    return out


UNMATCHED_COLUMNS = (
    Column("township", "", "乡镇"), Column("jcbh", "", "监测编号"), Column("batch", "", "批次"),
    Column("area_mu", "", "图斑面积", "亩", 2), Column("after_date", "", "后时相"),
)


def report_summary(store: WorkStore, today: date) -> dict:
    """What the HTML report's daily-enforcement section shows, as of ``today``."""
    cfg = grading_config(store)
    result = grade_store(store, cfg)
    clues = clue_rows(clue_deadlines(store, today))
    counts = store.conn.execute(
        "SELECT (SELECT count(*) FROM patrols), (SELECT count(*) FROM patrol_findings)").fetchone()
    return {
        "today": today.isoformat(), "patrol_count": counts[0], "finding_count": counts[1],
        "clue_count": len(clues), "overdue": [c for c in clues if c.overdue], "major": [c for c in clues if c.major],
        "config": cfg, "rows": grading_rows(result), "unmatched": unmatched_patches(store, result),
        "notes": GRADING_NOTES,
    }
