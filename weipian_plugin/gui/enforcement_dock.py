"""The daily-enforcement dock: patrol ledger, clues with their working-day deadlines, and the grading.

Thin over :mod:`..core.enforcement`: every write is one call into it, lists are read again after it.
Clue deadlines are computed for today; overdue clues are tinted, major ones bold and marked.
"""
from __future__ import annotations

import logging
import tempfile
from datetime import date
from pathlib import Path
from typing import Optional, Union

import shapely
from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsGeometry, QgsProject, QgsVectorLayer
from qgis.gui import QgsDockWidget
from qgis.PyQt import uic
from qgis.PyQt.QtCore import Qt, QUrl
from qgis.PyQt.QtGui import QBrush, QColor, QDesktopServices, QFont
from qgis.PyQt.QtWidgets import (
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
)

from weipian_plugin.core.enforcement import records as enforcement
from weipian_plugin.core.review import attachments
from weipian_plugin.core.schedule.deadlines import DeadlineState
from weipian_plugin.core.store import keys
from weipian_plugin.core.store.workstore import WorkStore
from weipian_plugin.core.units import m2_to_mu
from weipian_plugin.gui.session import ENFORCEMENT, SETTINGS, StoreSession, session_for

FORM_CLASS, _ = uic.loadUiType(str(Path(__file__).parents[1] / "forms" / "enforcement_dock.ui"))
log = logging.getLogger("weipian.gui")

OVERDUE_BRUSH = QBrush(QColor(255, 205, 200))
FAILED_BRUSH = QBrush(QColor(248, 203, 173))
_CLUE_DATE_EDITS = (("stop_notice", "stopEdit"), ("reported", "reportEdit"), ("major_reported", "majorReportEdit"),
                    ("filed", "filedEdit"), ("closed", "closedEdit"))
_PATROL_EDITS = (("patrol_date", "patrolDateEdit"), ("township", "patrolTownshipEdit"), ("route", "patrolRouteEdit"),
                 ("people", "patrolPeopleEdit"), ("stop_measures", "patrolStopEdit"),
                 ("handling_opinion", "patrolOpinionEdit"))


def _item(text) -> QTableWidgetItem:
    return QTableWidgetItem("" if text is None else str(text))


def _fill(table: QTableWidget, headers, rows) -> None:
    """Rows of cell values (or items) into a table; sorting is off while filling."""
    table.setSortingEnabled(False)
    table.clear()
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, value if isinstance(value, QTableWidgetItem) else _item(value))
    table.setSortingEnabled(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)


class EnforcementDock(QgsDockWidget, FORM_CLASS):
    """``EnforcementDock(iface, session)`` (or a store path: a session of its own); ``today`` is fixed for
    tests, else the current day."""

    def __init__(self, iface, store: Union[str, StoreSession], parent=None, today: Optional[date] = None):
        super().__init__(parent or iface.mainWindow())
        self.setupUi(self)
        self.setObjectName("WeipianEnforcementDock")
        self.iface = iface
        self.today_fixed = today
        self.session = session_for(store, self)
        self._own_session = self.session is not store
        self._stale = False
        self.crs = QgsCoordinateReferenceSystem()
        self.patrol_fid: Optional[int] = None
        self.clue_fid: Optional[int] = None
        self.statuses: dict = {}
        self.patrols: dict = {}
        self._route = None  # geometry taken from the map for the patrol in the form (None: unchanged)

        menu = QMenu(self)
        menu.addAction(self.tr("Patrol ledger…"), lambda: self.import_template("patrols"))
        menu.addAction(self.tr("Clues…"), lambda: self.import_template("clues"))
        self.importButton.setMenu(menu)
        self.exportButton.clicked.connect(self.export_workbook)
        self.reloadButton.clicked.connect(self.reload)
        self.patrolTable.itemSelectionChanged.connect(self._patrol_selected)
        self.newPatrolButton.clicked.connect(self.new_patrol)
        self.savePatrolButton.clicked.connect(self.save_patrol)
        self.deletePatrolButton.clicked.connect(self.delete_patrol)
        self.patrolGeomButton.clicked.connect(self.take_route)
        self.addFindingButton.clicked.connect(self.add_finding)
        self.addPhotoButton.clicked.connect(self.add_photos)
        self.findingsList.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.findingsList.customContextMenuRequested.connect(self._photos_menu)
        self.clueTable.itemSelectionChanged.connect(self._clue_selected)
        self.overdueOnlyCheck.toggled.connect(lambda _: self._apply_clue_filter())
        self.holidaysButton.clicked.connect(self.edit_holidays)
        self.saveClueButton.clicked.connect(self.save_clue)
        self.gradeButton.clicked.connect(self.regrade)
        self.visibilityChanged.connect(lambda visible: visible and self._stale and self.reload())
        self.session.switched.connect(self._store_switched)
        self.session.changed.connect(self._store_changed)
        self._store_switched()

    @property
    def store(self) -> Optional[WorkStore]:
        return self.session.store

    @property
    def store_path(self) -> str:
        return self.session.path

    @property
    def today(self) -> date:
        return self.today_fixed or date.today()

    # -- store ---------------------------------------------------------------------------------------
    def set_store(self, store_path: str) -> None:
        """Open (or switch to) a work store: every user of the session follows."""
        self.session.switch(store_path)

    def _store_switched(self) -> None:
        if self.store is not None:
            self.crs = QgsCoordinateReferenceSystem(f"EPSG:{self.store.epsg}")
            self.storeLabel.setText(self.session.name)
            cfg = enforcement.grading_config(self.store)
            self.distanceSpin.setValue(cfg.max_distance_m)
            self.overlapCheck.setChecked(cfg.require_overlap)
        else:
            if self.session.error:
                self.messageLabel.setText(self.session.error)
            self.storeLabel.setText(self.tr("No work store is open."))
        for widget in (self.tabs, self.importButton, self.exportButton, self.reloadButton):
            widget.setEnabled(self.store is not None)
        self.reload()

    def _store_changed(self, what: str, source: object) -> None:
        """Patches, analysis or determinations changed elsewhere: the grading and lists are read again
        (when the dock is shown; else when it is shown next)."""
        if source is self or what == SETTINGS:
            return
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def shutdown(self) -> None:
        """Leave the session (plugin unload); a session of the dock's own is closed."""
        for signal, slot in ((self.session.switched, self._store_switched), (self.session.changed, self._store_changed)):
            signal.disconnect(slot)
        if self._own_session:
            self.session.close()

    def reload(self) -> None:
        """Read patrols, clues and the grading again."""
        self._stale = False
        self.load_patrols()
        self.load_clues()
        self.load_grading()

    def _error(self, exc: Exception) -> None:
        self.messageLabel.setText(str(exc))
        self.messageLabel.setStyleSheet("color: #c00000")

    def _info(self, text: str) -> None:
        self.messageLabel.setText(text)
        self.messageLabel.setStyleSheet("")

    # -- patrols -------------------------------------------------------------------------------------
    def load_patrols(self) -> None:
        rows = enforcement.patrol_rows(self.store) if self.store else []
        self.patrols = {r.fid: r for r in rows}
        headers = [self.tr("Date"), self.tr("Township"), self.tr("Route"), self.tr("People"), self.tr("Findings"),
                   self.tr("Points")]
        cells = []
        for r in rows:
            first = _item(r.patrol_date)
            first.setData(Qt.ItemDataRole.UserRole, r.fid)
            cells.append([first, r.township, r.route, r.people, r.findings, r.n_findings])
        _fill(self.patrolTable, headers, cells)
        self.patrolTable.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.select_patrol(self.patrol_fid)

    def select_patrol(self, fid: Optional[int]) -> None:
        for row in range(self.patrolTable.rowCount()):
            if self.patrolTable.item(row, 0).data(Qt.ItemDataRole.UserRole) == fid:
                self.patrolTable.selectRow(row)
                return
        self.new_patrol()

    def _patrol_selected(self) -> None:
        items = self.patrolTable.selectedItems()
        if not items:
            return
        fid = self.patrolTable.item(items[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        row = self.patrols[fid]
        self.patrol_fid, self._route = fid, None
        for key, name in _PATROL_EDITS:
            getattr(self, name).setText(getattr(row, key) or "")
        self.patrolFindingsEdit.setPlainText(row.findings or "")
        self.patrolGeomLabel.setText(self.tr("drawn") if row.has_geom else self.tr("none"))
        self._load_findings()

    def new_patrol(self) -> None:
        self.patrolTable.clearSelection()
        self.patrol_fid, self._route = None, None
        for _, name in _PATROL_EDITS:
            getattr(self, name).clear()
        self.patrolDateEdit.setText(self.today.isoformat())
        self.patrolFindingsEdit.clear()
        self.patrolGeomLabel.setText(self.tr("none"))
        self._load_findings()

    def _patrol_values(self) -> dict:
        values = {key: getattr(self, name).text() for key, name in _PATROL_EDITS}
        values["findings"] = self.patrolFindingsEdit.toPlainText()
        return values

    def save_patrol(self) -> None:
        kwargs = {} if self._route is None else {"geometry": self._route}
        try:
            self.patrol_fid = enforcement.save_patrol(self.store, self._patrol_values(), self.patrol_fid, **kwargs)
        except enforcement.EnforcementError as exc:
            self._error(exc)
            return
        self._info(self.tr("Patrol saved."))
        self.load_patrols()

    def delete_patrol(self) -> None:
        if self.patrol_fid is None:
            return
        answer = QMessageBox.question(self, self.tr("Delete patrol"),
                                      self.tr("Delete this patrol with its findings and photos?"))
        if answer != QMessageBox.StandardButton.Yes:
            return
        enforcement.delete_patrol(self.store, self.patrol_fid)
        self.patrol_fid = None
        self.load_patrols()

    def selected_geometry(self):
        """The union of the features selected in the active vector layer, in the store's CRS (shapely)."""
        layer = self.iface.activeLayer()
        if not isinstance(layer, QgsVectorLayer) or layer.selectedFeatureCount() == 0:
            self._error(self.tr("Select features in a vector layer first."))
            return None
        geom = QgsGeometry.unaryUnion([f.geometry() for f in layer.selectedFeatures()])
        if layer.crs().isValid() and layer.crs() != self.crs:
            geom.transform(QgsCoordinateTransform(layer.crs(), self.crs, QgsProject.instance()))
        return shapely.from_wkb(bytes(geom.asWkb()))

    def take_route(self) -> None:
        geom = self.selected_geometry()
        if geom is not None:
            self._route = geom
            self.patrolGeomLabel.setText(self.tr("{kind} from the map (save to keep)").format(kind=geom.geom_type))

    def _load_findings(self) -> None:
        self.findingsList.clear()
        if self.store is None or self.patrol_fid is None:
            self.addFindingButton.setEnabled(False)
            self.addPhotoButton.setEnabled(False)
            return
        for f in enforcement.patrol_findings(self.store, self.patrol_fid):
            item = QListWidgetItem(self.tr("{kind}: {text} ({n} photos)").format(
                kind=f.geom_type or "—", text=f.description or "", n=f.photos))
            item.setData(Qt.ItemDataRole.UserRole, f.fid)
            self.findingsList.addItem(item)
        self.addFindingButton.setEnabled(True)
        self.addPhotoButton.setEnabled(self.findingsList.count() > 0)

    def add_finding(self) -> None:
        geom = self.selected_geometry()
        if geom is None or self.patrol_fid is None:
            return
        text, ok = QInputDialog.getText(self, self.tr("Finding"), self.tr("Description"))
        if not ok:
            return
        try:
            enforcement.add_finding(self.store, self.patrol_fid, geom, text)
        except enforcement.EnforcementError as exc:
            self._error(exc)
            return
        self.load_patrols()

    def add_photos(self) -> None:
        item = self.findingsList.currentItem() or self.findingsList.item(self.findingsList.count() - 1)
        if item is None:
            return
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Add photos"), "",
                                                self.tr("Photos (*.jpg *.jpeg *.png);;All files (*)"))
        try:
            for path in paths:
                enforcement.add_finding_photo(self.store, item.data(Qt.ItemDataRole.UserRole), path)
        except (enforcement.EnforcementError, ValueError, OSError) as exc:
            self._error(exc)
        self._load_findings()

    def _photos_menu(self, pos) -> None:
        """A finding's photos: open or remove each (right-click on the finding)."""
        item = self.findingsList.itemAt(pos)
        if item is None or self.store is None:
            return
        menu = QMenu(self)
        for photo in enforcement.finding_photos(self.store, item.data(Qt.ItemDataRole.UserRole)):
            sub = menu.addMenu(photo["file_name"])
            sub.addAction(self.tr("Open"), lambda checked=False, a=photo["id"]: self.open_photo(a))
            sub.addAction(self.tr("Remove…"), lambda checked=False, a=photo: self.remove_photo(a))
        if menu.isEmpty():
            menu.addAction(self.tr("No photos yet")).setEnabled(False)
        menu.exec(self.findingsList.viewport().mapToGlobal(pos))

    def open_photo(self, attachment_id: int) -> None:
        path = attachments.export(self.store, attachment_id, tempfile.mkdtemp(prefix="weipian_"))
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def remove_photo(self, photo: dict) -> bool:
        if QMessageBox.question(self, self.tr("Remove photo"),
                                self.tr("Remove {name} from the work store?").format(name=photo["file_name"])) \
                != QMessageBox.StandardButton.Yes:
            return False
        try:
            attachments.remove(self.store, photo["id"])
        except ValueError as exc:
            self._error(exc)
            return False
        self._load_findings()
        return True

    # -- clues ---------------------------------------------------------------------------------------
    def load_clues(self) -> None:
        try:
            statuses = enforcement.clue_deadlines(self.store, self.today) if self.store else []
        except enforcement.EnforcementError as exc:
            self._error(exc)
            statuses = []
        self.statuses = {s.fid: s for s in statuses}
        headers = [self.tr("Clue"), self.tr("Source"), self.tr("Township"), self.tr("Discovered"), self.tr("Stage"),
                   self.tr("Next due"), self.tr("Overdue"), self.tr("Major")]
        bold = QFont()
        bold.setBold(True)
        cells = []
        for s in statuses:
            nxt = s.next_due
            row = [_item(s.clue_no), s.source, s.township, s.discovered.isoformat(), s.deadlines.stage,
                   f"{nxt.name} {nxt.due.isoformat()}" if nxt else "",
                   "、".join(i.name for i in s.deadlines.overdue), "、".join(s.major_reasons) if s.major else ""]
            row = [c if isinstance(c, QTableWidgetItem) else _item(c) for c in row]
            row[0].setData(Qt.ItemDataRole.UserRole, s.fid)
            for item in row:
                if s.overdue:
                    item.setBackground(OVERDUE_BRUSH)
                if s.major:
                    item.setFont(bold)
            cells.append(row)
        _fill(self.clueTable, headers, cells)
        overdue = sum(s.overdue for s in statuses)
        counts = self.tr("{n} clues, {overdue} overdue, {major} major").format(
            n=len(statuses), overdue=overdue, major=sum(s.major for s in statuses))
        warning = enforcement.holiday_warning(self.store)  # deadlines count working days
        self.clueCountsLabel.setText(counts + ("\n" + warning if warning else ""))
        self.clueCountsLabel.setWordWrap(True)
        self.clueCountsLabel.setStyleSheet("color: #c00000" if warning else "")
        self._apply_clue_filter()
        self.select_clue(self.clue_fid)

    def _apply_clue_filter(self) -> None:
        only = self.overdueOnlyCheck.isChecked()
        for row in range(self.clueTable.rowCount()):
            status = self.statuses.get(self.clueTable.item(row, 0).data(Qt.ItemDataRole.UserRole))
            self.clueTable.setRowHidden(row, only and not (status and status.overdue))

    def clue_row(self, fid: int) -> Optional[int]:
        return next((r for r in range(self.clueTable.rowCount())
                     if self.clueTable.item(r, 0).data(Qt.ItemDataRole.UserRole) == fid), None)

    def select_clue(self, fid: Optional[int]) -> None:
        row = self.clue_row(fid) if fid is not None else None
        if row is None:
            self.clue_fid = None
            self._show_clue(None)
        else:
            self.clueTable.selectRow(row)

    def _clue_selected(self) -> None:
        items = self.clueTable.selectedItems()
        if items:
            self.clue_fid = self.clueTable.item(items[0].row(), 0).data(Qt.ItemDataRole.UserRole)
            self._show_clue(self.statuses.get(self.clue_fid))

    def _show_clue(self, status) -> None:
        self.clueGroup.setEnabled(status is not None)
        self.saveClueButton.setEnabled(status is not None)
        if status is None:
            self.clueTitleLabel.clear()
            self.deadlinesLabel.clear()
            for _, name in _CLUE_DATE_EDITS:
                getattr(self, name).clear()
            return
        values = enforcement.clue_values(self.store, status.fid)
        area = "" if status.land_m2 is None else self.tr(", {mu:.2f} mu").format(mu=m2_to_mu(status.land_m2))
        self.clueTitleLabel.setText(f"{status.clue_no}　{status.source}　{status.township}　"
                                    f"{status.description or ''}{area}")
        for key, name in _CLUE_DATE_EDITS:
            getattr(self, name).setText(values[key] or "")
        self.extensionSpin.setValue(values["extension_workdays"] or 0)
        self.miningCheck.setChecked(bool(values["is_mining"]))
        self.majorCheck.setChecked(bool(values["major"]))
        lines = []
        for item in status.deadlines.items:
            text = f"{item.name}：{item.due.isoformat() if item.due else '—'} {item.state.value}"
            if item.state is DeadlineState.OVERDUE:
                text = f'<span style="color:#c00000;font-weight:bold">{text}</span>'
            lines.append(text)
        self.deadlinesLabel.setText("<br>".join(lines))

    def save_clue(self) -> None:
        if self.clue_fid is None:
            return
        values = {key: getattr(self, name).text() for key, name in _CLUE_DATE_EDITS}
        values.update(extension_workdays=self.extensionSpin.value(), is_mining=int(self.miningCheck.isChecked()),
                      major=int(self.majorCheck.isChecked()))
        try:
            enforcement.save_clue(self.store, self.clue_fid, values)
        except enforcement.EnforcementError as exc:
            self._error(exc)
            return
        self._info(self.tr("Clue saved."))
        self.load_clues()
        self.load_grading()

    def edit_holidays(self) -> None:
        current = enforcement.holidays_text(self.store)
        text, ok = QInputDialog.getMultiLineText(
            self, self.tr("Holidays"),
            self.tr("One date or range per line (2026-10-01~2026-10-07); '+' marks a make-up working day."), current)
        if not ok:
            return
        try:
            enforcement.set_holidays(self.store, text)
        except ValueError as exc:
            QMessageBox.warning(self, self.tr("Holidays"), str(exc))
            return
        self.load_clues()

    # -- grading -------------------------------------------------------------------------------------
    def regrade(self) -> None:
        settings = {**keys.GRADING.read(self.store),
                    "max_distance_m": self.distanceSpin.value(), "require_overlap": self.overlapCheck.isChecked()}
        keys.GRADING.write(self.store, settings)
        self.load_grading()

    def load_grading(self) -> None:
        if self.store is None:
            _fill(self.gradingTable, [], [])
            _fill(self.unmatchedTable, [], [])
            return
        try:
            result = enforcement.grade_store(self.store)
            unmatched = enforcement.unmatched_patches(self.store, result)
        except enforcement.EnforcementError as exc:
            self._error(exc)
            return
        cfg = enforcement.grading_config(self.store)
        columns = enforcement.grading_columns(cfg)
        cells = []
        for row in enforcement.grading_rows(result):
            values = [c.value(row) for c in columns]
            items = [_item(f"{v * 100:.1f}%" if c.unit == "%" and v is not None else v) for c, v in zip(columns, values)]
            if row.passed is False:
                for item in items:
                    item.setBackground(FAILED_BRUSH)
            cells.append(items)
        _fill(self.gradingTable, [c.title for c in columns], cells)
        _fill(self.unmatchedTable, [c.title for c in enforcement.UNMATCHED_COLUMNS],
              [[c.value(p) for c in enforcement.UNMATCHED_COLUMNS] for p in unmatched])
        total = result.total
        self.gradingSummaryLabel.setText(self.tr(
            "{n} illegal satellite patches; daily enforcement found {found} of them first.").format(
            n=total.violations, found=total.found))

    # -- files ---------------------------------------------------------------------------------------
    def import_template(self, kind: str) -> None:
        from weipian_plugin.exporters.enforcement_xlsx import read_rows

        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import"), "",
                                              self.tr("CSV or Excel (*.csv *.xlsx);;All files (*)"))
        if not path:
            return
        try:
            rows = read_rows(path, kind)
            result = enforcement.import_enforcement(self.store, **{kind: rows})
        except (ValueError, OSError) as exc:
            QMessageBox.warning(self, self.tr("Import"), str(exc))
            return
        self._info(result.summary())
        self.reload()
        self.session.notify_changed(ENFORCEMENT, self)

    def export_workbook(self) -> None:
        from weipian_plugin.exporters.enforcement_xlsx import write_enforcement

        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export workbook"), "日常执法.xlsx",
                                              self.tr("Excel (*.xlsx)"))
        if not path:
            return
        try:
            write_enforcement(self.store, path, self.today)
        except (ValueError, OSError) as exc:
            self._error(exc)
            return
        self.iface.messageBar().pushSuccess(self.tr("Daily enforcement"), self.tr("Saved {path}").format(path=path))
