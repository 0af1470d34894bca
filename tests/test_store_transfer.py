"""weipian:publishstore and weipian:exportstore through real Processing, against a real PostgreSQL server."""
from __future__ import annotations

import psycopg2
import pytest
import shapely
from test_ledger import make_store

from weipian_plugin.core.review import attachments, records
from weipian_plugin.core.store import audit, gpkg
from weipian_plugin.core.store.workstore import WorkStore

# Tables whose rows must arrive unchanged (ids included); the geometry is compared as shapes.
COMPARED = ("batches", "patches", "analysis", "determinations", "rectifications", "attachments", "audit_log",
            "audit_seals", "stage_events", "code_lists", "change_types")


def rows(store, table):
    columns = [r[0] for r in store.conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND table_schema = current_schema() "
        "ORDER BY ordinal_position", (table,))] if store.dialect.name == "postgis" else [
        r[1] for r in store.conn.execute(f"PRAGMA table_info({table})")]
    columns = [c for c in columns if c != "geom"]
    out = []
    for row in store.conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1, 2"):
        out.append(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row))
    return out


def shapes(store):
    if store.dialect.name == "postgis":
        return {fid: shapely.from_wkb(bytes(w)) for fid, w in store.conn.execute(
            "SELECT fid, ST_AsBinary(geom) FROM patches")}
    fids, geoms = zip(*store.conn.execute("SELECT fid, geom FROM patches").fetchall())
    return dict(zip(fids, gpkg.decode(list(geoms))))


@pytest.fixture
def county(tmp_path):
    """The shared test county with a photo, a locked batch and an edit a person made in another program
    (audited by the triggers, not yet sealed)."""
    path = make_store(tmp_path / "county")
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    with WorkStore.open(path) as store:
        fid = store.conn.execute("SELECT fid FROM patches WHERE jcbh = 'J002'").fetchone()[0]
        attachments.add(store, attachments.PATCH, fid, photo, actor="张三")
        records.lock_batch(store, "2026年3月", "一上", "张三")
        store.conn.execute("UPDATE rectifications SET case_number = '青禾立〔2026〕13号' WHERE patch_fid = ?", (fid,))
    return path


def publish(county, pg_database):
    import processing

    target = f"postgresql:{pg_database}"
    result = processing.run("weipian:publishstore", {"STORE": str(county), "TARGET": target})
    return target, result


def test_publish_carries_every_row_and_the_hash_chain(weipian_provider, county, pg_database):
    import processing

    target, result = publish(county, pg_database)
    assert result["OK"] is True
    with WorkStore.open(county) as source, WorkStore.open(target) as shared:
        for table in COMPARED:
            assert rows(shared, table) == rows(source, table), table
        mine, theirs = shapes(source), shapes(shared)
        assert mine.keys() == theirs.keys()
        assert all(mine[f].equals(theirs[f]) for f in mine)
        assert shared.meta("county_name") == "青禾县" and shared.epsg == 4527
        # the store works on: the next audit row chains on and the next id follows the copied ones
        fid = shared.conn.execute("SELECT fid FROM patches WHERE jcbh = 'J007'").fetchone()[0]
        records.save_rectification(shared, fid, {"case_number": "青禾立〔2026〕20号"}, "王五")
        assert audit.verify(shared.conn).ok
        assert shared.conn.execute("SELECT max(id) FROM audit_log").fetchone()[0] == len(rows(source, "audit_log")) + 1
        # the lock came along: the locked batch's determination is still refused
        j2 = shared.conn.execute("SELECT fid FROM patches WHERE jcbh = 'J002'").fetchone()[0]
        with pytest.raises(records.LockedError):
            records.save_determination(shared, j2, {"illegal_m2": 10.0}, "王五")
    verified = processing.run("weipian:verifystore", {"STORE": target})
    assert verified["OK"] is True and verified["PROBLEMS"] == 0


def test_publish_refuses_a_broken_record_and_leaves_the_database_empty(weipian_provider, county, pg_database):
    from qgis.core import QgsProcessingException

    with WorkStore.open(county) as store:  # an audit row rewritten with the protection switched off
        store.conn.execute("DROP TRIGGER audit_log_append_only_update")
        store.conn.execute("UPDATE audit_log SET actor = '别人' WHERE id = 1")
    with pytest.raises(QgsProcessingException, match="修改记录有断裂"):
        publish(county, pg_database)
    assert _has_store(pg_database) is False


def test_publish_into_a_database_with_a_store_is_refused(weipian_provider, county, pg_database):
    from qgis.core import QgsProcessingException

    publish(county, pg_database)
    with pytest.raises(QgsProcessingException, match="已有工作库"):
        publish(county, pg_database)


def test_a_cancelled_publish_creates_nothing(weipian_provider, county, pg_database):
    import processing
    from qgis.core import QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    feedback.cancel()
    assert processing.run("weipian:publishstore", {"STORE": str(county), "TARGET": f"postgresql:{pg_database}"},
                          feedback=feedback) == {}
    assert "已取消" in feedback.textLog()
    assert _has_store(pg_database) is False


def _has_store(dsn) -> bool:
    conn = psycopg2.connect(dsn)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT to_regclass('weipian_meta') IS NOT NULL")
            return cur.fetchone()[0]
    finally:
        conn.close()


def test_snapshot_is_the_shared_store_with_its_record(weipian_provider, county, pg_database, tmp_path):
    import processing

    target, _ = publish(county, pg_database)
    out = tmp_path / "离线快照.gpkg"
    result = processing.run("weipian:exportstore", {"STORE": target, "OUTPUT": str(out)})
    assert result["OUTPUT"] == str(out) and result["ROWS"] > 0
    with WorkStore.open(out) as snap, WorkStore.open(target) as shared:
        for table in COMPARED:
            assert rows(snap, table) == rows(shared, table), table
        assert audit.verify(snap.conn).ok
        # QGIS finds the patches through the R*Tree of the copy
        assert snap.patch_bounds().shape == (7, 4)
    assert processing.run("weipian:verifystore", {"STORE": str(out)})["OK"] is True


def test_offline_changes_come_back_and_conflicts_are_not_overwritten(weipian_provider, county, pg_database, tmp_path):
    import processing
    from qgis.core import QgsProcessingFeedback

    target, _ = publish(county, pg_database)
    snap = tmp_path / "离线快照.gpkg"
    processing.run("weipian:exportstore", {"STORE": target, "OUTPUT": str(snap)})
    photo = tmp_path / "整改后.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 after")
    with WorkStore.open(snap) as offline, WorkStore.open(target) as shared:
        fid = dict(offline.conn.execute("SELECT jcbh, fid FROM patches"))
        # offline, in the field: two rectifications and a photo
        records.save_rectification(offline, fid["J003"], {"case_number": "离线立案3号"}, "外业小刘")
        records.save_rectification(offline, fid["J006"], {"case_number": "离线立案6号"}, "外业小刘")
        attachments.add(offline, attachments.PATCH, fid["J006"], photo, actor="外业小刘")
        offline.conn.execute("UPDATE patches SET tblx = 'QT' WHERE fid = ?", (fid["J007"],))  # in QGIS, say
        # meanwhile on the server someone else changes J006 too
        records.save_rectification(shared, fid["J006"], {"case_number": "服务器立案6号"}, "内业老王")

    feedback = QgsProcessingFeedback()
    result = processing.run("weipian:exportstore", {"STORE": target, "RETURN": str(snap)}, feedback=feedback)
    assert (result["APPLIED"], result["CONFLICTS"]) == (2, 1)
    assert "图斑 J007 图斑本身：拒绝" in feedback.textLog()
    with WorkStore.open(target) as shared:
        assert shared.conn.execute("SELECT tblx FROM patches WHERE jcbh = 'J007'").fetchone()[0] == "20"
        assert records.load_rectification(shared, fid["J003"])["case_number"] == "离线立案3号"
        assert records.load_rectification(shared, fid["J006"])["case_number"] == "服务器立案6号"  # not overwritten
        assert [a["file_name"] for a in attachments.list_for(shared, attachments.PATCH, fid["J006"])] == ["整改后.jpg"]
        assert audit.verify(shared.conn).ok

    # returning the same snapshot again changes nothing and still reports the conflict
    again = processing.run("weipian:exportstore", {"STORE": target, "RETURN": str(snap)})
    assert (again["APPLIED"], again["CONFLICTS"]) == (0, 1)


def test_exportstore_needs_exactly_one_direction(weipian_provider, pg_database, tmp_path):
    import processing
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match="只填一项"):
        processing.run("weipian:exportstore", {"STORE": f"postgresql:{pg_database}"})


def test_a_cancelled_snapshot_writes_no_file(weipian_provider, county, pg_database, tmp_path):
    import processing
    from qgis.core import QgsProcessingFeedback

    target, _ = publish(county, pg_database)
    feedback = QgsProcessingFeedback()
    feedback.cancel()
    out = tmp_path / "snapshots" / "快照.gpkg"
    out.parent.mkdir()
    assert processing.run("weipian:exportstore", {"STORE": target, "OUTPUT": str(out)}, feedback=feedback) == {}
    assert "未写入快照文件" in feedback.textLog()
    assert list(out.parent.iterdir()) == []
