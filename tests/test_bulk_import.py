"""A county-sized import reaches the R*Tree in one packed load; the store's spatial index stays exact."""
from __future__ import annotations

import sqlite3

import numpy as np
import shapely

from weipian_plugin.core.intake.importer import create_store_for, import_patches
from weipian_plugin.core.store.workstore import WorkStore

X0, Y0 = 39_500_000.0, 3_300_000.0


def squares(n, dx=0.0):
    i = np.arange(n)
    x, y = X0 + dx + (i % 200) * 30.0, Y0 + (i // 200) * 30.0
    return list(shapely.box(x, y, x + 20, y + 20))


def test_large_import_packs_the_rtree_and_later_edits_use_the_triggers(tmp_path, shapefile_writer, store_path):
    n = 10_500
    big = shapefile_writer(tmp_path / "in" / "一月.shp", squares(n), {
        "监测编号": [f"A{k:05d}" for k in range(n)], "县名": ["青禾县"] * n, "后时相": ["2026-01-05"] * n}, encoding="GBK")
    small = shapefile_writer(tmp_path / "in" / "二月.shp", squares(3, dx=10_000), {
        "监测编号": ["B1", "B2", "B3"], "县名": ["青禾县"] * 3, "后时相": ["2026-02-05"] * 3}, encoding="GBK")
    with create_store_for(store_path, big) as store:
        assert import_patches(store, big, "一月").inserted == n
        assert import_patches(store, small, "二月").inserted == 3  # a few rows: the usual trigger
        assert import_patches(store, big, "一月").updated == n  # re-import updates in place
    conn = sqlite3.connect(store_path)
    assert conn.execute("SELECT rtreecheck('rtree_patches_geom')").fetchone() == ("ok",)
    assert conn.execute("SELECT count(*) FROM rtree_patches_geom").fetchone() == (n + 3,)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert "rtree_patches_geom_insert" in names
    # every patch's R*Tree box contains the patch
    boxes = dict((i, b) for i, *b in conn.execute("SELECT id, minx, miny, maxx, maxy FROM rtree_patches_geom"))
    with WorkStore.open(store_path) as store:
        fids, geoms, _ = store.read_patches(columns=())
    bounds = shapely.bounds(geoms)
    rtree = np.array([boxes[f] for f in fids.tolist()])
    assert (rtree[:, :2] <= bounds[:, :2]).all() and (rtree[:, 2:] >= bounds[:, 2:]).all()


def test_the_import_after_creating_the_store_reads_the_file_as_it_is_then(tmp_path, shapefile_writer, store_path):
    """Creating a store keeps its read of the batch for the import that follows; a file changed in
    between is read again."""
    shp = tmp_path / "in" / "一月.shp"
    shapefile_writer(shp, squares(5), {"监测编号": [f"A{k}" for k in range(5)], "后时相": ["2026-01-05"] * 5}, encoding="GBK")
    with create_store_for(store_path, shp) as store:
        shapefile_writer(shp, squares(3), {"监测编号": ["B1", "B2", "B3"], "后时相": ["2026-01-05"] * 3}, encoding="GBK")
        assert import_patches(store, shp, "一月").inserted == 3
        assert [r[0] for r in store.conn.execute("SELECT jcbh FROM patches ORDER BY fid")] == ["B1", "B2", "B3"]
    store_path.unlink()
    with create_store_for(store_path, shp) as store:  # unchanged: the kept read, the same rows
        assert import_patches(store, shp, "一月").inserted == 3


def test_a_bulk_load_boxes_blobs_written_elsewhere_from_their_geometry(tmp_path):
    """The packed load reads the usual 40-byte headers as one array; a blob another writer left (no
    envelope in its header, big-endian) still gets the box of its geometry."""
    import struct

    from weipian_plugin.core.store import gpkg

    conn = sqlite3.connect(tmp_path / "t.gpkg", isolation_level=None)
    gpkg.register_functions(conn)
    gpkg.initialise(conn)
    conn.execute("CREATE TABLE t (fid INTEGER PRIMARY KEY, geom GEOMETRY)")
    gpkg.register_features(conn, "t", "geom", "POLYGON", 4527, "t")
    geoms = np.array(squares(6) + [shapely.box(X0, Y0 + 900, X0 + 5, Y0 + 907)], dtype=object)
    blobs = gpkg.encode(geoms[:6], 4527)
    bare = struct.pack("<2sBBi", b"GP", 0, 0b00000001, 4527) + shapely.to_wkb(geoms[6], byte_order=0)
    conn.execute("BEGIN")
    with gpkg.packed_rtree_inserts(conn, "t"):
        conn.executemany("INSERT INTO t VALUES (?, ?)", [(k + 1, b) for k, b in enumerate(blobs + [bare, None])])
    conn.execute("COMMIT")
    assert conn.execute("SELECT rtreecheck('rtree_t_geom')").fetchone() == ("ok",)
    boxes = conn.execute("SELECT id, minx, miny, maxx, maxy FROM rtree_t_geom ORDER BY id").fetchall()
    assert [b[0] for b in boxes] == list(range(1, 8))  # the NULL geometry has no box
    expected = shapely.bounds(geoms)
    assert np.allclose(np.array(boxes)[:, 1:], expected, atol=1e-3)  # float32 boxes, rounded outwards
