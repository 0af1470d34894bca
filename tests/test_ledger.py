"""图斑台账, township summary and monthly progress: core values and the xlsx cells against the store.

``make_store`` builds the small county the export tests share: two batches imported from real
shapefiles, then analysis, determinations and rectifications written by SQL as a person would.
"""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
import shapely
from conftest import write_shapefile

from weipian_plugin.core.intake.importer import import_patches
from weipian_plugin.core.statistics.ledger import (
    LEDGER_COLUMNS,
    PROGRESS_COLUMNS,
    SUMMARY_COLUMNS,
    accountability_records,
    field_check_rows,
    ledger_rows,
    monthly_progress,
    round_half_up,
    township_summary,
)
from weipian_plugin.core.store.workstore import WorkStore

X0, Y0 = 39_500_000.0, 3_300_000.0
MU = 2000.0 / 3.0

# jcbh: (batch, township code, township name)
PATCHES = {
    "J001": (0, "101", "甲镇"), "J002": (0, "101", "甲镇"), "J003": (0, "102", "乙镇"), "J004": (0, "102", "乙镇"),
    "J005": (1, "101", "甲镇"), "J006": (1, "102", "乙镇"), "J007": (1, "103", "丙镇"),
}
BATCHES = (("2026年3月", dt.date(2026, 3, 10)), ("2026年4月", dt.date(2026, 4, 8)))
# analysis: approved, cultivated, basic farmland, suggestion, suggestion type, 新增/存量 (as areas, see NEW_STOCK)
ANALYSIS = {
    "J001": (7000.0, 2000.0, 0.0, "合法", "批文", "新增"),
    "J002": (0.0, 3500.0, 1200.0, "违法", "非农违法", "新增"),
    "J003": (0.0, 2500.0, 0.0, "违法", "非农违法", "新增"),
    "J004": (0.0, 0.0, 0.0, "其他", "设施农用地", None),
    "J005": (0.0, 1000.0, 0.0, "待核", "", "新增"),
    "J006": (0.0, 300.0, 0.0, "违法", "非农违法", "存量"),
    "J007": (0.0, 1200.0, 0.0, "违法", "非农违法", "新增"),
}
NEW_STOCK = {"新增": (8000.0, 0.0), "存量": (0.0, 8000.0), None: (0.0, 0.0)}
"""The analysis' new_construction_m2 and stock_construction_m2 (the 80 m × 100 m patches)."""
# determinations: result, subtype, category (None = from analysis), illegal, cultivated, basic farmland, project
DETERMINATIONS = {
    "J001": ("合法", "批文", None, None, None, None, None),
    "J002": ("违法", "非农违法", "新增", 6000.0, 3000.0, 1000.0, None),
    "J003": ("违法", "非农违法", "新增", 4000.0, 2500.0, 0.0, None),
    "J004": ("其他", "设施农用地", None, None, None, None, None),
    "J006": ("违法", "非农违法", None, 1500.0, 300.0, 0.0, None),
    "J007": ("违法", "非农违法", "新增", 5000.0, 1200.0, 0.0, "某高速公路"),
}
# rectifications: case number, case date, restored, of which cultivated, supplement doc, supplement area
RECTIFICATIONS = {
    "J002": ("青禾立〔2026〕12号", "2026-04-20", 1000.0, 1000.0, None, None),
    "J003": (None, None, None, None, "青政地〔2026〕7号", 4000.0),
}


def make_store(directory):
    """The shared test county in ``directory``; returns the store path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "青禾县_2026_卫片.gpkg"
    with WorkStore.create(path, 4527, "青禾县", "500199", 2026) as store:
        for b, (name, received) in enumerate(BATCHES):
            codes = [j for j, (batch, *_rest) in PATCHES.items() if batch == b]
            geoms = [shapely.box(X0 + 200 * i, Y0 + 300 * b, X0 + 200 * i + 100, Y0 + 300 * b + 80)
                     for i, _ in enumerate(codes)]
            shp = write_shapefile(directory / f"batch{b}.shp", geoms, {
                "JCBH": codes, "XZQDM": ["500199"] * len(codes), "XMC": ["青禾县"] * len(codes),
                "TBLX": ["20"] * len(codes), "HSX": ["2026-02-01"] * len(codes)})
            import_patches(store, shp, name, received=received)
        fid = dict(store.conn.execute("SELECT jcbh, fid FROM patches"))
        with store.transaction() as conn:
            for jcbh, (_b, code, township) in PATCHES.items():
                conn.execute("UPDATE patches SET township_code=?, township_name=? WHERE fid=?",
                             (code, township, fid[jcbh]))
            conn.execute("UPDATE patches SET due_date='2020-01-01' WHERE fid=?", (fid["J005"],))
            conn.execute("UPDATE patches SET due_date='2099-01-01' WHERE jcbh != 'J005'")
            conn.executemany(
                "INSERT INTO analysis (patch_fid, approved_m2, cultivated_m2, basic_farmland_m2, suggestion, "
                "suggestion_type, suggestion_reason, new_construction_m2, stock_construction_m2) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(fid[j], *a[:5], f"{j} 的理由", *NEW_STOCK[a[5]]) for j, a in ANALYSIS.items()])
            conn.executemany(
                "INSERT INTO determinations (patch_fid, result, subtype, violation_category, illegal_m2, "
                "illegal_cultivated_m2, illegal_basic_farmland_m2, project_name, reviewer) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, '张三')",
                [(fid[j], *d) for j, d in DETERMINATIONS.items()])
            conn.executemany(
                "INSERT INTO rectifications (patch_fid, case_number, case_date, restored_m2, restored_cultivated_m2, "
                "supplement_doc, supplement_m2, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, '李四')",
                [(fid[j], *r) for j, r in RECTIFICATIONS.items()])
            store.set_setting("infrastructure_projects", ["某高速公路"], conn)
    return path


@pytest.fixture(scope="session")
def county_store(tmp_path_factory):
    return make_store(tmp_path_factory.mktemp("county"))


@pytest.fixture
def county(county_store, store_on):
    """A private copy of the test county on each backend."""
    return store_on(county_store)


@pytest.fixture(scope="session")
def ledger_xlsx(county_store, tmp_path_factory):
    from weipian_plugin.exporters.xlsx import write_ledger

    out = tmp_path_factory.mktemp("ledger") / "图斑台账.xlsx"
    with WorkStore.open(county_store) as store:
        assert write_ledger(store, out) == out
    return out


def store_areas(path) -> dict:
    with WorkStore.open(path) as store:
        return dict(store.conn.execute("SELECT jcbh, area_m2 FROM patches"))


def mu(m2, decimals=2):
    return round_half_up(m2 * 3 / 2000, decimals)


# -- core --------------------------------------------------------------------------------------------
def test_round_half_up_is_not_bankers_rounding():
    assert round_half_up(0.125, 2) == 0.13
    assert round_half_up(2.675, 2) == 2.68  # binary 2.67499..., displayed 2.675
    assert round_half_up(-0.5, 0) == -1


def test_ledger_rows_follow_the_store(county):
    areas = store_areas(county)
    with WorkStore.open(county) as store:
        rows = {r.jcbh: r for r in ledger_rows(store)}
    assert list(rows) == list(PATCHES)
    j2 = rows["J002"]
    assert (j2.batch, j2.township, j2.result, j2.violation_category) == ("2026年3月", "甲镇", "违法", "新增")
    assert j2.status == "整改中" and j2.remaining_m2 == pytest.approx(5000.0)
    assert rows["J003"].status == "已整改" and rows["J003"].remaining_m2 == 0
    assert rows["J005"].status == "未判定" and rows["J005"].overdue
    assert not any(r.overdue for j, r in rows.items() if j != "J005")
    assert rows["J001"].area_m2 == pytest.approx(areas["J001"])
    col = next(c for c in LEDGER_COLUMNS if c.key == "illegal_cultivated_mu")
    assert col.value(j2) == 4.5  # 3000 m² = 4.5 亩
    assert next(c for c in LEDGER_COLUMNS if c.key == "overdue").value(rows["J005"]) == "是"


def test_split_parents_are_left_out_and_batch_filter(county, tmp_path):
    path = county
    with WorkStore.open(path) as store:
        with store.transaction() as conn:
            conn.execute("UPDATE patches SET split_state='被拆分' WHERE jcbh='J004'")
        assert [r.jcbh for r in ledger_rows(store)] == ["J001", "J002", "J003", "J005", "J006", "J007"]
        assert [r.jcbh for r in ledger_rows(store, "2026年4月")] == ["J005", "J006", "J007"]
        assert [r.seq for r in ledger_rows(store, "2026年4月")] == [1, 2, 3]
        assert ledger_rows(store, year=2025) == []


def test_township_summary_hand_counted(county):
    areas = store_areas(county)
    with WorkStore.open(county) as store:
        summary = {s.township: s for s in township_summary(store)}
        assert township_summary(store, year=2025) == []
    assert list(summary) == ["甲镇", "乙镇", "丙镇"]
    jia = summary["甲镇"]
    # J001 合法; J002 违法新增 6000 m² of its patch, 3000 of its 3500 cultivated; J005 not judged.
    assert (jia.patch_count, jia.legal_count, jia.illegal_count, jia.undetermined_count) == (3, 1, 1, 1)
    assert jia.legal_m2 == pytest.approx(areas["J001"] + areas["J002"] - 6000)  # with J002's legal rest
    assert jia.legal_cultivated_m2 == pytest.approx(2000 + 500)
    assert (jia.illegal_m2, jia.illegal_cultivated_m2, jia.illegal_basic_farmland_m2) == (6000, 3000, 1000)
    assert jia.new_cultivated_m2 == pytest.approx(5500) and jia.ratio == pytest.approx(3000 / 5500)
    assert jia.undetermined_m2 == pytest.approx(areas["J005"])
    yi = summary["乙镇"]  # J003 违法新增, J004 其他, J006 违法存量: 存量 and 其他 are not 新增建设用地
    assert (yi.illegal_count, yi.stock_count, yi.other_count) == (1, 1, 1)
    assert (yi.illegal_m2, yi.stock_m2, yi.legal_m2) == (4000, 1500, pytest.approx(areas["J003"] - 4000))
    assert yi.new_cultivated_m2 == pytest.approx(2500) and yi.ratio == pytest.approx(1.0)
    assert (yi.violation_count, yi.rectified_count, yi.remaining_m2) == (2, 1, pytest.approx(1500))


def test_summary_splits_a_mixed_violation_by_the_analysed_areas(county, tmp_path):
    path = county
    with WorkStore.open(path) as store:
        with store.transaction() as conn:  # J006: a quarter 新增, three quarters 存量; no category by hand
            conn.execute("UPDATE analysis SET new_construction_m2 = 2000, stock_construction_m2 = 6000 "
                         "WHERE patch_fid = (SELECT fid FROM patches WHERE jcbh = 'J006')")
        yi = next(t for t in township_summary(store) if t.township == "乙镇")
    assert (yi.illegal_count, yi.stock_count) == (2, 0)
    assert yi.illegal_m2 == pytest.approx(4000 + 1500 / 4) and yi.stock_m2 == pytest.approx(1500 * 3 / 4)
    assert yi.illegal_cultivated_m2 == pytest.approx(2500 + 300)  # cultivated land is always 新增


def test_monthly_progress(county):
    with WorkStore.open(county) as store:
        april, to_date = monthly_progress(store, "2026-04")
        march, _ = monthly_progress(store, dt.date(2026, 3, 31))
        with pytest.raises(ValueError, match="YYYY-MM"):
            monthly_progress(store, "April")
    assert (april.patch_count, april.judged_count, april.illegal_count, april.overdue_count) == (3, 2, 2, 1)
    assert april.judged_share == pytest.approx(2 / 3)
    assert april.rectified_share == 0.0
    assert (to_date.patch_count, to_date.illegal_count, to_date.rectified_count) == (7, 4, 1)
    assert to_date.rectified_share == pytest.approx(0.25)
    assert (march.patch_count, march.undetermined_count, march.judged_share) == (4, 0, 1.0)
    assert next(c for c in PROGRESS_COLUMNS if c.key == "judged_share").value(april) == 0.6667


def test_accountability_records_mapping(county):
    with WorkStore.open(county) as store:
        recs = {r.record_id: r for r in accountability_records(store)}
        assert accountability_records(store, 2025) == []
    assert sorted(recs) == ["J002", "J003", "J006", "J007"]
    assert recs["J002"].restored and recs["J002"].restored_cultivated_m2 == 1000.0
    assert not recs["J002"].supplemented and not recs["J002"].major_infrastructure
    # 补办 covers the whole illegal area and no cultivated figure was recorded: all of it.
    assert recs["J003"].supplemented and recs["J003"].supplemented_cultivated_m2 is None
    assert recs["J006"].violation_category == "存量"  # from the analysis, the determination left it empty
    assert recs["J007"].major_infrastructure and recs["J007"].cultivated_m2 == 1200.0
    assert {r.county_code for r in recs.values()} == {"500199"}


def test_partial_supplement_is_proportional(county, tmp_path):
    path = county
    with WorkStore.open(path) as store:
        with store.transaction() as conn:
            conn.execute("UPDATE rectifications SET supplement_m2=1000 WHERE case_number IS NULL")
        rec = next(r for r in accountability_records(store) if r.record_id == "J003")
    assert rec.supplemented_cultivated_m2 == pytest.approx(2500 * 1000 / 4000)


def test_field_check_flag_at_50_mu_of_cultivated_land_under_new_buildings(county, tmp_path):
    path = county
    with WorkStore.open(path) as store:
        assert field_check_rows(store) == []
        fid = dict(store.conn.execute("SELECT jcbh, fid FROM patches"))
        with store.transaction() as conn:
            conn.execute("UPDATE determinations SET illegal_m2 = 40000, illegal_cultivated_m2 = ? WHERE patch_fid = ?",
                         (50 * MU, fid["J007"]))  # 违法新增, 50 亩 of cultivated land
            conn.execute("UPDATE analysis SET suggestion = '违法', cultivated_m2 = ? WHERE patch_fid = ?",
                         (49.99 * MU, fid["J005"]))  # not judged yet, suggested 违法 on 49.99 亩
            conn.execute("UPDATE determinations SET illegal_m2 = 40000, illegal_cultivated_m2 = ?, "
                         "violation_category = '存量' WHERE patch_fid = ?", (60 * MU, fid["J006"]))  # not 新增
        rows = field_check_rows(store)
        assert [(r.jcbh, r.result, round(r.cultivated_m2 / MU, 2)) for r in rows] == [("J007", "违法", 50.0)]
        with store.transaction() as conn:
            conn.execute("UPDATE analysis SET cultivated_m2 = ? WHERE patch_fid = ?", (50 * MU, fid["J005"]))
        assert [r.jcbh for r in field_check_rows(store)] == ["J005", "J007"]
        assert store.conn.execute("SELECT field_check FROM patch_analysis WHERE jcbh = 'J005'").fetchone() == (1,)


def test_restored_deduction_is_the_restored_cultivated_land(county, tmp_path):
    path = county
    with WorkStore.open(path) as store:
        with store.transaction() as conn:
            conn.execute("UPDATE rectifications SET restored_cultivated_m2 = 400 WHERE restored_m2 = 1000")
        assert next(r for r in accountability_records(store) if r.record_id == "J002").restored_cultivated_m2 == 400
        with store.transaction() as conn:  # not recorded: the 复耕 area's share of the illegal cultivated land
            conn.execute("UPDATE rectifications SET restored_cultivated_m2 = NULL WHERE restored_m2 = 1000")
        rec = next(r for r in accountability_records(store) if r.record_id == "J002")
    assert rec.restored_cultivated_m2 == pytest.approx(3000 * 1000 / 6000)


# -- xlsx ----------------------------------------------------------------------------------------------
def test_ledger_sheet_headers_layout_and_cells(ledger_xlsx, county_store):
    import openpyxl
    from openpyxl.utils import get_column_letter

    wb = openpyxl.load_workbook(ledger_xlsx)
    assert wb.sheetnames == ["图斑台账", "实际占用的新增建设用地统计汇总表", "实地核查", "月度进度"]
    ws = wb["图斑台账"]
    assert "青禾县2026年卫片执法图斑台账" == ws["A1"].value
    headers = [ws.cell(3, i + 1).value for i in range(len(LEDGER_COLUMNS))]
    keys = [c.key for c in LEDGER_COLUMNS]
    assert headers[0] is None and ws["A2"].value == "序号"  # merged over both header rows
    assert headers[3] == "监测编号" and headers[keys.index("area_mu")] == "图斑面积\n（亩）"  # unit kept whole
    assert ["".join(ws.cell(3, i + 1).value.split()) for i, c in enumerate(LEDGER_COLUMNS) if c.group] == \
        [c.title for c in LEDGER_COLUMNS if c.group]
    merged = {str(r) for r in ws.merged_cells.ranges}
    first = next(i for i, c in enumerate(LEDGER_COLUMNS) if c.group == "内业比对") + 1
    last = max(i for i, c in enumerate(LEDGER_COLUMNS) if c.group == "内业比对") + 1
    assert f"{get_column_letter(first)}2:{get_column_letter(last)}2" in merged
    assert ws.cell(2, first).value == "内业比对"
    assert "A2:A3" in merged
    n, ncol = len(PATCHES), len(LEDGER_COLUMNS)
    assert ws.freeze_panes == "E4"
    assert ws.auto_filter.ref == f"A3:{get_column_letter(ncol)}{3 + n}"
    assert ws.column_dimensions["D"].width >= 10

    areas = store_areas(county_store)
    col = {c.key: i + 1 for i, c in enumerate(LEDGER_COLUMNS)}
    for r in range(4, 4 + n):
        jcbh = ws.cell(r, col["jcbh"]).value
        assert ws.cell(r, col["area_mu"]).value == mu(areas[jcbh])
        assert ws.cell(r, col["area_mu"]).number_format == "0.00"
        assert ws.cell(r, col["area_m2"]).value == round_half_up(areas[jcbh], 2)
    j2 = next(r for r in range(4, 4 + n) if ws.cell(r, col["jcbh"]).value == "J002")
    assert ws.cell(j2, col["illegal_mu"]).value == 9.0
    assert ws.cell(j2, col["illegal_basic_farmland_mu"]).value == 1.5
    assert ws.cell(j2, col["remaining_mu"]).value == 7.5
    assert ws.cell(j2, col["case_number"]).value == "青禾立〔2026〕12号"
    assert ws.cell(j2, col["status"]).value == "整改中"
    assert ws.cell(j2, col["suggestion_reason"]).value == "J002 的理由"

    total = 4 + n
    assert ws.cell(total, 1).value == "合计"
    assert ws.cell(total, col["area_mu"]).value == pytest.approx(round(sum(mu(a) for a in areas.values()), 2))
    assert ws.cell(total, col["illegal_mu"]).value == pytest.approx(mu(6000 + 4000 + 1500 + 5000))
    assert ws.cell(total, col["jcbh"]).value is None
    assert ws.max_row == total + 2 and ws.cell(ws.max_row, 1).value.startswith("说明：底色标注的行")  # legend


def test_summary_and_progress_sheets(ledger_xlsx):
    import openpyxl

    wb = openpyxl.load_workbook(ledger_xlsx)
    ws = wb["实际占用的新增建设用地统计汇总表"]
    assert ws["A1"].value == "青禾县2026年实际占用的新增建设用地统计汇总表"
    keys = [c.key for c in SUMMARY_COLUMNS]
    rows = {ws.cell(r, 1).value: [ws.cell(r, i + 1).value for i in range(len(keys))] for r in range(4, ws.max_row + 1)}
    assert list(rows) == ["甲镇", "乙镇", "丙镇", "合计"]
    jia = dict(zip(keys, rows["甲镇"]))
    assert (jia["legal_count"], jia["illegal_count"], jia["undetermined_count"]) == (1, 1, 1)
    assert (jia["new_cultivated_mu"], jia["illegal_cultivated_mu"], jia["ratio"]) == (8.25, 4.5, round(3000 / 5500, 4))
    total = dict(zip(keys, rows["合计"]))
    assert (total["illegal_count"], total["stock_count"], total["other_count"]) == (3, 1, 1)
    assert total["illegal_cultivated_mu"] == mu(6700) and total["new_cultivated_mu"] == mu(9200)
    assert total["ratio"] == round(6700 / 9200, 4)  # the county's 第15号令 ratio before deductions
    assert ws.freeze_panes == "B4"

    ws = wb["月度进度"]
    assert "2026-04" in ws["A1"].value
    keys = [c.key for c in PROGRESS_COLUMNS]
    april = dict(zip(keys, [ws.cell(4, i + 1).value for i in range(len(keys))]))
    assert april["scope"] == "2026年4月下发" and april["patch_count"] == 3
    assert april["judged_share"] == 0.6667
    assert ws.cell(4, keys.index("judged_share") + 1).number_format == "0.00%"


def test_per_batch_sheets(county, tmp_path):
    import openpyxl

    from weipian_plugin.exporters.xlsx import write_ledger

    out = tmp_path / "per_batch.xlsx"
    with WorkStore.open(county) as store:
        write_ledger(store, out, per_batch_sheets=True)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:2] == ["2026年3月", "2026年4月"]
    ws = wb["2026年4月"]
    assert [ws.cell(r, 4).value for r in range(4, 7)] == ["J005", "J006", "J007"]
    assert ws.cell(7, 1).value == "合计"
    assert ws.cell(4, 1).fill.fgColor.rgb.endswith("F8CBAD")  # J005 is overdue: highlighted


def test_empty_store_exports_headers_and_zero_totals(tmp_path):
    import openpyxl

    from weipian_plugin.exporters.xlsx import write_ledger

    out = tmp_path / "empty.xlsx"
    with WorkStore.create(tmp_path / "empty.gpkg", 4527) as store:
        write_ledger(store, out, per_batch_sheets=True)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["图斑台账", "实际占用的新增建设用地统计汇总表", "实地核查"]  # no batch: no month
    ws = wb["图斑台账"]
    area = [c.key for c in LEDGER_COLUMNS].index("area_mu") + 1
    assert ws.cell(3, 4).value == "监测编号" and ws.cell(4, 1).value == "合计" and ws.cell(4, area).value == 0


def test_sheet_names_are_valid_and_unique():
    from weipian_plugin.exporters.xlsx import sheet_name

    assert sheet_name("2026/03:批次[1]") == "2026_03_批次_1_"
    assert len(sheet_name("很" * 40)) == 31
    assert sheet_name("台账", ["台账"]) == "台账(2)"


@pytest.mark.skipif(shutil.which("libreoffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice and poppler-utils are installed by make setup")
def test_libreoffice_renders_the_ledger(ledger_xlsx, tmp_path):
    subprocess.run(["libreoffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(ledger_xlsx)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / (ledger_xlsx.stem + ".pdf")
    assert pdf.stat().st_size > 1000
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    for expected in ("监测编号", "内业比对", "实际占用的新增建设用地统计汇总表", "J007", "甲镇", "合计"):
        assert expected in text
