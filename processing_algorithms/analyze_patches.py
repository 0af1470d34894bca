"""weipian:analyzepatches — overlay every patch on the reference layers and suggest its legality."""
from __future__ import annotations

from qgis.core import (QgsProcessingException, QgsProcessingOutputNumber, QgsProcessingParameterFile,
                       QgsProcessingParameterString, QgsProcessingParameterVectorLayer)

from ..compat import VECTOR_POLYGON_SOURCE
from ..core import overlay
from ..core.analysis import LAYERS_SETTING, AnalysisCancelled, ROLE_LABELS, analyze
from ..core.vector_io import VectorData, from_wkb, read_vector
from .base import WeipianAlgorithm

# parameter name -> overlay role
LAYER_PARAMETERS = {
    "LANDUSE": overlay.LANDUSE, "BASIC_FARMLAND": overlay.BASIC_FARMLAND, "APPROVALS": overlay.APPROVALS,
    "SUPPLY": overlay.SUPPLY, "REGISTRATION": overlay.REGISTRATION, "FACILITY": overlay.FACILITY,
    "TEMPORARY": overlay.TEMPORARY, "MINING": overlay.MINING, "ECO_REDLINE": overlay.ECO_REDLINE,
    "TOWNSHIPS": overlay.TOWNSHIPS,
}


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
        labels = {
            "LANDUSE": self.tr("Land-use survey (三调 DLTB)"), "BASIC_FARMLAND": self.tr("Permanent basic farmland"),
            "APPROVALS": self.tr("Approval red lines"), "SUPPLY": self.tr("Land supply"),
            "REGISTRATION": self.tr("Real-estate registration"), "FACILITY": self.tr("Facility-agriculture filings"),
            "TEMPORARY": self.tr("Temporary land approvals"), "MINING": self.tr("Mining permits"),
            "ECO_REDLINE": self.tr("Ecological red line"), "TOWNSHIPS": self.tr("Townships"),
        }
        for parameter in LAYER_PARAMETERS:
            self.addParameter(QgsProcessingParameterVectorLayer(
                parameter, labels[parameter], [VECTOR_POLYGON_SOURCE], optional=True))
        self.addParameter(QgsProcessingParameterString(self.BATCH, self.tr("Batch (empty = all)"), optional=True))
        self.addOutput(QgsProcessingOutputNumber(self.ANALYZED, self.tr("Patches analyzed")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        progress, cancelled = self.progress_callbacks(feedback)
        batch = self.parameterAsString(parameters, self.BATCH, context) or None
        with self.open_store(self.parameterAsFile(parameters, self.STORE, context)) as store:
            layers, sources = {}, {}
            near = store.patch_bounds(batch)
            for parameter, role in LAYER_PARAMETERS.items():
                layer = self.parameterAsVectorLayer(parameters, parameter, context)
                if layer is None:
                    continue
                feedback.pushInfo(f"读取{ROLE_LABELS[role]}：{layer.source()}")
                try:
                    layers[role] = layer_data(layer, store.epsg, near)
                except ValueError as exc:
                    raise QgsProcessingException(str(exc)) from exc
                sources[role] = layer.source()
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
