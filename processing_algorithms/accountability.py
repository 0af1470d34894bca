"""weipian:accountability — 第15号令 ratios as an Excel workbook or the HTML report (by extension)."""
from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputBoolean,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
)

from weipian_plugin.compat import INTEGER_NUMBER
from weipian_plugin.core.statistics.ledger import accountability_config, store_accountability
from weipian_plugin.core.store.outputs import OutputError, check_output
from weipian_plugin.exporters.report import write_report
from weipian_plugin.exporters.xlsx import write_accountability
from weipian_plugin.processing_algorithms.base import WeipianAlgorithm

HTML_SUFFIXES = (".html", ".htm")


class AccountabilityAlgorithm(WeipianAlgorithm):
    OUTPUT = "OUTPUT"
    YEAR = "YEAR"
    ACCOUNTABLE = "ACCOUNTABLE"

    def name(self) -> str:
        return "accountability"

    def displayName(self) -> str:
        return self.tr("Accountability ratio (Order No. 15)")

    def shortHelpString(self) -> str:
        return self.tr(
            "Computes illegally occupied cultivated land ÷ new construction land on cultivated land per "
            "township and for the county, before and after the deductions configured in the work store "
            "(supplementary approval, demolition and restoration, major infrastructure), with the threshold "
            "verdicts and the township ranking. An .xlsx output is the accountability workbook; an .html "
            "output is the printable report with charts.")

    def initAlgorithm(self, config=None):
        self.addParameter(self.store_parameter())
        self.addParameter(QgsProcessingParameterFileDestination(
            self.OUTPUT, self.tr("Workbook or report"), "Excel (*.xlsx);;HTML (*.html)"))
        self.addParameter(QgsProcessingParameterNumber(
            self.YEAR, self.tr("Year (empty = every batch in the store)"),
            INTEGER_NUMBER, optional=True, minValue=2000, maxValue=2100))
        self.addOutput(QgsProcessingOutputBoolean(self.ACCOUNTABLE, self.tr("County reaches accountability")))

    def processAlgorithm(self, parameters, context, feedback):
        output = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        suffix = Path(output).suffix.lower()
        try:  # before any work: never the store, another database or a wrong extension
            check_output(output, (".xlsx",) + HTML_SUFFIXES, self.parameterAsFile(parameters, self.STORE, context))
        except OutputError as exc:
            raise QgsProcessingException(str(exc)) from exc
        year = self.parameterAsInt(parameters, self.YEAR, context) or None
        try:
            with self.open_store(self.parameterAsFile(parameters, self.STORE, context)) as store:
                config = accountability_config(store)
                result = store_accountability(store, config, year)
                feedback.setProgress(40)
                if feedback.isCanceled():
                    return {}
                if suffix in HTML_SUFFIXES:
                    year_text = year or store.meta("year")
                    write_report(store, output, f"{year_text}年度" if year_text else "全部批次", config, year)
                else:
                    write_accountability(store, output, config, year)
        except (ValueError, OSError) as exc:
            raise QgsProcessingException(str(exc)) from exc
        county = result.counties[0] if len(result.counties) == 1 else result.total
        feedback.pushInfo(county.explanation)
        feedback.setProgress(100)
        return {self.OUTPUT: output, self.ACCOUNTABLE: county.accountable}
