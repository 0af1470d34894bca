from __future__ import annotations

import numpy as np
import pyproj
import pytest
import shapely

from weipian_plugin.core.geo.crs import (
    CrsError,
    CrsGuess,
    detect_crs,
    gk_zone_epsg,
    projected_crs_for,
    transform_geoms,
    transformer,
    zone_central_meridian,
    zone_for_longitude,
)

ESRI_ZONE_39 = (
    'PROJCS["CGCS2000_3_Degree_GK_Zone_39",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",'
    'DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",39500000.0],'
    'PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",1.0],'
    'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
)
ESRI_CM_117E = (
    ESRI_ZONE_39.replace("Zone_39", "CM_117E").replace('"False_Easting",39500000.0', '"False_Easting",500000.0')
)
ESRI_GEOGRAPHIC = (
    'GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",'
    'SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
)

# Coordinates of a county near 117°E, 30°N in the three forms files arrive in.
LON = np.array([116.9, 117.2, 117.05])
LAT = np.array([29.8, 30.1, 29.95])
X8, Y8 = transformer(4490, 4527).transform(LON, LAT)
X6, Y6 = transformer(4490, 4548).transform(LON, LAT)


def test_zone_epsg_codes_match_their_definitions():
    for zone in range(25, 46):
        for prefixed, first in ((True, 4513), (False, 4534)):
            epsg = gk_zone_epsg(zone, prefixed)
            assert epsg == first + zone - 25
            params = {p.name: p.value for p in pyproj.CRS.from_epsg(epsg).coordinate_operation.params}
            assert params["Longitude of natural origin"] == zone_central_meridian(zone) == 3 * zone
            assert params["False easting"] == (zone * 1e6 if prefixed else 0) + 500000


@pytest.mark.parametrize("zone", [24, 46, 0])
def test_zone_outside_china_is_refused(zone):
    with pytest.raises(CrsError):
        gk_zone_epsg(zone)


@pytest.mark.parametrize("lon, zone", [(117.0, 39), (118.4, 39), (118.6, 40), (115.6, 39), (115.4, 38), (75.0, 25)])
def test_zone_for_longitude(lon, zone):
    assert zone_for_longitude(lon) == zone


@pytest.mark.parametrize(
    "prj, epsg",
    [
        (ESRI_ZONE_39, 4527),
        (ESRI_CM_117E, 4548),
        (ESRI_GEOGRAPHIC, 4490),
        # a datum name PROJ does not know: only the zone name identifies it
        (ESRI_ZONE_39.replace("GCS_China_Geodetic_Coordinate_System_2000", "GCS_CGCS2000")
         .replace("D_China_2000", "D_CGCS2000"), 4527),
        # truncated .prj that no parser accepts still names its zone
        (ESRI_CM_117E[:60], 4548),
        (pyproj.CRS.from_epsg(4527).to_wkt(), 4527),
    ],
)
def test_prj(prj, epsg):
    xs, ys = (LON, LAT) if epsg == 4490 else (X8, Y8) if epsg == 4527 else (X6, Y6)
    guess = detect_crs(prj, xs, ys)
    assert guess == CrsGuess(epsg, "prj", guess.description)
    assert guess.description.startswith("由.prj识别")


def test_prj_of_another_crs_is_kept():
    wgs84 = pyproj.CRS.from_epsg(4326).to_wkt()
    assert detect_crs(wgs84, LON, LAT).epsg == 4326


def test_prj_contradicted_by_unambiguous_coordinates():
    guess = detect_crs(ESRI_ZONE_39, LON, LAT)
    assert (guess.epsg, guess.source) == (4490, "coordinates")
    assert ".prj声明为EPSG:4527" in guess.description


def test_prj_contradicted_by_ambiguous_coordinates_is_an_error():
    with pytest.raises(CrsError, match=".prj声明"):
        detect_crs(ESRI_ZONE_39, X6, Y6)


def test_unrecognised_prj_falls_back_to_coordinates():
    guess = detect_crs('LOCAL_CS["unknown"]', X8, Y8)
    assert (guess.epsg, guess.source) == (4527, "coordinates")
    assert guess.description.startswith(".prj无法识别；由坐标推断")


def test_eight_digit_easting_names_its_zone():
    guess = detect_crs(None, X8, Y8)
    assert (guess.epsg, guess.source) == (4527, "coordinates")
    assert guess.description == "由坐标推断：8位横坐标，3度带第39带（EPSG:4527）"
    assert detect_crs("", X8 + 1e6, Y8).epsg == 4528


def test_six_degree_zone_prefix():
    xs, ys = transformer(4490, 4498).transform(LON, LAT)
    assert detect_crs(None, xs, ys).epsg == 4498  # 6° zone 20, CM 117°E


def test_lon_lat():
    guess = detect_crs("   ", LON, LAT)
    assert (guess.epsg, guess.source) == (4490, "coordinates")
    assert "经纬度" in guess.description


def test_non_finite_coordinates_are_ignored():
    assert detect_crs(None, np.append(X8, np.nan), np.append(Y8, np.inf)).epsg == 4527


def test_unprefixed_easting_asks_the_user():
    with pytest.raises(CrsError, match="手动选择") as info:
        detect_crs(None, X6, Y6)
    assert "6位" in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "xs, ys, fragment",
    [
        (np.append(X8, X8[0] + 1e6), np.append(Y8, Y8[0]), "多个投影带"),
        (np.append(X8, LON[0]), np.append(Y8, LAT[0]), "混杂"),
        (np.array([5e7, 5e7 + 10]), np.array([3.3e6, 3.3e6]), "带号50"),
        (np.array([]), np.array([]), "没有可用的.prj"),
    ],
)
def test_ambiguous_coordinates_are_errors(xs, ys, fragment):
    with pytest.raises(CrsError, match=fragment):
        detect_crs(None, xs, ys)


def test_projected_crs_for():
    assert projected_crs_for(4490, LON, LAT) == 4527
    assert projected_crs_for(4490, LON + 1.5, LAT) == 4528  # median 118.55°E is in zone 40
    assert projected_crs_for(4326, LON, LAT) == 4527
    assert projected_crs_for(4548, X6, Y6) == 4548
    assert projected_crs_for(4527, X8, Y8) == 4527
    utm50 = pyproj.Transformer.from_crs(4490, 32650, always_xy=True).transform(LON + 3, LAT)
    assert projected_crs_for(32650, *utm50) == 4528
    with pytest.raises(CrsError):
        projected_crs_for(4490, np.array([]), np.array([]))


def test_transformer_is_cached_and_lon_lat_ordered():
    assert transformer(4490, 4527) is transformer(4490, 4527)
    x, y = transformer(4490, 4527).transform(117.0, 30.0)
    assert x == pytest.approx(39_500_000.0, abs=1e-6)  # on the central meridian
    assert 3.3e6 < y < 3.4e6


def test_transform_geoms_round_trip():
    geoms = np.array([shapely.box(116.9, 29.9, 117.1, 30.1), None, shapely.Point(117.3, 30.2)], dtype=object)
    there = transform_geoms(geoms, 4490, 4527)
    assert there[1] is None
    assert shapely.get_coordinates(there[0])[:, 0].min() > 39_480_000
    back = transform_geoms(there, 4527, 4490)
    assert shapely.equals_exact(back[[0, 2]], geoms[[0, 2]], tolerance=1e-9).all()
    assert transform_geoms(geoms, 4527, 4527) is geoms


def test_transform_failure_is_reported():
    with pytest.raises(CrsError, match="转换"):
        transform_geoms(np.array([shapely.Point(117.0, 100.0)]), 4490, 4527)


# Three QGIS tasks, one after another on the task manager's pool threads, each reprojecting; each task runs
# with a new Python thread state on a thread that may have served an earlier one (pyproj#1509).
TASKS_SCRIPT = """
import sys, time
from qgis.core import QgsApplication, QgsTask
from weipian_plugin.core.geo.crs import transformer
app = QgsApplication([], False)
lons = []
for i in range(3):
    task = QgsTask.fromFunction(f"reproject {i}", lambda task: lons.append(
        transformer(4527, 4490).transform(39_500_000.0 + i, 3_300_000.0)[0]))
    QgsApplication.taskManager().addTask(task)
    deadline = time.monotonic() + 30
    while task.status() not in (QgsTask.TaskStatus.Complete, QgsTask.TaskStatus.Terminated):
        app.processEvents()
        assert time.monotonic() < deadline
print(len(lons), round(lons[0], 6))
"""


def test_reprojection_in_successive_qgis_tasks(tmp_path):
    import os
    import subprocess
    import sys

    from conftest import STAGE

    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(STAGE), os.environ.get("PYTHONPATH", "")]))
    run = subprocess.run([sys.executable, "-c", TASKS_SCRIPT], env=env, cwd=tmp_path, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["3", "117.0"]


def test_chinese_crs_name_is_built_from_the_epsg_code():
    from weipian_plugin.core.geo.crs import chinese_crs_name

    assert chinese_crs_name(4527) == "2000国家大地坐标系 3度带 第39带（中央经线117°）"
    assert chinese_crs_name(4548) == "2000国家大地坐标系 3度带 第39带（中央经线117°）"  # no zone prefix
    assert chinese_crs_name(4499) == "2000国家大地坐标系 6度带 第21带（中央经线123°）"
    assert chinese_crs_name(4490) == "2000国家大地坐标系（经纬度）"
    assert chinese_crs_name(3857) == "EPSG:3857"
