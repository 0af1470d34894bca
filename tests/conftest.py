"""Tests run against the staged plugin (build/stage/weipian_plugin), the same layout the zip has."""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STAGE = ROOT / "build" / "stage"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

if not (STAGE / "weipian_plugin" / "resources_rc.py").exists():
    subprocess.run([sys.executable, str(ROOT / "scripts" / "stage.py"), "--link", str(STAGE)], check=True)
# The staged package must win over the checkout's own weipian_plugin/ (the working directory is on
# sys.path too), whatever PYTHONPATH already holds.
for path in (ROOT / "scripts", STAGE):
    while str(path) in sys.path:
        sys.path.remove(str(path))
    sys.path.insert(0, str(path))

SHARED_CACHE = ROOT / "build" / "test-data"


@pytest.fixture(scope="session")
def sample_county():
    """The generated sample county (small, no imagery), built once per session and reused read-only; a
    change to the generator builds a new one (the cache is named after the generator's bytes)."""
    import hashlib

    import sample_county as generator

    digest = hashlib.sha1(Path(generator.__file__).read_bytes()).hexdigest()[:12]
    out = SHARED_CACHE / f"county-small-{digest}"
    manifest = out / "manifest.json"
    if not manifest.exists():
        generator.generate(out, seed=7, patches_per_batch=60, n_dltb=6000, imagery=False)
    return out


@pytest.fixture
def store_path(tmp_path):
    return tmp_path / "青禾县_2026_卫片.gpkg"


def independent_connection(store):
    """A second connection to a store, outside the plugin (no actor named, nothing sealed): what QGIS's
    attribute table or another program writes through. Same ``?`` SQL and sqlite3 error classes on both
    backends (core/store/sql.py); commit() ends what it started."""
    import sqlite3

    if store.path is not None:
        return sqlite3.connect(store.path)
    from weipian_plugin.core.store import postgis

    return postgis.connect(store.address)


@pytest.fixture(params=["gpkg", "postgis"])
def store_address(request, tmp_path):
    """Where a store-level test creates its store, once per backend: a GeoPackage path, or the address of
    a fresh PostgreSQL database (``pg_database``)."""
    if request.param == "gpkg":
        return str(tmp_path / "青禾县_2026_卫片.gpkg")
    return "postgresql:" + request.getfixturevalue("pg_database")


@pytest.fixture(params=["gpkg", "postgis"])
def backend(request):
    """Which backend a test's store lives on; tests that build a store elsewhere (a GeoPackage fixture shared
    by the module) put a copy of it there with ``store_on``."""
    return request.param


@pytest.fixture
def store_on(backend, tmp_path_factory, request):
    """``store_on(gpkg)`` → the address of a private copy of the GeoPackage store ``gpkg`` on this test's
    backend: a file copy, or the store published into a fresh PostgreSQL database (weipian:publishstore's
    core, audit and ids carried over). One PostGIS copy per test."""
    import shutil

    def copy(source) -> str:
        if backend == "gpkg":
            target = tmp_path_factory.mktemp("store") / Path(source).name  # not among the test's outputs
            shutil.copy(source, target)
            return str(target)
        from weipian_plugin.core.store import transfer

        address = "postgresql:" + request.getfixturevalue("pg_database")
        transfer.publish(source, address)
        return address

    return copy


@contextlib.contextmanager
def shapefile_text_recoded():
    """GDAL recodes shapefile text by the .cpg (or ENCODING) inside this block.

    QGIS sets SHAPE_ENCODING="" whenever it opens a shapefile; where pyogrio shares QGIS's GDAL (Debian 13)
    text would then be read and written as raw bytes, so it is unset here and restored afterwards."""
    import pyogrio

    old = pyogrio.get_gdal_config_option("SHAPE_ENCODING")
    pyogrio.set_gdal_config_options({"SHAPE_ENCODING": None})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"SHAPE_ENCODING": old})


def write_shapefile(path, geoms, fields: dict, epsg=4527, encoding="UTF-8", geometry_type="Polygon",
                    keep_cpg=True, keep_prj=True):
    """A real shapefile as ministries send them (optionally without .cpg/.prj)."""
    import numpy as np
    import pyogrio.raw
    import shapely

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wkb = np.array([None if g is None else shapely.to_wkb(g) for g in geoms], dtype=object)
    names = list(fields)
    arrays = [np.array(v, dtype=object) if any(isinstance(x, str) or x is None for x in v) else np.array(v)
              for v in fields.values()]
    with shapefile_text_recoded():
        pyogrio.raw.write(str(path), wkb, arrays, names, driver="ESRI Shapefile", crs=f"EPSG:{epsg}",
                          encoding=encoding, geometry_type=geometry_type)
    if not keep_cpg:
        path.with_suffix(".cpg").unlink(missing_ok=True)
    if not keep_prj:
        path.with_suffix(".prj").unlink(missing_ok=True)
    return path


@pytest.fixture
def shapefile_writer():
    return write_shapefile


@pytest.fixture
def weipian_provider(qgis_processing):
    """Processing with the weipian provider registered for one test, then removed again, so tests of the
    plugin's own load/unload see a clean registry."""
    from qgis.core import QgsApplication

    from weipian_plugin.processing_algorithms.provider import WeipianProvider

    registry = QgsApplication.processingRegistry()
    if registry.providerById("weipian") is not None:
        yield registry.providerById("weipian")
        return
    provider = WeipianProvider()
    registry.addProvider(provider)
    yield provider
    registry.removeProvider(provider)


@pytest.fixture(scope="session", autouse=True)
def _iface_menus_and_docks(qgis_iface):
    """pytest-qgis's iface stub ignores plugin menus and cannot remove docks; give it real bookkeeping
    (``plugin_menus``) so tests can assert that unload leaves nothing behind."""
    from qgis.PyQt.QtCore import Qt

    qgis_iface.plugin_menus = {}

    def add_menu(name, action):
        qgis_iface.plugin_menus.setdefault(name, []).append(action)

    def remove_menu(name, action):
        actions = qgis_iface.plugin_menus.get(name, [])
        actions.remove(action)
        if not actions:
            qgis_iface.plugin_menus.pop(name, None)

    def add_dock(area, dock):
        qgis_iface.mainWindow().addDockWidget(area if area is not None else Qt.DockWidgetArea.RightDockWidgetArea,
                                              dock)

    qgis_iface.addPluginToMenu = add_menu
    qgis_iface.removePluginMenu = remove_menu
    qgis_iface.addDockWidget = add_dock
    qgis_iface.removeDockWidget = lambda dock: qgis_iface.mainWindow().removeDockWidget(dock)
    qgis_iface.addTabifiedDockWidget = lambda area, dock, *args: add_dock(area, dock)
    yield qgis_iface


@pytest.fixture(autouse=True)
def _reviewer_name(qgis_app):
    """The reviewer's name as a user sets it once in the plugin (the dock asks when none is set, which a
    headless test could not answer); tests of the asking clear it."""
    from qgis.core import QgsSettings

    QgsSettings().setValue("weipian/reviewer", "测试审核人")
    yield
    QgsSettings().remove("weipian/reviewer")


# --- PostgreSQL/PostGIS: the throwaway cluster that `make test` starts (scripts/pg_cluster.sh) ---------
PG_ENV = "WEIPIAN_TEST_PG"


def _pg_connect(dsn: str):
    import psycopg2

    conn = psycopg2.connect(dsn, connect_timeout=10)
    conn.autocommit = True
    return conn


@pytest.fixture(scope="session")
def pg_server():
    """The libpq address (no dbname) of a PostgreSQL server the tests may create databases and roles on.

    Without WEIPIAN_TEST_PG the test is skipped, so one test file can still be run by hand; under
    `make test` (which always sets it) or in CI an unreachable server fails instead."""
    dsn = os.environ.get(PG_ENV)
    if not dsn:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set: run the tests through `make test` (scripts/pg_cluster.sh)")
        pytest.skip(f"no PostgreSQL server: set {PG_ENV} or run `scripts/pg_cluster.sh pytest …` / `make test`")
    try:
        _pg_connect(f"{dsn} dbname=postgres").close()
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server is reported the same way
        pytest.fail(f"{PG_ENV}={dsn!r} does not answer: {exc}")
    return dsn


@pytest.fixture(scope="session")
def _pg_template(pg_server):
    """A template database with PostGIS created once; each test's database is a file copy of it."""
    import uuid

    name = f"weipian_tpl_{uuid.uuid4().hex[:8]}"
    admin = _pg_connect(f"{pg_server} dbname=postgres")
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    with contextlib.closing(_pg_connect(f"{pg_server} dbname={name}")) as conn:
        conn.cursor().execute("CREATE EXTENSION postgis")
    yield name
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def pg_database_zh(pg_server):
    """A fresh database with PostGIS whose text sorts the Chinese way (ICU ``zh``, by pinyin), as a server
    set up in a Chinese locale has it; dropped after the test."""
    import uuid

    name = f"weipian_zh_{uuid.uuid4().hex[:12]}"
    with contextlib.closing(_pg_connect(f"{pg_server} dbname=postgres")) as admin:
        admin.cursor().execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'zh' "
                               "LOCALE 'C.UTF-8'")
    with contextlib.closing(_pg_connect(f"{pg_server} dbname={name}")) as conn:
        conn.cursor().execute("CREATE EXTENSION postgis")
    yield f"{pg_server} dbname={name}"
    with contextlib.closing(_pg_connect(f"{pg_server} dbname=postgres")) as admin:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_database(pg_server, _pg_template):
    """A libpq connection string of a fresh, empty database with PostGIS, dropped after the test (also
    while QGIS or a forgotten connection still holds it open)."""
    import uuid

    name = f"weipian_test_{uuid.uuid4().hex[:12]}"
    with contextlib.closing(_pg_connect(f"{pg_server} dbname=postgres")) as admin:
        admin.cursor().execute(f'CREATE DATABASE "{name}" TEMPLATE "{_pg_template}"')
    yield f"{pg_server} dbname={name}"
    with contextlib.closing(_pg_connect(f"{pg_server} dbname=postgres")) as admin:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_logins(pg_database):
    """The login roles a test makes on ``pg_database`` (pgroles.grant creates them): append each name.
    Login roles are cluster-wide, so each is dropped after the test, with its rights in the database."""
    logins: list[str] = []
    yield logins
    with contextlib.closing(_pg_connect(pg_database)) as conn, conn.cursor() as cur:
        for login in logins:
            cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,))
            if cur.fetchone():
                cur.execute(f"DROP OWNED BY {login}; DROP ROLE {login}")
