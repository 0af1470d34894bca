"""weipian:exportledger — the Excel 图斑台账 with the township summary and the monthly progress."""
from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from weipian_plugin.compat import INTEGER_NUMBER
from weipian_plugin.exporters.xlsx import ExportCancelled, write_ledger
from weipian_plugin.processing_algorithms.base import WeipianAlgorithm


class ExportLedgerAlgorithm(WeipianAlgorithm):
    OUTPUT = "OUTPUT"
    BATCH = "BATCH"
    PER_BATCH = "PER_BATCH"
    YEAR = "YEAR"

    def name(self) -> str:
        return "exportledger"

    def displayName(self) -> str:
        return self.tr("Export patch ledger (Excel)")

    def shortHelpString(self) -> str:
        return self.tr(
            "Writes the patch ledger (图斑台账) as an Excel workbook: one row per patch with the overlay "
            "results, suggestion, determination, illegal areas, case and rectification status, in mu to two "
            "decimals under Chinese two-row headers, with a totals row; one sheet or one per batch. Adds the "
            "new-construction summary by township and the progress of the latest month.")

    def initAlgorithm(self, config=None):
        self.addParameter(self.store_parameter())
        self.addParameter(QgsProcessingParameterFileDestination(self.OUTPUT, self.tr("Ledger workbook"),
                                                                "Excel (*.xlsx)"))
        self.addParameter(QgsProcessingParameterString(self.BATCH, self.tr("Only this batch (empty = all)"),
                                                       optional=True))
        self.addParameter(QgsProcessingParameterBoolean(self.PER_BATCH, self.tr("One sheet per batch"),
                                                        defaultValue=False))
        self.addParameter(QgsProcessingParameterNumber(
            self.YEAR, self.tr("Year (empty = every year, one summary sheet each)"),
            INTEGER_NUMBER, optional=True, minValue=2000, maxValue=2100))

    def processAlgorithm(self, parameters, context, feedback):
        output = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        batch = self.parameterAsString(parameters, self.BATCH, context).strip() or None
        year = self.parameterAsInt(parameters, self.YEAR, context) or None
        progress, cancelled = self.progress_callbacks(feedback)
        try:
            with self.open_store(self.parameterAsFile(parameters, self.STORE, context)) as store:
                if batch and store.batch(batch) is None:
                    raise QgsProcessingException(f"工作库中没有批次“{batch}”")
                write_ledger(store, output, self.parameterAsBool(parameters, self.PER_BATCH, context), batch,
                             progress=progress, is_cancelled=cancelled, year=year)
        except ExportCancelled:
            feedback.reportError(self.tr("Export cancelled; no file was written."))
            return {}
        except (ValueError, OSError) as exc:
            raise QgsProcessingException(str(exc)) from exc
        feedback.pushInfo(f"图斑台账已写出：{output}")
        return {self.OUTPUT: output}
