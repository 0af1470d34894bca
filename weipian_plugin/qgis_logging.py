"""Bridge Python ``logging`` (used by core and everything else) to QGIS's message log panel."""
from __future__ import annotations

import logging

from qgis.core import Qgis, QgsMessageLog

LOGGER_NAME = "weipian"
_LEVELS = (
    (logging.ERROR, Qgis.MessageLevel.Critical),
    (logging.WARNING, Qgis.MessageLevel.Warning),
    (logging.INFO, Qgis.MessageLevel.Info),
)


class QgsMessageLogHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        level = next((q for py, q in _LEVELS if record.levelno >= py), Qgis.MessageLevel.Info)
        QgsMessageLog.logMessage(self.format(record), "weipian", level)


def install() -> QgsMessageLogHandler:
    handler = QgsMessageLogHandler()
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    logger = logging.getLogger(LOGGER_NAME)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return handler


def uninstall(handler: QgsMessageLogHandler) -> None:
    logging.getLogger(LOGGER_NAME).removeHandler(handler)
