"""The review dock: the patch list, and per patch its determination, rectification, attachments and history.

The list is one read of ``patch_analysis`` into a plain table model (20,000 rows stay smooth: no per-row
widgets, filtering is a precomputed-tuple test, sorting happens in Python in the source model); after a
save only that patch's row is read again. Every write is one call into :mod:`..core.review`.
"""
from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from qgis.core import Qgis, QgsCoordinateReferenceSystem, QgsGeometry, QgsProject, QgsVectorLayer
from qgis.gui import QgsDockWidget
from qgis.PyQt import uic
from qgis.PyQt.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, QTimer, QUrl
from qgis.PyQt.QtGui import QBrush, QColor, QDesktopServices, QIcon, QKeySequence, QPixmap
from qgis.PyQt.QtWidgets import (
    QAction,
    QDoubleSpinBox,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QMenu,
    QMessageBox,
    QTreeWidgetItem,
    QWidget,
)

from weipian_plugin.core import roles
from weipian_plugin.core.review import records as review
from weipian_plugin.core.store.workstore import StoreError, WorkStore
from weipian_plugin.core.units import MU_M2
from weipian_plugin.gui import layers as store_layers
from weipian_plugin.gui import split_tool
from weipian_plugin.settings import Settings

FORM_CLASS, _ = uic.loadUiType(str(Path(__file__).parents[1] / "forms" / "review_dock.ui"))
log = logging.getLogger("weipian.gui")

ILLEGAL = "违法"
SPLIT = "被拆分"
RECTIFIED = ("已整改", "已销号")
ANY = "\x00any"      # filter combo value: no filter
BLANK = "\x00blank"  # filter combo value: empty (not analysed / not judged)

WRITEOFF_STATUSES = ("申请销号", review.WRITTEN_OFF)
# one patch's header, suggestion and basis
INFO_SQL = ("SELECT pa.fid, pa.batch, pa.jcbh, pa.township, pa.area_m2, pa.due_date, pa.split_state, pa.suggestion, "
            "pa.suggestion_type, pa.suggestion_reason, pa.cultivated_m2, pa.basic_farmland_m2, "
            "pa.new_construction_m2, pa.stock_construction_m2, "
            "pa.determination, a.basis FROM patch_analysis pa LEFT JOIN analysis a ON a.patch_fid = pa.fid "
            "WHERE pa.fid = ?")
# one list row, read from patch_analysis
ROW_SQL = ("SELECT fid, jcbh, batch, township, area_mu, suggestion, suggestion_type, determination, "
           "determination_type, status, due_date, overdue, split_state FROM patch_analysis")
(R_FID, R_JCBH, R_BATCH, R_TOWNSHIP, R_AREA, R_SUGGESTION, R_SUGGESTION_TYPE, R_RESULT, R_SUBTYPE, R_STATUS,
 R_DUE, R_OVERDUE, R_SPLIT) = range(13)


def _join(code: Optional[str], sub: Optional[str]) -> str:
    return f"{code}/{sub}" if code and sub else (code or "")


def _none_last(value) -> tuple:
    return (value is None or value == "", value if value is not None else "")


class PatchTableModel(QAbstractTableModel):
    """All patches as tuples; sorting reorders the tuples (fast in Python), single rows refresh in place."""

    SORT_KEYS = (
        lambda r: _none_last(r[R_JCBH]), lambda r: (_none_last(r[R_BATCH]), r[R_JCBH]),
        lambda r: (_none_last(r[R_TOWNSHIP]), r[R_JCBH]), lambda r: r[R_AREA] or 0.0,
        lambda r: (_none_last(_join(r[R_SUGGESTION], r[R_SUGGESTION_TYPE])), r[R_JCBH]),
        lambda r: (_none_last(_join(r[R_RESULT], r[R_SUBTYPE])), r[R_JCBH]),
        lambda r: (_none_last(r[R_STATUS]), r[R_JCBH]), lambda r: (_none_last(r[R_DUE]), r[R_JCBH]),
    )

    def __init__(self, parent=None):
        super().__init__(parent)
        self.headers = (self.tr("JCBH"), self.tr("Batch"), self.tr("Township"), self.tr("Area (mu)"),
                        self.tr("Suggestion"), self.tr("Determination"), self.tr("Status"), self.tr("Due"))
        self.rows: List[tuple] = []
        self.row_of: Dict[int, int] = {}
        self._overdue = QBrush(QColor(255, 205, 200))
        self._split = QBrush(QColor(140, 140, 140))

    def set_rows(self, rows: List[tuple]) -> None:
        self.beginResetModel()
        self.rows = rows
        self._reindex()
        self.endResetModel()

    def update_row(self, row: tuple) -> None:
        i = self.row_of.get(row[R_FID])
        if i is None:
            return
        self.rows[i] = row
        self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.headers) - 1))

    def _reindex(self) -> None:
        self.row_of = {r[R_FID]: i for i, r in enumerate(self.rows)}

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        r = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 3:
                return f"{r[R_AREA]:.2f}" if r[R_AREA] is not None else ""
            return (r[R_JCBH], r[R_BATCH], r[R_TOWNSHIP], None, _join(r[R_SUGGESTION], r[R_SUGGESTION_TYPE]),
                    _join(r[R_RESULT], r[R_SUBTYPE]), r[R_STATUS], r[R_DUE])[col]
        if role == Qt.ItemDataRole.UserRole:
            return r[R_FID]
        if role == Qt.ItemDataRole.BackgroundRole and r[R_OVERDUE]:
            return self._overdue
        if role == Qt.ItemDataRole.ForegroundRole and r[R_SPLIT] == SPLIT:
            return self._split
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.headers):
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        fids = [self.rows[i.row()][R_FID] for i in old]
        self.rows.sort(key=self.SORT_KEYS[column], reverse=order == Qt.SortOrder.DescendingOrder)
        self._reindex()
        self.changePersistentIndexList(old, [self.index(self.row_of[f], i.column()) for f, i in zip(fids, old)])
        self.layoutChanged.emit()


class PatchFilterModel(QSortFilterProxyModel):
    """Filters by plain tuple tests; sorting is delegated to the source model."""

    def __init__(self, source: PatchTableModel, parent=None):
        super().__init__(parent)
        self.source = source
        self.setSourceModel(source)
        self.criteria: Dict[int, str] = {}
        self.overdue_only = False
        self.search = ""

    def accepts(self, r: tuple) -> bool:
        for column, wanted in self.criteria.items():
            if (r[column] or BLANK) != wanted:
                return False
        if self.overdue_only and not r[R_OVERDUE]:
            return False
        return not self.search or self.search in (r[R_JCBH] or "").lower()

    def filterAcceptsRow(self, source_row, source_parent) -> bool:  # noqa: N802 (Qt API)
        return self.accepts(self.source.rows[source_row])

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.source.sort(column, order)

    def visible_rows(self):
        return (r for r in self.source.rows if self.accepts(r))


class ReviewDock(QgsDockWidget, FORM_CLASS):
    """Patch list plus the per-patch forms; ``ReviewDock(iface, store_path)``."""

    def __init__(self, iface, store_path: str, parent=None):
        super().__init__(parent or iface.mainWindow())
        self.setupUi(self)
        self.setObjectName("WeipianReviewDock")
        self.iface = iface
        self.store: Optional[WorkStore] = None
        self.crs = QgsCoordinateReferenceSystem()
        self.fid: Optional[int] = None
        self.patch: Dict[str, Any] = {}
        self.saved_det: Dict[str, Any] = {}
        self.locked_reason = ""
        self._clean_det: Dict[str, Any] = {}
        self._clean_rect: Dict[str, Any] = {}
        self._area_origin: Dict[str, Optional[float]] = {}
        self._populating = False
        self._reverting = False
        self._layer: Optional[QgsVectorLayer] = None
        self._selecting_layer = False
        self._split_tool: Optional[split_tool.SplitLineTool] = None
        self._attachments_loaded = self._history_loaded = False

        self.model = PatchTableModel(self)
        self.proxy = PatchFilterModel(self.model, self)
        self.tableView.setModel(self.proxy)
        header = self.tableView.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((110, 80, 80, 70, 90, 90, 70, 80)):
            self.tableView.setColumnWidth(col, width)
        self.tableView.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.tableView.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # rows arrive ordered by batch and JCBH
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)

        self._bind_fields()
        self._setup_static_combos()
        self._setup_actions()
        self._connect()
        self.set_store(store_path)

    # -- field bindings ------------------------------------------------------------------------------
    def _bind_fields(self) -> None:
        self.det_fields: Dict[str, Tuple[str, QWidget]] = {
            "result": ("combo", self.resultCombo), "subtype": ("combo", self.subtypeCombo),
            "basis": ("plain", self.basisEdit), "doc_numbers": ("text", self.docNumbersEdit),
            "violation_category": ("combo", self.categoryCombo),
            "violation_type": ("combo", self.violationTypeCombo),
            "is_nonagri": ("check", self.nonagriCheck), "is_new_housing": ("check", self.newHousingCheck),
            "illegal_m2": ("area", self.illegalSpin), "illegal_cultivated_m2": ("area", self.cultivatedSpin),
            "illegal_basic_farmland_m2": ("area", self.farmlandSpin),
            "project_name": ("text", self.projectEdit), "offender": ("text", self.offenderEdit),
            "build_time": ("text", self.buildTimeEdit),
        }
        self.violation_fields = ("violation_category", "violation_type", "illegal_m2", "illegal_cultivated_m2",
                                 "illegal_basic_farmland_m2")
        self.rect_fields: Dict[str, Tuple[str, QWidget]] = {
            "case_filed": ("combo", self.caseCombo), "case_date": ("date", self.caseDateEdit),
            "case_number": ("text", self.caseNumberEdit), "no_case_reason": ("text", self.noCaseReasonEdit),
            "penalty_decision": ("text", self.penaltyEdit), "fine_yuan": ("money", self.fineSpin),
            "demolished_m2": ("area", self.demolishedSpin), "restored_m2": ("area", self.restoredSpin),
            "supplement_doc": ("text", self.supplementDocEdit), "supplement_m2": ("area", self.supplementSpin),
            "supplement_cultivated_m2": ("area", self.supplementCultivatedSpin),
            "confiscated_m2": ("area", self.confiscatedSpin),
            "transfer_department": ("text", self.transferDepartmentEdit),
            "transfer_date": ("date", self.transferDateEdit), "closed_date": ("date", self.closedDateEdit),
            "writeoff_status": ("combo", self.writeoffCombo), "writeoff_date": ("date", self.writeoffDateEdit),
            "writeoff_person": ("text", self.writeoffPersonEdit),
            "writeoff_reason": ("text", self.writeoffReasonEdit),
        }
        for edit in (self.caseDateEdit, self.transferDateEdit, self.closedDateEdit, self.writeoffDateEdit):
            edit.setPlaceholderText(self.tr("YYYY-MM-DD"))

    def _setup_static_combos(self) -> None:
        self.caseCombo.addItem("", None)
        self.caseCombo.addItem(self.tr("Case filed"), 1)
        self.caseCombo.addItem(self.tr("Not filed"), 0)
        self.writeoffCombo.addItem("", None)
        for code, text in zip(WRITEOFF_STATUSES, (self.tr("Applied for"), self.tr("Written off"))):
            self.writeoffCombo.addItem(text, code)

    def _setup_actions(self) -> None:
        """Ctrl shortcuts anywhere in the dock; single letters only while the list has the focus, so a
        letter typed into the form can never accept a suggestion or move to another patch."""
        def action(text: str, letter: str, keys: Tuple[str, ...], slot) -> List[QAction]:
            actions = []
            for owner, shortcuts, context in ((self, keys, Qt.ShortcutContext.WidgetWithChildrenShortcut),
                                              (self.tableView, (letter,), Qt.ShortcutContext.WidgetShortcut)):
                act = QAction(text, owner)
                act.setShortcuts([QKeySequence(k) for k in shortcuts])
                act.setShortcutContext(context)
                act.triggered.connect(slot)
                owner.addAction(act)
                actions.append(act)
            return actions

        action(self.tr("Next patch"), "J", ("Ctrl+Down",), lambda: self.step(1))
        action(self.tr("Previous patch"), "K", ("Ctrl+Up",), lambda: self.step(-1))
        action(self.tr("Next unjudged patch"), "N", ("Ctrl+Shift+Down",), self.next_unjudged)
        self.acceptActions = action(self.tr("Accept suggestion"), "A", ("Ctrl+Return", "Ctrl+Enter"),
                                    self.accept_suggestion)

        split_menu = QMenu(self)
        split_menu.addAction(self.tr("Draw a split line on the map"), self.start_split_line)
        split_menu.addAction(self.tr("Split along the approval red line"), self.split_along_approvals)
        self.splitButton.setMenu(split_menu)
        batch_menu = QMenu(self)
        for stage in review.STAGE_LOCKS:
            batch_menu.addAction(self.tr("Record stage {stage}…").format(stage=stage),
                                 lambda checked=False, s=stage: self.lock_batch(s))
        batch_menu.addSeparator()
        batch_menu.addAction(self.tr("Export submitted snapshot…"), self.export_snapshot)
        batch_menu.addSeparator()
        batch_menu.addAction(self.tr("Overlay image of this patch…"), self.export_overlay_image)
        batch_menu.addAction(self.tr("Overlay images of the listed patches…"), self.export_overlay_images)
        self.batchButton.setMenu(batch_menu)

    def _connect(self) -> None:
        self.tableView.selectionModel().currentRowChanged.connect(self._current_row_changed)
        self.prevButton.clicked.connect(lambda: self.step(-1))
        self.nextButton.clicked.connect(lambda: self.step(1))
        self.nextUnjudgedButton.clicked.connect(self.next_unjudged)
        self.reloadButton.clicked.connect(lambda: self.maybe_leave() and self.reload())
        self.acceptButton.clicked.connect(self.accept_suggestion)
        self.saveButton.clicked.connect(self.save_determination)
        self.revertButton.clicked.connect(lambda: self.show_patch(self.fid, zoom=False))
        self.rectSaveButton.clicked.connect(self.save_rectification)
        self.rectRevertButton.clicked.connect(lambda: self.show_patch(self.fid, zoom=False))
        self.addAttachmentButton.clicked.connect(self.choose_attachments)
        self.openAttachmentButton.clicked.connect(self.open_attachment)
        self.exportAttachmentButton.clicked.connect(self.export_attachment)
        self.removeAttachmentButton.clicked.connect(self.remove_attachment)
        self.attachmentsTree.itemDoubleClicked.connect(lambda *_: self.open_attachment())
        self.tabs.currentChanged.connect(lambda _: self._load_lazy_tabs())

        for combo in (self.batchCombo, self.townshipCombo, self.suggestionCombo, self.determinationCombo,
                      self.statusCombo):
            combo.currentIndexChanged.connect(self._filters_changed)
        self.overdueCheck.toggled.connect(self._filters_changed)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(self._filters_changed)
        self.searchEdit.textChanged.connect(lambda _: self._search_timer.start())

        self.resultCombo.currentIndexChanged.connect(self._result_changed)
        signals = {"combo": "currentIndexChanged", "plain": "textChanged", "text": "textChanged",
                   "date": "textChanged", "check": "toggled", "area": "valueChanged", "money": "valueChanged"}
        for kind, widget in list(self.det_fields.values()) + list(self.rect_fields.values()):
            getattr(widget, signals[kind]).connect(self._form_edited)
        project = QgsProject.instance()
        project.layersAdded.connect(self._layers_changed)
        project.layersRemoved.connect(self._layers_changed)

    # -- store and list ------------------------------------------------------------------------------
    def set_store(self, store_path: str) -> None:
        """Open (or switch to) a work store and read its patch list."""
        self.close_store()
        self.store_path = store_path or ""
        if self.store_path:
            try:
                self.store = WorkStore.open(self.store_path)
            except StoreError as exc:
                self.countsLabel.setText(str(exc))
        if self.store is not None:
            self.crs = QgsCoordinateReferenceSystem(f"EPSG:{self.store.epsg}")
            self.setWindowTitle(self.tr("Patch review — {name}").format(name=Path(self.store_path).name))
            self._fill_code_combos()
        elif not self.store_path:
            self.countsLabel.setText(self.tr("No work store is open."))
        self.reload()
        self._layers_changed()

    def close_store(self) -> None:
        if self._split_tool is not None:
            self._split_tool.cancel()
            self._split_tool = None
        if self.store is not None:
            self.store.close()
        self.store = None
        self.fid = None
        self._clear_form()

    def reload(self) -> None:
        """Read the whole list again (after imports, analysis or splits), keeping the current patch."""
        keep = self.fid
        rows = self.store.conn.execute(ROW_SQL + " ORDER BY batch, jcbh").fetchall() if self.store else []
        self._populating = True
        self.model.set_rows(rows)
        self._fill_filter_combos()
        self._populating = False
        self._filters_changed()
        if keep is not None and keep in self.model.row_of:
            self.fid = None  # nothing unsaved can survive a reload: the form is re-read below
            self.select_fid(keep)
        else:
            self.fid = None
            self._clear_form()

    def refresh_row(self, fid: int) -> None:
        row = self.store.conn.execute(ROW_SQL + " WHERE fid=?", (fid,)).fetchone()
        if row is not None:
            self.model.update_row(row)
            self._update_counts()

    def _fill_filter_combos(self) -> None:
        rows = self.model.rows
        specs = (
            (self.batchCombo, R_BATCH, self.tr("All batches"), None),
            (self.townshipCombo, R_TOWNSHIP, self.tr("All townships"), self.tr("(no township)")),
            (self.suggestionCombo, R_SUGGESTION, self.tr("All suggestions"), self.tr("(not analysed)")),
            (self.determinationCombo, R_RESULT, self.tr("All determinations"), self.tr("(not judged)")),
            (self.statusCombo, R_STATUS, self.tr("All statuses"), None),
        )
        for combo, column, all_text, blank_text in specs:
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(all_text, ANY)
            values = {r[column] for r in rows}
            if blank_text and (None in values or "" in values):
                combo.addItem(blank_text, BLANK)
            for value in sorted(v for v in values if v):
                combo.addItem(value, value)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)

    def _filters_changed(self, *_) -> None:
        if self._populating:
            return
        criteria = {}
        for combo, column in ((self.batchCombo, R_BATCH), (self.townshipCombo, R_TOWNSHIP),
                              (self.suggestionCombo, R_SUGGESTION), (self.determinationCombo, R_RESULT),
                              (self.statusCombo, R_STATUS)):
            value = combo.currentData()
            if value not in (None, ANY):
                criteria[column] = value
        self.proxy.criteria = criteria
        self.proxy.overdue_only = self.overdueCheck.isChecked()
        self.proxy.search = self.searchEdit.text().strip().lower()
        self.proxy.invalidateFilter()
        self._update_counts()
        if self.fid is not None and self.fid in self.model.row_of:
            index = self._proxy_index(self.fid)
            if index.isValid():
                self.tableView.scrollTo(index)

    def counts(self) -> Dict[str, int]:
        """Counts over the shown rows; split originals are replaced by their parts and not counted."""
        total = judged = illegal = rectified = overdue = 0
        for r in self.proxy.visible_rows():
            if r[R_SPLIT] == SPLIT:
                continue
            total += 1
            judged += bool(r[R_RESULT])
            illegal += r[R_RESULT] == ILLEGAL
            rectified += r[R_RESULT] == ILLEGAL and r[R_STATUS] in RECTIFIED
            overdue += bool(r[R_OVERDUE])
        return {"total": total, "judged": judged, "illegal": illegal, "rectified": rectified, "overdue": overdue}

    def _update_counts(self) -> None:
        if self.store is None:
            return
        c = self.counts()
        self.countsLabel.setText(self.tr(
            "{total} patches · {judged} judged · {illegal} illegal · {rectified} rectified · {overdue} overdue"
        ).format(**c))

    # -- navigation ----------------------------------------------------------------------------------
    def _proxy_index(self, fid: int) -> QModelIndex:
        row = self.model.row_of.get(fid)
        if row is None:
            return QModelIndex()
        return self.proxy.mapFromSource(self.model.index(row, 0))

    def select_fid(self, fid: int) -> bool:
        """Make ``fid`` the current row (if the filters show it); False when it is not shown."""
        index = self._proxy_index(fid)
        if not index.isValid():
            return False
        self.tableView.setCurrentIndex(index)
        self.tableView.scrollTo(index)
        return True

    def step(self, delta: int) -> None:
        current = self.tableView.currentIndex()
        row = current.row() + delta if current.isValid() else 0
        if 0 <= row < self.proxy.rowCount():
            self.tableView.setCurrentIndex(self.proxy.index(row, 0))

    def next_unjudged(self) -> None:
        """The next shown patch without a determination, wrapping round to the top."""
        n = self.proxy.rowCount()
        current = self.tableView.currentIndex()
        start = current.row() + 1 if current.isValid() else 0
        rows = self.model.rows
        for offset in range(n):
            index = self.proxy.index((start + offset) % n, 0)
            r = rows[self.proxy.mapToSource(index).row()]
            if not r[R_RESULT] and r[R_SPLIT] != SPLIT and r[R_FID] != self.fid:
                self.tableView.setCurrentIndex(index)
                return
        self._message(self.tr("Every shown patch is judged."))

    def _current_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._reverting or not current.isValid():
            return
        fid = self.proxy.data(current, Qt.ItemDataRole.UserRole)
        if fid == self.fid:
            return
        if self.fid is not None and not self.maybe_leave():
            back = self._proxy_index(self.fid)
            self._reverting = True
            self.tableView.setCurrentIndex(back)
            self._reverting = False
            return
        self.show_patch(fid)

    # -- unsaved edits -------------------------------------------------------------------------------
    def is_dirty(self) -> bool:
        return self.fid is not None and (self.determination_values() != self._clean_det
                                         or self.rectification_values() != self._clean_rect)

    def ask_unsaved(self) -> QMessageBox.StandardButton:
        buttons = (QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                   | QMessageBox.StandardButton.Cancel)
        return QMessageBox.question(
            self, self.tr("Unsaved changes"),
            self.tr("Patch {jcbh} has unsaved changes. Save them?").format(jcbh=self.patch.get("jcbh", "")),
            buttons, QMessageBox.StandardButton.Save)

    def maybe_leave(self) -> bool:
        """True when the current patch may be left: nothing unsaved, saved now, or discarded."""
        if not self.is_dirty():
            return True
        answer = self.ask_unsaved()
        if answer == QMessageBox.StandardButton.Cancel:
            return False
        if answer == QMessageBox.StandardButton.Save:
            if self.determination_values() != self._clean_det and not self.save_determination():
                return False
            if self.rectification_values() != self._clean_rect and not self.save_rectification():
                return False
        return True

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if not self.maybe_leave():
            event.ignore()
            return
        if self.is_dirty():  # discarded: show what the store holds when the dock comes back
            self.show_patch(self.fid, zoom=False)
        super().closeEvent(event)

    # -- showing a patch -----------------------------------------------------------------------------
    def show_patch(self, fid: Optional[int], zoom: bool = True) -> None:
        """Fill every tab from the store for ``fid``; zoom to and flash it on the map."""
        if fid is None or self.store is None:
            self._clear_form()
            return
        self.fid = fid
        cur = self.store.conn.execute(INFO_SQL, (fid,))
        self.patch = dict(zip([d[0] for d in cur.description], cur.fetchone()))
        self.saved_det = review.load_determination(self.store, fid)
        self._populating = True
        try:
            self._show_suggestion()
            self._set_values(self.det_fields, self.saved_det)
            self._set_values(self.rect_fields, review.load_rectification(self.store, fid))
        finally:
            self._populating = False
        self._clean_det, self._clean_rect = self.determination_values(), self.rectification_values()
        self._show_lock()
        self._show_status()
        self._attachments_loaded = self._history_loaded = False
        self._load_lazy_tabs()
        self._update_state()
        if zoom:
            self.zoom_to_patch()
        self._select_in_layer()

    def _clear_form(self) -> None:
        self.patch = {}
        self.saved_det = {}
        self._populating = True
        self._set_values(self.det_fields, {})
        self._set_values(self.rect_fields, {})
        self._populating = False
        self._clean_det, self._clean_rect = self.determination_values(), self.rectification_values()
        for label in (self.patchLabel, self.suggestionLabel, self.reasonLabel, self.reviewerLabel,
                      self.messagesLabel, self.rectMessagesLabel, self.rectStatusLabel, self.lockLabel):
            label.clear()
        self.basisView.clear()
        self.attachmentsTree.clear()
        self.historyTree.clear()
        self.locked_reason = ""
        self._update_state()

    def _show_suggestion(self) -> None:
        p = self.patch
        self.patchLabel.setText(self.tr("{jcbh} · batch {batch} · {township} · {area:.2f} mu · due {due}").format(
            jcbh=p["jcbh"], batch=p["batch"], township=p.get("township") or "–", area=p["area_m2"] / MU_M2,
            due=p.get("due_date") or "–"))
        self.suggestionLabel.setText(_join(p.get("suggestion"), p.get("suggestion_type"))
                                     or self.tr("Not analysed"))
        self.reasonLabel.setText(p.get("suggestion_reason") or "")
        self.basisView.setPlainText(self._basis_text(p.get("basis")))

    def _basis_text(self, text: Optional[str]) -> str:
        if not text:
            return ""
        basis = json.loads(text)
        lines = []
        for doc in basis.get("documents") or []:
            share = doc.get("share")
            lines.append(self.tr("{role} {doc}: {share} of the patch, {area:.2f} mu").format(
                role=roles.label(doc.get("role", "")),
                doc=doc.get("doc") or doc.get("name") or "",
                share="–" if share is None else f"{share:.1%}", area=(doc.get("area_m2") or 0.0) / MU_M2))
        for key, label in (("cultivated_m2", self.tr("Cultivated")),
                           ("basic_farmland_m2", self.tr("Basic farmland")),
                           ("eco_redline_m2", self.tr("Ecological red line"))):
            if basis.get(key) is not None:
                lines.append(f"{label}: {basis[key] / MU_M2:.2f} " + self.tr("mu"))
        for item in basis.get("landuse") or []:
            lines.append(f"{item.get('dlbm', '')} {item.get('dlmc', '')}: {(item.get('area_m2') or 0) / MU_M2:.2f} "
                         + self.tr("mu"))
        return "\n".join(lines) or json.dumps(basis, ensure_ascii=False, indent=1)

    def _show_lock(self) -> None:
        locked, stage, at = review.batch_lock_state(self.store, self.patch["batch"])
        if locked:
            self.locked_reason = self.tr("Batch {batch} was submitted at stage {stage} on {at} and is locked: "
                                         "its data can no longer be changed.").format(
                batch=self.patch["batch"], stage=stage, at=at)
        elif self.patch.get("split_state") == SPLIT:
            self.locked_reason = self.tr("This patch was split; judge and follow up its parts instead.")
        else:
            self.locked_reason = ""
        self.lockLabel.setText(self.locked_reason)
        self.lockLabel.setVisible(bool(self.locked_reason))

    def _show_status(self) -> None:
        status = review.patch_status(self.store, self.fid)
        self.rectStatusLabel.setText(self.tr("Status: {status} · remaining unrectified area: {mu:.4f} mu").format(
            status=status["status"], mu=(status["remaining_m2"] or 0.0) / MU_M2))
        det = self.saved_det
        if det.get("reviewer"):
            self.reviewerLabel.setText(f"{det['reviewer']} · {det.get('reviewed_at') or ''}")
        else:
            self.reviewerLabel.setText(self.tr("{name} (when saved)").format(name=Settings.reviewer_name()))

    def _load_lazy_tabs(self) -> None:
        """Attachments and history are read only when their tab is shown (keeps next-patch fast)."""
        if self.fid is None or self.store is None:
            return
        current = self.tabs.currentWidget()
        if current is self.attachmentsTab and not self._attachments_loaded:
            self._fill_attachments()
        elif current is self.historyTab and not self._history_loaded:
            self._fill_history()

    # -- reading and writing form values -------------------------------------------------------------
    def _set_values(self, fields: Dict[str, Tuple[str, QWidget]], values: Dict[str, Any]) -> None:
        for name, (kind, widget) in fields.items():
            value = values.get(name)
            if kind == "combo":
                index = 0 if value is None else widget.findData(value)
                if index < 0:
                    widget.addItem(str(value), value)
                    index = widget.count() - 1
                widget.setCurrentIndex(index)
                if name == "result":
                    self._fill_subtypes(value)
            elif kind in ("text", "date"):
                widget.setText("" if value is None else str(value))
            elif kind == "plain":
                widget.setPlainText(value or "")
            elif kind == "check":
                widget.setChecked(bool(value))
            elif kind == "area":
                self._area_origin[name] = value
                widget.setValue((value or 0.0) / MU_M2)
            elif kind == "money":
                widget.setValue(value or 0.0)
        if fields is self.det_fields and values.get("result") == ILLEGAL:
            self._prefill_areas(only_empty=True)

    def _area_value(self, name: str, widget: QDoubleSpinBox) -> Optional[float]:
        """m² from a 亩 spin box; the stored value is kept exactly when the shown (rounded) value is unchanged."""
        origin = self._area_origin.get(name)
        if origin is not None and round(origin / MU_M2, widget.decimals()) == round(widget.value(), widget.decimals()):
            return origin
        return widget.value() * MU_M2 if widget.value() > 0 else None

    def _values(self, fields: Dict[str, Tuple[str, QWidget]]) -> Dict[str, Any]:
        out: Dict[str, Any] = {}
        for name, (kind, widget) in fields.items():
            if kind == "combo":
                out[name] = widget.currentData()
            elif kind in ("text", "date"):
                out[name] = widget.text().strip() or None
            elif kind == "plain":
                out[name] = widget.toPlainText().strip() or None
            elif kind == "check":
                out[name] = int(widget.isChecked())
            elif kind == "area":
                out[name] = self._area_value(name, widget)
            elif kind == "money":
                out[name] = widget.value() or None
        return out

    def determination_values(self) -> Dict[str, Any]:
        values = self._values(self.det_fields)
        if values["result"] != ILLEGAL:
            values.update({name: None for name in self.violation_fields})
        return values

    def rectification_values(self) -> Dict[str, Any]:
        return self._values(self.rect_fields)

    def _rectification_errors(self) -> List[str]:
        det = self.saved_det
        illegal = det["illegal_m2"] if det.get("illegal_m2") is not None else self.patch["area_m2"]
        return review.validate_rectification(self.rectification_values(), illegal, det.get("illegal_cultivated_m2"))

    def _fill_code_combos(self) -> None:
        for combo, name in ((self.resultCombo, "result"), (self.categoryCombo, "violation_category"),
                            (self.violationTypeCombo, "violation_type")):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("", None)
            for code, label, _parent in self.store.code_list(name):
                combo.addItem(label, code)
            combo.blockSignals(False)

    def _fill_subtypes(self, result: Optional[str]) -> None:
        current = self.subtypeCombo.currentData()
        self.subtypeCombo.blockSignals(True)
        self.subtypeCombo.clear()
        self.subtypeCombo.addItem("", None)
        if result and self.store is not None:
            for code, label, _parent in self.store.code_list("subtype", result):
                self.subtypeCombo.addItem(label, code)
        self.subtypeCombo.setCurrentIndex(max(0, self.subtypeCombo.findData(current)) if current else 0)
        self.subtypeCombo.blockSignals(False)

    def _prefill_areas(self, only_empty: bool) -> None:
        """Illegal area (the whole patch), of which cultivated and basic farmland (from its own layer, not
        capped at the cultivated area) from the analysis, where the form has none yet; and 新增/存量 from
        the analysed areas (新增 when any part is new)."""
        area = self.patch["area_m2"]
        cultivated = min(self.patch.get("cultivated_m2") or 0.0, area)
        farmland = min(self.patch.get("basic_farmland_m2") or 0.0, area)
        for name, value in (("illegal_m2", area), ("illegal_cultivated_m2", cultivated),
                            ("illegal_basic_farmland_m2", farmland)):
            widget = self.det_fields[name][1]
            if not only_empty or not widget.value():
                self._area_origin[name] = value
                widget.setValue(value / MU_M2)
        new, stock = self.patch.get("new_construction_m2"), self.patch.get("stock_construction_m2")
        category = None if new is None else "新增" if new > 0 else "存量" if (stock or 0.0) > 0 else None
        if category and self.categoryCombo.currentData() is None:
            self.categoryCombo.setCurrentIndex(max(0, self.categoryCombo.findData(category)))

    def _result_changed(self, _index: int) -> None:
        if self._populating:
            return
        result = self.resultCombo.currentData()
        self._fill_subtypes(result)
        if result == ILLEGAL and self.fid is not None:
            self._prefill_areas(only_empty=True)
        self._form_edited()

    def _form_edited(self, *_) -> None:
        if not self._populating:
            self._update_state()

    def _update_state(self) -> None:
        has = self.fid is not None and self.store is not None
        editable = has and not self.locked_reason
        result = self.resultCombo.currentData()
        self.decisionGroup.setEnabled(editable)
        for name in self.violation_fields:
            self.det_fields[name][1].setEnabled(result == ILLEGAL)
        det_dirty = has and self.determination_values() != self._clean_det
        rect_dirty = has and self.rectification_values() != self._clean_rect
        messages = []
        if has and det_dirty:
            messages = review.validate_determination(self.determination_values(), self.patch["area_m2"], self.store)
        self.messagesLabel.setText("\n".join(messages))
        self.saveButton.setEnabled(editable and det_dirty and not messages)
        self.revertButton.setEnabled(det_dirty)
        can_accept = editable and bool(self.patch.get("suggestion"))
        self.acceptButton.setEnabled(can_accept)
        for act in self.acceptActions:
            act.setEnabled(can_accept)

        illegal_saved = has and self.patch.get("determination") == ILLEGAL
        self.rectificationTab.setEnabled(illegal_saved)
        for group in (self.caseGroup, self.measuresGroup, self.writeoffGroup):
            group.setEnabled(editable and illegal_saved)
        rect_errors = self._rectification_errors() if rect_dirty and illegal_saved else []
        if has and not illegal_saved:
            rect_errors = [self.tr("Rectification is recorded for patches determined illegal.")]
        self.rectMessagesLabel.setText("\n".join(rect_errors))
        self.rectSaveButton.setEnabled(editable and illegal_saved and rect_dirty and not rect_errors)
        self.rectRevertButton.setEnabled(rect_dirty)
        self.attachmentsTab.setEnabled(has)
        for button in (self.addAttachmentButton, self.removeAttachmentButton):
            button.setEnabled(editable)
        self.splitButton.setEnabled(editable)
        self.batchButton.setEnabled(self.store is not None)

    # -- saving --------------------------------------------------------------------------------------
    def _message(self, text: str, level=Qgis.MessageLevel.Info) -> None:
        self.iface.messageBar().pushMessage(self.tr("Patch review"), text, level, 5)

    def _error(self, label, exc: Exception) -> None:
        label.setText(str(exc))
        self._message(str(exc), Qgis.MessageLevel.Warning)

    def _after_write(self) -> None:
        """Re-read the patch's row and form after a write, and let the map show the change."""
        self.refresh_row(self.fid)
        self.show_patch(self.fid, zoom=False)
        if self._layer is not None:
            self._layer.triggerRepaint()

    def save_determination(self) -> bool:
        if self.fid is None:
            return False
        try:
            review.save_determination(self.store, self.fid, self.determination_values(), Settings.reviewer_name())
        except review.ReviewError as exc:
            self._error(self.messagesLabel, exc)
            return False
        self._after_write()
        return True

    def accept_suggestion(self) -> bool:
        if self.fid is None or self.store is None:
            return False
        try:
            review.accept_suggestion(self.store, self.fid, Settings.reviewer_name())
        except review.ReviewError as exc:
            self._error(self.messagesLabel, exc)
            return False
        self._after_write()
        return True

    def save_rectification(self) -> bool:
        if self.fid is None:
            return False
        try:
            review.save_rectification(self.store, self.fid, self.rectification_values(), Settings.reviewer_name())
        except review.ReviewError as exc:
            self._error(self.rectMessagesLabel, exc)
            return False
        self._after_write()
        return True

    # -- attachments ---------------------------------------------------------------------------------
    def _fill_attachments(self) -> None:
        self.attachmentsTree.clear()
        for att in review.list_attachments(self.store, self.fid):
            position = ""
            if att.get("latitude") is not None and att.get("longitude") is not None:
                position = f"{att['latitude']:.6f}, {att['longitude']:.6f}"
            bearing = "" if att.get("bearing") is None else f"{att['bearing']:.0f}°"
            item = QTreeWidgetItem([att["file_name"], att.get("kind") or att.get("mime_type") or "",
                                    att.get("taken_at") or att.get("added_at") or "", position, bearing])
            item.setData(0, Qt.ItemDataRole.UserRole, att["id"])
            if (att.get("mime_type") or "").startswith("image/"):
                pixmap = QPixmap()
                if pixmap.loadFromData(review.attachment_bytes(self.store, att["id"])):
                    item.setIcon(0, QIcon(pixmap.scaled(self.attachmentsTree.iconSize(),
                                                        Qt.AspectRatioMode.KeepAspectRatio,
                                                        Qt.TransformationMode.SmoothTransformation)))
            self.attachmentsTree.addTopLevelItem(item)
        for col in range(1, self.attachmentsTree.columnCount()):
            self.attachmentsTree.resizeColumnToContents(col)
        self._attachments_loaded = True

    def add_attachments(self, paths: List[str]) -> List[int]:
        ids = []
        for path in paths:
            try:
                ids.append(review.add_attachment(self.store, self.fid, path, actor=Settings.reviewer_name()))
            except (review.ReviewError, OSError) as exc:
                self._error(self.messagesLabel, exc)
        self._fill_attachments()
        self._history_loaded = False
        return ids

    def choose_attachments(self) -> None:
        if self.fid is None:
            return
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Add field photos or documents"),
                                                Settings.last_import_dir.value())
        if paths:
            Settings.last_import_dir.set_value(str(Path(paths[0]).parent))
            self.add_attachments(paths)

    def _attachment_id(self) -> Optional[int]:
        item = self.attachmentsTree.currentItem()
        return None if item is None else item.data(0, Qt.ItemDataRole.UserRole)

    def open_attachment(self) -> None:
        att = self._attachment_id()
        if att is not None:
            path = review.export_attachment(self.store, att, tempfile.mkdtemp(prefix="weipian_"))
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def export_attachment(self) -> None:
        att = self._attachment_id()
        if att is None:
            return
        folder = QFileDialog.getExistingDirectory(self, self.tr("Export attachment to"),
                                                  Settings.last_export_dir.value())
        if folder:
            Settings.last_export_dir.set_value(folder)
            path = review.export_attachment(self.store, att, folder)
            self._message(self.tr("Saved {path}").format(path=path), Qgis.MessageLevel.Success)

    def remove_attachment(self) -> None:
        att = self._attachment_id()
        if att is None:
            return
        name = self.attachmentsTree.currentItem().text(0)
        if QMessageBox.question(self, self.tr("Remove attachment"),
                                self.tr("Remove {name} from the work store?").format(name=name)) \
                != QMessageBox.StandardButton.Yes:
            return
        try:
            review.remove_attachment(self.store, att)
        except review.ReviewError as exc:
            self._error(self.messagesLabel, exc)
        self._fill_attachments()

    # -- history -------------------------------------------------------------------------------------
    def _fill_history(self) -> None:
        self.historyTree.clear()
        for entry in review.history(self.store, self.fid):
            self.historyTree.addTopLevelItem(QTreeWidgetItem([
                entry.at or "", entry.actor or "", entry.label,
                "" if entry.old is None else str(entry.old), "" if entry.new is None else str(entry.new)]))
        for col in range(self.historyTree.columnCount() - 1):
            self.historyTree.resizeColumnToContents(col)
        self._history_loaded = True

    # -- batches -------------------------------------------------------------------------------------
    def current_batch(self) -> Optional[str]:
        batch = self.batchCombo.currentData()
        if batch not in (None, ANY, BLANK):
            return batch
        return self.patch.get("batch")

    def lock_batch(self, stage: str) -> bool:
        batch = self.current_batch()
        if batch is None or self.store is None:
            self._message(self.tr("Choose a batch (filter) or a patch first."), Qgis.MessageLevel.Warning)
            return False
        answer = QMessageBox.question(
            self, self.tr("Record stage"),
            self.tr("Record stage {stage} for batch {batch}? 一上 and 二上 lock the batch: its determinations "
                    "and rectifications can then no longer be changed; 一下 unlocks it.").format(
                stage=stage, batch=batch),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        if not self.maybe_leave():
            return False
        try:
            review.lock_batch(self.store, batch, stage, Settings.reviewer_name())
        except review.ReviewError as exc:
            self._error(self.messagesLabel, exc)
            return False
        if self.fid is not None:
            self.show_patch(self.fid, zoom=False)
        return True

    def _overlay_options(self) -> Optional[Tuple[int, Optional[str]]]:
        """(scale, after-imagery source) for overlay images, or None when the user cancels."""
        scale, ok = QInputDialog.getInt(self, self.tr("Overlay image"), self.tr("Scale 1:"), 2000, 100, 100000, 500)
        return (scale, (self.store.setting("imagery") or {}).get("after")) if ok else None

    def export_overlay_image(self) -> None:
        """A PNG of the current patch over the after imagery and the reference layers, for its case file."""
        if self.fid is None or self.store is None:
            return
        options = self._overlay_options()
        if options is None:
            return
        default = str(Path(Settings.last_export_dir.value() or str(Path.home())) / f"{self.patch['jcbh']}.png")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Overlay image"), default, self.tr("PNG image (*.png)"))
        if not path:
            return
        Settings.last_export_dir.set_value(str(Path(path).parent))
        from weipian_plugin.exporters.figures import export_overlay_image

        export_overlay_image(self.store_path, self.fid, path, scale=options[0], raster=options[1])
        self._message(self.tr("Overlay image written to {path}.").format(path=path))

    def export_overlay_images(self) -> None:
        """Overlay images of every patch the list shows, with progress and cancel."""
        if self.store is None or not self.proxy.rowCount():
            return
        options = self._overlay_options()
        if options is None:
            return
        folder = QFileDialog.getExistingDirectory(self, self.tr("Overlay images"),
                                                  Settings.last_export_dir.value() or str(Path.home()))
        if not folder:
            return
        Settings.last_export_dir.set_value(folder)
        from qgis.core import QgsFeedback
        from qgis.PyQt.QtWidgets import QApplication, QProgressDialog

        from weipian_plugin.exporters.figures import export_overlay_images

        fids = [self.proxy.data(self.proxy.index(r, 0), Qt.ItemDataRole.UserRole) for r in range(self.proxy.rowCount())]
        dialog = QProgressDialog(self.tr("Writing overlay images…"), self.tr("Cancel"), 0, 100, self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        feedback = QgsFeedback()
        dialog.canceled.connect(feedback.cancel)

        def progressed(percent: float) -> None:
            dialog.setValue(int(percent))
            QApplication.processEvents()  # keeps the dialog and its Cancel button alive between images

        feedback.progressChanged.connect(progressed)
        written = export_overlay_images(self.store_path, folder, fids=fids, scale=options[0], raster=options[1],
                                        feedback=feedback)
        dialog.close()
        self._message(self.tr("{n} overlay images written to {path}.").format(n=len(written), path=folder))

    def export_snapshot(self) -> None:
        batch = self.current_batch()
        if batch is None or self.store is None:
            return
        stages = [s for s, locks in review.STAGE_LOCKS.items() if locks]
        latest = review.batch_lock_state(self.store, batch)[1]
        stage, ok = QInputDialog.getItem(self, self.tr("Export snapshot"), self.tr("Stage"), stages,
                                         stages.index(latest) if latest in stages else 0, False)
        if not ok:
            return
        default = str(Path(Settings.last_export_dir.value() or str(Path.home())) / f"{batch}_{stage}.json")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export snapshot"), default,
                                              self.tr("Snapshot (*.json)"))
        if not path:
            return
        Settings.last_export_dir.set_value(str(Path(path).parent))
        try:
            review.export_snapshot(self.store, batch, stage, path)
        except review.ReviewError as exc:
            self._error(self.messagesLabel, exc)
            return
        self._message(self.tr("Saved {path}").format(path=path), Qgis.MessageLevel.Success)

    # -- map -----------------------------------------------------------------------------------------
    def patch_geometry(self) -> Optional[QgsGeometry]:
        """The current patch's geometry in the store's CRS."""
        if self.fid is None:
            return None
        geom = split_tool.patch_geometry(self.store, self.fid)
        return None if geom is None else split_tool.to_qgs(geom)

    def zoom_to_patch(self) -> None:
        geom = self.patch_geometry()
        canvas = self.iface.mapCanvas()
        if geom is None or canvas is None:
            return
        dest = canvas.mapSettings().destinationCrs()
        shown = QgsGeometry(geom)
        if dest.isValid() and dest != self.crs:
            shown.transform(split_tool.transform(self.crs, dest))
        rect = shown.boundingBox()
        rect.scale(2.0)
        if rect.isEmpty():
            rect.grow(50.0)
        canvas.setExtent(rect)
        canvas.refresh()
        canvas.flashGeometries([geom], self.crs)

    def _layers_changed(self, *_) -> None:
        """Follow the store's patch layer in the project: its selection and the list select each other."""
        layer = None
        if self.store is not None:
            found = store_layers.loaded_store_layers(str(self.store.path))
            layer = found.get(store_layers.ANALYSIS) or found.get(store_layers.PATCHES)
        if layer is self._layer:
            return
        self._disconnect_layer()
        self._layer = layer
        if layer is not None:
            layer.selectionChanged.connect(self._layer_selection_changed)
            layer.willBeDeleted.connect(self._disconnect_layer)

    def _disconnect_layer(self) -> None:
        if self._layer is not None:
            try:
                self._layer.selectionChanged.disconnect(self._layer_selection_changed)
                self._layer.willBeDeleted.disconnect(self._disconnect_layer)
            except (TypeError, RuntimeError):
                pass
        self._layer = None

    def _select_in_layer(self) -> None:
        if self._layer is None or self.fid is None:
            return
        self._selecting_layer = True
        try:
            self._layer.selectByIds([self.fid])
        finally:
            self._selecting_layer = False

    def _layer_selection_changed(self, *_) -> None:
        if self._selecting_layer or self._layer is None:
            return
        ids = self._layer.selectedFeatureIds()
        if ids and self.fid not in ids:
            self.select_fid(sorted(ids)[0])

    # -- split ---------------------------------------------------------------------------------------
    def start_split_line(self) -> None:
        if self.fid is None:
            return
        canvas = self.iface.mapCanvas()
        self._split_tool = split_tool.SplitLineTool(canvas, self.crs, self._split_by_line)
        canvas.setMapTool(self._split_tool)
        self._message(self.tr("Click points across patch {jcbh}; right-click or Enter to split, Esc to cancel.")
                      .format(jcbh=self.patch.get("jcbh", "")))

    def _split_by_line(self, line) -> None:
        self._after_split(lambda: split_tool.split_by_line(self.store, self.fid, line, Settings.reviewer_name()))

    def split_along_approvals(self) -> None:
        if self.fid is None:
            return
        self._after_split(lambda: split_tool.split_along_approvals(self.store, self.fid, Settings.reviewer_name()))

    def _after_split(self, run) -> None:
        if not self.maybe_leave():
            return
        try:
            parts = run()
        except (review.ReviewError, split_tool.SplitError) as exc:
            self._error(self.messagesLabel, exc)
            return
        self.fid = None
        self.reload()
        if parts:
            self.select_fid(parts[0])
        if self._layer is not None:
            self._layer.dataProvider().reloadData()
            self._layer.triggerRepaint()
        self._message(self.tr("The patch was split into {n} parts.").format(n=len(parts)), Qgis.MessageLevel.Success)

    # -- teardown ------------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Disconnect from the project and close the store (plugin unload; nothing is asked)."""
        project = QgsProject.instance()
        for signal in (project.layersAdded, project.layersRemoved):
            try:
                signal.disconnect(self._layers_changed)
            except TypeError:
                pass
        self._disconnect_layer()
        self.close_store()

