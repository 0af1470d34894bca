"""weipian:publishstore — a county's GeoPackage work store into a shared PostGIS store."""
from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputBoolean,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFile,
    QgsProcessingParameterString,
)

from weipian_plugin.core.store import audit, postgis, transfer
from weipian_plugin.processing_algorithms.base import WeipianAlgorithm


class PublishStoreAlgorithm(WeipianAlgorithm):
    TARGET = "TARGET"
    ROWS = "ROWS"
    OK = "OK"

    def name(self) -> str:
        return "publishstore"

    def displayName(self) -> str:
        return self.tr("Publish work store to PostGIS")

    def shortHelpString(self) -> str:
        return self.tr(
            "Copies a GeoPackage work store, every row as it is, into a new shared store in a PostgreSQL "
            "database with PostGIS (the target must not hold a store yet). The audit log and its hash chain "
            "are carried over, so weipian:verifystore passes on the target as on the source; a source whose "
            "record is broken is refused. The new store appears only complete: a failure or a cancel leaves "
            "the database as it was. The target is a PostgreSQL address: postgresql:service=… (pg_service.conf) "
            "or postgresql:dbname=… host=… user=…; passwords come from .pgpass or the service file.")

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFile(self.STORE, self.tr("Work store (GeoPackage)"),
                                                     extension="gpkg"))
        self.addParameter(QgsProcessingParameterString(self.TARGET, self.tr("Target store (PostgreSQL address)")))
        self.addOutput(QgsProcessingOutputNumber(self.ROWS, self.tr("Rows copied")))
        self.addOutput(QgsProcessingOutputBoolean(self.OK, self.tr("Record intact on the target")))

    def processAlgorithm(self, parameters, context, feedback):
        source = self.parameterAsFile(parameters, self.STORE, context)
        target = self.parameterAsString(parameters, self.TARGET, context).strip()
        if not source or not Path(source).is_file():
            raise QgsProcessingException(f"工作库不存在：{source}")
        if not postgis.is_address(target):
            raise QgsProcessingException(f"目标不是 PostgreSQL 地址：{target}（例如 postgresql:service=weipian）")
        progress, cancelled = self.progress_callbacks(feedback)
        try:
            counts = transfer.publish(source, target, progress, cancelled)
        except transfer.TransferCancelled:
            feedback.reportError("已取消：未创建共享工作库，数据库保持原样")
            return {}
        except (ValueError, OSError) as exc:
            raise QgsProcessingException(str(exc)) from exc
        with self.open_store(target) as store:
            check = audit.verify(store.conn)
        rows = sum(counts.values())
        feedback.pushInfo(f"已发布到 {postgis.shown(target)}：{len(counts)} 个表，共 {rows} 行"
                          f"（图斑 {counts.get('patches', 0)}，修改记录 {counts.get('audit_log', 0)}）")
        (feedback.pushInfo if check.ok else feedback.reportError)(check.text())
        return {self.ROWS: rows, self.OK: check.ok}
