"""weipian:recordinterview — a township's 警示约谈 (who, when, why, the minutes) recorded in the work store."""
from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFile,
    QgsProcessingParameterString,
)

from weipian_plugin.core.review import marks
from weipian_plugin.processing_algorithms.base import WeipianAlgorithm


class RecordInterviewAlgorithm(WeipianAlgorithm):
    TOWNSHIP = "TOWNSHIP"
    TOWNSHIP_CODE = "TOWNSHIP_CODE"
    DATE = "DATE"
    INTERVIEWEES = "INTERVIEWEES"
    INTERVIEWER = "INTERVIEWER"
    REASON = "REASON"
    MINUTES = "MINUTES"
    ID = "ID"

    def name(self) -> str:
        return "recordinterview"

    def displayName(self) -> str:
        return self.tr("Record a township interview (约谈)")

    def shortHelpString(self) -> str:
        return self.tr(
            "Records a warning interview (警示约谈) of a township: who was interviewed, by whom, when and why, "
            "with the minutes file stored in the work store. The accountability workbook lists the records of "
            "its year.")

    def initAlgorithm(self, config=None):
        self.addParameter(self.store_parameter())
        self.addParameter(QgsProcessingParameterString(self.TOWNSHIP, self.tr("Township")))
        self.addParameter(QgsProcessingParameterString(self.TOWNSHIP_CODE, self.tr("Township code"), optional=True))
        self.addParameter(QgsProcessingParameterString(self.DATE, self.tr("Date of the interview")))
        self.addParameter(QgsProcessingParameterString(self.INTERVIEWEES, self.tr("Interviewed (names, posts)")))
        self.addParameter(QgsProcessingParameterString(self.INTERVIEWER, self.tr("Interviewed by"), optional=True))
        self.addParameter(QgsProcessingParameterString(self.REASON, self.tr("Reason"), optional=True))
        self.addParameter(QgsProcessingParameterFile(self.MINUTES, self.tr("Minutes (file)"), optional=True))
        self.addOutput(QgsProcessingOutputNumber(self.ID, self.tr("Record id")))

    def processAlgorithm(self, parameters, context, feedback):
        text = {k: self.parameterAsString(parameters, k, context) for k in (
            self.TOWNSHIP, self.TOWNSHIP_CODE, self.DATE, self.INTERVIEWEES, self.INTERVIEWER, self.REASON)}
        minutes = self.parameterAsFile(parameters, self.MINUTES, context) or None
        try:
            with self.open_store(self.parameterAsFile(parameters, self.STORE, context)) as store:
                record = marks.add_interview(
                    store, text[self.TOWNSHIP], text[self.DATE], text[self.INTERVIEWEES], self.actor(store),
                    township_code=text[self.TOWNSHIP_CODE], interviewer=text[self.INTERVIEWER],
                    reason=text[self.REASON], minutes=minutes)
        except (ValueError, OSError) as exc:
            raise QgsProcessingException(str(exc)) from exc
        feedback.pushInfo(f"已记录{text[self.TOWNSHIP]}的约谈（{text[self.DATE]}）")
        return {self.ID: record}
