"""Before/after imagery comparison (内业比对): a second map view in step with the main map, a swap, a swipe.

The main map shows the after imagery and the dock's canvas the before imagery, at the same centre, scale
and rotation (either canvas can lead). ``T`` swaps which one the main map shows; the swipe draws the
hidden imagery over the left part of the main map, up to the slider. The two layers are remembered per
store (setting ``imagery``: {"before": source, "after": source}).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Union

from qgis.core import (
    QgsMapLayer,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsProject,
    QgsRasterLayer,
)
from qgis.gui import QgsDockWidget, QgsMapCanvas, QgsMapCanvasItem
from qgis.PyQt import uic
from qgis.PyQt.QtCore import QRectF, QSize, Qt
from qgis.PyQt.QtGui import QColor, QKeySequence, QPen
from qgis.PyQt.QtWidgets import QAction

from weipian_plugin.compat import LayerFilter
from weipian_plugin.core.store import keys
from weipian_plugin.gui.session import StoreSession, session_for

FORM_CLASS, _ = uic.loadUiType(str(Path(__file__).parents[1] / "forms" / "compare_dock.ui"))



def load_imagery_layer(source: str) -> Optional[QgsMapLayer]:
    """The project's layer with this source, or the file added to the project (None if unreadable)."""
    for layer in QgsProject.instance().mapLayers().values():
        if layer.source() == source:
            return layer
    layer = QgsRasterLayer(source, Path(source.split("|")[0]).stem, "gdal")
    if not layer.isValid():
        return None
    QgsProject.instance().addMapLayer(layer)
    return layer


class SwipeItem(QgsMapCanvasItem):
    """Draws one layer, rendered for the canvas's current view, over the canvas's left part."""

    def __init__(self, canvas: QgsMapCanvas):
        super().__init__(canvas)
        self.canvas = canvas
        self.layer: Optional[QgsMapLayer] = None
        self.fraction = 0.5
        self.image = None
        self.job: Optional[QgsMapRendererParallelJob] = None
        # Jobs until they finish, a cancelled one included: otherwise the garbage collector may clear the
        # job <-> finished-lambda cycle while the job still runs, and its finished signal finds no self.
        self._running = set()
        self.setZValue(-5)  # above the rendered map (-10), below rubber bands and markers
        canvas.extentsChanged.connect(self._stale)
        canvas.mapCanvasRefreshed.connect(self.render)

    def detach(self) -> None:
        """Stop following the canvas and leave its scene."""
        self.canvas.extentsChanged.disconnect(self._stale)
        self.canvas.mapCanvasRefreshed.disconnect(self.render)
        if self.job is not None:
            self.job.cancel()
            self.job = None
        self.canvas.scene().removeItem(self)

    def set_layer(self, layer: Optional[QgsMapLayer]) -> None:
        self.layer = layer
        self.render()

    def set_fraction(self, fraction: float) -> None:
        self.fraction = min(1.0, max(0.0, fraction))
        self.update()

    def _stale(self) -> None:
        self.image = None
        self.update()

    def render(self) -> None:
        if self.job is not None:
            self.job.cancelWithoutBlocking()
            self.job = None
        if self.layer is None or not self.isVisible():
            self._stale()
            return
        settings = QgsMapSettings(self.canvas.mapSettings())
        settings.setLayers([self.layer])
        job = QgsMapRendererParallelJob(settings)
        job.finished.connect(lambda: self._rendered(job))
        self._running.add(job)
        self.job = job
        job.start()

    def _rendered(self, job: QgsMapRendererParallelJob) -> None:
        self._running.discard(job)
        if job is not self.job:
            return
        self.job = None
        self.image = job.renderedImage()
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self.canvas.width(), self.canvas.height())

    def updatePosition(self) -> None:
        self.setPos(0, 0)

    def paint(self, painter, option=None, widget=None) -> None:
        width, height = self.canvas.width(), self.canvas.height()
        x = width * self.fraction
        if self.image is not None and not self.image.isNull():
            ratio = self.image.width() / max(width, 1)
            painter.drawImage(QRectF(0, 0, x, height), self.image, QRectF(0, 0, x * ratio, self.image.height()))
        painter.setPen(QPen(QColor(255, 255, 255), 2))
        painter.drawLine(int(x), 0, int(x), height)


class CompareDock(QgsDockWidget, FORM_CLASS):
    """``CompareDock(iface, session)`` (or a store path): before imagery beside the main map's after imagery."""

    def __init__(self, iface, store: Union[str, StoreSession], parent=None):
        super().__init__(parent or iface.mainWindow())
        self.setupUi(self)
        self.setObjectName("WeipianCompareDock")
        self.iface = iface
        self.main = iface.mapCanvas()
        self.session = session_for(store, self)
        self._own_session = self.session is not store
        self.swapped = False
        self._syncing = False
        self._synced_size = QSize()  # the compare map's output size at the last sync: a change is a resize
        self._loading = False
        for combo in (self.beforeCombo, self.afterCombo):
            combo.setFilters(LayerFilter.RasterLayer)
            combo.setAllowEmptyLayer(True)
            combo.setLayer(None)
        self.canvas.setCanvasColor(QColor(255, 255, 255))
        self.canvas.setDestinationCrs(self.main.mapSettings().destinationCrs())
        self.swipe = SwipeItem(self.main)
        self.swipe.setVisible(False)

        self.toggleAction = QAction(self.tr("Swap before/after imagery"), iface.mainWindow())
        self.toggleAction.setShortcut(QKeySequence("T"))
        self.toggleAction.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.toggleAction.triggered.connect(self.toggle)
        iface.mainWindow().addAction(self.toggleAction)

        self.main.extentsChanged.connect(self._main_moved)
        self.main.rotationChanged.connect(self._main_moved)
        self.main.destinationCrsChanged.connect(self._main_moved)
        self.canvas.extentsChanged.connect(self._compare_moved)
        self.canvas.rotationChanged.connect(self._compare_moved)
        self.beforeCombo.layerChanged.connect(self._layers_chosen)
        self.afterCombo.layerChanged.connect(self._layers_chosen)
        self.swapButton.clicked.connect(self.toggle)
        self.swipeCheck.toggled.connect(self._swipe_toggled)
        self.swipeSlider.valueChanged.connect(
            lambda v: self.swipe.set_fraction(v / max(1, self.swipeSlider.maximum())))
        self.visibilityChanged.connect(self._visibility_changed)
        self.session.switched.connect(self._store_switched)
        self._store_switched()

    @property
    def store_path(self) -> str:
        return self.session.path

    # -- layers --------------------------------------------------------------------------------------
    def set_store(self, store_path: str) -> None:
        """Open (or switch to) a work store: every user of the session follows."""
        self.session.switch(store_path)

    def _store_switched(self) -> None:
        """Choose the imagery remembered by this store (adding it to the project when needed)."""
        store = self.session.store
        imagery = keys.IMAGERY.read(store) if store is not None else {}
        self._loading = True
        for key, combo in (("before", self.beforeCombo), ("after", self.afterCombo)):
            source = imagery.get(key)
            layer = load_imagery_layer(source) if source else None
            if layer is not None:
                combo.setLayer(layer)
        self._loading = False
        self._layers_chosen()

    def before_layer(self) -> Optional[QgsMapLayer]:
        return self.beforeCombo.currentLayer()

    def after_layer(self) -> Optional[QgsMapLayer]:
        return self.afterCombo.currentLayer()

    def _layers_chosen(self, *_) -> None:
        if self._loading:
            return
        self.swapped = False
        self._apply()
        before, after = self.before_layer(), self.after_layer()
        store = self.session.store
        if store is not None and before is not None and after is not None:
            chosen = {"before": before.source(), "after": after.source()}
            if keys.IMAGERY.read(store) != chosen:
                keys.IMAGERY.write(store, chosen)

    def shown_in_main(self) -> Optional[QgsMapLayer]:
        return self.before_layer() if self.swapped else self.after_layer()

    def shown_in_compare(self) -> Optional[QgsMapLayer]:
        return self.after_layer() if self.swapped else self.before_layer()

    def _apply(self) -> None:
        """Main map: the shown imagery checked, the other unchecked; the dock's canvas: the other one."""
        root = QgsProject.instance().layerTreeRoot()
        main, other = self.shown_in_main(), self.shown_in_compare()
        for layer, visible in ((other, False), (main, True)):
            node = root.findLayer(layer.id()) if layer is not None else None
            if node is not None:
                node.setItemVisibilityChecked(visible)
        self.canvas.setLayers([other] if other is not None else [])
        self.swipe.set_layer(other)
        names = (main.name() if main else "–", other.name() if other else "–")
        self.shownLabel.setText(self.tr("Main map: {main} · this view and the swipe: {other}").format(
            main=names[0], other=names[1]))
        self._sync(self.main, self.canvas)
        self.canvas.refresh()

    def toggle(self) -> None:
        """Swap which imagery the main map shows (T)."""
        if self.before_layer() is None or self.after_layer() is None:
            return
        self.swapped = not self.swapped
        self._apply()

    # -- keeping the two canvases in step ------------------------------------------------------------
    def _sync(self, source: QgsMapCanvas, target: QgsMapCanvas) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            crs = source.mapSettings().destinationCrs()
            if target.mapSettings().destinationCrs() != crs:
                target.setDestinationCrs(crs)
            if target.rotation() != source.rotation():
                target.setRotation(source.rotation())
            if target.extent().isEmpty() or target.width() <= 1 or source.width() <= 1:
                target.setExtent(source.extent())
            if target.width() > 1 and source.width() > 1:
                target.setCenter(source.center())
                target.zoomScale(source.scale())
            target.refresh()
        finally:
            self._synced_size = self.canvas.mapSettings().outputSize()
            self._syncing = False

    def _main_moved(self, *_) -> None:
        self._sync(self.main, self.canvas)

    def _compare_moved(self, *_) -> None:
        """The compare map leads the main map only when it was moved, not when it was resized (the dock
        appearing or a splitter moving changes its scale; following that zoomed the main map ~3×)."""
        if self.canvas.mapSettings().outputSize() != self._synced_size:
            self._sync(self.main, self.canvas)
        else:
            self._sync(self.canvas, self.main)

    # -- swipe ---------------------------------------------------------------------------------------
    def _swipe_toggled(self, on: bool) -> None:
        self.swipe.setVisible(on)
        self.swipe.render()

    def _visibility_changed(self, visible: bool) -> None:
        self.toggleAction.setEnabled(visible)
        if not visible:
            self.swipeCheck.setChecked(False)

    # -- teardown ------------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Disconnect from the main map and remove the swipe and the shortcut (plugin unload)."""
        for signal, slot in ((self.main.extentsChanged, self._main_moved),
                             (self.main.rotationChanged, self._main_moved),
                             (self.main.destinationCrsChanged, self._main_moved),
                             (self.beforeCombo.layerChanged, self._layers_chosen),
                             (self.afterCombo.layerChanged, self._layers_chosen),
                             (self.session.switched, self._store_switched)):
            try:
                signal.disconnect(slot)
            except TypeError:
                pass
        self.swipe.detach()
        self.iface.mainWindow().removeAction(self.toggleAction)
        self.toggleAction.deleteLater()
        if self._own_session:
            self.session.close()
