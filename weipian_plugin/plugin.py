"""The QGIS plugin object: toolbar, menu, Processing provider, translator and log bridge.

Everything here is wiring; the work is done in ``core`` and presented by ``gui``.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable, List, Optional

from qgis.core import QgsApplication, QgsProject
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction

from weipian_plugin import qgis_logging, translation
from weipian_plugin.gui.session import ANALYSIS, PATCHES, StoreSession
from weipian_plugin.processing_algorithms.provider import WeipianProvider
from weipian_plugin.settings import Settings
from weipian_plugin.translation import tr

try:  # compiled by `make package` / staging; icons fall back to files when running from a bare checkout
    from weipian_plugin import resources_rc  # noqa: F401
    ICON_PREFIX = ":/plugins/weipian/icons/"
except ImportError:
    ICON_PREFIX = str(Path(__file__).parent / "icons") + "/"

log = logging.getLogger("weipian.plugin")


class WeipianPlugin:
    def __init__(self, iface):
        self.iface = iface
        self.provider: Optional[WeipianProvider] = None
        self.actions: List[QAction] = []
        self.toolbar = None
        self.translator = None
        self.log_handler = None
        self.session = StoreSession(Settings.last_store.value() or "")
        self.review_dock = None
        self.compare_dock = None
        self.enforcement_dock = None

    # -- lifecycle -----------------------------------------------------------------------------------
    def initProcessing(self) -> None:
        if self.provider is None:
            self.provider = WeipianProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self) -> None:
        self.translator = translation.install()
        self.menu = tr("&Weipian")
        self.log_handler = qgis_logging.install()
        self.initProcessing()
        self.toolbar = self.iface.addToolBar(tr("Weipian"))
        self.toolbar.setObjectName("WeipianToolbar")
        self.add_action("weipian.svg", tr("Open or create work store…"), self.open_store)
        self.add_action("import.svg", tr("Import monitoring patches…"), self.show_import_dialog)
        self.add_action("analyze.svg", tr("Analyze patches…"), self.show_analysis_dialog)
        self.add_action("weipian.svg", tr("Rule thresholds…"), self.show_rules_dialog, toolbar=False)
        self.review_action = self.add_action("weipian.svg", tr("Review patches"), self.show_review_dock)
        self.review_action.setIcon(QgsApplication.getThemeIcon("/mActionOpenTable.svg"))
        self.review_action.setCheckable(True)
        self.compare_action = self.add_action("weipian.svg", tr("Compare imagery"), self.show_compare_dock)
        self.compare_action.setIcon(QgsApplication.getThemeIcon("/mActionMapTips.svg"))
        self.compare_action.setCheckable(True)
        self.enforcement_action = self.add_action("weipian.svg", tr("Daily enforcement"), self.show_enforcement_dock)
        self.enforcement_action.setIcon(QgsApplication.getThemeIcon("/mActionFormView.svg"))
        self.enforcement_action.setCheckable(True)
        self.add_action("weipian.svg", tr("Save the work project into the store"), self.save_store_project,
                        toolbar=False)
        self.add_action("weipian.svg", tr("Open the store's work project"), self.open_store_project, toolbar=False)
        self.add_action("weipian.svg", tr("Export overlay figures (套合图)…"), self.export_figures,
                        toolbar=False).setIcon(QgsApplication.getThemeIcon("/mActionSaveAsPDF.svg"))
        self.add_action("weipian.svg", tr("Export ledger…"), self.export_ledger, toolbar=False)
        self.add_action("weipian.svg", tr("Accountability statistics…"), self.export_accountability, toolbar=False)
        self.add_action("weipian.svg", tr("Report (HTML)…"), self.export_report, toolbar=False)
        self.add_action("weipian.svg", tr("Import filled-in ledger…"),
                        lambda: self._algorithm_dialog("weipian:importrecords"), toolbar=False)
        self.add_action("weipian.svg", tr("Military land register…"),
                        lambda: self._algorithm_dialog("weipian:exportmilitary"), toolbar=False)
        QgsProject.instance().readProject.connect(self._project_read)
        log.info("weipian loaded")

    def unload(self) -> None:
        QgsProject.instance().readProject.disconnect(self._project_read)
        for dock in (self.review_dock, self.compare_dock, self.enforcement_dock):
            if dock is not None:
                dock.shutdown()
                self.iface.removeDockWidget(dock)
                dock.deleteLater()
        self.review_dock = self.compare_dock = self.enforcement_dock = None
        self.session.close()
        for action in self.actions:
            self.iface.removePluginMenu(self.menu, action)
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
        self.iface.addPluginToMenu(self.menu, action)
        if toolbar:
            self.toolbar.addAction(action)
        self.actions.append(action)
        return action

    # -- store ---------------------------------------------------------------------------------------
    @property
    def store_path(self) -> str:
        return self.session.path

    def set_store(self, path: str) -> None:
        """Open ``path`` in the session every dock and dialog shares (re-opening the same path re-reads it)."""
        Settings.last_store.set_value(path)
        self.session.switch(path)

    def open_store(self) -> None:
        from weipian_plugin.gui.store_dialog import choose_store

        path = choose_store(self.iface.mainWindow(), self.store_path)
        if path:
            self.set_store(path)
            from weipian_plugin.gui.layers import add_store_layers

            add_store_layers(path)

    def show_import_dialog(self) -> None:
        from weipian_plugin.gui.import_dialog import ImportDialog

        dialog = ImportDialog(self.iface, self.store_path, self.iface.mainWindow())
        if dialog.exec():
            if dialog.store_path() == self.store_path:
                self.session.notify_changed(PATCHES)
            else:
                self.set_store(dialog.store_path())
        dialog.deleteLater()

    def _require_store(self) -> bool:
        if self.store_path and Path(self.store_path).is_file():
            return True
        self.iface.messageBar().pushWarning(tr("Weipian"), tr("Open a work store first."))
        return False

    # -- analysis ------------------------------------------------------------------------------------
    def show_analysis_dialog(self) -> None:
        from weipian_plugin.gui.analysis_dialog import AnalysisDialog

        if not self._require_store():
            return
        dialog = AnalysisDialog(self.iface, self.session, self.iface.mainWindow())
        dialog.analyzed.connect(lambda path: path == self.store_path and self.session.notify_changed(ANALYSIS))
        dialog.exec()
        dialog.deleteLater()

    def show_rules_dialog(self) -> None:
        from weipian_plugin.gui.rules_dialog import RulesDialog

        if not self._require_store():
            return
        dialog = RulesDialog(self.session, self.iface.mainWindow())
        dialog.exec()
        dialog.deleteLater()

    # -- exports through Processing's own dialog: parameters, progress and cancel ------------------------
    def export_ledger(self) -> None:
        import processing

        processing.execAlgorithmDialog("weipian:exportledger", {"STORE": self.store_path})

    def _algorithm_dialog(self, algorithm: str) -> None:
        import processing

        processing.execAlgorithmDialog(algorithm, {"STORE": self.store_path})

    def export_accountability(self) -> None:
        import processing

        processing.execAlgorithmDialog("weipian:accountability", {"STORE": self.store_path})

    def export_report(self) -> None:
        """The accountability algorithm writes the HTML report when its output ends in .html."""
        import processing

        store = Path(self.store_path or Path.home() / "weipian")
        output = Path(Settings.last_export_dir.value() or store.parent) / f"{store.stem}_report.html"
        processing.execAlgorithmDialog("weipian:accountability", {"STORE": self.store_path, "OUTPUT": str(output)})

    # -- review, comparison and the store's project ---------------------------------------------------
    def show_review_dock(self) -> None:
        if self.review_dock is None:
            from weipian_plugin.gui.review_dock import ReviewDock

            self.review_dock = ReviewDock(self.iface, self.session)
            self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.review_dock)
            self.review_dock.setToggleVisibilityAction(self.review_action)
            self.review_dock.setUserVisible(True)

    def show_compare_dock(self) -> None:
        if self.compare_dock is None:
            from weipian_plugin.gui.compare_dock import CompareDock

            self.compare_dock = CompareDock(self.iface, self.session)
            self.iface.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.compare_dock)
            self.compare_dock.setToggleVisibilityAction(self.compare_action)
            self.compare_dock.setUserVisible(True)

    def show_enforcement_dock(self) -> None:
        if self.enforcement_dock is None:
            from weipian_plugin.gui.enforcement_dock import EnforcementDock

            self.enforcement_dock = EnforcementDock(self.iface, self.session)
            self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.enforcement_dock)
            self.enforcement_dock.setToggleVisibilityAction(self.enforcement_action)
            self.enforcement_dock.setUserVisible(True)

    def save_store_project(self) -> None:
        from weipian_plugin.gui.project import save_store_project

        if not self.store_path:
            self.iface.messageBar().pushWarning(tr("Weipian"), tr("Open a work store first."))
            return
        save_store_project(self.store_path)
        self.iface.messageBar().pushSuccess(tr("Weipian"), tr("The work project was saved into {path}.").format(
            path=self.store_path))

    def open_store_project(self) -> None:
        from weipian_plugin.gui.project import has_store_project, open_store_project

        if not self.store_path or not has_store_project(self.store_path):
            self.iface.messageBar().pushWarning(tr("Weipian"), tr("This work store has no saved project yet."))
            return
        open_store_project(self.store_path)

    def export_figures(self) -> None:
        """Processing's own dialog: parameters, progress and cancel."""
        import processing

        processing.execAlgorithmDialog("weipian:exportfigures", {"STORE": self.store_path})

    def _project_read(self, *_) -> None:
        """A project saved for a work store reopens its review dock."""
        from weipian_plugin.gui.project import project_store_path

        path = project_store_path()
        if path and Path(path).is_file():
            self.set_store(path)
            self.show_review_dock()
