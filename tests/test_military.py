"""涉军 patches: marked from a military-land layer through weipian:exportmilitary, absent from every ordinary
output (ledger, summary, progress, accountability, report, daily-enforcement grading, figures' layers, stage
snapshot) and listed only in the 《军用土地登记表》."""
from __future__ import annotations

import openpyxl
import pytest
import shapely
from conftest import write_shapefile
from test_ledger import X0, Y0, county_store  # noqa: F401 (shared session fixture)

from weipian_plugin.core.review import marks
from weipian_plugin.core.review.records import export_snapshot, history, lock_batch
from weipian_plugin.core.statistics import ledger
from weipian_plugin.core.store.workstore import WorkStore


def cells(path) -> list:
    wb = openpyxl.load_workbook(path)
    return [str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None]


@pytest.fixture
def marked_store(weipian_provider, county_store, store_on, tmp_path):  # noqa: F811
    """A copy of the test county on each backend with J007 (丙镇, 违法) marked 涉军 from a layer by
    weipian:exportmilitary."""
    import processing

    path = store_on(county_store)
    layer = write_shapefile(tmp_path / "军用土地.shp", [
        shapely.box(X0 + 390, Y0 + 290, X0 + 510, Y0 + 390),  # covers J007
        shapely.box(X0 + 300, Y0 + 300, X0 + 350, Y0 + 380),  # only touches J006's edge
    ], {"NAME": ["甲", "乙"]}, epsg=4527)
    register = tmp_path / "军用土地登记表.xlsx"
    result = processing.run("weipian:exportmilitary", {"STORE": str(path), "MILITARY_LAYER": str(layer),
                                                       "OUTPUT": str(register)})
    assert (result["MARKED"], result["COUNT"]) == (1, 1)
    ws = openpyxl.load_workbook(register)["军用土地登记表"]
    assert ws["A1"].value == "青禾县2026年军用土地登记表"
    assert [ws.cell(4, c).value for c in (3, 4, 10, 15)] == ["J007", "丙镇", "违法", "图层"]
    return path


def test_military_patch_is_absent_from_every_ordinary_output(weipian_provider, marked_store, tmp_path):
    import processing

    outputs = {
        "ledger": processing.run("weipian:exportledger", {"STORE": str(marked_store),
                                                          "OUTPUT": str(tmp_path / "台账.xlsx")})["OUTPUT"],
        "accountability": processing.run("weipian:accountability", {
            "STORE": str(marked_store), "OUTPUT": str(tmp_path / "问责.xlsx")})["OUTPUT"],
        "enforcement": processing.run("weipian:gradeenforcement", {
            "STORE": str(marked_store), "OUTPUT": str(tmp_path / "日常执法.xlsx")})["OUTPUT"],
    }
    for name, path in outputs.items():
        text = cells(path)
        assert not any("J007" in c for c in text), name
        assert not any("丙镇" in c for c in text), name  # J007 was 丙镇's only patch
    report = processing.run("weipian:accountability", {"STORE": str(marked_store),
                                                       "OUTPUT": str(tmp_path / "报告.html")})["OUTPUT"]
    html = open(report, encoding="utf-8").read()
    assert "J007" not in html and "丙镇" not in html

    with WorkStore.open(marked_store) as store:
        rows = ledger.ledger_rows(store)
        assert [r.jcbh for r in rows] == ["J001", "J002", "J003", "J004", "J005", "J006"]
        assert all(r.record_id != "J007" for r in ledger.accountability_records(store))
        assert [t.name for t in ledger.store_accountability(store).townships] == ["甲镇", "乙镇"]
        fid = store.conn.execute("SELECT fid FROM patches WHERE jcbh = 'J007'").fetchone()[0]
        assert history(store, fid)[0].table == "military_land"  # the mark is audited
        lock_batch(store, "2026年4月", "一上", "李四")
        snapshot = export_snapshot(store, "2026年4月", "一上", tmp_path / "一上.json").read_text(encoding="utf-8")
        assert "J007" not in snapshot and "J006" in snapshot

    from weipian_plugin.exporters.figures import subset_sql
    from weipian_plugin.layer_source import store_layer

    layer = store_layer(marked_store, "patch_analysis", "pa", subset_sql(None, None, None))
    assert sorted(f["jcbh"] for f in layer.getFeatures()) == ["J001", "J002", "J003", "J004", "J005", "J006"]


def test_marking_by_hand_and_unmarking(county_store, store_on, tmp_path):  # noqa: F811
    path = store_on(county_store)
    with WorkStore.open(path) as store:
        fid = store.conn.execute("SELECT fid FROM patches WHERE jcbh = 'J001'").fetchone()[0]
        assert marks.mark_military(store, [fid], "张三", "军事管理区内") == 1
        assert marks.mark_military(store, [fid], "张三") == 0  # already marked
        assert marks.is_military(store, fid)
        assert "J001" not in [r.jcbh for r in ledger.ledger_rows(store)]
        assert [r["note"] for r in marks.military_register(store)] == ["军事管理区内"]
        assert marks.military_register(store, 2025) == [] and len(marks.military_register(store, 2026)) == 1
        marks.unmark_military(store, fid)
        assert "J001" in [r.jcbh for r in ledger.ledger_rows(store)]
        actions = [e.action for e in history(store, fid) if e.table == "military_land" and e.field == "military"]
        assert actions == ["delete", "insert"]
        with pytest.raises(ValueError, match="图斑不存在"):
            marks.mark_military(store, [99999], "张三")


def test_interview_records_and_serious_impact(county_store, store_on, tmp_path):  # noqa: F811
    path = store_on(county_store)
    minutes = tmp_path / "约谈纪要.pdf"
    minutes.write_bytes(b"%PDF-1.4 minutes")
    with WorkStore.open(path) as store:
        marks.add_interview(store, "甲镇", "2026年5月8日", "甲镇镇长、分管副镇长", "县卫片办", township_code="101",
                            interviewer="县政府副县长", reason="违法占用一般耕地超过10亩", minutes=minutes)
        (record,) = marks.list_interviews(store, 2026)
        assert (record["township"], record["interview_date"], record["minutes_name"]) == (
            "甲镇", "2026-05-08", "约谈纪要.pdf")
        assert marks.interview_minutes(store, record["id"]) == minutes.read_bytes()
        assert marks.list_interviews(store, 2025) == []
        with pytest.raises(ValueError, match="请填写被约谈人\n约谈日期"):
            marks.add_interview(store, "乙镇", "2026-02-30", "", "县卫片办")

        before = ledger.store_accountability(store).counties[0]
        assert not before.accountable
        with pytest.raises(ValueError, match="须填写理由"):
            marks.mark_serious_impact(store, "500199", " ", "县卫片办")
        marks.mark_serious_impact(store, "500199", "违法占地引发群体性事件", "县卫片办", "青禾县")
        after = ledger.store_accountability(store).counties[0]
        assert after.accountable and "违法占地引发群体性事件" in after.explanation
        assert after.ratio_after == before.ratio_after
        marks.clear_serious_impact(store, "500199")
        assert not ledger.store_accountability(store).counties[0].accountable


def test_interview_and_serious_impact_through_processing(weipian_provider, county_store, store_on, tmp_path):  # noqa: F811
    import processing

    path = store_on(county_store)
    minutes = tmp_path / "纪要.docx"
    minutes.write_bytes(b"PK minutes")
    result = processing.run("weipian:recordinterview", {
        "STORE": str(path), "TOWNSHIP": "甲镇", "TOWNSHIP_CODE": "101", "DATE": "2026-06-01",
        "INTERVIEWEES": "甲镇镇长", "INTERVIEWER": "副县长", "REASON": "违法占用耕地", "MINUTES": str(minutes)})
    assert result["ID"] == 1
    processing.run("weipian:seriousimpact", {"STORE": str(path), "UNIT_CODE": "500199", "UNIT_NAME": "青禾县",
                                             "REASON": "群体性事件"})
    out = processing.run("weipian:accountability", {"STORE": str(path), "OUTPUT": str(tmp_path / "问责.xlsx")})
    assert out["ACCOUNTABLE"] is True
    ws = openpyxl.load_workbook(out["OUTPUT"])["约谈记录"]
    assert [ws.cell(4, c).value for c in range(1, 7)] == ["甲镇", "2026-06-01", "甲镇镇长", "副县长", "违法占用耕地",
                                                          "纪要.docx"]
    processing.run("weipian:seriousimpact", {"STORE": str(path), "UNIT_CODE": "500199", "CLEAR": True})
    out = processing.run("weipian:accountability", {"STORE": str(path), "OUTPUT": str(tmp_path / "问责2.xlsx")})
    assert out["ACCOUNTABLE"] is False
