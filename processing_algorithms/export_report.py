"""weipian:exportreport — the printable HTML report (统计报告) of a year or a month, as of a date."""
from __future__ import annotations

import datetime as dt
import re

from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from weipian_plugin.compat import INTEGER_NUMBER
from weipian_plugin.exporters.report import write_report
from weipian_plugin.processing_algorithms.base import WeipianAlgorithm

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class ExportReportAlgorithm(WeipianAlgorithm):
    OUTPUT = "OUTPUT"
    YEAR = "YEAR"
    MONTH = "MONTH"
    AS_OF = "AS_OF"

    def name(self) -> str:
        return "exportreport"

    def displayName(self) -> str:  # noqa: N802
        return self.tr("Statistics report (HTML)")

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "Writes the printable HTML report: patches and determinations, illegal land, rectification, the "
            "Order No. 15 ratio with its charts, the township ranking, overdue determinations and daily "
            "enforcement. With a month (YYYY-MM) it is the monthly progress report and adds that month's "
            "progress table. Overdue days are counted as of the given date (empty = today). Long lists are "
            "summarised; the ledger and the daily-enforcement workbooks list them in full.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(self.store_parameter())
        self.addParameter(QgsProcessingParameterFileDestination(self.OUTPUT, self.tr("Report"), "HTML (*.html)"))
        self.addParameter(QgsProcessingParameterNumber(
            self.YEAR, self.tr("Year (empty = every batch in the store)"),
            INTEGER_NUMBER, optional=True, minValue=2000, maxValue=2100))
        self.addParameter(QgsProcessingParameterString(
            self.MONTH, self.tr("Month YYYY-MM (monthly report; empty = none)"), optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.AS_OF, self.tr("As of date YYYY-MM-DD (empty = today)"), optional=True))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        output = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        year = self.parameterAsInt(parameters, self.YEAR, context) or None
        month = self.parameterAsString(parameters, self.MONTH, context).strip() or None
        as_of_text = self.parameterAsString(parameters, self.AS_OF, context).strip()
        if month and not MONTH.match(month):
            raise QgsProcessingException(f"月份应写作 YYYY-MM（如 2026-04）：{month}")
        try:
            as_of = dt.date.fromisoformat(as_of_text) if as_of_text else dt.date.today()
        except ValueError as exc:
            raise QgsProcessingException(f"截至日期应写作 YYYY-MM-DD：{as_of_text}") from exc
        with self.open_store(self.parameterAsFile(parameters, self.STORE, context)) as store:
            if month:
                y, m = MONTH.match(month).groups()
                period = f"{y}年{int(m)}月"
            else:
                year_text = year or store.meta("year")
                period = f"{year_text}年度" if year_text else "全部批次"
            try:
                write_report(store, output, period, year=year, month=month, today=as_of)
            except (ValueError, OSError) as exc:
                raise QgsProcessingException(str(exc)) from exc
        feedback.pushInfo(self.tr("Report written to {}").format(output))
        return {self.OUTPUT: output}
