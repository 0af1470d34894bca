"""拆分 on a real GeoPackage: parts that sum exactly to the parent and carry their own determinations."""
from __future__ import annotations

import math
import random
import sqlite3

import numpy as np
import pytest
import shapely

from weipian_plugin.core.geo.area import ellipsoidal_area
from weipian_plugin.core.review.records import (
    LockedError,
    ReviewError,
    history,
    load_determination,
    lock_batch,
    patch_status,
    save_determination,
)
from weipian_plugin.core.review.split import adjust_areas, split_by_line, split_by_polygon
from weipian_plugin.core.store import gpkg
from weipian_plugin.core.store.workstore import WorkStore

X0, Y0 = 39_512_345.0, 3_301_234.0  # off the central meridian, where plane and ellipsoid areas differ


def patch_geom(i=0):
    return shapely.MultiPolygon([shapely.box(X0 + 200 * i, Y0, X0 + 200 * i + 100, Y0 + 60)])


@pytest.fixture
def store(tmp_path):
    store = WorkStore.create(tmp_path / "s.gpkg", 4527)
    geoms = np.array([patch_geom(0), patch_geom(1),
                      shapely.MultiPolygon([shapely.box(X0, Y0 + 200, X0 + 30, Y0 + 230),
                                            shapely.box(X0 + 50, Y0 + 200, X0 + 80, Y0 + 230)])], dtype=object)
    areas = ellipsoidal_area(geoms, 4527)
    with store.transaction() as conn:
        conn.execute("INSERT INTO batches (name, received_date) VALUES ('2026年03月', '2026-03-02')")
        conn.executemany(
            "INSERT INTO patches (geom, batch_id, jcbh, xzqdm, tblx, jcmj_m2, area_m2, area_mu, township_name, "
            "due_date) VALUES (?, 1, ?, '500199', 'YH', 6000, ?, ?, '青禾镇', '2026-03-22')",
            [(blob, f"J{i + 1}", float(a), float(a) * 3 / 2000)
             for i, (blob, a) in enumerate(zip(gpkg.encode(geoms, 4527), areas))])
    yield store
    store.close()


def area_of(store, fid):
    return store.conn.execute("SELECT area_m2 FROM patches WHERE fid=?", (fid,)).fetchone()[0]


def test_split_along_an_approval_red_line(store):
    parent_area = area_of(store, 1)
    save_determination(store, 1, {"result": "违法", "violation_category": "新增"}, "李四")
    red_line = shapely.box(X0 - 10, Y0 - 10, X0 + 40, Y0 + 70)  # covers the western 40 % of the patch
    fids = split_by_polygon(store, 1, red_line, "李四")
    assert len(fids) == 2

    rows = store.conn.execute(
        "SELECT fid, jcbh, parent_fid, split_state, batch_id, xzqdm, tblx, township_name, due_date, jcmj_m2, "
        "area_m2, area_mu, geom FROM patches WHERE parent_fid = 1 ORDER BY fid").fetchall()
    assert [r[0] for r in rows] == fids
    assert [r[1:9] for r in rows] == [(f"J1-{k}", 1, "拆分部分", 1, "500199", "YH", "青禾镇", "2026-03-22")
                                      for k in (1, 2)]
    assert all(r[9] is None for r in rows)  # the issued area describes the whole patch, not a part
    areas = [r[10] for r in rows]
    assert sum(areas) == parent_area  # 面积平差: exact, not approximately
    assert all(r[11] == pytest.approx(r[10] * 3 / 2000, rel=1e-12) for r in rows)
    assert areas[0] / parent_area == pytest.approx(0.4, rel=1e-4)

    inside, outside = gpkg.decode([r[12] for r in rows])
    assert inside.geom_type == outside.geom_type == "MultiPolygon"
    assert inside.within(red_line.buffer(1e-6)) and outside.intersection(red_line).area < 1e-6
    assert shapely.union(inside, outside).symmetric_difference(patch_geom(0)).area < 1e-6
    # the adjustment moved each part's own ellipsoidal area by a negligible amount only
    own = ellipsoidal_area(np.array([inside, outside], dtype=object), 4527)
    assert areas == pytest.approx(own.tolist(), rel=1e-9)

    assert store.conn.execute("SELECT split_state FROM patches WHERE fid=1").fetchone()[0] == "被拆分"
    assert patch_status(store, 1)["status"] == "被拆分"
    assert load_determination(store, 1)["result"] == "违法"  # kept as history
    rtree = {r[0] for r in store.conn.execute("SELECT id FROM rtree_patches_geom")}
    assert set(fids) <= rtree

    fids_read, _, _ = store.read_patches()
    assert 1 not in fids_read and set(fids) <= set(fids_read.tolist())
    assert 1 in store.read_patches(include_split=True)[0]

    save_determination(store, fids[0], {"result": "合法", "subtype": "批文", "doc_numbers": "青政地〔2025〕3号"}, "李四")
    save_determination(store, fids[1], {"result": "违法", "violation_category": "新增",
                                        "illegal_m2": areas[1]}, "李四")
    assert patch_status(store, fids[0])["status"] == "已判定"
    assert patch_status(store, fids[1])["remaining_m2"] == areas[1]
    with pytest.raises(ReviewError, match="已拆分"):
        save_determination(store, 1, {"result": "合法", "subtype": "批文"}, "李四")

    entry = history(store, 1)[0]
    assert (entry.actor, entry.table, entry.action, entry.label, entry.new) == \
        ("李四", "patches", "split", "拆分状态", "被拆分")
    parts_entry = next(e for e in history(store, 1) if e.field == "split_parts")
    assert parts_entry.new == "J1-1、J1-2"
    assert {e.field: e.new for e in history(store, fids[0])}["parent_jcbh"] == "J1"


def test_parts_are_read_by_gdal(store, tmp_path):
    from osgeo import ogr

    split_by_polygon(store, 1, shapely.box(X0 - 10, Y0 - 10, X0 + 40, Y0 + 70), "李四")
    ds = ogr.Open(str(store.path))
    layer = ds.GetLayerByName("patches")
    layer.SetAttributeFilter("split_state = '拆分部分'")
    got = sorted((f.GetField("jcbh"), round(f.GetGeometryRef().GetArea())) for f in layer)
    assert got == [("J1-1", 2400), ("J1-2", 3600)]


@pytest.mark.parametrize("cutter", [
    shapely.box(X0 + 1000, Y0, X0 + 1100, Y0 + 60),  # misses the patch
    shapely.box(X0 - 10, Y0 - 10, X0 + 110, Y0 + 70),  # covers it whole
    shapely.box(X0, Y0 + 60, X0 + 100, Y0 + 90),  # only touches its edge
])
def test_a_cutter_that_does_not_cross_the_patch_is_refused(store, cutter):
    with pytest.raises(ReviewError, match="切割范围没有穿过图斑"):
        split_by_polygon(store, 1, cutter, "李四")
    assert store.conn.execute("SELECT count(*) FROM patches").fetchone()[0] == 3
    assert store.conn.execute("SELECT split_state FROM patches WHERE fid=1").fetchone()[0] == ""


def test_split_patch_and_locked_batch_are_refused(store):
    split_by_polygon(store, 1, shapely.box(X0 - 10, Y0 - 10, X0 + 40, Y0 + 70), "李四")
    with pytest.raises(ReviewError, match="J1 已拆分过"):
        split_by_polygon(store, 1, shapely.box(X0 - 10, Y0 - 10, X0 + 20, Y0 + 70), "李四")
    lock_batch(store, "2026年03月", "一上", "李四")
    with pytest.raises(LockedError):
        split_by_line(store, 2, shapely.LineString([(X0 + 250, Y0 - 5), (X0 + 250, Y0 + 65)]), "李四")
    assert store.conn.execute("SELECT count(*) FROM patches").fetchone()[0] == 5


def test_split_by_line(store):
    parent_area = area_of(store, 2)
    line = shapely.LineString([(X0 + 200 + 30, Y0 - 5), (X0 + 200 + 70, Y0 + 65)])  # diagonal, edge to edge
    fids = split_by_line(store, 2, line, "王五")
    areas = [area_of(store, f) for f in fids]
    assert len(fids) == 2 and sum(areas) == parent_area
    assert sorted(areas) == pytest.approx([parent_area / 2] * 2, rel=1e-6)  # the diagonal halves the box
    jcbh = [r[0] for r in store.conn.execute("SELECT jcbh FROM patches WHERE parent_fid=2 ORDER BY fid")]
    assert jcbh == ["J2-1", "J2-2"]


def test_a_line_that_does_not_cut_is_refused(store):
    with pytest.raises(ReviewError, match="分割线没有完整穿过图斑"):  # ends inside the patch
        split_by_line(store, 2, shapely.LineString([(X0 + 230, Y0 - 5), (X0 + 230, Y0 + 30)]), "王五")
    with pytest.raises(ReviewError, match="分割线没有完整穿过图斑"):  # between the two parts of J3
        split_by_line(store, 3, shapely.LineString([(X0 + 40, Y0 + 190), (X0 + 40, Y0 + 240)]), "王五")
    assert store.conn.execute("SELECT count(*) FROM patches").fetchone()[0] == 3


def test_a_multipart_patch_cut_by_a_line_keeps_every_piece(store):
    parent_area = area_of(store, 3)
    fids = split_by_line(store, 3, shapely.LineString([(X0 + 15, Y0 + 190), (X0 + 15, Y0 + 240)]), "王五")
    assert len(fids) == 3 and sum(area_of(store, f) for f in fids) == parent_area


def test_adjust_areas_sums_exactly_and_keeps_proportions():
    rng = random.Random(4)
    for _ in range(2000):
        n = rng.randint(2, 7)
        areas = [rng.uniform(0.01, 5e4) for _ in range(n)]
        total = math.fsum(areas) * rng.uniform(0.999, 1.001)
        adjusted = adjust_areas(areas, total)
        assert sum(adjusted) == sum(reversed(adjusted)) == math.fsum(adjusted) == np.sum(adjusted) == total
        assert min(adjusted) > 0
        assert adjusted == pytest.approx([a * total / math.fsum(areas) for a in areas], rel=1e-9)


def test_sqlite_sums_the_parts_to_the_parent(store):
    zigzag = shapely.LineString([(X0 + 190.3, Y0 + 7.1), (X0 + 310.7, Y0 + 20.7), (X0 + 189.9, Y0 + 31.3),
                                 (X0 + 311.7, Y0 + 47.9)])  # crosses the patch three times: four parts
    fids = split_by_line(store, 2, zigzag, "王五")
    conn = sqlite3.connect(store.path)
    for order in ("ASC", "DESC"):
        total = conn.execute(f"SELECT sum(area_m2) FROM (SELECT area_m2 FROM patches WHERE parent_fid=2 "
                             f"ORDER BY fid {order})").fetchone()[0]
        assert total == area_of(store, 2)
    assert len(fids) == 4
