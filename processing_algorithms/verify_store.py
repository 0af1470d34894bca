"""weipian:verifystore — check that the work store's record has not been rewritten."""
from __future__ import annotations

from qgis.core import QgsProcessingOutputBoolean, QgsProcessingOutputNumber

from weipian_plugin.core.store import audit
from weipian_plugin.processing_algorithms.base import WeipianAlgorithm


class VerifyStoreAlgorithm(WeipianAlgorithm):
    OK = "OK"
    PROBLEMS = "PROBLEMS"

    def name(self) -> str:
        return "verifystore"

    def displayName(self) -> str:
        return self.tr("Verify the work store's record")

    def shortHelpString(self) -> str:
        return self.tr(
            "Checks the audit log end to end: the hash chain over every sealed audit row (a row deleted, "
            "edited or inserted afterwards breaks it), the triggers that keep the audit log and the stage "
            "events append-only, and that the last audit row of every determination and rectification "
            "matches the data (an edit made with the protection switched off, or a forged audit row). "
            "The store is a GeoPackage or a PostgreSQL address (postgresql:service=… or postgresql:dbname=… host=…). "
            "Writes nothing.")

    def initAlgorithm(self, config=None):
        self.addParameter(self.store_parameter())
        self.addOutput(QgsProcessingOutputBoolean(self.OK, self.tr("Record intact")))
        self.addOutput(QgsProcessingOutputNumber(self.PROBLEMS, self.tr("Problems found")))

    def processAlgorithm(self, parameters, context, feedback):
        with self.open_store(self.parameterAsFile(parameters, self.STORE, context)) as store:
            result = audit.verify(store.conn)
        if result.ok:
            feedback.pushInfo(result.text())
        else:
            feedback.reportError(result.text())
        return {self.OK: result.ok, self.PROBLEMS: len(result.problems)}
