"""A shared store reached through a QGIS PostgreSQL connection that keeps its login in QGIS's authentication
database (an authcfg): the real server asks for the password, QGIS's auth manager supplies it, and it is
written nowhere — not in the store's address, the plugin's settings, a project or the store."""
import contextlib
import uuid

import psycopg2
import pytest

from weipian_plugin.core.review import records
from weipian_plugin.core.store import pgroles, postgis
from weipian_plugin.core.store.workstore import StoreError, WorkStore

LOGIN, PASSWORD = "wp_auth", "s3cret-只在认证库中"


@contextlib.contextmanager
def _password_required(pg_database):
    """The throwaway cluster trusts every local login; for LOGIN it now asks for the password (pg_hba.conf's
    first matching line wins), until the test ends."""
    admin = psycopg2.connect(pg_database)
    admin.autocommit = True
    cur = admin.cursor()
    cur.execute("SHOW hba_file")
    hba = cur.fetchone()[0]
    try:
        with open(hba, encoding="utf-8") as f:
            original = f.read()
        with open(hba, "w", encoding="utf-8") as f:
            f.write(f"local all {LOGIN} scram-sha-256\n" + original)
    except PermissionError:
        pytest.skip("pg_hba.conf of the test cluster is not writable by this user")
    cur.execute("SELECT pg_reload_conf()")
    try:
        yield
    finally:
        with open(hba, "w", encoding="utf-8") as f:
            f.write(original)
        cur.execute("SELECT pg_reload_conf()")
        admin.close()


@pytest.fixture
def auth_connection(pg_database, pg_logins, weipian_provider):
    """A store with LOGIN as a reviewer (password set on the server), and a saved QGIS PostgreSQL connection
    whose login is an authcfg of QGIS's authentication database; the plugin's Processing provider loaded
    (as in QGIS), which hands QGIS's authentication manager to the store. Yields (connection name, authcfg id)."""
    from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsDataSourceUri, QgsProviderRegistry

    address = f"postgresql:{pg_database}"
    with WorkStore.create(address, 4527, "测试县", "500118", 2026) as store:
        with store.transaction("管理员") as conn:
            conn.execute("INSERT INTO batches (name) VALUES ('2026年3月')")
            conn.execute("INSERT INTO patches (geom, batch_id, jcbh, area_m2, area_mu) VALUES "
                         "(ST_Multi(ST_MakeEnvelope(39500000, 3300000, 39500040, 3300030, 4527)), 1, 'J1', 1200, 1.8)")
        pgroles.install(store)
        pg_logins.append(LOGIN)
        pgroles.grant(store, LOGIN, pgroles.REVIEWER)
        store.conn.execute(f"ALTER ROLE {LOGIN} PASSWORD '{PASSWORD}'")
    manager = QgsApplication.authManager()
    if not manager.masterPasswordIsSet():
        assert manager.setMasterPassword("weipian-test-master", True)
    config = QgsAuthMethodConfig("Basic")
    config.setName("卫片执法 测试")
    config.setConfig("username", LOGIN)
    config.setConfig("password", PASSWORD)
    assert manager.storeAuthenticationConfig(config)[0]
    uri = QgsDataSourceUri(postgis.conninfo(address))
    uri.setUsername("")
    uri.setAuthConfigId(config.id())
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    name = f"weipian_auth_{uuid.uuid4().hex[:8]}"
    metadata.saveConnection(metadata.createConnection(uri.uri(False), {}), name)
    yield name, config.id()
    metadata.deleteConnection(name)
    manager.removeAuthenticationConfig(config.id())


def test_a_connection_with_an_authcfg_opens_with_the_password_from_qgis(auth_connection, pg_database, tmp_path):
    from qgis.core import QgsProject, QgsSettings

    from weipian_plugin.layer_source import connection_address, store_layer

    name, authcfg = auth_connection
    address = connection_address(name)
    assert f"authcfg={authcfg}" in address and PASSWORD not in address and LOGIN not in address
    with _password_required(pg_database):
        with pytest.raises(psycopg2.OperationalError, match="password"):  # the server does ask for it
            psycopg2.connect(f"{pg_database} user={LOGIN}").close()
        with WorkStore.open(address) as store:
            assert store.conn.execute("SELECT session_user").fetchone() == (LOGIN,)
            records.save_determination(store, 1, {"result": "违法", "subtype": "非农违法", "violation_category": "新增",
                                                "project_name": "认证配置登录"}, "界面上的名字")
            assert store.conn.execute("SELECT actor FROM audit_log ORDER BY id DESC LIMIT 1").fetchone() == (LOGIN,)
            assert PASSWORD not in store.address
            stored = store.conn.execute("SELECT string_agg(value, ' ') FROM settings").fetchone()[0] or ""
            assert PASSWORD not in stored
        layer = store_layer(address, "patch_analysis", "图斑")  # QGIS's own provider resolves the same authcfg
        assert layer.isValid() and layer.featureCount() == 1
        project = QgsProject()
        project.addMapLayer(layer)
        assert project.write(str(tmp_path / "工作.qgs"))
    assert PASSWORD not in (tmp_path / "工作.qgs").read_text(encoding="utf-8")
    settings = QgsSettings()
    assert all(PASSWORD not in str(settings.value(key)) for key in settings.allKeys())


def test_an_authcfg_qgis_cannot_resolve_is_a_clear_error(pg_database, weipian_provider):
    with pytest.raises(StoreError, match="认证配置 nosuch1"):
        WorkStore.open(f"postgresql:{pg_database} authcfg=nosuch1")


def test_outside_qgis_an_authcfg_address_says_where_to_open_it(pg_database, monkeypatch):
    monkeypatch.setattr(postgis, "_authcfg", None)
    with pytest.raises(StoreError, match="只能在 QGIS 中打开"):
        WorkStore.open(f"postgresql:{pg_database} authcfg=abc1234")
