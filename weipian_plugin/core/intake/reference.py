"""Registered reference layers: a cached copy beside the work store, read near the patches.

Counties receive the 三调 DLTB as a FileGDB or shapefiles of two million polygons and analyse a batch
of a few hundred patches against it every month. Reading the delivery through GDAL each time costs as
much as the whole county. So the first time a file is used for a role it is *registered*: copied, with
only the fields the role needs, reprojected to the store CRS and with its geometries repaired once,
into the reference GeoPackage ``<store stem>.ref.gpkg`` beside the store (GeoPackage 1.2 written with
sqlite3 like the store, with an R*Tree). Later runs read from the copy only the features whose R*Tree
boxes meet a patch, and register again only when the source changed.

A source is identified by its path and layer, and is unchanged when its size, modification time and
checksum all match. The checksum is BLAKE2b over each file's name, size and first and last MiB (for a
shapefile its .shp/.shx/.dbf/.prj/.cpg, for a FileGDB every file in the folder): it reads at most a
few MiB, so it costs milliseconds on every run, and catches a file replaced by another of the same size
and time. An edit that keeps size and modification time and touches only the middle of a file is not
seen; GIS software always updates the modification time.

The copy keeps the source's order (``src_fid``, the feature id in the source) so the overlay sees the
features in the same order as from the source itself and gives identical results.

Beside the feature table (what QGIS opens, and what a batch reads through the R*Tree) every layer is
also stored *packed*: slices of 200,000 features as a few BLOBs each (source ids, boxes, WKB, attribute
codes). A county's patches touch a large part of the DLTB, and fetching its two million rows one Python
tuple at a time cost more than the overlay; the packs are read as whole arrays, and only the features
whose boxes meet a patch are turned into geometries. (Writing the packs alone and serving a batch from
them too made registering two million features about a quarter faster, but a monthly batch's reading
about 1 s slower than through the R*Tree: the job repeated every month keeps its table.)
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import time
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Optional, Sequence

import numpy as np
import pyogrio
import pyogrio.errors
import shapely

from weipian_plugin.core.intake.encoding import detect_shapefile_encoding
from weipian_plugin.core.intake.vector_io import VectorData, VectorReadError, _boxes_in, read_vector_wkb
from weipian_plugin.core.store import gpkg

CACHE_SUFFIX = ".ref.gpkg"
_SAMPLE = 1 << 20  # bytes hashed at each end of every file
_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
_MANY_BOXES = 5_000
"""Above this many patch boxes (a county rather than a batch), the whole registered copy is read."""
_FETCH = 200_000

_REGISTRY = """
CREATE TABLE IF NOT EXISTS reference_layers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  role TEXT NOT NULL,
  path TEXT NOT NULL,
  layer TEXT NOT NULL DEFAULT '',
  size INTEGER NOT NULL,
  mtime_ns INTEGER NOT NULL,
  checksum TEXT NOT NULL,
  wanted TEXT NOT NULL,
  fields TEXT NOT NULL,
  epsg INTEGER NOT NULL,
  source_crs TEXT,
  feature_count INTEGER NOT NULL,
  repaired INTEGER NOT NULL,
  dropped INTEGER NOT NULL,
  table_name TEXT NOT NULL,
  registered_at TEXT NOT NULL,
  seconds REAL,
  UNIQUE (role, path, layer));
CREATE TABLE IF NOT EXISTS reference_columns (
  layer_id INTEGER NOT NULL,
  pos INTEGER NOT NULL,
  name TEXT NOT NULL,
  sql_type TEXT NOT NULL,
  uniques TEXT,
  PRIMARY KEY (layer_id, pos));
CREATE TABLE IF NOT EXISTS reference_packs (
  layer_id INTEGER NOT NULL,
  part INTEGER NOT NULL,
  src_fid BLOB NOT NULL,
  bounds BLOB NOT NULL,
  wkb BLOB NOT NULL,
  wkb_ends BLOB NOT NULL,
  columns BLOB NOT NULL,
  PRIMARY KEY (layer_id, part));
"""


@dataclass(frozen=True)
class Fingerprint:
    """What identifies a source file's content: total size, newest modification time, checksum."""

    size: int
    mtime_ns: int
    checksum: str


@dataclass
class LayerRecord:
    """One reference layer as one analysis run used it (a row of the store's ``analysis_run_layers``)."""

    role: str
    path: str
    layer: str
    size: Optional[int]
    mtime_ns: Optional[int]
    checksum: Optional[str]
    source_crs: str
    epsg: int
    feature_count: int
    read_count: int
    repaired: int
    cached: bool
    registered_at: Optional[str]

    def as_dict(self) -> dict:
        return asdict(self)


def cache_path(store_path: os.PathLike) -> Path:
    """The reference GeoPackage beside a store: ``县_2026_卫片.gpkg`` → ``县_2026_卫片.ref.gpkg``."""
    store_path = Path(store_path)
    return store_path.with_name(store_path.stem + CACHE_SUFFIX)


def split_source(source: str) -> tuple[str, str]:
    """(absolute path, layer name) of a source written as ``path`` or ``path|layername=x``."""
    path, _, rest = str(source).partition("|")
    layer = next((p.split("=", 1)[1] for p in rest.split("|") if p.startswith("layername=")), "")
    return str(Path(path).resolve()), layer


def _parts(path: Path) -> list[Path]:
    if path.is_dir():  # FileGDB: a folder of .gdbtable/.gdbtablx/... files
        return sorted(p for p in path.iterdir() if p.is_file())
    if path.suffix.lower() == ".shp":
        stem = path.stem.lower()
        return sorted(p for p in path.parent.iterdir()
                      if p.stem.lower() == stem and p.suffix.lower() in _SHAPEFILE_PARTS)
    return [path]


def fingerprint(path: os.PathLike) -> Fingerprint:
    """Size, modification time and sampled checksum of a source (see the module docstring)."""
    path = Path(path)
    if not path.exists():
        raise VectorReadError(f"矢量文件不存在：{path}")
    digest = hashlib.blake2b(digest_size=16)
    size, mtime = 0, 0
    for part in _parts(path):
        stat = part.stat()
        size += stat.st_size
        mtime = max(mtime, stat.st_mtime_ns)
        digest.update(f"{part.name}\0{stat.st_size}\0".encode())
        with part.open("rb") as f:
            digest.update(f.read(_SAMPLE))
            if stat.st_size > 2 * _SAMPLE:
                f.seek(-_SAMPLE, os.SEEK_END)
                digest.update(f.read(_SAMPLE))
            elif stat.st_size > _SAMPLE:
                digest.update(f.read())
    return Fingerprint(size, mtime, digest.hexdigest())


def _source_fields(path: str, layer: str) -> tuple[list[str], Optional[str]]:
    """The source's field names and the shapefile encoding used to read them."""
    encoding = None
    if path.lower().endswith(".shp"):
        encoding = detect_shapefile_encoding(Path(path)).encoding
    try:
        info = pyogrio.read_info(path, layer=layer or None, encoding=encoding)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError) as exc:
        raise VectorReadError(f"无法读取矢量文件 {Path(path).name}：{exc}") from exc
    return [str(f) for f in info["fields"]], encoding


def _sql_column(values: np.ndarray) -> tuple[str, list]:
    """A column's SQLite type and its values as sqlite3 binds them (NaN as NULL, dates as ISO text)."""
    if values.dtype.kind == "f":
        return "REAL", [None if v != v else v for v in values.tolist()]
    if values.dtype.kind in "iub":
        return "INTEGER", values.tolist()
    items = values.tolist()
    kinds = set(map(type, items)) - {type(None)}
    if kinds and all(issubclass(k, dt.datetime) for k in kinds):
        return "DATETIME", [None if v is None else v.isoformat() for v in items]
    if kinds and all(issubclass(k, dt.date) for k in kinds):
        return "DATE", [None if v is None else v.isoformat() for v in items]
    if any(issubclass(k, dt.date) for k in kinds):
        items = [v.isoformat() if isinstance(v, dt.date) else v for v in items]
    return "TEXT", items


def _typed(values: Sequence, sql_type: str, shared: dict) -> np.ndarray:
    """A column read back from the copy, in the dtype the source reader gave it. Equal texts share one
    string object (``shared``): a county's DLTB repeats a few dozen class names two million times."""
    if sql_type == "REAL":
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    if sql_type == "INTEGER" and None not in values:
        return np.array(values, dtype=np.int64)
    if sql_type == "DATETIME":
        values = [None if v is None else dt.datetime.fromisoformat(v) for v in values]
    elif sql_type == "DATE":
        values = [None if v is None else dt.date.fromisoformat(v) for v in values]
    else:
        values = [shared.setdefault(v, v) for v in values]
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _sqlite_text(value):
    """What SQLite stores for ``value`` in a TEXT column (numbers become their text, as its affinity does)."""
    if value is None or type(value) is str:
        return value
    if isinstance(value, (bool, int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        text = format(float(value), ".15g")
        return text + ".0" if text.lstrip("-").isdigit() else text
    return value


@dataclass
class _Column:
    """One attribute column of a copy: float64 (REAL) or int64 (INTEGER without nulls) values, or int32
    codes into ``uniques``, its distinct values as SQLite stores them (a DLTB repeats a few dozen classes
    two million times)."""

    sql_type: str
    rows: np.ndarray
    uniques: Optional[list] = None

    def sql(self, idx: np.ndarray) -> list:
        """The values of rows ``idx`` as sqlite3 binds them (NaN as NULL)."""
        if self.uniques is not None:
            values = np.empty(len(self.uniques), dtype=object)
            values[:] = self.uniques
            return values[self.rows[idx]].tolist()
        values = self.rows[idx].tolist()
        return [None if v != v else v for v in values] if self.sql_type == "REAL" else values


def _pack_column(values: np.ndarray) -> tuple[_Column, np.ndarray]:
    """The column as the copy keeps it, and as the registering run uses it: the same values with equal
    ones as one object each (the GDAL reader makes one string per row)."""
    if values.dtype.kind == "f":
        return _Column("REAL", values.astype(np.float64)), values
    if values.dtype.kind in "iub":
        return _Column("INTEGER", values.astype(np.int64)), values
    items = values.tolist()
    # keyed by (type, value) unless all are text, so that 1 and 1.0 and True stay apart; every loop in C
    keys = items if set(map(type, items)) <= {str, type(None)} else list(zip(map(type, items), items))
    index = dict.fromkeys(keys)
    distinct = list(index)
    index.update(zip(distinct, range(len(distinct))))
    codes = np.fromiter(map(index.__getitem__, keys), dtype=np.int32, count=len(keys))
    originals = np.empty(len(distinct), dtype=object)
    originals[:] = distinct if keys is items else [v for _, v in distinct]
    sql_type, uniques = _sql_column(originals)
    if sql_type == "TEXT":
        uniques = [_sqlite_text(v) for v in uniques]
    return _Column(sql_type, codes, uniques), originals[codes]


class ReferenceCache:
    """The reference GeoPackage of one store (created on first use)."""

    def __init__(self, path: os.PathLike, epsg: int) -> None:
        self.path = Path(path)
        self.epsg = int(epsg)

    def _connect(self) -> sqlite3.Connection:
        new = not self.path.exists()
        conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=15)
        try:
            # Only copies live here (a damaged file is reported and registered anew, see below): a
            # registration need not wait for the disk to confirm its hundreds of megabytes, nor zero a
            # replaced copy's pages (Debian's SQLite shreds deleted data by default).
            conn.execute("PRAGMA synchronous = OFF")
            conn.execute("PRAGMA secure_delete = OFF")
            gpkg.register_functions(conn)
            if new:
                gpkg.initialise(conn)
            conn.execute("BEGIN IMMEDIATE")
            gpkg.run_script(conn, _REGISTRY)
            gpkg.register_attributes(conn, "reference_layers", "已登记的参考图层")
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            conn.close()
            # Only copies live there: deleting the file loses nothing, the next run registers again.
            raise VectorReadError(f"参考图层登记库无法使用（{exc}）：{self.path}。它只保存参考图层的副本，"
                                  "可删除该文件后重新运行，届时将重新登记。") from exc
        return conn

    def entries(self) -> list[dict]:
        """Every registered layer (role, path, layer, registered_at, feature_count, …); [] without a cache."""
        if not self.path.exists():
            return []
        conn = sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            cur = conn.execute("SELECT * FROM reference_layers ORDER BY id")
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row)) for row in cur]
        except sqlite3.OperationalError:
            return []
        finally:
            conn.close()

    def status(self, role: str, source: str) -> Optional[dict]:
        """The registry row of ``source`` for ``role`` with ``current`` (True when the source is unchanged
        since), or None when it was never registered."""
        path, layer = split_source(source)
        entry = next((e for e in self.entries() if (e["role"], e["path"], e["layer"]) == (role, path, layer)), None)
        if entry is not None:
            try:
                fp = fingerprint(path)
            except VectorReadError:
                fp = None
            entry["current"] = fp is not None and (entry["size"], entry["mtime_ns"], entry["checksum"]) == (
                fp.size, fp.mtime_ns, fp.checksum) and entry["epsg"] == self.epsg
        return entry

    def load(self, role: str, source: str, wanted: Optional[Sequence[str]] = None,
             near: Optional[np.ndarray] = None) -> tuple[VectorData, LayerRecord]:
        """The layer's features (near the boxes ``near`` in the store CRS, or all), registering it first
        when it is new or changed. ``wanted`` are the candidate field names the role reads (matched
        case-insensitively); None keeps every field."""
        path, layer = split_source(source)
        fp = fingerprint(path)
        signature = json.dumps(sorted({w.upper() for w in wanted}) if wanted is not None else None)
        conn = self._connect()
        try:
            row = conn.execute(
                "SELECT id, size, mtime_ns, checksum, wanted, epsg, table_name, registered_at, source_crs, "
                "feature_count, repaired, (SELECT count(*) FROM reference_packs p WHERE p.layer_id = l.id) "
                "FROM reference_layers l WHERE role=? AND path=? AND layer=?",
                (role, path, layer)).fetchone()
            # a copy registered before the packs existed (no pack) is registered again
            current = row is not None and tuple(row[1:6]) == (fp.size, fp.mtime_ns, fp.checksum, signature,
                                                              self.epsg) and row[11] > 0
            if current:
                data = _read_copy(conn, row[0], row[6], near, self.epsg, path)
                data.invalid_repaired = int(row[10])
                return data, LayerRecord(role, path, layer, fp.size, fp.mtime_ns, fp.checksum, row[8] or "",
                                         self.epsg, int(row[9]), len(data), int(row[10]), True, row[7])
            data, wkbs, bounds, source_crs, seconds = self._read_source(path, layer, wanted)
            t = time.perf_counter()
            stamp = dt.datetime.now().replace(microsecond=0).isoformat()
            conn.execute("BEGIN IMMEDIATE")
            try:
                if row is not None:
                    self._drop(conn, row[0], row[6])
                self._write(conn, role, path, layer, fp, signature, source_crs, data, wkbs, bounds, stamp, seconds, t)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            conn.close()
        return data, LayerRecord(role, path, layer, fp.size, fp.mtime_ns, fp.checksum, source_crs, self.epsg,
                                 len(data), len(data), data.invalid_repaired, False, stamp)

    def _read_source(self, path: str, layer: str,
                     wanted: Optional[Sequence[str]]) -> tuple[VectorData, np.ndarray, np.ndarray, str, float]:
        t = time.perf_counter()
        fields, encoding = _source_fields(path, layer)
        if wanted is not None:
            upper = {w.upper() for w in wanted}
            fields = [f for f in fields if f.upper() in upper]
        data, wkbs, bounds = read_vector_wkb(path, layer or None, target_epsg=self.epsg, encoding=encoding,
                                             columns=fields)
        source_crs = pyogrio.read_info(path, layer=layer or None, encoding=encoding).get("crs") or ""
        return data, wkbs, bounds, source_crs, time.perf_counter() - t

    @staticmethod
    def _drop(conn: sqlite3.Connection, entry_id: int, table: str) -> None:
        conn.execute(f'DROP TABLE IF EXISTS "{table}"')
        conn.execute(f'DROP TABLE IF EXISTS "rtree_{table}_geom"')
        for meta in ("gpkg_extensions", "gpkg_geometry_columns", "gpkg_contents"):
            conn.execute(f"DELETE FROM {meta} WHERE table_name = ?", (table,))
        for registry in ("reference_columns", "reference_packs"):
            conn.execute(f"DELETE FROM {registry} WHERE layer_id = ?", (entry_id,))
        conn.execute("DELETE FROM reference_layers WHERE id = ?", (entry_id,))

    def _write(self, conn: sqlite3.Connection, role: str, path: str, layer: str, fp: Fingerprint, signature: str,
               source_crs: str, data: VectorData, wkbs: np.ndarray, bounds: np.ndarray, stamp: str,
               read_seconds: float, t: float) -> None:
        """``wkbs`` and ``bounds``: the geometries' (read_vector_wkb)."""
        cur = conn.execute(
            "INSERT INTO reference_layers (role, path, layer, size, mtime_ns, checksum, wanted, fields, epsg, "
            "source_crs, feature_count, repaired, dropped, table_name, registered_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?, ?, ?, '', ?)",
            (role, path, layer, fp.size, fp.mtime_ns, fp.checksum, signature, self.epsg, source_crs, len(data),
             data.invalid_repaired, data.dropped_empty, stamp))
        layer_id = cur.lastrowid
        table = f"ref_{layer_id}_{role}"
        names = list(data.attrs)
        columns = []
        for n in names:  # the registering run then uses the shared values too
            column, data.attrs[n] = _pack_column(data.attrs[n])
            columns.append(column)
        types = [c.sql_type for c in columns]
        src = data.fids.astype(np.int64) if data.fids is not None else np.arange(len(data), dtype=np.int64)
        # Rows are stored in the R*Tree's packing order, so a near-read touches few pages and the tree's
        # leaves are written without a second sort; src_fid restores the source order on reading.
        order = gpkg.str_order(bounds)
        conn.execute(f'CREATE TABLE "{table}" (fid INTEGER PRIMARY KEY, geom GEOMETRY, src_fid INTEGER'
                     + "".join(f', "{n}" {t}' for n, t in zip(names, types)) + ")")
        gpkg.add_srs(conn, self.epsg)
        insert = f'INSERT INTO "{table}" VALUES ({", ".join("?" * (3 + len(names)))})'
        for a in range(0, len(order), _FETCH):  # blobs a slice at a time: a county's would take GBs at once
            rows = order[a:a + _FETCH]
            conn.executemany(insert, zip(range(a + 1, a + len(rows) + 1),
                                         gpkg.encode_wkb(wkbs[rows], bounds[rows], self.epsg),
                                         src[rows].tolist(), *(c.sql(rows) for c in columns)))
        gpkg.register_features(conn, table, "geom", "GEOMETRY", self.epsg, f"{role}：{Path(path).name}")
        gpkg.bulk_rtree(conn, table, "geom", np.arange(1, len(order) + 1), bounds[order], packed=True)
        if len(order):
            gpkg.update_extent(conn, table)
        self._write_packs(conn, layer_id, names, columns, src, bounds, wkbs)
        conn.execute("UPDATE reference_layers SET table_name=?, fields=?, seconds=? WHERE id=?",
                     (table, json.dumps(dict(zip(names, types)), ensure_ascii=False),
                      read_seconds + time.perf_counter() - t, layer_id))

    @staticmethod
    def _write_packs(conn: sqlite3.Connection, layer_id: int, names: list, columns: list, src: np.ndarray,
                     bounds: np.ndarray, wkbs: np.ndarray) -> None:
        """The layer in source order, :data:`_FETCH` features per row of ``reference_packs`` (at least one)."""
        conn.executemany("INSERT INTO reference_columns VALUES (?, ?, ?, ?, ?)", [
            (layer_id, k, n, c.sql_type, None if c.uniques is None else json.dumps(c.uniques, ensure_ascii=False))
            for k, (n, c) in enumerate(zip(names, columns))])
        order = np.argsort(src, kind="stable")
        for part, a in enumerate(range(0, max(len(order), 1), _FETCH)):
            rows = order[a:a + _FETCH]
            blobs = wkbs[rows].tolist()
            ends = np.cumsum([len(b) for b in blobs], dtype=np.int64)
            conn.execute("INSERT INTO reference_packs VALUES (?, ?, ?, ?, ?, ?, ?)", (
                layer_id, part, src[rows].tobytes(), np.ascontiguousarray(bounds[rows]).tobytes(), b"".join(blobs),
                ends.tobytes(), b"".join(np.ascontiguousarray(c.rows[rows]).tobytes() for c in columns)))


_GRID = 2048
"""At most this many cells on each side of :func:`_near_filter`'s grid."""


def _near_filter(near: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """:func:`_grid_filter` of ``near``, made once for the layers of one run (they share the boxes)."""
    return _grid_filter(np.ascontiguousarray(near, dtype=np.float64).tobytes())


@lru_cache(maxsize=1)
def _grid_filter(near_bytes: bytes) -> Callable[[np.ndarray], np.ndarray]:
    """A function giving the rows of an (n, 4) box array (minx, miny, maxx, maxy) that may meet a box of
    ``near``: every one that does, and the few that only share a grid cell with one.

    The ``near`` boxes are painted on a grid of cells half their median size, and each box asks a
    summed-area table of the painted cells whether its own cells hold one: a few numpy passes over two
    million boxes, where making them geometries for an STRtree took longer than the overlay's reading."""
    near = np.frombuffer(near_bytes, np.float64).reshape(-1, 4)
    x0, y0 = near[:, 0].min(), near[:, 1].min()
    x1, y1 = near[:, 2].max(), near[:, 3].max()
    # A monthly batch's thousand boxes need no finer grid than some thirty cells per box and side: a
    # county-wide grid of 2048² cells took longer to paint and sum than reading the packs.
    side = min(_GRID, max(256, int(32 * np.sqrt(len(near)))))
    size = max(float(np.median(np.maximum(near[:, 2] - near[:, 0], near[:, 3] - near[:, 1]))) / 2,
               (x1 - x0) / side, (y1 - y0) / side, 1e-9)
    nx, ny = int((x1 - x0) // size) + 1, int((y1 - y0) // size) + 1
    scale = 1.0 / size

    def cells(v: np.ndarray, low: float, n: int) -> np.ndarray:
        # Any non-decreasing map of coordinates to cells keeps every meeting pair of boxes meeting (the
        # same map paints and asks); a product is cheaper than a floor division on two million boxes.
        return np.clip(((v - low) * scale).astype(np.int64), 0, n - 1)

    i0, i1, j0, j1 = cells(near[:, 0], x0, nx), cells(near[:, 2], x0, nx), cells(near[:, 1], y0, ny), cells(near[:, 3], y0, ny)
    # +1/-1 at the corners of each box, summed along both axes below: how many boxes hold each cell
    corners = np.concatenate([i * (ny + 1) + j for i, j in ((i0, j0), (i1 + 1, j0), (i0, j1 + 1), (i1 + 1, j1 + 1))])
    signs = np.repeat([1.0, -1.0, -1.0, 1.0], len(near))
    paint = np.bincount(corners, signs, (nx + 1) * (ny + 1)).astype(np.int32).reshape(nx + 1, ny + 1)
    painted = paint.cumsum(0, dtype=np.int32).cumsum(1, dtype=np.int32)[:nx, :ny] > 0
    table = np.zeros((nx + 1, ny + 1), np.int32)
    table[1:, 1:] = painted.cumsum(0, dtype=np.int32).cumsum(1, dtype=np.int32)

    def rows(boxes: np.ndarray) -> np.ndarray:
        inside = np.flatnonzero((boxes[:, 0] <= x1) & (boxes[:, 2] >= x0) & (boxes[:, 1] <= y1) & (boxes[:, 3] >= y0))
        b = boxes[inside]
        a0, a1, c0, c1 = cells(b[:, 0], x0, nx), cells(b[:, 2], x0, nx), cells(b[:, 1], y0, ny), cells(b[:, 3], y0, ny)
        return inside[table[a1 + 1, c1 + 1] - table[a0, c1 + 1] - table[a1 + 1, c0] + table[a0, c0] > 0]
    return rows


def _read_packs(conn: sqlite3.Connection, layer_id: int, near: Optional[np.ndarray], epsg: int,
                source: str) -> VectorData:
    """The copy's features whose boxes meet a box of ``near`` (all without it), from its packs, in
    source order. Only those features' WKB is turned into geometries."""
    meta = conn.execute("SELECT name, sql_type, uniques FROM reference_columns WHERE layer_id = ? ORDER BY pos",
                        (layer_id,)).fetchall()
    uniques = [None if u is None else _typed(json.loads(u), t, {}) for _, t, u in meta]
    dtypes = [np.dtype(np.float64 if t == "REAL" else np.int64 if u is None else np.int32)
              for (_, t, _), u in zip(meta, uniques)]
    meeting = None if near is None or not len(near) else _near_filter(_boxes_in(epsg, near, epsg))
    src, geoms, columns = [], [], [[] for _ in meta]
    for fid_blob, box_blob, wkb, end_blob, col_blob in conn.execute(
            "SELECT src_fid, bounds, wkb, wkb_ends, columns FROM reference_packs WHERE layer_id = ? ORDER BY part",
            (layer_id,)):
        fids = np.frombuffer(fid_blob, np.int64)
        n = len(fids)
        if near is None:
            rows = np.arange(n)
        elif meeting is None:
            rows = np.empty(0, np.int64)
        else:
            rows = meeting(np.frombuffer(box_blob, np.float64).reshape(n, 4))
        ends = np.frombuffer(end_blob, np.int64)
        starts = np.concatenate(([0], ends[:-1]))
        src.append(fids[rows])
        geoms.append(shapely.from_wkb(np.array([wkb[a:b] for a, b in zip(starts[rows].tolist(),
                                                                         ends[rows].tolist())] or [], dtype=object)))
        offset = 0
        for k, dtype in enumerate(dtypes):
            columns[k].append(np.frombuffer(col_blob, dtype, n, offset)[rows] if n else np.empty(0, dtype))
            offset += n * dtype.itemsize
    attrs = {}
    for (name, _, _), u, dtype, parts in zip(meta, uniques, dtypes, columns):
        values = np.concatenate(parts) if parts else np.empty(0, dtype)
        attrs[name] = values if u is None else u[values]
    return VectorData(np.concatenate(geoms) if geoms else np.empty(0, dtype=object), attrs, epsg, 0, 0, source,
                      np.concatenate(src) if src else np.empty(0, np.int64))


def _read_copy(conn: sqlite3.Connection, layer_id: int, table: str, near: Optional[np.ndarray], epsg: int,
               source: str) -> VectorData:
    """The copy's features meeting a box of ``near`` (all without it), in source order, as they were
    registered (already valid and in the store CRS: nothing to repair or reproject).

    A batch's few thousand patches are looked up in the R*Tree box by box; a county's patches touch
    a large part of the layer, so then the packs are read whole (:func:`_read_packs`)."""
    if near is None or len(near) > _MANY_BOXES:
        return _read_packs(conn, layer_id, near, epsg, source)
    info = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
    names = [r[1] for r in info[3:]]
    types = [r[2] for r in info[3:]]
    select = ", ".join(['t.src_fid', 't.geom'] + [f't."{n}"' for n in names])
    boxes = _boxes_in(epsg, near, epsg)
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS near_boxes (minx REAL, maxx REAL, miny REAL, maxy REAL)")
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS near_hits (id INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM near_boxes")
    conn.execute("DELETE FROM near_hits")
    conn.executemany("INSERT INTO near_boxes VALUES (?, ?, ?, ?)", boxes[:, [0, 2, 1, 3]].tolist())
    # CROSS JOIN keeps the boxes as the outer loop, so each box is one R*Tree lookup (not a scan).
    conn.execute(f'INSERT OR IGNORE INTO near_hits SELECT r.id FROM near_boxes b CROSS JOIN "rtree_{table}_geom" r '
                 "WHERE r.minx <= b.maxx AND r.maxx >= b.minx AND r.miny <= b.maxy AND r.maxy >= b.miny")
    cur = conn.execute(f'SELECT {select} FROM near_hits h JOIN "{table}" t ON t.fid = h.id')
    src, geoms, columns = [], [], [[] for _ in names]
    shared: list[dict] = [{} for _ in names]
    while True:  # in slices, so the rows' Python objects never all exist at once
        rows = cur.fetchmany(_FETCH)
        if not rows:
            break
        cols = list(zip(*rows))
        del rows
        src.append(np.array(cols[0], dtype=np.int64))
        geoms.append(gpkg.decode(cols[1]))
        for k, (t, v) in enumerate(zip(types, cols[2:])):
            columns[k].append(_typed(v, t, shared[k]))
    if not src:
        src, geoms, columns = [np.empty(0, np.int64)], [np.empty(0, object)], [[_typed((), t, {})] for t in types]
    src_fid = np.concatenate(src)
    order = np.argsort(src_fid, kind="stable")
    attrs = {n: np.concatenate(c)[order] for n, c in zip(names, columns)}
    return VectorData(np.concatenate(geoms)[order], attrs, epsg, 0, 0, source, src_fid[order])
