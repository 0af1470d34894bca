"""The QGIS plugin object: toolbar, menu, Processing provider, translator and log bridge.

Everything here is wiring; the work is done in ``core`` and presented by ``gui``.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable, List, Optional

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction

from . import qgis_logging, translation
from .processing_algorithms.provider import WeipianProvider
from .settings import Settings

try:  # compiled by `make package` / staging; icons fall back to files when running from a bare checkout
    from . import resources_rc  # noqa: F401
    ICON_PREFIX = ":/plugins/weipian/icons/"
except ImportError:
    ICON_PREFIX = str(Path(__file__).parent / "icons") + "/"

log = logging.getLogger("weipian.plugin")


def tr(text: str) -> str:
    return QCoreApplication.translate("WeipianPlugin", text)


class WeipianPlugin:
    MENU = "&Weipian"

    def __init__(self, iface):
        self.iface = iface
        self.provider: Optional[WeipianProvider] = None
        self.actions: List[QAction] = []
        self.toolbar = None
        self.translator = None
        self.log_handler = None
        self.store_path: str = Settings.last_store.value()

    # -- lifecycle -----------------------------------------------------------------------------------
    def initProcessing(self) -> None:  # noqa: N802 (QGIS API)
        if self.provider is None:
            self.provider = WeipianProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self) -> None:  # noqa: N802
        self.translator = translation.install()
        self.log_handler = qgis_logging.install()
        self.initProcessing()
        self.toolbar = self.iface.addToolBar(tr("Weipian"))
        self.toolbar.setObjectName("WeipianToolbar")
        self.add_action("weipian.svg", tr("Open or create work store…"), self.open_store)
        self.add_action("import.svg", tr("Import monitoring patches…"), self.show_import_dialog)
        log.info("weipian loaded")

    def unload(self) -> None:
        for action in self.actions:
            self.iface.removePluginMenu(self.MENU, action)
            self.iface.removeToolBarIcon(action)
            action.deleteLater()
        self.actions = []
        if self.toolbar is not None:
            self.toolbar.deleteLater()
            self.toolbar = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        translation.uninstall(self.translator)
        self.translator = None
        if self.log_handler is not None:
            qgis_logging.uninstall(self.log_handler)
            self.log_handler = None

    def add_action(self, icon: str, text: str, callback: Callable[[], None], toolbar: bool = True) -> QAction:
        action = QAction(QIcon(ICON_PREFIX + icon), text, self.iface.mainWindow())
        action.triggered.connect(callback)
        self.iface.addPluginToMenu(self.MENU, action)
        if toolbar:
            self.toolbar.addAction(action)
        self.actions.append(action)
        return action

    # -- store ---------------------------------------------------------------------------------------
    def set_store(self, path: str) -> None:
        self.store_path = path
        Settings.last_store.set_value(path)

    def open_store(self) -> None:
        from .gui.store_dialog import choose_store

        path = choose_store(self.iface.mainWindow(), self.store_path)
        if path:
            self.set_store(path)
            from .gui.layers import add_store_layers

            add_store_layers(path)

    def show_import_dialog(self) -> None:
        from .gui.import_dialog import ImportDialog

        dialog = ImportDialog(self.iface, self.store_path, self.iface.mainWindow())
        if dialog.exec():
            self.set_store(dialog.store_path())
