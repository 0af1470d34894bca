"""Reading reference vector files into shapely arrays plus attribute columns.

Reference layers (三调 DLTB, 批文 red lines, 采矿权 …) arrive as shapefiles in GBK or UTF-8, in any
CGCS2000 CRS, often with invalid rings. :func:`read_vector` gives the overlay engine what it needs:
valid polygonal geometries in the store CRS and columns looked up by name case-insensitively
(``PZWH`` / ``pzwh`` / ``批准文号``). :func:`from_wkb` does the same for geometries that the GUI took
from a QGIS layer, so that path needs no pyogrio.
"""
from __future__ import annotations

import datetime as _dt
import functools
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import pyogrio
import pyogrio.errors
import shapely

from weipian_plugin.core.dates import DateError, parse_date
from weipian_plugin.core.geo.crs import CrsError, detect_crs, is_geographic, transform_geoms, transformer
from weipian_plugin.core.intake.encoding import detect_shapefile_encoding
from weipian_plugin.core.store.gpkg import decode

_POLYGON = int(shapely.GeometryType.POLYGON)
_COLLECTIONS = (
    int(shapely.GeometryType.MULTIPOLYGON),
    int(shapely.GeometryType.MULTILINESTRING),
    int(shapely.GeometryType.MULTIPOINT),
    int(shapely.GeometryType.GEOMETRYCOLLECTION),
)


class VectorReadError(ValueError):
    """A reference file that cannot be read; the message is Chinese and names the file."""


@dataclass
class VectorData:
    """Valid polygonal geometries with their attribute columns (row i of every column = geoms[i])."""

    geoms: np.ndarray
    attrs: dict[str, np.ndarray]
    epsg: int | None
    invalid_repaired: int = 0
    dropped_empty: int = 0
    source: str = ""
    fids: np.ndarray | None = None
    """Feature ids in the source (OGR FID / QGIS feature id), to select the feature back in QGIS."""

    def __len__(self) -> int:
        return len(self.geoms)

    def field(self, *names: str) -> str | None:
        """The actual column name matching the first of ``names`` present, case-insensitively."""
        lower = {k.lower(): k for k in self.attrs}
        for name in names:
            hit = lower.get(name.lower())
            if hit is not None:
                return hit
        return None

    def column(self, *names: str) -> np.ndarray | None:
        name = self.field(*names)
        return None if name is None else self.attrs[name]

    def text(self, *names: str, rows: np.ndarray | None = None) -> np.ndarray:
        """Column as stripped strings ('' for null or a missing column); whole numbers lose their '.0'.

        ``rows`` (indices) converts only those rows: the overlay reads the few thousand DLTB rows a
        chunk of patches touches, not all two million.
        """
        return self._convert(names, rows, _TEXT, "")

    def numbers(self, *names: str, rows: np.ndarray | None = None) -> np.ndarray:
        """Column as float64 (NaN for null, unparseable or a missing column)."""
        col = self.column(*names)
        if col is not None and col.dtype.kind in "iufb":
            return (col if rows is None else col[rows]).astype(np.float64)
        return self._convert(names, rows, _NUMBER, np.nan).astype(np.float64)

    def dates(self, *names: str, rows: np.ndarray | None = None) -> np.ndarray:
        """Column as ``datetime.date`` objects (None for null, garbage or a missing column)."""
        return self._convert(names, rows, _DATE, None)

    def _convert(self, names: tuple[str, ...], rows: np.ndarray | None, func: np.ufunc, missing: object) -> np.ndarray:
        col = self.column(*names)
        n = len(self) if rows is None else len(rows)
        if col is None or n == 0:
            return np.full(n, missing, dtype=object)
        return func(col if rows is None else col[rows]).astype(object)


def to_date(value: object) -> _dt.date | None:
    """A date from a DBF date, datetime, number or text; None when absent or unparseable (never raises)."""
    try:
        return parse_date(value)
    except DateError:
        return None


def to_text(value: object) -> str:
    """Attribute value as text: stripped, '' for null/NaN, 101.0 → '101' (codes stored as numbers)."""
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return ""
        if float(value).is_integer():
            return str(int(value))
    return str(value).strip()


def _to_number(value: object) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


# frompyfunc runs the per-value conversion inside numpy's loop: several times faster than a Python loop.
_TEXT = np.frompyfunc(to_text, 1, 1)
_NUMBER = np.frompyfunc(_to_number, 1, 1)
_DATE = np.frompyfunc(to_date, 1, 1)


def read_vector(
    path: str | Path,
    layer: str | int | None = None,
    *,
    target_epsg: int | None = None,
    source_epsg: int | None = None,
    encoding: str | None = None,
    columns: Sequence[str] | None = None,
    near: np.ndarray | None = None,
) -> VectorData:
    """Read one layer of a vector file, reprojected to ``target_epsg`` and repaired.

    ``encoding`` overrides the detected shapefile encoding; ``source_epsg`` overrides the file's CRS
    (for a shapefile without ``.prj`` whose coordinates do not reveal it). ``near`` (boxes
    ``minx, miny, maxx, maxy`` in ``target_epsg``) limits the read to features whose envelopes meet one:
    a county's DLTB has millions of polygons and the month's patches touch a few per cent of them.
    """
    return _read(Path(path), layer, target_epsg, source_epsg, encoding, columns, near, False)[0]


def read_vector_wkb(
    path: str | Path,
    layer: str | int | None = None,
    *,
    target_epsg: int | None = None,
    encoding: str | None = None,
    columns: Sequence[str] | None = None,
) -> tuple[VectorData, np.ndarray, np.ndarray]:
    """:func:`read_vector` of a whole layer, with its geometries' WKB (little-endian 2D, byte for byte
    what ``shapely.to_wkb(g, byte_order=1, output_dimension=2)`` writes) and bounds, as registering a
    layer stores them. GDAL's WKB (pyogrio asks for little-endian, 2D with ``force_2d``) is kept for
    the geometries neither reprojected nor repaired: writing two million polygons again took seconds."""
    return _read(Path(path), layer, target_epsg, None, encoding, columns, None, True)


def _read(path: Path, layer: str | int | None, target_epsg: int | None, source_epsg: int | None,
          encoding: str | None, columns: Sequence[str] | None, near: np.ndarray | None, keep_wkb: bool):
    name = path.name if layer is None else f"{path.name}（图层 {layer}）"
    if not path.exists():
        raise VectorReadError(f"矢量文件不存在：{path}")
    prj_text = None
    try:
        if near is not None and path.suffix.lower() == ".gpkg" and target_epsg is not None:
            fast = _read_gpkg_near(path, layer, near, target_epsg, columns)
            if fast is not None:
                geoms, attrs, source_epsg, fids = fast
                return _build(geoms, attrs, source_epsg, None, target_epsg, name, str(path), fids)
        if path.suffix.lower() == ".shp":
            encoding = detect_shapefile_encoding(path, encoding).encoding
            prj = next((p for p in path.parent.iterdir() if p.name.lower() == f"{path.stem.lower()}.prj"), None)
            # Read the .prj ourselves: GDAL rewrites the ESRI names that crs.detect_crs recognises.
            prj_text = prj.read_text(encoding="latin-1") if prj is not None else None
        if near is None:
            meta, fids, wkbs, values, geoms, valid, bounds = _read_checked(str(path), layer, encoding, columns)
        else:
            subset = _bbox_near(path, layer, near, target_epsg)
            meta, fids, wkbs, values = pyogrio.raw.read(
                str(path), layer=layer, encoding=encoding, columns=columns, force_2d=True, return_fids=True, **subset
            )
            geoms, valid, bounds = shapely.from_wkb(wkbs), None, None
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, shapely.errors.GEOSException,
            sqlite3.DatabaseError, OSError, ValueError) as exc:
        raise VectorReadError(f"无法读取矢量文件 {name}：{exc}") from exc
    attrs = {str(f): _normalise_column(v) for f, v in zip(meta["fields"], values)}
    if source_epsg is None and prj_text is None:
        crs = meta.get("crs") or ""
        if crs.upper().startswith("EPSG:"):
            source_epsg = int(crs[5:])
        else:
            prj_text = crs or None
    return _build(geoms, attrs, source_epsg, prj_text, target_epsg, name, str(path), fids,
                  wkbs if keep_wkb else None, valid, bounds)


_SLICE = 200_000
"""Features per pyogrio call of a whole-layer read (:func:`_read_checked`)."""


def _check(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return shapely.is_valid(geoms), shapely.bounds(geoms)


def _share(values: np.ndarray, shared: dict) -> np.ndarray:
    """A text column with its equal texts as one object: GDAL makes a string per row, and a county's
    DLTB repeats a few dozen class names two million times (hundreds of MB of copies)."""
    if values.dtype != object:
        return values
    items = values.tolist()
    if not set(map(type, items)) <= {str, type(None)}:
        return values
    out = np.empty(len(items), dtype=object)
    out[:] = list(map(shared.setdefault, items, items))
    return out


def _read_checked(path: str, layer: str | int | None, encoding: str | None, columns: Sequence[str] | None):
    """pyogrio's read of a whole layer (meta, fids, wkbs, values) with the geometries, their validity and
    bounds. GDAL reads holding the GIL and GEOS checks validity releasing it, so the layer is read in
    slices and a second thread checks each slice while the next is read: the repair's validity check of
    two million polygons (1.7 s) and their bounds then cost no time. The worker needs the GIL only to
    start and end each check: work holding it (equal texts made one object, :func:`_share`, before the
    next slice adds its copies) stays on the reading thread, else the worker waits for every read.
    A layer whose count GDAL does not know, or whose slices do not add up to it, is read whole (pyogrio
    starts again from the first feature when asked to skip all of them)."""
    count = pyogrio.read_info(path, layer=layer, encoding=encoding).get("features", -1)
    if count is None or count <= _SLICE:
        count = -1
    read = functools.partial(pyogrio.raw.read, path, layer=layer, encoding=encoding, columns=columns,
                             force_2d=True, return_fids=True)
    parts, shared = [], None
    with ThreadPoolExecutor(1) as pool:
        for skip in range(0, count, _SLICE):
            meta, fids, wkbs, values = read(skip_features=skip, max_features=min(_SLICE, count - skip))
            if len(wkbs) != min(_SLICE, count - skip):
                parts, count = [], -1
                break
            geoms = shapely.from_wkb(wkbs)
            check = pool.submit(_check, geoms)
            shared = shared or [{} for _ in values]
            parts.append((fids, wkbs, [_share(v, d) for v, d in zip(values, shared)], geoms, check))
            del values
    if count < 0:
        meta, fids, wkbs, values = read()
        geoms = shapely.from_wkb(wkbs)
        return (meta, fids, wkbs, [_share(v, {}) for v in values], geoms, *_check(geoms))
    fids, wkbs, values, geoms, checks = zip(*parts)
    del parts
    valid, bounds = zip(*(c.result() for c in checks))
    return (meta, np.concatenate(fids), np.concatenate(wkbs), [np.concatenate(v) for v in zip(*values)],
            np.concatenate(geoms), np.concatenate(valid), np.concatenate(bounds))


def layer_summary(path: str | Path, layer: str | int | None = None,
                  target_epsg: int | None = None) -> tuple[int | None, tuple | None]:
    """(feature count, extent in ``target_epsg``) of a whole vector layer, from its header (no features
    read); None for what the file does not tell (no count, or no declared CRS to place the extent)."""
    try:
        info = pyogrio.read_info(str(path), layer=layer)
    except Exception:  # unreadable here means unreadable for the analysis too, which says so itself
        return None, None
    count = info.get("features")
    count = None if count is None or count < 0 else int(count)
    bounds, crs = info.get("total_bounds"), info.get("crs") or ""
    if bounds is None or not crs.upper().startswith("EPSG:") or target_epsg is None or not count:
        return count, None
    xs, ys = transformer(int(crs[5:]), target_epsg).transform([bounds[0], bounds[2], bounds[0], bounds[2]],
                                                               [bounds[1], bounds[1], bounds[3], bounds[3]])
    return count, (min(xs), min(ys), max(xs), max(ys))


def _boxes_in(src_epsg: int, near: np.ndarray, target_epsg: int) -> np.ndarray:
    """``near`` (boxes in ``target_epsg``) as boxes in the layer's CRS, padded so that features merely
    touching a patch are not lost to rounding."""
    boxes = np.asarray(near, dtype=np.float64).reshape(-1, 4)
    if src_epsg != target_epsg:
        tx, ty = transformer(target_epsg, src_epsg).transform(boxes[:, [0, 2, 0, 2]], boxes[:, [1, 1, 3, 3]])
        boxes = np.column_stack([tx.min(1), ty.min(1), tx.max(1), ty.max(1)])
    pad = 1e-5 if is_geographic(src_epsg) else 1.0
    return boxes + np.array([-pad, -pad, pad, pad])


def _bbox_near(path: Path, layer: str | int | None, near: np.ndarray, target_epsg: int | None) -> dict:
    """pyogrio's ``bbox`` around all of ``near``, when the layer's CRS is an EPSG code (else no filter)."""
    crs = pyogrio.read_info(str(path), layer=layer).get("crs") or ""
    if not crs.upper().startswith("EPSG:") or target_epsg is None or not len(near):
        return {}
    boxes = _boxes_in(int(crs[5:]), near, target_epsg)
    return {"bbox": (boxes[:, 0].min(), boxes[:, 1].min(), boxes[:, 2].max(), boxes[:, 3].max())}


def _read_gpkg_near(path: Path, layer: str | int | None, near: np.ndarray, target_epsg: int,
                    columns: Sequence[str] | None):
    """(geoms, attrs, epsg, fids) of a GeoPackage layer's features whose R*Tree envelopes meet a box of
    ``near``, read with sqlite3 directly: GDAL fetches FIDs one query at a time, which is several times
    slower for the hundreds of thousands of DLTB polygons near a month's patches. None when the layer
    has no R*Tree or its CRS is not an EPSG code (the caller then reads it through GDAL)."""
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT c.table_name FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name")]
        table = tables[layer] if isinstance(layer, int) else (layer or (tables[0] if tables else None))
        row = conn.execute(
            "SELECT g.table_name, g.column_name, s.organization, s.organization_coordsys_id "
            "FROM gpkg_geometry_columns g JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id "
            "WHERE lower(g.table_name) = lower(?)", (table,)).fetchone()
        if row is None or str(row[2]).upper() != "EPSG":
            return None
        table, geom_col, _, epsg = row
        rtree = f"rtree_{table}_{geom_col}"
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (rtree,)).fetchone():
            return None
        info = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
        fid_col = next(r[1] for r in info if r[5] == 1)
        wanted = {c.upper() for c in columns} if columns is not None else None
        names = [r[1] for r in info if r[1] not in (fid_col, geom_col) and (wanted is None or r[1].upper() in wanted)]
        boxes = _boxes_in(int(epsg), near, target_epsg)
        conn.execute("CREATE TEMP TABLE boxes (minx REAL, maxx REAL, miny REAL, maxy REAL)")
        conn.execute("CREATE TEMP TABLE hits (id INTEGER PRIMARY KEY)")
        conn.executemany("INSERT INTO boxes VALUES (?, ?, ?, ?)", boxes[:, [0, 2, 1, 3]].tolist())
        # CROSS JOIN keeps the boxes as the outer loop, so each box is one R*Tree lookup (not a scan).
        conn.execute(f'INSERT OR IGNORE INTO hits SELECT r.id FROM boxes b CROSS JOIN "{rtree}" r '
                     "WHERE r.minx <= b.maxx AND r.maxx >= b.minx AND r.miny <= b.maxy AND r.maxy >= b.miny")
        select = ", ".join(f't."{c}"' for c in [fid_col, geom_col, *names])
        rows = conn.execute(f'SELECT {select} FROM hits h JOIN "{table}" t ON t."{fid_col}" = h.id '
                            "ORDER BY h.id").fetchall()
    finally:
        conn.close()
    cols = list(zip(*rows)) if rows else [()] * (2 + len(names))
    geoms = decode(cols[1])
    attrs = {n: _normalise_column(np.array(v, dtype=object)) for n, v in zip(names, cols[2:])}
    return geoms, attrs, int(epsg), np.array(cols[0], dtype=np.int64)


def from_wkb(
    wkbs: Sequence[bytes | None] | np.ndarray,
    attrs: Mapping[str, Sequence[object] | np.ndarray],
    epsg: int | None,
    *,
    target_epsg: int | None = None,
    source: str = "",
    fids: Sequence[int] | np.ndarray | None = None,
) -> VectorData:
    """Build :class:`VectorData` from WKB (e.g. a QGIS layer's features), reprojected and repaired."""
    geoms = shapely.from_wkb(np.asarray(wkbs, dtype=object))
    cols = {str(k): _normalise_column(np.asarray(v)) for k, v in attrs.items()}
    fid_array = None if fids is None else np.asarray(fids, dtype=np.int64)
    return _build(geoms, cols, epsg, None, target_epsg, Path(source).name or "图层", source, fid_array)[0]


def _normalise_column(values: np.ndarray) -> np.ndarray:
    """DBF/GPKG dates become ``datetime.date`` objects so rules never see numpy datetimes."""
    if values.dtype.kind == "M":
        unit = np.datetime_data(values.dtype)[0]
        return values.astype("datetime64[D]" if unit in ("D", "W", "M", "Y") else values.dtype).astype(object)
    return values


def _build(
    geoms: np.ndarray,
    attrs: dict[str, np.ndarray],
    epsg: int | None,
    prj_text: str | None,
    target_epsg: int | None,
    label: str,
    source: str,
    fids: np.ndarray | None,
    wkbs: np.ndarray | None = None,
    valid: np.ndarray | None = None,
    bounds: np.ndarray | None = None,
):
    """The layer reprojected, repaired and without empty features, and (when GDAL's ``wkbs`` are given)
    the kept geometries' WKB and bounds (else None, None). ``valid`` and ``bounds`` are those of
    ``geoms`` when the reader has them already."""
    for key, col in attrs.items():
        if len(col) != len(geoms):
            raise VectorReadError(f"{label} 的字段 {key} 行数（{len(col)}）与要素数（{len(geoms)}）不一致")
    keep_wkb = wkbs is not None
    try:
        if epsg is None:
            # The extremes decide crs.detect_crs's range tests, so the bounds stand in for every vertex.
            extremes = shapely.bounds(geoms) if bounds is None else bounds
            xs, ys = extremes[:, [0, 2]], extremes[:, [1, 3]]
            epsg = detect_crs(prj_text, xs, ys).epsg
        if target_epsg is not None and epsg != target_epsg:
            geoms = transform_geoms(geoms, epsg, target_epsg)
            epsg = target_epsg
            wkbs = valid = bounds = None
    except CrsError as exc:
        raise VectorReadError(f"{label}：{exc}") from exc
    geoms, repaired, fixed = _repair(geoms, valid)
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if keep_wkb and wkbs is None:
        wkbs, bounds = shapely.to_wkb(geoms, byte_order=1, output_dimension=2), shapely.bounds(geoms)
    elif keep_wkb and len(fixed):
        wkbs, bounds = wkbs.copy(), bounds.copy()
        wkbs[fixed] = shapely.to_wkb(geoms[fixed], byte_order=1, output_dimension=2)
        bounds[fixed] = shapely.bounds(geoms[fixed])
    dropped = int(len(geoms) - keep.sum())
    if dropped:
        geoms = geoms[keep]
        attrs = {k: v[keep] for k, v in attrs.items()}
        fids = None if fids is None else fids[keep]
        wkbs, bounds = (None, None) if not keep_wkb else (wkbs[keep], bounds[keep])
    data = VectorData(geoms, attrs, epsg, repaired, dropped, source, fids)
    return (data, wkbs, bounds) if keep_wkb else (data, None, None)


def repair_polygons(geoms: np.ndarray) -> tuple[np.ndarray, int]:
    """Make invalid geometries valid and keep only their polygonal parts.

    Returns the repaired array and how many geometries were invalid. shapely 2.0 has no
    ``make_valid(method='structure')`` (2.1+), so the linework ``make_valid`` result is exploded and
    the polygons regrouped: a bow-tie stays two triangles, a dangling spike is dropped. A feature
    with no polygonal part at all becomes None (dropped by the caller).
    """
    return _repair(geoms)[:2]


def _repair(geoms: np.ndarray, valid: np.ndarray | None = None) -> tuple[np.ndarray, int, np.ndarray]:
    """:func:`repair_polygons`, with the rows it changed; ``valid`` is ``shapely.is_valid(geoms)`` when
    the caller has it."""
    geoms = np.asarray(geoms, dtype=object)
    present = ~shapely.is_missing(geoms)
    bad = np.flatnonzero(present & ~(shapely.is_valid(geoms) if valid is None else valid))
    polygonal = np.isin(shapely.get_type_id(geoms), (_POLYGON, int(shapely.GeometryType.MULTIPOLYGON)))
    # Points and lines in a polygon layer carry no area: treat them like an invalid feature.
    odd = np.flatnonzero(present & ~polygonal & ~shapely.is_empty(geoms))
    fix = np.union1d(bad, odd)
    if len(fix) == 0:
        return geoms, 0, fix
    out = geoms.copy()
    out[fix] = _polygonal_parts(shapely.make_valid(geoms[fix]))
    return out, int(len(bad)), fix


def _polygonal_parts(geoms: np.ndarray) -> np.ndarray:
    parts, owner = shapely.get_parts(geoms, return_index=True)
    # make_valid may nest collections (GEOMETRYCOLLECTION(MULTIPOLYGON, …)): explode until flat.
    while np.isin(shapely.get_type_id(parts), _COLLECTIONS).any():
        parts, sub = shapely.get_parts(parts, return_index=True)
        owner = owner[sub]
    keep = (shapely.get_type_id(parts) == _POLYGON) & (shapely.area(parts) > 0)
    out = np.full(len(geoms), None, dtype=object)
    if keep.any():
        owners, starts = np.unique(owner[keep], return_index=True)
        merged = shapely.multipolygons(parts[keep], indices=np.searchsorted(owners, owner[keep]))
        out[owners] = merged
        single = np.diff(np.append(starts, keep.sum())) == 1
        out[owners[single]] = shapely.get_geometry(merged[single], 0)
    return out
