"""The bureau's patrol and clue templates: reading CSV text, finding columns by their Chinese headers, and
cleaning each row's values (areas with their units, dates, flags, positions) before anything is written.

Columns are found by their Chinese headers (:data:`PATROL_HEADERS`, :data:`CLUE_HEADERS`); an area
header may carry its unit in brackets (``占地面积（亩）``; ㎡ when none). A position is ``X``/``Y`` in the
store's CRS, ``经度``/``纬度`` (or X/Y within lon/lat ranges) in CGCS2000, or a ``WKT`` column for a
route, area or polygon.
"""
from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

import numpy as np
import shapely
from shapely.errors import GEOSException

from weipian_plugin.core.dates import DateError, parse_date
from weipian_plugin.core.enforcement.errors import EnforcementError
from weipian_plugin.core.enforcement.grading import (
    SOURCES,
)
from weipian_plugin.core.geo.crs import GEOGRAPHIC_EPSG, CrsError, transform_geoms
from weipian_plugin.core.schedule.deadlines import (
    DeadlineConfig,
    major_violation_reasons,
)
from weipian_plugin.core.units import mu_to_m2

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


def _major_reasons(row: dict, cfg: DeadlineConfig) -> list:
    reasons = major_violation_reasons(row.get("land_m2") or 0.0, row.get("cultivated_m2") or 0.0,
                                      row.get("basic_farmland_m2") or 0.0, bool(row.get("is_mining")), cfg)
    return reasons + (["认定为重大案件"] if row.get("major") else [])
