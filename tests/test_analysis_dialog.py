"""The analysis dialog on a store of each backend, driven offscreen: pick the approvals layer, run in the background,
layers remembered."""
import os

import pytest
import shapely
from qgis.core import QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import Qt

from weipian_plugin.core.analysis.run import reference_cache
from weipian_plugin.core.intake.importer import create_store_for, import_patches
from weipian_plugin.core.store.keys import ANALYSIS_LAYERS
from weipian_plugin.core.store.workstore import WorkStore
from weipian_plugin.gui import analysis_dialog
from weipian_plugin.gui.analysis_dialog import AnalysisDialog
from weipian_plugin.layer_source import store_table

X0, Y0 = 39_500_000.0, 3_300_000.0
BATCH = "2026-01"


@pytest.fixture
def project(qgis_new_project):
    yield QgsProject.instance()
    QgsProject.instance().removeAllMapLayers()
    QgsProject.instance().layerTreeRoot().removeAllChildren()


@pytest.fixture
def store(tmp_path, store_address, shapefile_writer):
    """Two 50 m squares: the first inside an approval red line, the second not."""
    squares = [shapely.box(X0 + i * 200, Y0, X0 + i * 200 + 50, Y0 + 50) for i in range(2)]
    shp = shapefile_writer(tmp_path / "in" / "2026年1月.shp", squares, {
        "监测编号": ["一-1", "一-2"], "县名": ["青禾县"] * 2, "图斑类型": ["建构筑物"] * 2,
        "后时相": ["2026-01-05"] * 2, "监测面积": [2500.0] * 2}, encoding="GBK")
    with create_store_for(store_address, shp) as created:
        import_patches(created, shp, BATCH)
    return store_address


@pytest.fixture
def approvals(tmp_path, shapefile_writer):
    red_line = shapely.box(X0 - 10, Y0 - 10, X0 + 60, Y0 + 60)
    return shapefile_writer(tmp_path / "ref" / "建设用地审批.shp", [red_line],
                            {"PZWH": ["青政地〔2025〕1号"], "XMMC": ["甲项目"]})


def open_dialog(qtbot, qgis_iface, store):
    dialog = AnalysisDialog(qgis_iface, str(store), None)
    qtbot.addWidget(dialog)
    return dialog


def suggestions(store):
    with WorkStore.open(store) as opened:
        return opened.conn.execute("SELECT jcbh, suggestion, suggestion_type FROM patch_analysis ORDER BY jcbh"
                                   ).fetchall()


def test_run_analysis_and_remember_the_layers(qtbot, qgis_iface, store, approvals, weipian_provider, project,
                                              monkeypatch):
    dialog = open_dialog(qtbot, qgis_iface, store)
    assert list(dialog.combos) == ["landuse", "basic_farmland", "approvals", "supply", "registration", "other_legal",
                                   "advance", "facility", "temporary", "mining", "eco_redline", "nature_reserve",
                                   "townships"]  # the registry's order (core/roles.py)
    assert dialog.labels["advance"] == "先行用地 (Advance land use)"
    assert all(combo.currentLayer() is None for combo in dialog.combos.values())
    assert [dialog.batchCombo.itemData(i) for i in range(dialog.batchCombo.count())] == ["", BATCH]

    monkeypatch.setattr(analysis_dialog.QFileDialog, "getOpenFileName", lambda *args: (str(approvals), ""))
    dialog.add_file_layer("approvals")
    layer = dialog.combos["approvals"].currentLayer()
    assert layer is not None and layer.source() == str(approvals) and layer.id() in project.mapLayers()
    assert dialog.states["approvals"].text().startswith("Not registered") and dialog.states["mining"].text() == ""
    dialog.batchCombo.setCurrentIndex(1)
    ran = []
    dialog.analyzed.connect(ran.append)

    qtbot.mouseClick(dialog.runButton, Qt.MouseButton.LeftButton)
    assert not dialog.runButton.isEnabled() and dialog.cancelButton.isEnabled()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=60_000)

    assert ran == [str(store)] and dialog.progressBar.value() == 100 and dialog.runButton.isEnabled()
    assert "2" in dialog.messageBar.currentItem().text()
    assert "已分析 2 个图斑" in dialog.summaryText.toPlainText()
    assert suggestions(store) == [("一-1", "合法", "批文"), ("一-2", "违法", "非农违法")]
    with WorkStore.open(store) as opened:
        assert ANALYSIS_LAYERS.read(opened) == {"approvals": str(approvals)}
    analysis = [lyr for lyr in project.mapLayers().values() if store_table(lyr, store) == "patch_analysis"]
    assert len(analysis) == 1 and analysis[0].featureCount() == 2

    # reopened: the same project layer is chosen again
    again = open_dialog(qtbot, qgis_iface, store)
    assert again.combos["approvals"].currentLayer() is layer
    assert again.combos["landuse"].currentLayer() is None
    # the first run registered the file beside the store; the dialog says so, and when the file changes
    assert again.states["approvals"].text().startswith("Registered ") and "(1 features)" in again.states[
        "approvals"].text()
    with WorkStore.open(store) as opened:  # beside a GeoPackage; for a shared store in the temporary folder
        assert reference_cache(opened).path.is_file()
    os.utime(approvals, ns=(approvals.stat().st_atime_ns, approvals.stat().st_mtime_ns + 10**9))
    again.show_registration("approvals")
    assert again.states["approvals"].text().startswith("Changed since registered")


def test_remembered_layer_is_loaded_or_reported(qtbot, qgis_iface, store, approvals, project):
    with WorkStore.open(store) as opened:
        opened.set_setting(ANALYSIS_LAYERS.name, {"approvals": str(approvals), "mining": "/nowhere/采矿权.shp"})
    dialog = open_dialog(qtbot, qgis_iface, store)
    layer = dialog.combos["approvals"].currentLayer()
    assert layer is not None and layer.source() == str(approvals)
    node = project.layerTreeRoot().findLayer(layer.id())
    assert node is not None and not node.itemVisibilityChecked()
    assert dialog.combos["mining"].currentLayer() is None
    message = dialog.messageBar.currentItem().text()
    assert "Mining permits" in message and "/nowhere/采矿权.shp" in message


def test_cancel_leaves_the_store_unchanged(qtbot, qgis_iface, store, approvals, weipian_provider, project):
    layer = QgsVectorLayer(str(approvals), "批文", "ogr")
    project.addMapLayer(layer)
    dialog = open_dialog(qtbot, qgis_iface, store)
    dialog.combos["approvals"].setLayer(layer)
    dialog.start_analysis()
    dialog.reject()  # closing while running cancels first and keeps the dialog
    qtbot.waitUntil(lambda: dialog.task is None, timeout=60_000)
    assert "cancelled" in dialog.messageBar.currentItem().text()
    assert suggestions(store) == [("一-1", None, None), ("一-2", None, None)]
    with WorkStore.open(store) as opened:
        assert opened.setting(ANALYSIS_LAYERS.name) is None
