"""The official ellipsoidal area against independent geodesic implementations (pyproj.Geod, QGIS).

The references measure geodesic edges between vertices, while the official method follows the straight
edges of the Gauss–Krüger plane; both are given the same ring densified to 5 m so they trace one curve.
"""
from __future__ import annotations

import numpy as np
import pyproj
import pytest
import shapely
from shapely import affinity
from shapely.geometry.polygon import orient

from weipian_plugin.core.geo.area import ellipsoidal_area
from weipian_plugin.core.geo.crs import CrsError, transform_geoms, transformer

A, RF = 6378137.0, 298.257222101
GEOD = pyproj.Geod(a=A, rf=RF)
TOLERANCE = 1e-6  # relative; the brief asks for < 1e-4, a planar area is off by ~5e-4 at 140 km
CM = 39_500_000.0  # zone 39 (EPSG:4527) central meridian easting
Y0 = 3_300_000.0  # about 29.8°N


def box(x: float, y: float = Y0, size: float = 1000.0) -> shapely.Polygon:
    return shapely.box(x, y, x + size, y + size)


NEAR = box(CM - 500)
EAST_140 = box(CM + 140_000)
WEST_140 = box(CM - 141_000)
SHELL = box(CM + 100_000, size=2000)
HOLE = box(CM + 100_500, Y0 + 500, size=600)
SHAPES = {
    "near the central meridian": NEAR,
    "140 km east": EAST_140,
    "140 km west": WEST_140,
    "20 km square 130 km off": box(CM + 130_000, size=20_000),
    "long-edged triangle": shapely.Polygon(
        [(CM + 100_000, Y0), (CM + 160_000, Y0 + 10_000), (CM + 110_000, Y0 + 40_000)]
    ),
    "with a hole": shapely.Polygon(SHELL.exterior.coords, [HOLE.exterior.coords]),
    "multipolygon": shapely.MultiPolygon([NEAR, EAST_140]),
}


def geod_area(geom: shapely.Geometry, epsg: int = 4527) -> float:
    lonlat = transform_geoms(np.array([shapely.segmentize(geom, 5.0)]), epsg, 4490)[0]
    return sum(abs(GEOD.geometry_area_perimeter(orient(part))[0]) for part in shapely.get_parts(lonlat))


def official(geom: shapely.Geometry, **kwargs) -> float:
    return float(ellipsoidal_area(np.array([geom], dtype=object), 4527, **kwargs)[0])


def test_square_on_the_central_meridian_keeps_its_planar_area():
    # the scale factor is 1 + x²/2R² ≈ 1 + 3e-9 within 500 m of the meridian
    assert official(NEAR) == pytest.approx(1e6, abs=0.01)


def test_square_off_the_meridian_shrinks_by_the_scale_factor():
    """Transverse Mercator enlarges areas by k² ≈ 1 + x²/R² (R² = M·N) at distance x from the meridian."""
    x_mid, y_mid = EAST_140.centroid.x - CM, EAST_140.centroid.y
    lat = np.radians(transformer(4527, 4490).transform(EAST_140.centroid.x, y_mid)[1])
    e2 = 1 - (1 - 1 / RF) ** 2
    w = 1 - e2 * np.sin(lat) ** 2
    r2 = A * (1 - e2) / w**1.5 * A / w**0.5
    mean_x2 = x_mid**2 + 1000.0**2 / 12  # mean of x² over the square
    expected = 1e6 / (1 + mean_x2 / r2)
    assert official(EAST_140) == pytest.approx(expected, rel=1e-7)
    assert official(EAST_140) < 1e6 * (1 - 4e-4)


@pytest.mark.parametrize("name", list(SHAPES))
def test_agrees_with_pyproj_geod(name):
    assert official(SHAPES[name]) == pytest.approx(geod_area(SHAPES[name]), rel=TOLERANCE)


@pytest.mark.parametrize("name", list(SHAPES))
def test_agrees_with_qgis_distance_area(qgis_app, name):
    from qgis.core import QgsCoordinateReferenceSystem, QgsDistanceArea, QgsGeometry, QgsProject

    measure = QgsDistanceArea()
    measure.setSourceCrs(QgsCoordinateReferenceSystem("EPSG:4527"), QgsProject.instance().transformContext())
    assert measure.setEllipsoid("EPSG:1024")  # the CGCS2000 ellipsoid
    assert (measure.ellipsoidSemiMajor(), measure.ellipsoidInverseFlattening()) == (A, RF)
    qgis_area = measure.measureArea(QgsGeometry.fromWkt(shapely.segmentize(SHAPES[name], 5.0).wkt))
    assert official(SHAPES[name]) == pytest.approx(qgis_area, rel=TOLERANCE)


@pytest.mark.parametrize("geom", [EAST_140, WEST_140])
def test_planar_area_would_fail_140_km_off(geom):
    assert shapely.area(geom) / official(geom) - 1 > 4e-4
    assert abs(shapely.area(NEAR) / official(NEAR) - 1) < 1e-8


def test_densifying_long_edges_matters():
    triangle = SHAPES["long-edged triangle"]
    reference = geod_area(triangle)
    assert abs(official(triangle, densify=1e9) / reference - 1) > 1e-4
    assert abs(official(triangle) / reference - 1) < TOLERANCE


def test_hole_is_subtracted_whatever_the_ring_orientation():
    expected = official(SHELL) - official(HOLE)
    for hole in (HOLE.exterior.coords, HOLE.exterior.coords[::-1]):
        for shell in (SHELL.exterior.coords, SHELL.exterior.coords[::-1]):
            assert official(shapely.Polygon(shell, [hole])) == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(official(SHELL) * (1 - 0.09), rel=1e-4)


def test_multipolygon_is_the_sum_of_its_parts():
    assert official(SHAPES["multipolygon"]) == pytest.approx(official(NEAR) + official(EAST_140), rel=1e-12)


def test_empty_and_missing_geometries():
    geoms = np.array(
        [None, shapely.Polygon(), NEAR, shapely.MultiPolygon(), shapely.LineString([(CM, Y0), (CM + 9, Y0 + 9)]),
         shapely.GeometryCollection([NEAR, shapely.Point(CM, Y0)]), SHAPES["with a hole"]],
        dtype=object,
    )
    result = ellipsoidal_area(geoms, 4527)
    assert result.dtype == float
    np.testing.assert_allclose(result, [0, 0, official(NEAR), 0, 0, official(NEAR), official(SHAPES["with a hole"])])
    assert ellipsoidal_area(np.array([], dtype=object), 4527).shape == (0,)
    assert ellipsoidal_area(np.array([None, None]), 4527).tolist() == [0.0, 0.0]


def test_zone_without_prefix_gives_the_same_area():
    shifted = affinity.translate(EAST_140, xoff=-39_000_000)
    assert float(ellipsoidal_area(np.array([shifted]), 4548)[0]) == pytest.approx(official(EAST_140), rel=1e-12)


def test_geographic_crs_is_refused():
    with pytest.raises(CrsError):
        ellipsoidal_area(np.array([shapely.box(117, 30, 117.01, 30.01)]), 4490)


def test_large_mixed_array_matches_one_by_one():
    """Vectorised bookkeeping (simple polygons, holes, multipolygons, gaps mixed) equals per-geometry calls."""
    rng = np.random.default_rng(20260305)
    n = 200_000
    x = CM - 150_000 + rng.random(n) * 300_000
    y = Y0 + rng.random(n) * 200_000
    size = 20 + rng.random(n) * 400
    geoms = shapely.box(x, y, x + size, y + size * rng.uniform(0.5, 2, n))
    geoms[::7] = shapely.buffer(shapely.points(x[::7], y[::7]), size[::7] / 2, quad_segs=4)
    holes = np.arange(3, n, 11)
    inner = shapely.box(x[holes] + 2, y[holes] + 2, x[holes] + 12, y[holes] + 12)
    geoms[holes] = [shapely.Polygon(g.exterior.coords, [h.exterior.coords]) for g, h in zip(geoms[holes], inner)]
    geoms[5::13] = shapely.multipolygons([[a, b] for a, b in zip(geoms[5::13], geoms[6::13])])
    geoms[9::17] = None

    result = ellipsoidal_area(geoms, 4527)
    assert result.shape == (n,)
    assert (result[9::17] == 0).all() and (result[np.arange(n) % 17 != 9] > 0).all()
    sample = rng.choice(n, 300, replace=False)
    one_by_one = [official(g) if g is not None else 0.0 for g in geoms[sample]]
    np.testing.assert_allclose(result[sample], one_by_one, rtol=1e-12)
    for i in sample[:20]:
        if geoms[i] is not None:
            assert result[i] == pytest.approx(geod_area(geoms[i]), rel=TOLERANCE)
