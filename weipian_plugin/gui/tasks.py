"""How the plugin runs long work: the one home of progress and cancel in the GUI.

Work that can leave the main thread runs as a Processing algorithm in a background task
(:func:`start_algorithm`, used by the import and analysis dialogs; the export menu entries open
Processing's own dialog, which does the same). Work that must stay on the main thread, because it
renders maps with QGIS (overlay images), runs through :func:`run_with_progress`: a modal progress
dialog whose Cancel button reaches the work through a QgsFeedback.
"""
from __future__ import annotations

from typing import Callable, List, Tuple, TypeVar

from qgis.core import (
    QgsApplication,
    QgsFeedback,
    QgsProcessingAlgorithm,
    QgsProcessingAlgRunnerTask,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProject,
)
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QApplication, QProgressDialog

T = TypeVar("T")


class CollectingFeedback(QgsProcessingFeedback):
    """Keeps the algorithm's messages (pushed from the task's thread) for the dialog to show at the end."""

    def __init__(self):
        super().__init__()
        self.messages: List[Tuple[str, bool]] = []  # (text, is_error)

    def pushInfo(self, info: str) -> None:
        super().pushInfo(info)
        self.messages.append((info, False))

    def reportError(self, error: str, fatalError: bool = False) -> None:
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


def run_with_progress(parent, label: str, cancel_text: str, work: Callable[[QgsFeedback], T]) -> T:
    """Run ``work(feedback)`` on the main thread behind a modal progress dialog; its Cancel button cancels
    ``feedback`` and each progress report keeps the dialog responsive."""
    dialog = QProgressDialog(label, cancel_text, 0, 100, parent)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    feedback = QgsFeedback()
    dialog.canceled.connect(feedback.cancel)

    def progressed(percent: float) -> None:
        dialog.setValue(int(percent))
        QApplication.processEvents()  # keeps the dialog and its Cancel button alive between steps

    feedback.progressChanged.connect(progressed)
    try:
        return work(feedback)
    finally:
        dialog.close()
