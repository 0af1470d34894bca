"""Choose the reference layers and run the overlay analysis (weipian:analyzepatches) in the background."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Dict, Optional, Tuple, Union

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsProcessingAlgRunnerTask,
    QgsProcessingContext,
    QgsProject,
    QgsProviderRegistry,
    QgsVectorLayer,
)
from qgis.gui import QgsMapLayerComboBox
from qgis.PyQt import uic
from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtWidgets import QComboBox, QDialog, QFileDialog, QLabel, QMessageBox, QToolButton

from weipian_plugin.compat import POLYGON_GEOMETRY, LayerFilter
from weipian_plugin.core import roles
from weipian_plugin.core.analysis.checks import LAYER_CHECK_HEAD
from weipian_plugin.core.analysis.run import reference_cache
from weipian_plugin.core.intake.reference import ReferenceCache
from weipian_plugin.core.store import keys
from weipian_plugin.core.store.workstore import StoreError
from weipian_plugin.gui.layers import add_store_layers
from weipian_plugin.gui.rules_dialog import RulesDialog
from weipian_plugin.gui.session import StoreSession, session_for
from weipian_plugin.gui.tasks import CollectingFeedback, start_algorithm
from weipian_plugin.processing_algorithms.analyze_patches import AnalyzePatchesAlgorithm
from weipian_plugin.settings import Settings

FORM_CLASS, _ = uic.loadUiType(str(Path(__file__).parents[1] / "forms" / "analysis_dialog.ui"))
ALGORITHM_ID = "weipian:analyzepatches"
LAYER_NAME_CHARS = 20  # the room a layer combo keeps, in characters (Qt counts the width of "x")


def _ogr_file(source: str) -> Optional[Tuple[str, str]]:
    """(normalised file path, layer name) of an OGR source, or None when it names no file."""
    parts = QgsProviderRegistry.instance().decodeUri("ogr", source)
    path = parts.get("path") or ""
    if not path:
        return None
    return os.path.normcase(os.path.realpath(path)), parts.get("layerName") or ""


def _is_polygon_layer(layer: QgsVectorLayer) -> bool:
    return layer.isValid() and layer.geometryType() == POLYGON_GEOMETRY


def find_project_layer(source: str) -> Optional[QgsVectorLayer]:
    """A polygon layer of the project reading ``source`` (same string, or the same file and layer)."""
    wanted = _ogr_file(source)
    for layer in QgsProject.instance().mapLayers().values():
        if not isinstance(layer, QgsVectorLayer) or not _is_polygon_layer(layer):
            continue
        if layer.source() == source or (wanted and layer.providerType() == "ogr"
                                        and _ogr_file(layer.source()) == wanted):
            return layer
    return None


def load_file_layer(source: str) -> Optional[QgsVectorLayer]:
    """Add the polygon file layer ``source`` to the project (unchecked, at the bottom); None if unreadable."""
    parts = _ogr_file(source)
    if parts is None or not os.path.isfile(parts[0]):
        return None
    layer = QgsVectorLayer(source, parts[1] or Path(parts[0]).stem, "ogr")
    if not _is_polygon_layer(layer):
        return None
    QgsProject.instance().addMapLayer(layer, False)
    QgsProject.instance().layerTreeRoot().addLayer(layer).setItemVisibilityChecked(False)
    return layer


class AnalysisDialog(QDialog, FORM_CLASS):
    """The layers last used (remembered in the store) are chosen again; ``analyzed`` fires after a run."""

    analyzed = pyqtSignal(str)

    def __init__(self, iface, store: Union[str, StoreSession], parent=None):
        super().__init__(parent)
        self.setupUi(self)
        self.iface = iface
        self.session = session_for(store, self)
        self._own_session = self.session is not store
        self.store_path = self.session.path
        self.task: Optional[QgsProcessingAlgRunnerTask] = None
        self.feedback: Optional[CollectingFeedback] = None
        self._allow_warnings = False
        self.context: Optional[QgsProcessingContext] = None
        self.combos: Dict[str, QgsMapLayerComboBox] = {}
        self.labels: Dict[str, str] = {}
        self.states: Dict[str, QLabel] = {}
        self.cache: Optional[ReferenceCache] = None
        self._build_layer_rows()
        self.layersLayout.setColumnStretch(1, 1)
        self.storeInfo.setText(self.tr("Work store: {path}").format(path=self.store_path))
        self.batchCombo.addItem(self.tr("All batches"), "")
        self.runButton.clicked.connect(lambda _checked=False: self.start_analysis())
        self.cancelButton.clicked.connect(self.cancel_analysis)
        self.rulesButton.clicked.connect(self.show_rules)
        self._read_store()

    # -- inputs --------------------------------------------------------------------------------------

    def done(self, result: int) -> None:
        if self._own_session:
            self.session.close()
        super().done(result)
    def _build_layer_rows(self) -> None:
        """One row per reference role: label (the algorithm's), layer combo, button to add a file."""
        definitions = AnalyzePatchesAlgorithm().create()
        self.layersLayout.setColumnStretch(1, 1)
        for row, role in enumerate(roles.KEYS):
            self.labels[role] = definitions.parameterDefinition(roles.BY_KEY[role].parameter).description()
            label = QLabel(self.labels[role], self)
            combo = QgsMapLayerComboBox(self)
            combo.setObjectName(f"{role}Combo")
            combo.setFilters(LayerFilter.PolygonLayer)
            combo.setAllowEmptyLayer(True)
            # A layer's name stays readable beside the long registration note (it was squeezed to nothing).
            combo.setMinimumContentsLength(LAYER_NAME_CHARS)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setLayer(None)
            label.setBuddy(combo)
            button = QToolButton(self)
            button.setIcon(QgsApplication.getThemeIcon("/mActionFileOpen.svg"))
            button.setToolTip(self.tr("Add a layer from a file to the project"))
            button.setProperty("role", role)
            button.clicked.connect(self._add_file_clicked)
            self.layersLayout.addWidget(label, row, 0)
            self.layersLayout.addWidget(combo, row, 1)
            self.layersLayout.addWidget(button, row, 2)
            state = QLabel(self)
            state.setObjectName(f"{role}State")
            self.layersLayout.addWidget(state, row, 3)
            self.combos[role] = combo
            self.states[role] = state
            combo.setProperty("role", role)
            combo.layerChanged.connect(self._layer_changed)

    # Bound methods rather than lambdas: a lambda's captured role can be cleared by the garbage collector
    # while Qt still delivers the signal (a dialog kept alive by Qt after its Python side was collected).
    def _add_file_clicked(self) -> None:
        self.add_file_layer(self.sender().property("role"))

    def _layer_changed(self, _layer) -> None:
        self.show_registration(self.sender().property("role"))

    def _read_store(self) -> None:
        """Batches for the combo; the remembered layers, found in the project or loaded from their files."""
        store = self.session.store
        try:
            if store is None:
                raise StoreError(self.session.error)
            sources = keys.ANALYSIS_LAYERS.read(store)
            batches = [b["name"] for b in store.batches()]
            self.cache = reference_cache(store)  # beside a GeoPackage; a shared store's in the temp folder
        except (StoreError, sqlite3.Error) as exc:
            self._message(str(exc), Qgis.MessageLevel.Critical)
            self.runButton.setEnabled(False)
            return
        for name in batches:
            self.batchCombo.addItem(name, name)
        missing = []
        for role, source in sources.items():
            if role not in self.combos:
                continue
            layer = find_project_layer(source) or load_file_layer(source)
            if layer is None:
                missing.append(f"{self.labels[role]}: {source}")
            else:
                self.combos[role].setLayer(layer)
        if missing:
            self._message(self.tr("Layers used last time could not be found:\n{layers}").format(
                layers="\n".join(missing)), Qgis.MessageLevel.Warning)

    def show_registration(self, role: str) -> None:
        """Beside a layer: whether the run will use its registered copy (and since when) or register it."""
        layer, label = self.combos[role].currentLayer(), self.states[role]
        entry = None
        if layer is not None and layer.providerType() == "ogr" and self.cache is not None:
            entry = self.cache.status(role, layer.source())
        if layer is None:
            text = ""
        elif layer.providerType() != "ogr":
            text = self.tr("Not a file: read feature by feature")
        elif entry is None:
            text = self.tr("Not registered: the first run copies it beside the store")
        elif entry["current"]:
            text = self.tr("Registered {time} ({count} features)").format(
                time=entry["registered_at"].replace("T", " "), count=entry["feature_count"])
        else:
            text = self.tr("Changed since registered {time}: will be registered again").format(
                time=entry["registered_at"].replace("T", " "))
        label.setText(text)
        label.setToolTip(self.cache.path.name if self.cache is not None and entry is not None else "")

    def add_file_layer(self, role: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Add reference layer"), Settings.last_import_dir.value(),
                                              QgsProviderRegistry.instance().fileVectorFilters())
        if not path:
            return
        Settings.last_import_dir.set_value(os.path.dirname(path))
        layer = QgsVectorLayer(path, Path(path).stem, "ogr")
        if not _is_polygon_layer(layer):
            self._message(self.tr("{path} is not a readable polygon layer.").format(path=path),
                          Qgis.MessageLevel.Warning)
            return
        QgsProject.instance().addMapLayer(layer)
        self.combos[role].setLayer(layer)

    def parameters(self, allow_warnings: bool = False) -> dict:
        params = {"STORE": self.store_path, "BATCH": self.batchCombo.currentData(), "ALLOW_WARNINGS": allow_warnings}
        for role, combo in self.combos.items():
            if combo.currentLayer() is not None:
                params[roles.BY_KEY[role].parameter] = combo.currentLayer().id()
        return params

    def show_rules(self) -> None:
        dialog = RulesDialog(self.session, self)
        dialog.exec()
        dialog.deleteLater()

    # -- running -------------------------------------------------------------------------------------
    def _message(self, text: str, level: Qgis.MessageLevel) -> None:
        self.messageBar.clearWidgets()
        self.messageBar.pushMessage(text, level, 0)

    def _set_running(self, running: bool) -> None:
        for widget in (self.layersGroup, self.batchCombo, self.rulesButton, self.runButton):
            widget.setEnabled(not running)
        self.cancelButton.setEnabled(running)

    def start_analysis(self, allow_warnings: bool = False) -> None:
        """Run in the background; ``allow_warnings`` continues past reference-layer problems (asked
        after a run they stopped)."""
        self._allow_warnings = allow_warnings
        algorithm = QgsApplication.processingRegistry().createAlgorithmById(ALGORITHM_ID)
        if algorithm is None:
            self._message(self.tr("The Processing algorithm {id} is not available.").format(id=ALGORITHM_ID),
                          Qgis.MessageLevel.Critical)
            return
        self.messageBar.clearWidgets()
        self.summaryText.clear()
        self.progressBar.setValue(0)
        self.context, self.feedback, self.task = start_algorithm(
            algorithm, self.parameters(allow_warnings), lambda value: self.progressBar.setValue(int(value)), self._on_executed)
        self._set_running(True)

    def cancel_analysis(self) -> None:
        if self.feedback is not None and self.task is not None:
            self.feedback.cancel()
            self.cancelButton.setEnabled(False)

    def _on_executed(self, ok: bool, results: dict) -> None:
        feedback, self.task = self.feedback, None
        self._set_running(False)
        self.summaryText.setPlainText("\n".join(text for text, _ in feedback.messages))
        analyzed = int((results or {}).get("ANALYZED") or 0)
        if feedback.isCanceled() and not analyzed:
            self._message(self.tr("Analysis cancelled; the work store is unchanged."), Qgis.MessageLevel.Warning)
        elif not ok:
            errors = "\n".join(text for text, error in feedback.messages if error)
            if LAYER_CHECK_HEAD in errors and not self._allow_warnings and QMessageBox.question(
                    self, self.tr("Reference layers"),
                    errors + "\n\n" + self.tr("Analyse anyway? The problems will be recorded with the results "
                                              "and printed in the ledger and the report."),
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                    QMessageBox.StandardButton.No) == QMessageBox.StandardButton.Yes:
                self.start_analysis(allow_warnings=True)
                return
            self._message(errors or self.tr("The analysis failed; see the Processing log."),
                          Qgis.MessageLevel.Critical)
        else:
            self.progressBar.setValue(100)
            self._message(self.tr("Analyzed {count} patches.").format(count=analyzed), Qgis.MessageLevel.Success)
            add_store_layers(self.store_path)
            for role in self.combos:
                self.show_registration(role)
            self.analyzed.emit(self.store_path)

    def reject(self) -> None:
        """Close; a running analysis is cancelled first (the dialog stays until it has stopped)."""
        if self.task is not None:
            self.cancel_analysis()
            return
        super().reject()
