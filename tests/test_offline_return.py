"""Offline field work returned to a shared store (core/review/offline.py) beyond the saved records: records
deleted offline, 涉军 marks set or taken off offline, and stages recorded offline — against a real server."""
from __future__ import annotations

import pytest
from test_review import BATCH, ILLEGAL, make_store

from weipian_plugin.core.review import marks, offline, records
from weipian_plugin.core.store import audit, keys, transfer
from weipian_plugin.core.store.workstore import WorkStore


@pytest.fixture
def shared(pg_database, tmp_path):
    """A shared store of three patches (J1, J2 judged; J3 marked 涉军) and its offline snapshot."""
    address = f"postgresql:{pg_database}"
    store, _ = make_store(address, n=3)
    records.save_determination(store, 1, ILLEGAL, "内业老王")
    records.save_determination(store, 2, ILLEGAL, "内业老王")
    marks.mark_military(store, [3], "内业老王", note="营区")
    store.close()
    snap = tmp_path / "外业快照.gpkg"
    transfer.snapshot(address, snap)
    return address, snap


def _outcomes(snap, address):
    return {(o.jcbh, o.part): o for o in offline.return_snapshot(snap, address, "外业回传")}


def test_deletions_and_military_marks_come_back_and_offline_stages_are_refused_in_words(shared):
    address, snap = shared
    with WorkStore.open(snap) as field:
        field.conn.execute("DELETE FROM determinations WHERE patch_fid IN (1, 2)")  # in QGIS's attribute table
        marks.mark_military(field, [1], "外业小刘", note="靶场")
        marks.unmark_military(field, 3)
        records.lock_batch(field, BATCH, "一上", "外业小刘")
    with WorkStore.open(address) as server:  # meanwhile J2 is judged again on the server
        records.save_determination(server, 2, {"offender": "另一公司"}, "内业老王")

    got = _outcomes(snap, address)
    assert got[("J1", "判定")].status == offline.APPLIED and "删除" in got[("J1", "判定")].detail
    assert got[("J2", "判定")].status == offline.CONFLICT and "内业老王" in got[("J2", "判定")].detail
    assert got[("J1", "涉军标记")].status == offline.APPLIED
    assert got[("J3", "涉军标记")].status == offline.APPLIED
    stage = got[("", f"批次 {BATCH} 上报阶段")]
    assert stage.status == offline.REFUSED and "只能在共享工作库中进行" in stage.text() and "「一上」" in stage.text()
    with WorkStore.open(address) as server:
        assert records.load_determination(server, 1) == {}
        assert records.load_determination(server, 2)["offender"] == "另一公司"  # not deleted over a newer save
        assert marks.is_military(server, 1) and not marks.is_military(server, 3)
        assert server.conn.execute("SELECT note, marked_by FROM military_land WHERE patch_fid = 1").fetchone() == (
            "靶场", "外业小刘")
        assert not records.batch_lock_state(server, BATCH)[0]
        assert server.conn.execute("SELECT actor FROM audit_log WHERE table_name = 'determinations' "
                                   "AND action = 'delete'").fetchall() == [("外业回传",)]
        report = audit.verify(server.conn)
        assert report.ok, report.text()

    again = _outcomes(snap, address)  # returning the same snapshot again changes nothing more
    assert {k: o.status for k, o in again.items() if o.status == offline.APPLIED} == {}
    assert again[("J1", "判定")].status == offline.UNCHANGED and again[("J1", "涉军标记")].status == offline.UNCHANGED


def test_a_deletion_in_a_batch_locked_on_the_server_is_refused_with_the_lock_message(shared):
    address, snap = shared
    with WorkStore.open(address) as server:
        records.lock_batch(server, BATCH, "一上", "内业老王")
    with WorkStore.open(snap) as field:
        field.conn.execute("DELETE FROM determinations WHERE patch_fid = 1")
    got = _outcomes(snap, address)
    assert got[("J1", "判定")].status == offline.REFUSED and "已上报锁定" in got[("J1", "判定")].detail
    with WorkStore.open(address) as server:
        assert records.load_determination(server, 1)["result"] == "违法"


def test_interviews_and_serious_impact_edited_offline_are_named_not_lost_and_never_overwrite_the_server(shared):
    address, snap = shared
    with WorkStore.open(address) as server:
        kept = marks.add_interview(server, "东乡", "2026-05-01", "张乡长", "内业老王")
        marks.mark_serious_impact(server, "110101001", "媒体曝光", "内业老王", "东乡")
        marks.mark_serious_impact(server, "110101002", "群众举报", "内业老王", "西乡")
    snap.unlink()
    transfer.snapshot(address, snap)
    with WorkStore.open(snap) as field:
        marks.add_interview(field, "南乡", "2026-06-02", "李书记", "外业小刘")
        field.conn.execute("UPDATE interviews SET interviewees = '张乡长、王副乡长' WHERE id = ?", (kept,))
        marks.mark_serious_impact(field, "110101001", "央视曝光", "外业小刘", "东乡")
        marks.clear_serious_impact(field, "110101002")
    with WorkStore.open(address) as server:  # meanwhile the server changes 东乡's mark itself
        marks.mark_serious_impact(server, "110101001", "省厅通报", "内业老王", "东乡")

    got = [o for o in offline.return_snapshot(snap, address, "外业回传") if o.part.startswith(("约谈", "造成"))]
    text = "\n".join(o.text() for o in got)
    assert len(got) == 4 and {o.status for o in got} == {offline.REFUSED}, text
    assert "约谈记录「南乡 2026-06-02 约谈李书记」：拒绝（离线新增，未回传" in text
    assert "约谈记录「东乡 2026-05-01 约谈张乡长、王副乡长」：拒绝（离线修改" in text
    assert "西乡（110101002）：群众举报」：拒绝（离线删除" in text
    serious = next(o for o in got if "110101001" in o.part)
    assert "央视曝光" in serious.part and "导出后服务器上也已改为「东乡（110101001）：省厅通报」" in serious.detail
    assert "请在共享工作库中照此修改" in serious.detail
    assert "请在共享工作库中重新录入" in text and "如确需删除，请在共享工作库中删除" in text
    with WorkStore.open(address) as server:  # nothing overwritten, added or removed there
        assert [(i["township"], i["interviewees"]) for i in marks.list_interviews(server)] == [("东乡", "张乡长")]
        assert dict(server.conn.execute("SELECT unit_code, reason FROM serious_impact")) == {
            "110101001": "省厅通报", "110101002": "群众举报"}


def test_a_snapshot_exported_before_side_records_were_kept_names_every_difference_as_undecidable(shared):
    address, snap = shared
    with WorkStore.open(snap) as field:
        record = keys.SNAPSHOT.read(field)
        del record["side"]
        keys.SNAPSHOT.write(field, record)
        marks.mark_serious_impact(field, "110101003", "毁坏耕地", "外业小刘", "北乡")
    got = [o for o in offline.return_snapshot(snap, address, "外业回传") if o.part.startswith("造成")]
    assert [o.status for o in got] == [offline.REFUSED] and "无法区分" in got[0].detail
    with WorkStore.open(address) as server:
        assert server.conn.execute("SELECT count(*) FROM serious_impact").fetchone()[0] == 0
