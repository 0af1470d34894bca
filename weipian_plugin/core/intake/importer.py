"""Import a ministry patch shapefile into the work store.

A broken file is a clear error that changes nothing; bad rows are rejected with a Chinese reason; a
re-import updates patches in place (matched by batch and JCBH), so determinations made on them stay.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional

import numpy as np
import shapely

from weipian_plugin.core.dates import DateError, parse_date
from weipian_plugin.core.geo.area import ellipsoidal_area
from weipian_plugin.core.geo.crs import CrsGuess, detect_crs, projected_crs_for, transform_geoms
from weipian_plugin.core.intake import fieldmap
from weipian_plugin.core.intake.encoding import EncodingGuess, detect_shapefile_encoding
from weipian_plugin.core.schedule.deadlines import DeadlineConfig, determination_due
from weipian_plugin.core.store import gpkg
from weipian_plugin.core.store.workstore import PATCH_TABLE, WorkStore, now_iso
from weipian_plugin.core.units import MU_M2

_POLYGONAL = {"Polygon", "MultiPolygon"}
_SIDECARS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


class ImportFailed(ValueError):
    """The file cannot be imported at all; nothing was written (message in Chinese)."""


class ImportCancelled(Exception):
    pass


@dataclass
class ImportResult:
    batch: str
    inserted: int = 0
    updated: int = 0
    rejected: int = 0
    repaired: int = 0
    reject_reasons: Counter = field(default_factory=Counter)
    encoding: Optional[EncodingGuess] = None
    crs: Optional[CrsGuess] = None
    field_map: Optional[fieldmap.FieldMap] = None
    area_unit: str = ""
    kept_not_in_file: int = 0

    @property
    def imported(self) -> int:
        return self.inserted + self.updated

    def summary(self) -> str:
        lines = [f"批次“{self.batch}”：导入 {self.imported} 个图斑（新增 {self.inserted}，更新 {self.updated}），"
                 f"拒收 {self.rejected} 个，修复几何 {self.repaired} 个。"]
        lines += [f"  拒收原因：{reason} × {n}" for reason, n in self.reject_reasons.most_common()]
        if self.kept_not_in_file:
            lines.append(f"  库中有 {self.kept_not_in_file} 个图斑不在本次文件中，已保留未删除。")
        if self.encoding:
            lines.append(f"  编码：{self.encoding.description}")
        if self.crs:
            lines.append(f"  坐标系：{self.crs.description}")
        if self.field_map:
            lines.append(f"  {self.field_map.describe()}")
        if self.area_unit:
            lines.append(f"  监测面积单位：{self.area_unit}")
        return "\n".join(lines)


def _sidecar(shp: Path, ext: str) -> Optional[Path]:
    """Sidecar files next to the .shp, matched case-insensitively (Windows users rename freely)."""
    for candidate in shp.parent.glob(shp.stem + ".*"):
        if candidate.suffix.lower() == ext:
            return candidate
    return None


def checksum(shp: Path) -> str:
    digest = hashlib.sha256()
    for ext in _SIDECARS:
        part = _sidecar(shp, ext)
        if part:
            digest.update(part.read_bytes())
    return digest.hexdigest()


def read_shapefile(shp: Path, encoding: str):
    """(field names, {name: values}, shapely geometries); any reader failure is an ImportFailed."""
    import pyogrio.raw

    for ext in (".shp", ".shx", ".dbf"):
        if _sidecar(shp, ext) is None:
            raise ImportFailed(f"shapefile 不完整：缺少 {shp.stem}{ext}")
    try:
        meta, _, wkb, values = pyogrio.raw.read(str(shp), encoding=encoding)
    except Exception as exc:  # pyogrio raises several types for corrupt files; all mean "unreadable"
        raise ImportFailed(f"无法读取 {shp.name}：{exc}") from exc
    names = list(meta["fields"])
    try:
        geoms = shapely.from_wkb(wkb, on_invalid="ignore")
    except Exception as exc:
        raise ImportFailed(f"{shp.name} 的几何数据已损坏：{exc}") from exc
    return names, dict(zip(names, values)), geoms


def _jsonable(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return None if isinstance(value, float) and np.isnan(value) else value
    if isinstance(value, np.generic):
        return _jsonable(value.item())
    return str(value)


def _text(value) -> Optional[str]:
    value = _jsonable(value)
    if value is None:
        return None
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    return text or None


def _iso_date(value) -> Optional[str]:
    if isinstance(value, np.datetime64):
        value = str(value)[:10]
    try:
        parsed = parse_date(_jsonable(value))
    except DateError:
        return None
    return parsed.isoformat() if parsed else None


def detect_area_unit(declared: np.ndarray, area_m2: np.ndarray) -> str:
    """'亩' or '平方米' for the issued area field, from its median ratio to the computed area."""
    declared = np.asarray(declared, dtype=float)
    ok = np.isfinite(declared) & (declared > 0) & (area_m2 > 0)
    if not ok.any():
        return ""
    ratio = float(np.median(declared[ok] / area_m2[ok]))
    return "亩" if abs(ratio * MU_M2 - 1) < abs(ratio - 1) else "平方米"


def _to_multipolygons(geoms: np.ndarray) -> np.ndarray:
    parts, index = shapely.get_parts(geoms, return_index=True)
    out = np.empty(len(geoms), dtype=object)
    out[:] = shapely.multipolygons(parts, indices=index) if len(parts) else []
    return out


def _polygonal_part(geom):
    """make_valid may return a collection; keep its polygonal part."""
    if geom is None or geom.geom_type in _POLYGONAL:
        return geom
    polys = [g for g in shapely.get_parts(geom) if g.geom_type in _POLYGONAL]
    return shapely.union_all(polys) if polys else None


def import_patches(store: WorkStore, shp_path, batch: Optional[str] = None,
                   received: Optional[dt.date] = None, encoding: Optional[str] = None,
                   field_map: Optional[str] = None,
                   progress: Optional[Callable[[float], None]] = None,
                   is_cancelled: Optional[Callable[[], bool]] = None) -> ImportResult:
    shp = Path(shp_path)
    if not shp.is_file():
        raise ImportFailed(f"文件不存在：{shp}")
    batch = (batch or shp.stem).strip()
    result = ImportResult(batch)

    def step(fraction: float) -> None:
        if is_cancelled and is_cancelled():
            raise ImportCancelled()
        if progress:
            progress(fraction)

    existing = store.batch(batch)
    if existing and store.conn.execute(
            "SELECT locks FROM stage_events WHERE batch_id=? ORDER BY id DESC LIMIT 1",
            (existing["id"],)).fetchone() in ((1,),):
        raise ImportFailed(f"批次“{batch}”已上报锁定，不能重新导入。")

    result.encoding = detect_shapefile_encoding(shp, encoding)
    names, values, geoms = read_shapefile(shp, result.encoding.encoding)
    step(0.2)
    if field_map:
        result.field_map = fieldmap.parse(field_map, names)
    else:
        result.field_map = fieldmap.detect(names, store.setting("field_map"))
    mapping = result.field_map.mapping

    prj = _sidecar(shp, ".prj")
    coords = shapely.get_coordinates(geoms[~shapely.is_missing(geoms)])
    if not len(coords):
        raise ImportFailed(f"{shp.name} 中没有任何几何图形。")
    result.crs = detect_crs(prj.read_text(errors="replace") if prj else None, coords[:, 0], coords[:, 1])

    n = len(geoms)
    reasons: List[Optional[str]] = [None] * n
    repaired = np.zeros(n, dtype=bool)
    jcbh = [_text(v) for v in values[mapping["jcbh"]]]
    seen: Dict[str, int] = {}
    missing = shapely.is_missing(geoms)
    empty = missing | shapely.is_empty(np.where(missing, None, geoms))
    types = shapely.get_type_id(geoms)
    valid = shapely.is_valid(geoms)
    for i in range(n):
        if empty[i]:
            reasons[i] = "几何为空"
        elif types[i] not in (3, 6):
            reasons[i] = f"非面状几何（{geoms[i].geom_type}）"
        elif not jcbh[i]:
            reasons[i] = "监测编号为空"
        elif jcbh[i] in seen:
            reasons[i] = f"批次内监测编号重复（与第 {seen[jcbh[i]] + 1} 行相同）"
        else:
            seen[jcbh[i]] = i
            if not valid[i]:
                fixed = _polygonal_part(shapely.make_valid(geoms[i]))
                if fixed is None or fixed.is_empty:
                    reasons[i] = "几何无效且无法修复"
                else:
                    geoms[i] = fixed
                    repaired[i] = True
    step(0.4)
    keep = np.array([r is None for r in reasons], dtype=bool)
    kept = _to_multipolygons(geoms[keep])
    if result.crs.epsg != store.epsg:
        kept = transform_geoms(kept, result.crs.epsg, store.epsg)
    area_m2 = ellipsoidal_area(kept, store.epsg)
    step(0.6)

    jcmj_raw = np.array([_jsonable(v) for v in values[mapping["jcmj"]]], dtype=object)[keep] \
        if "jcmj" in mapping else np.full(keep.sum(), None, dtype=object)
    declared = np.array([float(v) if isinstance(v, (int, float)) else np.nan for v in jcmj_raw])
    result.area_unit = detect_area_unit(declared, area_m2)
    jcmj_m2 = declared * MU_M2 if result.area_unit == "亩" else declared

    received = received or dt.date.today()
    deadline_cfg = DeadlineConfig.from_dict(store.setting("deadlines", {}))
    due = determination_due(received, deadline_cfg).isoformat()
    stamp = now_iso()

    def column(canonical: str, convert=_text) -> list:
        if canonical not in mapping:
            return [None] * int(keep.sum())
        return [convert(v) for v, k in zip(values[mapping[canonical]], keep) if k]

    rows_idx = np.flatnonzero(keep)
    attrs_json = [json.dumps({f: _jsonable(values[f][i]) for f in names}, ensure_ascii=False) for i in rows_idx]
    blobs = gpkg.encode(kept, store.epsg)
    cols = {c: column(c) for c in ("xzqdm", "xmc", "tblx", "tz", "sfyn", "sfhx", "dlbm")}
    qsx, hsx = column("qsx", _iso_date), column("hsx", _iso_date)
    jcbh_kept = [jcbh[i] for i in rows_idx]

    with store.transaction() as conn:
        conn.execute(
            """INSERT INTO batches (name, received_date, file_name, checksum, encoding, encoding_source,
                 source_epsg, crs_source, field_map, area_unit, imported_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(name) DO UPDATE SET received_date=excluded.received_date,
                 file_name=excluded.file_name, checksum=excluded.checksum, encoding=excluded.encoding,
                 encoding_source=excluded.encoding_source, source_epsg=excluded.source_epsg,
                 crs_source=excluded.crs_source, field_map=excluded.field_map,
                 area_unit=excluded.area_unit, imported_at=excluded.imported_at""",
            (batch, received.isoformat(), shp.name, checksum(shp), result.encoding.encoding,
             result.encoding.source, result.crs.epsg, result.crs.source, result.field_map.to_json(),
             result.area_unit, stamp))
        batch_id = conn.execute("SELECT id FROM batches WHERE name=?", (batch,)).fetchone()[0]
        before = dict(conn.execute("SELECT jcbh, fid FROM patches WHERE batch_id=?", (batch_id,)))
        # Plain UPDATE/INSERT, not an UPSERT: an upsert's conflict clause would override the OR REPLACE
        # inside the GeoPackage R*Tree triggers.
        rows = [(blobs[k], cols["xzqdm"][k], cols["xmc"][k], cols["tblx"][k], qsx[k], hsx[k],
                 None if np.isnan(jcmj_m2[k]) else float(jcmj_m2[k]), cols["tz"][k], cols["sfyn"][k],
                 cols["sfhx"][k], cols["dlbm"][k], float(area_m2[k]), float(area_m2[k] / MU_M2),
                 int(repaired[i]), int(i) + 1, attrs_json[k], due, stamp, jcbh_kept[k])
                for k, i in enumerate(rows_idx)]
        conn.executemany(
            f"""UPDATE {PATCH_TABLE} SET geom=?, xzqdm=?, xmc=?, tblx=?, qsx=?, hsx=?, jcmj_m2=?, tz=?, sfyn=?,
                 sfhx=?, dlbm=?, area_m2=?, area_mu=?, geom_repaired=?, source_row=?, source_attrs=?,
                 due_date=?, updated_at=? WHERE batch_id={int(batch_id)} AND jcbh=?""",
            [r for r in rows if r[-1] in before])
        conn.executemany(
            f"""INSERT INTO {PATCH_TABLE} (geom, xzqdm, xmc, tblx, qsx, hsx, jcmj_m2, tz, sfyn, sfhx, dlbm,
                 area_m2, area_mu, geom_repaired, source_row, source_attrs, due_date, imported_at, updated_at,
                 jcbh, batch_id)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [r[:-1] + (stamp, r[-1], batch_id) for r in rows if r[-1] not in before])
        step(0.8)
        conn.execute("DELETE FROM rejects WHERE batch_id=?", (batch_id,))
        conn.executemany(
            "INSERT INTO rejects (batch_id, source_row, jcbh, reason, source_attrs, geom_wkt) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(batch_id, i + 1, jcbh[i], reasons[i],
              json.dumps({f: _jsonable(values[f][i]) for f in names}, ensure_ascii=False),
              None if geoms[i] is None else shapely.to_wkt(geoms[i], rounding_precision=3))
             for i in range(n) if reasons[i]])
        count = conn.execute("SELECT count(*) FROM patches WHERE batch_id=?", (batch_id,)).fetchone()[0]
        result.rejected = sum(1 for r in reasons if r)
        conn.execute("UPDATE batches SET patch_count=?, reject_count=? WHERE id=?",
                     (count, result.rejected, batch_id))
        store.set_setting("field_map", mapping, conn)
        gpkg.update_extent(conn, PATCH_TABLE)
        step(1.0)

    result.updated = len(before.keys() & set(jcbh_kept))
    result.inserted = len(jcbh_kept) - result.updated
    result.kept_not_in_file = len(before.keys() - set(jcbh_kept))
    result.repaired = int(repaired.sum())
    result.reject_reasons = Counter(r.split("（")[0] for r in reasons if r)
    return result


def create_store_for(store_path, shp_path, encoding: Optional[str] = None, year: Optional[int] = None) -> WorkStore:
    """A new store in the projected CGCS2000 zone of the first batch (lon/lat data → its 3° zone)."""
    shp = Path(shp_path)
    guess = detect_shapefile_encoding(shp, encoding)
    names, values, geoms = read_shapefile(shp, guess.encoding)
    coords = shapely.get_coordinates(geoms[~shapely.is_missing(geoms)])
    if not len(coords):
        raise ImportFailed(f"{shp.name} 中没有任何几何图形。")
    prj = _sidecar(shp, ".prj")
    crs = detect_crs(prj.read_text(errors="replace") if prj else None, coords[:, 0], coords[:, 1])
    mapping = fieldmap.detect(names).mapping
    county = next((t for t in (_text(v) for v in values.get(mapping.get("xmc", ""), [])) if t), "")
    code = next((t for t in (_text(v) for v in values.get(mapping.get("xzqdm", ""), [])) if t), "")
    return WorkStore.create(store_path, projected_crs_for(crs.epsg, coords[:, 0], coords[:, 1]),
                            county_name=county, county_code=code, year=year or dt.date.today().year)
