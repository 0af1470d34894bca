"""Daily enforcement in a real work store: schema v2, template import, deadlines, grading, exports."""
from __future__ import annotations

import sqlite3
from datetime import date

import numpy as np
import pytest
import shapely
from openpyxl import Workbook, load_workbook

from weipian_plugin.core.enforcement import records as enforcement
from weipian_plugin.core.enforcement.grading import GradingConfig
from weipian_plugin.core.enforcement.records import EnforcementError
from weipian_plugin.core.store import schema
from weipian_plugin.core.store.workstore import WorkStore
from weipian_plugin.core.units import mu_to_m2

X0, Y0 = 39_500_000.0, 3_300_000.0
AFTER = "2026-03-31"
CLUE_HEADER = "线索编号,来源,受理时间,X,Y,乡镇,地点,描述,占地面积（亩）,违法采矿,发现日期,制止日期,报告日期,立案日期,结案日期"


@pytest.fixture
def store(store_address):
    """A new store on each backend (GeoPackage, PostGIS)."""
    with WorkStore.create(store_address, 4527, "青禾县", "500199", 2026) as s:
        yield s


def write_csv(path, lines, encoding):
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def clue_line(no, source="巡查", x=X0 + 50, y=Y0 + 50, township="东镇", area="", mining="", found="2026-03-02",
              stop="", report="", filed="", closed="", received="2026-03-02 09:30"):
    return f"{no},{source},{received},{x},{y},{township},村东头,有人占地建房,{area},{mining},{found},{stop},{report},{filed},{closed}"


def add_patches(store, patches):
    """patches: (jcbh, x0 of a 100 m square, township, result, hsx, split_state)."""
    with store.transaction() as conn:
        conn.execute("INSERT INTO batches (name, received_date) VALUES ('2026-04', '2026-04-10')")
        for jcbh, x, township, result, hsx, split in patches:
            geom = shapely.MultiPolygon([shapely.box(X0 + x, Y0, X0 + x + 100, Y0 + 100)])
            fid = store.dialect.insert_id(
                conn, "INSERT INTO patches (geom, batch_id, jcbh, township_name, hsx, area_m2, area_mu, split_state) "
                f"VALUES ({store.dialect.geom_param(4527)}, 1, ?, ?, ?, 10000, 15, ?)",
                (store.dialect.encode(np.array([geom], dtype=object), 4527)[0], jcbh, township, hsx, split), key="fid")
            if result:
                conn.execute("INSERT INTO determinations (patch_fid, result) VALUES (?, ?)", (fid, result))


# -- schema ------------------------------------------------------------------------------------------
def test_v1_store_migrates_to_v2_on_open(store_path, monkeypatch):
    from osgeo import ogr

    every = schema.migrations()
    with monkeypatch.context() as m:  # a store as the first release wrote it
        m.setattr(schema, "migrations", lambda: every[:1])
        with WorkStore.create(store_path, 4527) as s, s.transaction() as conn:
            conn.execute("INSERT INTO batches (name) VALUES ('kept')")
            assert s.schema_version == 1

    with WorkStore.open(store_path) as s:
        assert s.schema_version == schema.LATEST_VERSION >= 2
        assert [b["name"] for b in s.batches()] == ["kept"]
        registered = dict(s.conn.execute(
            "SELECT table_name, geometry_type_name || ':' || srs_id FROM gpkg_geometry_columns"))
        assert {t: registered.get(t) for t in schema.FEATURE_TABLES_V2} == dict.fromkeys(
            schema.FEATURE_TABLES_V2, "GEOMETRY:4527")
        enforcement.import_enforcement_csv(s, clues_csv=write_csv(
            store_path.parent / "c.csv", [CLUE_HEADER, clue_line("C1")], "utf-8-sig"))
    ds = ogr.Open(str(store_path))
    layer = ds.GetLayerByName("clues")
    assert layer.GetFeatureCount() == 1
    assert layer.GetNextFeature().GetGeometryRef().ExportToWkt() == f"POINT ({X0 + 50:.0f} {Y0 + 50:.0f})"


# -- import ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_csv_import_in_both_encodings(store, tmp_path, encoding):
    patrols = write_csv(tmp_path / "巡查.csv", [
        "巡查日期,乡镇,巡查路线,巡查人员,发现问题,制止措施,处理意见,问题X,问题Y",
        f"2026/3/2,东镇,东镇—李家村—王家沟,张伟、李娜,发现李家村有人建房,下达责令停止违法行为通知书,移交立案,{X0 + 40},{Y0 + 40}",
        "2026年3月3日,西乡,西乡—石桥村,王芳,未发现新增违法用地行为,,继续巡查,,",
    ], encoding)
    clues = write_csv(tmp_path / "线索.csv", [
        CLUE_HEADER,
        clue_line("C1", area="1.5"),
        clue_line("C2", source="12336热线", x="117.0", y="29.8", township="西乡", mining="否"),
        clue_line("C3", source="信访", found="", received="2026-03-04 10:00"),
    ], encoding)
    result = enforcement.import_enforcement_csv(store, patrols, clues)
    assert (result.patrols_added, result.findings_added, result.clues_added) == (2, 1, 3)

    rows = enforcement.patrol_rows(store)
    assert [(r.patrol_date, r.township, r.people, r.n_findings) for r in rows] == [
        ("2026-03-03", "西乡", "王芳", 0), ("2026-03-02", "东镇", "张伟、李娜", 1)]
    assert rows[1].route == "东镇—李家村—王家沟"
    got = {r[0]: r[1:] for r in store.conn.execute(
        "SELECT clue_no, source, source_detail, township, land_m2, discovered, received_at FROM clues")}
    assert got["C1"] == ("巡查", None, "东镇", pytest.approx(mu_to_m2(1.5)), "2026-03-02", "2026-03-02 09:30")
    assert got["C2"][:3] == ("12336", "12336热线", "西乡")
    assert got["C3"][:2] == ("其他", "信访") and got["C3"][4] == "2026-03-04"  # discovered = received
    geoms = dict(zip(["C1", "C2"], store.dialect.decode([r[0] for r in store.conn.execute(
        f"SELECT {store.dialect.geom_select('geom')} FROM clues WHERE clue_no IN ('C1', 'C2') ORDER BY clue_no")])))
    assert geoms["C1"].equals(shapely.Point(X0 + 50, Y0 + 50))
    # lon/lat 117°E is the central meridian of zone 39: easting 39 500 000, northing about 3 300 km
    assert geoms["C2"].x == pytest.approx(39_500_000.0, abs=0.01) and 3.29e6 < geoms["C2"].y < 3.31e6


def test_reimport_fills_in_and_never_erases(store, tmp_path):
    first = write_csv(tmp_path / "a.csv", [CLUE_HEADER, clue_line("C1", stop="2026-03-03")], "utf-8-sig")
    enforcement.import_enforcement_csv(store, clues_csv=first)
    enforcement.save_clue(store, 1, {"is_mining": 1})
    second = write_csv(tmp_path / "b.csv", [CLUE_HEADER, clue_line("C1", filed="2026-03-10")], "utf-8-sig")
    result = enforcement.import_enforcement_csv(store, clues_csv=second)
    assert (result.clues_added, result.clues_updated) == (0, 1)
    assert store.conn.execute("SELECT stop_notice, filed, is_mining FROM clues").fetchall() == [
        ("2026-03-03", "2026-03-10", 1)]
    third = write_csv(tmp_path / "c.csv", [CLUE_HEADER, clue_line("C1", mining="否")], "utf-8-sig")
    enforcement.import_enforcement_csv(store, clues_csv=third)
    assert store.conn.execute("SELECT is_mining FROM clues").fetchone() == (0,)  # said explicitly


def test_bad_rows_are_all_listed_and_nothing_is_written(store, tmp_path):
    bad = write_csv(tmp_path / "bad.csv", [
        CLUE_HEADER,
        clue_line("C1"),
        clue_line("C2", found="2026-02-30"),
        clue_line("C3", stop="2026-03-01"),
        clue_line("C4", source=""),
        clue_line("C1"),
    ], "utf-8-sig")
    with pytest.raises(EnforcementError) as err:
        enforcement.import_enforcement_csv(store, clues_csv=bad)
    message = str(err.value)
    assert "第3行" in message and "日期不存在" in message
    assert "第4行：制止日期早于发现日期" in message
    assert "第5行：来源不能为空" in message
    assert "线索编号重复：C1" in message
    assert store.conn.execute("SELECT count(*) FROM clues").fetchone()[0] == 0
    with pytest.raises(EnforcementError, match="缺少列：巡查日期"):
        enforcement.import_enforcement_csv(store, patrols_csv=write_csv(tmp_path / "p.csv", ["日子,乡镇"], "gbk"))


def test_store_rejects_a_bad_date_from_any_writer(store):
    with pytest.raises(sqlite3.IntegrityError), store.transaction() as conn:
        conn.execute("INSERT INTO clues (clue_no, source, discovered) VALUES ('X', '巡查', '2026-02-30')")


# -- deadlines ---------------------------------------------------------------------------------------
def test_working_day_deadlines_follow_the_holiday_list_in_the_store(store, tmp_path):
    address = store.address
    clues = write_csv(tmp_path / "c.csv", [
        CLUE_HEADER, clue_line("C1", found="2026-09-30", stop="2026-10-01", report="2026-10-01",
                               filed="2026-10-09")], "utf-8-sig")
    enforcement.import_enforcement_csv(store, clues_csv=clues)

    def due(today=date(2026, 10, 9)):
        d = enforcement.clue_deadlines(store, today)[0].deadlines
        return d.filing.due, d.closing.due

    # the shipped 2026 calendar is in force until the store has its own list (dates as below)
    assert due() == (date(2026, 10, 20), date(2026, 10, 29))
    enforcement.set_holidays(store, "")  # a store's own list replaces it, even an empty one
    # weekends only: Sep 30 + 10 working days = Oct 14; closing Oct 9 + 15 = Oct 30
    assert due() == (date(2026, 10, 14), date(2026, 10, 30))
    enforcement.set_holidays(store, "国庆节：2026-10-01~2026-10-07\n+2026-10-10  # 调休上班")
    store.close()
    with WorkStore.open(address) as reopened:
        d = enforcement.clue_deadlines(reopened, date(2026, 10, 9))[0].deadlines
        # Oct 8, 9, Sat 10 (make-up), 12–16, 19, 20; closing: Sat 10, 12–16, 19–23, 26–29
        assert (d.filing.due, d.closing.due) == (date(2026, 10, 20), date(2026, 10, 29))
        assert d.stop_notice.due == date(2026, 10, 2)  # "2日内" is calendar days
    with pytest.raises(ValueError, match="第1行"), WorkStore.open(address) as s:
        enforcement.set_holidays(s, "十月一日")
    with WorkStore.open(address) as s:
        assert "国庆节" in s.setting("holidays")


def test_overdue_data_for_highlighting(store, tmp_path):
    enforcement.import_enforcement_csv(store, clues_csv=write_csv(tmp_path / "c.csv", [
        CLUE_HEADER,
        clue_line("LATE", found="2026-03-02"),                                     # nothing done
        clue_line("OK", found="2026-03-02", stop="2026-03-03", report="2026-03-03"),  # filing not due yet
    ], "utf-8-sig"))
    today = date(2026, 3, 6)
    statuses = {s.clue_no: s for s in enforcement.clue_deadlines(store, today)}
    assert statuses["LATE"].overdue and not statuses["OK"].overdue
    assert [i.name for i in statuses["LATE"].deadlines.overdue] == ["制止", "报告"]
    assert statuses["OK"].next_due.name == "立案" and statuses["OK"].next_due.due == date(2026, 3, 16)
    rows = {r.clue_no: r for r in enforcement.clue_rows(statuses.values())}
    assert rows["LATE"].overdue and rows["LATE"].overdue_items == "制止、报告"
    assert rows["LATE"].stop_state == "已逾期" and rows["OK"].stop_state == "按时完成"
    # on the due day itself nothing is late yet
    assert not enforcement.clue_deadlines(store, date(2026, 3, 4))[0].overdue


@pytest.mark.parametrize("column, value, major", [
    ("占地面积（亩）", "20", False), ("占地面积（亩）", "20.01", True),
    ("耕地面积（亩）", "10", False), ("耕地面积（亩）", "10.01", True),
    ("基本农田面积（亩）", "5", False), ("基本农田面积（亩）", "5.01", True),
    ("违法采矿", "否", False), ("违法采矿", "是", True), ("重大案件", "是", True),
    ("占地面积（㎡）", f"{mu_to_m2(20):.2f}", False), ("占地面积（㎡）", f"{mu_to_m2(20) + 1:.2f}", True),
    ("占地面积（公顷）", "1.34", True),
])
def test_major_thresholds(store, tmp_path, column, value, major):
    csv = write_csv(tmp_path / "c.csv", [f"线索编号,来源,X,Y,发现日期,{column}",
                                         f"C1,巡查,{X0},{Y0},2026-03-02,{value}"], "utf-8-sig")
    enforcement.import_enforcement_csv(store, clues_csv=csv)
    status = enforcement.clue_deadlines(store, date(2026, 3, 3))[0]
    assert status.major is major
    report = status.deadlines.major_report
    assert (report.due if report else None) == (date(2026, 3, 7) if major else None)  # 5-day report


def test_extension_only_for_major_cases(store):
    with store.transaction() as conn:
        conn.execute("INSERT INTO clues (clue_no, source, discovered, filed) VALUES ('C1', '巡查', '2026-03-02', "
                     "'2026-03-05')")
    fid = store.conn.execute("SELECT fid FROM clues").fetchone()[0]
    with pytest.raises(EnforcementError, match="只有重大案件"):
        enforcement.save_clue(store, fid, {"extension_workdays": 5})
    enforcement.save_clue(store, fid, {"is_mining": "是", "extension_workdays": 5, "closed": "2026-04-20"})
    d = enforcement.clue_deadlines(store, date(2026, 4, 30))[0].deadlines
    assert d.major and d.closing.due == date(2026, 4, 24)  # 30 + 5 working days after Mar 5 (清明: Apr 6 off)
    with pytest.raises(EnforcementError, match="结案日期早于立案日期"):
        enforcement.save_clue(store, fid, {"closed": "2026-03-04"})


# -- grading -----------------------------------------------------------------------------------------
def graded_store(store):
    add_patches(store, [
        ("P_OVERLAP", 0, "东镇", "违法", AFTER, ""),
        ("P_NEAR", 1000, "东镇", "违法", AFTER, ""),
        ("P_FAR", 2000, "西乡", "违法", AFTER, ""),
        ("P_LATE", 3000, "西乡", "违法", AFTER, ""),
        ("P_LEGAL", 4000, "西乡", "合法", AFTER, ""),
        ("P_SPLIT", 5000, "西乡", "违法", AFTER, "被拆分"),
    ])
    with store.transaction() as conn:
        for no, geom, found, stop, filed, closed in [
            ("ON", shapely.box(X0 + 80, Y0 + 80, X0 + 150, Y0 + 150), "2026-03-01", "2026-03-02", "2026-03-05",
             "2026-03-20"),
            ("NEAR", shapely.Point(X0 + 1130, Y0 + 50), "2026-03-10", "2026-03-11", None, None),  # 30 m away
            ("FAR", shapely.Point(X0 + 2180, Y0 + 50), "2026-03-10", None, None, None),          # 80 m away
            ("LATE", shapely.Point(X0 + 3050, Y0 + 50), "2026-04-01", "2026-04-01", None, None),  # after the after-date
            ("LEGAL", shapely.Point(X0 + 4050, Y0 + 50), "2026-03-01", None, None, None),
        ]:
            conn.execute("INSERT INTO clues (geom, clue_no, source, discovered, stop_notice, reported, filed, closed) "
                         f"VALUES ({store.dialect.geom_param(4527)}, ?, '巡查', ?, ?, ?, ?, ?)",
                         (store.dialect.encode(np.array([geom], dtype=object), 4527)[0], no, found, stop, stop, filed, closed))


def test_grading_matches_by_overlap_distance_and_time(store):
    graded_store(store)
    result = enforcement.grade_store(store)
    assert {m.patch_id: m.clue_ids for m in result.matches} == {
        "P_OVERLAP": ("ON",), "P_NEAR": ("NEAR",), "P_FAR": (), "P_LATE": ()}
    # FAR (80 m from any patch) and LEGAL (on a legal patch) are violations only daily enforcement saw;
    # LATE is P_LATE's violation, found after the satellite: not a second violation.
    assert [m.patch_id for m in result.daily] == ["FAR", "LEGAL"]
    east, west, unplaced = result.townships
    assert (east.township, east.violations, east.found, east.stopped, east.filed, east.closed) == ("东镇", 2, 2, 2, 1, 1)
    assert (east.discovery_pass, east.filing_pass, east.passed) == (True, False, False)
    assert (west.township, west.violations, west.found, west.unmatched) == ("西乡", 2, 0, ("P_FAR", "P_LATE"))
    assert (unplaced.satellite, unplaced.daily_only, unplaced.found, unplaced.stopped) == (0, 2, 2, 0)
    assert result.total.discovery_rate == 4 / 6 and result.total.stop_rate == 2 / 4
    assert [p.jcbh for p in enforcement.unmatched_patches(store, result)] == ["P_FAR", "P_LATE"]
    rows = enforcement.grading_rows(result)
    assert [(r.township, r.found_by, r.passed) for r in rows] == [
        ("东镇", "巡查：2", False), ("西乡", None, False), ("（未落乡镇）", None, False), ("合计", "巡查：2", False)]

    wide = enforcement.grade_store(store, GradingConfig(max_distance_m=100))
    assert {m.patch_id for m in wide.matches if m.found} == {"P_OVERLAP", "P_NEAR", "P_FAR"}
    store.set_setting("grading", {"require_overlap": True})
    assert {m.patch_id for m in enforcement.grade_store(store).matches if m.found} == {"P_OVERLAP"}


# -- exports -----------------------------------------------------------------------------------------
def _sheet_rows(ws):
    """Cell values; a header's unit sits on a line of its own, read here as one line."""
    return [[c.value.replace("\n", "") if isinstance(c.value, str) else c.value for c in row] for row in ws.iter_rows()]


def test_xlsx_export_read_back(store, tmp_path):
    from weipian_plugin.exporters.enforcement_xlsx import write_enforcement

    graded_store(store)
    enforcement.save_patrol(store, {"patrol_date": "2026-03-01", "township": "东镇", "route": "东镇—李家村",
                                    "people": "张伟", "findings": "发现建房", "stop_measures": "现场制止",
                                    "handling_opinion": "立案"}, geometry=shapely.LineString([(X0, Y0), (X0 + 500, Y0)]))
    path = write_enforcement(store, tmp_path / "日常执法.xlsx", date(2026, 3, 20))
    wb = load_workbook(path)
    assert wb.sheetnames == ["巡查台账", "巡查频次", "线索与期限", "日常执法评价", "未先发现图斑"]

    patrols = _sheet_rows(wb["巡查台账"])  # title, headers (rows 2–3 merged), data
    header = patrols[1]
    assert header[:3] == ["巡查日期", "乡镇", "巡查路线"]
    assert patrols[3][:3] == ["2026-03-01", "东镇", "东镇—李家村"]
    assert patrols[3][header.index("问题点位（个）")] == 1  # 发现建房, no point drawn: still one problem

    ws = wb["线索与期限"]
    clues = _sheet_rows(ws)
    header = clues[1]
    by_no = {r[0]: (i, r) for i, r in enumerate(clues) if r[0] in ("ON", "FAR")}
    overdue_col = header.index("逾期事项")
    assert by_no["FAR"][1][overdue_col] == "制止、报告"  # filing is due on Mar 24
    assert by_no["ON"][1][overdue_col] is None
    far_row, on_row = by_no["FAR"][0] + 1, by_no["ON"][0] + 1
    assert ws.cell(far_row, 1).fill.fgColor.rgb.endswith("F8CBAD")
    assert ws.cell(on_row, 1).fill.fill_type is None
    assert clues[by_no["ON"][0]][header.index("立案期限")] == "2026-03-13"

    grading = _sheet_rows(wb["日常执法评价"])
    header = grading[1]
    assert header[9].startswith("发现率") and "95%" in header[9]
    east = next(r for r in grading if r[0] == "东镇")
    assert east[1:9] == [2, 0, 2, 2, 2, 2, 1, 1] and east[header.index("是否达标")] == "否"
    total = next(r for r in grading if r[0] == "合计")
    assert total[9] == round(4 / 6, 3)
    notes = [r[0] for r in grading[grading.index(next(r for r in grading if r[0] == "说明")) + 1:]][:4]
    assert notes == list(enforcement.GRADING_NOTES[:4])  # each rate's formula under the table
    assert notes[2].startswith("立案率 = 已立案 ÷ 应立案")
    ws = wb["未先发现图斑"]
    listed = _sheet_rows(ws)[3:]
    assert [r[1] for r in listed] == ["P_FAR", "P_LATE"]
    jcbh, area = ws.cell(4, 2), ws.cell(4, 4)
    assert jcbh.data_type == "s" and ws.column_dimensions["B"].width >= len("P_FAR")
    assert area.number_format == "0.00"


def test_patrol_frequency_two_a_week(store, tmp_path):
    from weipian_plugin.exporters.enforcement_xlsx import write_enforcement

    for day in ("2026-03-02", "2026-03-04", "2026-03-10", "2026-03-17"):  # Mon, Wed; Tue; Tue (week not over)
        enforcement.save_patrol(store, {"patrol_date": day, "township": "东镇", "route": "全域"})
    rows = {(r.township, r.month): r for r in enforcement.patrol_frequency(store, 2026, date(2026, 3, 20))}
    march = rows[("东镇", "2026-03")]
    assert (march.patrols, march.weeks, march.short_weeks, march.passed) == (3, 2, ("2026-03-09",), False)
    assert rows[("东镇", "2026-01")].weeks == 5  # Dec 29 – Jan 4 belongs to January (its Thursday)
    assert ("东镇", "2026-04") not in rows  # no April week has ended yet
    path = write_enforcement(store, tmp_path / "日常执法.xlsx", date(2026, 3, 20))
    sheet = [[c.value for c in row] for row in load_workbook(path)["巡查频次"].iter_rows()]
    assert ["东镇", "2026-03", 3, 2, 1, "否", "2026-03-09"] in sheet
    assert any(str(r[0]).startswith("国土所每周至少全域巡查2次") for r in sheet)


def test_xlsx_template_import_finds_the_header_row(store, tmp_path):
    from weipian_plugin.exporters.enforcement_xlsx import read_rows

    wb = Workbook()
    ws = wb.active
    ws.title = "巡查台账"
    ws.append(["青禾县巡查台账"])
    ws.append(["巡查日期", "乡镇", "巡查路线", "巡查人员", "发现问题"])
    ws.append([date(2026, 3, 2), "东镇", "东镇—李家村", "张伟", "无"])
    clues = wb.create_sheet("线索")
    clues.append(["线索编号", "来源", "X", "Y", "发现日期", "占地面积（亩）"])
    clues.append(["C1", "微信", X0, Y0, "20260303", 30])
    wb.save(tmp_path / "模板.xlsx")
    template = tmp_path / "模板.xlsx"
    result = enforcement.import_enforcement(store, read_rows(template, "patrols"), read_rows(template, "clues"))
    assert (result.patrols_added, result.clues_added) == (1, 1)
    status = enforcement.clue_deadlines(store, date(2026, 3, 3))[0]
    assert (status.source, status.discovered, status.major) == ("微信", date(2026, 3, 3), True)
    assert enforcement.patrol_rows(store)[0].patrol_date == "2026-03-02"


def test_html_section(store, tmp_path):
    from weipian_plugin.exporters.report import write_report

    graded_store(store)
    report = write_report(store, tmp_path / "报告.html", "2026年3月", today=date(2026, 3, 20)).read_text("utf-8")
    html = report[report.index('<section id="daily-enforcement">'):]
    html = html[:html.index("</section>") + len("</section>")]
    assert "P_FAR" in html and "P_LATE" in html and "P_OVERLAP" not in html
    assert '<tr class="flag"><td class="name">东镇</td>' in html
    assert "FAR" in html.split("办理期限已逾期的线索")[1]


def test_full_report_includes_the_section(store, tmp_path):
    from weipian_plugin.exporters.report import write_report

    graded_store(store)
    html = write_report(store, tmp_path / "report.html", "2026年").read_text(encoding="utf-8")
    assert html.count('id="daily-enforcement"') == 1 and html.rstrip().endswith("</html>")


# -- processing --------------------------------------------------------------------------------------
def test_processing_import_and_grade(weipian_provider, store, tmp_path):
    address = store.address
    import processing

    graded_store(store)
    store.close()
    clues = write_csv(tmp_path / "c.csv", [CLUE_HEADER, clue_line("NEW", x=X0 + 2050, y=Y0 + 50,
                                                                  found="2026-03-01")], "gbk")
    result = processing.run("weipian:importenforcement", {"STORE": address, "CLUES": str(clues)})
    assert result == {"PATROLS_ADDED": 0, "CLUES_ADDED": 1, "CLUES_UPDATED": 0}
    out = tmp_path / "评价.xlsx"
    result = processing.run("weipian:gradeenforcement", {"STORE": address, "OUTPUT": str(out),
                                                        "TODAY": "2026-03-20"})
    assert result["OUTPUT"] == str(out) and (result["VIOLATIONS"], result["FOUND"]) == (4, 3)
    assert result["OVERDUE_CLUES"] == 3  # FAR, LEGAL and NEW have neither stop notice nor report
    rows = _sheet_rows(load_workbook(out)["日常执法评价"])
    assert next(r for r in rows if r[0] == "西乡")[4] == 1  # 日常执法发现: NEW found P_FAR


def test_processing_import_error_is_readable(weipian_provider, store, tmp_path):
    address = store.address
    import processing
    from qgis.core import QgsProcessingException

    store.close()
    bad = write_csv(tmp_path / "bad.csv", [CLUE_HEADER, clue_line("C1", found="someday")], "utf-8-sig")
    with pytest.raises(QgsProcessingException, match="第2行"):
        processing.run("weipian:importenforcement", {"STORE": address, "CLUES": str(bad)})


def test_problem_points_count_a_described_problem_without_a_point():
    from weipian_plugin.core.enforcement.patrols import problem_points

    assert problem_points("发现一处新建厂房", 0) == 1
    assert problem_points("发现建房两处", 2) == 2
    for none in ("无", "", None, "未发现新增违法用地行为", "无新增违法", "正常", "未见异常"):
        assert problem_points(none, 0) == 0, none
