"""weipian:setstage and weipian:importrecords through real Processing: the ledger round trip (export, fill in,
import) changes exactly the cells that were changed, honours the locks, and reports every row."""
from __future__ import annotations

import openpyxl
import pytest
from test_ledger import county_store  # noqa: F401 (shared session fixture)

from weipian_plugin.core.review.records import batch_lock_state
from weipian_plugin.core.statistics.ledger import LEDGER_COLUMNS
from weipian_plugin.core.store.workstore import WorkStore

MU = 2000 / 3


def person_tables(path) -> dict:
    with WorkStore.open(path) as store:
        out = {}
        for table in ("determinations", "rectifications"):
            cur = store.conn.execute(f"SELECT * FROM {table} ORDER BY patch_fid")
            names = [d[0] for d in cur.description]
            out[table] = {r[0]: dict(zip(names, r)) for r in cur}
        out["audit"] = store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        out["fid"] = dict(store.conn.execute("SELECT jcbh, fid FROM patches"))
    return out


@pytest.fixture
def locked_store(weipian_provider, county_store, store_on):  # noqa: F811
    """The test county on each backend, its March batch reported (一上)."""
    import processing

    path = store_on(county_store)
    result = processing.run("weipian:setstage", {"STORE": str(path), "BATCH": "2026年3月", "STAGE": 0,
                                                 "NOTE": "三月一上"})
    assert result["LOCKED"] is True
    with WorkStore.open(path) as store:
        assert batch_lock_state(store, "2026年3月")[:2] == (True, "一上")
    return path


def fill_in(path, changes: dict) -> None:
    """Write {(jcbh, header): value} into the exported ledger as a township office would."""
    wb = openpyxl.load_workbook(path)
    ws = wb["图斑台账"]
    headers = ["".join(str(c.value or "").split()) for c in ws[3]]  # a unit has a line of its own
    rows = {ws.cell(r, headers.index("监测编号") + 1).value: r for r in range(4, ws.max_row + 1)}
    for (jcbh, header), value in changes.items():
        ws.cell(rows[jcbh], headers.index(header) + 1).value = value
    wb.save(path)


def test_ledger_round_trip_changes_exactly_the_cells_changed(weipian_provider, locked_store, tmp_path):
    import processing

    with WorkStore.open(locked_store) as store, store.transaction() as conn:  # J007 on the 实地核查 list too
        conn.execute("UPDATE determinations SET illegal_m2 = 40000, illegal_cultivated_m2 = 40000 WHERE patch_fid = "
                     "(SELECT fid FROM patches WHERE jcbh = 'J007')")
    ledger = processing.run("weipian:exportledger", {"STORE": str(locked_store),
                                                     "OUTPUT": str(tmp_path / "台账.xlsx")})["OUTPUT"]
    from weipian_plugin.exporters.ledger_import import read_ledger

    assert [cells["jcbh"] for _, cells in read_ledger(ledger)] == ["J001", "J002", "J003", "J004", "J005", "J006",
                                                                   "J007"]  # the ledger sheet only
    before = person_tables(locked_store)
    fill_in(ledger, {
        ("J002", "立案编号"): "青禾立〔2026〕12号之一",  # 查处整改 of a locked batch: applied
        ("J003", "违法面积（亩）"): 5.0,  # the determination of a locked batch: refused
        ("J006", "违法类别"): "存量",  # the determination of an unlocked batch: applied
    })
    report = tmp_path / "导入结果.xlsx"
    result = processing.run("weipian:importrecords", {"STORE": str(locked_store), "INPUT": ledger,
                                                      "REPORT": str(report)})
    assert (result["APPLIED"], result["REFUSED"]) == (2, 1)

    after = person_tables(locked_store)
    fid = before["fid"]
    assert after["rectifications"][fid["J002"]]["case_number"] == "青禾立〔2026〕12号之一"
    assert after["determinations"][fid["J006"]]["violation_category"] == "存量"
    assert after["determinations"][fid["J003"]]["illegal_m2"] == 4000.0
    # nothing else moved: every other cell of both tables is as it was, and exactly two audit rows were added
    for table, (jcbh, field) in (("rectifications", ("J002", "case_number")),
                                 ("determinations", ("J006", "violation_category"))):
        after[table][fid[jcbh]][field] = before[table][fid[jcbh]][field]
        for row in (after[table][fid[jcbh]], before[table][fid[jcbh]]):
            row.pop("updated_at", None), row.pop("reviewed_at", None), row.pop("updated_by", None)
            row.pop("reviewer", None), row.pop("from_suggestion", None), row.pop("row_version", None)
        assert after[table] == before[table]
    assert after["audit"] == before["audit"] + 2

    ws = openpyxl.load_workbook(report)["导入结果"]
    keys = ("row", "batch", "jcbh", "part", "status", "fields", "reason")
    rows = [dict(zip(keys, (ws.cell(r, c).value for c in range(1, 8)))) for r in range(4, ws.max_row + 1)]
    by_jcbh = {r["jcbh"]: r for r in rows}
    assert (by_jcbh["J002"]["part"], by_jcbh["J002"]["status"], by_jcbh["J002"]["fields"]) == ("查处整改", "已导入", "立案编号")
    assert (by_jcbh["J003"]["status"], by_jcbh["J003"]["fields"]) == ("拒绝", "违法面积（亩）")
    assert by_jcbh["J003"]["reason"].startswith("已上报锁定")
    assert by_jcbh["J006"]["status"] == "已导入"
    assert {r["status"] for r in rows if r["jcbh"] not in ("J002", "J003", "J006")} == {"未变化"}
    assert ws.cell(4 + rows.index(by_jcbh["J003"]), 1).fill.fgColor.rgb.endswith("F8CBAD")

    # the same file again: what was applied is now unchanged; the refused change is refused again
    again = processing.run("weipian:importrecords", {"STORE": str(locked_store), "INPUT": ledger})
    assert (again["APPLIED"], again["REFUSED"]) == (0, 1)
    assert person_tables(locked_store)["audit"] == after["audit"]


def test_csv_with_the_ledger_headers_and_refused_rows(weipian_provider, locked_store, tmp_path):
    import processing

    header = [c.title for c in LEDGER_COLUMNS if c.key in ("batch", "jcbh", "result", "violation_category",
                                                             "illegal_mu", "case_number", "case_date")]
    assert header == ["批次", "监测编号", "判定结果", "违法类别", "违法面积（亩）", "立案编号", "立案日期"]
    lines = [
        header,
        ["2026年4月", "J007", "违法", "新增", f"{5000 / MU:.2f}", "青禾立〔2026〕30号", "2026年5月6日"],  # applied
        ["2026年4月", "J999", "违法", "", "", "", ""],  # unknown 监测编号
        ["2026年4月", "J006", "违规", "", "", "", ""],  # invalid value
        ["", "J004", "其他", "", "", "", ""],  # unchanged, found without its batch
        ["合计", "", "", "", "", "", ""],
    ]
    path = tmp_path / "台账.csv"
    path.write_bytes("\n".join(",".join(line) for line in lines).encode("gbk"))
    result = processing.run("weipian:importrecords", {"STORE": str(locked_store), "INPUT": str(path)})
    assert (result["APPLIED"], result["REFUSED"]) == (1, 2)
    with WorkStore.open(locked_store) as store:
        case = store.conn.execute("SELECT r.case_number, r.case_date FROM rectifications r JOIN patches p "
                                  "ON p.fid = r.patch_fid WHERE p.jcbh = 'J007'").fetchone()
    assert case == ("青禾立〔2026〕30号", "2026-05-06")
    from weipian_plugin.core.statistics.records_import import import_records, read_csv_records

    with WorkStore.open(locked_store) as store:
        outcomes = import_records(store, read_csv_records(path), "张三")
    reasons = {o.jcbh: o.reason for o in outcomes if o.status == "拒绝"}
    assert reasons["J999"] == "批次“2026年4月”中没有监测编号“J999”（或该图斑已拆分、涉军）"
    assert reasons["J006"].startswith("数值无效：判定结果“违规”不在代码表中")
    assert [o.row for o in outcomes] == [2, 3, 4, 5]


def test_a_file_that_is_not_a_ledger_is_refused(weipian_provider, locked_store, tmp_path):
    import processing
    from qgis.core import QgsProcessingException

    path = tmp_path / "其他.csv"
    path.write_text("线索编号,来源\nC1,巡查\n", encoding="utf-8")
    with pytest.raises(QgsProcessingException, match="没有“监测编号”列"):
        processing.run("weipian:importrecords", {"STORE": str(locked_store), "INPUT": str(path)})
    with pytest.raises(QgsProcessingException, match="下一步应为一下"):
        processing.run("weipian:setstage", {"STORE": str(locked_store), "BATCH": "2026年3月", "STAGE": 2})


def test_a_township_login_imports_its_own_rows_and_the_others_are_refused(weipian_provider, county_store,  # noqa: F811
                                                                          pg_database, pg_logins, tmp_path):
    """On a shared store a township's login (row-level security) fills in its own patches' 查处整改 from the
    ledger; another township's rows are listed as refused with the reason, the import goes on."""
    import processing

    from weipian_plugin.core.store import pgroles, transfer

    admin = "postgresql:" + pg_database
    transfer.publish(county_store, admin)
    with WorkStore.open(admin) as store:
        pgroles.install(store)
        pg_logins.append("wp_import_town")
        pgroles.grant(store, "wp_import_town", pgroles.TOWNSHIP, ["101"])  # 甲镇
    town = f"{admin} user=wp_import_town"
    ledger = processing.run("weipian:exportledger", {"STORE": town, "OUTPUT": str(tmp_path / "台账.xlsx")})["OUTPUT"]
    fill_in(ledger, {("J002", "立案编号"): "甲镇立〔2026〕9号", ("J003", "立案编号"): "乙镇立〔2026〕9号"})
    report = tmp_path / "导入结果.xlsx"
    result = processing.run("weipian:importrecords", {"STORE": town, "INPUT": ledger, "REPORT": str(report)})
    assert (result["APPLIED"], result["REFUSED"]) == (1, 1)
    ws = openpyxl.load_workbook(report)["导入结果"]
    rows = {ws.cell(r, 3).value: (ws.cell(r, 5).value, ws.cell(r, 7).value) for r in range(4, ws.max_row + 1)}
    assert rows["J002"] == ("已导入", "") and rows["J003"][0] == "拒绝" and "没有这项权限" in rows["J003"][1]
    with WorkStore.open(admin) as store:
        cases = dict(store.conn.execute("SELECT p.jcbh, r.case_number FROM rectifications r "
                                        "JOIN patches p ON p.fid = r.patch_fid"))
    assert cases["J002"] == "甲镇立〔2026〕9号" and cases.get("J003") is None
