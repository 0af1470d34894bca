"""weipian:exportmilitary — the 《军用土地登记表》, optionally marking 涉军 patches from a military-land layer."""
from __future__ import annotations

import shapely
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsGeometry,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
)

from weipian_plugin.compat import INTEGER_NUMBER, VECTOR_POLYGON_SOURCE
from weipian_plugin.core.review import marks
from weipian_plugin.core.store.outputs import check_output
from weipian_plugin.exporters.xlsx import write_military_register
from weipian_plugin.processing_algorithms.base import WeipianAlgorithm


def _transformed(wkb: bytes, transform: QgsCoordinateTransform) -> QgsGeometry:
    geometry = QgsGeometry()
    geometry.fromWkb(wkb)
    geometry.transform(transform)
    return geometry


class ExportMilitaryAlgorithm(WeipianAlgorithm):
    OUTPUT = "OUTPUT"
    MILITARY_LAYER = "MILITARY_LAYER"
    MARKED = "MARKED"
    COUNT = "COUNT"
    YEAR = "YEAR"

    def name(self) -> str:
        return "exportmilitary"

    def displayName(self) -> str:
        return self.tr("Military land register (Excel)")

    def shortHelpString(self) -> str:
        return self.tr(
            "Writes the military land register (军用土地登记表): every patch marked as military land (涉军), "
            "which every other export, figure, report and statistic leaves out; it is handed in separately. "
            "With a military-land layer, every patch overlapping it is marked first (audited).")

    def initAlgorithm(self, config=None):
        self.addParameter(self.store_parameter())
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.MILITARY_LAYER, self.tr("Military land layer (optional)"),
            [VECTOR_POLYGON_SOURCE], optional=True))
        self.addParameter(QgsProcessingParameterFileDestination(self.OUTPUT, self.tr("Register workbook"),
                                                                "Excel (*.xlsx)"))
        self.addParameter(QgsProcessingParameterNumber(
            self.YEAR, self.tr("Year (empty = every year)"), INTEGER_NUMBER, optional=True,
            minValue=2000, maxValue=2100))
        self.addOutput(QgsProcessingOutputNumber(self.MARKED, self.tr("Patches newly marked")))
        self.addOutput(QgsProcessingOutputNumber(self.COUNT, self.tr("Patches in the register")))

    def prepareAlgorithm(self, parameters, context, feedback):
        # The layer is read here, on the main thread where project layers live (processAlgorithm may run on
        # a task thread): its CRS and its geometries as WKB, a copy no thread shares. A military-land layer
        # is a few polygons.
        source = self.parameterAsSource(parameters, self.MILITARY_LAYER, context)
        self.military = None
        if source is not None:
            self.military = (source.sourceCrs(), [bytes(f.geometry().asWkb()) for f in source.getFeatures()
                                                  if f.hasGeometry()])
        return True

    def processAlgorithm(self, parameters, context, feedback):
        output = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        year = self.parameterAsInt(parameters, self.YEAR, context) or None
        try:
            # before marking anything: the register may not replace the store or another database
            check_output(output, (".xlsx",), self.parameterAsFile(parameters, self.STORE, context))
            with self.open_store(self.parameterAsFile(parameters, self.STORE, context)) as store:
                marked = 0
                if self.military is not None:
                    crs, wkbs = self.military
                    if not crs.isValid():
                        raise QgsProcessingException("军用土地图层没有坐标系，无法与图斑套合")
                    transform = QgsCoordinateTransform(crs, QgsCoordinateReferenceSystem(f"EPSG:{store.epsg}"),
                                                       context.transformContext())
                    geoms = [shapely.from_wkb(bytes(_transformed(wkb, transform).asWkb())) for wkb in wkbs]
                    marked = marks.mark_military_from_layer(store, geoms, self.actor(store))
                    feedback.pushInfo(f"按军用土地图层新标记涉军图斑{marked}个")
                feedback.setProgress(50)
                count = len(marks.military_register(store, year))
                write_military_register(store, output, year)
        except (ValueError, OSError) as exc:
            raise QgsProcessingException(str(exc)) from exc
        feedback.setProgress(100)
        feedback.pushInfo(f"军用土地登记表已写出（{count}个图斑）：{output}")
        return {self.OUTPUT: output, self.MARKED: marked, self.COUNT: count}
