"""Registered reference layers: the copy beside the store gives exactly the results of the source itself
(GeoPackage, FileGDB and shapefile deliveries alike), single- or multi-threaded, and every run's layers
are recorded in the store."""
from __future__ import annotations

import os
import shutil
import sqlite3

import numpy as np
import pyogrio
import pyogrio.raw
import pytest
import shapely

from weipian_plugin.core.analysis import overlay
from weipian_plugin.core.analysis.run import analyze, load_layers, load_registered, run_analysis
from weipian_plugin.core.intake import reference
from weipian_plugin.core.intake.importer import create_store_for, import_patches
from weipian_plugin.core.intake.reference import ReferenceCache, cache_path, fingerprint
from weipian_plugin.core.intake.vector_io import read_vector
from weipian_plugin.core.store import gpkg
from weipian_plugin.core.store.workstore import WorkStore

REFERENCE = {"landuse": "DLTB.gpkg", "basic_farmland": "永久基本农田.shp", "approvals": "建设用地审批.shp",
             "supply": "供地.shp", "registration": "不动产登记.shp", "facility": "设施农用地备案.shp",
             "temporary": "临时用地.shp", "mining": "采矿权.shp", "eco_redline": "生态保护红线.shp",
             "townships": "乡镇.shp"}
RESULT_TABLES = {
    "analysis": "SELECT * FROM analysis ORDER BY patch_fid",
    "analysis_classes": "SELECT * FROM analysis_classes ORDER BY rowid",
    "analysis_features": "SELECT * FROM analysis_features ORDER BY rowid",
    "townships": "SELECT fid, township_code, township_name FROM patches ORDER BY fid",
}


def sources(county, **override):
    out = {role: str(county / "reference" / name) for role, name in REFERENCE.items()}
    out.update({k: str(v) for k, v in override.items()})
    return out


@pytest.fixture(scope="module")
def county_store(sample_county, tmp_path_factory):
    """The sample county's patches imported, not analysed (copied by each test)."""
    path = tmp_path_factory.mktemp("reference") / "青禾县_2026_卫片.gpkg"
    batches = sorted((sample_county / "batches").glob("*.shp"))
    with create_store_for(path, batches[0]) as store:
        for shp in batches:
            import_patches(store, shp, shp.stem.split("_")[0])
    return path


@pytest.fixture
def store_copy(county_store, tmp_path):
    path = tmp_path / "store" / county_store.name
    path.parent.mkdir()
    shutil.copy(county_store, path)
    return path


@pytest.fixture(scope="module")
def dltb_deliveries(sample_county, tmp_path_factory):
    """The sample DLTB as a county receives it: a FileGDB and a shapefile (same features, same order)."""
    folder = tmp_path_factory.mktemp("deliveries")
    src = sample_county / "reference" / "DLTB.gpkg"
    meta, _, wkb, values = pyogrio.raw.read(str(src))
    # 32-bit integers, as ArcGIS writes a FileGDB's Integer fields (64-bit ones only since ArcGIS Pro 3.2)
    values = [v.astype(np.int32) if v.dtype == np.int64 else v for v in values]
    out = {}
    for name, driver in (("DLTB.gdb", "OpenFileGDB"), ("DLTB.shp", "ESRI Shapefile")):
        pyogrio.raw.write(str(folder / name), wkb, values, list(meta["fields"]), driver=driver, crs=meta["crs"],
                          geometry_type="MultiPolygon", layer="DLTB", **({"encoding": "UTF-8"} if
                                                                            name.endswith(".shp") else {}))
        out[name.split(".")[1]] = folder / name
    return out


def results(path) -> dict:
    conn = sqlite3.connect(path)
    try:
        out = {name: conn.execute(sql).fetchall() for name, sql in RESULT_TABLES.items()}
    finally:
        conn.close()
    # the analysis timestamp is the only column allowed to differ
    out["analysis"] = [row[:1] + row[2:] for row in out["analysis"]]
    return out


def test_packed_rtree_is_what_sqlite_and_gdal_expect(tmp_path):
    path = tmp_path / "packed.gpkg"
    conn = sqlite3.connect(path, isolation_level=None)
    gpkg.register_functions(conn)
    gpkg.initialise(conn)
    gpkg.add_srs(conn, 4527)
    rng = np.random.default_rng(3)
    for n in (0, 1, 51, 52, 3000):
        x, y = rng.uniform(39.5e6, 39.51e6, n), rng.uniform(3.3e6, 3.31e6, n)
        geoms = shapely.box(x, y, x + rng.uniform(1, 90, n), y + rng.uniform(1, 90, n))
        bounds = shapely.bounds(geoms)
        order = gpkg.str_order(bounds)
        table = f"t{n}"
        conn.execute("BEGIN")
        conn.execute(f"CREATE TABLE {table} (fid INTEGER PRIMARY KEY, geom POLYGON)")
        conn.executemany(f"INSERT INTO {table} VALUES (?, ?)",
                         zip(range(1, n + 1), gpkg.encode(geoms[order], 4527)))
        gpkg.register_features(conn, table, "geom", "POLYGON", 4527)
        gpkg.bulk_rtree(conn, table, "geom", np.arange(1, n + 1), bounds[order], packed=True)
        conn.execute("COMMIT")
        assert conn.execute(f"SELECT rtreecheck('rtree_{table}_geom')").fetchone() == ("ok",)
        assert conn.execute(f"SELECT count(*) FROM rtree_{table}_geom").fetchone() == (n,)
        # every box found by a window query (float32 boxes may add near misses, never lose a hit)
        window = (39.503e6, 3.303e6, 39.505e6, 3.305e6)
        want = set(np.flatnonzero(shapely.intersects(geoms[order], shapely.box(*window))) + 1)
        got = {r[0] for r in conn.execute(f"SELECT id FROM rtree_{table}_geom WHERE minx <= ? AND maxx >= ? AND "
                                          "miny <= ? AND maxy >= ?", (window[2], window[0], window[3], window[1]))}
        assert want <= got
        # edits after the bulk load go through the GeoPackage triggers as usual
        conn.execute(f"INSERT INTO {table} (geom) VALUES (?)", gpkg.encode(np.array([shapely.box(0, 0, 1, 1)]), 4527))
        assert conn.execute(f"SELECT rtreecheck('rtree_{table}_geom')").fetchone() == ("ok",)
        if n:
            _, fids, _, _ = pyogrio.raw.read(str(path), layer=table, bbox=window, return_fids=True)
            assert want <= set(fids.tolist())
    conn.close()


def test_cached_uncached_and_threaded_runs_give_identical_results(store_copy, sample_county, tmp_path,
                                                                  monkeypatch):
    plain = tmp_path / "plain.gpkg"
    shutil.copy(store_copy, plain)
    with WorkStore.open(plain) as store:  # the source files read directly, as before registration existed
        kept = load_layers(sources(sample_county), store.epsg, store.patch_bounds())
        analyze(store, kept)
    assert len(kept) == 10
    with WorkStore.open(store_copy) as store:
        first = run_analysis(store, sources(sample_county))  # registers every layer
        after_registration = results(store_copy)
        shredding = store.conn.execute("PRAGMA secure_delete").fetchone()
        run_analysis(store, sources(sample_county))  # served from the copies, replacing the results
        assert store.conn.execute("PRAGMA secure_delete").fetchone() == shredding  # as the store had it
        records = store.conn.execute("SELECT r.id, l.role, l.cached FROM analysis_run_layers l "
                                     "JOIN analysis_runs r ON r.id = l.run_id ORDER BY r.id, l.role").fetchall()
    assert first.analyzed > 150
    assert results(plain) == after_registration == results(store_copy)
    assert {c for _, _, c in records[:10]} == {0} and {c for _, _, c in records[10:]} == {1}

    # one batch from the copies (through the R*Tree): the results the source files themselves give for it
    batch = "2026年2月"
    with WorkStore.open(plain) as store:
        analyze(store, load_layers(sources(sample_county), store.epsg, store.patch_bounds(batch)), batch)
    with WorkStore.open(store_copy) as store:
        assert run_analysis(store, sources(sample_county), batch=batch).analyzed < first.analyzed
    by_batch = results(plain)
    assert by_batch == results(store_copy)
    # the same rows as the county run (the batch's rows, written again, come last)
    assert {k: sorted(v, key=repr) for k, v in by_batch.items()} == \
        {k: sorted(v, key=repr) for k, v in after_registration.items()}

    # a county's patches (more boxes than _MANY_BOXES) are served from the packs, not the R*Tree
    monkeypatch.setattr(reference, "_MANY_BOXES", 0)
    with WorkStore.open(store_copy) as store:
        run_analysis(store, sources(sample_county))
    assert results(store_copy) == after_registration
    monkeypatch.undo()

    # many chunks, each written while the next are overlaid: the same rows in the same order
    monkeypatch.setattr(overlay, "_MIN_PARALLEL_CHUNK", 25)
    with WorkStore.open(store_copy) as store:
        run_analysis(store, sources(sample_county))
    assert results(store_copy) == after_registration
    monkeypatch.undo()

    # the overlay itself: one thread in one chunk, or two threads over chunks of 25 patches
    with WorkStore.open(store_copy) as store:
        layers, _ = load_registered(store, sources(sample_county), store.patch_bounds())
        fids, geoms, attrs = store.read_patches(columns=("hsx", "area_m2"))
    areas = attrs["area_m2"].astype(float)
    one = overlay.run_overlay(geoms, areas, layers, after_dates=list(attrs["hsx"]), workers=1)
    many = overlay.run_overlay(geoms, areas, layers, after_dates=list(attrs["hsx"]), workers=2, chunk_size=25)
    for name in ("area_m2", "cultivated_m2", "dominant_dlbm", "village_code", "township_code", "township_share"):
        np.testing.assert_array_equal(getattr(one, name), getattr(many, name))
    for name in ("covered_m2", "valid_covered_m2", "uncovered_cultivated_m2"):
        assert getattr(one, name).keys() == getattr(many, name).keys()
        for role in getattr(one, name):
            np.testing.assert_array_equal(getattr(one, name)[role], getattr(many, name)[role])
    for table in ("landuse", "features"):
        for column, value in vars(getattr(one, table)).items():
            np.testing.assert_array_equal(value, getattr(getattr(many, table), column), err_msg=f"{table}.{column}")


@pytest.mark.parametrize("delivery", ["gdb", "shp"])
def test_filegdb_and_shapefile_deliveries(delivery, store_copy, sample_county, dltb_deliveries, tmp_path,
                                          monkeypatch):
    monkeypatch.setattr(reference, "_FETCH", 1000)  # the DLTB copy written and read in several slices
    monkeypatch.setattr(reference, "_MANY_BOXES", 0)  # and read back from its packs, as for a county
    plain = tmp_path / "plain.gpkg"
    shutil.copy(store_copy, plain)
    layers = sources(sample_county, landuse=dltb_deliveries[delivery])
    with WorkStore.open(plain) as store:
        analyze(store, load_layers(layers, store.epsg, store.patch_bounds()))
    with WorkStore.open(store_copy) as store:
        run_analysis(store, layers)
        registered = results(store_copy)
        run_analysis(store, layers)
        cached = store.conn.execute("SELECT cached FROM analysis_run_layers WHERE role='landuse' "
                                    "ORDER BY run_id").fetchall()
    assert results(plain) == registered == results(store_copy)
    assert cached == [(0,), (1,)]
    entry = ReferenceCache(cache_path(store_copy), 4527).status("landuse", str(dltb_deliveries[delivery]))
    assert entry["current"] and entry["feature_count"] > 5000
    # only the fields the overlay reads were copied
    assert set(__import__("json").loads(entry["fields"])) == {"DLBM", "DLMC", "KCXS", "ZLDWDM", "ZLDWMC", "CZCSXM"}


def test_a_changed_source_is_registered_again(store_copy, sample_county, tmp_path):
    folder = tmp_path / "refs"
    folder.mkdir()
    for part in (sample_county / "reference").glob("建设用地审批.*"):
        shutil.copy(part, folder / part.name)
    shp = folder / "建设用地审批.shp"
    cache = ReferenceCache(cache_path(store_copy), 4527)
    wanted = overlay.role_fields("approvals")
    first, rec1 = cache.load("approvals", str(shp), wanted)
    again, rec2 = cache.load("approvals", str(shp), wanted)
    assert (rec1.cached, rec2.cached) == (False, True)
    assert rec2.registered_at == rec1.registered_at and rec2.checksum == rec1.checksum
    assert shapely.equals_exact(first.geoms, again.geoms, 0).all()
    np.testing.assert_array_equal(first.fids, again.fids)
    assert first.attrs.keys() == again.attrs.keys() == {"PZWH", "PZRQ", "XMMC"}
    for name in first.attrs:
        assert list(first.attrs[name]) == list(again.attrs[name])

    # the county replaces the file: fewer features, another modification time
    meta, _, wkb, values = pyogrio.raw.read(str(shp))
    for part in folder.glob("建设用地审批.*"):
        part.unlink()
    pyogrio.raw.write(str(shp), wkb[:10], [v[:10] for v in values], list(meta["fields"]),
                      driver="ESRI Shapefile", crs=meta["crs"], geometry_type="Polygon", encoding="UTF-8")
    changed, rec3 = cache.load("approvals", str(shp), wanted)
    assert not rec3.cached and len(changed) == 10 and rec3.checksum != rec1.checksum
    assert [e["feature_count"] for e in cache.entries()] == [10]  # replaced, not added
    # a touched file with the same content is checked again, and found current after re-registration
    os.utime(shp, ns=(shp.stat().st_atime_ns, shp.stat().st_mtime_ns + 10**9))
    assert not cache.status("approvals", str(shp))["current"]
    assert fingerprint(shp).checksum == rec3.checksum


def test_packs_and_rtree_give_the_same_features_and_values(tmp_path, monkeypatch):
    """Every column type a delivery brings (integer, real with nulls, date, text with nulls and with
    numbers in it) reads back the same through the packs (county) and the R*Tree (batch), near or not."""
    monkeypatch.setattr(reference, "_FETCH", 7)  # several packs
    n = 40
    x = 39_500_000 + 100.0 * np.arange(n)
    geoms = shapely.box(x, 3_300_000, x + 90, 3_300_090)
    values = [np.arange(n, dtype=np.int64), np.where(np.arange(n) % 3, np.arange(n) / 4, np.nan),
              np.array([np.datetime64("2024-01-01") + k if k % 5 else np.datetime64("NaT") for k in range(n)]),
              np.array([None if k % 4 == 0 else f"地块{k % 6}" for k in range(n)], dtype=object)]
    src = tmp_path / "layer.gpkg"
    pyogrio.raw.write(str(src), shapely.to_wkb(geoms), values, ["BH", "MJ", "RQ", "MC"], driver="GPKG",
                      crs="EPSG:4527", geometry_type="Polygon", layer="layer")
    cache = ReferenceCache(tmp_path / "x.ref.gpkg", 4527)
    registered, _ = cache.load("approvals", str(src))
    packed, rec = cache.load("approvals", str(src))
    near = np.array([[39_500_950.0, 3_300_010, 39_501_550, 3_300_020]])  # features 9..15
    by_rtree, _ = cache.load("approvals", str(src), near=near)
    monkeypatch.setattr(reference, "_MANY_BOXES", 0)
    by_packs, _ = cache.load("approvals", str(src), near=near)
    assert rec.cached and len(packed) == n and list(by_rtree.fids) == list(by_packs.fids) == list(range(10, 17))
    for got, rows in ((packed, slice(None)), (by_rtree, slice(9, 16)), (by_packs, slice(9, 16))):
        assert shapely.equals_exact(got.geoms, registered.geoms[rows], 0).all()
        assert got.attrs.keys() == registered.attrs.keys()
        for name, column in got.attrs.items():
            assert column.dtype == by_rtree.attrs[name].dtype
            assert [None if v != v else v for v in column.tolist()] == \
                [None if v != v else v for v in registered.attrs[name][rows].tolist()], name


@pytest.mark.parametrize("grid", [2048, 8])
def test_the_near_filter_keeps_every_box_that_meets_a_patch(grid, monkeypatch):
    """The grid filter of a county read: never loses a box meeting (or touching) a patch's box, and keeps
    few others when its grid is fine (a coarse grid only keeps more)."""
    monkeypatch.setattr(reference, "_GRID", grid)
    rng = np.random.default_rng(5)

    def boxes(n, lo, hi):
        x, y = rng.uniform(39.5e6, 39.52e6, n), rng.uniform(3.3e6, 3.32e6, n)
        return np.column_stack([x, y, x + rng.uniform(lo, hi, n), y + rng.uniform(lo, hi, n)])
    near, features = boxes(300, 20, 120), boxes(20_000, 0, 90)
    features[:3] = [near[0, [2, 3, 2, 3]] + [0, 0, 5, 5], near[1, [0, 1, 0, 1]] - [5, 5, 0, 0], [0, 0, 1e9, 1e9]]
    want = np.flatnonzero(((features[:, None, :2] <= near[None, :, 2:]) &
                           (features[:, None, 2:] >= near[None, :, :2])).all(axis=2).any(axis=1))
    got = reference._near_filter(near)(features)
    assert {0, 1, 2} <= set(want) and set(want) <= set(got)
    assert len(got) < 3 * len(want) or grid == 8


def test_one_batch_reads_only_the_features_near_it(store_copy, sample_county):
    with WorkStore.open(store_copy) as store:
        run_analysis(store, sources(sample_county))
        batch = store.batches()[0]["name"]
        summary = run_analysis(store, sources(sample_county), batch=batch)
        run = store.conn.execute("SELECT id, batch, patches, settings FROM analysis_runs ORDER BY id DESC").fetchone()
        layers = {r[0]: r[1:] for r in store.conn.execute(
            "SELECT role, path, size, modified_at, checksum, crs, feature_count, read_count, cached, registered_at "
            "FROM analysis_run_layers WHERE run_id = ?", (run[0],))}
    assert run[1] == batch and run[2] == summary.analyzed < 200
    assert '"rules"' in run[3]
    path, size, modified, checksum, crs, total, read, cached, registered = layers["landuse"]
    assert path.endswith("DLTB.gpkg") and size > 0 and modified and len(checksum) == 32 and crs == "EPSG:4527"
    assert cached == 1 and registered
    assert 0 < read < total / 2  # the batch's neighbourhood, not the county


def test_older_store_gains_the_run_record(tmp_path):
    from test_migrations import old_store  # a schema-4 store as that release built it

    store_copy = tmp_path / "v4.gpkg"
    old_store(store_copy, 4).close()
    with WorkStore.open(store_copy) as store:
        assert store.conn.execute("SELECT count(*) FROM analysis_runs").fetchone() == (0,)
        assert store.schema_version >= 5


def test_a_damaged_registry_is_a_clear_error_and_can_be_deleted(store_copy, sample_county):
    cache = ReferenceCache(cache_path(store_copy), 4527)
    cache.path.write_bytes(b"not a database" * 100)
    with pytest.raises(ValueError, match="参考图层登记库无法使用"):
        cache.load("approvals", str(sample_county / "reference" / "建设用地审批.shp"), overlay.role_fields("approvals"))
    cache.path.unlink()
    assert not cache.load("approvals", str(sample_county / "reference" / "建设用地审批.shp"))[1].cached


@pytest.mark.parametrize("driver,epsg", [("OpenFileGDB", 4527), ("ESRI Shapefile", 4527), ("GPKG", 4527),
                                         ("ESRI Shapefile", 4490)])
def test_the_copy_stores_the_wkb_shapely_writes(tmp_path, driver, epsg, monkeypatch):
    """Registration keeps GDAL's WKB of the features it neither reprojects nor repairs; the copy must hold
    byte for byte what shapely writes for the geometries read, in its packs and its feature table (holes,
    several parts, a repaired bow-tie, a delivery in lon/lat)."""
    from pyproj import Transformer

    x0, y0 = 39_500_000.0, 3_300_000.0
    holed = shapely.Polygon(shapely.box(x0, y0, x0 + 400, y0 + 300).exterior.coords,
                            [shapely.box(x0 + 10, y0 + 10, x0 + 50, y0 + 40).exterior.coords,
                             shapely.box(x0 + 60, y0 + 10, x0 + 90, y0 + 40).exterior.coords])
    parts = shapely.MultiPolygon([shapely.box(x0 + 600, y0, x0 + 650, y0 + 50), holed])
    bowtie = shapely.Polygon([(x0, y0 + 900), (x0 + 50, y0 + 950), (x0 + 50, y0 + 900), (x0, y0 + 950)])
    geoms = np.array([holed, parts, bowtie, shapely.box(x0, y0 + 2000, x0 + 0.3, y0 + 2000.7)], dtype=object)
    if epsg != 4527:
        to_ll = Transformer.from_crs(4527, epsg, always_xy=True)
        geoms = shapely.transform(geoms, lambda c: np.column_stack(to_ll.transform(c[:, 0], c[:, 1])))
    if driver == "OpenFileGDB":  # a FileGDB polygon layer holds MultiPolygons only
        geoms = np.array([g if g.geom_type == "MultiPolygon" else shapely.MultiPolygon([g]) for g in geoms])
    src = tmp_path / {"OpenFileGDB": "d.gdb", "ESRI Shapefile": "d.shp", "GPKG": "d.gpkg"}[driver]
    pyogrio.raw.write(str(src), shapely.to_wkb(geoms), [np.arange(len(geoms), dtype=np.int32)], ["BH"],
                      driver=driver, crs=f"EPSG:{epsg}", layer="d",
                      geometry_type="MultiPolygon" if driver == "OpenFileGDB" else "Unknown")
    cache = ReferenceCache(tmp_path / "x.ref.gpkg", 4527)
    encoded, to_wkb = [], shapely.to_wkb
    monkeypatch.setattr(shapely, "to_wkb", lambda g, **kw: encoded.append(len(g)) or to_wkb(g, **kw))
    registered, rec = cache.load("approvals", str(src))
    monkeypatch.undo()
    assert rec.repaired == 1 and len(registered) == 4
    assert sum(encoded) == (1 if epsg == 4527 else 4)  # GDAL's bytes kept but for the bow-tie (or reprojected)
    conn = sqlite3.connect(cache.path)
    wkb, ends = conn.execute("SELECT wkb, wkb_ends FROM reference_packs").fetchone()
    rows = [r[0][40:] for r in conn.execute('SELECT geom FROM ref_1_approvals ORDER BY src_fid')]  # past the header
    conn.close()
    ends = np.frombuffer(ends, np.int64).tolist()
    stored = [wkb[a:b] for a, b in zip([0] + ends[:-1], ends)]
    expected = shapely.to_wkb(read_vector(src, target_epsg=4527).geoms, byte_order=1, output_dimension=2).tolist()
    assert stored == expected and rows == expected
