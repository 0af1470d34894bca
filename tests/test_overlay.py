"""Overlay engine on hand-computable squares in EPSG:4527 (CGCS2000 3° zone 39, prefixed eastings).

Areas are checked against ``ellipsoidal_area`` of the same shapes: the official area is ellipsoidal,
and 140 km off the central meridian the planar area is wrong by about 0.05 %.
"""
from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import Future
from dataclasses import fields

import numpy as np
import pytest
import shapely

from weipian_plugin.core.analysis.overlay import (
    APPROVALS,
    BASIC_FARMLAND,
    ECO_REDLINE,
    LANDUSE,
    MINING,
    NOT_VALID,
    TEMPORARY,
    TOWNSHIPS,
    UNCOVERED,
    UNKNOWN,
    VALID,
    OverlayCancelled,
    overlay_chunks,
    run_overlay,
)
from weipian_plugin.core.geo.area import ellipsoidal_area
from weipian_plugin.core.intake.vector_io import VectorData

EPSG = 4527
X0, Y0 = 39_500_000.0, 3_300_000.0
FAR = 140_000.0  # metres east of the central meridian: planar area overstates by ~0.048 %


def sq(x0, y0, x1, y1, dx=0.0):
    return shapely.box(X0 + dx + x0, Y0 + y0, X0 + dx + x1, Y0 + y1)


def layer(geoms, **columns):
    return VectorData(np.array(geoms, dtype=object), {k: np.array(v, dtype=object) for k, v in columns.items()}, EPSG)


def overlay(patches, layers, **kwargs):
    patches = np.array(patches, dtype=object)
    areas = ellipsoidal_area(patches, EPSG)
    return run_overlay(patches, areas, layers, **kwargs), areas


def test_overlapping_approvals_are_counted_once():
    # A covers x 0–60 (6000 m²), B covers x 40–100, y 0–50 (3000 m²); they overlap on 20×50 = 1000 m².
    approvals = layer([sq(0, 0, 60, 100), sq(40, 0, 100, 50)], PZWH=["渝府地〔2021〕12号", "渝府地〔2021〕15号"])
    result, areas = overlay([sq(0, 0, 100, 100)], {APPROVALS: approvals})
    assert result.covered_share(APPROVALS)[0] == pytest.approx(0.8, rel=1e-12)
    assert result.covered_m2[APPROVALS][0] == pytest.approx(0.8 * areas[0], rel=1e-12)
    hits = result.row(0).hits(APPROVALS)
    assert [h.doc for h in hits] == ["渝府地〔2021〕12号", "渝府地〔2021〕15号"]
    assert [h.share for h in hits] == pytest.approx([0.6, 0.3])


def test_coverage_never_exceeds_the_patch():
    # Three identical approvals, each larger than the patch, and one partial: union = the patch.
    big = sq(-10, -10, 110, 110, FAR)
    approvals = layer([big, big, big, sq(0, 0, 50, 50, FAR)], PZWH=["a", "b", "c", "d"])
    # Two identical DLTB polygons (a topology error) must not double the class area either.
    landuse = layer([big, big], DLBM=["0101", "0101"])
    result, areas = overlay([sq(0, 0, 100, 100, FAR)], {APPROVALS: approvals, LANDUSE: landuse})
    assert result.covered_m2[APPROVALS][0] == pytest.approx(areas[0], rel=1e-12)
    assert result.covered_m2[APPROVALS][0] <= areas[0] * (1 + 1e-12)
    assert result.features.share.max() <= 1.0
    assert result.landuse.area_m2.sum() == pytest.approx(areas[0], rel=1e-12)
    assert result.landuse.area_m2.max() <= areas[0] * (1 + 1e-12)


def test_patch_across_two_dltb_classes_sums_to_the_ellipsoidal_area():
    landuse = layer([sq(-50, -50, 30, 150, FAR), sq(30, -50, 200, 150, FAR)], DLBM=["0101", "0602"],
                    DLMC=["水田", "城镇住宅用地"], CZCSXM=["", "202"])
    patch = sq(0, 0, 100, 100, FAR)
    result, areas = overlay([patch], {LANDUSE: landuse})
    planar = shapely.area(patch)
    assert abs(planar / areas[0] - 1) > 4e-4  # the planar area would be visibly wrong here
    lu = result.landuse
    assert list(lu.dlbm) == ["0101", "0602"] and list(lu.dlmc) == ["水田", "城镇住宅用地"]
    assert list(lu.czcsxm) == ["", "202"]
    assert lu.area_m2 == pytest.approx([0.3 * areas[0], 0.7 * areas[0]], rel=1e-12)
    assert lu.area_m2.sum() == pytest.approx(areas[0], rel=1e-12)
    assert result.dominant_dlbm[0] == "0602"
    assert result.dlbm_share(["06"])[0] == pytest.approx(0.7, rel=1e-12)


def test_kcxs_deduction_fraction_percent_and_missing():
    # Four 25 m strips: 0101 KCXS 0.1, 0103 KCXS 15 (percent), 0102 without KCXS, 0201 (not cultivated).
    strips = [sq(25 * i, -10, 25 * (i + 1), 110) for i in range(4)]
    landuse = layer(strips, DLBM=["0101", "0103", "0102", "0201"], KCXS=[0.1, 15, None, 0.2])
    result, areas = overlay([sq(0, 0, 100, 100)], {LANDUSE: landuse})
    quarter = areas[0] / 4
    assert result.cultivated_m2[0] == pytest.approx(quarter * (0.9 + 0.85 + 1.0), rel=1e-12)
    assert list(result.landuse.dlbm) == ["0101", "0102", "0103", "0201"]
    assert list(result.landuse.cultivated_m2) == pytest.approx([quarter * 0.9, quarter, quarter * 0.85, 0.0])


def test_cultivated_land_left_uncovered_by_approvals():
    # Left half 0101 (KCXS 0.2), right half 0602; the approval covers x 30–100.
    landuse = layer([sq(-10, -10, 50, 110), sq(50, -10, 110, 110)], DLBM=["0101", "0602"], KCXS=[0.2, 0])
    approvals = layer([sq(30, -10, 110, 110)], PZWH=["批1"])
    result, areas = overlay([sq(0, 0, 100, 100)], {LANDUSE: landuse, APPROVALS: approvals})
    assert result.cultivated_m2[0] == pytest.approx(0.5 * 0.8 * areas[0], rel=1e-12)
    assert result.uncovered_cultivated_m2[APPROVALS][0] == pytest.approx(0.3 * 0.8 * areas[0], rel=1e-9)


def test_dltb_gap_becomes_an_uncovered_piece():
    landuse = layer([sq(-10, -10, 60, 110)], DLBM=["0103"])
    result, areas = overlay([sq(0, 0, 100, 100)], {LANDUSE: landuse})
    lu = result.landuse
    assert list(lu.dlmc) == ["", UNCOVERED]
    assert list(lu.dlbm) == ["0103", ""]
    assert lu.area_m2 == pytest.approx([0.6 * areas[0], 0.4 * areas[0]], rel=1e-12)


def test_multipart_patch():
    patch = shapely.MultiPolygon([sq(0, 0, 50, 100), sq(200, 0, 250, 100)])
    landuse = layer([sq(-10, -10, 100, 110), sq(150, -10, 300, 110)], DLBM=["0101", "0602"])
    approvals = layer([sq(-10, -10, 100, 110)], PZWH=["批1"])
    result, areas = overlay([patch], {LANDUSE: landuse, APPROVALS: approvals})
    assert result.covered_share(APPROVALS)[0] == pytest.approx(0.5, rel=1e-12)
    assert result.landuse.area_m2 == pytest.approx([areas[0] / 2, areas[0] / 2], rel=1e-12)
    assert result.uncovered_cultivated_m2[APPROVALS][0] == pytest.approx(0.0, abs=1e-9)


def test_township_of_maximum_overlap():
    townships = layer([sq(-100, -100, 30, 200), sq(30, -100, 300, 200)], XZQDM=["500101001", "500101002"],
                      XZQMC=["甲镇", "乙镇"])
    result, _ = overlay([sq(0, 0, 100, 100), sq(-50, 0, 0, 10)], {TOWNSHIPS: townships})
    assert list(result.township_code) == ["500101002", "500101001"]
    assert list(result.township_name) == ["乙镇", "甲镇"]
    assert result.township_share == pytest.approx([0.7, 1.0])


def test_missing_layer_is_not_an_empty_layer():
    landuse = layer([sq(-10, -10, 110, 110)], DLBM=["0101"])
    given, _ = overlay([sq(0, 0, 100, 100)], {LANDUSE: landuse, APPROVALS: layer([], PZWH=[])})
    missing, _ = overlay([sq(0, 0, 100, 100)], {LANDUSE: landuse, APPROVALS: None})
    assert APPROVALS in given.provided and given.covered_share(APPROVALS)[0] == 0.0
    assert APPROVALS not in missing.provided and APPROVALS not in missing.covered_m2
    assert np.isnan(missing.covered_share(APPROVALS)[0])
    assert APPROVALS not in missing.uncovered_cultivated_m2
    no_landuse, _ = overlay([sq(0, 0, 100, 100)], {APPROVALS: layer([], PZWH=[])})
    assert np.isnan(no_landuse.cultivated_m2[0]) and np.isnan(no_landuse.dlbm_share(["01"])[0])


def test_permit_validity_at_the_after_date():
    mining = layer(
        [sq(0, 0, 100, 100), sq(0, 0, 40, 100), sq(60, 0, 100, 100)],
        XKZH=["C500-expired", "C500-valid", "C500-open"],
        YXQQ=["2015-01-01", "2020年1月1日", "2019-01-01"],
        YXQZ=["20191231", "2025/12/31", None],
    )
    hsx = [dt.date(2022, 6, 1), None]
    result, areas = overlay([sq(0, 0, 100, 100), sq(0, 0, 100, 100)], {MINING: mining}, after_dates=hsx)
    row = result.row(0)
    valid = {h.doc: h.valid for h in row.hits(MINING)}
    assert valid == {"C500-expired": NOT_VALID, "C500-valid": VALID, "C500-open": UNKNOWN}
    assert result.covered_m2[MINING][0] == pytest.approx(areas[0], rel=1e-12)
    assert result.valid_covered_m2[MINING][0] == pytest.approx(0.4 * areas[0], rel=1e-12)
    assert row.hits(MINING)[0].valid_from == dt.date(2015, 1, 1)
    assert np.isnan(result.valid_covered_m2[MINING][1])  # no after-date: cannot tell
    assert {h.valid for h in result.row(1).hits(MINING)} == {UNKNOWN}


def test_temporary_land_not_yet_valid():
    temporary = layer([sq(-10, -10, 110, 110)], PZWH=["临批1"], YXQQ=["2023-01-01"], YXQZ=["2024-12-31"])
    result, _ = overlay([sq(0, 0, 100, 100)], {TEMPORARY: temporary}, after_dates=["2022-06-01"])
    assert result.row(0).hits(TEMPORARY)[0].valid == NOT_VALID
    assert result.valid_covered_m2[TEMPORARY][0] == 0.0


def test_basic_farmland_and_eco_redline_areas():
    bf = layer([sq(0, 0, 20, 100), sq(10, 0, 30, 100)])
    eco = layer([sq(90, 90, 200, 200)])
    result, areas = overlay([sq(0, 0, 100, 100)], {BASIC_FARMLAND: bf, ECO_REDLINE: eco})
    assert result.covered_m2[BASIC_FARMLAND][0] == pytest.approx(0.3 * areas[0], rel=1e-12)
    assert result.covered_m2[ECO_REDLINE][0] == pytest.approx(0.01 * areas[0], rel=1e-9)


def test_patch_inside_a_feature_is_the_whole_patch():
    patch = shapely.Polygon([(X0, Y0), (X0 + 80, Y0 + 5), (X0 + 60, Y0 + 70), (X0 + 3, Y0 + 50)])
    result, areas = overlay([patch], {LANDUSE: layer([sq(-100, -100, 200, 200)], DLBM=["0301"])})
    assert list(result.landuse.area_m2) == [areas[0]]
    assert list(result.landuse.dlbm) == ["0301"]


def test_threads_and_chunks_do_not_change_the_result():
    rng = np.random.default_rng(3)
    grid = [sq(20 * i, 20 * j, 20 * (i + 1), 20 * (j + 1)) for i in range(60) for j in range(60)]
    landuse = layer(grid, DLBM=rng.choice(["0101", "0602", "1006"], len(grid)), KCXS=rng.uniform(0, 0.3, len(grid)))
    approvals = layer([sq(100 * i, 0, 100 * i + 130, 1200) for i in range(12)], PZWH=[f"p{i}" for i in range(12)])
    x, y = rng.uniform(0, 1150, 1500), rng.uniform(0, 1150, 1500)
    patches = [sq(a, b, a + rng.uniform(10, 45), b + rng.uniform(10, 45)) for a, b in zip(x, y)]
    layers = {LANDUSE: landuse, APPROVALS: approvals}
    one, areas = overlay(patches, layers, workers=1, chunk_size=100_000)
    many, _ = overlay(patches, layers, workers=3, chunk_size=333)
    assert len(one.features.patch) > 2_000 or len(one.landuse.patch) > 2_000
    np.testing.assert_allclose(many.covered_m2[APPROVALS], one.covered_m2[APPROVALS], rtol=1e-12)
    np.testing.assert_allclose(many.uncovered_cultivated_m2[APPROVALS], one.uncovered_cultivated_m2[APPROVALS],
                               rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(many.landuse.area_m2, one.landuse.area_m2, rtol=1e-12)
    np.testing.assert_allclose(np.bincount(one.landuse.patch, one.landuse.area_m2), areas, rtol=1e-12)
    assert (one.covered_m2[APPROVALS] <= areas * (1 + 1e-12)).all()
    # the same sums in the same order: not close, equal
    np.testing.assert_array_equal(many.covered_m2[APPROVALS], one.covered_m2[APPROVALS])
    np.testing.assert_array_equal(many.landuse.area_m2, one.landuse.area_m2)
    np.testing.assert_array_equal(many.landuse.patch, one.landuse.patch)
    np.testing.assert_array_equal(many.features.share, one.features.share)


def later(value, seconds=0.2):
    """A Future that another thread completes after ``seconds``: a layer still being read."""
    future = Future()
    threading.Timer(seconds, lambda: future.set_exception(value) if isinstance(value, Exception)
                    else future.set_result(value)).start()
    return future


def assert_same_result(a, b):
    for f in fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if f.name in ("landuse", "features"):
            for g in fields(x):
                np.testing.assert_array_equal(getattr(x, g.name), getattr(y, g.name), err_msg=f"{f.name}.{g.name}")
        elif isinstance(x, dict):
            assert x.keys() == y.keys(), f.name
            for role in x:
                np.testing.assert_array_equal(x[role], y[role], err_msg=f"{f.name}[{role}]")
        elif isinstance(x, np.ndarray):
            np.testing.assert_array_equal(x, y, err_msg=f.name)
        else:
            assert x == y, f.name


@pytest.mark.parametrize("workers, chunk_size", [(1, 100_000), (1, 400), (3, 333)])
def test_layers_still_being_read_give_the_same_result(workers, chunk_size):
    """DLTB and a legal role given as Futures (read on another thread): the chunks overlay the other
    layers first, then those; every number and row is the same, in the same order."""
    rng = np.random.default_rng(5)
    grid = [sq(20 * i, 20 * j, 20 * (i + 1), 20 * (j + 1)) for i in range(40) for j in range(40)]
    landuse = layer(grid, DLBM=rng.choice(["0101", "0602", "1006"], len(grid)), KCXS=rng.uniform(0, 0.3, len(grid)))
    approvals = layer([sq(100 * i, 0, 100 * i + 60, 800) for i in range(8)], PZWH=[f"p{i}" for i in range(8)],
                      PZRQ=["2020-01-01"] * 8)
    bf = layer([sq(0, 0, 400, 400)])
    x, y = rng.uniform(0, 760, 1000), rng.uniform(0, 760, 1000)
    patches = [sq(a, b, a + rng.uniform(10, 45), b + rng.uniform(10, 45)) for a, b in zip(x, y)]
    ready, _ = overlay(patches, {LANDUSE: landuse, APPROVALS: approvals, BASIC_FARMLAND: bf},
                       after_dates=["2025-01-01"] * 1000, workers=workers, chunk_size=chunk_size)
    read_late, _ = overlay(patches, {LANDUSE: later(landuse), APPROVALS: later(approvals, 0.1), BASIC_FARMLAND: bf},
                           after_dates=["2025-01-01"] * 1000, workers=workers, chunk_size=chunk_size)
    assert (ready.uncovered_cultivated_m2[APPROVALS] > 0).sum() > 50  # DLTB used the approvals' unions
    assert_same_result(read_late, ready)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_layer_that_fails_to_read_fails_the_overlay(workers):
    patches = np.array([sq(20 * i, 0, 20 * i + 10, 10) for i in range(50)], dtype=object)
    with pytest.raises(OSError, match="DLTB 读取失败"):
        run_overlay(patches, ellipsoidal_area(patches, EPSG),
                    {LANDUSE: later(OSError("DLTB 读取失败")), BASIC_FARMLAND: layer([sq(0, 0, 500, 10)])},
                    workers=workers, chunk_size=10)


def test_chunks_arrive_in_patch_order_and_join_into_the_whole_run():
    grid = [sq(20 * i, 0, 20 * (i + 1), 20) for i in range(50)]
    landuse = layer(grid, DLBM=["0101", "0602"] * 25)
    patches = np.array([sq(20 * i + 5, 5, 20 * i + 30, 15) for i in range(49)], dtype=object)
    areas = ellipsoidal_area(patches, EPSG)
    chunks = list(overlay_chunks(patches, areas, {LANDUSE: landuse}, chunk_size=10, workers=2))
    assert [start for start, _ in chunks] == [0, 10, 20, 30, 40]
    assert [len(part) for _, part in chunks] == [10, 10, 10, 10, 9]
    # each chunk's patch indices are its own (0-based); the second patch of chunk 20 is patch 21
    part = chunks[2][1]
    assert part.landuse.patch.max() == 9
    np.testing.assert_allclose(np.bincount(part.landuse.patch, part.landuse.area_m2), areas[20:30], rtol=1e-12)
    whole = run_overlay(patches, areas, {LANDUSE: landuse}, chunk_size=1_000, workers=1)
    np.testing.assert_array_equal(np.concatenate([p.cultivated_m2 for _, p in chunks]), whole.cultivated_m2)
    assert [p.row(1).landuse for p in (chunks[2][1],)] == [whole.row(21).landuse]


def straightforward_pairs(patches, parts):
    """Every (patch, part) meeting with area, by brute force: each pair intersected, coverage tested."""
    rows = []
    for i, p in enumerate(patches):
        for k, f in enumerate(parts):
            if shapely.intersects(p, f):
                full = bool(shapely.covers(f, p))
                area = shapely.area(p) if full else min(shapely.area(shapely.intersection(p, f)), shapely.area(p))
                if area > 0:
                    rows.append((i, k, area, full))
    return rows


def engine_pairs(patches, data):
    from weipian_plugin.core.analysis.overlay import _Chunk, _intersect, _Layer

    geoms = np.array(patches, dtype=object)
    n = len(geoms)
    none = np.full(n, -1)
    chunk = _Chunk(geoms, shapely.area(geoms), shapely.area(geoms), none, none, shapely.bounds(geoms))
    shapely.prepare(geoms)
    pairs = _intersect(_Layer(APPROVALS, data), chunk, None, 1)
    return list(zip(pairs.patch.tolist(), pairs.feature.tolist(), pairs.area.tolist(), pairs.full.tolist()))


def test_pairs_equal_the_straightforward_pairs_on_hand_made_shapes():
    """Covering, inside, partial, edge-touching and bbox-only (a patch in a hole) pairs: the engine keeps
    exactly the pairs, areas and "covers" flags that intersecting every pair gives."""
    ring = shapely.Polygon(sq(-50, -50, 150, 150).exterior.coords, [sq(-5, -5, 105, 105).exterior.coords])
    parts = [sq(-10, -10, 110, 110), sq(40, 40, 60, 60), sq(50, -20, 200, 30), sq(100, 0, 120, 100), ring,
             sq(300, 300, 310, 310)]
    patches = [sq(0, 0, 100, 100), sq(200, 200, 250, 250), sq(-3, -3, 0, 0), sq(-60, 0, -40, 10),
               sq(-45, 20, -40, 30)]
    expected = straightforward_pairs(patches, parts)
    assert engine_pairs(patches, layer(parts, PZWH=[str(k) for k in range(len(parts))])) == expected
    assert (0, 0, shapely.area(patches[0]), True) in expected and (0, 1, 400.0, False) in expected
    assert not any(k == 3 for _, k, _, _ in expected)  # touching along an edge only
    assert not any(k == 4 and i in (0, 2) for i, k, _, _ in expected)  # inside the hole: bbox only
    assert (3, 4, 100.0, False) in expected and (4, 4, 50.0, True) in expected  # across, inside the ring


def test_pairs_equal_the_straightforward_pairs_on_generated_shapes():
    rng = np.random.default_rng(11)
    x, y = rng.uniform(0, 400, 300), rng.uniform(0, 400, 300)
    patches = [shapely.Polygon(np.column_stack([X0 + a + rng.uniform(0, 30, 7), Y0 + b + rng.uniform(0, 30, 7)])).convex_hull
               for a, b in zip(x, y)]
    big = shapely.Point(X0 + 200, Y0 + 200).buffer(150, quad_segs=128)  # > 256 vertices: subdivided
    parts = [*(sq(a, b, a + w, b + h) for a, b, w, h in rng.uniform(0, 400, (120, 4)) * [1, 1, 0.3, 0.3]),
             big, shapely.Polygon(sq(50, 50, 350, 350).exterior.coords, [sq(150, 150, 250, 250).exterior.coords])]
    expected = straightforward_pairs(patches, parts)
    got = engine_pairs(patches, layer(parts, PZWH=[str(k) for k in range(len(parts))]))
    merged = {}  # the engine's pieces of one feature (parts of a subdivided polygon) add up
    for i, k, a, f in got:
        merged.setdefault((i, k), []).append((a, f))
    assert [(i, k) for i, k, _, _ in expected] == sorted(merged)  # parts of a subdivided feature come last
    for i, k, a, f in expected:
        if len(merged[(i, k)]) == 1:
            assert merged[(i, k)] == [(a, f)]
        else:
            assert sum(x for x, _ in merged[(i, k)]) == pytest.approx(a, rel=1e-9)
    assert sum(f for *_, f in expected) > 50 and len(expected) > 300


def test_progress_is_reported_and_cancel_raises():
    patches = [sq(0, 0, 10, 10), sq(20, 0, 30, 10), sq(40, 0, 50, 10)]
    layers = {LANDUSE: layer([sq(-10, -10, 100, 100)], DLBM=["0101"]), APPROVALS: layer([sq(0, 0, 5, 5)], PZWH=["p"])}
    seen: list[float] = []
    overlay(patches, layers, chunk_size=1, progress=seen.append)
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen) and len(seen) >= 6

    calls = []

    def cancel_on_third() -> bool:
        calls.append(1)
        return len(calls) >= 3

    with pytest.raises(OverlayCancelled):
        overlay(patches, layers, chunk_size=1, is_cancelled=cancel_on_third)


def test_unknown_role_is_rejected():
    with pytest.raises(ValueError):
        overlay([sq(0, 0, 1, 1)], {"dltb": layer([], DLBM=[])})


def test_layers_that_miss_every_patch():
    far = sq(10_000, 10_000, 10_100, 10_100)
    layers = {LANDUSE: layer([far], DLBM=["0101"]), TOWNSHIPS: layer([far], XZQDM=["1"], XZQMC=["甲镇"]),
              APPROVALS: layer([far], PZWH=["p"])}
    result, areas = overlay([sq(0, 0, 10, 10)], layers)
    assert list(result.landuse.dlmc) == [UNCOVERED] and result.landuse.area_m2[0] == pytest.approx(areas[0])
    assert result.township_code[0] == "" and result.dominant_dlbm[0] == "" and result.village_code[0] == ""
    assert len(result.features.patch) == 0 and result.covered_m2[APPROVALS][0] == 0.0


def test_complex_polygons_give_the_same_areas_as_plain_intersection():
    # A 6000-vertex band (split internally into small parts) and its complement as two townships.
    ys = np.linspace(-500, 1500, 3000)
    wiggle = 20 * np.sin(ys / 7)
    band = shapely.Polygon(np.r_[np.c_[X0 + 300 + wiggle, Y0 + ys], np.c_[X0 + 700 + wiggle, Y0 + ys][::-1]])
    rest = sq(-1000, -1000, 2000, 2000).difference(band)
    rng = np.random.default_rng(7)
    x, y = rng.uniform(0, 1000, 400), rng.uniform(0, 1000, 400)
    patches = np.array([sq(a, b, a + 60, b + 40) for a, b in zip(x, y)], dtype=object)
    layers = {ECO_REDLINE: layer([band]), TOWNSHIPS: layer([band, rest], XZQDM=["band", "rest"], XZQMC=["甲", "乙"])}
    result, areas = overlay(patches, layers)
    share = shapely.area(shapely.intersection(patches, band)) / shapely.area(patches)
    np.testing.assert_allclose(result.covered_m2[ECO_REDLINE], share * areas, rtol=1e-9, atol=1e-6)
    assert list(result.township_code) == ["band" if s > 0.5 else "rest" for s in share]
    eco = result.features.role == ECO_REDLINE
    assert eco.sum() == (share > 0).sum()  # one row per (patch, feature), however many parts it spans
    np.testing.assert_allclose(result.features.share[eco], share[share > 0], rtol=1e-9)


def test_dlbm_read_as_a_number_keeps_its_leading_zero():
    landuse = VectorData(np.array([sq(-10, -10, 50, 110), sq(50, -10, 110, 110)], dtype=object),
                         {"DLBM": np.array([101.0, 1006.0]), "KCXS": np.array([0.1, 0.0])}, EPSG)
    result, areas = overlay([sq(0, 0, 100, 100)], {LANDUSE: landuse})
    assert list(result.landuse.dlbm) == ["0101", "1006"]
    assert result.cultivated_m2[0] == pytest.approx(0.45 * areas[0], rel=1e-12)
