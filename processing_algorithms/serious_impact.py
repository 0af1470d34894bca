"""weipian:seriousimpact — mark (or clear) a township or county as 「造成恶劣影响」 for the 第15号令 ratio."""
from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterString,
)

from weipian_plugin.core.review import marks
from weipian_plugin.processing_algorithms.base import WeipianAlgorithm


class SeriousImpactAlgorithm(WeipianAlgorithm):
    UNIT_CODE = "UNIT_CODE"
    UNIT_NAME = "UNIT_NAME"
    REASON = "REASON"
    CLEAR = "CLEAR"

    def name(self) -> str:
        return "seriousimpact"

    def displayName(self) -> str:
        return self.tr("Mark serious consequences (造成恶劣影响)")

    def shortHelpString(self) -> str:
        return self.tr(
            "Records, with its reason, that a county's (or township's) illegal land use caused serious "
            "consequences: Order No. 15 then holds the county accountable below the 15 % ratio, and a township "
            "is marked for a warning interview. Tick Clear to remove the mark.")

    def initAlgorithm(self, config=None):
        self.addParameter(self.store_parameter())
        self.addParameter(QgsProcessingParameterString(self.UNIT_CODE, self.tr("County or township code")))
        self.addParameter(QgsProcessingParameterString(self.UNIT_NAME, self.tr("Name"), optional=True))
        self.addParameter(QgsProcessingParameterString(self.REASON, self.tr("Reason"), optional=True))
        self.addParameter(QgsProcessingParameterBoolean(self.CLEAR, self.tr("Clear the mark"), defaultValue=False))

    def processAlgorithm(self, parameters, context, feedback):
        code = self.parameterAsString(parameters, self.UNIT_CODE, context).strip()
        try:
            with self.open_store(self.parameterAsFile(parameters, self.STORE, context)) as store:
                if self.parameterAsBool(parameters, self.CLEAR, context):
                    marks.clear_serious_impact(store, code)
                    feedback.pushInfo(f"已取消{code}的“造成恶劣影响”认定")
                else:
                    marks.mark_serious_impact(store, code, self.parameterAsString(parameters, self.REASON, context),
                                              self.actor(store),
                                              self.parameterAsString(parameters, self.UNIT_NAME, context))
                    feedback.pushInfo(f"已认定{code}“造成恶劣影响”")
        except (ValueError, OSError) as exc:
            raise QgsProcessingException(str(exc)) from exc
        return {}
