"""The review dock driven like a reviewer does: real widgets (offscreen), a real GeoPackage work store."""
import json
import sqlite3

import numpy as np
import pytest
import shapely
from qgis.core import QgsProject
from qgis.PyQt.QtCore import QDate, Qt
from qgis.PyQt.QtGui import QColor, QImage
from qgis.PyQt.QtWidgets import QApplication, QMessageBox

from weipian_plugin.core.intake.importer import create_store_for, import_patches
from weipian_plugin.core.review import records as review
from weipian_plugin.core.statistics.ledger import round_half_up
from weipian_plugin.core.store.workstore import WorkStore
from weipian_plugin.core.units import MU_M2, m2_to_mu

X0, Y0 = 39_500_000.0, 3_300_000.0
SIZE = 50.0
REASON = "批文未覆盖，未覆盖耕地 1.50 亩"


def make_store(path, shapefile_writer, n=5, batch="2026-01"):
    geoms = [shapely.box(X0 + i * 200, Y0, X0 + i * 200 + SIZE, Y0 + SIZE) for i in range(n)]
    shp = shapefile_writer(path.parent / "in" / f"{batch}.shp", geoms,
                           {"JCBH": [f"J{i:03d}" for i in range(n)], "TBLX": ["DT"] * n, "XMC": ["青禾县"] * n})
    with create_store_for(path, shp) as store:
        import_patches(store, shp, batch)
        basis = {"documents": [{"role": "approvals", "doc": "青政地〔2025〕7号", "share": 0.25, "area_m2": 625.0}],
                 "cultivated_m2": 1000.0}
        rows = [(fid, "违法", None, REASON, json.dumps(basis, ensure_ascii=False), 1000.0, 400.0, SIZE * SIZE, 0.0)
                for (fid,) in store.conn.execute("SELECT fid FROM patches ORDER BY fid")]
        with store.transaction() as conn:
            conn.executemany("INSERT INTO analysis (patch_fid, suggestion, suggestion_type, suggestion_reason, basis, "
                             "cultivated_m2, basic_farmland_m2, new_construction_m2, stock_construction_m2) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return path


def fid_of(path, jcbh):
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT fid FROM patches WHERE jcbh=?", (jcbh,)).fetchone()[0]


def query(path, sql, params=()):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


@pytest.fixture
def store_file(tmp_path, shapefile_writer):
    return make_store(tmp_path / "青禾县_2026_卫片.gpkg", shapefile_writer)


@pytest.fixture(autouse=True)
def fresh_workspace(qgis_app):
    """Each test starts from the workspace a new user has (the dock remembers filters and sizes)."""
    from weipian_plugin.settings import Settings

    for setting in (Settings.review_filters, Settings.review_splitter, Settings.review_columns):
        setting.set_value(setting.default)


@pytest.fixture
def dock(qgis_iface, qgis_new_project, qtbot, store_file):
    from weipian_plugin.gui.review_dock import ReviewDock
    window = qgis_iface.mainWindow()
    widget = ReviewDock(qgis_iface, str(store_file))
    qgis_iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, widget)
    window.resize(1200, 900)
    window.show()
    qtbot.waitExposed(window)
    widget.show()
    yield widget
    widget.shutdown()
    widget.setParent(None)
    widget.deleteLater()


def press(qtbot, dock, key, modifier=Qt.KeyboardModifier.NoModifier, widget=None):
    """A key press in the active window, on the list unless ``widget`` is given, as a keyboard sends it."""
    window = dock.window()
    window.activateWindow()
    QApplication.setActiveWindow(window)
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    widget = widget or dock.tableView
    widget.setFocus()
    qtbot.keyClick(widget, key, modifier)


def test_selecting_a_row_shows_the_suggestion_beside_an_empty_choice(dock, store_file):
    assert dock.proxy.rowCount() == 5
    assert "5 patches" in dock.countsLabel.text()
    dock.tableView.setCurrentIndex(dock.proxy.index(1, 0))
    assert dock.patch["jcbh"] == "J001"
    assert dock.suggestionLabel.text() == "违法"
    assert dock.reasonLabel.text() == REASON
    assert "青政地〔2025〕7号" in dock.basisView.toPlainText() and "25.0%" in dock.basisView.toPlainText()
    assert dock.resultCombo.currentData() is None
    assert dock.acceptButton.isEnabled() and not dock.saveButton.isEnabled()


def test_the_mining_suggestion_is_shown_beside_the_land_one(dock, store_file):
    with sqlite3.connect(store_file) as conn:
        conn.execute("UPDATE analysis SET mining_suggestion='违法', mining_suggestion_type='无证开采', "
                     "mining_suggestion_reason='图斑类型为采矿（CK），未与任何采矿许可范围重叠。' "
                     "WHERE patch_fid=(SELECT fid FROM patches WHERE jcbh='J002')")
    dock.tableView.setCurrentIndex(dock.proxy.index(2, 0))
    assert dock.patch["jcbh"] == "J002"
    assert dock.suggestionLabel.text() == "违法 · mining: 违法/无证开采"
    assert dock.reasonLabel.text() == REASON + "\n图斑类型为采矿（CK），未与任何采矿许可范围重叠。"


def test_accept_suggestion_by_keyboard_writes_determination_and_audit(dock, store_file, qtbot):
    fid = fid_of(store_file, "J002")
    assert dock.select_fid(fid)
    press(qtbot, dock, Qt.Key.Key_A, widget=dock.resultCombo)  # letters typed in the form are no shortcuts
    press(qtbot, dock, Qt.Key.Key_N, widget=dock.resultCombo)
    assert dock.fid == fid and query(store_file, "SELECT count(*) FROM determinations") == [(0,)]
    press(qtbot, dock, Qt.Key.Key_A)
    rows = query(store_file, "SELECT result, illegal_m2, illegal_cultivated_m2, illegal_basic_farmland_m2, "
                             "violation_category, from_suggestion, reviewer FROM determinations WHERE patch_fid=?", (fid,))
    area = query(store_file, "SELECT area_m2 FROM patches WHERE fid=?", (fid,))[0][0]
    assert rows == [("违法", area, 1000.0, 400.0, "新增", 1, rows[0][6])] and rows[0][6]
    audit = query(store_file, "SELECT action, table_name, new_values FROM audit_log WHERE patch_fid=?", (fid,))
    assert [(a, t) for a, t, _ in audit] == [("insert", "determinations")]
    assert json.loads(audit[0][2])["result"] == "违法"
    # the form and the list show the saved state
    assert dock.resultCombo.currentData() == "违法"
    assert dock.illegalSpin.value() == pytest.approx(area / MU_M2, abs=1e-4)
    assert "1 judged" in dock.countsLabel.text() and "1 illegal" in dock.countsLabel.text()
    row = dock.model.rows[dock.model.row_of[fid]]
    assert row[7] == "违法" and row[9] == "未整改"
    press(qtbot, dock, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # again: nothing changes
    assert len(query(store_file, "SELECT * FROM audit_log WHERE patch_fid=?", (fid,))) == 1
    other = fid_of(store_file, "J003")
    dock.select_fid(other)
    press(qtbot, dock, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier, widget=dock.resultCombo)
    assert query(store_file, "SELECT result FROM determinations WHERE patch_fid=?", (other,)) == [("违法",)]


def test_changing_the_result_records_old_and_new(dock, store_file):
    fid = fid_of(store_file, "J000")
    dock.select_fid(fid)
    assert dock.accept_suggestion()
    dock.resultCombo.setCurrentIndex(dock.resultCombo.findData("合法"))
    dock.subtypeCombo.setCurrentIndex(dock.subtypeCombo.findData("批文"))
    assert [dock.subtypeCombo.itemData(i) for i in range(dock.subtypeCombo.count())][:3] == [None, "批文", "供地手续"]
    dock.docNumbersEdit.setText("青政地〔2025〕7号")
    assert dock.is_dirty() and dock.messagesLabel.text() == "" and dock.saveButton.isEnabled()
    dock.saveButton.click()
    assert query(store_file, "SELECT result, subtype, doc_numbers, illegal_m2, from_suggestion FROM determinations "
                             "WHERE patch_fid=?", (fid,)) == [("合法", "批文", "青政地〔2025〕7号", None, 0)]
    old, new = query(store_file, "SELECT old_values, new_values FROM audit_log WHERE patch_fid=? AND action='update'",
                     (fid,))[0]
    assert (json.loads(old)["result"], json.loads(new)["result"]) == ("违法", "合法")
    assert not dock.is_dirty()
    dock.tabs.setCurrentWidget(dock.historyTab)
    fields = [dock.historyTree.topLevelItem(i).text(2) for i in range(dock.historyTree.topLevelItemCount())]
    assert "判定结果" in fields
    item = next(dock.historyTree.topLevelItem(i) for i in range(dock.historyTree.topLevelItemCount())
                if dock.historyTree.topLevelItem(i).text(2) == "判定结果")
    assert (item.text(3), item.text(4)) == ("违法", "合法")


def test_invalid_areas_are_shown_inline_and_not_saved(dock, store_file):
    fid = fid_of(store_file, "J001")
    dock.select_fid(fid)
    dock.resultCombo.setCurrentIndex(dock.resultCombo.findData("违法"))
    assert dock.categoryCombo.currentData() == "新增"  # from the analysis
    assert dock.illegalSpin.value() == pytest.approx(SIZE * SIZE / MU_M2, rel=1e-3)  # prefilled
    dock.cultivatedSpin.setValue(dock.illegalSpin.value() + 1)
    assert "其中耕地面积" in dock.messagesLabel.text()
    assert not dock.saveButton.isEnabled()
    assert query(store_file, "SELECT count(*) FROM determinations")[0][0] == 0


def test_locked_batch_refuses_determination_edits_and_says_why(dock, store_file, monkeypatch):
    fid = fid_of(store_file, "J003")
    dock.select_fid(fid)
    dock.accept_suggestion()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert dock.lock_batch("一上")
    assert "一上" in dock.lockLabel.text() and not dock.lockLabel.isHidden()
    assert not dock.decisionGroup.isEnabled() and not dock.acceptButton.isEnabled()
    # 查处整改 stays open all year: a case filed after 一上 is saved
    assert dock.caseGroup.isEnabled() and dock.addAttachmentButton.isEnabled()
    dock.tabs.setCurrentWidget(dock.rectificationTab)
    dock.caseCombo.setCurrentIndex(dock.caseCombo.findData(1))
    dock.caseNumberEdit.setText("青自然资罚〔2026〕30号")
    assert dock.rectSaveButton.isEnabled(), dock.rectMessagesLabel.text()
    dock.rectSaveButton.click()
    assert query(store_file, "SELECT case_number FROM rectifications WHERE patch_fid=?", (fid,)) == [
        ("青自然资罚〔2026〕30号",)]
    dock.resultCombo.setCurrentIndex(dock.resultCombo.findData("合法"))  # even if forced programmatically
    assert not dock.saveButton.isEnabled()
    assert not dock.save_determination()
    assert "锁定" in dock.messagesLabel.text()
    assert query(store_file, "SELECT result FROM determinations WHERE patch_fid=?", (fid,)) == [("违法",)]
    assert query(store_file, "SELECT stage, locks FROM stage_events") == [("一上", 1)]


def test_rectification_changes_derived_status_and_remaining_area(dock, store_file):
    fid = fid_of(store_file, "J004")
    dock.select_fid(fid)
    assert not dock.rectificationTab.isEnabled()
    dock.accept_suggestion()
    assert dock.rectificationTab.isEnabled()
    area = dock.patch["area_m2"]
    assert "未整改" in dock.rectStatusLabel.text()
    dock.tabs.setCurrentWidget(dock.rectificationTab)
    dock.caseCombo.setCurrentIndex(dock.caseCombo.findData(1))
    dock.caseDateEdit.setDate(QDate(2026, 2, 3))  # a date editor, not typed text
    dock.caseNumberEdit.setText("青自然资罚〔2026〕12号")
    dock.demolishedSpin.setValue(area / 2 / MU_M2)
    assert dock.rectSaveButton.isEnabled(), dock.rectMessagesLabel.text()
    dock.rectSaveButton.click()
    status = review.patch_status(WorkStore.open(store_file), fid)
    assert status["status"] == "整改中" and status["remaining_m2"] == pytest.approx(area / 2, rel=1e-4)
    assert "整改中" in dock.rectStatusLabel.text()
    assert f"{round_half_up(m2_to_mu(area / 2), 2):.2f} mu" in dock.rectStatusLabel.text()
    assert dock.caseDateEdit.date() == QDate(2026, 2, 3) and not dock.caseDateEdit.isNull()
    assert dock.model.rows[dock.model.row_of[fid]][9] == "整改中"
    dock.restoredSpin.setValue(area / MU_M2)
    dock.save_rectification()
    assert "已整改" in dock.rectStatusLabel.text() and "0.00 mu" in dock.rectStatusLabel.text()
    assert "1 rectified" in dock.countsLabel.text()
    dock.caseDateEdit.clear()  # an unknown date stays empty
    assert dock.rectification_values()["case_date"] is None


def test_attachment_round_trips_byte_for_byte_with_thumbnail(dock, store_file, tmp_path):
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor(200, 30, 30))
    photo = tmp_path / "现场照片.jpg"
    assert image.save(str(photo), "JPG")
    doc = tmp_path / "询问笔录.pdf"
    doc.write_bytes(b"%PDF-1.4 not really\x00\xff")
    fid = fid_of(store_file, "J001")
    dock.select_fid(fid)
    dock.tabs.setCurrentWidget(dock.attachmentsTab)
    ids = dock.add_attachments([str(photo), str(doc)])
    assert len(ids) == 2
    stored = dict(query(store_file, "SELECT file_name, data FROM attachments WHERE patch_fid=?", (fid,)))
    assert stored["现场照片.jpg"] == photo.read_bytes() and stored["询问笔录.pdf"] == doc.read_bytes()
    assert dock.attachmentsTree.topLevelItemCount() == 2
    first = dock.attachmentsTree.topLevelItem(0)
    assert first.text(0) == "现场照片.jpg" and not first.icon(0).isNull()
    assert dock.attachmentsTree.topLevelItem(1).icon(0).isNull()
    exported = review.export_attachment(dock.store, ids[1], tmp_path / "out")
    assert exported.read_bytes() == doc.read_bytes()


def test_keyboard_moves_through_unjudged_patches(dock, store_file, qtbot):
    with WorkStore.open(store_file) as store:
        review.accept_suggestion(store, fid_of(store_file, "J001"), "tester")
        review.accept_suggestion(store, fid_of(store_file, "J002"), "tester")
    dock.reload()
    dock.tableView.setCurrentIndex(dock.proxy.index(0, 0))
    assert dock.patch["jcbh"] == "J000"
    press(qtbot, dock, Qt.Key.Key_N)
    assert dock.patch["jcbh"] == "J003"  # J001 and J002 are judged
    press(qtbot, dock, Qt.Key.Key_K)
    assert dock.patch["jcbh"] == "J002"
    press(qtbot, dock, Qt.Key.Key_J)
    press(qtbot, dock, Qt.Key.Key_J)
    assert dock.patch["jcbh"] == "J004"
    press(qtbot, dock, Qt.Key.Key_N)
    assert dock.patch["jcbh"] == "J000"  # wraps round
    press(qtbot, dock, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert dock.patch["jcbh"] == "J003"


def test_unsaved_edits_ask_before_leaving(dock, store_file, monkeypatch):
    dock.select_fid(fid_of(store_file, "J000"))
    dock.projectEdit.setText("某物流园")
    answers = []

    def ask(answer):
        def _ask():
            answers.append(answer)
            return answer
        monkeypatch.setattr(dock, "ask_unsaved", _ask)

    ask(QMessageBox.StandardButton.Cancel)
    dock.step(1)
    assert dock.patch["jcbh"] == "J000" and dock.projectEdit.text() == "某物流园"
    assert dock.tableView.currentIndex().row() == 0
    ask(QMessageBox.StandardButton.Discard)
    dock.step(1)
    assert dock.patch["jcbh"] == "J001" and dock.projectEdit.text() == ""
    assert query(store_file, "SELECT count(*) FROM determinations")[0][0] == 0
    dock.resultCombo.setCurrentIndex(dock.resultCombo.findData("其他"))
    dock.subtypeCombo.setCurrentIndex(dock.subtypeCombo.findData("设施农用地"))
    ask(QMessageBox.StandardButton.Save)
    dock.step(1)
    assert dock.patch["jcbh"] == "J002"
    assert query(store_file, "SELECT result, subtype FROM determinations") == [("其他", "设施农用地")]
    assert answers == [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard,
                       QMessageBox.StandardButton.Save]
    dock.offenderEdit.setText("某公司")
    ask(QMessageBox.StandardButton.Cancel)
    assert not dock.close() and dock.isVisible()
    ask(QMessageBox.StandardButton.Discard)
    assert dock.close() and not dock.isVisible()
    assert dock.offenderEdit.text() == "" and not dock.is_dirty()


def test_filters_and_jcbh_search(dock, store_file, qtbot):
    with WorkStore.open(store_file) as store:
        review.accept_suggestion(store, fid_of(store_file, "J001"), "tester")
        store.conn.execute("UPDATE patches SET due_date='2000-01-01' WHERE jcbh IN ('J003', 'J004')")
    dock.reload()
    dock.searchEdit.setText("j00")
    qtbot.waitUntil(lambda: dock.proxy.rowCount() == 5)
    dock.searchEdit.setText("J003")
    qtbot.waitUntil(lambda: dock.proxy.rowCount() == 1)
    assert dock.proxy.index(0, 0).data() == "J003"
    dock.searchEdit.clear()
    qtbot.waitUntil(lambda: dock.proxy.rowCount() == 5)
    dock.overdueCheck.setChecked(True)
    assert dock.proxy.rowCount() == 2 and "2 overdue" in dock.countsLabel.text()
    assert dock.proxy.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    dock.overdueCheck.setChecked(False)
    dock.determinationCombo.setCurrentIndex(dock.determinationCombo.findData("违法"))
    assert dock.proxy.rowCount() == 1 and dock.proxy.index(0, 0).data() == "J001"
    dock.determinationCombo.setCurrentIndex(dock.determinationCombo.findText("(not judged)"))
    assert dock.proxy.rowCount() == 4
    dock.determinationCombo.setCurrentIndex(0)
    dock.tableView.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert dock.proxy.index(0, 0).data() == "J004"


def test_map_selection_and_list_follow_each_other(dock, store_file, qgis_iface):
    from weipian_plugin.gui.layers import ANALYSIS, add_store_layers

    layer = add_store_layers(str(store_file))[ANALYSIS]
    assert dock.map.layer is layer
    fid = fid_of(store_file, "J003")
    layer.selectByIds([fid])
    assert dock.fid == fid and dock.patch["jcbh"] == "J003"
    dock.select_fid(fid_of(store_file, "J001"))
    assert layer.selectedFeatureIds() == [fid_of(store_file, "J001")]
    assert layer.getFeature(fid_of(store_file, "J001"))["jcbh"] == "J001"
    extent = qgis_iface.mapCanvas().extent()
    centre = extent.center()
    assert abs(centre.x() - (X0 + 200 + SIZE / 2)) < 1 and abs(centre.y() - (Y0 + SIZE / 2)) < 1
    assert extent.width() > SIZE


def test_split_along_approval_red_line_gives_legal_and_illegal_parts(dock, store_file, tmp_path, shapefile_writer):
    fid = fid_of(store_file, "J000")
    approval = shapely.box(X0 - 20, Y0 - 20, X0 + SIZE * 0.4, Y0 + SIZE + 20)
    path = shapefile_writer(tmp_path / "refs" / "批文.shp", [approval], {"PZWH": ["青政地〔2025〕7号"]})
    with WorkStore.open(store_file) as store:
        store.set_setting("analysis_layers", {"approvals": str(path)})
    dock.select_fid(fid)
    dock.split_along_approvals()
    parts = query(store_file, "SELECT fid, jcbh, area_m2 FROM patches WHERE parent_fid=? ORDER BY fid", (fid,))
    assert [p[1] for p in parts] == ["J000-1", "J000-2"]
    parent_area = query(store_file, "SELECT area_m2 FROM patches WHERE fid=?", (fid,))[0][0]
    assert parts[0][2] + parts[1][2] == pytest.approx(parent_area, rel=1e-12)
    assert parts[0][2] == pytest.approx(parent_area * 0.4, rel=1e-3)
    assert dock.proxy.rowCount() == 7 and dock.fid == parts[0][0]
    assert "6 patches" in dock.countsLabel.text()
    dock.resultCombo.setCurrentIndex(dock.resultCombo.findData("合法"))
    dock.subtypeCombo.setCurrentIndex(dock.subtypeCombo.findData("批文"))
    assert dock.save_determination()
    dock.select_fid(parts[1][0])
    assert not dock.acceptButton.isEnabled()  # parts carry no analysis until it is re-run: judged by hand
    dock.resultCombo.setCurrentIndex(dock.resultCombo.findData("违法"))
    dock.categoryCombo.setCurrentIndex(dock.categoryCombo.findData("新增"))
    assert dock.illegalSpin.value() == pytest.approx(parts[1][2] / MU_M2, abs=1e-4)
    assert dock.save_determination(), dock.messagesLabel.text()
    assert query(store_file, "SELECT d.result, d.illegal_m2 FROM determinations d JOIN patches p "
                             "ON p.fid = d.patch_fid WHERE p.parent_fid=? ORDER BY p.fid", (fid,)) == [
        ("合法", None), ("违法", pytest.approx(parts[1][2]))]
    dock.select_fid(fid)
    assert "split" in dock.lockLabel.text() and not dock.decisionGroup.isEnabled()


def test_split_by_drawn_line(dock, store_file, qgis_iface):
    from weipian_plugin.gui.split_tool import SplitLineTool

    fid = fid_of(store_file, "J004")
    dock.select_fid(fid)
    dock.start_split_line()
    tool = qgis_iface.mapCanvas().mapTool()
    assert isinstance(tool, SplitLineTool)
    x = X0 + 800 + SIZE / 2
    line = shapely.LineString([(x, Y0 - 10), (x, Y0 + SIZE + 10)])
    tool.on_line(line)
    parts = query(store_file, "SELECT jcbh, area_m2 FROM patches WHERE parent_fid=?", (fid,))
    assert len(parts) == 2 and parts[0][1] == pytest.approx(parts[1][1], rel=1e-3)
    assert dock.patch["jcbh"] in ("J004-1", "J004-2")


def test_20000_patches_open_step_sort_and_search(qgis_iface, qgis_new_project, tmp_path, shapefile_writer):
    """A county-sized list works as a small one does; its speed is measured by `make bench`, not here."""
    from weipian_plugin.gui.review_dock import ReviewDock

    n = 20_000
    path = tmp_path / "big.gpkg"
    side = int(np.ceil(np.sqrt(n)))
    geoms = [shapely.box(X0 + (i % side) * 100, Y0 + (i // side) * 100, X0 + (i % side) * 100 + 40,
                         Y0 + (i // side) * 100 + 40) for i in range(n)]
    shp = shapefile_writer(tmp_path / "in" / "big.shp", geoms, {"JCBH": [f"B{i:05d}" for i in range(n)]})
    with create_store_for(path, shp) as store:
        import_patches(store, shp, "2026-02")
        with store.transaction() as conn:
            conn.executemany("INSERT INTO analysis (patch_fid, suggestion, suggestion_reason) VALUES (?, '违法', 'x')",
                             [(i,) for i in range(1, n + 1)])
    dock = ReviewDock(qgis_iface, str(path))
    qgis_iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.show()
    QApplication.processEvents()
    assert dock.proxy.rowCount() == n
    dock.tableView.setCurrentIndex(dock.proxy.index(0, 0))
    for _ in range(20):
        dock.step(1)
        QApplication.processEvents()
    assert dock.tableView.currentIndex().row() == 20
    dock.tableView.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    dock.searchEdit.setText("B1999")
    dock._filters_changed()
    assert dock.proxy.rowCount() == 10  # B19990 … B19999
    dock.shutdown()
    dock.setParent(None)
    QgsProject.instance().clear()


def test_plugin_actions_open_the_docks_and_unload_removes_them(qgis_iface, qgis_new_project, store_file, monkeypatch):
    import weipian_plugin
    from weipian_plugin.plugin import WeipianPlugin
    from weipian_plugin.settings import Settings

    removed = []
    monkeypatch.setattr(WeipianPlugin, "initProcessing", lambda self: None)  # tests/test_plugin_load.py covers it
    monkeypatch.setattr(qgis_iface, "removePluginMenu", lambda *a: None, raising=False)
    monkeypatch.setattr(qgis_iface, "removeDockWidget", removed.append, raising=False)
    monkeypatch.setattr(Settings.last_store, "value", lambda: str(store_file))
    qgis_iface.mainWindow().show()
    for _ in range(2):
        plugin = weipian_plugin.classFactory(qgis_iface)
        plugin.initGui()
        plugin.review_action.trigger()
        plugin.compare_action.trigger()
        review_dock, compare_dock = plugin.review_dock, plugin.compare_dock
        assert review_dock.store is not None and review_dock.proxy.rowCount() == 5
        assert review_dock.isVisible() and plugin.review_action.isChecked()
        plugin.review_action.trigger()
        assert not review_dock.isVisible() and not plugin.review_action.isChecked()
        plugin.unload()
        assert removed[-2:] == [review_dock, compare_dock]
        assert plugin.review_dock is None and review_dock.store is None
        assert compare_dock.toggleAction not in qgis_iface.mainWindow().actions()


def test_store_project_is_saved_inside_the_geopackage(qgis_iface, qgis_new_project, store_file, tmp_path,
                                                      shapefile_writer):
    from weipian_plugin.gui import project

    refs = shapefile_writer(tmp_path / "refs" / "批文.shp", [shapely.box(X0, Y0, X0 + 20, Y0 + 20)], {"PZWH": ["1号"]})
    with WorkStore.open(store_file) as store:
        store.set_setting("analysis_layers", {"approvals": str(refs)})
    assert not project.has_store_project(str(store_file))
    uri = project.save_store_project(str(store_file))
    assert project.has_store_project(str(store_file))
    assert query(store_file, "SELECT name FROM qgis_projects") == [("weipian",)]
    assert QgsProject.instance().mapLayers() == {}  # the user's own project was left alone
    assert project.open_store_project(str(store_file))
    loaded = QgsProject.instance()
    names = sorted(layer.name() for layer in loaded.mapLayers().values())
    assert names == sorted(["Patches by suggestion", "Patches by determination", "Patches (editable)",
                            "Determinations", "Rectifications", "建设用地审批"])
    by_name = {layer.name(): layer for layer in loaded.mapLayers().values()}
    assert by_name["Patches by suggestion"].featureCount() == 5
    assert by_name["Patches by suggestion"].renderer().classAttribute() == "suggestion"
    assert by_name["Patches by determination"].renderer().classAttribute() == "determination"
    assert project.project_store_path() == str(store_file)
    assert loaded.crs().authid() == "EPSG:4527" and uri.startswith("geopackage:")


def test_overlay_figures_from_the_dock(dock, tmp_path, monkeypatch):
    """The current patch's 套合图, then every listed patch's, from the dock's menu: the print layout."""
    import subprocess

    from qgis.PyQt.QtWidgets import QFileDialog

    dock.tableView.setCurrentIndex(dock.proxy.index(0, 0))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "one.pdf"), ""))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path / "all"))
    dock.export_figure()
    text = subprocess.run(["pdftotext", str(tmp_path / "one.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "套合图" in text and "本图斑" in text and "监测编号" in text  # the layout, not a bare map image
    (tmp_path / "all").mkdir()
    dock.export_figures()
    assert len(list((tmp_path / "all").glob("*.pdf"))) == dock.proxy.rowCount()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path / "case"))
    dock.export_dossier()
    assert (tmp_path / "case" / dock.patch["jcbh"] / "00_目录.pdf").exists()


def test_prefill_leaves_unmeasured_areas_empty_like_accept_suggestion(dock, store_file):
    """One behaviour for values the analysis did not measure (no 三调 overlaid): empty, never 0."""
    fid = fid_of(store_file, "J002")
    with WorkStore.open(store_file) as store:
        store.conn.execute("UPDATE analysis SET cultivated_m2 = NULL, basic_farmland_m2 = NULL WHERE patch_fid = ?",
                           (fid,))
        expected = review.suggested_violation(store, fid)
    assert expected["illegal_cultivated_m2"] is None and expected["illegal_basic_farmland_m2"] is None
    dock.select_fid(fid)
    dock.resultCombo.setCurrentIndex(dock.resultCombo.findData("违法"))
    values = dock.determination_values()
    assert values["illegal_m2"] == pytest.approx(expected["illegal_m2"])
    assert (values["illegal_cultivated_m2"], values["illegal_basic_farmland_m2"]) == (None, None)
    assert values["violation_category"] == "新增"
    assert dock.save_determination()
    dock.accept_suggestion()
    assert query(store_file, "SELECT illegal_cultivated_m2, illegal_basic_farmland_m2, from_suggestion "
                             "FROM determinations WHERE patch_fid=?", (fid,)) == [(None, None, 1)]


def test_workspace_fits_a_laptop_and_is_remembered(dock, qgis_iface, qtbot, store_file):
    from weipian_plugin.gui.review_dock import ReviewDock
    from weipian_plugin.settings import Settings

    assert dock.tableView.textElideMode() == Qt.TextElideMode.ElideMiddle  # 5001…0123, not 5001992026…
    for scroll, button in ((dock.determinationScroll, dock.saveButton), (dock.rectificationScroll, dock.rectSaveButton)):
        assert not scroll.isAncestorOf(button)  # below the scrolling form: always in view
    qgis_iface.mainWindow().resize(1366, 560)  # the dock area QGIS leaves at 1366×768 (tests/test_ui_fit.py)
    qtbot.wait(50)
    rows = dock.tableView.viewport().height() // dock.tableView.verticalHeader().defaultSectionSize()
    assert rows >= 4, rows  # a new user's list is a list, not a row and a half
    dock.splitter.setSizes([400, 300])
    dock.splitter.splitterMoved.emit(400, 1)
    dock.tableView.setColumnWidth(0, 157)
    dock.batchCombo.setCurrentIndex(dock.batchCombo.count() - 1)
    batch = dock.batchCombo.currentData()
    assert Settings.review_splitter.value() == dock.splitter.saveState()
    other = ReviewDock(qgis_iface, str(store_file))
    try:
        assert other.batchCombo.currentData() == batch and other.proxy.rowCount() == dock.proxy.rowCount()
        assert other.tableView.columnWidth(0) == 157
    finally:
        other.shutdown()
        other.deleteLater()


def test_history_reads_as_the_form_does(dock, store_file):
    dock.select_fid(fid_of(store_file, "J004"))
    dock.accept_suggestion()
    dock.tabs.setCurrentWidget(dock.rectificationTab)
    dock.caseCombo.setCurrentIndex(dock.caseCombo.findData(1))
    dock.rectSaveButton.click()
    dock.tabs.setCurrentWidget(dock.historyTab)
    rows = [[item.text(c) for c in range(5)] for item in
            (dock.historyTree.topLevelItem(i) for i in range(dock.historyTree.topLevelItemCount()))]
    by_label = {r[2]: r for r in rows}
    assert by_label["是否立案"][4] == "是"
    assert by_label["违法面积"][4].endswith(" 亩")
    assert all("T" not in r[0] and len(r[0]) == 19 for r in rows)


def test_header_total_is_the_ledgers_total(dock, store_file):
    from weipian_plugin.core.statistics.ledger import LEDGER_COLUMNS, display_table, ledger_rows

    with WorkStore.open(store_file) as store:
        _, totals = display_table(LEDGER_COLUMNS, ledger_rows(store))
    area = totals[[c.key for c in LEDGER_COLUMNS].index("area_mu")]
    assert dock.counts()["area"] == f"{area:.2f}"
    assert f"{area:.2f} mu" in dock.countsLabel.text()


def test_military_mark_by_hand_leaves_the_counts_and_referral_is_recorded(dock, store_file, monkeypatch):
    from qgis.PyQt.QtWidgets import QInputDialog

    fid = fid_of(store_file, "J004")
    dock.select_fid(fid)
    before = dock.counts()["total"]
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("军事管理区内", True))
    assert dock.batch.mark_military()
    assert dock.counts()["total"] == before - 1 and "涉军" not in dock.countsLabel.text()
    assert query(store_file, "SELECT source, note FROM military_land") == [("手工", "军事管理区内")]
    assert dock.batch.unmark_military() and dock.counts()["total"] == before

    dock.accept_suggestion()  # 违法: the rectification tab opens
    dock.tabs.setCurrentWidget(dock.rectificationTab)
    dock.restoredSpin.setValue(1.0)
    dock.restoredCultivatedSpin.setValue(0.5)
    dock.referralCombo.setCurrentIndex(dock.referralCombo.findData("公安机关"))
    dock.referralDateEdit.setDate(QDate(2026, 5, 6))
    dock.referralNumberEdit.setText("移〔2026〕3号")
    assert dock.rectSaveButton.isEnabled(), dock.rectMessagesLabel.text()
    dock.rectSaveButton.click()
    row = query(store_file, "SELECT restored_cultivated_m2, referral_agency, referral_date, referral_number "
                            "FROM rectifications WHERE patch_fid=?", (fid,))[0]
    assert row == (pytest.approx(0.5 * MU_M2), "公安机关", "2026-05-06", "移〔2026〕3号")


@pytest.mark.parametrize("answer", [QMessageBox.StandardButton.Save, QMessageBox.StandardButton.Discard])
def test_a_save_after_someone_elses_shows_what_changed_and_lets_the_reviewer_decide(dock, store_file, monkeypatch,
                                                                                     answer):
    fid = fid_of(store_file, "J000")
    dock.select_fid(fid)
    assert dock.accept_suggestion()
    with WorkStore.open(store_file) as other:  # a colleague saves the same patch meanwhile
        review.save_determination(other, fid, {"offender": "某村委会"}, "王五")
    dock.offenderEdit.setText("某公司")
    asked = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: asked.append(text) or answer)
    assert dock.save_determination() is (answer == QMessageBox.StandardButton.Save)
    assert len(asked) == 1 and "王五" in asked[0] and "违法主体：（空） → 某村委会" in asked[0]
    kept = "某公司" if answer == QMessageBox.StandardButton.Save else "某村委会"
    assert query(store_file, "SELECT offender FROM determinations WHERE patch_fid=?", (fid,)) == [(kept,)]
    assert dock.offenderEdit.text() == kept and not dock.is_dirty()
