"""weipian:analyzepatches — overlay every patch on the reference layers and suggest its legality."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Dict, List, Optional

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
    QgsRectangle,
    QgsVectorLayer,
    QgsVectorLayerFeatureSource,
)

from weipian_plugin.compat import VECTOR_POLYGON_SOURCE
from weipian_plugin.core import roles
from weipian_plugin.core.analysis import overlay
from weipian_plugin.core.analysis.run import (
    LATE_ROLES,
    AnalysisCancelled,
    RunPatches,
    analyze_layers,
    reference_cache,
)
from weipian_plugin.core.intake.reference import LayerRecord, ReferenceCache
from weipian_plugin.core.intake.vector_io import VectorData, from_wkb
from weipian_plugin.processing_algorithms.base import WeipianAlgorithm


@dataclass
class ReferenceLayer:
    """A reference layer as the task thread may use it: taken from the project layer on the main thread
    (``prepareAlgorithm``), because a QgsVectorLayer belongs to the main thread and reading it while the
    main thread uses it crashes QGIS. File layers are read again from their file in core; others through
    ``features``, a snapshot of the layer's provider that any thread may iterate."""

    source: str
    name: str
    crs: QgsCoordinateReferenceSystem
    fields: List[str]
    features: Optional[QgsVectorLayerFeatureSource]  # None for a file (OGR) layer
    count: int = 0
    extent: Optional[QgsRectangle] = None

    @classmethod
    def of(cls, layer: QgsVectorLayer) -> "ReferenceLayer":
        if layer.providerType() == "ogr":
            return cls(layer.source(), layer.name(), layer.crs(), layer.fields().names(), None)
        return cls(layer.source(), layer.name(), layer.crs(), layer.fields().names(),
                   QgsVectorLayerFeatureSource(layer), layer.featureCount(), layer.extent())


def layer_data(layer: ReferenceLayer, role: str, cache: ReferenceCache, near) -> tuple[VectorData, LayerRecord]:
    """A reference layer as core data with its record: file layers through their registered copy, only near
    the patches (fast); others feature by feature (not registered: nothing identifies their content)."""
    if layer.features is None:
        return cache.load(role, layer.source, overlay.role_fields(role), near)
    epsg = cache.epsg
    wkbs, columns = [], {n: [] for n in layer.fields}
    for feature in layer.features.getFeatures():
        wkbs.append(bytes(feature.geometry().asWkb()) if feature.hasGeometry() else None)
        for n, value in zip(layer.fields, feature.attributes()):
            columns[n].append(None if value is None or (hasattr(value, "isNull") and value.isNull()) else value)
    data = from_wkb(wkbs, columns, layer.crs.postgisSrid() or None, target_epsg=epsg, source=layer.name)
    record = LayerRecord(role, layer.source, "", None, None, None, layer.crs.authid(), epsg, len(data), len(data),
                         data.invalid_repaired, False, None)
    return data, record


def _extent_in(layer: ReferenceLayer, epsg: int, context):
    """A non-file layer's extent in the store CRS (None when the layer has no CRS to place it)."""
    if not layer.crs.isValid() or layer.extent is None:
        return None
    transform = QgsCoordinateTransform(layer.crs, QgsCoordinateReferenceSystem(f"EPSG:{epsg}"),
                                       context.transformContext())
    box = transform.transformBoundingBox(layer.extent)
    return (box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum())


class AnalyzePatchesAlgorithm(WeipianAlgorithm):
    BATCH = "BATCH"
    ALLOW_WARNINGS = "ALLOW_WARNINGS"
    ANALYZED = "ANALYZED"

    def name(self) -> str:
        return "analyzepatches"

    def displayName(self) -> str:
        return self.tr("Analyze patches (overlay and legality suggestion)")

    def shortHelpString(self) -> str:
        return self.tr(
            "Overlays every patch on the reference layers given (areas ellipsoidal, overlapping approvals "
            "counted once), assigns townships, and writes a legality suggestion with its reason and basis. "
            "A re-run replaces suggestions and overlay results only; determinations are never touched. "
            "The layers chosen are remembered in the store.")

    def initAlgorithm(self, config=None):
        self.addParameter(self.store_parameter())
        for role in roles.ROLES:  # one optional polygon layer per reference role (core/roles.py)
            self.addParameter(QgsProcessingParameterVectorLayer(
                role.parameter, f"{role.label} ({role.english})", [VECTOR_POLYGON_SOURCE],
                optional=True))
        self.addParameter(QgsProcessingParameterString(self.BATCH, self.tr("Batch (empty = all)"), optional=True))
        self.addParameter(QgsProcessingParameterBoolean(
            self.ALLOW_WARNINGS, self.tr("Continue when a reference layer fails its checks (the problems are "
                                         "recorded with the results, in the ledger and the report)"),
            defaultValue=False))
        self.addOutput(QgsProcessingOutputNumber(self.ANALYZED, self.tr("Patches analyzed")))

    def prepareAlgorithm(self, parameters, context, feedback):
        # Runs on the main thread, where the project's layers live; processAlgorithm may run on a task
        # thread and then only uses what is taken here.
        self.references: Dict[str, ReferenceLayer] = {}
        for spec in roles.ROLES:
            layer = self.parameterAsVectorLayer(parameters, spec.parameter, context)
            if layer is not None:
                self.references[spec.key] = ReferenceLayer.of(layer)
        return True

    def processAlgorithm(self, parameters, context, feedback):
        progress, cancelled = self.progress_callbacks(feedback)
        batch = self.parameterAsString(parameters, self.BATCH, context) or None
        with self.open_store(self.parameterAsFile(parameters, self.STORE, context)) as store:
            try:
                patches = RunPatches.read(store, batch)
            except ValueError as exc:
                raise QgsProcessingException(str(exc)) from exc
            layers, sources, records, totals, late = {}, {}, [], {}, {}
            near = patches.boxes
            cache = reference_cache(store)
            for role, layer in self.references.items():
                feedback.pushInfo(f"读取{roles.BY_KEY[role].label}：{layer.source}")
                sources[role] = layer.source
                if layer.features is not None:  # a file layer's header says this in core
                    totals[role] = (layer.count, _extent_in(layer, store.epsg, context))
                elif role in LATE_ROLES:  # read by core while the other layers are overlaid
                    late[role] = functools.partial(layer_data, layer, role, cache, near)
                    continue
                try:
                    layers[role], record = layer_data(layer, role, cache, near)
                except ValueError as exc:
                    raise QgsProcessingException(str(exc)) from exc
                records.append(record)
                self._report_layer(feedback, record, cache)
                if feedback.isCanceled():
                    return {self.ANALYZED: 0}
            try:
                summary = analyze_layers(store, layers, sources, batch, progress=progress, is_cancelled=cancelled,
                                         allow_warnings=self.parameterAsBool(parameters, self.ALLOW_WARNINGS, context),
                                         totals=totals, provenance=records, patches=patches, late=late)
            except AnalysisCancelled:
                feedback.reportError(self.tr("Analysis cancelled; the work store is unchanged."))
                return {self.ANALYZED: 0}
            except ValueError as exc:
                raise QgsProcessingException(str(exc)) from exc
            for record in summary.records:
                if record.role in late:
                    feedback.pushInfo(f"{roles.BY_KEY[record.role].label}：")
                    self._report_layer(feedback, record, cache)
            feedback.pushInfo(summary.text())
        return {self.ANALYZED: summary.analyzed}

    @staticmethod
    def _report_layer(feedback, record: LayerRecord, cache: ReferenceCache) -> None:
        """Whether a file layer was read from its registered copy, or registered now."""
        if record.cached:
            feedback.pushInfo(f"  使用已登记的副本（登记于 {record.registered_at}），读取 {record.read_count} 个要素")
        elif record.size is not None:
            feedback.pushInfo(f"  已登记到 {cache.path.name}：{record.feature_count} 个要素")
