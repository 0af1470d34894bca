"""GeoPackage 1.2 primitives over plain sqlite3.

The work store is written without GDAL so that core stays importable anywhere; these helpers produce
exactly what GDAL and QGIS expect (geometry blobs, gpkg_contents, geometry columns, R*Tree index with
the 1.2 triggers), so users can open and edit the store in QGIS.
"""
from __future__ import annotations

import contextlib
import sqlite3
import struct
from typing import Iterator, Optional, Sequence

import numpy as np
import shapely

APPLICATION_ID = 0x47504B47  # "GPKG"
USER_VERSION = 10200  # GeoPackage 1.2: what QGIS 3.22's GDAL writes and reads without warnings

_HEADER = struct.Struct("<2sBBi4d")
_EMPTY_HEADER = struct.Struct("<2sBBi")
_FLAGS_LE_XY_ENVELOPE = 0b00000011
_FLAGS_LE_EMPTY = 0b00010001
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}

_CORE_TABLES = """
CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE IF NOT EXISTS gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE IF NOT EXISTS gpkg_extensions (
  table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
  scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES
  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
  ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
"""


_HEADER_DTYPE = np.dtype([("magic", "S2"), ("version", "u1"), ("flags", "u1"), ("srs", "<i4"),
                          ("envelope", "<f8", (4,))])


def encode(geoms: np.ndarray, srs_id: int, wkbs: Optional[np.ndarray] = None) -> list:
    """Shapely geometries → GeoPackage geometry blobs (little-endian, XY envelope). ``wkbs``: their
    little-endian XY WKB, when the caller has it."""
    geoms = np.asarray(geoms, dtype=object)
    if wkbs is None:
        wkbs = shapely.to_wkb(geoms, byte_order=1, output_dimension=2)
    blobs = encode_wkb(wkbs, shapely.bounds(geoms), srs_id)
    for k in np.flatnonzero(shapely.is_empty(geoms)):
        blobs[k] = _EMPTY_HEADER.pack(b"GP", 0, _FLAGS_LE_EMPTY, srs_id) + wkbs[k]
    return blobs


def encode_wkb(wkbs: np.ndarray, bounds: np.ndarray, srs_id: int) -> list:
    """GeoPackage blobs of non-empty geometries given as little-endian XY WKB and their bounds (minx,
    miny, maxx, maxy); None stays None."""
    # Headers packed for all rows at once (a county's DLTB has millions), then cut per row.
    head = np.zeros(len(wkbs), dtype=_HEADER_DTYPE)
    head["magic"], head["flags"], head["srs"] = b"GP", _FLAGS_LE_XY_ENVELOPE, srs_id
    head["envelope"] = np.asarray(bounds).reshape(-1, 4)[:, [0, 2, 1, 3]]
    raw, size = head.tobytes(), _HEADER.size
    return [None if wkb is None else raw[k * size:(k + 1) * size] + wkb for k, wkb in enumerate(wkbs.tolist())]


def _wkb_offset(blob: bytes) -> int:
    if blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry blob")
    return 8 + _ENVELOPE_BYTES[(blob[3] >> 1) & 0b111]


def decode(blobs: Sequence[Optional[bytes]]) -> np.ndarray:
    """GeoPackage geometry blobs → shapely geometries (None stays None)."""
    # the usual header (little-endian flags with an XY envelope) is 40 bytes: skip the general parse
    wkbs = [None if b is None else bytes(b[40:] if b[3] == _FLAGS_LE_XY_ENVELOPE and b[:2] == b"GP"
                                         else b[_wkb_offset(b):]) for b in blobs]
    return shapely.from_wkb(np.array(wkbs, dtype=object))


def _envelope(blob: Optional[bytes]) -> Optional[tuple]:
    """(minx, maxx, miny, maxy) from the header, or computed from the WKB when the header has none."""
    if blob is None or blob[3] & 0b00010000:
        return None
    if (blob[3] >> 1) & 0b111:
        return struct.unpack_from("<4d", blob, 8)
    minx, miny, maxx, maxy = shapely.bounds(shapely.from_wkb(bytes(blob[_wkb_offset(blob):])))
    return minx, maxx, miny, maxy


def register_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions the R*Tree triggers call (GDAL and QGIS register the same names natively)."""
    def component(i: int):
        def f(blob):
            env = _envelope(blob)
            return None if env is None else env[i]
        return f

    conn.create_function("ST_MinX", 1, component(0), deterministic=True)
    conn.create_function("ST_MaxX", 1, component(1), deterministic=True)
    conn.create_function("ST_MinY", 1, component(2), deterministic=True)
    conn.create_function("ST_MaxY", 1, component(3), deterministic=True)
    conn.create_function("ST_IsEmpty", 1, lambda b: None if b is None else int(bool(b[3] & 0b00010000)),
                         deterministic=True)


def initialise(conn: sqlite3.Connection) -> None:
    """Make an empty sqlite database a GeoPackage 1.2."""
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {USER_VERSION}")
    run_script(conn, _CORE_TABLES)


def add_srs(conn: sqlite3.Connection, epsg: int) -> None:
    from pyproj import CRS

    from weipian_plugin.core.geo.crs import keep_thread_context

    keep_thread_context()
    crs = CRS.from_epsg(epsg)
    conn.execute(
        "INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?, ?, 'EPSG', ?, ?, ?)",
        (crs.name, epsg, epsg, crs.to_wkt("WKT1_GDAL"), crs.name),
    )


def register_attributes(conn: sqlite3.Connection, table: str, description: str = "") -> None:
    """List a plain table in gpkg_contents so QGIS offers it as a layer."""
    conn.execute(
        "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description) "
        "VALUES (?, 'attributes', ?, ?)",
        (table, table, description),
    )


def register_features(conn: sqlite3.Connection, table: str, column: str, geometry_type: str, srs_id: int,
                      description: str = "", spatial_index: bool = True, fid: str = "fid") -> None:
    """List a feature table (or view) with its geometry column and, for tables, an R*Tree index."""
    conn.execute(
        "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
        "VALUES (?, 'features', ?, ?, ?)",
        (table, table, description, srs_id),
    )
    conn.execute("INSERT OR IGNORE INTO gpkg_geometry_columns VALUES (?, ?, ?, ?, 0, 0)",
                 (table, column, geometry_type, srs_id))
    if spatial_index:
        _create_rtree(conn, table, column, fid)


def _create_rtree(conn: sqlite3.Connection, t: str, c: str, i: str) -> None:
    rt = f"rtree_{t}_{c}"
    conn.execute(
        "INSERT OR IGNORE INTO gpkg_extensions VALUES (?, ?, 'gpkg_rtree_index', "
        "'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')", (t, c))
    run_script(conn, f"""
CREATE VIRTUAL TABLE IF NOT EXISTS "{rt}" USING rtree(id, minx, maxx, miny, maxy);
CREATE TRIGGER IF NOT EXISTS "{rt}_insert" AFTER INSERT ON "{t}"
  WHEN (new."{c}" NOT NULL AND NOT ST_IsEmpty(NEW."{c}"))
BEGIN INSERT OR REPLACE INTO "{rt}" VALUES (NEW."{i}", ST_MinX(NEW."{c}"), ST_MaxX(NEW."{c}"),
  ST_MinY(NEW."{c}"), ST_MaxY(NEW."{c}")); END;
CREATE TRIGGER IF NOT EXISTS "{rt}_update1" AFTER UPDATE OF "{c}" ON "{t}"
  WHEN OLD."{i}" = NEW."{i}" AND (NEW."{c}" NOTNULL AND NOT ST_IsEmpty(NEW."{c}"))
BEGIN INSERT OR REPLACE INTO "{rt}" VALUES (NEW."{i}", ST_MinX(NEW."{c}"), ST_MaxX(NEW."{c}"),
  ST_MinY(NEW."{c}"), ST_MaxY(NEW."{c}")); END;
CREATE TRIGGER IF NOT EXISTS "{rt}_update2" AFTER UPDATE OF "{c}" ON "{t}"
  WHEN OLD."{i}" = NEW."{i}" AND (NEW."{c}" ISNULL OR ST_IsEmpty(NEW."{c}"))
BEGIN DELETE FROM "{rt}" WHERE id = OLD."{i}"; END;
CREATE TRIGGER IF NOT EXISTS "{rt}_update3" AFTER UPDATE ON "{t}"
  WHEN OLD."{i}" != NEW."{i}" AND (NEW."{c}" NOTNULL AND NOT ST_IsEmpty(NEW."{c}"))
BEGIN DELETE FROM "{rt}" WHERE id = OLD."{i}";
  INSERT OR REPLACE INTO "{rt}" VALUES (NEW."{i}", ST_MinX(NEW."{c}"), ST_MaxX(NEW."{c}"),
  ST_MinY(NEW."{c}"), ST_MaxY(NEW."{c}")); END;
CREATE TRIGGER IF NOT EXISTS "{rt}_update4" AFTER UPDATE ON "{t}"
  WHEN OLD."{i}" != NEW."{i}" AND (NEW."{c}" ISNULL OR ST_IsEmpty(NEW."{c}"))
BEGIN DELETE FROM "{rt}" WHERE id IN (OLD."{i}", NEW."{i}"); END;
CREATE TRIGGER IF NOT EXISTS "{rt}_delete" AFTER DELETE ON "{t}" WHEN old."{c}" NOT NULL
BEGIN DELETE FROM "{rt}" WHERE id = OLD."{i}"; END;
""")


def update_extent(conn: sqlite3.Connection, table: str, column: str = "geom") -> None:
    """Refresh gpkg_contents' extent and last_change from the R*Tree (cheap, exact)."""
    row = conn.execute(
        f'SELECT min(minx), min(miny), max(maxx), max(maxy) FROM "rtree_{table}_{column}"').fetchone()
    conn.execute(
        "UPDATE gpkg_contents SET min_x=?, min_y=?, max_x=?, max_y=?, "
        "last_change=strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name=?", (*row, table))


def run_script(conn: sqlite3.Connection, sql: str) -> None:
    """Run several statements inside the caller's transaction (``executescript`` would COMMIT it)."""
    buf = ""
    for chunk in sql.split(";"):
        buf += chunk + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \n;"):
                conn.execute(buf)
            buf = ""


def bulk_rtree(conn: sqlite3.Connection, table: str, column: str, ids: np.ndarray, bounds: np.ndarray,
               packed: bool = False) -> None:
    """Fill the (empty) R*Tree of ``table`` at once from ``ids`` and ``bounds`` (minx, miny, maxx, maxy).

    ``packed``: the entries are already in :func:`str_order` (a table written in that order, whose ids
    are then 1..n), so the leaves are cut from them as they are.

    SQLite inserts into an R*Tree one entry at a time (~20 µs each: 40 s for a county's two million DLTB
    polygons). Like GDAL's GeoPackage driver, this packs the tree instead (Sort-Tile-Recursive) and
    writes SQLite's node blobs directly, in the documented layout of SQLite's ``ext/rtree/rtree.c``:
    node 1 is the root and starts with the tree depth; every node holds a big-endian cell count and
    cells of (64-bit rowid or child node, float32 minx, maxx, miny, maxy), minima rounded down and
    maxima up. The result passes SQLite's own ``rtreecheck()`` and later edits go through the normal
    triggers.
    """
    rt = f"rtree_{table}_{column}"
    node_size = conn.execute(f'SELECT length(data) FROM "{rt}_node" WHERE nodeno = 1').fetchone()[0]
    capacity = (node_size - 4) // 24
    ids = np.asarray(ids, dtype=np.int64)
    boxes = _outward_f32(np.asarray(bounds, dtype=np.float64).reshape(-1, 4))
    for shadow in ("node", "rowid", "parent"):
        conn.execute(f'DELETE FROM "{rt}_{shadow}"')
    levels = []  # bottom-up: (entry ids, entry boxes, node of each entry)
    entries, entry_boxes = ids, boxes
    while True:
        if not (packed and not levels):
            order = str_order(entry_boxes, capacity)
            entries, entry_boxes = entries[order], entry_boxes[order]
        node = np.arange(len(entries)) // capacity
        levels.append((entries, entry_boxes, node))
        n_nodes = int(node[-1]) + 1 if len(node) else 1
        if n_nodes == 1:
            break
        starts = np.arange(0, len(entries), capacity)
        parent_boxes = np.column_stack([np.minimum.reduceat(entry_boxes[:, 0], starts),
                                        np.minimum.reduceat(entry_boxes[:, 1], starts),
                                        np.maximum.reduceat(entry_boxes[:, 2], starts),
                                        np.maximum.reduceat(entry_boxes[:, 3], starts)])
        entries, entry_boxes = np.arange(n_nodes, dtype=np.int64), parent_boxes  # placeholders, renumbered
    # Number nodes top-down: the root is 1, then each level's nodes in order.
    first = 1
    numbers = []
    for entries, _, node in reversed(levels):
        n_nodes = int(node[-1]) + 1 if len(node) else 1
        numbers.append(np.arange(first, first + n_nodes, dtype=np.int64))
        first += n_nodes
    numbers.reverse()  # numbers[k] = node numbers of level k (bottom-up)
    depth = len(levels) - 1
    cell = np.dtype([("id", ">i8"), ("minx", ">f4"), ("maxx", ">f4"), ("miny", ">f4"), ("maxy", ">f4")])
    for k, (entries, entry_boxes, node) in enumerate(levels):
        if k > 0:
            entries = numbers[k - 1][entries]  # child nodes of this level are the level below's nodes
        cells = np.zeros(len(entries), dtype=cell)
        cells["id"] = entries
        cells["minx"], cells["miny"], cells["maxx"], cells["maxy"] = entry_boxes.T
        raw = cells.tobytes()
        blobs = []
        for j, nodeno in enumerate(numbers[k]):
            a, b = j * capacity, min((j + 1) * capacity, len(entries))
            head = (depth if nodeno == 1 else 0).to_bytes(2, "big") + (b - a).to_bytes(2, "big")
            body = raw[a * 24:b * 24]
            blobs.append((int(nodeno), head + body + bytes(node_size - 4 - len(body))))
        conn.executemany(f'INSERT INTO "{rt}_node" VALUES (?, ?)', blobs)
        if k == 0 and len(entries) and np.array_equal(entries, np.arange(1, len(entries) + 1)):
            # rowid i sits in leaf (i - 1) // capacity: let SQLite generate the rows
            conn.execute(f'WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?) '
                         f'INSERT INTO "{rt}_rowid" (rowid, nodeno) SELECT i, ? + (i - 1) / ? FROM s',
                         (len(entries), int(numbers[0][0]), capacity))
        elif k == 0:  # in rowid order: appending to the B-tree is several times faster than random inserts
            by_id = np.argsort(entries, kind="stable")
            conn.executemany(f'INSERT INTO "{rt}_rowid" (rowid, nodeno) VALUES (?, ?)',
                             zip(entries[by_id].tolist(), numbers[0][node[by_id]].tolist()))
        else:
            conn.executemany(f'INSERT INTO "{rt}_parent" VALUES (?, ?)',
                             zip(entries.tolist(), numbers[k][node].tolist()))


def _outward_f32(boxes: np.ndarray) -> np.ndarray:
    """Boxes as float32 that contain the float64 boxes (what SQLite's R*Tree stores)."""
    out = boxes.astype(np.float32)
    lo, hi = out[:, :2], out[:, 2:]
    lo[:] = np.where(lo > boxes[:, :2], np.nextafter(lo, np.float32(-np.inf)), lo)
    hi[:] = np.where(hi < boxes[:, 2:], np.nextafter(hi, np.float32(np.inf)), hi)
    return out


def str_order(boxes: np.ndarray, capacity: int = 51) -> np.ndarray:
    """Sort-Tile-Recursive order: vertical slices by centre x, each sorted by centre y, so consecutive
    runs of ``capacity`` entries (51: SQLite's R*Tree node with 4 KiB pages) are compact nodes."""
    n = len(boxes)
    if n <= capacity:
        return np.arange(n)
    cx, cy = boxes[:, 0] + boxes[:, 2], boxes[:, 1] + boxes[:, 3]
    per_slice = capacity * int(np.ceil(np.sqrt(np.ceil(n / capacity))))
    by_x = np.argsort(cx, kind="stable")
    slice_of = np.empty(n, dtype=np.int64)
    slice_of[by_x] = np.arange(n) // per_slice
    return np.lexsort((cy, slice_of))


@contextlib.contextmanager
def packed_rtree_inserts(conn: sqlite3.Connection, table: str, column: str = "geom",
                         enabled: bool = True) -> Iterator[None]:
    """Inside the caller's transaction: rows inserted in the block reach the R*Tree by one
    :func:`bulk_rtree` of the whole table at the end instead of one insert trigger each (a county's
    100,000 patches: seconds of R*Tree inserts). It rebuilds the whole tree, so callers enable it for
    many new rows only. On an exception the caller's rollback restores the trigger."""
    if not enabled:
        yield
        return
    rt, trigger = f"rtree_{table}_{column}", f"rtree_{table}_{column}_insert"
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (trigger,)).fetchone()
    if sql is None:
        yield
        return
    conn.execute(f'DROP TRIGGER "{trigger}"')
    yield
    fid = next(r[1] for r in conn.execute(f'PRAGMA table_info("{table}")') if r[5] == 1)
    old = np.array(conn.execute(f'SELECT id, minx, miny, maxx, maxy FROM "{rt}"').fetchall(),
                   dtype=np.float64).reshape(-1, 5)
    # The usual blob starts with the 40-byte header of encode() (little-endian, XY envelope): those
    # envelopes are read as one array; any other blob through _envelope.
    rows = conn.execute(f'SELECT t."{fid}", substr(t."{column}", 1, 40) FROM "{table}" t LEFT JOIN "{rt}" r '
                        f'ON r.id = t."{fid}" WHERE r.id IS NULL AND t."{column}" IS NOT NULL').fetchall()
    usual = np.array([len(h) == _HEADER.size and h[:2] == b"GP" and h[3] == _FLAGS_LE_XY_ENVELOPE for _, h in rows],
                     dtype=bool)
    new = np.zeros((len(rows), 5))
    new[:, 0] = [i for i, _ in rows]
    found = usual.copy()
    heads = b"".join(h for (_, h), u in zip(rows, usual.tolist()) if u)
    new[usual, 1:] = np.frombuffer(heads, _HEADER_DTYPE)["envelope"][:, [0, 2, 1, 3]]
    for k in np.flatnonzero(~usual).tolist():
        e = _envelope(conn.execute(f'SELECT "{column}" FROM "{table}" WHERE "{fid}" = ?', (rows[k][0],)).fetchone()[0])
        if e is not None:
            new[k, 1:], found[k] = (e[0], e[2], e[1], e[3]), True
    new = new[found]
    rows = np.concatenate([old, new])
    bulk_rtree(conn, table, column, rows[:, 0].astype(np.int64), rows[:, 1:])
    conn.execute(sql[0])
