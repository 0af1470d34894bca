"""weipian:setstage — record a reporting stage (一上/一下/二上) of a batch from Processing."""
from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterString,
)

from weipian_plugin.core.review import records as review
from weipian_plugin.processing_algorithms.base import WeipianAlgorithm

STAGES = tuple(review.STAGE_LOCKS)


class SetStageAlgorithm(WeipianAlgorithm):
    BATCH = "BATCH"
    STAGE = "STAGE"
    NOTE = "NOTE"
    LOCKED = "LOCKED"

    def name(self) -> str:
        return "setstage"

    def displayName(self) -> str:
        return self.tr("Record reporting stage (一上/一下/二上)")

    def shortHelpString(self) -> str:
        return self.tr(
            "Records a reporting stage of a batch, in order 一上 → 一下 → 二上, with a snapshot of the batch as it "
            "stands. 一上 and 二上 lock the determinations (result, type, category, areas); rectification "
            "records and evidence stay editable all year. 一下 unlocks the determinations for corrections.")

    def initAlgorithm(self, config=None):
        self.addParameter(self.store_parameter())
        self.addParameter(QgsProcessingParameterString(self.BATCH, self.tr("Batch")))
        self.addParameter(QgsProcessingParameterEnum(self.STAGE, self.tr("Stage"), options=list(STAGES)))
        self.addParameter(QgsProcessingParameterString(self.NOTE, self.tr("Note"), optional=True))
        self.addOutput(QgsProcessingOutputBoolean(self.LOCKED, self.tr("Determinations locked")))

    def processAlgorithm(self, parameters, context, feedback):
        batch = self.parameterAsString(parameters, self.BATCH, context).strip()
        stage = STAGES[self.parameterAsEnum(parameters, self.STAGE, context)]
        note = self.parameterAsString(parameters, self.NOTE, context)
        try:
            with self.open_store(self.parameterAsFile(parameters, self.STORE, context)) as store:
                review.lock_batch(store, batch, stage, self.actor(store), note)
        except (ValueError, OSError) as exc:
            raise QgsProcessingException(str(exc)) from exc
        locked = bool(review.STAGE_LOCKS[stage])
        feedback.pushInfo(f"批次“{batch}”已记录{stage}" + ("，判定已锁定（查处整改仍可更新）" if locked else "，判定已解锁"))
        return {self.LOCKED: locked}
