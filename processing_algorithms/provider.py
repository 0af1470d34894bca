"""The weipian Processing provider: algorithms are listed here, one class per file."""
from __future__ import annotations

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from weipian_plugin.layer_source import use_qgis_authentication
from weipian_plugin.processing_algorithms.accountability import AccountabilityAlgorithm
from weipian_plugin.processing_algorithms.analyze_patches import AnalyzePatchesAlgorithm
from weipian_plugin.processing_algorithms.export_dossier import ExportDossierAlgorithm
from weipian_plugin.processing_algorithms.export_figures import ExportFiguresAlgorithm
from weipian_plugin.processing_algorithms.export_ledger import ExportLedgerAlgorithm
from weipian_plugin.processing_algorithms.export_military import ExportMilitaryAlgorithm
from weipian_plugin.processing_algorithms.export_report import ExportReportAlgorithm
from weipian_plugin.processing_algorithms.export_store import ExportStoreAlgorithm
from weipian_plugin.processing_algorithms.grade_enforcement import GradeEnforcementAlgorithm
from weipian_plugin.processing_algorithms.import_enforcement import ImportEnforcementAlgorithm
from weipian_plugin.processing_algorithms.import_patches import ImportPatchesAlgorithm
from weipian_plugin.processing_algorithms.import_records import ImportRecordsAlgorithm
from weipian_plugin.processing_algorithms.publish_store import PublishStoreAlgorithm
from weipian_plugin.processing_algorithms.record_interview import RecordInterviewAlgorithm
from weipian_plugin.processing_algorithms.serious_impact import SeriousImpactAlgorithm
from weipian_plugin.processing_algorithms.set_stage import SetStageAlgorithm
from weipian_plugin.processing_algorithms.store_roles import StoreRolesAlgorithm
from weipian_plugin.processing_algorithms.verify_store import VerifyStoreAlgorithm

ALGORITHMS = (ImportPatchesAlgorithm, AnalyzePatchesAlgorithm, ExportFiguresAlgorithm,
              ImportEnforcementAlgorithm, GradeEnforcementAlgorithm, ExportLedgerAlgorithm,
              AccountabilityAlgorithm, ExportMilitaryAlgorithm, VerifyStoreAlgorithm, ImportRecordsAlgorithm,
              SetStageAlgorithm, RecordInterviewAlgorithm, SeriousImpactAlgorithm, ExportDossierAlgorithm,
              ExportReportAlgorithm, PublishStoreAlgorithm, ExportStoreAlgorithm, StoreRolesAlgorithm)


class WeipianProvider(QgsProcessingProvider):
    def id(self) -> str:
        return "weipian"

    def name(self) -> str:
        return "卫片执法 weipian"

    def icon(self) -> QIcon:
        return QIcon(":/plugins/weipian/icons/weipian.svg")

    def load(self) -> bool:
        use_qgis_authentication()  # stores addressed through a QGIS connection's authcfg open in every tool
        return super().load()

    def loadAlgorithms(self) -> None:
        for algorithm in ALGORITHMS:
            self.addAlgorithm(algorithm())
