"""weipian:gradeenforcement — daily-enforcement workbook: patrol ledger, clue deadlines, grading."""
from __future__ import annotations

import datetime as dt

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from weipian_plugin.compat import INTEGER_NUMBER
from weipian_plugin.core.dates import parse_date
from weipian_plugin.core.enforcement import records as enforcement
from weipian_plugin.exporters.enforcement_xlsx import write_enforcement
from weipian_plugin.processing_algorithms.base import WeipianAlgorithm


class GradeEnforcementAlgorithm(WeipianAlgorithm):
    OUTPUT = "OUTPUT"
    TODAY = "TODAY"
    YEAR = "YEAR"
    VIOLATIONS = "VIOLATIONS"
    FOUND = "FOUND"
    OVERDUE_CLUES = "OVERDUE_CLUES"

    def name(self) -> str:
        return "gradeenforcement"

    def displayName(self) -> str:
        return self.tr("Grade daily enforcement")

    def shortHelpString(self) -> str:
        return self.tr(
            "Writes the daily-enforcement workbook: the patrol ledger; every clue's deadlines in working days "
            "(weekends and the store's holiday list), overdue ones highlighted, major violations flagged for "
            "the 5-day report; and per township the discovery rate (violations found by daily enforcement ÷ all "
            "violations, satellite and daily), stop rate (stopped ÷ found), filing rate (filed ÷ those that must "
            "be filed) and closing rate (closed ÷ filed) against the 95 % / 90 % targets — a satellite patch is "
            "found when a clue on or near it was discovered by its after-date, and its own case record counts — "
            "with the formulas and the patches it did not find.")

    def initAlgorithm(self, config=None):
        self.addParameter(self.store_parameter())
        self.addParameter(QgsProcessingParameterFileDestination(self.OUTPUT, self.tr("Workbook"),
                                                                "Excel (*.xlsx)"))
        self.addParameter(QgsProcessingParameterString(self.TODAY, self.tr("Deadlines as of (empty = today)"),
                                                       optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            self.YEAR, self.tr("Year (empty = every patch and clue in the store)"),
            INTEGER_NUMBER, optional=True, minValue=2000, maxValue=2100))
        self.addOutput(QgsProcessingOutputNumber(self.VIOLATIONS, self.tr("Illegal satellite patches")))
        self.addOutput(QgsProcessingOutputNumber(self.FOUND, self.tr("Found first by daily enforcement")))
        self.addOutput(QgsProcessingOutputNumber(self.OVERDUE_CLUES, self.tr("Overdue clues")))

    def processAlgorithm(self, parameters, context, feedback):
        output = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        year = self.parameterAsInt(parameters, self.YEAR, context) or None
        try:
            today = parse_date(self.parameterAsString(parameters, self.TODAY, context)) or dt.date.today()
            with self.open_store(self.parameterAsFile(parameters, self.STORE, context)) as store:
                result = enforcement.grade_store(store, year=year)
                feedback.setProgress(30)
                overdue = sum(s.overdue for s in enforcement.clue_deadlines(store, today))
                feedback.setProgress(50)
                if feedback.isCanceled():
                    return {}
                write_enforcement(store, output, today, year)
        except (ValueError, OSError) as exc:
            raise QgsProcessingException(str(exc)) from exc
        feedback.setProgress(100)
        feedback.pushInfo(f"卫片违法图斑{result.total.satellite}个，仅日常执法发现的违法{result.total.daily_only}个，"
                          f"日常执法发现{result.total.found}个；逾期线索{overdue}条")
        return {self.OUTPUT: output, self.VIOLATIONS: result.total.satellite, self.FOUND: result.total.satellite - len(result.total.unmatched),
                self.OVERDUE_CLUES: overdue}
