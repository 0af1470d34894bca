"""weipian:importpatches — import a ministry patch shapefile into the work store."""
from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFile,
    QgsProcessingParameterString,
)

from weipian_plugin.core.dates import parse_date
from weipian_plugin.core.intake.importer import ImportCancelled, create_store_for, import_patches
from weipian_plugin.processing_algorithms.base import WeipianAlgorithm


class ImportPatchesAlgorithm(WeipianAlgorithm):
    INPUT = "INPUT"
    BATCH = "BATCH"
    RECEIVED = "RECEIVED"
    ENCODING = "ENCODING"
    FIELD_MAP = "FIELD_MAP"
    IMPORTED = "IMPORTED"
    REJECTED = "REJECTED"

    def name(self) -> str:
        return "importpatches"

    def displayName(self) -> str:  # noqa: N802
        return self.tr("Import monitoring patches")

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "Imports a patch shapefile issued by the ministry into the work store (created when missing). "
            "Encoding, CRS and field mapping are detected unless given. Invalid geometries are repaired; "
            "empty, non-polygon, duplicate or id-less patches are rejected with a reason. Re-importing a "
            "batch updates its patches in place and keeps every determination.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile(
            self.INPUT, self.tr("Patch shapefile"), extension="shp"))
        self.addParameter(QgsProcessingParameterFile(
            self.STORE, self.tr("Work store (GeoPackage)"), extension="gpkg"))
        self.addParameter(QgsProcessingParameterString(
            self.BATCH, self.tr("Batch name (empty = file name)"), optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.RECEIVED, self.tr("Received date (empty = today)"), optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.ENCODING, self.tr("Encoding (empty = detect)"), optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.FIELD_MAP, self.tr("Field mapping, e.g. jcbh=TBBH;hsx=HSX (empty = detect)"),
            optional=True, multiLine=True))
        self.addOutput(QgsProcessingOutputNumber(self.IMPORTED, self.tr("Patches imported")))
        self.addOutput(QgsProcessingOutputNumber(self.REJECTED, self.tr("Patches rejected")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        shp = self.parameterAsFile(parameters, self.INPUT, context)
        store_path = self.parameterAsFile(parameters, self.STORE, context)
        received_text = self.parameterAsString(parameters, self.RECEIVED, context)
        progress, cancelled = self.progress_callbacks(feedback)
        created = not Path(store_path).exists()
        try:
            received = parse_date(received_text) if received_text else None
            if created:
                create_store_for(store_path, shp).close()
                feedback.pushInfo(f"已新建工作库：{store_path}")
            with self.open_store(store_path) as store:
                result = import_patches(
                    store, shp, self.parameterAsString(parameters, self.BATCH, context) or None,
                    received=received,
                    encoding=self.parameterAsString(parameters, self.ENCODING, context) or None,
                    field_map=self.parameterAsString(parameters, self.FIELD_MAP, context) or None,
                    progress=progress, is_cancelled=cancelled)
        except (ImportCancelled, ValueError) as exc:
            if created:  # a store made for this import alone must not outlive it
                Path(store_path).unlink(missing_ok=True)
            if isinstance(exc, ImportCancelled):
                feedback.reportError(self.tr("Import cancelled; the work store is unchanged."))
                return {self.IMPORTED: 0, self.REJECTED: 0}
            raise QgsProcessingException(str(exc)) from exc  # core's ValueErrors carry Chinese messages
        feedback.pushInfo(result.summary())
        return {self.IMPORTED: result.imported, self.REJECTED: result.rejected}
