"""weipian:exportdossier — 一图斑一卷宗: a case-file folder per patch (index, 套合图, photos, records, originals)."""
from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
)

from weipian_plugin.compat import NO_THREADING
from weipian_plugin.core.store import keys
from weipian_plugin.core.store.workstore import StoreError
from weipian_plugin.exporters.dossier import DossierError, export_dossiers
from weipian_plugin.exporters.figures import FigureExportError
from weipian_plugin.processing_algorithms.base import WeipianAlgorithm


class ExportDossierAlgorithm(WeipianAlgorithm):
    OUTPUT = "OUTPUT"
    BATCH = "BATCH"
    JCBH = "JCBH"
    BEFORE = "BEFORE"
    AFTER = "AFTER"
    COUNT = "COUNT"

    def name(self) -> str:
        return "exportdossier"

    def displayName(self) -> str:  # noqa: N802
        return self.tr("Export case files (一图斑一卷宗)")

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "Writes one folder per patch named after its JCBH: 00_目录.pdf (index), 01_套合图.pdf (the overlay "
            "figure), 02_现场照片.pdf (each photo beside a small map with the patch, where it was taken and "
            "an arrow for its bearing), 03_判定与查处记录.pdf (determination, 查处整改 and every recorded "
            "change) and 照片/ with the original files. Imagery defaults to the store's before/after rasters.")

    def flags(self):
        # Print layouts are rendered on the main thread, as QGIS's own layout export algorithms do.
        return super().flags() | NO_THREADING

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(self.store_parameter())
        self.addParameter(QgsProcessingParameterString(
            self.BATCH, self.tr("Batch (empty = all patches)"), optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.JCBH, self.tr("Only these JCBH (comma separated, empty = all of the batch)"), optional=True))
        self.addParameter(QgsProcessingParameterRasterLayer(
            self.BEFORE, self.tr("Before imagery (empty = the store's)"), optional=True))
        self.addParameter(QgsProcessingParameterRasterLayer(
            self.AFTER, self.tr("After imagery (empty = the store's)"), optional=True))
        self.addParameter(QgsProcessingParameterFolderDestination(self.OUTPUT, self.tr("Output folder")))
        self.addOutput(QgsProcessingOutputNumber(self.COUNT, self.tr("Case files written")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        out_dir = self.parameterAsString(parameters, self.OUTPUT, context)
        store_path = self.parameterAsFile(parameters, self.STORE, context)
        batch = self.parameterAsString(parameters, self.BATCH, context).strip() or None
        wanted = [j.strip() for j in self.parameterAsString(parameters, self.JCBH, context).split(",") if j.strip()]
        with self.open_store(store_path) as store:
            if batch and store.batch(batch) is None:
                raise QgsProcessingException(f"工作库中没有批次“{batch}”")
            imagery = keys.IMAGERY.read(store)
            fids = None
            if wanted:
                marks = ", ".join("?" * len(wanted))
                fids = [r[0] for r in store.conn.execute(f"SELECT fid FROM patches WHERE jcbh IN ({marks})", wanted)]
                if not fids:
                    raise QgsProcessingException(f"工作库中没有这些监测编号：{'，'.join(wanted)}")
        before = self.parameterAsRasterLayer(parameters, self.BEFORE, context) or imagery.get("before") or None
        after = self.parameterAsRasterLayer(parameters, self.AFTER, context) or imagery.get("after") or None
        try:
            folders = export_dossiers(store_path, out_dir, fids=fids, batch=batch, before=before, after=after,
                                      feedback=feedback)
        except (StoreError, FigureExportError, DossierError) as exc:
            raise QgsProcessingException(str(exc)) from exc
        if feedback.isCanceled():
            feedback.reportError(self.tr("Export cancelled; {} case file(s) were written.").format(len(folders)))
        else:
            feedback.pushInfo(self.tr("{} case file(s) written to {}").format(len(folders), out_dir))
        return {self.OUTPUT: out_dir, self.COUNT: len(folders)}
