"""CGCS2000 coordinate systems: Gauss–Krüger zones, detection for files without a usable .prj.

County data is CGCS2000, either lon/lat (EPSG:4490) or Gauss–Krüger. Files often lack a .prj, or carry
an ESRI .prj whose datum name PROJ does not recognise, so the CRS is also read from the zone name and,
failing that, from the coordinates themselves (docs/DOMAIN.md §2). Guessing an unprefixed easting's zone is
never done: a wrong zone silently shifts every patch by hundreds of kilometres.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, Optional, Tuple

import numpy as np
import pyproj
import pyproj.datadir
import shapely
from pyproj.exceptions import CRSError as ProjCRSError

GEOGRAPHIC_EPSG = 4490
GK3_ZONES = range(25, 46)

# EPSG code -> (zone number, zone width in degrees, easting prefixed with the zone number)
_GK: Dict[int, Tuple[int, int, bool]] = {
    **{4513 + i: (25 + i, 3, True) for i in range(21)},
    **{4534 + i: (25 + i, 3, False) for i in range(21)},
    **{4491 + i: (13 + i, 6, True) for i in range(11)},
    **{4502 + i: (13 + i, 6, False) for i in range(11)},
}
_GK6_ZONES = range(13, 24)
_MERCATOR_MAX_X = 15_200_000.0  # Web Mercator easting of 136.5°E, the east edge of China

_LON_RANGE = (73.0, 136.0)
_LAT_RANGE = (3.0, 54.0)
_NORTHING_RANGE = (1e5, 1e7)  # 3°N..54°N is roughly 330 km..6000 km

_SEP = r"[\s_\-/]*"
_GK3_NAME = rf"CGCS{_SEP}2000{_SEP}3{_SEP}Degree{_SEP}G(?:K|auss{_SEP}Kruger){_SEP}"
_ZONE_NAME = re.compile(rf"{_GK3_NAME}Zone{_SEP}(\d+)", re.I)  # ESRI: CGCS2000_3_Degree_GK_Zone_39
_CM_NAME = re.compile(rf"{_GK3_NAME}CM{_SEP}(\d+)\s*E", re.I)  # ESRI: CGCS2000_3_Degree_GK_CM_117E
_GEOG_NAME = re.compile(rf"^\s*GEOG(?:CS|CRS)\[\s*\"[^\"]*(?:CGCS{_SEP}2000|China{_SEP}Geodetic)", re.I)


class CrsError(ValueError):
    """The coordinate system cannot be determined or used; the message is for the user (Chinese)."""


@dataclass(frozen=True)
class CrsGuess:
    epsg: int
    source: str  # 'prj' or 'coordinates'
    description: str


def gk_zone_epsg(zone: int, prefixed: bool = True) -> int:
    """EPSG code of CGCS2000 3° Gauss–Krüger zone ``zone`` (25–45)."""
    if zone not in GK3_ZONES:
        raise CrsError(f"3度带带号{zone}超出CGCS2000范围（25–45）")
    return (4513 if prefixed else 4534) + zone - 25


def zone_central_meridian(zone: int) -> float:
    """Central meridian (degrees east) of 3° zone ``zone``."""
    return 3.0 * zone


def zone_for_longitude(lon: float) -> int:
    """3° zone whose central meridian is nearest to ``lon``."""
    return int(np.floor(lon / 3.0 + 0.5))


def _epsg_label(epsg: int) -> str:
    if epsg == GEOGRAPHIC_EPSG:
        return f"CGCS2000经纬度（EPSG:{epsg}）"
    if epsg in _GK:
        zone, width, prefixed = _GK[epsg]
        cm = zone * 3 if width == 3 else zone * 6 - 3
        kind = "带号前缀" if prefixed else "无带号前缀"
        return f"CGCS2000 {width}度带第{zone}带，中央经线{cm}°E，{kind}（EPSG:{epsg}）"
    return f"EPSG:{epsg}"


def chinese_crs_name(epsg: int) -> str:
    """The name a Chinese map sheet prints for ``epsg``: 「2000国家大地坐标系 3度带 第39带（中央经线117°）」.

    Built from the EPSG code (QGIS's own description is English); other codes are named by their code.
    """
    if epsg == GEOGRAPHIC_EPSG:
        return "2000国家大地坐标系（经纬度）"
    if epsg in _GK:
        zone, width, _prefixed = _GK[epsg]
        cm = zone * 3 if width == 3 else zone * 6 - 3
        return f"2000国家大地坐标系 {width}度带 第{zone}带（中央经线{cm}°）"
    return f"EPSG:{epsg}"


def _finite(xs: np.ndarray, ys: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    xs = np.asarray(xs, dtype=float).ravel()
    ys = np.asarray(ys, dtype=float).ravel()
    ok = np.isfinite(xs) & np.isfinite(ys)
    return xs[ok], ys[ok]


def _within(values: np.ndarray, bounds: Tuple[float, float]) -> bool:
    return bool(values.min() >= bounds[0] and values.max() <= bounds[1])


def _from_coordinates(xs: np.ndarray, ys: np.ndarray) -> CrsGuess:
    """The CRS the (finite, non-empty) coordinates name, or CrsError."""
    if _within(xs, _LON_RANGE) and _within(ys, _LAT_RANGE):
        return CrsGuess(GEOGRAPHIC_EPSG, "coordinates", f"由坐标推断：经纬度，{_epsg_label(GEOGRAPHIC_EPSG)}")
    northing_ok = _within(ys, _NORTHING_RANGE)
    if northing_ok and _within(xs, (1e7, 1e8 - 1)):
        zones = np.unique((xs // 1e6).astype(int))
        if len(zones) > 1:
            listed = "、".join(str(z) for z in zones)
            raise CrsError(f"坐标跨多个投影带（带号{listed}），无法确定坐标系，请检查数据或手动选择坐标系")
        zone = int(zones[0])
        if zone in GK3_ZONES:
            epsg, width = gk_zone_epsg(zone), 3
        elif zone in _GK6_ZONES and xs.max() < _MERCATOR_MAX_X:
            # Web Mercator eastings of China (8.1–15.2 million) read like 6° zones 13–15: do not guess.
            raise CrsError(f"横坐标既可能是6度带第{zone}带（EPSG:{4491 + zone - 13}），也可能是Web 墨卡托（EPSG:3857），"
                           "无法判断坐标系：请手动选择坐标系（处理工具的 CRS 参数或导入对话框中的坐标系）")
        elif zone in _GK6_ZONES:
            epsg, width = 4491 + zone - 13, 6
        else:
            raise CrsError(f"8位横坐标的带号{zone}不是中国范围内的高斯-克吕格带号，请手动选择坐标系")
        return CrsGuess(epsg, "coordinates", f"由坐标推断：8位横坐标，{width}度带第{zone}带（EPSG:{epsg}）")
    if northing_ok and _within(xs, (1.0, 1e6 - 1)):
        raise CrsError("横坐标为6位、不带带号，无法判断所在投影带：请手动选择坐标系（如 CGCS2000 3度带 CM 117E）")
    raise CrsError("坐标范围混杂或既不像经纬度也不像高斯-克吕格坐标，无法判断坐标系，请手动选择坐标系")


def _fits(epsg: int, xs: np.ndarray, ys: np.ndarray) -> bool:
    """Whether coordinates are plausible in a CGCS2000 CRS (other CRSs are not checked)."""
    if epsg == GEOGRAPHIC_EPSG:
        return _within(xs, _LON_RANGE) and _within(ys, _LAT_RANGE)
    if epsg not in _GK:
        return True
    zone, _, prefixed = _GK[epsg]
    if prefixed:
        return _within(xs // 1e6, (zone, zone)) and _within(ys, _NORTHING_RANGE)
    return _within(xs, (1.0, 1e6 - 1)) and _within(ys, _NORTHING_RANGE)


@lru_cache(maxsize=64)
def _epsg_from_prj(prj_text: str) -> Tuple[Optional[int], str]:
    """EPSG code named by a .prj, by PROJ's identification or else by the ESRI names Chinese tools write.

    Cached: PROJ's identification takes ~0.1 s and a county's layers share a handful of .prj texts."""
    name = ""
    try:
        crs = pyproj.CRS.from_wkt(prj_text)
        name = crs.name
        epsg = crs.to_epsg(min_confidence=70)
        if epsg is not None:
            return epsg, name
    except ProjCRSError:
        pass
    for text in (name, prj_text):
        zone = _ZONE_NAME.search(text)
        if zone and int(zone.group(1)) in GK3_ZONES:
            return gk_zone_epsg(int(zone.group(1))), name
        cm = _CM_NAME.search(text)
        if cm and int(cm.group(1)) % 3 == 0 and int(cm.group(1)) // 3 in GK3_ZONES:
            return gk_zone_epsg(int(cm.group(1)) // 3, prefixed=False), name
    if _GEOG_NAME.search(prj_text):
        return GEOGRAPHIC_EPSG, name
    return None, name


def detect_crs(prj_text: Optional[str], xs: np.ndarray, ys: np.ndarray) -> CrsGuess:
    """The CRS of a layer from its .prj text (may be None) and its vertex coordinates.

    A .prj naming a CGCS2000 CRS that the coordinates plainly contradict (e.g. a zone-39 .prj on lon/lat
    data) is overruled by the coordinates when they are unambiguous, and reported in the description.
    """
    xs, ys = _finite(xs, ys)
    note = ""
    if prj_text and prj_text.strip():
        keep_thread_context()
        epsg, name = _epsg_from_prj(prj_text)
        if epsg is None:
            note = ".prj无法识别；"
        elif len(xs) == 0 or _fits(epsg, xs, ys):
            label = f"{name}（EPSG:{epsg}）" if name else _epsg_label(epsg)
            return CrsGuess(epsg, "prj", f"由.prj识别：{label}")
        else:
            note = f".prj声明为EPSG:{epsg}但坐标与之不符；"
    if len(xs) == 0:
        raise CrsError(f"{note}没有可用的.prj，也没有坐标可供判断坐标系，请手动选择坐标系")
    try:
        guess = _from_coordinates(xs, ys)
    except CrsError as exc:
        raise CrsError(f"{note}{exc}") from None
    return CrsGuess(guess.epsg, guess.source, note + guess.description)


# pyproj 3.7 keeps each thread's PROJ context in OS-thread storage but frees it with the Python thread state
# (pyproj#1509, #1622). QGIS runs tasks on pool threads whose Python thread state is made anew for each task,
# so the next task on that thread would use the freed context and crash QGIS. Holding each thread's context
# manager here keeps its context alive as long as the thread; a new thread with a reused id replaces it.
_THREAD_CONTEXTS: Dict[int, object] = {}


def keep_thread_context() -> None:
    """Keep the calling thread's pyproj context alive across QGIS tasks (see above); cheap, call freely."""
    try:
        from pyproj._context import get_context_manager
    except ImportError:  # a pyproj without per-thread context managers has nothing to keep
        return
    pyproj.datadir.get_user_data_dir()  # creates this thread's context if there is none yet
    manager = get_context_manager()
    if manager is not None:  # None: the context outlived an earlier thread state and is already kept
        _THREAD_CONTEXTS[threading.get_native_id()] = manager


def is_geographic(epsg: int) -> bool:
    """Whether EPSG:``epsg`` is a geographic (lon/lat) CRS."""
    keep_thread_context()
    return _is_geographic(epsg)


@lru_cache(maxsize=None)
def _is_geographic(epsg: int) -> bool:
    return pyproj.CRS.from_epsg(epsg).is_geographic


def projected_crs_for(epsg: int, xs: np.ndarray, ys: np.ndarray) -> int:
    """The store's projected CRS for data in ``epsg``: a CGCS2000 Gauss–Krüger CRS is kept as is; anything
    else goes to the prefixed 3° zone of the data's median longitude (ellipsoidal area and overlay both
    need a conformal plane close to the data)."""
    if epsg in _GK:
        return epsg
    xs, ys = _finite(xs, ys)
    if len(xs) == 0:
        raise CrsError("没有坐标，无法确定投影带")
    x, y = float(np.median(xs)), float(np.median(ys))
    lon = x if is_geographic(epsg) else transformer(epsg, GEOGRAPHIC_EPSG).transform(x, y)[0]
    return gk_zone_epsg(zone_for_longitude(lon))


def transformer(src_epsg: int, dst_epsg: int) -> pyproj.Transformer:
    """Cached lon/lat-ordered transformer (pyproj ≥ 3.1 transformers are safe to share across threads)."""
    keep_thread_context()
    return _transformer(src_epsg, dst_epsg)


@lru_cache(maxsize=64)
def _transformer(src_epsg: int, dst_epsg: int) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(src_epsg, dst_epsg, always_xy=True)


def transform_geoms(geoms: np.ndarray, src_epsg: int, dst_epsg: int) -> np.ndarray:
    """Reproject an array of shapely geometries in one pyproj call; CrsError if any vertex fails."""
    if src_epsg == dst_epsg:
        return geoms
    tr = transformer(src_epsg, dst_epsg)

    def _apply(coords: np.ndarray) -> np.ndarray:
        x, y = tr.transform(coords[:, 0], coords[:, 1])
        out = np.column_stack([x, y])
        if not np.isfinite(out).all():
            raise CrsError(f"坐标从EPSG:{src_epsg}转换到EPSG:{dst_epsg}失败：部分坐标超出范围，请检查坐标系")
        return out

    return shapely.transform(geoms, _apply)
