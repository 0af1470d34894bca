"""The guarantees of the work store on both backends (GeoPackage and PostGIS, a real server): the same schema,
QGIS opening and editing the tables natively with the database's triggers judging the edit, no lost update
between two people saving the same patch, and the audit hash chain verified end to end."""
from __future__ import annotations

import threading

import pytest
from conftest import independent_connection
from test_review import BATCH, ILLEGAL, make_store

from weipian_plugin.core.review import marks, split
from weipian_plugin.core.review.records import (
    ConflictError,
    LockedError,
    load_determination,
    lock_batch,
    save_determination,
    save_rectification,
)
from weipian_plugin.core.store import audit, schema
from weipian_plugin.core.store.workstore import StoreError, WorkStore


def _columns(store, table):
    return [d[0] for d in store.conn.execute(f"SELECT * FROM {table} WHERE 1 = 0").description]


def test_same_tables_columns_and_views_on_both_backends(tmp_path, pg_database):
    gpkg_store, _ = make_store(tmp_path / "s.gpkg")
    pg_store, _ = make_store("postgresql:" + pg_database)
    tables = [r[0] for r in gpkg_store.conn.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'gpkg%' "
        "AND name NOT LIKE 'rtree%' AND name NOT LIKE 'sqlite%' ORDER BY name")]
    assert {"patches", "determinations", "audit_log", "audit_seals", "patch_analysis", "patch_status"} <= set(tables)
    for table in tables:
        assert _columns(pg_store, table) == _columns(gpkg_store, table), table
    assert pg_store.schema_version == gpkg_store.schema_version == schema.LATEST_VERSION
    same = "SELECT * FROM patch_analysis ORDER BY fid"
    strip = [_columns(gpkg_store, "patch_analysis").index("geom")]
    rows = [[tuple(v for i, v in enumerate(r) if i not in strip) for r in s.conn.execute(same)]
            for s in (gpkg_store, pg_store)]
    assert rows[0] == rows[1]
    for s in (gpkg_store, pg_store):
        s.close()


def test_postgis_geometries_are_typed_and_indexed(pg_database):
    store, _ = make_store("postgresql:" + pg_database)
    kinds = dict(store.conn.execute("SELECT f_table_name, type FROM geometry_columns WHERE srid = 4527"))
    assert kinds["patches"] == "MULTIPOLYGON" and kinds["patch_analysis"] == "MULTIPOLYGON"
    assert store.conn.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 'patches' "
                              "AND indexdef LIKE '%USING gist (geom)%'").fetchone()[0] == 1
    fids, geoms, _ = store.read_patches()
    assert list(fids) == [1, 2] and geoms[0].area == pytest.approx(1200)
    assert store.patch_bounds()[0].tolist() == pytest.approx([39_500_000, 3_300_000, 39_500_040, 3_300_030])
    store.close()


def test_qgis_opens_the_tables_natively(store_address, qgis_app):
    from weipian_plugin.layer_source import store_layer

    store, _ = make_store(store_address)
    save_determination(store, 1, ILLEGAL, "李四")
    patches = store_layer(store_address, "patches", "patches")
    view = store_layer(store_address, "patch_analysis", "patch_analysis")
    determinations = store_layer(store_address, "determinations", "determinations")
    assert patches.isValid() and view.isValid() and determinations.isValid()
    assert patches.crs().authid() == view.crs().authid() == "EPSG:4527"
    assert (patches.featureCount(), view.featureCount(), determinations.featureCount()) == (2, 2, 1)
    assert {f["jcbh"]: f["determination"] for f in view.getFeatures()} == {"J1": "违法", "J2": None}
    store.close()


def _edit(layer, fid, field, value):
    """Change one value the way QGIS's attribute table does, and commit; (committed, errors)."""
    feature = next(f for f in layer.getFeatures() if f["patch_fid"] == fid)
    assert layer.startEditing()
    assert layer.changeAttributeValue(feature.id(), layer.fields().indexOf(field), value)
    if layer.commitChanges():
        return True, ""
    errors = "\n".join(layer.commitErrors())
    layer.rollBack()
    return False, errors


def test_qgis_attribute_table_edits_are_audited_and_refused_in_a_locked_batch(store_address, qgis_app):
    from weipian_plugin.layer_source import store_layer

    store, _ = make_store(store_address)
    save_determination(store, 1, ILLEGAL, "李四")
    version = load_determination(store, 1)["row_version"]
    layer = store_layer(store_address, "determinations", "determinations")

    assert _edit(layer, 1, "illegal_m2", 700.0) == (True, "")
    row = load_determination(store, 1)
    assert row["illegal_m2"] == 700 and row["row_version"] == version + 1  # a plain edit moves the version on
    actor, old, new = store.conn.execute(
        "SELECT actor, old_values, new_values FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    assert actor.startswith(audit.OUTSIDE) and "李四" in actor  # not credited to the last saver
    assert '"illegal_m2"' in old and "700" in new

    lock_batch(store, BATCH, "一上", "李四")
    ok, errors = _edit(layer, 1, "illegal_m2", 1.0)
    assert not ok and schema.LOCK_MESSAGE in errors
    assert _edit(layer, 1, "offender", "更名公司") == (True, "")  # descriptive fields stay open after 一上
    row = load_determination(store, 1)
    assert (row["illegal_m2"], row["offender"]) == (700, "更名公司")
    assert audit.verify(store.conn).ok
    store.close()


def test_plain_sql_on_the_server_is_refused_and_audited_like_the_plugins_own(pg_database):
    """What any PostgreSQL client sends (psycopg2 in a transaction, as QGIS's provider does)."""
    import psycopg2

    store, _ = make_store("postgresql:" + pg_database)
    save_determination(store, 1, ILLEGAL, "李四")
    lock_batch(store, BATCH, "一上", "李四")
    conn = psycopg2.connect(pg_database)
    with conn.cursor() as cur, pytest.raises(psycopg2.errors.RaiseException, match="已上报锁定"):
        cur.execute("UPDATE determinations SET illegal_m2 = 1 WHERE patch_fid = 1")
    conn.rollback()
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_seals", "TRUNCATE audit_log CASCADE",
                      "TRUNCATE determinations", "UPDATE stage_events SET locks = 0"):
        with conn.cursor() as cur, pytest.raises(psycopg2.errors.RaiseException, match="只能追加"):
            cur.execute(statement)
        conn.rollback()
    with conn.cursor() as cur:
        cur.execute("UPDATE rectifications SET fine_yuan = 1 WHERE patch_fid = 1")  # none yet: nothing to refuse
        cur.execute("UPDATE determinations SET offender = %s WHERE patch_fid = 1", ("某某",))
    conn.commit()
    conn.close()
    assert load_determination(store, 1)["offender"] == "某某"
    assert store.conn.execute("SELECT actor FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0] \
        .startswith(audit.OUTSIDE)
    store.close()


def test_the_second_of_two_reviewers_gets_a_conflict_listing_what_changed(store_address):
    first, _ = make_store(store_address)
    second = WorkStore.open(store_address)
    save_determination(first, 1, ILLEGAL, "李四")
    mine, theirs = load_determination(first, 1), load_determination(second, 1)  # both forms open

    save_determination(first, 1, {"illegal_m2": 700}, "李四", base=mine)
    with pytest.raises(ConflictError) as info:
        save_determination(second, 1, {"offender": "王某"}, "王五", base=theirs)
    assert info.value.changes == [("illegal_m2", 800, 700)]
    assert "违法面积：800.0 → 700.0" in str(info.value)
    assert "李四" in str(info.value)
    assert load_determination(second, 1)["offender"] == "某公司"  # nothing of the second save was written

    # the second reviewer decides to keep the other's area and add the offender
    current = info.value.current
    save_determination(second, 1, {"offender": "王某"}, "王五", base=current)
    row = load_determination(first, 1)
    assert (row["illegal_m2"], row["offender"]) == (700, "王某")

    # an edit from outside the plugin (no version named) conflicts with a form opened before it too
    before = load_determination(first, 1)
    other = independent_connection(first)
    other.execute("UPDATE determinations SET project_name = '外部修改' WHERE patch_fid = 1")
    other.commit()
    other.close()
    with pytest.raises(ConflictError) as info:
        save_determination(first, 1, {"build_time": "2025"}, "李四", base=before)
    assert info.value.changes == [("project_name", None, "外部修改")]
    first.close()
    second.close()


def test_a_new_record_saved_twice_at_once_is_a_conflict_not_an_overwrite(store_address):
    first, _ = make_store(store_address)
    second = WorkStore.open(store_address)
    save_determination(first, 1, ILLEGAL, "李四")
    save_rectification(first, 1, {"case_filed": "是", "case_number": "A1"}, "李四", base={})
    with pytest.raises(ConflictError) as info:
        save_rectification(second, 1, {"case_filed": "是", "case_number": "B2"}, "王五", base={})
    assert ("case_number", None, "A1") in info.value.changes
    first.close()
    second.close()


def test_simultaneous_saves_of_the_same_version_never_both_win(store_address):
    """Two reviewers pressing save at the same moment on the same version: one wins, the other is told."""
    store, _ = make_store(store_address)
    save_determination(store, 1, ILLEGAL, "李四")
    base = load_determination(store, 1)
    barrier = threading.Barrier(2)
    outcomes = [None, None]

    def save(k):
        with WorkStore.open(store_address) as mine:  # each reviewer's own connection
            barrier.wait()
            try:
                save_determination(mine, 1, {"illegal_m2": 600 + k}, f"审核人{k}", base=base)
                outcomes[k] = "saved"
            except ConflictError:
                outcomes[k] = "conflict"

    threads = [threading.Thread(target=save, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["conflict", "saved"]
    winner = outcomes.index("saved")
    row = load_determination(store, 1)
    assert (row["illegal_m2"], row["reviewer"], row["row_version"]) == (600 + winner, f"审核人{winner}",
                                                                         base["row_version"] + 1)
    assert store.conn.execute("SELECT count(*) FROM audit_log WHERE action = 'update'").fetchone()[0] == 1
    store.close()


def test_a_stage_waits_for_a_save_in_flight_and_its_snapshot_holds_it(store_address):
    """一上 recorded while a reviewer's save is being written: the stage waits for it, so the save is neither
    lost from the reported snapshot nor slipped in after the lock."""
    import json

    store, _ = make_store(store_address)
    stage = threading.Thread(target=lambda: _lock_in_own_connection(store_address))
    with store.transaction("李四") as conn:
        conn.execute("INSERT INTO determinations (patch_fid, result, subtype, reviewer) VALUES (1, '合法', '批文', '李四')")
        stage.start()
        stage.join(1.5)
        assert stage.is_alive()  # waiting for the save to commit
    stage.join(30)
    assert not stage.is_alive()
    snapshot = json.loads(store.conn.execute("SELECT snapshot FROM stage_events").fetchone()[0])
    assert snapshot["patches"][0]["determination"]["result"] == "合法"
    with pytest.raises(LockedError):
        save_determination(store, 2, {"result": "合法", "subtype": "批文"}, "王五")
    store.close()


def _lock_in_own_connection(address):
    with WorkStore.open(address) as mine:
        lock_batch(mine, BATCH, "一上", "市局")


TRICKY = "某\"公司\"\\n 第二行\n\t😀 'x' %s ?"


def test_verifystore_checks_the_chain_on_both_backends(store_address, weipian_provider):
    import processing

    store, _ = make_store(store_address)
    save_determination(store, 1, {**ILLEGAL, "offender": TRICKY}, "李四")
    save_determination(store, 1, {"illegal_m2": 700}, "王五")
    lock_batch(store, BATCH, "一上", "李四")
    assert load_determination(store, 1)["offender"] == TRICKY
    result = processing.run("weipian:verifystore", {"STORE": store_address})
    assert result == {"OK": True, "PROBLEMS": 0}

    tamper = independent_connection(store)  # the owner of the database switches the protection off
    if store.path is None:
        tamper.execute("ALTER TABLE audit_log DISABLE TRIGGER USER")
        tamper.execute("UPDATE audit_log SET actor = '张三' WHERE id = 1")
        tamper.execute("ALTER TABLE audit_log ENABLE TRIGGER USER")
    else:
        tamper.execute("DROP TRIGGER audit_log_append_only_update")
        tamper.execute("UPDATE audit_log SET actor = '张三' WHERE id = 1")
        tamper.commit()
    tamper.close()
    problems = audit.verify(store.conn).problems
    assert any("第 1 条修改记录已被改动" in p for p in problems)
    result = processing.run("weipian:verifystore", {"STORE": store_address})
    assert result["OK"] is False and result["PROBLEMS"] == len(problems)
    store.close()


def test_stages_are_recorded_through_processing_on_both_backends(store_address, weipian_provider):
    import processing

    store, _ = make_store(store_address)
    result = processing.run("weipian:setstage", {"STORE": store_address, "BATCH": BATCH, "STAGE": 0, "NOTE": "三月"})
    assert result == {"LOCKED": True}
    with pytest.raises(LockedError):
        save_determination(store, 1, ILLEGAL, "李四")
    store.close()


def test_a_disabled_postgis_trigger_is_reported(pg_database):
    store, _ = make_store("postgresql:" + pg_database)
    save_determination(store, 1, ILLEGAL, "李四")
    store.conn.execute("ALTER TABLE determinations DISABLE TRIGGER determinations_audit")
    store.conn.execute("UPDATE determinations SET offender = '无记录的修改' WHERE patch_fid = 1")
    problems = audit.verify(store.conn).problems
    assert "保护触发器 determinations_audit 已被停用" in problems
    assert any("与最后一条修改记录" in p for p in problems)  # the unrecorded edit itself
    store.close()


def test_an_empty_database_or_a_wrong_address_is_a_clear_error(pg_database):
    with pytest.raises(StoreError, match="没有卫片执法工作库"):
        WorkStore.open("postgresql:" + pg_database)
    with pytest.raises(StoreError, match="无法连接 PostgreSQL 工作库"):
        WorkStore.open("postgresql:" + pg_database.replace("dbname=", "dbname=missing_"))
    WorkStore.create("postgresql:" + pg_database, 4527).close()
    with pytest.raises(StoreError, match="已有工作库"):
        WorkStore.create("postgresql:" + pg_database, 4527)


def test_newer_schema_is_refused_and_a_failed_transaction_leaves_nothing(store_address):
    with WorkStore.create(store_address, 4527) as store:
        with pytest.raises(RuntimeError), store.transaction() as conn:
            conn.execute("INSERT INTO batches (name) VALUES ('half')")
            raise RuntimeError("boom")
        assert store.batches() == []
        other = independent_connection(store)
        other.execute("UPDATE weipian_meta SET value = '999' WHERE key = 'schema_version'")
        other.commit()
        other.close()
    with pytest.raises(StoreError, match="更新版本"):
        WorkStore.open(store_address)


def test_marks_interviews_and_serious_impact_on_both_backends(store_address, tmp_path):
    store, _ = make_store(store_address)
    assert marks.mark_military(store, [1, 2], "李四", "军用机场") == 2
    assert marks.mark_military(store, [1], "王五") == 0  # already marked: the first mark stays
    marks.unmark_military(store, 2)
    assert (marks.is_military(store, 1), marks.is_military(store, 2)) == (True, False)
    assert [r[0] for r in store.conn.execute("SELECT action FROM audit_log WHERE table_name = 'military_land' "
                                             "ORDER BY id")] == ["insert", "insert", "delete"]
    marks.mark_serious_impact(store, "500199001", "多次约谈仍新增", "李四", "东关镇")
    marks.mark_serious_impact(store, "500199001", "造成耕地大面积破坏", "王五", "东关镇")  # a second judgement replaces
    assert store.conn.execute("SELECT reason, marked_by FROM serious_impact").fetchall() == \
        [("造成耕地大面积破坏", "王五")]
    minutes = tmp_path / "约谈纪要.pdf"
    minutes.write_bytes(b"%PDF-1.4 \x00\xff")
    first = marks.add_interview(store, "东关镇", "2026-04-01", "镇长", "李四", minutes=minutes)
    second = marks.add_interview(store, "西河镇", "2026-05-01", "镇长", "李四")
    assert second > first and marks.interview_minutes(store, first) == minutes.read_bytes()
    assert [i["township"] for i in marks.list_interviews(store, 2026)] == ["东关镇", "西河镇"]
    assert audit.verify(store.conn).ok
    store.close()


def test_a_split_writes_its_parts_and_audit_on_both_backends(store_address):
    import shapely
    from test_review import X0, Y0

    store, _ = make_store(store_address)
    parts = split.split_by_polygon(store, 1, shapely.box(X0 - 5, Y0 - 5, X0 + 10, Y0 + 35), "李四")
    assert len(parts) == 2 and min(parts) > 2
    fids, geoms, attrs = store.read_patches()
    assert sorted(fids.tolist()) == sorted([2, *parts])
    by_fid = dict(zip(fids.tolist(), geoms))
    assert (by_fid[parts[0]].area, by_fid[parts[1]].area) == (pytest.approx(300), pytest.approx(900))
    assert split.patch_geometry(store, parts[0]).equals(by_fid[parts[0]])
    assert store.conn.execute("SELECT split_state FROM patches WHERE fid = 1").fetchone()[0] == "被拆分"
    assert store.conn.execute("SELECT count(*) FROM audit_log WHERE action = 'split'").fetchone()[0] == 3
    assert audit.verify(store.conn).ok
    store.close()


def test_the_review_dock_works_on_a_shared_store(qgis_iface, qgis_new_project, qtbot, pg_database, monkeypatch):
    from weipian_plugin.gui.review_dock import ReviewDock

    address = "postgresql:" + pg_database
    make_store(address)[0].close()
    dock = ReviewDock(qgis_iface, address)
    qtbot.addWidget(dock)
    assert dock.proxy.rowCount() == 2
    dock.select_fid(1)
    dock.resultCombo.setCurrentIndex(dock.resultCombo.findData("合法"))
    dock.subtypeCombo.setCurrentIndex(dock.subtypeCombo.findData("批文"))
    assert dock.save_determination()
    with WorkStore.open(address) as other:  # a colleague saves the same patch meanwhile
        save_determination(other, 1, {"doc_numbers": "青政地〔2026〕1号"}, "王五")
    dock.projectEdit.setText("某项目")
    from qgis.PyQt.QtWidgets import QMessageBox

    asked = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda parent, title, text, *a: asked.append(text) or QMessageBox.StandardButton.Save)
    assert dock.save_determination() and "王五" in asked[0]
    row = load_determination(dock.store, 1)
    assert (row["result"], row["project_name"], row["reviewer"]) == ("合法", "某项目", "测试审核人")
    dock.shutdown()


def test_import_and_analysis_give_the_same_store_on_both_backends_and_never_block_a_reviewer(
        sample_county, tmp_path, pg_database):
    """The sample county imported and analysed into a GeoPackage and into PostGIS gives the same
    patch_analysis; while the long overlay runs, a reviewer's save on the shared store goes straight
    through (the results are written afterwards in one short transaction)."""
    import time

    from sample_county import REFERENCE_FILES

    from weipian_plugin.core.analysis.run import run_analysis
    from weipian_plugin.core.intake.importer import create_store_for, import_patches

    references = {role: sample_county / "reference" / name for role, name in REFERENCE_FILES.items()}
    batches = sorted((sample_county / "batches").glob("*.shp"))
    rows, waits = {}, []
    for address in (tmp_path / "s.gpkg", "postgresql:" + pg_database):
        with create_store_for(address, batches[0]) as store:
            for shp in batches:
                import_patches(store, shp, shp.stem.split("_")[0])
            save_determination(store, 1, {"result": "合法", "subtype": "批文"}, "李四")
            reviewer = WorkStore.open(address)

            def progress(fraction, reviewer=reviewer, store=store):
                if 0.2 < fraction < 0.9 and not waits and store.path is None:
                    started = time.monotonic()
                    save_determination(reviewer, 2, {"result": "合法", "subtype": "批文"}, "王五")
                    waits.append(time.monotonic() - started)

            run_analysis(store, references, progress=progress)
            reviewer.close()
            if store.path is not None:  # the same determination, saved while nothing runs
                save_determination(store, 2, {"result": "合法", "subtype": "批文"}, "王五")
            columns = [c for c in _columns(store, "patch_analysis") if c != "geom"]
            rows[store.dialect.name] = store.conn.execute(
                f"SELECT {', '.join(columns)} FROM patch_analysis ORDER BY fid").fetchall()
            assert load_determination(store, 1)["result"] == "合法"  # the re-run's write kept the person's work
            assert audit.verify(store.conn).ok
    assert len(rows["gpkg"]) > 100
    different = [(a, b) for a, b in zip(rows["gpkg"], rows["postgis"])
                 if [round(x, 6) if isinstance(x, float) else x for x in a]
                 != [round(x, 6) if isinstance(x, float) else x for x in b]]
    assert different == [] and len(rows["gpkg"]) == len(rows["postgis"])
    assert len(waits) == 1 and waits[0] < 2.0
