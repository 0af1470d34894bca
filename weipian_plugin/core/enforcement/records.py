"""Daily enforcement in the work store (issue 6): patrol ledger, clues with their deadlines, and grading.

Patrols and clues arrive in the bureau's template: a CSV (UTF-8 with or without BOM, or GBK as Excel
saves it) read here, or the same columns in a workbook read by :mod:`..exporters.enforcement_xlsx`.
Columns are found by their Chinese headers (:data:`PATROL_HEADERS`, :data:`CLUE_HEADERS`); an area
header may carry its unit in brackets (``占地面积（亩）``; ㎡ when none). A position is ``X``/``Y`` in the
store's CRS, ``经度``/``纬度`` (or X/Y within lon/lat ranges) in CGCS2000, or a ``WKT`` column for a
route, area or polygon. An import is all or nothing: every row error is listed with its line number.
Re-importing fills in, never erases: clues are matched by 线索编号, identical patrols are skipped.

Deadlines use the store's holiday list (setting ``holidays``, the text of
:meth:`~.workdays.WorkCalendar.from_text`) and rules (setting ``deadlines``, :class:`~.deadlines.DeadlineConfig`).
Grading matches the 违法 determinations' patches against the clues (setting ``grading``).
"""
from __future__ import annotations

import csv
import hashlib
import io
import math
import mimetypes
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, fields
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable, Iterable, Optional, Sequence, Tuple

import numpy as np
import shapely
from shapely.errors import GEOSException

from weipian_plugin.core.dates import DateError, parse_date
from weipian_plugin.core.enforcement.grading import (
    SOURCES,
    TOTAL,
    Clue,
    GradingConfig,
    GradingResult,
    SatellitePatch,
    grade,
)
from weipian_plugin.core.geo.crs import GEOGRAPHIC_EPSG, CrsError, transform_geoms
from weipian_plugin.core.review.exif import ExifError, PhotoInfo, read_photo_info
from weipian_plugin.core.schedule import holidays
from weipian_plugin.core.schedule.deadlines import (
    ClueDeadlines,
    DeadlineConfig,
    DeadlineItem,
    DeadlineState,
    major_violation_reasons,
)
from weipian_plugin.core.schedule.workdays import WorkCalendar
from weipian_plugin.core.statistics.ledger import NO_TOWNSHIP, Column
from weipian_plugin.core.store import gpkg, keys
from weipian_plugin.core.store.workstore import WorkStore, now_iso
from weipian_plugin.core.units import mu_to_m2

MAX_ERRORS_SHOWN = 20

PATROL_FIELDS = ("patrol_date", "township", "route", "people", "findings", "stop_measures", "handling_opinion")
CLUE_TEXT_FIELDS = ("clue_no", "source", "received_at", "township", "location", "description")
CLUE_AREA_FIELDS = ("land_m2", "cultivated_m2", "basic_farmland_m2")
CLUE_DATE_FIELDS = ("started", "discovered", "stop_notice", "reported", "major_reported", "filed", "closed")
CLUE_FLAG_FIELDS = ("is_mining", "major")
CLUE_FIELDS = CLUE_TEXT_FIELDS + CLUE_AREA_FIELDS + CLUE_FLAG_FIELDS + CLUE_DATE_FIELDS + ("extension_workdays",)

# key -> accepted headers (spaces ignored; a unit in brackets is read separately)
_GEOMETRY_HEADERS = {"x": ("X", "横坐标"), "y": ("Y", "纵坐标"), "lon": ("经度",), "lat": ("纬度",),
                     "wkt": ("WKT", "几何", "范围WKT")}
PATROL_HEADERS = {
    "patrol_date": ("巡查日期", "日期"), "township": ("乡镇", "乡镇（街道）", "所属乡镇"),
    "route": ("巡查路线", "路线"), "people": ("巡查人员", "人员"),
    "findings": ("发现问题", "发现情况", "发现违法行为情况"), "stop_measures": ("制止措施", "制止情况"),
    "handling_opinion": ("处理意见",), "wkt": ("路线WKT", "WKT", "几何", "范围WKT"),
    "finding_x": ("问题X",), "finding_y": ("问题Y",), "finding_lon": ("问题经度",), "finding_lat": ("问题纬度",),
    "finding_wkt": ("问题WKT",),
}
CLUE_HEADERS = {
    "clue_no": ("线索编号", "编号"), "source": ("来源", "线索来源"),
    "received_at": ("受理时间", "受理日期", "接报时间"), "township": ("乡镇", "乡镇（街道）", "所属乡镇"),
    "location": ("地点", "位置", "坐落"), "description": ("描述", "线索内容", "问题描述"),
    "land_m2": ("占地面积", "违法占地面积"), "cultivated_m2": ("耕地面积", "占用耕地面积"),
    "basic_farmland_m2": ("基本农田面积", "占用基本农田面积", "永久基本农田面积"),
    "is_mining": ("违法采矿", "是否采矿", "涉及采矿"), "major": ("重大案件", "是否重大"),
    "started": ("违法发生日期", "发生日期"), "discovered": ("发现日期",),
    "stop_notice": ("制止日期", "责令停止日期"), "reported": ("报告日期",), "major_reported": ("专项报告日期",),
    "filed": ("立案日期",), "closed": ("结案日期",), "extension_workdays": ("延长工作日",),
    **_GEOMETRY_HEADERS,
}
_AREA_UNITS = {"": 1.0, "㎡": 1.0, "m²": 1.0, "m2": 1.0, "平方米": 1.0, "亩": mu_to_m2(1.0), "公顷": 10_000.0}
_TRUE = {"是", "1", "y", "yes", "true", "√", "有"}
_FALSE = {"否", "0", "n", "no", "false", "无"}
_UNIT_RE = re.compile(r"^(.*?)[(（]([^()（）]*)[)）]$")


class EnforcementError(ValueError):
    """Bad template or bad values; the message (Chinese) lists the rows to fix."""


class EnforcementCancelled(Exception):
    """The import was cancelled; nothing was written."""


# -- reading templates -------------------------------------------------------------------------------
@dataclass(frozen=True)
class TemplateRows:
    """One template table: its headers, rows as {header: value} ({} for a blank row), and the file line
    (or sheet row) of the first row."""

    headers: Sequence[str]
    rows: Sequence[dict]
    first_line: int = 2
    source: str = ""


def decode_text(data: bytes) -> str:
    """A CSV's text as Excel and WPS save it: UTF-8 (BOM or not), else GBK (read as its superset GB18030)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise EnforcementError(f"无法识别文件编码（既不是UTF-8也不是GBK），请另存为“CSV UTF-8”：{exc}") from None


def read_csv_rows(path) -> TemplateRows:
    """The rows of a template CSV; blank rows are dropped (their line numbers still count)."""
    path = Path(path)
    text = decode_text(path.read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        raise EnforcementError(f"文件是空的：{path.name}")
    header = [h.strip() for h in header]
    rows = []
    for values in reader:
        row = dict(zip(header, values))
        rows.append(row if any((v or "").strip() for v in values) else {})
    return TemplateRows(header, rows, 2, path.name)


def split_header(header: str) -> tuple:
    """('占地面积', '亩') from '占地面积（亩）'; spaces are ignored."""
    text = re.sub(r"\s+", "", str(header or ""))
    m = _UNIT_RE.match(text)
    return (m.group(1), m.group(2)) if m else (text, "")


def _header_map(headers: Iterable[str], spec: dict) -> dict:
    """key -> (header, unit) for the template headers present; a header naming a unit (乡镇（街道）) is
    first matched whole."""
    alias = {a: k for k, names in spec.items() for a in names}
    found: dict = {}
    for header in headers:
        name, unit = split_header(header)
        whole = re.sub(r"\s+", "", str(header or ""))
        key = alias.get(whole) or alias.get(name)
        if key and key not in found:
            found[key] = (header, "" if alias.get(whole) else unit)
    return found


# -- value cleaning ----------------------------------------------------------------------------------
def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == ""


def _text(value: Any) -> Optional[str]:
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _number(value: Any, what: str, errors: list) -> Optional[float]:
    if _blank(value):
        return None
    try:
        x = float(str(value).replace(",", "").strip()) if not isinstance(value, (int, float)) else float(value)
    except ValueError:
        errors.append(f"{what}不是数字：“{value}”")
        return None
    if not math.isfinite(x) or x < 0:
        errors.append(f"{what}必须是非负数：“{value}”")
        return None
    return x


def _flag(value: Any, what: str, errors: list) -> Optional[int]:
    """1/0 from 是/否 (and the like); None when blank."""
    if _blank(value):
        return None
    if isinstance(value, (bool, int, float)) and value in (0, 1):
        return int(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return 1
    if text in _FALSE:
        return 0
    errors.append(f"{what}应填“是”或“否”：“{value}”")
    return 0


def _date(value: Any, what: str, errors: list) -> Optional[date]:
    try:
        return parse_date(value)
    except DateError as exc:
        errors.append(f"{what}：{exc}")
        return None


def normalise_source(value: Any) -> tuple:
    """(source, detail): one of :data:`~.grading.SOURCES`, and the original wording when it differs
    (12336热线 → 12336; 信访 → 其他 with 信访 kept)."""
    text = _text(value) or ""
    for source in SOURCES[:3]:
        if source in text:
            return source, (None if text == source else text)
    return "其他", (None if text in ("", "其他") else text)


def _geometry(values: dict, prefix: str, epsg: int, errors: list):
    """A geometry in the store CRS from WKT, X/Y or lon/lat (keys ``{prefix}wkt`` …); None when blank."""
    wkt = values.get(prefix + "wkt")
    geom = None
    if not _blank(wkt):
        try:
            geom = shapely.from_wkt(str(wkt).strip())
        except GEOSException as exc:
            errors.append(f"WKT无法识别：{exc}")
            return None
    else:
        for kx, ky, lonlat in (("x", "y", False), ("lon", "lat", True)):
            x, y = values.get(prefix + kx), values.get(prefix + ky)
            if _blank(x) and _blank(y):
                continue
            if _blank(x) or _blank(y):
                errors.append("坐标不完整：X和Y（或经度和纬度）要同时填写")
                return None
            x, y = _number(x, "经度" if lonlat else "X", errors), _number(y, "纬度" if lonlat else "Y", errors)
            if x is None or y is None:
                return None
            geom = shapely.Point(x, y)
            if lonlat and not (x <= 180 and y <= 90):
                errors.append(f"经纬度超出范围：{x}, {y}")
                return None
            break
    if geom is None:
        return None
    if geom.is_empty:
        errors.append("几何为空")
        return None
    minx, miny, maxx, maxy = geom.bounds
    if max(abs(minx), abs(maxx)) <= 180 and max(abs(miny), abs(maxy)) <= 90:  # lon/lat, not metres
        try:
            geom = transform_geoms(np.array([geom], dtype=object), GEOGRAPHIC_EPSG, epsg)[0]
        except CrsError as exc:
            errors.append(str(exc))
            return None
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    return geom


def clean_clue(values: dict, epsg: int, cfg: DeadlineConfig, errors: list) -> dict:
    """A clue's column values from template or form values keyed as :data:`CLUE_HEADERS`; problems go to
    ``errors``. Areas arrive in m² (template units are converted before). ``geom`` is None when none given."""
    out: dict = {k: _text(values.get(k)) for k in CLUE_TEXT_FIELDS}
    if _blank(values.get("source")):
        errors.append("来源不能为空（巡查、12336、微信或其他）")
    out["source"], out["source_detail"] = normalise_source(values.get("source"))
    labels = {k: v[0] for k, v in CLUE_HEADERS.items()}
    for k in CLUE_AREA_FIELDS:
        out[k] = _number(values.get(k), labels[k], errors)
    for k in CLUE_FLAG_FIELDS:
        out[k] = _flag(values.get(k), labels[k], errors)
    days = {k: _date(values.get(k), labels[k], errors) for k in CLUE_DATE_FIELDS}
    if days["discovered"] is None and out.get("received_at"):
        days["discovered"] = _date(out["received_at"], labels["received_at"], errors)
    discovered = days["discovered"]
    if discovered is None:
        errors.append("发现日期（或受理时间）不能为空")
    else:
        if days["started"] and days["started"] > discovered:
            errors.append("违法发生日期晚于发现日期")
        for k in ("stop_notice", "reported", "major_reported", "filed", "closed"):
            if days[k] and days[k] < discovered:
                errors.append(f"{labels[k]}早于发现日期")
    if days["filed"] and days["closed"] and days["closed"] < days["filed"]:
        errors.append("结案日期早于立案日期")
    out.update({k: d.isoformat() if d else None for k, d in days.items()})
    land, cultivated, farmland = (out[k] for k in CLUE_AREA_FIELDS)
    if land is not None and cultivated is not None and cultivated > land + 1e-6:
        errors.append("耕地面积大于占地面积")
    if cultivated is not None and farmland is not None and farmland > cultivated + 1e-6:
        errors.append("基本农田面积大于耕地面积")
    extension = _number(values.get("extension_workdays"), labels["extension_workdays"], errors)
    if extension is not None and not extension.is_integer():
        errors.append(f"延长工作日应为整数：{extension}")
    out["extension_workdays"] = None if extension is None else int(extension)
    if out["extension_workdays"]:
        if out["extension_workdays"] > cfg.max_extension_workdays:
            errors.append(f"延长期限不得超过{cfg.max_extension_workdays}个工作日")
        if not _major_reasons(out, cfg):
            errors.append("只有重大案件可以延长办结期限")
    out["geom"] = _geometry(values, "", epsg, errors)
    return out


def clean_patrol(values: dict, epsg: int, errors: list) -> dict:
    """A patrol's column values (keys :data:`PATROL_FIELDS`, ``wkt`` for the route) plus ``finding_geom``."""
    out: dict = {k: _text(values.get(k)) for k in PATROL_FIELDS}
    day = _date(values.get("patrol_date"), "巡查日期", errors)
    if _blank(values.get("patrol_date")):
        errors.append("巡查日期不能为空")
    out["patrol_date"] = day.isoformat() if day else None
    out["geom"] = _geometry(values, "", epsg, errors)
    out["finding_geom"] = _geometry(values, "finding_", epsg, errors)
    return out


def _keyed(row: dict, columns: dict, errors: list) -> dict:
    """Template row -> {key: value}; areas converted to m² by the header's unit."""
    out = {}
    for key, (header, unit) in columns.items():
        value = row.get(header)
        if key in CLUE_AREA_FIELDS and not _blank(value):
            factor = _AREA_UNITS.get(unit)
            if factor is None:
                errors.append(f"{header}的单位“{unit}”无法识别（亩、㎡或公顷）")
                continue
            number = _number(value, header, errors)
            value = None if number is None else number * factor
        out[key] = value
    return out


# -- importing ---------------------------------------------------------------------------------------
@dataclass
class ImportSummary:
    patrols_added: int = 0
    patrols_skipped: int = 0
    findings_added: int = 0
    clues_added: int = 0
    clues_updated: int = 0

    def summary(self) -> str:
        return (f"巡查记录新增{self.patrols_added}条（重复跳过{self.patrols_skipped}条），发现问题点位{self.findings_added}个；"
                f"线索新增{self.clues_added}条，更新{self.clues_updated}条")


def _clean_rows(table: Optional[TemplateRows], spec: dict, required: tuple, clean: Callable,
                errors: list, is_cancelled: Callable[[], bool]) -> list:
    if table is None:
        return []
    columns = _header_map(table.headers, spec)
    missing = [spec[k][0] for k in required if k not in columns]
    if missing:
        raise EnforcementError(f"{table.source}缺少列：{'、'.join(missing)}")
    out = []
    for i, row in enumerate(table.rows):
        if i % 200 == 0 and is_cancelled():
            raise EnforcementCancelled()
        if not row:
            continue
        row_errors: list = []
        value = clean(_keyed(row, columns, row_errors), row_errors)
        errors.extend(f"{table.source}第{table.first_line + i}行：{e}" for e in row_errors)
        out.append(value)
    return out


def import_enforcement(store: WorkStore, patrols: Optional[TemplateRows] = None,
                       clues: Optional[TemplateRows] = None,
                       is_cancelled: Callable[[], bool] = lambda: False) -> ImportSummary:
    """Import template rows in one transaction; EnforcementError lists every bad row and writes nothing."""
    epsg, cfg = store.epsg, deadline_config(store)
    errors: list = []
    patrol_rows = _clean_rows(patrols, PATROL_HEADERS, ("patrol_date",),
                              lambda v, e: clean_patrol(v, epsg, e), errors, is_cancelled)
    clue_rows = _clean_rows(clues, CLUE_HEADERS, ("source",),
                            lambda v, e: clean_clue(v, epsg, cfg, e), errors, is_cancelled)
    nos = Counter(c["clue_no"] for c in clue_rows if c["clue_no"])
    errors.extend(f"{clues.source}：线索编号重复：{n}" for n, k in sorted(nos.items()) if k > 1)
    if errors:
        more = f"\n……共{len(errors)}处错误" if len(errors) > MAX_ERRORS_SHOWN else ""
        raise EnforcementError("导入失败，未写入任何数据：\n" + "\n".join(errors[:MAX_ERRORS_SHOWN]) + more)
    result = ImportSummary()
    with store.transaction() as conn:
        for row in patrol_rows:
            if is_cancelled():
                raise EnforcementCancelled()
            same = conn.execute(
                "SELECT 1 FROM patrols WHERE patrol_date=? AND township IS ? AND route IS ? AND people IS ? "
                "AND findings IS ?", [row[k] for k in ("patrol_date", "township", "route", "people", "findings")]
            ).fetchone()
            if same:
                result.patrols_skipped += 1
                continue
            fid = _insert_patrol(conn, row, epsg)
            result.patrols_added += 1
            if row["finding_geom"] is not None:
                _insert_finding(conn, fid, row["finding_geom"], row["findings"], epsg)
                result.findings_added += 1
        for row in clue_rows:
            if is_cancelled():
                raise EnforcementCancelled()
            row["clue_no"] = row["clue_no"] or _next_clue_no(conn, row["discovered"])
            exists = _upsert_clue(conn, row, epsg)
            result.clues_updated += exists
            result.clues_added += not exists
        for table in ("patrols", "patrol_findings", "clues"):
            gpkg.update_extent(conn, table)
    return result


def import_enforcement_csv(store: WorkStore, patrols_csv=None, clues_csv=None,
                           is_cancelled: Callable[[], bool] = lambda: False) -> ImportSummary:
    """Import the patrol and/or clue template CSVs (either may be None)."""
    return import_enforcement(store, read_csv_rows(patrols_csv) if patrols_csv else None,
                              read_csv_rows(clues_csv) if clues_csv else None, is_cancelled)


def _blob(geom, epsg: int) -> Optional[bytes]:
    return None if geom is None else gpkg.encode(np.array([geom], dtype=object), epsg)[0]


def _insert_patrol(conn: sqlite3.Connection, row: dict, epsg: int) -> int:
    cur = conn.execute(
        f"INSERT INTO patrols (geom, {', '.join(PATROL_FIELDS)}, updated_at) VALUES (?, {', '.join('?' * len(PATROL_FIELDS))}, ?)",
        (_blob(row["geom"], epsg), *(row[k] for k in PATROL_FIELDS), now_iso()))
    return cur.lastrowid


def _insert_finding(conn: sqlite3.Connection, patrol_fid: int, geom, description: Optional[str], epsg: int) -> int:
    cur = conn.execute("INSERT INTO patrol_findings (geom, patrol_fid, description, updated_at) VALUES (?, ?, ?, ?)",
                       (_blob(geom, epsg), patrol_fid, description, now_iso()))
    return cur.lastrowid


_CLUE_COLUMNS = CLUE_FIELDS + ("source_detail",)
_REPLACED = ("source", "source_detail", "updated_at")
_ZERO_WHEN_BLANK = CLUE_FLAG_FIELDS + ("extension_workdays",)


def _upsert_clue(conn: sqlite3.Connection, row: dict, epsg: int) -> bool:
    """Insert the clue, or fill in the one with its number (blanks keep stored values); True if it existed.

    Not an SQL UPSERT: its conflict handling would override the R*Tree triggers' INSERT OR REPLACE."""
    values = {"geom": _blob(row["geom"], epsg), **{c: row[c] for c in _CLUE_COLUMNS}, "updated_at": now_iso()}
    found = conn.execute("SELECT fid FROM clues WHERE clue_no=?", (row["clue_no"],)).fetchone()
    if found is None:
        values.update({c: values[c] or 0 for c in _ZERO_WHEN_BLANK})
        conn.execute(f"INSERT INTO clues ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                     tuple(values.values()))
        return False
    cols = [c for c in values if c != "clue_no"]
    sets = ", ".join(f"{c}=?" if c in _REPLACED else f"{c}=coalesce(?, {c})" for c in cols)
    conn.execute(f"UPDATE clues SET {sets} WHERE fid=?", (*(values[c] for c in cols), found[0]))
    return True


def _next_clue_no(conn: sqlite3.Connection, discovered: str) -> str:
    """XS + discovery date + a free 3-digit number, for clues logged without one."""
    prefix = "XS" + discovered.replace("-", "")
    k = 1
    while conn.execute("SELECT 1 FROM clues WHERE clue_no=?", (f"{prefix}{k:03d}",)).fetchone():
        k += 1
    return f"{prefix}{k:03d}"


# -- editing -----------------------------------------------------------------------------------------
_KEEP = object()


def save_patrol(store: WorkStore, values: dict, fid: Optional[int] = None, geometry: Any = _KEEP) -> int:
    """Add (``fid`` None) or update a patrol from form values keyed :data:`PATROL_FIELDS`; ``geometry``
    (shapely, store CRS; None clears it) replaces the route when given. Returns the fid."""
    errors: list = []
    row = clean_patrol({k: values.get(k) for k in PATROL_FIELDS}, store.epsg, errors)
    if errors:
        raise EnforcementError("；".join(errors))
    epsg = store.epsg
    with store.transaction() as conn:
        if fid is None:
            row["geom"] = None if geometry is _KEEP else geometry
            fid = _insert_patrol(conn, row, epsg)
        else:
            sets = [f"{k}=?" for k in PATROL_FIELDS] + ["updated_at=?"]
            params = [row[k] for k in PATROL_FIELDS] + [now_iso()]
            if geometry is not _KEEP:
                sets.append("geom=?")
                params.append(_blob(geometry, epsg))
            if conn.execute(f"UPDATE patrols SET {', '.join(sets)} WHERE fid=?", (*params, fid)).rowcount != 1:
                raise EnforcementError(f"巡查记录不存在（fid={fid}）")
        gpkg.update_extent(conn, "patrols")
    return fid


def delete_patrol(store: WorkStore, fid: int) -> None:
    """Remove a patrol with its findings and their photos."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM patrols WHERE fid=?", (fid,))


def add_finding(store: WorkStore, patrol_fid: int, geometry, description: Optional[str]) -> int:
    """A finding of a patrol: a point or polygon (shapely, store CRS) with its description."""
    if geometry is None or geometry.is_empty:
        raise EnforcementError("发现问题需要点位或范围")
    with store.transaction() as conn:
        if not conn.execute("SELECT 1 FROM patrols WHERE fid=?", (patrol_fid,)).fetchone():
            raise EnforcementError(f"巡查记录不存在（fid={patrol_fid}）")
        fid = _insert_finding(conn, patrol_fid, geometry, _text(description), store.epsg)
        gpkg.update_extent(conn, "patrol_findings")
    return fid


def add_finding_photo(store: WorkStore, finding_fid: int, file_path) -> int:
    """Store a photo (or any file) with a finding; a JPEG keeps its EXIF time, position and bearing."""
    source = Path(file_path)
    if not source.is_file():
        raise EnforcementError(f"文件不存在：{source}")
    data = source.read_bytes()
    mime = mimetypes.guess_type(source.name, strict=False)[0] or "application/octet-stream"
    try:
        info = read_photo_info(data) if mime == "image/jpeg" else PhotoInfo()
    except ExifError:
        info = PhotoInfo()
    with store.transaction() as conn:
        if not conn.execute("SELECT 1 FROM patrol_findings WHERE fid=?", (finding_fid,)).fetchone():
            raise EnforcementError(f"发现问题不存在（fid={finding_fid}）")
        cur = conn.execute(
            "INSERT INTO finding_attachments (finding_fid, file_name, mime_type, added_at, taken_at, longitude, "
            "latitude, bearing, size_bytes, sha256, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (finding_fid, source.name, mime, now_iso(), info.taken_at, info.longitude, info.latitude, info.bearing,
             len(data), hashlib.sha256(data).hexdigest(), sqlite3.Binary(data)))
        return cur.lastrowid


def save_clue(store: WorkStore, fid: int, values: dict) -> None:
    """Update a clue's status dates, areas and flags from form values (keys of :data:`CLUE_FIELDS`);
    blank clears a value (a flag to 否). Validated as on import."""
    current = clue_values(store, fid)
    merged = {**current, **values}
    errors: list = []
    row = clean_clue({k: merged.get(k) for k in CLUE_FIELDS}, store.epsg, deadline_config(store), errors)
    if errors:
        raise EnforcementError("；".join(errors))
    cols = [c for c in CLUE_FIELDS if c not in ("clue_no", "source")]
    row.update({c: row[c] or 0 for c in _ZERO_WHEN_BLANK})
    with store.transaction() as conn:
        conn.execute(f"UPDATE clues SET {', '.join(f'{c}=?' for c in cols)}, updated_at=? WHERE fid=?",
                     (*(row[c] for c in cols), now_iso(), fid))


def clue_values(store: WorkStore, fid: int) -> dict:
    cur = store.conn.execute(f"SELECT {', '.join(CLUE_FIELDS)} FROM clues WHERE fid=?", (fid,))
    row = cur.fetchone()
    if row is None:
        raise EnforcementError(f"线索不存在（fid={fid}）")
    return dict(zip(CLUE_FIELDS, row))


# -- settings ----------------------------------------------------------------------------------------
def holidays_text(store: WorkStore) -> str:
    """The holiday list in force: the store's (setting ``holidays``, once saved) or the shipped one."""
    return holidays.calendar_text(keys.HOLIDAYS.read(store))


def calendar(store: WorkStore) -> WorkCalendar:
    """The store's working-day calendar (weekends plus :func:`holidays_text`)."""
    return WorkCalendar.from_text(holidays_text(store))


def store_year(store: WorkStore) -> int:
    """The store's year (its metadata, else the latest batch's, else this year)."""
    meta = (store.meta("year") or "").strip()
    if meta.isdigit():
        return int(meta)
    latest = store.conn.execute("SELECT max(substr(received_date, 1, 4)) FROM batches").fetchone()[0]
    return int(latest) if latest and latest.isdigit() else date.today().year


def holiday_warning(store: WorkStore) -> Optional[str]:
    """A warning when the store's year has no (or only a provisional) holiday and 调休 list."""
    return holidays.year_warning(holidays_text(store), store_year(store))


def set_holidays(store: WorkStore, text: str) -> WorkCalendar:
    """Check and save the holiday list (ValueError naming the bad line, nothing saved)."""
    cal = WorkCalendar.from_text(text)
    keys.HOLIDAYS.write(store, text)
    return cal


def deadline_config(store: WorkStore) -> DeadlineConfig:
    return DeadlineConfig.load(store, keys.DEADLINES)


def grading_config(store: WorkStore) -> GradingConfig:
    return GradingConfig.load(store, keys.GRADING)


# -- deadlines ---------------------------------------------------------------------------------------
def _major_reasons(row: dict, cfg: DeadlineConfig) -> list:
    reasons = major_violation_reasons(row.get("land_m2") or 0.0, row.get("cultivated_m2") or 0.0,
                                      row.get("basic_farmland_m2") or 0.0, bool(row.get("is_mining")), cfg)
    return reasons + (["认定为重大案件"] if row.get("major") else [])


@dataclass(frozen=True)
class ClueStatus:
    """A clue with its deadlines on a given day."""

    fid: int
    clue_no: str
    source: str
    township: str
    location: Optional[str]
    description: Optional[str]
    received_at: Optional[str]
    discovered: date
    land_m2: Optional[float]
    cultivated_m2: Optional[float]
    basic_farmland_m2: Optional[float]
    major_reasons: tuple
    deadlines: ClueDeadlines

    @property
    def major(self) -> bool:
        return self.deadlines.major

    @property
    def overdue(self) -> bool:
        return bool(self.deadlines.overdue)

    @property
    def next_due(self) -> Optional[DeadlineItem]:
        """The earliest deadline still open (pending or overdue)."""
        open_items = [i for i in self.deadlines.items
                      if i.state in (DeadlineState.PENDING, DeadlineState.OVERDUE)]
        return min(open_items, key=lambda i: i.due, default=None)


_STATUS_COLUMNS = ("fid", "clue_no", "source", "township", "location", "description", "received_at",
                   "land_m2", "cultivated_m2", "basic_farmland_m2", "is_mining", "major", "started", "discovered",
                   "stop_notice", "reported", "major_reported", "filed", "closed", "extension_workdays")


def clue_deadlines(store: WorkStore, today: date) -> list:
    """Every clue's :class:`ClueStatus` on ``today`` with the store's calendar and deadline rules,
    ordered by discovery date and number."""
    cal, cfg = calendar(store), deadline_config(store)
    rows = store.conn.execute(
        f"SELECT {', '.join(_STATUS_COLUMNS)} FROM clues ORDER BY discovered, clue_no").fetchall()
    out = []
    for values in rows:
        row = dict(zip(_STATUS_COLUMNS, values))
        try:
            days = {k: parse_date(row[k]) for k in CLUE_DATE_FIELDS}
            reasons = _major_reasons(row, cfg)
            deadlines = ClueDeadlines.compute(
                days["discovered"], today=today, calendar=cal, cfg=cfg, started=days["started"],
                stop_notice=days["stop_notice"], reported=days["reported"], major_reported=days["major_reported"],
                filed=days["filed"], closed=days["closed"], major=bool(reasons),
                extension_workdays=row["extension_workdays"] or 0)
        except (DateError, ValueError, TypeError) as exc:
            raise EnforcementError(f"线索 {row['clue_no']} 的数据有误：{exc}") from exc
        out.append(ClueStatus(
            row["fid"], row["clue_no"], row["source"], row["township"] or NO_TOWNSHIP, row["location"],
            row["description"], row["received_at"], days["discovered"], row["land_m2"], row["cultivated_m2"],
            row["basic_farmland_m2"], tuple(reasons), deadlines))
    return out


# -- grading -----------------------------------------------------------------------------------------
_PATCH_SQL = """
SELECT p.fid, p.jcbh, b.name, coalesce(p.township_name, ''), p.area_m2, p.geom,
       coalesce(p.hsx, b.received_date, substr(p.imported_at, 1, 10)),
       r.case_filed = 1 OR r.case_number IS NOT NULL OR r.case_date IS NOT NULL,
       r.closed_date IS NOT NULL, r.case_filed = 0 AND r.no_case_reason IS NOT NULL
FROM patches p
JOIN batches b ON b.id = p.batch_id
JOIN determinations d ON d.patch_fid = p.fid
LEFT JOIN rectifications r ON r.patch_fid = p.fid
WHERE d.result = '违法' AND p.split_state != '被拆分' AND p.geom IS NOT NULL
  AND p.fid NOT IN (SELECT patch_fid FROM military_land) {where}
ORDER BY p.township_name, p.jcbh, p.fid"""


def _illegal_patches(store: WorkStore, year: Optional[int] = None) -> tuple:
    """(SatellitePatch list with their own 查处 records, {patch_id: details}) of ``year`` (batch receipt,
    else 后时相); patches without an after-date use the batch's receipt."""
    where, params = "", []
    if year is not None:
        where, params = "AND substr(coalesce(b.received_date, p.hsx, ''), 1, 4) = ?", [f"{int(year):04d}"]
    rows = store.conn.execute(_PATCH_SQL.format(where=where), params).fetchall()
    geoms = gpkg.decode([r[5] for r in rows])
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
    sql = ("SELECT clue_no, source, township, geom, discovered, stop_notice, filed, closed FROM clues "
           "WHERE geom IS NOT NULL")
    params: list = []
    if year is not None:
        sql += " AND substr(discovered, 1, 4) = ?"
        params.append(f"{int(year):04d}")
    rows = store.conn.execute(sql + " ORDER BY fid", params).fetchall()
    geoms = gpkg.decode([r[3] for r in rows])
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


# -- patrol frequency ---------------------------------------------------------------------------------
PATROLS_PER_WEEK = 2
"""国土所: at least two full-area patrols a week (seed 004)."""


@dataclass(frozen=True)
class PatrolFrequencyRow:
    township: str
    month: str
    """YYYY-MM: the month of the weeks' Thursdays (ISO weeks, Monday to Sunday)."""
    patrols: int
    weeks: int
    """Whole weeks of the month that had ended by ``today``."""
    short_weeks: Tuple[str, ...]
    """Mondays of the weeks with fewer than :data:`PATROLS_PER_WEEK` patrols."""

    @property
    def passed(self) -> Optional[bool]:
        return None if self.weeks == 0 else not self.short_weeks

    @property
    def short_count(self) -> int:
        return len(self.short_weeks)

    @property
    def short_text(self) -> Optional[str]:
        return "、".join(self.short_weeks) or None


PATROL_FREQUENCY_COLUMNS = (
    Column("township", "", "乡镇"), Column("month", "", "月份"), Column("patrols", "", "巡查次数", "次", 0),
    Column("weeks", "", "已过完整周数", "周", 0), Column("short_count", "", "未达2次的周数", "周", 0),
    Column("passed", "", "是否达标"), Column("short_text", "", "未达标的周（周一）"),
)


def patrol_frequency(store: WorkStore, year: int, today: date) -> list:
    """Per township (of the patrols and the patches) and month of ``year``: patrols in each whole ISO
    week ended by ``today`` against :data:`PATROLS_PER_WEEK` (a week belongs to its Thursday's month)."""
    counts: Counter = Counter()
    townships = {t for (t,) in store.conn.execute(
        "SELECT DISTINCT township_name FROM patches WHERE township_name IS NOT NULL AND township_name != '' "
        "AND split_state != '被拆分' AND fid NOT IN (SELECT patch_fid FROM military_land)")}
    for day, township in store.conn.execute("SELECT patrol_date, coalesce(township, '') FROM patrols"):
        d = parse_date(day)
        monday = d - timedelta(days=d.weekday())
        counts[(township or NO_TOWNSHIP, monday)] += 1
        townships.add(township or NO_TOWNSHIP)
    monday = date(year, 1, 1) - timedelta(days=date(year, 1, 1).weekday())
    weeks: dict = {}
    while monday + timedelta(days=6) < min(today, date(year + 1, 1, 4)):
        thursday = monday + timedelta(days=3)
        if thursday.year == year:
            weeks.setdefault(f"{thursday.year:04d}-{thursday.month:02d}", []).append(monday)
        monday += timedelta(days=7)
    rows = []
    for township in sorted(townships):
        for month, mondays in weeks.items():
            rows.append(PatrolFrequencyRow(
                township, month, sum(counts[(township, m)] for m in mondays), len(mondays),
                tuple(m.isoformat() for m in mondays if counts[(township, m)] < PATROLS_PER_WEEK)))
    return rows


# -- display rows (xlsx, HTML and the dock format values through these) --------------------------------
PATROL_COLUMNS = (
    Column("patrol_date", "", "巡查日期"), Column("township", "", "乡镇"), Column("route", "", "巡查路线"),
    Column("people", "", "巡查人员"), Column("findings", "", "发现问题"), Column("stop_measures", "", "制止措施"),
    Column("handling_opinion", "", "处理意见"), Column("n_findings", "", "问题点位", "个", 0),
)


def patrol_rows(store: WorkStore) -> list:
    """The patrol ledger, newest first."""
    cur = store.conn.execute(
        f"SELECT p.fid, {', '.join('p.' + k for k in PATROL_FIELDS)}, p.geom IS NOT NULL, "
        "(SELECT count(*) FROM patrol_findings f WHERE f.patrol_fid = p.fid) "
        "FROM patrols p ORDER BY p.patrol_date DESC, p.fid DESC")
    names = ("fid",) + PATROL_FIELDS + ("has_geom", "n_findings")
    return [SimpleNamespace(**dict(zip(names, r))) for r in cur]


def patrol_findings(store: WorkStore, patrol_fid: int) -> list:
    """A patrol's findings: fid, description, geometry type, photo count."""
    cur = store.conn.execute(
        "SELECT f.fid, f.description, f.geom, (SELECT count(*) FROM finding_attachments a WHERE a.finding_fid = f.fid) "
        "FROM patrol_findings f WHERE f.patrol_fid = ? ORDER BY f.fid", (patrol_fid,))
    rows = cur.fetchall()
    geoms = gpkg.decode([r[2] for r in rows])
    return [SimpleNamespace(fid=r[0], description=r[1], geom_type=g.geom_type if g is not None else None, photos=r[3])
            for r, g in zip(rows, geoms)]


_STEPS = (("stop", "stop_notice", "制止"), ("report", "report", "报告"), ("major_report", "major_report", "专项报告"),
          ("filing", "filing", "立案"), ("closing", "closing", "结案"))
CLUE_COLUMNS = (
    Column("clue_no", "", "线索编号"), Column("source", "", "来源"), Column("township", "", "乡镇"),
    Column("location", "", "地点"), Column("description", "", "描述"), Column("received_at", "", "受理时间"),
    Column("land_mu", "", "占地面积", "亩", 2), Column("cultivated_mu", "", "耕地面积", "亩", 2),
    Column("basic_farmland_mu", "", "基本农田面积", "亩", 2),
    Column("major", "", "重大违法"), Column("major_reasons", "", "重大原因"),
    Column("discovered", "", "发现日期"), Column("stage", "", "当前环节"),
    *(c for key, _, label in _STEPS for c in (
        Column(f"{key}_due", "", f"{label}期限"),
        Column(f"{key}_done", "", "专项报告日期" if key == "major_report" else f"{label}日期"),
        Column(f"{key}_state", "", f"{label}状态"))),
    Column("overdue_items", "", "逾期事项"),
)


def _iso(d: Optional[date]) -> Optional[str]:
    return d.isoformat() if d else None


def clue_rows(statuses: Sequence[ClueStatus]) -> list:
    """Flat display rows of :data:`CLUE_COLUMNS` (dates ISO text; ``overdue`` for highlighting)."""
    out = []
    for s in statuses:
        d = s.deadlines
        row = dict(clue_no=s.clue_no, source=s.source, township=s.township, location=s.location,
                   description=s.description, received_at=s.received_at, land_m2=s.land_m2,
                   cultivated_m2=s.cultivated_m2, basic_farmland_m2=s.basic_farmland_m2, major=s.major,
                   major_reasons="、".join(s.major_reasons) or None, discovered=_iso(s.discovered),
                   stage=d.stage, overdue=s.overdue, fid=s.fid,
                   overdue_items="、".join(i.name for i in d.overdue) or None)
        for key, attr, _ in _STEPS:
            item = getattr(d, attr)
            row[f"{key}_due"] = _iso(item.due) if item else None
            row[f"{key}_done"] = _iso(item.done) if item else None
            row[f"{key}_state"] = item.state.value if item else None
        out.append(SimpleNamespace(**row))
    return out


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
"""How each rate of the grading sheet is computed, printed under the table (seed 004's bases)."""


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
