"""weipian:importpatches — import a ministry patch shapefile into the work store."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterCrs,
    QgsProcessingParameterFile,
    QgsProcessingParameterString,
)

from weipian_plugin.core.dates import parse_date
from weipian_plugin.core.intake.importer import ImportCancelled, create_store_for, import_patches
from weipian_plugin.core.store import postgis
from weipian_plugin.core.store.errors import explain
from weipian_plugin.core.store.outputs import publish_new, temporary_sibling
from weipian_plugin.processing_algorithms.base import WeipianAlgorithm


class ImportPatchesAlgorithm(WeipianAlgorithm):
    INPUT = "INPUT"
    BATCH = "BATCH"
    RECEIVED = "RECEIVED"
    ENCODING = "ENCODING"
    FIELD_MAP = "FIELD_MAP"
    CRS = "CRS"
    IMPORTED = "IMPORTED"
    REJECTED = "REJECTED"

    def name(self) -> str:
        return "importpatches"

    def displayName(self) -> str:
        return self.tr("Import monitoring patches")

    def shortHelpString(self) -> str:
        return self.tr(
            "Imports a patch shapefile issued by the ministry into the work store (a GeoPackage is created when "
            "missing; a shared PostgreSQL store must exist). "
            "Encoding, CRS and field mapping are detected unless given. Invalid geometries are repaired; "
            "empty, non-polygon, duplicate or id-less patches are rejected with a reason. Re-importing a "
            "batch updates its patches in place and keeps every determination.")

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFile(
            self.INPUT, self.tr("Patch shapefile"), extension="shp"))
        self.addParameter(self.store_parameter())
        self.addParameter(QgsProcessingParameterString(
            self.BATCH, self.tr("Batch name (empty = file name)"), optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.RECEIVED, self.tr("Received date (empty = today)"), optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.ENCODING, self.tr("Encoding (empty = detect)"), optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.FIELD_MAP, self.tr("Field mapping, e.g. jcbh=TBBH;hsx=HSX (empty = detect)"),
            optional=True, multiLine=True))
        self.addParameter(QgsProcessingParameterCrs(
            self.CRS, self.tr("Coordinate system of the file (empty = from .prj or coordinates)"), optional=True))
        self.addOutput(QgsProcessingOutputNumber(self.IMPORTED, self.tr("Patches imported")))
        self.addOutput(QgsProcessingOutputNumber(self.REJECTED, self.tr("Patches rejected")))

    def prepareAlgorithm(self, parameters, context, feedback):
        # The CRS may name a project layer (its CRS is meant): resolved here, on the main thread where the
        # project's layers live, since processAlgorithm may run on a task thread (gui/tasks.py).
        self.crs = self.parameterAsCrs(parameters, self.CRS, context)
        return True

    def processAlgorithm(self, parameters, context, feedback):
        shp = self.parameterAsFile(parameters, self.INPUT, context)
        address = self.parameterAsFile(parameters, self.STORE, context)
        store_path = address if postgis.is_address(address) else Path(address)
        received_text = self.parameterAsString(parameters, self.RECEIVED, context)
        crs = self.crs
        options = dict(
            batch=self.parameterAsString(parameters, self.BATCH, context) or None,
            encoding=self.parameterAsString(parameters, self.ENCODING, context) or None,
            field_map=self.parameterAsString(parameters, self.FIELD_MAP, context) or None,
            source_epsg=crs.postgisSrid() or None if crs.isValid() else None)
        progress, cancelled = self.progress_callbacks(feedback)
        try:
            received = parse_date(received_text) if received_text else None
            # A shared store is never created here (its database, roles and publishing are the bureau's
            # set-up, README); one that does not exist is refused by open_store in words.
            if isinstance(store_path, str) or store_path.exists():
                result = self._import(store_path, shp, received, options, progress, cancelled)
            else:
                result = self._import_new(store_path, shp, received, options, progress, cancelled, feedback)
        except ImportCancelled:
            feedback.reportError(self.tr("Import cancelled; the work store is unchanged."))
            return {self.IMPORTED: 0, self.REJECTED: 0}
        except ValueError as exc:  # core's ValueErrors carry Chinese messages
            raise QgsProcessingException(str(exc)) from exc
        except (OSError, sqlite3.Error) as exc:  # a read-only folder, a full disk, a busy store
            shown = postgis.shown(store_path)  # no password in a message
            raise QgsProcessingException(explain(exc, shown) or f"无法写入工作库 {shown}：{exc}") from exc
        for warning in result.warnings:
            feedback.reportError(warning)
        feedback.pushInfo(result.summary())
        return {self.IMPORTED: result.imported, self.REJECTED: result.rejected}

    def _import(self, store_path, shp, received, options, progress, cancelled):
        with self.open_store(str(store_path)) as store:
            return import_patches(store, shp, received=received, progress=progress, is_cancelled=cancelled,
                                  **options)

    def _import_new(self, store_path, shp, received, options, progress, cancelled, feedback):
        """Build the new store under a name of this run's own and publish it only when the import is
        complete: a failed run removes only its own file, never a store another run created meanwhile."""
        tmp = temporary_sibling(store_path, ".importing")
        tmp.unlink()
        try:
            create_store_for(tmp, shp, encoding=options["encoding"], field_map=options["field_map"],
                             source_epsg=options["source_epsg"]).close()
            result = self._import(tmp, shp, received, options, progress, cancelled)
            if publish_new(tmp, store_path):
                feedback.pushInfo(f"已新建工作库：{store_path}")
                return result
        finally:
            tmp.unlink(missing_ok=True)
        # Another run created the store while this one worked: import into it instead.
        return self._import(store_path, shp, received, options, progress, cancelled)
