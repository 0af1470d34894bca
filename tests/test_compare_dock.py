"""Before/after comparison: the two canvases stay in step both ways, T swaps, the swipe shows the other image."""
import pytest
from qgis.core import QgsCoordinateReferenceSystem, QgsPointXY, QgsProject, QgsRasterLayer, QgsRectangle
from qgis.gui import QgsLayerTreeMapCanvasBridge
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QApplication

from weipian_plugin.core.store import keys
from weipian_plugin.core.store.workstore import WorkStore

X0, Y0 = 39_500_000.0, 3_300_000.0
RED, BLUE = (220, 20, 20), (20, 20, 220)


def write_tif(path, colour):
    from osgeo import gdal, osr

    ds = gdal.GetDriverByName("GTiff").Create(str(path), 200, 200, 3, gdal.GDT_Byte)
    ds.SetGeoTransform((X0, 5.0, 0, Y0 + 1000, 0, -5.0))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4527)
    ds.SetProjection(srs.ExportToWkt())
    for band, value in enumerate(colour, start=1):
        ds.GetRasterBand(band).Fill(value)
    ds = None
    return str(path)


@pytest.fixture
def setup(qgis_iface, qgis_new_project, qtbot, tmp_path):
    from weipian_plugin.gui.compare_dock import CompareDock

    store_path = tmp_path / "store.gpkg"
    WorkStore.create(store_path, 4527).close()
    project = QgsProject.instance()
    before = QgsRasterLayer(write_tif(tmp_path / "前时相.tif", RED), "前时相", "gdal")
    after = QgsRasterLayer(write_tif(tmp_path / "后时相.tif", BLUE), "后时相", "gdal")
    assert before.isValid() and after.isValid()
    project.addMapLayers([after, before])
    main = qgis_iface.mapCanvas()
    bridge = QgsLayerTreeMapCanvasBridge(project.layerTreeRoot(), main)  # what QGIS itself does
    main.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:4527"))
    window = qgis_iface.mainWindow()
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    dock = CompareDock(qgis_iface, str(store_path))
    qgis_iface.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
    dock.show()
    dock.beforeCombo.setLayer(before)
    dock.afterCombo.setLayer(after)
    main.setExtent(QgsRectangle(X0, Y0, X0 + 1000, Y0 + 1000))
    yield dock, main, before, after, store_path
    dock.shutdown()
    dock.setParent(None)
    del bridge


def test_compare_canvas_follows_the_main_map_and_leads_it_too(setup):
    dock, main, before, after, _ = setup
    main.setExtent(QgsRectangle(X0 + 100, Y0 + 200, X0 + 300, Y0 + 400))
    assert dock.canvas.center().x() == pytest.approx(main.center().x(), abs=0.01)
    assert dock.canvas.center().y() == pytest.approx(main.center().y(), abs=0.01)
    assert dock.canvas.scale() == pytest.approx(main.scale(), rel=1e-6)
    main.setRotation(30)
    assert dock.canvas.rotation() == 30
    dock.canvas.setCenter(QgsPointXY(X0 + 700, Y0 + 650))
    assert main.center().x() == pytest.approx(X0 + 700, abs=0.01)
    dock.canvas.zoomScale(2000)
    assert main.scale() == pytest.approx(2000, rel=1e-6)
    dock.canvas.setRotation(-15)
    assert main.rotation() == -15
    assert dock.canvas.center().x() == pytest.approx(main.center().x(), abs=0.01)  # no drift after round trips


def test_layers_are_remembered_per_store_and_t_swaps_them(setup, qtbot):
    dock, main, before, after, store_path = setup
    with WorkStore.open(store_path) as store:
        assert keys.IMAGERY.read(store) == {"before": before.source(), "after": after.source()}
    root = QgsProject.instance().layerTreeRoot()
    assert root.findLayer(after.id()).isVisible() and not root.findLayer(before.id()).isVisible()
    assert dock.canvas.layers() == [before]
    qtbot.waitUntil(lambda: main.layers() == [after])
    window = dock.window()
    QApplication.setActiveWindow(window)
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(main, Qt.Key.Key_T)
    assert dock.swapped
    assert root.findLayer(before.id()).isVisible() and not root.findLayer(after.id()).isVisible()
    assert dock.canvas.layers() == [after]
    qtbot.waitUntil(lambda: main.layers() == [before])  # the layer tree bridge updates the canvas deferred
    dock.toggle()
    assert dock.canvas.layers() == [before]
    qtbot.waitUntil(lambda: main.layers() == [after])


def test_a_new_dock_on_the_same_store_restores_the_imagery(setup, qgis_iface):
    from weipian_plugin.gui.compare_dock import CompareDock

    dock, _main, before, after, store_path = setup
    other = CompareDock(qgis_iface, str(store_path))
    try:
        assert other.before_layer() is before and other.after_layer() is after
    finally:
        other.shutdown()
        other.setParent(None)


def test_swipe_shows_before_on_the_left_and_after_on_the_right(setup, qtbot):
    dock, main, before, after, _ = setup
    main.setExtent(QgsRectangle(X0 + 200, Y0 + 200, X0 + 800, Y0 + 800))
    main.refresh()
    dock.swipeSlider.setValue(500)
    dock.swipeCheck.setChecked(True)
    qtbot.waitUntil(lambda: dock.swipe.image is not None and not main.isDrawing(), timeout=10000)
    image = main.grab().toImage()
    h = image.height() // 2
    left, right = image.pixelColor(image.width() // 4, h), image.pixelColor(image.width() * 3 // 4, h)
    assert (left.red(), left.blue()) == (RED[0], RED[2])
    assert (right.red(), right.blue()) == (BLUE[0], BLUE[2])
    dock.swipeCheck.setChecked(False)
    qtbot.waitUntil(lambda: not dock.swipe.isVisible())
    image = main.grab().toImage()
    assert image.pixelColor(image.width() // 4, h).blue() == BLUE[2]


def test_resizing_the_compare_map_does_not_zoom_the_main_map(setup, qtbot):
    dock, main, _before, _after, _ = setup
    main.setExtent(QgsRectangle(X0 + 100, Y0 + 200, X0 + 300, Y0 + 400))
    scale, centre = main.scale(), main.center()
    dock.canvas.resize(dock.canvas.width() // 3 + 40, dock.canvas.height() // 2 + 30)  # as the dock opening does
    qtbot.wait(300)  # the canvas applies a new size after a short timer
    assert main.scale() == pytest.approx(scale, rel=1e-6) and main.center() == centre
    assert dock.canvas.scale() == pytest.approx(scale, rel=1e-3)  # the compare map follows instead
    dock.canvas.zoomScale(scale / 2)  # moved, not resized: the compare map leads again
    assert main.scale() == pytest.approx(scale / 2, rel=1e-6)
