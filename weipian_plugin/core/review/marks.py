"""Records beside the determination: 涉军 (military land) marks, 「造成恶劣影响」 marks, 约谈 records.

- **涉军**: a patch on military land is left out of every ordinary export, figure, report and statistic
  and listed only in the 《军用土地登记表》, handed in separately. It is marked by hand or from an
  optional military-land layer; marks and unmarks are audited (table ``military_land``'s triggers).
- **造成恶劣影响**: 第15号令 art. 3 holds a unit accountable below 15 % when the violation had serious
  consequences; a person records that judgement with its reason (table ``serious_impact``).
- **约谈**: who was interviewed, when, which township, the minutes as a file (table ``interviews``).
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Iterable, List, Optional

import numpy as np
import shapely

from weipian_plugin.core.dates import DateError, parse_date
from weipian_plugin.core.review.records import ReviewError
from weipian_plugin.core.store.sql import dialect
from weipian_plugin.core.store.workstore import WorkStore, now_iso

MILITARY_BY_HAND = "手工"
MILITARY_FROM_LAYER = "图层"


def _dicts(cur: sqlite3.Cursor) -> List[dict]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur]


# -- 涉军 ---------------------------------------------------------------------------------------------
def mark_military(store: WorkStore, fids: Iterable[int], actor: str, note: str = "",
                  source: str = MILITARY_BY_HAND) -> int:
    """Mark patches as 涉军 (already marked ones keep their first mark); returns how many were new."""
    fids = [int(f) for f in fids]
    known = {r[0] for r in store.conn.execute(
        f"SELECT fid FROM patches WHERE fid IN ({', '.join('?' * len(fids))})", fids)} if fids else set()
    missing = sorted(set(fids) - known)
    if missing:
        raise ReviewError(f"图斑不存在（fid={'、'.join(map(str, missing))}）")
    count = "SELECT count(*) FROM military_land"
    with store.transaction() as conn:
        before = conn.execute(count).fetchone()[0]
        conn.executemany("INSERT INTO military_land (patch_fid, source, note, marked_by, marked_at) "
                         "VALUES (?, ?, ?, ?, ?) ON CONFLICT (patch_fid) DO NOTHING", [(f, source, note or None, actor, now_iso()) for f in fids])
        return conn.execute(count).fetchone()[0] - before


def unmark_military(store: WorkStore, fid: int) -> None:
    """Take a patch off military land (a wrong mark); audited."""
    with store.transaction() as conn:
        if conn.execute("DELETE FROM military_land WHERE patch_fid = ?", (fid,)).rowcount == 0:
            raise ReviewError(f"图斑未标记为涉军（fid={fid}）")


def is_military(store: WorkStore, fid: int) -> bool:
    return store.conn.execute("SELECT 1 FROM military_land WHERE patch_fid = ?", (fid,)).fetchone() is not None


def mark_military_from_layer(store: WorkStore, geometries: Iterable, actor: str, note: str = "") -> int:
    """Mark every active patch that overlaps a military-land polygon (geometries in the store's CRS);
    returns how many patches were newly marked."""
    shapes = [g for g in geometries if g is not None and not g.is_empty]
    if not shapes:
        return 0
    fids, geoms, _ = store.read_patches(columns=())
    if len(fids) == 0:
        return 0
    shapes = np.array(shapes, dtype=object)
    pi, si = shapely.STRtree(shapes).query(geoms, predicate="intersects")
    # A patch that only touches the layer's edge is not on military land.
    overlapping = shapely.area(shapely.intersection(geoms[pi], shapes[si])) > 0
    inside = sorted({int(f) for f in fids[pi[overlapping]]})
    return mark_military(store, inside, actor, note or "军用土地图层套合", MILITARY_FROM_LAYER)


def military_register(store: WorkStore, year: Optional[int] = None) -> List[dict]:
    """Rows of the 《军用土地登记表》: every 涉军 patch (of ``year``: batch receipt, else 后时相) with its
    determination, in batch and 监测编号 order."""
    where, params = "", []
    if year is not None:
        where, params = "AND substr(coalesce(b.received_date, p.hsx, ''), 1, 4) = ? ", [f"{int(year):04d}"]
    return _dicts(store.conn.execute(
        "SELECT s.batch AS batch, s.jcbh AS jcbh, s.township AS township, p.xzqdm AS xzqdm, p.tblx AS tblx, "
        "p.qsx AS qsx, p.hsx AS hsx, s.area_m2 AS area_m2, s.result AS result, s.subtype AS subtype, "
        "s.illegal_m2 AS illegal_m2, s.illegal_cultivated_m2 AS illegal_cultivated_m2, s.status AS status, "
        "m.source AS source, m.note AS note, m.marked_by AS marked_by, m.marked_at AS marked_at "
        "FROM military_land m JOIN patch_status s ON s.fid = m.patch_fid JOIN patches p ON p.fid = m.patch_fid "
        f"JOIN batches b ON b.id = p.batch_id WHERE s.split_state != '被拆分' {where}ORDER BY s.batch_id, {store.dialect.order_text('s.jcbh')}",
        params))


# -- 造成恶劣影响 --------------------------------------------------------------------------------------
def mark_serious_impact(store: WorkStore, unit_code: str, reason: str, actor: str, unit_name: str = "") -> None:
    """Record that a township or county caused serious consequences (第15号令 art. 3), with the reason."""
    if not (unit_code or "").strip():
        raise ReviewError("请指定乡镇或县的代码")
    if not (reason or "").strip():
        raise ReviewError("认定“造成恶劣影响”须填写理由")
    with store.transaction() as conn:
        conn.execute("INSERT INTO serious_impact (unit_code, unit_name, reason, marked_by, marked_at) "
                     "VALUES (?, ?, ?, ?, ?) ON CONFLICT (unit_code) DO UPDATE SET unit_name = excluded.unit_name, "
                     "reason = excluded.reason, marked_by = excluded.marked_by, marked_at = excluded.marked_at",
                     (unit_code.strip(), unit_name or None, reason.strip(), actor, now_iso()))


def clear_serious_impact(store: WorkStore, unit_code: str) -> None:
    with store.transaction() as conn:
        conn.execute("DELETE FROM serious_impact WHERE unit_code = ?", (unit_code,))


# -- 约谈 ---------------------------------------------------------------------------------------------
def add_interview(store: WorkStore, township: str, interview_date, interviewees: str, actor: str,
                  township_code: str = "", interviewer: str = "", reason: str = "",
                  minutes: Optional[Path] = None) -> int:
    """Record a 警示约谈 of a township (who, when, why) with its minutes file stored in the store."""
    errors = []
    if not (township or "").strip():
        errors.append("请填写被约谈乡镇")
    if not (interviewees or "").strip():
        errors.append("请填写被约谈人")
    try:
        day = parse_date(interview_date)
    except DateError as exc:
        errors.append(f"约谈日期：{exc}")
        day = None
    if day is None and not any(e.startswith("约谈日期") for e in errors):
        errors.append("请填写约谈日期")
    data = name = None
    if minutes is not None:
        path = Path(minutes)
        if not path.is_file():
            errors.append(f"约谈纪要文件不存在：{path}")
        else:
            data, name = path.read_bytes(), path.name
    if errors:
        raise ReviewError("\n".join(errors))
    with store.transaction() as conn:
        return dialect(conn).insert_id(
            conn, "INSERT INTO interviews (township_code, township, interview_date, interviewees, interviewer, reason, "
            "minutes_name, minutes_data, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (township_code or None, township.strip(), day.isoformat(), interviewees.strip(), interviewer or None,
             reason or None, name, None if data is None else sqlite3.Binary(data), actor, now_iso()))


def list_interviews(store: WorkStore, year: Optional[int] = None) -> List[dict]:
    """约谈 records without the minutes' bytes, oldest first (of one year when given)."""
    sql = ("SELECT id, township_code, township, interview_date, interviewees, interviewer, reason, minutes_name, "
           "recorded_by, recorded_at FROM interviews")
    params: list = []
    if year is not None:
        sql += " WHERE substr(interview_date, 1, 4) = ?"
        params.append(f"{int(year):04d}")
    return _dicts(store.conn.execute(sql + f" ORDER BY {store.dialect.order_text('interview_date')}, id", params))


def interview_minutes(store: WorkStore, interview_id: int) -> bytes:
    row = store.conn.execute("SELECT minutes_data FROM interviews WHERE id = ?", (interview_id,)).fetchone()
    if row is None or row[0] is None:
        raise ReviewError(f"约谈记录没有纪要附件（id={interview_id}）")
    return bytes(row[0])
