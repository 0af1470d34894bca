"""core/store/gpkg.py on its own: blobs as the GeoPackage 1.2 spec lays them out, empty and missing
geometries, the R*Tree triggers and the packed R*Tree (checked by SQLite's own rtreecheck)."""
import sqlite3
import struct

import numpy as np
import pytest
import shapely

from weipian_plugin.core.store import gpkg

SRS = 4527
SQUARE = shapely.box(39_500_000, 3_300_000, 39_500_040, 3_300_030)


def test_a_blob_has_the_spec_header_and_round_trips():
    (blob,) = gpkg.encode([SQUARE], SRS)
    magic, version, flags, srs, minx, maxx, miny, maxy = struct.unpack_from("<2sBBi4d", blob)
    assert (magic, version, flags, srs) == (b"GP", 0, 0b00000011, SRS)  # little endian, XY envelope
    assert (minx, maxx, miny, maxy) == (39_500_000, 39_500_040, 3_300_000, 3_300_030)
    assert gpkg.decode([blob])[0].equals(SQUARE)


def test_empty_and_missing_geometries():
    """An empty geometry is flagged empty with no envelope (an R*Tree never indexes it); None stays None."""
    empty, missing, point = gpkg.encode(np.array([shapely.Polygon(), None, shapely.Point(1, 2)], dtype=object), SRS)
    assert missing is None
    assert empty[:2] == b"GP" and empty[3] & 0b00010000 and (empty[3] >> 1) & 0b111 == 0
    decoded = gpkg.decode([empty, None, point])
    assert decoded[0].is_empty and decoded[0].geom_type == "Polygon"
    assert decoded[1] is None and decoded[2].equals(shapely.Point(1, 2))
    assert gpkg._envelope(empty) is None and gpkg._envelope(None) is None


def test_an_envelope_missing_from_the_header_is_computed_from_the_wkb():
    wkb = shapely.to_wkb(SQUARE, byte_order=1)
    blob = struct.pack("<2sBBi", b"GP", 0, 0b00000001, SRS) + wkb  # no envelope (flags 0)
    assert gpkg.decode([blob])[0].equals(SQUARE)
    assert gpkg._envelope(blob) == (39_500_000, 39_500_040, 3_300_000, 3_300_030)


def test_a_blob_that_is_not_a_geopackage_geometry_is_refused():
    with pytest.raises(ValueError, match="not a GeoPackage geometry blob"):
        gpkg.decode([shapely.to_wkb(SQUARE)])


@pytest.fixture
def conn(tmp_path):
    conn = sqlite3.connect(tmp_path / "g.gpkg", isolation_level=None)
    gpkg.register_functions(conn)
    gpkg.initialise(conn)
    gpkg.add_srs(conn, SRS)
    conn.execute("CREATE TABLE t (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom GEOMETRY)")
    gpkg.register_features(conn, "t", "geom", "POLYGON", SRS, "test")
    yield conn
    conn.close()


def test_the_rtree_triggers_skip_empty_and_missing_geometries(conn):
    blobs = gpkg.encode(np.array([SQUARE, shapely.Polygon(), None], dtype=object), SRS)
    conn.executemany("INSERT INTO t (geom) VALUES (?)", [(b,) for b in blobs])
    assert conn.execute("SELECT id FROM rtree_t_geom").fetchall() == [(1,)]
    conn.execute("UPDATE t SET geom = ? WHERE fid = 1", (blobs[1],))  # made empty: leaves the index
    assert conn.execute("SELECT count(*) FROM rtree_t_geom").fetchone() == (0,)
    conn.execute("UPDATE t SET geom = ? WHERE fid = 2", (blobs[0],))
    assert conn.execute("SELECT id, minx, maxy FROM rtree_t_geom").fetchall() == [(2, 39_500_000, 3_300_030)]
    assert conn.execute("PRAGMA application_id").fetchone()[0] == gpkg.APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == gpkg.USER_VERSION
    gpkg.update_extent(conn, "t")
    assert conn.execute("SELECT min_x, max_y FROM gpkg_contents WHERE table_name='t'").fetchone() == \
        (39_500_000, 3_300_030)


@pytest.mark.parametrize("n", [0, 1, 51, 52, 3000])
def test_the_packed_rtree_passes_sqlites_own_check_and_finds_every_box(conn, n):
    rng = np.random.default_rng(n)
    lo = rng.uniform([39_500_000, 3_300_000], [39_510_000, 3_310_000], (n, 2))
    boxes = np.column_stack([lo, lo + rng.uniform(1, 50, (n, 2))])
    ids = np.arange(1, n + 1)
    gpkg.bulk_rtree(conn, "t", "geom", ids, boxes)
    assert conn.execute("SELECT rtreecheck('rtree_t_geom')").fetchone() == ("ok",)
    assert conn.execute("SELECT count(*) FROM rtree_t_geom").fetchone() == (n,)
    for i in rng.choice(n, size=min(n, 20), replace=False) if n else []:
        minx, miny, maxx, maxy = boxes[i]
        hits = {r[0] for r in conn.execute("SELECT id FROM rtree_t_geom WHERE minx <= ? AND maxx >= ? AND "
                                           "miny <= ? AND maxy >= ?", (minx, maxx, miny, maxy))}
        assert ids[i] in hits
        stored = conn.execute("SELECT minx, maxx, miny, maxy FROM rtree_t_geom WHERE id = ?", (int(ids[i]),)).fetchone()
        assert stored[0] <= minx and stored[1] >= maxx and stored[2] <= miny and stored[3] >= maxy  # rounded outward


def test_run_script_keeps_the_callers_transaction(conn):
    conn.execute("BEGIN")
    gpkg.run_script(conn, "CREATE TABLE a (x); CREATE TRIGGER a_t AFTER INSERT ON a BEGIN SELECT 1; END;"
                          "INSERT INTO a VALUES (1);")
    assert conn.in_transaction
    conn.execute("ROLLBACK")
    assert conn.execute("SELECT name FROM sqlite_master WHERE name IN ('a', 'a_t')").fetchall() == []
