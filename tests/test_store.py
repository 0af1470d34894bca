"""The work store is a real GeoPackage that GDAL and QGIS open, written transactionally; what is not about the
file itself holds for a shared (PostGIS) store too (``store_address``: both backends)."""
import sqlite3

import pytest
import shapely

from weipian_plugin.core.store import gpkg
from weipian_plugin.core.store.workstore import StoreError, WorkStore


def test_created_store_opens_in_qgis_with_its_layers(store_path, qgis_app):
    from qgis.core import QgsVectorLayer

    WorkStore.create(store_path, 4527, "青禾县", "500199", 2026).close()
    layer = QgsVectorLayer(f"{store_path}|layername=patches", "patches", "ogr")
    assert layer.isValid()
    assert layer.crs().authid() == "EPSG:4527"
    assert QgsVectorLayer(f"{store_path}|layername=patch_analysis", "a", "ogr").isValid()
    assert QgsVectorLayer(f"{store_path}|layername=determinations", "d", "ogr").isValid()
    conn = sqlite3.connect(store_path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == gpkg.APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 10200
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_geometry_blob_round_trip_and_gdal_reads_it(store_path):
    from osgeo import ogr

    square = shapely.MultiPolygon([shapely.box(39_500_000, 3_300_000, 39_500_100, 3_300_050)])
    with WorkStore.create(store_path, 4527) as store, store.transaction() as conn:
        conn.execute("INSERT INTO batches (name) VALUES ('b')")
        conn.execute("INSERT INTO patches (geom, batch_id, jcbh, area_m2, area_mu) VALUES (?, 1, 'J1', 1, 1)",
                     (gpkg.encode([square], 4527)[0],))
    ds = ogr.Open(str(store_path))
    feature = ds.GetLayerByName("patches").GetNextFeature()
    assert feature.GetGeometryRef().GetArea() == pytest.approx(5000.0)
    with WorkStore.open(store_path) as store:
        _, geoms, attrs = store.read_patches()
        assert geoms[0].equals(square) and attrs["jcbh"][0] == "J1"
        rtree = store.conn.execute("SELECT minx, maxx FROM rtree_patches_geom").fetchone()
        assert rtree == pytest.approx((39_500_000, 39_500_100), abs=0.01)


def test_failed_transaction_leaves_store_unchanged(store_address):
    with WorkStore.create(store_address, 4527) as store:
        with pytest.raises(RuntimeError), store.transaction() as conn:
            conn.execute("INSERT INTO batches (name) VALUES ('half')")
            raise RuntimeError("boom")
        assert store.batches() == []


def test_not_a_store_is_a_clear_error(tmp_path):
    other = tmp_path / "other.gpkg"
    sqlite3.connect(other).execute("CREATE TABLE t (x)")
    with pytest.raises(StoreError, match="GeoPackage"):
        WorkStore.open(other)
    with pytest.raises(StoreError, match="不存在"):
        WorkStore.open(tmp_path / "missing.gpkg")


def test_create_never_leaves_a_half_written_file(store_path, monkeypatch):
    from weipian_plugin.core.store import workstore as store_module

    def broken(conn, current):
        raise sqlite3.OperationalError("disk full")

    monkeypatch.setattr(store_module.WorkStore, "_migrate", staticmethod(broken))
    with pytest.raises(sqlite3.OperationalError):
        WorkStore.create(store_path, 4527)
    assert not store_path.exists()
    assert list(store_path.parent.iterdir()) == []


def test_newer_schema_is_refused(store_path):
    WorkStore.create(store_path, 4527).close()
    conn = sqlite3.connect(store_path)
    conn.execute("UPDATE weipian_meta SET value='999' WHERE key='schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="更新版本"):
        WorkStore.open(store_path)


def test_v5_store_migrates_to_v6_without_touching_determinations(store_path, monkeypatch):
    """Schema v6 (rules revision): change types, the new analysis columns, 永农 no longer capped."""
    from weipian_plugin.core.store import codes, schema

    every = schema.migrations()
    with monkeypatch.context() as m:  # a store as the release before the rules revision wrote it
        m.setattr(schema, "migrations", lambda: every[:5])
        with WorkStore.create(store_path, 4527) as store, store.transaction() as conn:
            assert store.schema_version == 5
            conn.execute("INSERT INTO batches (name) VALUES ('b')")
            conn.execute("INSERT INTO patches (batch_id, jcbh, area_m2, area_mu) VALUES (1, 'J1', 900, 1.35)")
            conn.execute("INSERT INTO determinations (patch_fid, result, illegal_m2, illegal_cultivated_m2, "
                         "illegal_basic_farmland_m2, reviewer) VALUES (1, '违法', 900, 300, 200, '张三')")
            with pytest.raises(sqlite3.IntegrityError):  # v5 refused 永农 above the cultivated area
                conn.execute("UPDATE determinations SET illegal_basic_farmland_m2 = 600")
            conn.executemany("DELETE FROM code_lists WHERE list=? AND code=? AND parent=?", codes.ADDED_CODES)
            audit = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]

    with WorkStore.open(store_path) as store:
        assert store.schema_version == schema.LATEST_VERSION
        with store.transaction() as c:
            c.execute("UPDATE determinations SET illegal_basic_farmland_m2 = 600, reviewer = '李四'")
        assert store.conn.execute("SELECT illegal_basic_farmland_m2, result FROM determinations").fetchone() == (
            600.0, "违法")
        assert store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == audit + 1  # triggers kept
        types = dict(store.conn.execute("SELECT code, rule FROM change_types"))
        assert types["KT"] == "agricultural" and types["CK"] == "mining" and types["20"] == "construction"
        assert ("先行用地", "先行用地", "其他") in store.code_list("subtype", "其他")
        view = {r[1] for r in store.conn.execute("PRAGMA table_info(patch_analysis)")}
        assert {"new_construction_m2", "stock_construction_m2", "mining_suggestion", "nature_reserve_m2",
                "other_legal_m2", "advance_m2"} <= view
        store.conn.execute("SELECT * FROM patch_analysis").fetchall()
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_new_reference_role_gets_its_column_and_subtype_when_a_store_opens(store_address, monkeypatch):
    from weipian_plugin.core import roles
    from weipian_plugin.core.store import pg_schema, schema

    store = WorkStore.create(store_address, 4527)  # made and opened before the role exists
    forest = roles.Role("forest", "FOREST", "林地审批", "Forest land approvals", "林地审批", roles.OTHER, roles.Fields(),
                        roles.Style("#228b22", 0.5, 13), subtype="林地审批", dates=roles.ISSUED, column="forest_m2")
    monkeypatch.setattr(roles, "ROLES", (*roles.ROLES, forest))
    monkeypatch.setattr(roles, "COLUMNS", {**roles.COLUMNS, "forest_m2": "forest"})
    postgres = store.dialect.name == "postgis"
    missing = (pg_schema if postgres else schema).missing_role_columns(store.conn)
    store.close()
    assert missing == [f"ALTER TABLE analysis ADD COLUMN forest_m2 {'double precision' if postgres else 'REAL'}"]
    with WorkStore.open(store_address) as store:
        assert "forest_m2" in [d[0] for d in store.conn.execute("SELECT * FROM patch_analysis WHERE 1 = 0").description]
        assert ("林地审批", "林地审批", "其他") in store.code_list("subtype", "其他")  # its suggestion can be accepted
