"""Open an existing work store, or create a new one for a county and year."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Optional

from qgis.core import QgsCoordinateReferenceSystem
from qgis.gui import QgsFileWidget
from qgis.PyQt import uic
from qgis.PyQt.QtWidgets import QDialog, QMessageBox

from weipian_plugin.core.store import postgis
from weipian_plugin.core.store.workstore import StoreError, WorkStore
from weipian_plugin.layer_source import connection_address, connection_names

FORM_CLASS, _ = uic.loadUiType(str(Path(__file__).parents[1] / "forms" / "store_dialog.ui"))
DEFAULT_EPSG = 4527
GPKG_FILTER = "GeoPackage (*.gpkg *.GPKG)"


def suggested_file_name(county: str, year: int) -> str:
    """``<县名>_<年>_卫片.gpkg``, the name bureaus give the store."""
    county = county.strip()
    return f"{county}_{year}_卫片.gpkg" if county else f"{year}_卫片.gpkg"


class StoreDialog(QDialog, FORM_CLASS):
    """On OK, opens or creates the store; ``path`` is then the store's file, or the PostgreSQL address of
    a shared store (layer_source.connection_address)."""

    def __init__(self, parent=None, current_path: str = ""):
        super().__init__(parent)
        self.setupUi(self)
        self.path: Optional[str] = None
        self._suggested = ""
        shared = postgis.is_address(current_path)
        existing = bool(current_path) and not shared and os.path.isfile(current_path)
        self.openFile.setStorageMode(QgsFileWidget.StorageMode.GetFile)
        self.openFile.setFilter(GPKG_FILTER)
        self.openFile.setDialogTitle(self.tr("Open work store"))
        self.openFile.setFilePath(current_path if existing else "")
        self.folderWidget.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.folderWidget.setFilePath(os.path.dirname(current_path) if current_path and not shared
                                      else str(Path.home()))
        self.connectionCombo.addItems(connection_names())
        self.crsWidget.setCrs(QgsCoordinateReferenceSystem(f"EPSG:{DEFAULT_EPSG}"))
        self.yearSpin.setValue(dt.date.today().year)
        (self.sharedRadio if shared else self.openRadio if existing else self.createRadio).setChecked(True)
        for radio in (self.openRadio, self.createRadio, self.sharedRadio):
            radio.toggled.connect(self._update_mode)
        self.countyEdit.textChanged.connect(self._suggest_name)
        self.yearSpin.valueChanged.connect(self._suggest_name)
        self._suggest_name()
        self._update_mode()

    def _update_mode(self) -> None:
        self.openPage.setEnabled(self.openRadio.isChecked())
        self.createPage.setEnabled(self.createRadio.isChecked())
        self.sharedPage.setEnabled(self.sharedRadio.isChecked())

    def _suggest_name(self) -> None:
        """Follow county and year until the user types a name of their own."""
        if self.fileNameEdit.text() in ("", self._suggested):
            self._suggested = suggested_file_name(self.countyEdit.text(), self.yearSpin.value())
            self.fileNameEdit.setText(self._suggested)

    def new_store_path(self) -> str:
        name = self.fileNameEdit.text().strip()
        if name and not name.lower().endswith(".gpkg"):
            name += ".gpkg"
        return os.path.join(self.folderWidget.filePath(), name) if name else ""

    def _warn(self, text: str) -> None:
        QMessageBox.warning(self, self.tr("Work store"), text)

    def _open_existing(self) -> Optional[str]:
        path = self.openFile.filePath().strip()
        if not path:
            self._warn(self.tr("Choose the work store file."))
            return None
        WorkStore.open(path).close()
        return path

    def _create_new(self) -> Optional[str]:
        crs = self.crsWidget.crs()
        if not crs.authid().upper().startswith("EPSG:") or crs.isGeographic():
            self._warn(self.tr("Choose a projected CRS with an EPSG code (CGCS2000 Gauss–Krüger, e.g. EPSG:4527): "
                               "patches are stored and measured in it."))
            return None
        if not os.path.isdir(self.folderWidget.filePath()):
            self._warn(self.tr("Choose an existing folder for the new work store."))
            return None
        path = self.new_store_path()
        if not path:
            self._warn(self.tr("Enter a file name for the new work store."))
            return None
        WorkStore.create(path, int(crs.authid().split(":")[1]), county_name=self.countyEdit.text().strip(),
                         county_code=self.codeEdit.text().strip(), year=self.yearSpin.value()).close()
        return path

    def _open_shared(self) -> Optional[str]:
        name = self.connectionCombo.currentText()
        if not name:
            self._warn(self.tr("Add the shared store's database in QGIS first (Browser → PostgreSQL → "
                               "New Connection), then choose it here."))
            return None
        address = connection_address(name)
        WorkStore.open(address).close()
        return address

    def accept(self) -> None:
        try:
            path = (self._open_existing() if self.openRadio.isChecked() else
                    self._open_shared() if self.sharedRadio.isChecked() else self._create_new())
        except (StoreError, OSError, ValueError) as exc:
            self._warn(str(exc))
            return
        if path:
            self.path = path
            super().accept()


def choose_store(parent, current_path: str) -> Optional[str]:
    """Let the user open or create a work store; its path, or None when cancelled."""
    dialog = StoreDialog(parent, current_path)
    try:
        return dialog.path if dialog.exec() else None
    finally:
        dialog.deleteLater()
