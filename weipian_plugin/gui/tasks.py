"""What the dialogs that run a weipian Processing algorithm as a background task share."""
from __future__ import annotations

from typing import Callable, List, Tuple

from qgis.core import (
    QgsApplication,
    QgsProcessingAlgorithm,
    QgsProcessingAlgRunnerTask,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProject,
)


class CollectingFeedback(QgsProcessingFeedback):
    """Keeps the algorithm's messages (pushed from the task's thread) for the dialog to show at the end."""

    def __init__(self):
        super().__init__()
        self.messages: List[Tuple[str, bool]] = []  # (text, is_error)

    def pushInfo(self, info: str) -> None:  # noqa: N802 (QGIS API)
        super().pushInfo(info)
        self.messages.append((info, False))

    def reportError(self, error: str, fatalError: bool = False) -> None:  # noqa: N802, N803
        super().reportError(error, fatalError)
        self.messages.append((error, True))


def start_algorithm(algorithm: QgsProcessingAlgorithm, parameters: dict, on_progress: Callable[[float], None],
                    on_executed: Callable[[bool, dict], None]
                    ) -> Tuple[QgsProcessingContext, CollectingFeedback, QgsProcessingAlgRunnerTask]:
    """Run ``algorithm`` as a background task. The caller keeps the returned context, feedback (whose
    ``cancel()`` stops the run) and task alive until ``on_executed`` is called."""
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    feedback = CollectingFeedback()
    feedback.progressChanged.connect(on_progress)
    task = QgsProcessingAlgRunnerTask(algorithm, parameters, context, feedback)
    task.executed.connect(on_executed)
    QgsApplication.taskManager().addTask(task)
    return context, feedback, task
