"""weipian:exportstore — a snapshot of the shared PostGIS store for offline field work, and back."""
from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
)

from weipian_plugin.core.review import offline
from weipian_plugin.core.store import postgis, transfer
from weipian_plugin.core.store.outputs import check_output
from weipian_plugin.processing_algorithms.base import WeipianAlgorithm


class ExportStoreAlgorithm(WeipianAlgorithm):
    OUTPUT = "OUTPUT"
    RETURN = "RETURN"
    ROWS = "ROWS"
    APPLIED = "APPLIED"
    CONFLICTS = "CONFLICTS"

    def name(self) -> str:
        return "exportstore"

    def displayName(self) -> str:
        return self.tr("Offline snapshot of a shared store (export and return)")

    def shortHelpString(self) -> str:
        return self.tr(
            "Export: copies the shared PostGIS store, as it stands at one moment, into a new GeoPackage for "
            "offline field work (its audit log and hash chain included). Return: applies what was changed in "
            "such a snapshot — determinations, rectification records and photos — to the shared store through "
            "the same audited, version-checked saves as the review dock. A record someone changed on the server "
            "since the export is not overwritten: it is listed as a conflict with both values, to be decided in "
            "the review dock. Give either the snapshot to create or the snapshot to return.")

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterString(self.STORE, self.tr("Shared store (PostgreSQL address)")))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.OUTPUT, self.tr("Export a snapshot to"), "GeoPackage (*.gpkg)", optional=True, createByDefault=False))
        self.addParameter(QgsProcessingParameterFile(self.RETURN, self.tr("Return the changes of snapshot"),
                                                     extension="gpkg", optional=True))
        self.addOutput(QgsProcessingOutputNumber(self.ROWS, self.tr("Rows exported")))
        self.addOutput(QgsProcessingOutputNumber(self.APPLIED, self.tr("Changes returned")))
        self.addOutput(QgsProcessingOutputNumber(self.CONFLICTS, self.tr("Conflicts left for review")))

    def processAlgorithm(self, parameters, context, feedback):
        address = self.parameterAsString(parameters, self.STORE, context).strip()
        output = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        returned = self.parameterAsFile(parameters, self.RETURN, context)
        if not postgis.is_address(address):
            raise QgsProcessingException(f"不是 PostgreSQL 地址：{address}（例如 postgresql:service=weipian）")
        if bool(output) == bool(returned):
            raise QgsProcessingException("请只填一项：导出快照的文件，或要回传的快照")
        progress, cancelled = self.progress_callbacks(feedback)
        try:
            if output:
                check_output(output, (".gpkg",))
                if Path(output).exists():
                    raise QgsProcessingException(f"文件已存在：{output}（快照只写入新文件）")
                counts = transfer.snapshot(address, output, progress, cancelled)
                rows = sum(counts.values())
                feedback.pushInfo(f"已导出离线快照 {output}：图斑 {counts.get('patches', 0)}，共 {rows} 行")
                return {self.OUTPUT: output, self.ROWS: rows}
            with self.open_store(returned) as snapshot:
                actor = self.actor(snapshot)
            outcomes = offline.return_snapshot(returned, address, actor, progress, cancelled)
        except (transfer.TransferCancelled, offline.OfflineCancelled):
            feedback.reportError("已取消" + ("：未写入快照文件" if output else "：已回传的修改保留，其余未回传"))
            return {}
        except (ValueError, OSError) as exc:
            raise QgsProcessingException(str(exc)) from exc
        for o in outcomes:
            (feedback.reportError if o.status in (offline.CONFLICT, offline.REFUSED) else feedback.pushInfo)(o.text())
        applied = sum(o.status == offline.APPLIED for o in outcomes)
        conflicts = sum(o.status == offline.CONFLICT for o in outcomes)
        feedback.pushInfo(f"离线修改 {len(outcomes)} 项：回传 {applied} 项，冲突 {conflicts} 项（请在审核面板中处理），"
                          f"拒绝 {sum(o.status == offline.REFUSED for o in outcomes)} 项")
        return {self.APPLIED: applied, self.CONFLICTS: conflicts}
