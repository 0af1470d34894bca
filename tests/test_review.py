"""Review operations on a real store of each backend (GeoPackage, PostGIS): determinations, audit history, locks,
snapshots, rectification."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sqlite3

import numpy as np
import pytest
import shapely
from conftest import independent_connection

from weipian_plugin.core.geo.area import ellipsoidal_area
from weipian_plugin.core.review.records import (
    LockedError,
    ReviewError,
    accept_suggestion,
    add_attachment,
    attachment_bytes,
    batch_lock_state,
    export_attachment,
    export_snapshot,
    history,
    list_attachments,
    load_determination,
    load_rectification,
    lock_batch,
    patch_status,
    recompute_due_dates,
    remove_attachment,
    save_determination,
    save_rectification,
    validate_determination,
)
from weipian_plugin.core.store import schema
from weipian_plugin.core.store.workstore import WorkStore

X0, Y0 = 39_500_000.0, 3_300_000.0
BATCH = "2026年03月"
ILLEGAL = {"result": "违法", "subtype": "非农违法", "violation_category": "新增", "illegal_m2": 800,
           "illegal_cultivated_m2": 500, "illegal_basic_farmland_m2": 100, "offender": "某公司"}


def make_store(address, n=2, received="2026-03-02"):
    """A store with one batch of ``n`` 40 m × 30 m patches (1200 m² in the plane)."""
    store = WorkStore.create(address, 4527)
    geoms = np.array([shapely.MultiPolygon([shapely.box(X0 + 100 * i, Y0, X0 + 100 * i + 40, Y0 + 30)])
                      for i in range(n)], dtype=object)
    areas = ellipsoidal_area(geoms, 4527)
    with store.transaction() as conn:
        conn.execute("INSERT INTO batches (name, received_date) VALUES (?, ?)", (BATCH, received))
        conn.executemany(
            "INSERT INTO patches (geom, batch_id, jcbh, tblx, area_m2, area_mu, due_date) "
            f"VALUES ({store.dialect.geom_param(4527)}, 1, ?, 'YH', ?, ?, '2026-03-22')",
            [(blob, f"J{i + 1}", float(a), float(a) * 3 / 2000)
             for i, (blob, a) in enumerate(zip(store.dialect.encode(geoms, 4527), areas))])
    fids = [r[0] for r in store.conn.execute("SELECT fid FROM patches ORDER BY fid")]
    return store, fids


@pytest.fixture
def store(store_address):
    s, _ = make_store(store_address)
    yield s
    s.close()


def raw(store):
    """A second, independent connection to the store: what QGIS or another process would see."""
    return independent_connection(store)


def test_save_determination_is_written_audited_and_diffed_in_history(store):
    save_determination(store, 1, ILLEGAL, "李四")
    conn = raw(store)
    row = conn.execute("SELECT result, illegal_m2, reviewer, reviewed_at, from_suggestion FROM determinations "
                       "WHERE patch_fid=1").fetchone()
    assert row[:3] == ("违法", 800.0, "李四") and row[3] and row[4] == 0
    actor, action, old, new = conn.execute(
        "SELECT actor, action, old_values, new_values FROM audit_log WHERE patch_fid=1").fetchone()
    assert (actor, action, old) == ("李四", "insert", None)
    assert json.loads(new)["illegal_m2"] == 800 and json.loads(new)["offender"] == "某公司"

    save_determination(store, 1, {"illegal_m2": 700}, "王五")  # a partial edit keeps the other fields
    assert load_determination(store, 1)["offender"] == "某公司"
    actor, action, old, new = raw(store).execute(
        "SELECT actor, action, old_values, new_values FROM audit_log WHERE patch_fid=1 ORDER BY id DESC").fetchone()
    assert (actor, action) == ("王五", "update")
    assert (json.loads(old)["illegal_m2"], json.loads(new)["illegal_m2"]) == (800, 700)

    entries = history(store, 1)
    newest = entries[0]
    assert (newest.actor, newest.table, newest.action, newest.field, newest.old, newest.new) == \
        ("王五", "determinations", "update", "illegal_m2", 800, 700)
    assert newest.label == "违法面积"
    assert [e.field for e in entries if e.action == "update"] == ["illegal_m2"]  # unchanged fields not listed
    inserted = {e.field: e.new for e in entries if e.action == "insert"}
    assert inserted["result"] == "违法" and inserted["offender"] == "某公司" and "project_name" not in inserted
    assert all(e.actor == "李四" for e in entries if e.action == "insert")


def test_saving_the_same_values_again_adds_no_audit_row(store):
    save_determination(store, 1, ILLEGAL, "李四")
    save_determination(store, 1, ILLEGAL, "李四")
    assert store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 1


@pytest.mark.parametrize("values, message", [
    ({"result": ""}, "请选择判定结果"),
    ({"result": "待定"}, "判定结果“待定”不在代码表中"),
    ({"result": "违法", "subtype": "批文", "violation_category": "新增"}, "判定子类“批文”不属于“违法”"),
    ({"result": "违法"}, "违法图斑须填写违法类别（新增/存量/农业项目破坏耕地）"),
    ({"result": "违法", "violation_category": "其他"}, "违法类别“其他”不在代码表中"),
    ({**ILLEGAL, "illegal_m2": 1300}, "违法面积（1300.00 平方米）不能大于图斑面积（1200.00 平方米）"),
    ({**ILLEGAL, "illegal_cultivated_m2": 900}, "其中耕地面积（900.00 平方米）不能大于违法面积（800.00 平方米）"),
    ({**ILLEGAL, "illegal_basic_farmland_m2": 900}, "其中永久基本农田面积（900.00 平方米）不能大于违法面积（800.00 平方米）"),
    ({**ILLEGAL, "illegal_m2": -1}, "违法面积不能为负数"),
    ({**ILLEGAL, "illegal_m2": "八百"}, "违法面积不是有效数字：“八百”"),
    ({**ILLEGAL, "is_nonagri": "也许"}, "是否非农化只能填“是”或“否”"),
    ({"result": "合法", "subtype": "批文", "illegal_m2": 10}, "判定为“合法”的图斑不应填写违法面积"),
    ({**ILLEGAL, "colour": "red"}, "未知字段：colour"),
])
def test_validation_messages(values, message):
    errors = validate_determination(values, 1200.0)
    assert message in "\n".join(errors)


def test_valid_determinations_pass_and_text_numbers_are_accepted():
    assert validate_determination(ILLEGAL, 1200.0) == []
    assert validate_determination({**ILLEGAL, "illegal_m2": "1,200.004", "is_nonagri": "是"}, 1200.0) == []
    assert validate_determination({"result": "其他", "subtype": "设施农用地"}, 1200.0) == []


def test_invalid_save_writes_nothing_and_lists_every_problem(store):
    with pytest.raises(ReviewError) as info:
        save_determination(store, 1, {**ILLEGAL, "illegal_m2": 5000, "illegal_basic_farmland_m2": -3}, "李四")
    assert "不能大于图斑面积" in str(info.value) and "不能为负数" in str(info.value)
    assert load_determination(store, 1) == {}
    assert store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 0


def test_the_stores_own_code_lists_decide(store):
    with store.transaction() as conn:  # a province with 农村道路 as a top-level result
        conn.execute("INSERT INTO code_lists (list, code, label) VALUES ('result', '农村道路', '农村道路')")
    assert validate_determination({"result": "农村道路"}, 1200.0, store) == []
    assert validate_determination({"result": "农村道路"}, 1200.0) == ["判定结果“农村道路”不在代码表中"]
    save_determination(store, 1, {"result": "农村道路"}, "李四")
    assert patch_status(store, 1)["status"] == "已判定"


def insert_analysis(store, fid, suggestion, subtype, reason, cultivated=600.0, farmland=900.0, new_m2=0.0,
                    stock_m2=1200.0, mining=None):
    """An analysis row; ``mining`` is (suggestion, type, reason) of the mining rule."""
    mining = mining or (None, None, None)
    with store.transaction() as conn:
        conn.execute("DELETE FROM analysis WHERE patch_fid = ?", (fid,))
        conn.execute("INSERT INTO analysis (patch_fid, suggestion, suggestion_type, suggestion_reason, "
                     "cultivated_m2, basic_farmland_m2, new_construction_m2, stock_construction_m2, "
                     "mining_suggestion, mining_suggestion_type, mining_suggestion_reason) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (fid, suggestion, subtype, reason, cultivated, farmland, new_m2, stock_m2, *mining))


def test_accept_suggestion_prefills_an_illegal_determination(store):
    area = store.conn.execute("SELECT area_m2 FROM patches WHERE fid=1").fetchone()[0]
    save_determination(store, 1, {"result": "合法", "subtype": "批文", "project_name": "某项目"}, "李四")
    insert_analysis(store, 1, "违法", "非农违法", "未见批文，建设占用耕地 0.90 亩")
    accept_suggestion(store, 1, "王五")
    d = load_determination(store, 1)
    assert (d["result"], d["subtype"], d["basis"]) == ("违法", "非农违法", "未见批文，建设占用耕地 0.90 亩")
    assert d["illegal_m2"] == area and d["illegal_cultivated_m2"] == 600.0
    assert d["illegal_basic_farmland_m2"] == 900.0  # 永农 from its own layer: not capped at the cultivated land
    assert d["violation_category"] == "存量" and d["from_suggestion"] == 1 and d["reviewer"] == "王五"
    assert d["project_name"] == "某项目"  # what the suggestion cannot know stays

    save_determination(store, 1, {"illegal_m2": 1000}, "王五")  # a person's edit is no longer the suggestion's
    assert load_determination(store, 1)["from_suggestion"] == 0


def test_accepting_a_legal_suggestion_clears_the_violation_fields(store):
    save_determination(store, 2, ILLEGAL, "李四")
    insert_analysis(store, 2, "合法", "批文", "批文 国土资函〔2025〕12号 覆盖图斑 99%")
    accept_suggestion(store, 2, "王五")
    d = load_determination(store, 2)
    assert (d["result"], d["subtype"], d["illegal_m2"], d["violation_category"]) == ("合法", "批文", None, None)


def test_accepting_a_mining_violation_needs_no_land_violation_category(store):
    # Land approved, but mining without a permit: the mining violation is what is accepted.
    insert_analysis(store, 1, "合法", "批文", "批文覆盖 100%",
                    mining=("违法", "无证开采", "图斑类型为采矿（CK），未与任何采矿许可范围重叠。"))
    accept_suggestion(store, 1, "王五")
    d = load_determination(store, 1)
    assert (d["result"], d["subtype"], d["violation_type"], d["violation_category"]) == (
        "违法", "无证开采", "无证开采", None)
    assert d["basis"].startswith("图斑类型为采矿")
    insert_analysis(store, 2, "违法", "非农违法", "未提供三调地类图斑，无法区分新增或存量", new_m2=None, stock_m2=None)
    with pytest.raises(ReviewError, match="违法图斑须填写违法类别"):  # 新增/存量 unknown: a person decides
        accept_suggestion(store, 2, "王五")


def test_accepting_a_mixed_violation_is_new_and_flags_new_housing(store):
    insert_analysis(store, 1, "违法", "非农违法", "新增 0.72 亩、存量 1.08 亩", new_m2=480.0, stock_m2=720.0)
    with store.transaction() as conn:
        conn.execute("UPDATE analysis SET new_housing = 1 WHERE patch_fid = 1")
    accept_suggestion(store, 1, "王五")
    d = load_determination(store, 1)
    assert (d["violation_category"], d["is_new_housing"]) == ("新增", 1)


def test_a_land_or_mining_suggestion_to_check_cannot_be_accepted(store):
    insert_analysis(store, 1, "合法", "批文", "批文覆盖 100%", mining=("待核", "采矿", "未提供采矿权图层"))
    with pytest.raises(ReviewError, match="待核"):
        accept_suggestion(store, 1, "王五")


def test_pending_or_missing_suggestion_cannot_be_accepted(store):
    with pytest.raises(ReviewError, match="尚无分析建议"):
        accept_suggestion(store, 1, "王五")
    insert_analysis(store, 1, "待核", "", "批文覆盖 60%")
    with pytest.raises(ReviewError, match="待核"):
        accept_suggestion(store, 1, "王五")
    assert load_determination(store, 1) == {}


def test_locked_batch_refuses_determination_edits_until_yixia(store, tmp_path):
    save_determination(store, 1, ILLEGAL, "李四")
    assert batch_lock_state(store, BATCH) == (False, None, None)
    lock_batch(store, BATCH, "一上", "李四", "三月一上")
    locked, stage, at = batch_lock_state(store, BATCH)
    assert (locked, stage) == (True, "一上") and dt.datetime.fromisoformat(at)

    with pytest.raises(LockedError) as info:
        save_determination(store, 1, {"illegal_m2": 700}, "李四")
    assert str(info.value) == schema.LOCK_MESSAGE
    with pytest.raises(LockedError):
        save_determination(store, 2, {"result": "合法", "subtype": "批文"}, "李四")  # inserts too
    assert load_determination(store, 1)["illegal_m2"] == 800
    assert load_determination(store, 2) == {}

    conn = raw(store)  # the trigger refuses any writer, not only this module
    with pytest.raises(sqlite3.IntegrityError, match="已上报锁定"):
        conn.execute("UPDATE determinations SET illegal_m2 = 1 WHERE patch_fid = 1")
    with pytest.raises(sqlite3.IntegrityError, match="已上报锁定"):
        conn.execute("DELETE FROM determinations WHERE patch_fid = 1")
    conn.rollback()

    lock_batch(store, BATCH, "一下", "市局")
    assert batch_lock_state(store, BATCH)[:2] == (False, "一下")
    save_determination(store, 1, {"illegal_m2": 700}, "李四")
    assert load_determination(store, 1)["illegal_m2"] == 700
    lock_batch(store, BATCH, "二上", "李四")
    assert batch_lock_state(store, BATCH)[:2] == (True, "二上")
    with pytest.raises(LockedError):
        save_determination(store, 1, {"illegal_m2": 600}, "李四")


def test_rectification_after_erhshang_is_recorded_and_audited_while_the_determination_is_refused(store, tmp_path):
    save_determination(store, 1, ILLEGAL, "李四")
    for stage in ("一上", "一下", "二上"):
        lock_batch(store, BATCH, stage, "李四")
    audit_rows = store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]

    save_rectification(store, 1, {"case_filed": "是", "case_date": "2026-07-01", "case_number": "青禾罚〔2026〕7号",
                                  "restored_m2": 300, "restored_cultivated_m2": 200,
                                  "referral_agency": "公安机关", "referral_date": "2026-07-05",
                                  "referral_number": "移〔2026〕1号"}, "赵六")
    assert load_rectification(store, 1)["restored_cultivated_m2"] == 200
    assert patch_status(store, 1)["remaining_m2"] == pytest.approx(500)  # 整改 counts after 二上
    changes = {e.field: e for e in history(store, 1) if e.table == "rectifications"}
    assert changes["case_number"].new == "青禾罚〔2026〕7号" and changes["case_number"].actor == "赵六"
    assert changes["referral_agency"].label == "移送机关" and changes["restored_cultivated_m2"].new == 200
    photo = tmp_path / "复耕后.pdf"
    photo.write_bytes(b"%PDF-1.4")
    attachment = add_attachment(store, 1, photo, actor="赵六")  # evidence all year too
    remove_attachment(store, attachment)
    save_determination(store, 1, {"offender": "某某公司（更名）"}, "赵六")  # descriptive fields stay open

    for change in ({"illegal_m2": 700}, {"result": "合法", "subtype": "批文"}, {"violation_category": "存量"}):
        with pytest.raises(LockedError):
            save_determination(store, 1, change, "赵六")
    determination = load_determination(store, 1)
    assert (determination["result"], determination["illegal_m2"]) == ("违法", 800)
    assert determination["offender"] == "某某公司（更名）"
    assert store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == audit_rows + 4  # + attachment in, out
    conn = raw(store)  # any writer: the rectification is open, the determination's areas are not
    conn.execute("UPDATE rectifications SET fine_yuan = 5000 WHERE patch_fid = 1")
    conn.commit()
    with pytest.raises(sqlite3.IntegrityError, match="已上报锁定"):
        conn.execute("UPDATE determinations SET illegal_cultivated_m2 = 1 WHERE patch_fid = 1")
    conn.rollback()
    assert history(store, 1)[0].field == "fine_yuan"
    # every stage kept its snapshot, and the 二上 one still shows the rectification as it was then
    snapshots = store.conn.execute("SELECT stage, snapshot FROM stage_events ORDER BY id").fetchall()
    assert [s for s, _ in snapshots] == ["一上", "一下", "二上"] and all(snap for _, snap in snapshots)
    assert json.loads(snapshots[2][1])["patches"][0]["rectification"] is None


def test_rectification_referral_and_restored_cultivated_are_checked(store):
    save_determination(store, 1, ILLEGAL, "李四")
    with pytest.raises(ReviewError, match="复耕其中耕地面积不能大于复耕面积"):
        save_rectification(store, 1, {"restored_m2": 100, "restored_cultivated_m2": 150}, "李四")
    with pytest.raises(ReviewError, match="移送机关应为公安机关或纪检监察机关"):
        save_rectification(store, 1, {"referral_agency": "农业农村局"}, "李四")
    with pytest.raises(ReviewError, match="须填写移送机关"):
        save_rectification(store, 1, {"referral_date": "2026-05-01"}, "李四")


@pytest.mark.parametrize("done, stage, message", [
    ((), "一下", "当前为未上报，下一步应为一上，不能一下"),
    ((), "二上", "下一步应为一上，不能二上"),
    (("一上",), "一上", "当前为一上，下一步应为一下，不能一上"),
    (("一上",), "二上", "下一步应为一下，不能二上"),
    (("一上", "一下"), "一下", "下一步应为二上，不能一下"),
    (("一上", "一下", "二上"), "一下", "已二上，上报流程已结束"),
    ((), "三上", "未知的上报阶段“三上”"),
])
def test_stage_order_is_enforced(store, done, stage, message):
    for s in done:
        lock_batch(store, BATCH, s, "李四")
    with pytest.raises(ReviewError, match=message):
        lock_batch(store, BATCH, stage, "李四")
    assert store.conn.execute("SELECT count(*) FROM stage_events").fetchone()[0] == len(done)


def test_unknown_batch_is_an_error(store):
    with pytest.raises(ReviewError, match="批次“无此批次”不存在"):
        lock_batch(store, "无此批次", "一上", "李四")


def test_snapshot_is_exported_exactly_as_submitted(store, tmp_path):
    save_determination(store, 1, ILLEGAL, "李四")
    insert_analysis(store, 2, "合法", "批文", "批文覆盖 99%")
    lock_batch(store, BATCH, "一上", "李四", "三月一上")
    first = export_snapshot(store, BATCH, "一上", tmp_path / "一上.json").read_bytes()
    data = json.loads(first.decode("utf-8"))
    assert (data["batch"]["name"], data["stage"], data["actor"], data["note"]) == (BATCH, "一上", "李四", "三月一上")
    by_jcbh = {p["jcbh"]: p for p in data["patches"]}
    assert by_jcbh["J1"]["determination"]["illegal_m2"] == 800 and by_jcbh["J1"]["status"] == "未整改"
    assert by_jcbh["J2"]["determination"] is None and by_jcbh["J2"]["suggestion"]["suggestion"] == "合法"
    assert by_jcbh["J1"]["area_m2"] == store.conn.execute("SELECT area_m2 FROM patches WHERE fid=1").fetchone()[0]
    assert "违法".encode("utf-8") in first  # readable UTF-8, not \u escapes

    lock_batch(store, BATCH, "一下", "市局")
    save_determination(store, 1, {"illegal_m2": 650}, "王五")
    with store.transaction() as conn:
        conn.execute("UPDATE patches SET tblx = 'DT' WHERE fid = 1")
    again = export_snapshot(store, BATCH, "一上", tmp_path / "again.json").read_bytes()
    assert again == first

    lock_batch(store, BATCH, "二上", "王五")
    second = json.loads(export_snapshot(store, BATCH, "二上", tmp_path / "二上.json").read_bytes())
    j1 = next(p for p in second["patches"] if p["jcbh"] == "J1")
    assert j1["determination"]["illegal_m2"] == 650 and j1["tblx"] == "DT"
    returned = json.loads(export_snapshot(store, BATCH, "一下", tmp_path / "一下.json").read_bytes())
    assert returned["stage"] == "一下"  # the batch as it came back, before the 二上 corrections
    assert next(p for p in returned["patches"] if p["jcbh"] == "J1")["determination"]["illegal_m2"] == 800



def test_rectification_drives_status_and_remaining_area(store):
    with pytest.raises(ReviewError, match="只有判定为违法的图斑"):
        save_rectification(store, 1, {"case_filed": 1}, "赵六")
    save_determination(store, 1, ILLEGAL, "李四")
    status = patch_status(store, 1)
    assert (status["status"], status["remaining_m2"]) == ("未整改", 800.0)

    save_rectification(store, 1, {"case_filed": "是", "case_date": "2026/03/25", "case_number": "青自然资罚〔2026〕3号"},
                       "赵六")
    assert patch_status(store, 1)["status"] == "整改中"
    assert load_rectification(store, 1)["case_date"] == "2026-03-25"

    save_rectification(store, 1, {"demolished_m2": 300, "restored_m2": 250}, "赵六")
    status = patch_status(store, 1)
    assert (status["status"], status["remaining_m2"]) == ("整改中", 500.0)

    save_rectification(store, 1, {"supplement_m2": 500, "supplement_doc": "青政地〔2026〕8号"}, "赵六")
    status = patch_status(store, 1)
    assert (status["status"], status["remaining_m2"]) == ("已整改", 0.0)

    with pytest.raises(ReviewError, match="已销号须填写销号日期"):
        save_rectification(store, 1, {"writeoff_status": "已销号"}, "赵六")
    save_rectification(store, 1, {"writeoff_status": "已销号", "writeoff_date": "2026年4月30日"}, "钱七")
    assert patch_status(store, 1)["status"] == "已销号"

    audit = store.conn.execute("SELECT actor, action FROM audit_log WHERE table_name='rectifications' "
                               "ORDER BY id").fetchall()
    assert audit == [("赵六", "insert"), ("赵六", "update"), ("赵六", "update"), ("钱七", "update")]
    latest = history(store, 1)[:3]
    assert [(e.table, e.actor, e.label, e.old, e.new) for e in latest] == [
        ("rectifications", "钱七", "销号状态", None, "已销号"), ("rectifications", "钱七", "销号日期", None, "2026-04-30"),
        ("rectifications", "赵六", "补办手续文号", None, "青政地〔2026〕8号")]


@pytest.mark.parametrize("values, message", [
    ({"demolished_m2": 900}, "拆除面积（900.00 平方米）不能大于违法面积（800.00 平方米）"),
    ({"demolished_m2": 500, "supplement_m2": 400}, "整改面积合计（900.00 平方米）不能大于违法面积"),
    ({"supplement_m2": 100, "supplement_cultivated_m2": 200}, "补办其中耕地面积不能大于补办手续面积"),
    ({"case_date": "2026-02-30"}, "立案日期：日期不存在：“2026-02-30”"),
    ({"case_date": "2026-03-10", "closed_date": "2026-03-01"}, "结案日期不能早于立案日期"),
    ({"case_filed": 0}, "不予立案须填写原因"),
    ({"fine_yuan": -5}, "罚款金额（元）不能为负数"),
])
def test_rectification_validation(store, values, message):
    save_determination(store, 1, ILLEGAL, "李四")
    with pytest.raises(ReviewError, match=re.escape(message)):
        save_rectification(store, 1, values, "赵六")
    assert load_rectification(store, 1) == {}


def test_attachment_round_trips_byte_for_byte(store, tmp_path):
    payload = bytes(range(256)) * 40 + "立案通知书".encode("utf-8")
    source = tmp_path / "立案通知书.pdf"
    source.write_bytes(payload)
    aid = add_attachment(store, 1, source, actor="赵六")
    (listed,) = list_attachments(store, 1)
    assert "data" not in listed
    assert (listed["id"], listed["file_name"], listed["mime_type"], listed["kind"], listed["added_by"]) == \
        (aid, "立案通知书.pdf", "application/pdf", "文件", "赵六")
    assert listed["size_bytes"] == len(payload) and listed["latitude"] is None
    assert listed["sha256"] == hashlib.sha256(payload).hexdigest()
    assert raw(store).execute("SELECT data FROM attachments WHERE id=?", (aid,)).fetchone()[0] == payload
    assert attachment_bytes(store, aid) == payload

    out = export_attachment(store, aid, tmp_path / "导出")
    assert out.name == "立案通知书.pdf" and out.read_bytes() == payload
    assert export_attachment(store, aid, tmp_path / "导出") == out  # same bytes: no second copy
    (tmp_path / "导出" / "立案通知书.pdf").write_bytes(b"another file")
    second = export_attachment(store, aid, tmp_path / "导出")
    assert second.name == "立案通知书 (2).pdf" and second.read_bytes() == payload
    assert (tmp_path / "导出" / "立案通知书.pdf").read_bytes() == b"another file"

    remove_attachment(store, aid)
    assert list_attachments(store, 1) == []
    with pytest.raises(ReviewError, match="附件不存在"):
        attachment_bytes(store, aid)


def test_attachments_of_a_locked_batch_can_still_be_added_and_removed(store, tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("x")
    aid = add_attachment(store, 1, source)
    assert list_attachments(store, 1)[0]["mime_type"] == "text/plain"
    lock_batch(store, BATCH, "一上", "李四")
    remove_attachment(store, aid)
    assert list_attachments(store, 1) == []


def test_recompute_due_dates_follows_the_deadline_setting(store):
    store.set_setting("deadlines", {"determination_days": 10, "use_monthly_clear": False})
    assert recompute_due_dates(store) == 2
    assert {r[0] for r in store.conn.execute("SELECT due_date FROM patches")} == {"2026-03-12"}
    assert recompute_due_dates(store) == 0
    store.set_setting("deadlines", {"determination_days": 50, "monthly_clear_day": 15})
    recompute_due_dates(store)  # 03-02 + 50 days is after 月清 (04-15): the earlier date binds
    assert patch_status(store, 1)["due_date"] == "2026-04-15"
