"""weipian:importrecords — a filled-in 图斑台账 (xlsx as exported, or CSV with its headers) back into the store."""
from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
)

from weipian_plugin.core.statistics.records_import import APPLIED, REFUSED, import_records
from weipian_plugin.core.store.outputs import check_output
from weipian_plugin.exporters.ledger_import import read_ledger, write_import_report
from weipian_plugin.processing_algorithms.base import WeipianAlgorithm


class ImportRecordsAlgorithm(WeipianAlgorithm):
    INPUT = "INPUT"
    REPORT = "REPORT"
    APPLIED = "APPLIED"
    REFUSED = "REFUSED"

    def name(self) -> str:
        return "importrecords"

    def displayName(self) -> str:
        return self.tr("Import filled-in patch ledger")

    def shortHelpString(self) -> str:
        return self.tr(
            "Reads a patch ledger that township offices filled in (the Excel workbook the ledger export writes, "
            "or a CSV with the same headers) and updates determinations and rectification records from it, "
            "audited like edits in the review dock. Only cells that differ from what the ledger shows for the "
            "store now are changed. After 一上/二上 a rectification is applied while a change of the locked "
            "determination is refused. Every row's outcome — applied, unchanged or refused with the reason "
            "(locked, unknown JCBH, invalid value) — is listed in the log and the optional report workbook.")

    def initAlgorithm(self, config=None):
        self.addParameter(self.store_parameter())
        self.addParameter(QgsProcessingParameterFile(self.INPUT, self.tr("Filled-in ledger (xlsx or csv)"),
                                                     fileFilter="Excel (*.xlsx);;CSV (*.csv)"))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.REPORT, self.tr("Import report (optional)"), "Excel (*.xlsx)", optional=True,
            createByDefault=False))
        self.addOutput(QgsProcessingOutputNumber(self.APPLIED, self.tr("Parts applied")))
        self.addOutput(QgsProcessingOutputNumber(self.REFUSED, self.tr("Parts refused")))

    def processAlgorithm(self, parameters, context, feedback):
        source = self.parameterAsFile(parameters, self.INPUT, context)
        report = self.parameterAsFileOutput(parameters, self.REPORT, context)
        progress, cancelled = self.progress_callbacks(feedback)
        try:
            if report:  # before anything is imported: the report may not replace the store or a database
                check_output(report, (".xlsx",), self.parameterAsFile(parameters, self.STORE, context))
            rows = read_ledger(source)
            with self.open_store(self.parameterAsFile(parameters, self.STORE, context)) as store:
                outcomes = import_records(store, rows, self.actor(store), progress, cancelled)
            if report:
                write_import_report(outcomes, report, Path(source).name)
        except (ValueError, OSError) as exc:
            raise QgsProcessingException(str(exc)) from exc
        for o in outcomes:
            text = f"第{o.row}行 {o.batch} {o.jcbh} {o.part}：{o.status}" + (f"（{o.fields}）" if o.fields else "")
            if o.status == REFUSED:
                feedback.reportError(f"{text}，{o.reason}")
            else:
                feedback.pushInfo(text)
        applied = sum(o.status == APPLIED for o in outcomes)
        refused = sum(o.status == REFUSED for o in outcomes)
        feedback.pushInfo(f"共{len(rows)}行：导入{applied}项，拒绝{refused}项")
        return {self.REPORT: report or None, self.APPLIED: applied, self.REFUSED: refused}
