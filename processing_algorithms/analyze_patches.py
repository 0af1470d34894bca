"""weipian:analyzepatches — overlay every patch on the reference layers and suggest its legality."""
from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFile,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
)

from weipian_plugin.core import roles
from weipian_plugin.core.analysis.run import LAYERS_SETTING, AnalysisCancelled, analyze
from weipian_plugin.core.intake.vector_io import VectorData, from_wkb, read_vector
from weipian_plugin.processing_algorithms.base import WeipianAlgorithm


def layer_data(layer, epsg: int, near) -> VectorData:
    """A QGIS layer as core data: file layers are read directly, only near the patches (fast); others
    feature by feature."""
    if layer.providerType() == "ogr":
        path, _, rest = layer.source().partition("|")
        name = next((p.split("=", 1)[1] for p in rest.split("|") if p.startswith("layername=")), None)
        return read_vector(path, name, target_epsg=epsg, near=near)
    names = layer.fields().names()
    wkbs, columns = [], {n: [] for n in names}
    for feature in layer.getFeatures():
        wkbs.append(bytes(feature.geometry().asWkb()) if feature.hasGeometry() else None)
        for n, value in zip(names, feature.attributes()):
            columns[n].append(None if value is None or (hasattr(value, "isNull") and value.isNull()) else value)
    return from_wkb(wkbs, columns, layer.crs().postgisSrid() or None, target_epsg=epsg, source=layer.name())


class AnalyzePatchesAlgorithm(WeipianAlgorithm):
    BATCH = "BATCH"
    ANALYZED = "ANALYZED"

    def name(self) -> str:
        return "analyzepatches"

    def displayName(self) -> str:  # noqa: N802
        return self.tr("Analyze patches (overlay and legality suggestion)")

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "Overlays every patch on the reference layers given (areas ellipsoidal, overlapping approvals "
            "counted once), assigns townships, and writes a legality suggestion with its reason and basis. "
            "A re-run replaces suggestions and overlay results only; determinations are never touched. "
            "The layers chosen are remembered in the store.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile(self.STORE, self.tr("Work store (GeoPackage)"),
                                                     extension="gpkg"))
        for role in roles.ROLES:  # one optional polygon layer per reference role (core/roles.py)
            self.addParameter(QgsProcessingParameterVectorLayer(
                role.parameter, f"{role.label} ({role.english})", [QgsProcessing.SourceType.TypeVectorPolygon],
                optional=True))
        self.addParameter(QgsProcessingParameterString(self.BATCH, self.tr("Batch (empty = all)"), optional=True))
        self.addOutput(QgsProcessingOutputNumber(self.ANALYZED, self.tr("Patches analyzed")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        progress, cancelled = self.progress_callbacks(feedback)
        batch = self.parameterAsString(parameters, self.BATCH, context) or None
        with self.open_store(self.parameterAsFile(parameters, self.STORE, context)) as store:
            layers, sources = {}, {}
            near = store.patch_bounds(batch)
            for role in roles.ROLES:
                layer = self.parameterAsVectorLayer(parameters, role.parameter, context)
                if layer is None:
                    continue
                feedback.pushInfo(f"读取{role.label}：{layer.source()}")
                try:
                    layers[role.key] = layer_data(layer, store.epsg, near)
                except ValueError as exc:
                    raise QgsProcessingException(str(exc)) from exc
                sources[role.key] = layer.source()
                if feedback.isCanceled():
                    return {self.ANALYZED: 0}
            try:
                summary = analyze(store, layers, batch, progress=progress, is_cancelled=cancelled)
            except AnalysisCancelled:
                feedback.reportError(self.tr("Analysis cancelled; the work store is unchanged."))
                return {self.ANALYZED: 0}
            except ValueError as exc:
                raise QgsProcessingException(str(exc)) from exc
            store.set_setting(LAYERS_SETTING, sources)
            summary.layers = sources
            feedback.pushInfo(summary.text())
        return {self.ANALYZED: summary.analyzed}
