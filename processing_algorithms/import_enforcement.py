"""weipian:importenforcement — import the patrol ledger and clues from the CSV or Excel template."""
from __future__ import annotations

from qgis.core import QgsProcessingException, QgsProcessingOutputNumber, QgsProcessingParameterFile

from weipian_plugin.core.enforcement.records import EnforcementCancelled, import_enforcement
from weipian_plugin.exporters.enforcement_xlsx import read_rows
from weipian_plugin.processing_algorithms.base import WeipianAlgorithm

TEMPLATE_FILTER = "CSV / Excel (*.csv *.CSV *.xlsx *.XLSX)"


class ImportEnforcementAlgorithm(WeipianAlgorithm):
    PATROLS = "PATROLS"
    CLUES = "CLUES"
    PATROLS_ADDED = "PATROLS_ADDED"
    CLUES_ADDED = "CLUES_ADDED"
    CLUES_UPDATED = "CLUES_UPDATED"

    def name(self) -> str:
        return "importenforcement"

    def displayName(self) -> str:
        return self.tr("Import patrols and clues")

    def shortHelpString(self) -> str:
        return self.tr(
            "Imports the patrol ledger and the clues (tips from patrols, the 12336 hotline, WeChat) from the "
            "CSV (UTF-8 or GBK) or Excel template with Chinese column headers. Positions are X/Y in the store's "
            "CRS, longitude/latitude, or WKT. Nothing is written when any row is wrong; every bad row is listed. "
            "Clues already in the store (same number) are filled in, never erased; identical patrols are skipped.")

    def initAlgorithm(self, config=None):
        self.addParameter(self.store_parameter())
        self.addParameter(QgsProcessingParameterFile(self.PATROLS, self.tr("Patrol ledger (CSV or Excel)"),
                                                     fileFilter=TEMPLATE_FILTER, optional=True))
        self.addParameter(QgsProcessingParameterFile(self.CLUES, self.tr("Clues (CSV or Excel)"),
                                                     fileFilter=TEMPLATE_FILTER, optional=True))
        self.addOutput(QgsProcessingOutputNumber(self.PATROLS_ADDED, self.tr("Patrols added")))
        self.addOutput(QgsProcessingOutputNumber(self.CLUES_ADDED, self.tr("Clues added")))
        self.addOutput(QgsProcessingOutputNumber(self.CLUES_UPDATED, self.tr("Clues updated")))

    def processAlgorithm(self, parameters, context, feedback):
        patrols = self.parameterAsFile(parameters, self.PATROLS, context)
        clues = self.parameterAsFile(parameters, self.CLUES, context)
        if not patrols and not clues:
            raise QgsProcessingException(self.tr("Choose a patrol ledger, a clue table, or both."))
        try:
            patrol_rows = read_rows(patrols, "patrols") if patrols else None
            feedback.setProgress(20)
            clue_rows = read_rows(clues, "clues") if clues else None
            feedback.setProgress(40)
            with self.open_store(self.parameterAsFile(parameters, self.STORE, context)) as store:
                result = import_enforcement(store, patrol_rows, clue_rows, feedback.isCanceled)
        except EnforcementCancelled:
            feedback.reportError(self.tr("Import cancelled; the work store is unchanged."))
            return {self.PATROLS_ADDED: 0, self.CLUES_ADDED: 0, self.CLUES_UPDATED: 0}
        except (ValueError, OSError) as exc:  # core's Chinese messages, unreadable files
            raise QgsProcessingException(str(exc)) from exc
        feedback.setProgress(100)
        feedback.pushInfo(result.summary())
        return {self.PATROLS_ADDED: result.patrols_added, self.CLUES_ADDED: result.clues_added,
                self.CLUES_UPDATED: result.clues_updated}
