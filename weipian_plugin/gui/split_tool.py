"""Splitting a patch (拆分) from the map: along a line drawn across it, or along the approval red lines.

The cut itself, the parts' areas and the 被拆分 bookkeeping are :mod:`..core.split`'s; this module turns
what the reviewer draws, or the approvals layer chosen for the analysis, into shapely geometry in the
store's CRS.
"""
from __future__ import annotations

from typing import Callable, List, Optional

import shapely
from qgis.core import (QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsFeatureRequest, QgsGeometry,
                       QgsPointXY, QgsProject, QgsVectorLayer)
from qgis.gui import QgsMapTool, QgsRubberBand
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtGui import QColor

from ..compat import LINE_GEOMETRY
from ..core import gpkg, split
from ..core.analysis import LAYERS_SETTING
from ..core.overlay import APPROVALS
from ..core.store import WorkStore


class SplitError(ValueError):
    """The split cannot be prepared (no approvals layer, nothing drawn); message for the user."""


def tr(text: str) -> str:
    return QCoreApplication.translate("@default", text)  # pylupdate5 files bare tr() under @default


def to_qgs(geom) -> QgsGeometry:
    out = QgsGeometry()
    out.fromWkb(shapely.to_wkb(geom))
    return out


def to_shapely(geom: QgsGeometry):
    return shapely.from_wkb(bytes(geom.asWkb()))


def transform(src: QgsCoordinateReferenceSystem, dst: QgsCoordinateReferenceSystem) -> QgsCoordinateTransform:
    return QgsCoordinateTransform(src, dst, QgsProject.instance())


def patch_geometry(store: WorkStore, fid: int):
    """The patch's shapely geometry in the store's CRS."""
    row = store.conn.execute("SELECT geom FROM patches WHERE fid=?", (fid,)).fetchone()
    if row is None:
        raise SplitError(tr("Patch {fid} is not in the work store.").format(fid=fid))
    return gpkg.decode([row[0]])[0]


def approval_cutter(store: WorkStore, fid: int):
    """Union of the approval red lines touching the patch, from the layer chosen for the analysis."""
    path = (store.setting(LAYERS_SETTING) or {}).get(APPROVALS)
    if not path:
        raise SplitError(tr("No approvals layer was chosen for the analysis of this work store."))
    layer = QgsVectorLayer(path, APPROVALS, "ogr")
    if not layer.isValid():
        raise SplitError(tr("The approvals layer cannot be read: {path}").format(path=path))
    store_crs = QgsCoordinateReferenceSystem(f"EPSG:{store.epsg}")
    to_layer, to_store = transform(store_crs, layer.crs()), transform(layer.crs(), store_crs)
    patch = to_qgs(patch_geometry(store, fid))
    patch.transform(to_layer)
    request = QgsFeatureRequest().setFilterRect(patch.boundingBox()).setNoAttributes()
    parts = []
    for feature in layer.getFeatures(request):
        geom = feature.geometry()
        if geom.isNull() or not geom.intersects(patch):
            continue
        geom.transform(to_store)
        parts.append(to_shapely(geom))
    if not parts:
        raise SplitError(tr("No approval red line touches this patch."))
    return shapely.union_all(shapely.make_valid(parts))


def split_along_approvals(store: WorkStore, fid: int, actor: str) -> List[int]:
    return split.split_by_polygon(store, fid, approval_cutter(store, fid), actor)


def split_by_line(store: WorkStore, fid: int, line, actor: str) -> List[int]:
    return split.split_by_line(store, fid, line, actor)


class SplitLineTool(QgsMapTool):
    """Click points across the patch; right-click or Enter splits, Backspace drops a point, Esc cancels.

    ``on_line`` receives the drawn line as a shapely LineString in ``store_crs``.
    """

    def __init__(self, canvas, store_crs: QgsCoordinateReferenceSystem, on_line: Callable[[object], None]):
        super().__init__(canvas)
        self.store_crs = store_crs
        self.on_line = on_line
        self.points: List[QgsPointXY] = []
        self.band = QgsRubberBand(canvas, LINE_GEOMETRY)
        self.band.setColor(QColor(255, 0, 0, 200))
        self.band.setWidth(2)
        self.setCursor(Qt.CursorShape.CrossCursor)

    def _draw(self, hover: Optional[QgsPointXY] = None) -> None:
        self.band.reset(LINE_GEOMETRY)
        for point in self.points + ([hover] if hover is not None else []):
            self.band.addPoint(point, False)
        self.band.show()
        self.band.updatePosition()
        self.band.update()

    def canvasMoveEvent(self, event) -> None:  # noqa: N802 (QGIS API)
        if self.points:
            self._draw(event.mapPoint())

    def canvasReleaseEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.RightButton:
            self.finish()
        elif event.button() == Qt.MouseButton.LeftButton:
            self.points.append(event.mapPoint())
            self._draw()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.finish()
        elif event.key() == Qt.Key.Key_Escape:
            self.cancel()
        elif event.key() == Qt.Key.Key_Backspace and self.points:
            self.points.pop()
            self._draw()
        else:
            event.ignore()

    def line(self):
        """The drawn line in the store's CRS (shapely), or None with fewer than two points."""
        if len(self.points) < 2:
            return None
        geom = QgsGeometry.fromPolylineXY(self.points)
        canvas_crs = self.canvas().mapSettings().destinationCrs()
        if canvas_crs.isValid() and canvas_crs != self.store_crs:
            geom.transform(transform(canvas_crs, self.store_crs))
        return to_shapely(geom)

    def finish(self) -> None:
        line = self.line()
        self.cancel()
        if line is not None:
            self.on_line(line)

    def cancel(self) -> None:
        self.points = []
        self.band.reset(LINE_GEOMETRY)
        if self.canvas().mapTool() is self:
            self.canvas().unsetMapTool(self)

    def deactivate(self) -> None:
        self.points = []
        self.band.reset(LINE_GEOMETRY)
        super().deactivate()
