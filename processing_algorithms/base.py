"""What every weipian algorithm shares: translation, grouping, opening the store, core errors."""
from __future__ import annotations

import contextlib
import sqlite3

from qgis.core import QgsProcessingAlgorithm, QgsProcessingException, QgsProcessingFeedback, QgsProcessingParameterFile
from qgis.PyQt.QtCore import QCoreApplication

from weipian_plugin.core.store import postgis
from weipian_plugin.core.store.errors import explain
from weipian_plugin.core.store.workstore import StoreError, WorkStore, store_exists


class WeipianAlgorithm(QgsProcessingAlgorithm):
    STORE = "STORE"

    def tr(self, text: str) -> str:
        return QCoreApplication.translate(type(self).__name__, text)  # the context pylupdate5 gives self.tr()

    def store_parameter(self) -> QgsProcessingParameterFile:
        """The work store: a GeoPackage chosen as a file, or a shared store's PostgreSQL address typed in
        (``postgresql:service=…``, core/store/postgis.py)."""
        return QgsProcessingParameterFile(
            self.STORE, QCoreApplication.translate("WeipianAlgorithm", "Work store (GeoPackage or PostgreSQL address)"),
            fileFilter="GeoPackage (*.gpkg);;All files (*)")

    def createInstance(self):
        return type(self)()

    def group(self) -> str:
        return QCoreApplication.translate("WeipianAlgorithm", "Satellite enforcement")

    def groupId(self) -> str:
        return "weipian"

    @staticmethod
    @contextlib.contextmanager
    def open_store(path: str):
        """Open the work store; core's Chinese messages become Processing errors the user can read."""
        if not store_exists(path):
            raise QgsProcessingException(f"工作库不存在：{path}")
        try:
            store = WorkStore.open(path)
        except StoreError as exc:
            raise QgsProcessingException(str(exc)) from exc
        try:
            yield store
        except (sqlite3.Error, OSError) as exc:  # said in words a person can act on (no password shown)
            message = explain(exc, postgis.shown(path))
            if message is None:
                raise
            raise QgsProcessingException(message) from exc
        finally:
            store.close()

    def actor(self, store) -> str:
        """Who the audit log credits for this run: the reviewer's name set in the plugin for the store,
        else the algorithm itself (never the operating-system account)."""
        from weipian_plugin.settings import Settings

        return Settings.reviewer_name(store) or f"未设置审核人（weipian:{self.name()}）"

    @staticmethod
    def progress_callbacks(feedback: QgsProcessingFeedback):
        """(progress, is_cancelled) callables for core functions, which take fractions 0..1."""
        return (lambda f: feedback.setProgress(100.0 * f)), feedback.isCanceled
