"""Import a ministry patch shapefile into a work store: editable field mapping, background task, summary."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, List, Optional

import pyogrio
from qgis.core import (
    Qgis,
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsProcessingAlgRunnerTask,
    QgsProcessingContext,
    QgsProject,
)
from qgis.gui import QgsFileWidget, QgsProjectionSelectionWidget
from qgis.PyQt import uic
from qgis.PyQt.QtCore import QDate, Qt
from qgis.PyQt.QtWidgets import QComboBox, QDialog, QHeaderView, QMessageBox, QTableWidgetItem

from weipian_plugin.core.intake import fieldmap, importer
from weipian_plugin.core.intake.encoding import detect_shapefile_encoding
from weipian_plugin.core.store import keys, postgis
from weipian_plugin.core.store.workstore import StoreError, WorkStore, store_exists
from weipian_plugin.gui.layers import ANALYSIS, add_store_layers
from weipian_plugin.gui.tasks import CollectingFeedback, start_algorithm
from weipian_plugin.settings import Settings

FORM_CLASS, _ = uic.loadUiType(str(Path(__file__).parents[1] / "forms" / "import_dialog.ui"))
ALGORITHM_ID = "weipian:importpatches"
ENCODINGS = (("UTF-8", "utf-8"), ("GBK", "gbk"), ("GB18030", "gb18030"))


class ImportDialog(QDialog, FORM_CLASS):
    """Closing after a successful import accepts the dialog, so the caller remembers the store."""

    def __init__(self, iface, store_path: str = "", parent=None):
        super().__init__(parent)
        self.setupUi(self)
        self.iface = iface
        self.task: Optional[QgsProcessingAlgRunnerTask] = None
        self.feedback: Optional[CollectingFeedback] = None
        self.context: Optional[QgsProcessingContext] = None
        self.imported = False
        self._proposed = ""
        self._fields: List[str] = []

        self.inputFile.setStorageMode(QgsFileWidget.StorageMode.GetFile)
        self.inputFile.setFilter(self.tr("ESRI Shapefile") + " (*.shp *.SHP)")
        self.inputFile.setDefaultRoot(Settings.last_import_dir.value())
        self.storeFile.setStorageMode(QgsFileWidget.StorageMode.SaveFile)
        self.storeFile.setConfirmOverwrite(False)
        self.storeFile.setFilter("GeoPackage (*.gpkg *.GPKG)")
        self.storeFile.setFilePath(store_path or "")
        self.receivedDate.setDate(QDate.currentDate())
        self.encodingCombo.addItem(self.tr("Detect automatically"), "")
        for label, codec in ENCODINGS:
            self.encodingCombo.addItem(label, codec)
        self.crsWidget.setOptionVisible(QgsProjectionSelectionWidget.CrsOption.CrsNotSet, True)
        self.crsWidget.setNotSetText(self.tr("From the .prj or the coordinates"))
        self.crsWidget.setCrs(QgsCoordinateReferenceSystem())
        self._build_field_table()

        self.inputFile.fileChanged.connect(self._input_changed)
        self.storeFile.fileChanged.connect(self._store_changed)
        self.encodingCombo.currentIndexChanged.connect(self._read_fields)
        self.crsWidget.crsChanged.connect(self._describe_crs)
        self.importButton.clicked.connect(self.start_import)
        self.cancelButton.clicked.connect(self.cancel_import)
        self._store_changed()

    # -- inputs --------------------------------------------------------------------------------------
    def store_path(self) -> str:
        """The store chosen (a GeoPackage, or the shared store's PostgreSQL address), with ``.gpkg`` added when
        the user typed a new file name without it."""
        path = self.storeFile.filePath().strip()
        if postgis.is_address(path):
            return path
        return path + ".gpkg" if path and not path.lower().endswith(".gpkg") else path

    def _store_exists(self) -> bool:
        return store_exists(self.store_path())

    def _build_field_table(self) -> None:
        self.fieldTable.setRowCount(len(fieldmap.CANONICAL))
        for row, canonical in enumerate(fieldmap.CANONICAL):
            required = " *" if canonical in fieldmap.REQUIRED else ""
            item = QTableWidgetItem(f"{fieldmap.LABELS[canonical]} ({canonical}){required}")
            item.setData(Qt.ItemDataRole.UserRole, canonical)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.fieldTable.setItem(row, 0, item)
            self.fieldTable.setCellWidget(row, 1, QComboBox())
        self.fieldTable.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self._fill_mapping({})

    def _combo(self, row: int) -> QComboBox:
        return self.fieldTable.cellWidget(row, 1)

    def _fill_mapping(self, mapping: Dict[str, str]) -> None:
        for row, canonical in enumerate(fieldmap.CANONICAL):
            combo = self._combo(row)
            combo.clear()
            combo.addItem(self.tr("(not mapped)"), "")
            for name in self._fields:
                combo.addItem(name, name)
            combo.setCurrentIndex(max(combo.findData(mapping.get(canonical, "")), 0))

    def mapping(self) -> Dict[str, str]:
        """Canonical field → field of the file, as the table shows it now."""
        pairs = ((c, self._combo(row).currentData()) for row, c in enumerate(fieldmap.CANONICAL))
        return {c: name for c, name in pairs if name}

    def field_map_text(self) -> str:
        """The mapping as the algorithm's FIELD_MAP parameter: ``jcbh=监测编号;hsx=后时相``."""
        return ";".join(f"{c}={name}" for c, name in self.mapping().items())

    def _input_changed(self) -> None:
        self._read_fields()
        self._propose_batch()
        self._describe_crs()

    def _propose_batch(self) -> None:
        """The batch name from the 后时相 month (files are often named after the county, not the month);
        a name the user typed is kept."""
        path = self.inputFile.filePath().strip()
        if not os.path.isfile(path) or self.batchEdit.text().strip() not in ("", self._proposed):
            return
        try:
            proposed = importer.batch_name_for(path, self.encodingCombo.currentData() or None,
                                               self.field_map_text() or None)
        except (ValueError, RuntimeError, OSError):  # the field info says what is wrong with the file
            proposed = Path(path).stem
        self.batchEdit.setText(proposed)
        self._proposed = proposed

    def chosen_crs(self) -> str:
        crs = self.crsWidget.crs()
        return crs.authid() if crs.isValid() else ""

    def _describe_crs(self) -> None:
        """Say which CRS the import will use, or that the coordinates fit several and one must be chosen."""
        path = self.inputFile.filePath().strip()
        if not os.path.isfile(path):
            self.crsInfo.clear()
            return
        crs = self.crsWidget.crs()
        try:
            self.crsInfo.setText(importer.describe_crs(path, crs.postgisSrid() if crs.isValid() else None))
        except (ValueError, RuntimeError, OSError) as exc:  # CrsError: the coordinates do not say
            self.crsInfo.setText(self.tr("Choose the coordinate system: {error}").format(error=exc))

    def _store_changed(self) -> None:
        path = self.store_path()
        if not path:
            self.storeInfo.setText(self.tr("Choose an existing work store or type the name of a new one."))
        elif self._store_exists():
            self.storeInfo.setText(self.tr("Existing work store: the batch is added to it or updated."))
        else:
            self.storeInfo.setText(self.tr("A new work store will be created, in the projected CGCS2000 zone "
                                           "of the patches."))
        self._detect_mapping()

    def _read_fields(self) -> None:
        """Detect the encoding and read the field names (header only), then propose a mapping."""
        path = self.inputFile.filePath().strip()
        self._fields = []
        self.encodingInfo.clear()
        if os.path.isfile(path):
            chosen = self.encodingCombo.currentData()
            try:
                guess = detect_shapefile_encoding(path, chosen or None)
                self._fields = [str(f) for f in pyogrio.read_info(path, encoding=guess.encoding)["fields"]]
            except (ValueError, RuntimeError, OSError) as exc:  # EncodingError, pyogrio's DataSourceError
                self.encodingInfo.setText(self.tr("Cannot read the file: {error}").format(error=exc))
            else:
                if not chosen:
                    self.encodingInfo.setText(self.tr("Detected: {description}").format(
                        description=guess.description))
        self._detect_mapping()

    def _remembered_mapping(self) -> Optional[Dict[str, str]]:
        if not self._store_exists():
            return None
        try:
            with WorkStore.open(self.store_path()) as store:
                return keys.FIELD_MAP.read(store)
        except StoreError:
            return None

    def _detect_mapping(self) -> None:
        if not self._fields:
            self.presetInfo.clear()
            self._fill_mapping({})
            return
        try:
            detected = fieldmap.detect(self._fields, self._remembered_mapping())
        except fieldmap.FieldMapError as exc:
            self.presetInfo.setText(str(exc))
            self._fill_mapping({})
            return
        self.presetInfo.setText(self.tr("Detected preset: {preset}. Check and correct the mapping below.").format(
            preset=detected.preset or self.tr("custom")))
        self._fill_mapping(detected.mapping)

    # -- running -------------------------------------------------------------------------------------
    def _message(self, text: str, level: Qgis.MessageLevel) -> None:
        self.messageBar.clearWidgets()
        self.messageBar.pushMessage(text, level, 0)

    def _set_running(self, running: bool) -> None:
        for widget in (self.inputFile, self.storeFile, self.batchEdit, self.receivedDate, self.encodingCombo,
                       self.crsWidget, self.fieldTable, self.importButton):
            widget.setEnabled(not running)
        self.cancelButton.setEnabled(running)

    def parameters(self) -> dict:
        return {"INPUT": self.inputFile.filePath().strip(), "STORE": self.store_path(),
                "BATCH": self.batchEdit.text().strip(),
                "RECEIVED": self.receivedDate.date().toString("yyyy-MM-dd"),
                "ENCODING": self.encodingCombo.currentData(), "FIELD_MAP": self.field_map_text(),
                "CRS": self.chosen_crs()}

    def start_import(self) -> None:
        shp = self.inputFile.filePath().strip()
        if not os.path.isfile(shp):
            self._message(self.tr("Choose the patch shapefile."), Qgis.MessageLevel.Warning)
            return
        if not self.store_path():
            self._message(self.tr("Choose the work store."), Qgis.MessageLevel.Warning)
            return
        algorithm = QgsApplication.processingRegistry().createAlgorithmById(ALGORITHM_ID)
        if algorithm is None:
            self._message(self.tr("The Processing algorithm {id} is not available.").format(id=ALGORITHM_ID),
                          Qgis.MessageLevel.Critical)
            return
        if not self._same_file_answered(shp):
            return
        Settings.last_import_dir.set_value(os.path.dirname(shp))
        self.messageBar.clearWidgets()
        self.summaryText.clear()
        self.progressBar.setValue(0)
        self.context, self.feedback, self.task = start_algorithm(
            algorithm, self.parameters(), self._on_progress, self._on_executed)
        self._set_running(True)

    def _same_file_answered(self, shp: str) -> bool:
        """The same file imported before as another batch: offer to update that batch instead (a second
        batch would double every patch and every total)."""
        if not self._store_exists():
            return True
        try:
            with WorkStore.open(self.store_path()) as store:
                earlier = importer.same_file_batch(store, shp, self.batchEdit.text().strip())
        except (StoreError, OSError):
            return True  # the import itself reports what is wrong with the store
        if earlier is None:
            return True
        answer = QMessageBox.question(
            self, self.tr("Same file"),
            self.tr("This file was already imported as batch {batch}. Importing it again under another name "
                    "would count every patch twice. Update batch {batch} instead?").format(batch=earlier),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        self.batchEdit.setText(earlier)
        return True

    def cancel_import(self) -> None:
        if self.feedback is not None and self.task is not None:
            self.feedback.cancel()
            self.cancelButton.setEnabled(False)

    def _on_progress(self, value: float) -> None:
        self.progressBar.setValue(int(value))

    def _on_executed(self, ok: bool, results: dict) -> None:
        feedback, self.task = self.feedback, None
        self._set_running(False)
        self.summaryText.setPlainText("\n".join(text for text, _ in feedback.messages))
        counts = (int(results.get("IMPORTED") or 0), int(results.get("REJECTED") or 0)) if results else (0, 0)
        if feedback.isCanceled() and counts == (0, 0):
            self._message(self.tr("Import cancelled; the work store is unchanged."), Qgis.MessageLevel.Warning)
        elif not ok:
            errors = "\n".join(text for text, error in feedback.messages if error)
            self._message(errors or self.tr("The import failed; see the Processing log."),
                          Qgis.MessageLevel.Critical)
        else:
            self.imported = True
            self.progressBar.setValue(100)
            self._message(self.tr("Imported {imported} patches, rejected {rejected}.").format(
                imported=counts[0], rejected=counts[1]), Qgis.MessageLevel.Success)
            self._show_store()
        self._store_changed()

    def _show_store(self) -> None:
        """Add or refresh the store's layers and bring the patches into view."""
        layer = add_store_layers(self.store_path()).get(ANALYSIS)
        canvas = self.iface.mapCanvas()
        if layer is None or layer.extent().isEmpty():
            return
        transform = QgsCoordinateTransform(layer.crs(), canvas.mapSettings().destinationCrs(),
                                           QgsProject.instance())
        canvas.setExtent(transform.transformBoundingBox(layer.extent()))
        canvas.refresh()

    def reject(self) -> None:
        """Close; a running import is cancelled first (the dialog stays until it has stopped)."""
        if self.task is not None:
            self.cancel_import()
            return
        self.done(QDialog.DialogCode.Accepted if self.imported else QDialog.DialogCode.Rejected)
