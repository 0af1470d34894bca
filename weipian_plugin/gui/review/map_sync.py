"""The review dock and the map: zoom to the patch, selection in both directions, splitting on the map.

The store's patch layer in the project (``patch_analysis``, else ``patches``) is followed as layers come
and go: selecting a feature there selects its row, and the current row is selected there.
"""
from __future__ import annotations

from typing import Callable, List, Optional

from qgis.core import QgsCoordinateReferenceSystem, QgsGeometry, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QObject

from weipian_plugin.core.review import split
from weipian_plugin.gui import layers as store_layers
from weipian_plugin.gui import split_tool


class MapSync(QObject):
    """Keeps ``dock`` (its store, current fid, ``select_fid``) and the map canvas and patch layer together."""

    def __init__(self, dock, parent=None):
        super().__init__(parent)
        self.dock = dock
        self.canvas = dock.iface.mapCanvas()
        self.crs = QgsCoordinateReferenceSystem()
        self.layer: Optional[QgsVectorLayer] = None
        self._selecting = False
        self._split_tool: Optional[split_tool.SplitLineTool] = None
        project = QgsProject.instance()
        project.layersAdded.connect(self.layers_changed)
        project.layersRemoved.connect(self.layers_changed)

    def set_store(self, store) -> None:
        self.cancel_split()
        self.crs = QgsCoordinateReferenceSystem(f"EPSG:{store.epsg}") if store is not None else \
            QgsCoordinateReferenceSystem()

    # -- zoom ----------------------------------------------------------------------------------------
    def patch_geometry(self) -> Optional[QgsGeometry]:
        """The current patch's geometry in the store's CRS."""
        if self.dock.fid is None or self.dock.store is None:
            return None
        return split_tool.to_qgs(split.patch_geometry(self.dock.store, self.dock.fid))

    def zoom_to_patch(self) -> None:
        geom = self.patch_geometry()
        if geom is None or self.canvas is None:
            return
        dest = self.canvas.mapSettings().destinationCrs()
        shown = QgsGeometry(geom)
        if dest.isValid() and dest != self.crs:
            shown.transform(split_tool.transform(self.crs, dest))
        rect = shown.boundingBox()
        rect.scale(2.0)
        if rect.isEmpty():
            rect.grow(50.0)
        self.canvas.setExtent(rect)
        self.canvas.refresh()
        self.canvas.flashGeometries([geom], self.crs)

    # -- the patch layer -----------------------------------------------------------------------------
    def layers_changed(self, *_) -> None:
        """Follow the store's patch layer in the project: its selection and the list select each other."""
        layer = None
        if self.dock.store is not None:
            found = store_layers.loaded_store_layers(self.dock.store.address)
            layer = found.get(store_layers.ANALYSIS) or found.get(store_layers.PATCHES)
        if layer is self.layer:
            return
        self._disconnect_layer()
        self.layer = layer
        if layer is not None:
            layer.selectionChanged.connect(self._layer_selection_changed)
            layer.willBeDeleted.connect(self._disconnect_layer)

    def _disconnect_layer(self) -> None:
        if self.layer is not None:
            try:
                self.layer.selectionChanged.disconnect(self._layer_selection_changed)
                self.layer.willBeDeleted.disconnect(self._disconnect_layer)
            except (TypeError, RuntimeError):
                pass
        self.layer = None

    def select_in_layer(self) -> None:
        if self.layer is None or self.dock.fid is None:
            return
        self._selecting = True
        try:
            self.layer.selectByIds([self.dock.fid])
        finally:
            self._selecting = False

    def _layer_selection_changed(self, *_) -> None:
        if self._selecting or self.layer is None:
            return
        ids = self.layer.selectedFeatureIds()
        if ids and self.dock.fid not in ids:
            self.dock.select_fid(sorted(ids)[0])

    def repaint(self, reload: bool = False) -> None:
        """Let the map show a change of the store (``reload``: features were added)."""
        if self.layer is not None:
            if reload:
                self.layer.dataProvider().reloadData()
            self.layer.triggerRepaint()

    # -- split ---------------------------------------------------------------------------------------
    def start_split_line(self, on_parts: Callable[[Callable[[], List[int]]], None]) -> None:
        """Let the reviewer draw a line; ``on_parts`` gets the split to run once it is drawn."""
        dock = self.dock
        self._split_tool = split_tool.SplitLineTool(
            self.canvas, self.crs,
            lambda line: on_parts(lambda: split.split_by_line(dock.store, dock.fid, line, dock.reviewer())))
        self.canvas.setMapTool(self._split_tool)
        dock.notify(self.tr("Click points across patch {jcbh}; right-click or Enter to split, Esc to cancel.")
                    .format(jcbh=dock.patch.get("jcbh", "")))

    def cancel_split(self) -> None:
        if self._split_tool is not None:
            self._split_tool.cancel()
            self._split_tool = None

    def shutdown(self) -> None:
        project = QgsProject.instance()
        for signal in (project.layersAdded, project.layersRemoved):
            try:
                signal.disconnect(self.layers_changed)
            except TypeError:
                pass
        self._disconnect_layer()
        self.cancel_split()
