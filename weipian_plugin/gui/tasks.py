"""What the dialogs that run a weipian Processing algorithm as a background task share."""
from __future__ import annotations

from typing import List, Tuple

from qgis.core import QgsProcessingFeedback


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
