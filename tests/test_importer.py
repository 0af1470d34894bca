"""Patch import: every encoding/CRS case, every rejection reason, and re-import keeping determinations."""

import numpy as np
import pytest
import shapely
from pyproj import Transformer

from weipian_plugin.core.geo.area import ellipsoidal_area
from weipian_plugin.core.intake.fieldmap import FieldMapError
from weipian_plugin.core.intake.importer import ImportCancelled, ImportFailed, create_store_for, import_patches
from weipian_plugin.core.store.workstore import WorkStore
from weipian_plugin.core.units import MU_M2

X0, Y0 = 39_500_000.0, 3_300_000.0


def squares(n, size=50.0, dx=200.0):
    return [shapely.box(X0 + i * dx, Y0, X0 + i * dx + size, Y0 + size) for i in range(n)]


def std_fields(n, jcbh=None, tblx="DT"):
    return {"JCBH": jcbh or [f"J{i:03d}" for i in range(n)], "XMC": ["青禾县"] * n, "TBLX": [tblx] * n,
            "QSX": ["2025-12-01"] * n, "HSX": ["20260105"] * n,
            "JCMJ": [round(2500 / MU_M2, 4)] * n, "TZ": ["推土动工"] * n}


@pytest.fixture
def gbk_batch(tmp_path, shapefile_writer):
    return shapefile_writer(tmp_path / "in" / "一月.shp", squares(3), std_fields(3), encoding="GBK")


def patches(store, *cols):
    return store.conn.execute(f"SELECT {', '.join(cols)} FROM patches ORDER BY jcbh").fetchall()


def test_gbk_with_cpg(store_path, gbk_batch):
    with create_store_for(store_path, gbk_batch) as store:
        result = import_patches(store, gbk_batch, "2026-01")
        assert (result.inserted, result.rejected) == (3, 0)
        assert result.encoding.source == "cpg"
        assert patches(store, "xmc", "tz")[0] == ("青禾县", "推土动工")
        assert store.meta("county_name") == "青禾县" and store.epsg == 4527
        assert result.area_unit == "亩"
        jcmj, area = patches(store, "jcmj_m2", "area_m2")[0]
        assert jcmj == pytest.approx(area, rel=1e-3)
        assert patches(store, "hsx")[0] == ("2026-01-05",)


def test_gbk_without_cpg_or_prj_detects_from_bytes_and_eastings(store_path, tmp_path, shapefile_writer):
    shp = shapefile_writer(tmp_path / "二月.shp", squares(2),
                           {"监测编号": ["二-1", "二-2"], "图斑类型": ["建构筑物", "硬化"], "监测面积": [2500.0, 2500.0]},
                           encoding="GBK", keep_cpg=False, keep_prj=False)
    raw = shp.with_suffix(".dbf").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw[raw.index(b"\r") + 1:].decode("utf-8")  # really GBK bytes, not UTF-8
    with create_store_for(store_path, shp) as store:
        result = import_patches(store, shp)
        assert result.encoding.source in ("bytes", "ldid") and "gb" in result.encoding.encoding.lower()
        assert result.crs.source == "coordinates" and result.crs.epsg == 4527
        assert result.field_map.mapping["jcbh"] == "监测编号"
        assert result.area_unit == "平方米"
        assert [r[0] for r in patches(store, "tblx")] == ["建构筑物", "硬化"]


def test_utf8_lonlat_is_reprojected_and_area_is_ellipsoidal(store_path, tmp_path, shapefile_writer):
    to_ll = Transformer.from_crs(4527, 4490, always_xy=True)
    projected = squares(2, size=100.0)
    lonlat = [shapely.transform(g, lambda c: np.column_stack(to_ll.transform(c[:, 0], c[:, 1]))) for g in projected]
    shp = shapefile_writer(tmp_path / "三月.shp", lonlat, {"TBBH": ["S1", "S2"], "MJ": [1.0, 2.0]}, epsg=4490)
    WorkStore.create(store_path, 4527).close()
    with WorkStore.open(store_path) as store:
        result = import_patches(store, shp)
        assert result.crs.epsg == 4490 and result.field_map.mapping["jcbh"] == "TBBH"
        _, geoms, _ = store.read_patches()
        assert shapely.area(geoms[0]) == pytest.approx(10_000.0, rel=1e-6)
        expected = ellipsoidal_area(np.array(projected[:1], dtype=object), 4527)[0]
        (area_m2, area_mu), _ = patches(store, "area_m2", "area_mu")
        assert area_m2 == pytest.approx(expected, rel=1e-9) and area_mu == pytest.approx(expected / MU_M2)


def test_every_rejection_reason(store_path, tmp_path, shapefile_writer):
    bowtie = shapely.Polygon([(X0, Y0), (X0 + 50, Y0 + 50), (X0 + 50, Y0), (X0, Y0 + 50), (X0, Y0)])
    geoms = squares(4) + [None, bowtie]
    ids = ["A", "B", "A", "", "E", "F"]
    shp = shapefile_writer(tmp_path / "bad.shp", geoms, {"JCBH": ids})
    with create_store_for(store_path, shp) as store:
        result = import_patches(store, shp)
        assert result.imported == 3 and result.repaired == 1 and result.rejected == 3
        reasons = dict(store.conn.execute("SELECT source_row, reason FROM rejects"))
        assert reasons[3].startswith("批次内监测编号重复") and "第 1 行" in reasons[3]
        assert reasons[4] == "监测编号为空"
        assert reasons[5] == "几何为空"
        assert patches(store, "jcbh", "geom_repaired")[-1] == ("F", 1)
        _, geoms_in, _ = store.read_patches()
        assert shapely.is_valid(geoms_in).all()
        assert "拒收原因：几何为空 × 1" in result.summary()

    lines = shapefile_writer(tmp_path / "lines.shp", [shapely.LineString([(X0, Y0), (X0 + 9, Y0 + 9)])],
                             {"JCBH": ["L"]}, geometry_type="LineString")
    with WorkStore.open(store_path) as store:
        result = import_patches(store, lines, "lines")
        assert result.imported == 0
        assert store.conn.execute("SELECT reason FROM rejects r JOIN batches b ON b.id=r.batch_id "
                                  "WHERE b.name='lines'").fetchone()[0].startswith("非面状几何")


def test_missing_required_field_and_broken_file_change_nothing(store_path, tmp_path, shapefile_writer, gbk_batch):
    no_id = shapefile_writer(tmp_path / "noid.shp", squares(1), {"NAME": ["x"]})
    broken = tmp_path / "broken.shp"
    for ext in (".shp", ".shx", ".dbf"):
        broken.with_suffix(ext).write_bytes(gbk_batch.with_suffix(ext).read_bytes()[:60])
    with create_store_for(store_path, gbk_batch) as store:
        import_patches(store, gbk_batch, "good")
        before = store_path.read_bytes()
        with pytest.raises(FieldMapError, match="监测编号"):
            import_patches(store, no_id)
        with pytest.raises(ValueError, match="不是有效|无法读取|损坏"):
            import_patches(store, broken)
        with pytest.raises(ImportFailed, match="不存在"):
            import_patches(store, tmp_path / "nope.shp")
        with pytest.raises(ValueError):
            import_patches(store, gbk_batch, "x", encoding="no-such-codec")
    assert store_path.read_bytes() == before


def test_cancel_rolls_back(store_path, gbk_batch):
    with create_store_for(store_path, gbk_batch) as store:
        calls = []
        with pytest.raises(ImportCancelled):
            import_patches(store, gbk_batch, progress=calls.append, is_cancelled=lambda: len(calls) >= 4)
        assert patches(store, "jcbh") == [] and store.batches() == []


def test_reimport_updates_in_place_and_keeps_determinations(store_path, tmp_path, shapefile_writer, gbk_batch):
    with create_store_for(store_path, gbk_batch) as store:
        import_patches(store, gbk_batch, "2026-01")
        fid = store.conn.execute("SELECT fid FROM patches WHERE jcbh='J001'").fetchone()[0]
        with store.transaction() as conn:
            conn.execute("INSERT INTO determinations (patch_fid, result, subtype, reviewer) "
                         "VALUES (?, '违法', '非农违法', '张三')", (fid,))
        bigger = squares(2, size=80.0)  # J002 no longer in the file; J000/J001 change shape
        again = shapefile_writer(tmp_path / "again" / "一月.shp", bigger, std_fields(2), encoding="GBK")
        result = import_patches(store, again, "2026-01")
        assert (result.inserted, result.updated, result.kept_not_in_file) == (0, 2, 1)
        assert store.conn.execute("SELECT fid FROM patches WHERE jcbh='J001'").fetchone()[0] == fid
        assert store.conn.execute("SELECT result, reviewer FROM determinations WHERE patch_fid=?",
                                  (fid,)).fetchone() == ("违法", "张三")
        assert patches(store, "area_m2")[1][0] == pytest.approx(6400, rel=1e-3)
        assert len(patches(store, "jcbh")) == 3


def test_reimport_of_a_locked_batch_is_refused(store_path, gbk_batch):
    with create_store_for(store_path, gbk_batch) as store:
        import_patches(store, gbk_batch, "2026-01")
        with store.transaction() as conn:
            conn.execute("INSERT INTO stage_events (batch_id, stage, locks, at) VALUES (1, '一上', 1, '2026-02-01')")
        with pytest.raises(ImportFailed, match="锁定"):
            import_patches(store, gbk_batch, "2026-01")


def test_user_field_map_and_encoding(store_path, tmp_path, shapefile_writer):
    shp = shapefile_writer(tmp_path / "odd.shp", squares(1), {"BIANHAO": ["Z9"], "LX": ["YH"]}, encoding="GBK")
    with WorkStore.create(store_path, 4527) as store:
        with pytest.raises(FieldMapError):
            import_patches(store, shp)
        result = import_patches(store, shp, field_map="jcbh=BIANHAO;tblx=LX", encoding="GBK")
        assert result.encoding.source == "user"
        assert patches(store, "jcbh", "tblx") == [("Z9", "YH")]
        assert store.setting("field_map") == {"jcbh": "BIANHAO", "tblx": "LX"}


def test_stored_rows_are_what_the_row_by_row_formulas_give(store_path, tmp_path, shapefile_writer):
    """The import builds its rows column by column (attribute JSON, areas on the shapes as read,
    MultiPolygons made only where needed); every stored value must be what the plain per-row formulas
    give: the row's attributes as one JSON object, the ellipsoidal area of the stored MultiPolygon, its
    parts as read (reprojected), 亩 from m²."""
    import datetime as dt
    import json

    from weipian_plugin.core.intake.importer import _iso_date, _jsonable, _number
    from weipian_plugin.core.store.gpkg import decode

    to_ll = Transformer.from_crs(4527, 4490, always_xy=True)
    holed = shapely.Polygon(shapely.box(X0, Y0, X0 + 400, Y0 + 300).exterior.coords,
                            [shapely.box(X0 + 10, Y0 + 10, X0 + 50, Y0 + 40).exterior.coords])
    two = shapely.MultiPolygon([shapely.box(X0 + 600, Y0, X0 + 650, Y0 + 50), shapely.box(X0 + 700, Y0, X0 + 950, Y0 + 20)])
    bowtie = shapely.Polygon([(X0, Y0 + 900), (X0 + 50, Y0 + 950), (X0 + 50, Y0 + 900), (X0, Y0 + 950)])
    long_edge = shapely.Polygon([(X0, Y0 + 2000), (X0 + 5000, Y0 + 2000), (X0 + 5000, Y0 + 2030), (X0, Y0 + 2030)])
    projected = [holed, two, bowtie, long_edge] + squares(3)
    lonlat = [shapely.transform(g, lambda c: np.column_stack(to_ll.transform(c[:, 0], c[:, 1]))) for g in projected]
    n = len(lonlat)
    fields = {"JCBH": [f"P{k}" for k in range(n)], "XMC": ["青禾县", "含\"引号\\", None, "", " 空格 ", "青禾县", "a"],
              "JCMJ": [1.5, -0.0, 0.0, 2.0, None, 3.25, 1e-7], "N": [1, 2, 3, 4, 5, 6, 7],
              "HSX": ["2026-01-05", "20260105", "", None, "2026/1/5", "x", "2026-01-05"]}
    shp = shapefile_writer(tmp_path / "混合.shp", lonlat, fields, epsg=4490, geometry_type="Unknown")
    WorkStore.create(store_path, 4527).close()
    with WorkStore.open(store_path) as store:
        result = import_patches(store, shp, "b", received=dt.date(2026, 1, 10))
        assert (result.imported, result.repaired) == (n, 1)
        rows = store.conn.execute("SELECT geom, area_m2, area_mu, jcmj_m2, source_attrs, source_row, xmc, hsx "
                                  "FROM patches ORDER BY source_row").fetchall()
    import pyogrio.raw

    meta, _, wkbs, values = pyogrio.raw.read(str(shp), encoding="UTF-8")  # as the import detected it
    read = shapely.transform(shapely.from_wkb(wkbs), lambda c: np.column_stack(
        Transformer.from_crs(4490, 4527, always_xy=True).transform(c[:, 0], c[:, 1])))
    stored = decode([r[0] for r in rows])
    assert (shapely.get_type_id(stored) == 6).all()
    for k in range(n):
        if k != 2:  # the bowtie was repaired: its parts are checked by test_every_rejection_reason
            assert shapely.equals_exact(stored[k], shapely.MultiPolygon(list(shapely.get_parts(read[k]))), 0)
        expected = {str(f): _jsonable(v[k]) for f, v in zip(meta["fields"], values)}
        assert rows[k][4] == json.dumps(expected, ensure_ascii=False)
    areas = ellipsoidal_area(stored, 4527)
    assert [r[1] for r in rows] == areas.tolist()
    assert [r[2] for r in rows] == [a / MU_M2 for a in areas.tolist()]
    declared = [_number(v) for v in values[list(meta["fields"]).index("JCMJ")].tolist()]  # text: None makes it so
    factor = MU_M2 if result.area_unit == "亩" else 1.0
    assert [r[3] for r in rows] == [None if d != d else d * factor for d in declared]
    assert [r[6] for r in rows] == ["青禾县", '含"引号\\', None, None, "空格", "青禾县", "a"]
    assert [r[7] for r in rows] == [_iso_date(v) for v in values[list(meta["fields"]).index("HSX")].tolist()]


@pytest.mark.parametrize("geometry_type", ["Unknown", "Polygon Z"])
def test_stored_geometry_is_what_shapely_writes_for_the_multipolygon(store_path, tmp_path, shapefile_writer,
                                                                     geometry_type):
    """A file in the store's CRS is stored from GDAL's own WKB where that is little-endian XY; the blobs
    must be exactly what encoding each shape read (repaired where invalid) as a MultiPolygon gives, for
    Polygons with and without holes, MultiPolygons, a repaired bowtie, and a file with Z (written anew)."""
    import datetime as dt

    import pyogrio.raw

    from weipian_plugin.core.intake.importer import _polygonal_part, _to_multipolygons
    from weipian_plugin.core.store.gpkg import encode

    holed = shapely.Polygon(shapely.box(X0, Y0, X0 + 400, Y0 + 300).exterior.coords,
                            [shapely.box(X0 + 10, Y0 + 10, X0 + 50, Y0 + 40).exterior.coords])
    two = shapely.MultiPolygon([shapely.box(X0 + 600, Y0, X0 + 650, Y0 + 50), shapely.box(X0 + 700, Y0, X0 + 950, Y0 + 20)])
    bowtie = shapely.Polygon([(X0, Y0 + 900), (X0 + 50, Y0 + 950), (X0 + 50, Y0 + 900), (X0, Y0 + 950)])
    geoms = [holed, two, bowtie] + squares(3)
    if geometry_type == "Polygon Z":
        geoms = [shapely.force_3d(g, 12.5) for g in geoms]
    shp = shapefile_writer(tmp_path / "本带.shp", geoms, {"JCBH": [f"P{k}" for k in range(len(geoms))]},
                           geometry_type=geometry_type)
    WorkStore.create(store_path, 4527).close()
    with WorkStore.open(store_path) as store:
        assert import_patches(store, shp, "b", received=dt.date(2026, 1, 10)).repaired == 1
        blobs = [r[0] for r in store.conn.execute("SELECT geom FROM patches ORDER BY source_row")]
    read = shapely.from_wkb(pyogrio.raw.read(str(shp))[2])
    read[2] = _polygonal_part(shapely.make_valid(read[2]))
    assert blobs == encode(_to_multipolygons(read), 4527)


def test_attribute_json_is_the_rows_dict_encoded(tmp_path):
    """_json_rows encodes each column's distinct values once (numeric columns at once); the text must be
    json.dumps of the row's dict even where equal values encode differently (1, 1.0, True; 0.0 and -0.0),
    for non-finite floats and for a repeated name."""
    import datetime as dt
    import json

    from weipian_plugin.core.intake.importer import _json_rows, _jsonable

    mixed = np.array([1, 1.0, True, -0.0, 0.0, float("nan"), None, 'a"b\\', "水田", dt.date(2026, 1, 5), 1, "水田"],
                     dtype=object)
    n = len(mixed)
    values = {"M": mixed, "F": np.array([0.0, -0.0, np.nan, -np.inf, 1e300, 0.1] * 2), "I": np.arange(n, dtype=np.int64),
              "S": np.array(["x", "y"] * 6, dtype=object), "B": np.array([True, False] * 6),
              "G": np.array([0.0, -0.0, 1e300, 0.1, 1e-7, 2.5] * 2), "H": np.array([7, 0] * 6, dtype=np.uint8)}
    names = ["M", "F", "I", "S", "B", "S", "G", "H"]
    rows = np.array([0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 1])
    expected = [json.dumps({f: _jsonable(values[f][r]) for f in names}, ensure_ascii=False) for r in rows]
    assert _json_rows(values, names, rows) == expected
    assert _json_rows({}, [], rows) == ["{}"] * len(rows)


def test_file_checksum_is_sha256_of_the_parts_in_turn(tmp_path, shapefile_writer):
    """Stores of earlier versions hold this checksum (a second import of the same file as another batch is
    refused by it): reading the parts in chunks must give the digest of the whole parts one after another,
    also for a .dbf larger than one chunk."""
    import hashlib

    from weipian_plugin.core.intake.importer import checksum

    n = 5000
    shp = shapefile_writer(tmp_path / "大.shp", squares(n, dx=60.0), {"JCBH": [f"J{i:05d}" for i in range(n)],
                                                                     "BZ": ["备注" * 40] * n})
    assert shp.with_suffix(".dbf").stat().st_size > 1 << 20
    whole = b"".join(shp.with_suffix(ext).read_bytes() for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"))
    assert checksum(shp) == hashlib.sha256(whole).hexdigest()
