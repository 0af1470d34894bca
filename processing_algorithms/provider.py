"""The weipian Processing provider: algorithms are listed here, one class per file."""
from __future__ import annotations

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .accountability import AccountabilityAlgorithm
from .analyze_patches import AnalyzePatchesAlgorithm
from .export_figures import ExportFiguresAlgorithm
from .export_ledger import ExportLedgerAlgorithm
from .grade_enforcement import GradeEnforcementAlgorithm
from .import_enforcement import ImportEnforcementAlgorithm
from .import_patches import ImportPatchesAlgorithm

ALGORITHMS = (ImportPatchesAlgorithm, AnalyzePatchesAlgorithm, ExportFiguresAlgorithm,
              ImportEnforcementAlgorithm, GradeEnforcementAlgorithm, ExportLedgerAlgorithm,
              AccountabilityAlgorithm,)


class WeipianProvider(QgsProcessingProvider):
    def id(self) -> str:
        return "weipian"

    def name(self) -> str:
        return "卫片执法 weipian"

    def icon(self) -> QIcon:
        return QIcon(":/plugins/weipian/icons/weipian.svg")

    def loadAlgorithms(self) -> None:  # noqa: N802 (QGIS API)
        for algorithm in ALGORITHMS:
            self.addAlgorithm(algorithm())
