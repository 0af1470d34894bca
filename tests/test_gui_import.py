"""The store and import dialogs, driven offscreen: create/open a store, import a GBK batch in the background."""
import sqlite3

import pytest
import shapely
from qgis.core import QgsApplication, QgsProject
from qgis.PyQt.QtCore import Qt, QTimer
from qgis.PyQt.QtWidgets import QApplication, QMessageBox

from weipian_plugin.core.intake import fieldmap
from weipian_plugin.core.store.workstore import WorkStore
from weipian_plugin.gui import store_dialog
from weipian_plugin.gui.import_dialog import ImportDialog
from weipian_plugin.gui.store_dialog import StoreDialog, choose_store

X0, Y0 = 39_500_000.0, 3_300_000.0


@pytest.fixture
def warnings(monkeypatch):
    shown = []
    monkeypatch.setattr(store_dialog.QMessageBox, "warning",
                        lambda parent, title, text: shown.append(text) or QMessageBox.StandardButton.Ok)
    return shown


@pytest.fixture
def provider(qgis_processing):
    from weipian_plugin.processing_algorithms.provider import WeipianProvider

    registry = QgsApplication.processingRegistry()
    added = WeipianProvider() if registry.providerById("weipian") is None else None
    if added:
        registry.addProvider(added)
    yield
    if added:
        registry.removeProvider(added)


@pytest.fixture
def project(qgis_new_project):
    yield QgsProject.instance()
    QgsProject.instance().removeAllMapLayers()
    QgsProject.instance().layerTreeRoot().removeAllChildren()


@pytest.fixture
def gbk_batch(tmp_path, shapefile_writer):
    """Chinese field names, GBK, no .cpg and no .prj: the way many batches arrive."""
    squares = [shapely.box(X0 + i * 200, Y0, X0 + i * 200 + 50, Y0 + 50) for i in range(3)]
    fields = {"监测编号": ["一-1", "一-2", "一-3"], "县名": ["青禾县"] * 3, "图斑类型": ["建构筑物", "硬化", "动土"],
              "后时相": ["2026-01-05"] * 3, "监测面积": [2500.0] * 3, "原编号": ["Y1", "Y2", "Y3"]}
    return shapefile_writer(tmp_path / "in" / "2026年1月.shp", squares, fields, encoding="GBK",
                            keep_cpg=False, keep_prj=False)


# -- store dialog ------------------------------------------------------------------------------------
def test_create_store_with_suggested_name(qtbot, tmp_path, warnings):
    dialog = StoreDialog(None, "")
    qtbot.addWidget(dialog)
    assert dialog.createRadio.isChecked() and dialog.crsWidget.crs().authid() == "EPSG:4527"
    dialog.folderWidget.setFilePath(str(tmp_path))
    dialog.countyEdit.setText("青禾县")
    dialog.yearSpin.setValue(2026)
    assert dialog.fileNameEdit.text() == "青禾县_2026_卫片.gpkg"
    dialog.accept()
    assert warnings == [] and dialog.result() == dialog.DialogCode.Accepted
    assert dialog.path == str(tmp_path / "青禾县_2026_卫片.gpkg")
    with WorkStore.open(dialog.path) as store:
        assert store.epsg == 4527 and store.meta("county_name") == "青禾县" and store.meta("year") == "2026"

    again = StoreDialog(None, "")
    qtbot.addWidget(again)
    again.folderWidget.setFilePath(str(tmp_path))
    again.countyEdit.setText("青禾县")
    again.yearSpin.setValue(2026)
    again.accept()
    assert again.path is None and len(warnings) == 1 and "已存在" in warnings[0]


def test_own_file_name_is_kept_and_geographic_crs_refused(qtbot, tmp_path, warnings):
    from qgis.core import QgsCoordinateReferenceSystem

    dialog = StoreDialog(None, "")
    qtbot.addWidget(dialog)
    dialog.folderWidget.setFilePath(str(tmp_path))
    dialog.fileNameEdit.setText("mine")
    dialog.countyEdit.setText("青禾县")
    assert dialog.fileNameEdit.text() == "mine"
    dialog.crsWidget.setCrs(QgsCoordinateReferenceSystem("EPSG:4490"))
    dialog.accept()
    assert dialog.path is None and len(warnings) == 1
    dialog.crsWidget.setCrs(QgsCoordinateReferenceSystem("EPSG:4546"))
    dialog.accept()
    assert dialog.path == str(tmp_path / "mine.gpkg")
    with WorkStore.open(dialog.path) as store:
        assert store.epsg == 4546


def test_open_existing_store_and_refuse_other_files(qtbot, tmp_path, store_path, warnings):
    WorkStore.create(store_path, 4527).close()
    dialog = StoreDialog(None, str(store_path))
    qtbot.addWidget(dialog)
    assert dialog.openRadio.isChecked() and dialog.openFile.filePath() == str(store_path)
    dialog.accept()
    assert dialog.path == str(store_path) and warnings == []

    other = tmp_path / "notes.gpkg"
    other.write_text("not a database")
    dialog = StoreDialog(None, str(other))
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.path is None and len(warnings) == 1 and str(other) in warnings[0]


def test_a_shared_store_opens_from_a_qgis_postgresql_connection(qtbot, pg_database, warnings):
    """The connection a bureau saved in QGIS's Browser is the store's address, without its password."""
    from qgis.core import QgsProviderRegistry

    from weipian_plugin.core.store import postgis

    address = "postgresql:" + pg_database
    WorkStore.create(address, 4527, county_name="青禾县").close()
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    metadata.saveConnection(metadata.createConnection(pg_database + " password=secret",
                                                      {"saveUsername": True, "savePassword": True}), "县局共享库")
    try:
        dialog = StoreDialog(None, "")
        qtbot.addWidget(dialog)
        dialog.sharedRadio.setChecked(True)
        assert dialog.sharedPage.isEnabled() and not dialog.openPage.isEnabled()
        dialog.connectionCombo.setCurrentText("县局共享库")
        dialog.accept()
        assert warnings == [] and postgis.is_address(dialog.path) and "secret" not in dialog.path
        with WorkStore.open(dialog.path) as store:
            assert store.meta("county_name") == "青禾县"
        again = StoreDialog(None, dialog.path)  # the last store, shared, is offered again
        qtbot.addWidget(again)
        assert again.sharedRadio.isChecked()
    finally:
        metadata.deleteConnection("县局共享库")


def test_choose_store_returns_the_path_or_none(qtbot, store_path):
    WorkStore.create(store_path, 4527).close()
    QTimer.singleShot(50, lambda: QApplication.activeModalWidget().accept())
    assert choose_store(None, str(store_path)) == str(store_path)
    QTimer.singleShot(50, lambda: QApplication.activeModalWidget().reject())
    assert choose_store(None, str(store_path)) is None


# -- import dialog -----------------------------------------------------------------------------------
def make_import_dialog(qtbot, qgis_iface, store, shp=None):
    dialog = ImportDialog(qgis_iface, str(store), None)
    qtbot.addWidget(dialog)
    if shp is not None:
        dialog.inputFile.setFilePath(str(shp))
    return dialog


def run_import(qtbot, dialog):
    qtbot.mouseClick(dialog.importButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.task is None, timeout=60_000)


def test_field_mapping_is_detected_from_the_file(qtbot, qgis_iface, store_path, gbk_batch):
    dialog = make_import_dialog(qtbot, qgis_iface, store_path, gbk_batch)
    assert dialog.batchEdit.text() == "2026年1月"
    assert "GB" in dialog.encodingInfo.text()
    assert dialog.mapping() == {"jcbh": "监测编号", "xmc": "县名", "tblx": "图斑类型", "hsx": "后时相",
                                "jcmj": "监测面积"}
    assert "中文字段" in dialog.presetInfo.text()
    row = fieldmap.CANONICAL.index("jcbh")
    combo = dialog.fieldTable.cellWidget(row, 1)
    assert [combo.itemText(i) for i in range(1, combo.count())] == \
        ["监测编号", "县名", "图斑类型", "后时相", "监测面积", "原编号"]
    combo.setCurrentIndex(combo.findData("原编号"))
    assert "jcbh=原编号" in dialog.field_map_text().split(";")

    dialog.encodingCombo.setCurrentIndex(dialog.encodingCombo.findData("utf-8"))  # wrong on purpose
    assert dialog.mapping() == {} and "Cannot read" in dialog.encodingInfo.text()


def test_import_through_the_dialog_creates_store_and_adds_layers(qtbot, qgis_iface, store_path, gbk_batch,
                                                                 provider, project):
    dialog = make_import_dialog(qtbot, qgis_iface, store_path, gbk_batch)
    assert not store_path.exists() and "new" in dialog.storeInfo.text()
    tz = dialog.fieldTable.cellWidget(fieldmap.CANONICAL.index("tz"), 1)
    tz.setCurrentIndex(tz.findData("原编号"))
    dialog.batchEdit.setText("2026-01")
    run_import(qtbot, dialog)

    assert dialog.imported and dialog.progressBar.value() == 100
    assert "导入 3 个图斑" in dialog.summaryText.toPlainText()
    assert "3" in dialog.messageBar.currentItem().text()
    rows = sqlite3.connect(store_path).execute(
        "SELECT b.name, p.jcbh, p.tz, p.tblx FROM patches p JOIN batches b ON b.id = p.batch_id ORDER BY p.jcbh"
    ).fetchall()
    assert rows == [("2026-01", "一-1", "Y1", "建构筑物"), ("2026-01", "一-2", "Y2", "硬化"),
                    ("2026-01", "一-3", "Y3", "动土")]
    names = sorted(layer.name() for layer in project.mapLayers().values())
    assert len(names) == 4 and project.layerTreeRoot().findGroup(f"卫片执法 {store_path.name}")
    analysis = next(layer for layer in project.mapLayers().values() if "layername=patch_analysis" in layer.source())
    assert analysis.featureCount() == 3

    # the store now remembers the edited mapping; a second import reuses the layers
    assert dialog.mapping()["tz"] == "原编号"
    run_import(qtbot, dialog)
    assert "更新 3" in dialog.summaryText.toPlainText() and len(project.mapLayers()) == 4
    dialog.reject()
    assert dialog.result() == dialog.DialogCode.Accepted


def test_import_through_the_dialog_into_a_shared_store(qtbot, qgis_iface, pg_database, gbk_batch, provider, project,
                                                       monkeypatch):
    """The shared store's address is taken as it is (no .gpkg added), its layers come from the server, and
    the same file under another batch name is offered as an update of its batch."""
    from qgis.PyQt.QtWidgets import QMessageBox

    from weipian_plugin.layer_source import store_table

    address = "postgresql:" + pg_database
    WorkStore.create(address, 4527).close()
    dialog = make_import_dialog(qtbot, qgis_iface, address, gbk_batch)
    assert dialog.store_path() == address and "Existing" in dialog.storeInfo.text()
    run_import(qtbot, dialog)
    assert dialog.imported and "导入 3 个图斑" in dialog.summaryText.toPlainText()
    with WorkStore.open(address) as store:
        assert store.conn.execute("SELECT count(*) FROM patches").fetchone()[0] == 3
        batch = store.conn.execute("SELECT name FROM batches").fetchone()[0]
    analysis = [layer for layer in project.mapLayers().values() if store_table(layer, address) == "patch_analysis"]
    assert len(analysis) == 1 and analysis[0].featureCount() == 3

    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args: asked.append(args[2]) or QMessageBox.StandardButton.Yes)
    dialog.batchEdit.setText("另一个名字")
    run_import(qtbot, dialog)
    assert asked and batch in asked[0] and dialog.batchEdit.text() == batch
    assert "更新 3" in dialog.summaryText.toPlainText()
    dialog.reject()


def test_import_error_is_shown(qtbot, qgis_iface, store_path, tmp_path, shapefile_writer, provider, project):
    shp = shapefile_writer(tmp_path / "无编号.shp", [shapely.box(X0, Y0, X0 + 50, Y0 + 50)], {"名称": ["甲"]},
                           encoding="GBK")
    dialog = make_import_dialog(qtbot, qgis_iface, store_path, shp)
    assert "找不到必填字段" in dialog.presetInfo.text()
    run_import(qtbot, dialog)
    assert not dialog.imported
    assert "找不到必填字段" in dialog.messageBar.currentItem().text()
    assert dialog.importButton.isEnabled()
    dialog.reject()
    assert dialog.result() == dialog.DialogCode.Rejected


def test_cancel_leaves_the_store_unchanged(qtbot, qgis_iface, store_path, gbk_batch, provider, project):
    WorkStore.create(store_path, 4527).close()
    dialog = make_import_dialog(qtbot, qgis_iface, store_path, gbk_batch)
    dialog.start_import()
    dialog.reject()  # closing while running cancels first and keeps the dialog
    qtbot.waitUntil(lambda: dialog.task is None, timeout=60_000)
    assert not dialog.imported and dialog.result() != dialog.DialogCode.Accepted
    assert "cancelled" in dialog.messageBar.currentItem().text()
    assert sqlite3.connect(store_path).execute("SELECT count(*) FROM patches").fetchone() == (0,)
