"""Reading reference layers: encodings, CRS, repair, field helpers, errors."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pyogrio.raw
import pytest
import shapely

from weipian_plugin.core.intake.vector_io import VectorReadError, from_wkb, read_vector, repair_polygons

X0, Y0 = 39_500_000.0, 3_300_000.0


def sq(x0, y0, x1, y1):
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


BOWTIE = shapely.Polygon([(X0, Y0), (X0 + 10, Y0 + 10), (X0 + 10, Y0), (X0, Y0 + 10)])


def test_gbk_shapefile_without_cpg(tmp_path, shapefile_writer):
    path = shapefile_writer(tmp_path / "批文.shp", [sq(0, 0, 10, 10)],
                            {"PZWH": ["渝府地〔2021〕12号"], "XMMC": ["綦江区工业园区"]}, encoding="GBK", keep_cpg=False)
    data = read_vector(path)
    assert list(data.text("pzwh")) == ["渝府地〔2021〕12号"]
    assert list(data.text("XMMC")) == ["綦江区工业园区"]
    assert data.epsg == 4527 and data.source == str(path)


def test_lonlat_layer_is_reprojected_to_the_store_crs(tmp_path, shapefile_writer):
    lonlat = shapely.box(117.0, 29.8, 117.001, 29.801)
    path = shapefile_writer(tmp_path / "dltb.shp", [lonlat], {"DLBM": ["0101"]}, epsg=4490)
    data = read_vector(path, target_epsg=4527)
    assert data.epsg == 4527
    x0, y0, x1, y1 = shapely.bounds(data.geoms[0])
    assert 39_499_000 < x0 < x1 < 39_501_000 and 3_290_000 < y0 < y1 < 3_310_000
    assert shapely.area(data.geoms[0]) == pytest.approx(96.6 * 111.0, rel=0.02)


def test_shapefile_without_prj_is_placed_by_its_8_digit_eastings(tmp_path, shapefile_writer):
    path = shapefile_writer(tmp_path / "x.shp", [sq(0, 0, 10, 10)], {"ID": [1]}, keep_prj=False)
    assert read_vector(path).epsg == 4527
    assert read_vector(path, source_epsg=4527, target_epsg=4527).epsg == 4527


ESRI_ZONE_39 = (
    'PROJCS["CGCS2000_3_Degree_GK_Zone_39",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",'
    'DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",39500000.0],'
    'PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",1.0],'
    'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
)


def test_esri_prj_written_by_chinese_tools(tmp_path, shapefile_writer):
    path = shapefile_writer(tmp_path / "x.shp", [sq(0, 0, 10, 10)], {"ID": [1]}, keep_prj=False)
    path.with_suffix(".prj").write_text(ESRI_ZONE_39, encoding="ascii")
    assert read_vector(path, target_epsg=4527).epsg == 4527


def test_invalid_geometries_are_repaired_and_empty_ones_dropped(tmp_path, shapefile_writer):
    path = shapefile_writer(tmp_path / "red.shp", [sq(0, 0, 10, 10), None, BOWTIE],
                            {"PZWH": ["a", "b", "c"]})
    data = read_vector(path)
    assert data.invalid_repaired == 1 and data.dropped_empty == 1
    assert list(data.text("PZWH")) == ["a", "c"]
    assert list(data.fids) == [0, 2]
    assert shapely.is_valid(data.geoms).all()
    assert shapely.area(data.geoms[1]) == pytest.approx(50.0)  # the bow-tie's two triangles


def test_repair_keeps_only_polygonal_parts():
    collection = shapely.GeometryCollection([sq(0, 0, 10, 10), shapely.LineString([(X0, Y0), (X0 - 5, Y0 - 5)])])
    line = shapely.LineString([(X0, Y0), (X0 + 5, Y0)])
    spike = shapely.Polygon([(X0, Y0), (X0 + 10, Y0), (X0 + 10, Y0 + 10), (X0 + 10, Y0 + 20), (X0 + 10, Y0 + 10),
                             (X0, Y0 + 10)])
    repaired, invalid = repair_polygons(np.array([collection, line, spike, sq(0, 0, 1, 1)], dtype=object))
    assert invalid == 1  # the spike; the collection and the line are valid, just not polygons
    assert shapely.area(repaired[0]) == pytest.approx(100.0) and repaired[0].geom_type == "Polygon"
    assert repaired[1] is None
    assert repaired[2].geom_type == "Polygon" and shapely.area(repaired[2]) == pytest.approx(100.0)
    assert repaired[3].equals(sq(0, 0, 1, 1))


def test_dbf_dates_and_field_helpers(tmp_path, shapefile_writer):
    path = shapefile_writer(tmp_path / "ck.shp", [sq(0, 0, 10, 10), sq(20, 0, 30, 10)], {
        "XKZH": ["C1", None],
        "YXQQ": np.array(["2020-01-01", "NaT"], dtype="datetime64[D]"),
        "YXQZ": ["2025年12月31日", "not a date"],
        "DLBM": [101.0, 1202.0],
        "KCXS": ["0.1", "x"],
    })
    data = read_vector(path)
    assert data.field("xkzh") == "XKZH" and data.field("none", "Yxqz") == "YXQZ" and data.field("nope") is None
    assert list(data.dates("YXQQ")) == [dt.date(2020, 1, 1), None]
    assert list(data.dates("yxqz")) == [dt.date(2025, 12, 31), None]
    assert list(data.text("XKZH")) == ["C1", ""]
    assert list(data.text("DLBM")) == ["101", "1202"]
    assert data.numbers("KCXS")[0] == pytest.approx(0.1) and np.isnan(data.numbers("KCXS")[1])
    assert list(data.text("MISSING")) == ["", ""] and np.isnan(data.numbers("MISSING")).all()
    assert list(data.text("XKZH", rows=np.array([1, 0]))) == ["", "C1"]
    assert list(data.dates("YXQZ", rows=np.array([], dtype=int))) == []


def test_geopackage_layer(tmp_path):
    path = tmp_path / "reference.gpkg"
    wkb = np.array([shapely.to_wkb(sq(0, 0, 10, 10))], dtype=object)
    pyogrio.raw.write(str(path), wkb, [np.array(["渝府地〔2021〕12号"], dtype=object)], ["PZWH"], driver="GPKG",
                      crs="EPSG:4527", geometry_type="Polygon", layer="approvals")
    data = read_vector(path, layer="approvals")
    assert data.epsg == 4527 and list(data.text("PZWH")) == ["渝府地〔2021〕12号"]
    with pytest.raises(VectorReadError, match="reference.gpkg"):
        read_vector(path, layer="no_such_layer")


def test_from_wkb_reprojects_and_repairs():
    lonlat = shapely.box(117.0, 29.8, 117.001, 29.801)
    bowtie = shapely.Polygon([(117.0, 29.8), (117.001, 29.801), (117.001, 29.8), (117.0, 29.801)])
    data = from_wkb(shapely.to_wkb([lonlat, bowtie, None]), {"pzwh": ["a", "b", "c"]}, 4490, target_epsg=4527,
                    source="QGIS 图层", fids=[10, 11, 12])
    assert data.epsg == 4527 and len(data) == 2 and data.invalid_repaired == 1 and data.dropped_empty == 1
    assert list(data.fids) == [10, 11] and list(data.text("PZWH")) == ["a", "b"]
    assert shapely.get_x(shapely.centroid(data.geoms[0])) == pytest.approx(X0, abs=1000)


def test_broken_or_missing_file_raises_a_chinese_error_naming_it(tmp_path):
    with pytest.raises(VectorReadError, match="不存在.*nothing.shp"):
        read_vector(tmp_path / "nothing.shp")
    broken = tmp_path / "坏文件.gpkg"
    broken.write_bytes(b"this is not a geopackage")
    with pytest.raises(VectorReadError, match="无法读取矢量文件 坏文件.gpkg"):
        read_vector(broken)
    lone = tmp_path / "lone.shp"
    lone.write_bytes(b"\0" * 100)  # no .dbf, not a shapefile either
    with pytest.raises(VectorReadError, match="lone.shp"):
        read_vector(lone)


def test_unknown_crs_is_reported(tmp_path):
    with pytest.raises(VectorReadError, match="坐标"):
        from_wkb(shapely.to_wkb([shapely.box(100, 100, 200, 200)]), {}, None, source="local.shp")


def test_near_reads_only_features_that_can_touch_the_patches(tmp_path):
    """A GeoPackage layer is read through its R*Tree; boxes given in another CRS are transformed first."""
    import pyogrio.raw
    import shapely
    from pyproj import Transformer

    from weipian_plugin.core.intake.vector_io import read_vector

    x0, y0 = 39_500_000.0, 3_300_000.0
    grid = [shapely.box(x0 + 100 * i, y0, x0 + 100 * i + 100, y0 + 100) for i in range(50)]
    path = tmp_path / "dltb.gpkg"
    pyogrio.raw.write(str(path), np.array(shapely.to_wkb(grid), dtype=object), [np.arange(50)], ["N"],
                      driver="GPKG", crs="EPSG:4527", geometry_type="Polygon", layer="DLTB")
    near = np.array([[x0 + 250, y0 + 10, x0 + 260, y0 + 20],     # inside cell 2
                     [x0 + 4000, y0 + 40, x0 + 4000, y0 + 60]])  # on the edge between cells 39 and 40
    data = read_vector(path, target_epsg=4527, near=near)
    assert sorted(data.attrs["N"].tolist()) == [2, 39, 40]
    assert len(read_vector(path, target_epsg=4527).geoms) == 50

    to_ll = Transformer.from_crs(4527, 4490, always_xy=True)
    lon, lat = to_ll.transform(near[:1, [0, 2]], near[:1, [1, 3]])
    data_ll = read_vector(path, target_epsg=4490, near=np.column_stack([lon[:, 0], lat[:, 0], lon[:, 1], lat[:, 1]]))
    assert data_ll.attrs["N"].tolist() == [2]


@pytest.mark.parametrize("driver", ["OpenFileGDB", "ESRI Shapefile"])
def test_a_layer_read_in_slices_is_the_layer_read_whole(tmp_path, monkeypatch, driver):
    """A whole-layer read goes slice by slice (validity checked beside the reading): the same geometries,
    values (texts shared), feature ids, repairs and WKB as one read, also when the slices do not add up
    to the count GDAL gave (then it reads whole, never a feature twice)."""
    from weipian_plugin.core.intake import vector_io

    n = 23
    geoms = np.array([shapely.MultiPolygon([BOWTIE if k % 7 == 3 else sq(20 * k, 0, 20 * k + 15, 15)]) for k in range(n)])
    values = [np.array([f"地类{k % 3}" if k % 5 else None for k in range(n)], dtype=object),
              np.arange(n, dtype=np.float64) / 8]
    src = tmp_path / ("d.gdb" if driver == "OpenFileGDB" else "d.shp")
    pyogrio.raw.write(str(src), shapely.to_wkb(geoms), values, ["DLMC", "KCXS"], driver=driver, crs="EPSG:4527",
                      layer="d", geometry_type="MultiPolygon", encoding="UTF-8" if driver != "OpenFileGDB" else None)
    whole, wkbs, bounds = vector_io.read_vector_wkb(src, target_epsg=4527)
    assert whole.invalid_repaired == 3 and len(whole) == n
    monkeypatch.setattr(vector_io, "_SLICE", 5)
    info = pyogrio.read_info
    for count in (n, n + 2):  # the second: GDAL's count is wrong, the slices fall short
        monkeypatch.setattr(pyogrio, "read_info", lambda *a, **k: {**info(*a, **k), "features": count})
        sliced, sliced_wkbs, sliced_bounds = vector_io.read_vector_wkb(src, target_epsg=4527)
        assert list(sliced.fids) == list(whole.fids) and sliced.invalid_repaired == 3
        assert sliced_wkbs.tolist() == wkbs.tolist() == shapely.to_wkb(whole.geoms, byte_order=1,
                                                                       output_dimension=2).tolist()
        assert np.array_equal(sliced_bounds, bounds) and np.array_equal(bounds, shapely.bounds(whole.geoms))
        for name, column in whole.attrs.items():
            assert sliced.attrs[name].tolist() == column.tolist()
        texts = [v for v in sliced.attrs["DLMC"].tolist() if v is not None]
        assert len({id(v) for v in texts}) == 3  # one object per distinct text
