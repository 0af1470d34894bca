"""weipian:exportfigures — per-patch 套合图 as PNG or PDF, or one combined PDF."""
from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
)

from weipian_plugin.compat import NO_THREADING
from weipian_plugin.core.store.outputs import OutputError
from weipian_plugin.core.store.workstore import StoreError
from weipian_plugin.exporters.figures import FigureExportError, export_figures
from weipian_plugin.processing_algorithms.base import WeipianAlgorithm


class ExportFiguresAlgorithm(WeipianAlgorithm):
    OUTPUT = "OUTPUT"
    FORMAT = "FORMAT"
    BEFORE = "BEFORE"
    AFTER = "AFTER"
    BATCH = "BATCH"
    COMBINED = "COMBINED"
    ORG = "ORG"
    COUNT = "COUNT"
    FORMATS = ("png", "pdf")

    def name(self) -> str:
        return "exportfigures"

    def displayName(self) -> str:
        return self.tr("Export overlay figures (套合图)")

    def shortHelpString(self) -> str:
        return self.tr(
            "Writes the overlay figure (套合图) of every patch (or of one batch): before and after imagery "
            "side by side with their dates, the patch outline and the reference layers of the last analysis, "
            "a legend of every drawn layer, scale bar, north arrow, a title with JCBH, township, issued and "
            "computed area, a table of overlay results, suggestion and determination, the suggestion's "
            "reason, the CRS in Chinese, the mapping unit, the reviewer and a signature line. One file per "
            "patch named after its JCBH, or one combined PDF. The layout is the plugin's template "
            "exporters/templates/archive_figure.qpt, editable in the layout designer.")

    def flags(self):
        # Print layouts are rendered on the main thread, as QGIS's own layout export algorithms do.
        return super().flags() | NO_THREADING

    def initAlgorithm(self, config=None):
        self.addParameter(self.store_parameter())
        self.addParameter(QgsProcessingParameterEnum(
            self.FORMAT, self.tr("Format"), options=["PNG", "PDF"], defaultValue=0))
        self.addParameter(QgsProcessingParameterRasterLayer(
            self.BEFORE, self.tr("Before imagery"), optional=True))
        self.addParameter(QgsProcessingParameterRasterLayer(
            self.AFTER, self.tr("After imagery"), optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.BATCH, self.tr("Batch (empty = all patches)"), optional=True))
        self.addParameter(QgsProcessingParameterBoolean(
            self.COMBINED, self.tr("One combined PDF instead of one file per patch"), defaultValue=False))
        self.addParameter(QgsProcessingParameterString(
            self.ORG, self.tr("Mapping unit (empty = the one saved in the store; a value given is saved)"),
            optional=True))
        self.addParameter(QgsProcessingParameterFolderDestination(self.OUTPUT, self.tr("Output folder")))
        self.addOutput(QgsProcessingOutputNumber(self.COUNT, self.tr("Files written")))

    def processAlgorithm(self, parameters, context, feedback):
        out_dir = self.parameterAsString(parameters, self.OUTPUT, context)
        fmt = self.FORMATS[self.parameterAsEnum(parameters, self.FORMAT, context)]
        combined = self.parameterAsBoolean(parameters, self.COMBINED, context)
        try:
            files = export_figures(
                self.parameterAsFile(parameters, self.STORE, context), out_dir,
                fmt="pdf" if combined else fmt,
                before=self.parameterAsRasterLayer(parameters, self.BEFORE, context),
                after=self.parameterAsRasterLayer(parameters, self.AFTER, context),
                batch=self.parameterAsString(parameters, self.BATCH, context) or None,
                combined_pdf=combined, org=self.parameterAsString(parameters, self.ORG, context) or None,
                feedback=feedback)
        except (StoreError, FigureExportError, OutputError) as exc:
            raise QgsProcessingException(str(exc)) from exc
        if feedback.isCanceled():
            feedback.reportError(self.tr("Export cancelled; {} file(s) were written.").format(len(files)))
        else:
            feedback.pushInfo(self.tr("{} file(s) written to {}").format(len(files), out_dir))
        return {self.OUTPUT: out_dir, self.COUNT: len(files)}
