"""Old stores open in today's plugin: every migration from schema 1 on, with the data they hold.

An old GeoPackage store is built the way its release built it: the migrations up to its version, its
feature tables registered, its version in ``weipian_meta`` (no later view or trigger exists in it yet).
An old shared (PostGIS) store is the dump of one its release made (tests/data/postgis_store_v*.sql:
when a migration is added, dump a store of the release before it there).
"""
import dataclasses
import hashlib
import re
import sqlite3
import threading
from pathlib import Path

import psycopg2
import pytest
import shapely
from test_review import BATCH

from weipian_plugin.core import roles
from weipian_plugin.core.review import attachments, marks, records
from weipian_plugin.core.store import audit, gpkg, pg_schema, pgroles, postgis, schema, tables
from weipian_plugin.core.store.workstore import StoreError, WorkStore

EPSG = 4527
PATCH = shapely.box(39_500_000, 3_300_000, 39_500_050, 3_300_040)


def old_store(path, version: int) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    gpkg.register_functions(conn)
    gpkg.initialise(conn)
    conn.execute("BEGIN")
    gpkg.add_srs(conn, EPSG)
    srs = int(conn.execute("SELECT max(srs_id) FROM gpkg_spatial_ref_sys").fetchone()[0])
    for v, sql in schema.migrations():
        if v > version:
            break
        gpkg.run_script(conn, sql)
        if v == 1:
            gpkg.register_features(conn, "patches", "geom", "MULTIPOLYGON", srs, "卫片监测图斑")
        if v == 2:
            for table, description in schema.FEATURE_TABLES_V2.items():
                gpkg.register_features(conn, table, "geom", "GEOMETRY", srs, description)
    conn.executemany("INSERT OR REPLACE INTO weipian_meta VALUES (?, ?)",
                     [(schema.SCHEMA_VERSION_KEY, str(version)), ("epsg", str(EPSG))])
    conn.execute("INSERT INTO batches (name, received_date) VALUES ('2025-10', '2025-10-09')")
    conn.execute("INSERT INTO patches (geom, batch_id, jcbh, area_m2, area_mu, split_state) "
                 "VALUES (?, 1, 'J1', 2000.0, 3.0, '')", (gpkg.encode([PATCH], EPSG)[0],))
    conn.execute("INSERT INTO determinations (patch_fid, result, reviewer) VALUES (1, '违法', '张三')")
    owner = ("owner, owner_id, ", "'patch', 1, ") if version >= 7 else ("", "")  # one table for every owner
    conn.execute(f"INSERT INTO attachments ({owner[0]}patch_fid, file_name, mime_type, kind, data) "
                 f"VALUES ({owner[1]}1, '现场.jpg', 'image/jpeg', '照片', x'ffd8ffd9')")
    conn.execute("COMMIT")
    return conn


@pytest.mark.parametrize("version", range(1, schema.LATEST_VERSION))
def test_a_store_of_every_older_version_migrates_with_its_records(tmp_path, version):
    path = tmp_path / f"v{version}.gpkg"
    old_store(path, version).close()
    with WorkStore.open(path) as store:
        assert store.conn.execute("SELECT value FROM weipian_meta WHERE key='schema_version'").fetchone() == \
            (str(schema.LATEST_VERSION),)
        assert store.conn.execute("SELECT result, reviewer, row_version FROM determinations").fetchall() == \
            [("违法", "张三", 1)]
        assert [(a["owner"], a["owner_id"], a["patch_fid"], a["file_name"]) for a in
                attachments.list_for(store, attachments.PATCH, 1)] == [("patch", 1, 1, "现场.jpg")]
        assert store.conn.execute("SELECT status FROM patch_status").fetchall() == [("未整改",)]
        assert store.conn.execute("SELECT count(*) FROM patch_analysis").fetchone() == (1,)
    with WorkStore.open(path) as store:  # a second open finds nothing left to do
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_finding_photos_move_into_the_one_attachments_table(tmp_path):
    path = tmp_path / "v5.gpkg"
    conn = old_store(path, 5)
    photo = b"\xff\xd8\xff\xd9"
    conn.execute("BEGIN")
    conn.execute("INSERT INTO patrols (patrol_date, township) VALUES ('2025-10-10', '东关镇')")
    conn.execute("INSERT INTO patrol_findings (patrol_fid, description) VALUES (1, '推土')")
    conn.execute("INSERT INTO finding_attachments (finding_fid, file_name, mime_type, added_at, longitude, latitude, "
                 "size_bytes, sha256, data) VALUES (1, '推土.jpg', 'image/jpeg', '2025-10-10T09:00:00', 117.1, 36.2, "
                 "4, ?, ?)", (hashlib.sha256(photo).hexdigest(), photo))
    conn.execute("COMMIT")
    conn.close()
    with WorkStore.open(path) as store:
        tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "finding_attachments" not in tables
        assert store.conn.execute(
            "SELECT 1 FROM gpkg_contents WHERE table_name='finding_attachments'").fetchone() is None
        (moved,) = attachments.list_for(store, attachments.FINDING, 1)
        assert (moved["file_name"], moved["kind"], moved["patch_fid"], moved["longitude"]) == \
            ("推土.jpg", "照片", None, 117.1)
        assert attachments.data(store, moved["id"]) == photo
        assert moved["id"] > attachments.list_for(store, attachments.PATCH, 1)[0]["id"]
        with store.transaction() as conn:  # a deleted patrol takes its findings' photos along
            conn.execute("DELETE FROM patrols WHERE fid = 1")
        assert store.conn.execute("SELECT owner FROM attachments").fetchall() == [("patch",)]


def test_a_newer_store_is_refused(tmp_path):
    path = tmp_path / "future.gpkg"
    WorkStore.create(path, EPSG).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE weipian_meta SET value = ? WHERE key = 'schema_version'", (str(schema.LATEST_VERSION + 1),))
    from weipian_plugin.core.store.workstore import StoreError

    with pytest.raises(StoreError, match="更新版本"):
        WorkStore.open(path)


# --- PostGIS: shared stores made by earlier releases (tests/data/postgis_store_v*.sql, one dump per release) ---
DUMPS = sorted((Path(__file__).parent / "data").glob("postgis_store_v*.sql"))


def _load_dump(pg_database, dump: Path) -> None:
    """Restore a release's store into the fresh database, as its owner (the dump carries no roles)."""
    conn = psycopg2.connect(pg_database)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(dump.read_text(encoding="utf-8"))
    conn.close()


@pytest.mark.parametrize("dump", DUMPS, ids=lambda p: p.stem)
def test_a_shared_store_of_an_older_release_migrates_with_its_records_chain_and_locks(pg_database, dump):
    address = f"postgresql:{pg_database}"
    _load_dump(pg_database, dump)
    old = int(re.search(r"_v(\d+)$", dump.stem).group(1))
    assert pg_schema.FIRST_VERSION <= old < schema.LATEST_VERSION
    with WorkStore.open(address) as store:
        assert store.schema_version == schema.LATEST_VERSION
        report = audit.verify(store.conn)
        assert report.ok, report.text()
        sealed = report.sealed
        assert store.conn.execute("SELECT patch_fid, result, reviewer, row_version FROM determinations "
                                  "ORDER BY patch_fid").fetchall() == [(1, "违法", "李四", 1), (2, "合法", "王五", 1)]
        assert records.load_rectification(store, 1)["case_number"] == "青国土罚〔2026〕1号"
        (photo,) = records.list_attachments(store, 1)
        assert records.attachment_bytes(store, photo["id"]) == b"\xff\xd8\xff\xd9"
        assert marks.is_military(store, 2)
        assert records.batch_lock_state(store, BATCH)[0]  # 一上 still locks the batch
        with pytest.raises(records.LockedError):
            records.save_determination(store, 1, {"result": "合法", "subtype": "批文"}, "李四")
        records.save_rectification(store, 1, {"demolished_m2": 500}, "赵六")  # 查处整改 stays open all year
        assert store.conn.execute("SELECT count(*) FROM pg_indexes WHERE indexname = 'stage_events_batch'"
                                  ).fetchone() == (1,)
        report = audit.verify(store.conn)
        assert report.ok and report.sealed == sealed + 1, report.text()
    with WorkStore.open(address) as store:  # a second open finds nothing left to do
        assert store.schema_version == schema.LATEST_VERSION


def test_only_the_owner_upgrades_a_shared_store_and_members_keep_their_rights(pg_database, pg_logins):
    address = f"postgresql:{pg_database}"
    _load_dump(pg_database, DUMPS[0])
    member_address = f"{address} user=wp_old_rev"
    pg_logins.append("wp_old_rev")
    # the bureau had installed its roles on the old store (pgroles works on any version)
    with WorkStore(None, postgis.connect(address), address) as old:
        pgroles.install(old)
        pgroles.grant(old, "wp_old_rev", pgroles.REVIEWER)
    with pytest.raises(StoreError, match="只有工作库的所有者（数据库账号 postgres）能升级"):
        WorkStore.open(member_address)
    with WorkStore.open(address) as owner:
        assert owner.schema_version == schema.LATEST_VERSION
    with WorkStore.open(member_address) as store:  # grants and policies were renewed by the upgrade
        records.save_determination(store, 2, {"project_name": "升级后保存"}, "wp_old_rev")
        assert store.conn.execute("SELECT actor FROM audit_log ORDER BY id DESC LIMIT 1").fetchone() == (
            "wp_old_rev",)
        assert audit.verify(store.conn).ok


def test_two_members_opening_an_old_shared_store_at_once_both_get_the_upgraded_store(pg_database):
    address = f"postgresql:{pg_database}"
    _load_dump(pg_database, DUMPS[0])
    versions, failures = [], []

    def open_it():
        try:
            with WorkStore.open(address) as store:
                versions.append(store.schema_version)
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert failures == [] and versions == [schema.LATEST_VERSION] * 2


# --- the one table description (core/store/tables.py) --------------------------------------------------
def _store_tables(store) -> dict:
    """table → [(column, declared type, not null)] of a store's own tables (not GeoPackage/PostGIS ones)."""
    if store.path is not None:
        names = [r[0] for r in store.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'gpkg%' AND name NOT LIKE 'rtree%' "
            "AND name NOT LIKE 'sqlite%'")]
        return {n: [(r[1], r[2], bool(r[3])) for r in store.conn.execute(f"PRAGMA table_info({n})")] for n in names}
    rows = store.conn.execute(
        "SELECT c.table_name, c.column_name, c.data_type, c.is_nullable = 'NO' FROM information_schema.columns c "
        "JOIN information_schema.tables t USING (table_schema, table_name) WHERE c.table_schema = current_schema() "
        "AND t.table_type = 'BASE TABLE' AND c.table_name != 'spatial_ref_sys' ORDER BY c.ordinal_position").fetchall()
    out = {}
    for table, column, type_, not_null in rows:
        out.setdefault(table, []).append((column, type_, not_null))
    return out


def test_every_table_of_a_store_is_described_once_and_holds_what_the_description_says(store_address):
    with WorkStore.create(store_address, EPSG) as store:
        held = _store_tables(store)
    described = {t.name: t for t in tables.tables_at(schema.LATEST_VERSION)}
    assert set(held) == set(described)
    for name, table in described.items():
        # analysis also has a column for each later reference role (core/roles.py), added when a store opens
        extra = set(roles.COLUMNS) - {c.name for c in table.columns} if name == "analysis" else set()
        columns = [c for c in held[name] if c[0] not in extra]
        assert [c[0] for c in columns] == [c.name for c in table.columns], name
        if store_address.startswith("postgresql:"):
            continue
        for (column, type_, not_null), col in zip(columns, table.columns):
            assert type_ == tables.column_sql(col, tables.GPKG).split(" ")[1], (name, column)
            assert not_null == ("NOT NULL" in col.extra.split("CHECK")[0]), (name, column)


def test_a_table_and_a_column_described_once_reach_both_backends_by_migration(store_address, monkeypatch):
    """What a later version adds is written once, in core/store/tables.py; an existing store of either
    backend gets it when it opens."""
    WorkStore.create(store_address, EPSG).close()
    new = schema.LATEST_VERSION + 1
    visits = tables.Table("field_visits", new, (
        tables.C("id", "KEY"), tables.C("patch_fid", "INTEGER", "NOT NULL REFERENCES patches(fid)"),
        tables.C("visited", "TEXT", "NOT NULL", iso_date=True), tables.C("photo", "BLOB")))
    grown = tuple(dataclasses.replace(t, columns=t.columns + (tables.C("weather", "TEXT", since=new),))
                  if t.name == "patrols" else t for t in tables.TABLES)
    monkeypatch.setattr(tables, "TABLES", grown + (visits,))
    monkeypatch.setattr(tables, "INDEXES", tables.INDEXES + (tables.Index("field_visits_patch", "field_visits",
                                                                          "patch_fid", new),))
    monkeypatch.setattr(schema, "_LATEST", new)
    monkeypatch.setattr(schema, "LATEST_VERSION", new)
    with WorkStore.open(store_address) as store:
        assert store.schema_version == new
        held = _store_tables(store)
        assert [c[0] for c in held["field_visits"]] == ["id", "patch_fid", "visited", "photo"]
        assert held["patrols"][-1][0] == "weather"
        with store.transaction() as conn:
            conn.execute("INSERT INTO batches (name) VALUES ('b')")
            conn.execute("INSERT INTO patches (batch_id, jcbh, area_m2, area_mu) VALUES (1, 'J1', 1, 1)")
            conn.execute("INSERT INTO field_visits (patch_fid, visited) VALUES (1, '2026-03-05')")
        with pytest.raises(sqlite3.IntegrityError), store.transaction() as conn:  # the date check, both dialects
            conn.execute("INSERT INTO field_visits (patch_fid, visited) VALUES (1, '2026-02-30')")
        index = ("SELECT count(*) FROM sqlite_master WHERE name = 'field_visits_patch'" if store.path else
                 "SELECT count(*) FROM pg_indexes WHERE indexname = 'field_visits_patch'")
        assert store.conn.execute(index).fetchone() == (1,)
