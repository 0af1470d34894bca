"""Splitting a patch (拆分) from the map: the line the reviewer draws across it, as shapely geometry.

The cut itself, the approval red lines, the parts' areas and the 被拆分 bookkeeping are
:mod:`weipian_plugin.core.review.split`'s; this module only turns clicks on the canvas into a line in
the store's CRS (and converts geometries between QGIS and shapely).
"""
from __future__ import annotations

from typing import Callable, List, Optional

import shapely
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
)
from qgis.gui import QgsMapTool, QgsRubberBand
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QColor

from weipian_plugin.compat import LINE_GEOMETRY


def to_qgs(geom) -> QgsGeometry:
    out = QgsGeometry()
    out.fromWkb(shapely.to_wkb(geom))
    return out


def to_shapely(geom: QgsGeometry):
    return shapely.from_wkb(bytes(geom.asWkb()))


def transform(src: QgsCoordinateReferenceSystem, dst: QgsCoordinateReferenceSystem) -> QgsCoordinateTransform:
    return QgsCoordinateTransform(src, dst, QgsProject.instance())


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

    def canvasMoveEvent(self, event) -> None:
        if self.points:
            self._draw(event.mapPoint())

    def canvasReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.RightButton:
            self.finish()
        elif event.button() == Qt.MouseButton.LeftButton:
            self.points.append(event.mapPoint())
            self._draw()

    def keyPressEvent(self, event) -> None:
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
