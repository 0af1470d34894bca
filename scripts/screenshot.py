"""`make screenshot`: the review dock on the demo county, as a reviewer sees it, saved for the README.

    python scripts/screenshot.py --store demo_output --out docs/screenshot.png [--locale zh_CN]

Runs a real GUI QgsApplication (under Xvfb in `make screenshot`): a main window with the layer tree, the
map showing the store's patches over the after imagery, the before imagery in the comparison dock, and
the review dock with an illegal patch selected. ``--store`` is the demo folder or a store file.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from qgis.core import QgsApplication, QgsCoordinateReferenceSystem, QgsLayerTreeModel, QgsProject, QgsRasterLayer
from qgis.gui import QgsLayerTreeMapCanvasBridge, QgsLayerTreeView, QgsMapCanvas, QgsMessageBar
from qgis.PyQt.QtCore import QSize, Qt
from qgis.PyQt.QtWidgets import QDockWidget, QMainWindow, QVBoxLayout, QWidget


class Iface:
    """The part of QgisInterface the docks use."""

    def __init__(self, window: QMainWindow, canvas: QgsMapCanvas, bar: QgsMessageBar):
        self.window, self.canvas, self.bar = window, canvas, bar

    def mainWindow(self):
        return self.window

    def mapCanvas(self):
        return self.canvas

    def messageBar(self):
        return self.bar


def find_store(path: Path) -> Path:
    if path.is_file():
        return path
    stores = sorted(p for p in path.glob("*.gpkg") if not p.name.endswith(".creating"))
    if not stores:
        raise SystemExit(f"no work store (*.gpkg) in {path}; run `make demo` first")
    return stores[0]


def find_imagery(folder: Path, name: str):
    found = sorted(folder.glob(f"**/imagery/{name}"))
    return str(found[0]) if found else None


def wait(app, until, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        if until():
            return
        time.sleep(0.02)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--locale", default="zh_CN")
    parser.add_argument("--size", default="1600x1000")
    args = parser.parse_args()

    app = QgsApplication([], True)
    app.initQgis()
    from weipian_plugin import translation
    from weipian_plugin.core.store.workstore import WorkStore
    from weipian_plugin.gui.compare_dock import CompareDock
    from weipian_plugin.gui.layers import add_store_layers
    from weipian_plugin.gui.review_dock import ReviewDock

    translator = translation.install(args.locale)
    store_path = find_store(args.store)
    folder = store_path.parent if args.store.is_file() else args.store
    with WorkStore.open(store_path) as store:
        epsg = store.epsg
        row = store.conn.execute(
            "SELECT fid FROM patch_analysis WHERE determination = '违法' AND status = '整改中' ORDER BY area_m2 DESC "
            "LIMIT 1").fetchone() or store.conn.execute(
            "SELECT fid FROM patch_analysis WHERE suggestion = '违法' ORDER BY area_m2 DESC LIMIT 1").fetchone() \
            or store.conn.execute("SELECT min(fid) FROM patches").fetchone()
    fid = row[0]

    window = QMainWindow()
    width, height = (int(v) for v in args.size.split("x"))
    window.resize(QSize(width, height))
    window.setWindowTitle(f"QGIS — {store_path.name}")
    central = QWidget()
    layout = QVBoxLayout(central)
    layout.setContentsMargins(0, 0, 0, 0)
    bar = QgsMessageBar()
    canvas = QgsMapCanvas()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem(f"EPSG:{epsg}"))
    layout.addWidget(bar)
    layout.addWidget(canvas)
    window.setCentralWidget(central)
    iface = Iface(window, canvas, bar)

    project = QgsProject.instance()
    project.setCrs(QgsCoordinateReferenceSystem(f"EPSG:{epsg}"))
    imagery = {}
    for key, name in (("after", "后时相.tif"), ("before", "前时相.tif")):
        source = find_imagery(folder, name)
        if source:
            imagery[key] = QgsRasterLayer(source, Path(source).stem, "gdal")
            project.addMapLayer(imagery[key])
    add_store_layers(str(store_path))
    bridge = QgsLayerTreeMapCanvasBridge(project.layerTreeRoot(), canvas)

    tree = QgsLayerTreeView()
    tree.setModel(QgsLayerTreeModel(project.layerTreeRoot(), tree))
    for layer in imagery.values():
        project.layerTreeRoot().findLayer(layer.id()).setExpanded(False)
    layers_dock = QDockWidget(window.tr("Layers"))
    layers_dock.setObjectName("Layers")
    layers_dock.setWidget(tree)
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, layers_dock)

    compare = CompareDock(iface, str(store_path))
    if "before" in imagery and "after" in imagery:
        compare.beforeCombo.setLayer(imagery["before"])
        compare.afterCombo.setLayer(imagery["after"])
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, compare)
    window.splitDockWidget(layers_dock, compare, Qt.Orientation.Vertical)

    review = ReviewDock(iface, str(store_path))
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, review)
    window.resizeDocks([layers_dock, review], [330, 560], Qt.Orientation.Horizontal)
    window.show()
    wait(app, lambda: window.isVisible(), 5)
    review.select_fid(fid)
    canvas.zoomScale(canvas.scale() * 2.5)
    canvas.refresh()
    wait(app, lambda: False, 2.5)  # the selection flash is over
    wait(app, lambda: not canvas.isDrawing() and not compare.canvas.isDrawing(), 30)
    wait(app, lambda: False, 0.5)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(args.out)):
        raise SystemExit(f"could not write {args.out}")
    print(args.out)
    review.shutdown()
    compare.shutdown()
    translation.uninstall(translator)
    window.close()
    del bridge
    project.clear()
    window.deleteLater()
    app.processEvents()
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
