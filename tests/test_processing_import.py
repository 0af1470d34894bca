"""weipian:importpatches through real Processing, and through qgis_process with the packaged zip."""
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile

import pytest
import shapely
from conftest import ROOT


def _batch(tmp_path, shapefile_writer, n=3):
    geoms = [shapely.box(39_500_000 + 100 * i, 3_300_000, 39_500_040 + 100 * i, 3_300_040) for i in range(n)]
    return shapefile_writer(tmp_path / "批次.shp", geoms + [None], {"JCBH": [f"P{i}" for i in range(n)] + ["EMPTY"]},
                            encoding="GBK")


def test_processing_run_creates_store_and_imports(weipian_provider, tmp_path, shapefile_writer):
    import processing

    shp = _batch(tmp_path, shapefile_writer)
    store = tmp_path / "store.gpkg"
    result = processing.run("weipian:importpatches", {"INPUT": str(shp), "STORE": str(store), "BATCH": "2026-01",
                                                      "RECEIVED": "2026年1月5日"})
    assert result == {"IMPORTED": 3, "REJECTED": 1}
    conn = sqlite3.connect(store)
    assert conn.execute("SELECT name, received_date FROM batches").fetchall() == [("2026-01", "2026-01-05")]
    assert conn.execute("SELECT due_date FROM patches LIMIT 1").fetchone()[0] == "2026-01-25"


def test_processing_error_is_readable(weipian_provider, tmp_path, shapefile_writer):
    import processing
    from qgis.core import QgsProcessingException

    shp = shapefile_writer(tmp_path / "x.shp", [shapely.box(39_500_000, 3_300_000, 39_500_010, 3_300_010)],
                           {"OTHER": ["a"]})
    with pytest.raises(QgsProcessingException, match="监测编号"):
        processing.run("weipian:importpatches", {"INPUT": str(shp), "STORE": str(tmp_path / "s.gpkg")})


@pytest.mark.skipif(shutil.which("qgis_process.bin") is None, reason="qgis_process not installed")
def test_packaged_zip_runs_in_qgis_process(tmp_path, shapefile_writer):
    """`make package` → install into a fresh profile → qgis_process loads it and runs the import."""
    subprocess.run(["make", "-s", "package"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    archive = ROOT / "dist" / "weipian_plugin.zip"
    with zipfile.ZipFile(archive) as z:
        names = z.namelist()
    assert {n.split("/")[0] for n in names} == {"weipian_plugin"}
    for required in ("metadata.txt", "resources_rc.py", "i18n/weipian_zh_CN.qm",
                     "processing_algorithms/import_patches.py", "forms/"):
        assert any(n == f"weipian_plugin/{required}" or n.startswith(f"weipian_plugin/{required}")
                   for n in names), required
    assert not any("__pycache__" in n or n.startswith("weipian_plugin/tests") for n in names)

    config = tmp_path / "qgis-config"
    env = {**os.environ, "QGIS_CUSTOM_CONFIG_PATH": str(config), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONPATH", None)  # the installed plugin, not the staged one, must be what runs
    subprocess.run([sys.executable, str(ROOT / "scripts/install_plugin.py"), str(archive),
                    str(config / "profiles" / "default")], check=True, env=env)
    subprocess.run(["qgis_process.bin", "plugins", "enable", "weipian_plugin"], check=True, env=env,
                   capture_output=True)
    shp = _batch(tmp_path, shapefile_writer)
    store = tmp_path / "qp.gpkg"
    run = subprocess.run(["qgis_process.bin", "run", "weipian:importpatches", "--", f"INPUT={shp}",
                          f"STORE={store}", "BATCH=qp"], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "IMPORTED:\t3" in run.stdout
    assert sqlite3.connect(store).execute("SELECT count(*) FROM patches").fetchone()[0] == 3


def test_failed_first_import_leaves_no_store_behind(weipian_provider, tmp_path, shapefile_writer):
    import processing
    from qgis.core import QgsProcessingException

    shp = shapefile_writer(tmp_path / "noid.shp", [shapely.box(39_500_000, 3_300_000, 39_500_010, 3_300_010)],
                           {"OTHER": ["a"]})
    store = tmp_path / "new.gpkg"
    with pytest.raises(QgsProcessingException):
        processing.run("weipian:importpatches", {"INPUT": str(shp), "STORE": str(store)})
    assert not store.exists()


def test_processing_imports_into_a_store_of_each_backend(weipian_provider, store_address, tmp_path, shapefile_writer):
    """The import into an existing store, GeoPackage or shared PostGIS: patches, their deadline, and a
    re-import that keeps the person's determination."""
    import processing

    from weipian_plugin.core.review.records import load_determination, save_determination
    from weipian_plugin.core.store.workstore import WorkStore

    WorkStore.create(store_address, 4527).close()
    shp = _batch(tmp_path, shapefile_writer)
    params = {"INPUT": str(shp), "STORE": store_address, "BATCH": "2026-01", "RECEIVED": "2026年1月5日"}
    assert processing.run("weipian:importpatches", params) == {"IMPORTED": 3, "REJECTED": 1}
    with WorkStore.open(store_address) as store:
        assert store.conn.execute("SELECT name, received_date FROM batches").fetchall() == [("2026-01", "2026-01-05")]
        rows = store.conn.execute("SELECT jcbh, due_date, area_m2 FROM patches ORDER BY jcbh").fetchall()
        assert [(j, d) for j, d, _ in rows] == [(f"P{i}", "2026-01-25") for i in range(3)]
        assert [a for *_, a in rows] == pytest.approx([1600] * 3, rel=0.01)  # 40 m × 40 m, on the ellipsoid
        fid = store.conn.execute("SELECT fid FROM patches WHERE jcbh = 'P1'").fetchone()[0]
        save_determination(store, fid, {"result": "合法", "subtype": "批文"}, "李四")
    assert processing.run("weipian:importpatches", params)["IMPORTED"] == 3
    with WorkStore.open(store_address) as store:
        assert store.conn.execute("SELECT count(*) FROM patches").fetchone()[0] == 3
        assert load_determination(store, fid)["result"] == "合法"


def test_an_import_does_not_create_a_shared_store(weipian_provider, pg_database, tmp_path, shapefile_writer):
    """A database without a store is refused in words (a shared store is published, README), and stays empty."""
    import processing
    import psycopg2
    from qgis.core import QgsProcessingException

    shp = _batch(tmp_path, shapefile_writer)
    with pytest.raises(QgsProcessingException, match="没有卫片执法工作库"):
        processing.run("weipian:importpatches", {"INPUT": str(shp), "STORE": "postgresql:" + pg_database})
    with psycopg2.connect(pg_database) as conn, conn.cursor() as cur:
        cur.execute("SELECT to_regclass('weipian_meta'), to_regclass('patches')")
        assert cur.fetchone() == (None, None)
    conn.close()
