"""The QGIS plugin object: toolbar, menu, Processing provider, translator and log bridge.

Everything here is wiring; the work is done in ``core`` and presented by ``gui``.
"""
from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Callable, List, Optional

from qgis.core import QgsApplication, QgsProject
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction, QInputDialog

from weipian_plugin import qgis_logging, translation
from weipian_plugin.core.store import postgis
from weipian_plugin.core.store.workstore import store_exists
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
        self.add_action("weipian.svg", tr("Statistics and deadline settings…"), self.show_statistics_dialog,
                        toolbar=False)
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
        self.add_action("weipian.svg", tr("Export case files (一图斑一卷宗)…"), self.export_dossiers, toolbar=False)
        self.add_action("weipian.svg", tr("Export ledger…"), self.export_ledger, toolbar=False)
        self.add_action("weipian.svg", tr("Accountability statistics…"), self.export_accountability, toolbar=False)
        self.add_action("weipian.svg", tr("Report (HTML)…"), self.export_report, toolbar=False)
        self.add_action("weipian.svg", tr("Monthly report (HTML)…"), self.export_monthly_report, toolbar=False)
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
        if store_exists(self.store_path):
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

    def show_statistics_dialog(self) -> None:
        from weipian_plugin.gui.statistics_dialog import StatisticsDialog

        if not self._require_store():
            return
        dialog = StatisticsDialog(self.session, self.iface.mainWindow())
        dialog.exec()
        dialog.deleteLater()

    # -- exports through Processing's own dialog: parameters, progress and cancel ------------------------
    def _beside_store(self, name: str) -> str:
        """A default output next to the work store, named after it (exports are filed, not temporary). A
        shared store has no folder: the last export folder (else the home folder), named after its county."""
        if postgis.is_address(self.store_path or ""):
            store = self.session.store
            county = (store.meta("county_name") if store is not None else "") or "卫片执法"
            return str(Path(Settings.export_folder(self.store_path)) / f"{county}_{name}")
        store = Path(self.store_path or Path.home() / "weipian.gpkg")
        return str(store.with_name(f"{store.stem}_{name}"))

    def _choose_batch(self, title: str) -> Optional[str]:
        """One of the store's batches, '' for all of them, None when the user cancels."""
        store = self.session.store
        names = [b["name"] for b in store.batches()] if store is not None else []
        everything = tr("All batches")
        if not names:
            return ""
        choice, ok = QInputDialog.getItem(self.iface.mainWindow(), title, tr("Batch"), [everything] + names, 0,
                                          False)
        if not ok:
            return None
        return "" if choice == everything else choice

    def _export(self, algorithm: str, output: str, title: Optional[str] = None, **params) -> None:
        """Processing's own dialog (parameters, progress, cancel) with the output beside the store and,
        given a ``title``, the batch chosen from the store's batches first."""
        import processing

        if not self._require_store():
            return
        if title is not None:
            batch = self._choose_batch(title)
            if batch is None:
                return
            params["BATCH"] = batch
        processing.execAlgorithmDialog(algorithm, {"STORE": self.store_path, "OUTPUT": output, **params})

    def export_ledger(self) -> None:
        self._export("weipian:exportledger", self._beside_store("图斑台账.xlsx"), tr("Export ledger"))

    def export_accountability(self) -> None:
        self._export("weipian:accountability", self._beside_store("问责统计.xlsx"))

    def export_report(self) -> None:
        self._export("weipian:exportreport", self._beside_store("统计报告.html"))

    def export_monthly_report(self) -> None:
        month = dt.date.today().strftime("%Y-%m")
        self._export("weipian:exportreport", self._beside_store(f"{month}月报.html"), MONTH=month)

    def export_dossiers(self) -> None:
        self._export("weipian:exportdossier", self._beside_store("卷宗"), tr("Export case files"))

    # -- review, comparison and the store's project ---------------------------------------------------
    def show_review_dock(self) -> None:
        if self.review_dock is None:
            from weipian_plugin.gui.review_dock import ReviewDock

            self.review_dock = ReviewDock(self.iface, self.session)
            self.iface.addDockWidget(Qt.DockWidgetArea(Settings.review_dock_area.value()), self.review_dock)
            self.review_dock.dockLocationChanged.connect(
                lambda area: Settings.review_dock_area.set_value(int(area)) if area else None)
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

    def _shared_store_has_no_project(self) -> bool:
        """The work project lives inside a GeoPackage store (gui/project.py); a shared store opens its layers
        from the store dialog instead, and a project of one is saved as a project file."""
        if not postgis.is_address(self.store_path):
            return False
        self.iface.messageBar().pushWarning(tr("Weipian"), tr(
            "A shared store keeps no work project: its layers are added when it is opened; save a project of "
            "them as a file (Project → Save As)."))
        return True

    def save_store_project(self) -> None:
        from weipian_plugin.gui.project import save_store_project

        if not self.store_path:
            self.iface.messageBar().pushWarning(tr("Weipian"), tr("Open a work store first."))
            return
        if self._shared_store_has_no_project():
            return
        save_store_project(self.store_path)
        self.iface.messageBar().pushSuccess(tr("Weipian"), tr("The work project was saved into {path}.").format(
            path=self.store_path))

    def open_store_project(self) -> None:
        from weipian_plugin.gui.project import has_store_project, open_store_project

        if self.store_path and self._shared_store_has_no_project():
            return
        if not self.store_path or not has_store_project(self.store_path):
            self.iface.messageBar().pushWarning(tr("Weipian"), tr("This work store has no saved project yet."))
            return
        open_store_project(self.store_path)

    def export_figures(self) -> None:
        self._export("weipian:exportfigures", self._beside_store("套合图"), tr("Export overlay figures"))

    def _project_read(self, *_) -> None:
        """A project saved for a work store reopens its review dock."""
        from weipian_plugin.gui.project import project_store_path

        path = project_store_path()
        if path and Path(path).is_file():
            self.set_store(path)
            self.show_review_dock()
