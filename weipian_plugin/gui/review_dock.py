"""The review dock: the patch list, and per patch its determination, rectification, attachments and history.

The dock puts its parts together (gui/review/): the list model and filter (``patch_list``), the form
binding (``form``), the attachments tab (``attachments``), the batch menu (``batch_actions``) and the
map (``map_sync``); it owns navigation, unsaved-edit questions and saving. Every read and write is one
call into :mod:`weipian_plugin.core.review`.
"""
from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

from qgis.core import Qgis
from qgis.gui import QgsDockWidget
from qgis.PyQt import uic
from qgis.PyQt.QtCore import QModelIndex, Qt, QTimer
from qgis.PyQt.QtGui import QKeySequence
from qgis.PyQt.QtWidgets import QAction, QHeaderView, QMenu, QMessageBox, QTreeWidgetItem

from weipian_plugin.core import roles
from weipian_plugin.core.review import records as review
from weipian_plugin.core.review import split
from weipian_plugin.core.review.dossier import display_value
from weipian_plugin.core.review.worklist import patch_info, patch_row, patch_rows
from weipian_plugin.core.statistics.ledger import round_half_up
from weipian_plugin.core.store.errors import StoreProblem, denied
from weipian_plugin.core.store.workstore import WorkStore
from weipian_plugin.core.units import MU_M2, m2_to_mu
from weipian_plugin.core.vocabulary import ILLEGAL, SPLIT
from weipian_plugin.gui.review.attachments import AttachmentsPanel
from weipian_plugin.gui.review.batch_actions import BatchActions
from weipian_plugin.gui.review.form import ReviewForm
from weipian_plugin.gui.review.map_sync import MapSync
from weipian_plugin.gui.review.patch_list import ANY, BLANK, PatchFilterModel, PatchTableModel, counts, join_types
from weipian_plugin.gui.review.refusal import told_when_refused
from weipian_plugin.gui.session import ENFORCEMENT, PATCHES, REVIEW, SETTINGS, StoreSession, session_for
from weipian_plugin.settings import Settings

FORM_CLASS, _ = uic.loadUiType(str(Path(__file__).parents[1] / "forms" / "review_dock.ui"))
log = logging.getLogger("weipian.gui")

# list filter combo -> the PatchRow field it filters
_FILTERS = ("batchCombo", "batch"), ("townshipCombo", "township"), ("suggestionCombo", "suggestion"), \
           ("determinationCombo", "determination"), ("statusCombo", "status")


BUSY_WAIT_MS = 1500
"""How long a save waits for a busy store before asking Retry/Cancel (the dock stays responsive)."""


class ReviewDock(QgsDockWidget, FORM_CLASS):
    """Patch list plus the per-patch forms; ``ReviewDock(iface, session)`` (or a store path: a session of its own)."""

    def __init__(self, iface, store: Union[str, StoreSession], parent=None):
        super().__init__(parent or iface.mainWindow())
        self.setupUi(self)
        self.setObjectName("WeipianReviewDock")
        self.iface = iface
        self.session = session_for(store, self)
        self._own_session = self.session is not store
        self.fid: Optional[int] = None
        self.patch: Dict[str, Any] = {}
        self.saved_det: Dict[str, Any] = {}
        self.saved_rect: Dict[str, Any] = {}  # the rows as shown: the base a save is checked against
        self.locked_reason = ""
        self._clean_det: Dict[str, Any] = {}
        self._clean_rect: Dict[str, Any] = {}
        self._populating = False
        self._reverting = False
        self._history_loaded = False

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
        if not self.splitter.restoreState(Settings.review_splitter.value()):
            # Stretch shares out only the room left over by the form's size hint, which left a new user's
            # list a row and a half at 1366×768; these are shares of the whole height.
            self.splitter.setSizes([2000, 3000])
        header.restoreState(Settings.review_columns.value())
        self.splitter.splitterMoved.connect(self._save_layout)  # bound methods: disconnected with the dock
        header.sectionResized.connect(self._save_layout)
        self._filters_restored = False

        self.form = ReviewForm(self, self)
        self.attachments = AttachmentsPanel(self, self)
        self.batch = BatchActions(self, self)
        self.map = MapSync(self, self)
        self._setup_actions()
        self._connect()
        self.session.switched.connect(self._store_switched)
        self.session.changed.connect(self._store_changed)
        self._store_switched()

    @property
    def store(self) -> Optional[WorkStore]:
        return self.session.store

    @property
    def store_path(self) -> str:
        return self.session.path

    def _setup_actions(self) -> None:
        """Ctrl shortcuts anywhere in the dock; single letters only while the list has the focus, so a
        letter typed into the form can never accept a suggestion or move to another patch."""
        def action(text: str, letter: str, keys, slot) -> List[QAction]:
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
        self.tabs.currentChanged.connect(lambda _: self._load_lazy_tabs())
        self.form.edited.connect(self._update_state)
        self.attachments.changed.connect(self._attachments_changed)

        for combo, _field in _FILTERS:
            getattr(self, combo).currentIndexChanged.connect(self._filters_changed)
        self.overdueCheck.toggled.connect(self._filters_changed)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(self._filters_changed)
        self.searchEdit.textChanged.connect(lambda _: self._search_timer.start())

    # -- store and list ------------------------------------------------------------------------------
    def set_store(self, store_path: str) -> None:
        """Open (or switch to) a work store: every user of the session follows."""
        self.session.switch(store_path)

    def _store_switched(self) -> None:
        self.close_store()
        self.map.set_store(self.store)
        self.form.set_store(self.store)
        if self.store is not None:
            self.setWindowTitle(self.tr("Patch review — {name}").format(name=self.session.name))
        elif self.session.error:
            self.countsLabel.setText(self.session.error)
        else:
            self.countsLabel.setText(self.tr("No work store is open."))
        self.reload()
        self.map.layers_changed()

    def _store_changed(self, what: str, source: object) -> None:
        """Another part of the plugin changed the store: show the new state once pending edits are settled."""
        if source is self or what in (SETTINGS, ENFORCEMENT):
            return
        if self.maybe_leave():
            self.reload()

    def close_store(self) -> None:
        """Forget the patch shown (the session's store itself stays open for the others)."""
        self.map.cancel_split()
        self.fid = None
        self._clear_form()

    @told_when_refused
    def reload(self) -> None:
        """Read the whole list again (after imports, analysis or splits), keeping the current patch."""
        keep = self.fid
        self._populating = True
        self.model.set_rows(patch_rows(self.store) if self.store else [])
        self._fill_filter_combos()
        if not self._filters_restored and self.model.rows:
            self._restore_filters()
        self._populating = False
        self._filters_changed()
        if keep is not None and keep in self.model.row_of:
            self.fid = None  # nothing unsaved can survive a reload: the form is re-read below
            self.select_fid(keep)
        else:
            self.fid = None
            self._clear_form()

    @told_when_refused
    def refresh_row(self, fid: int) -> None:
        row = patch_row(self.store, fid)
        if row is not None:
            self.model.update_row(row)
            self._update_counts()

    def _fill_filter_combos(self) -> None:
        rows = self.model.rows
        specs = (
            (self.batchCombo, "batch", self.tr("All batches"), None),
            (self.townshipCombo, "township", self.tr("All townships"), self.tr("(no township)")),
            (self.suggestionCombo, "suggestion", self.tr("All suggestions"), self.tr("(not analysed)")),
            (self.determinationCombo, "determination", self.tr("All determinations"), self.tr("(not judged)")),
            (self.statusCombo, "status", self.tr("All statuses"), None),
        )
        for combo, field, all_text, blank_text in specs:
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(all_text, ANY)
            values = {getattr(r, field) for r in rows}
            if blank_text and (None in values or "" in values):
                combo.addItem(blank_text, BLANK)
            for value in sorted(v for v in values if v):
                combo.addItem(value, value)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)

    def _save_layout(self, *_) -> None:
        Settings.review_splitter.set_value(self.splitter.saveState())
        Settings.review_columns.set_value(self.tableView.horizontalHeader().saveState())

    def _restore_filters(self) -> None:
        """The filters the user left, once per dock (a value the store no longer has stays at 'all')."""
        saved = json.loads(Settings.review_filters.value() or "{}")
        for combo, _field in _FILTERS:
            widget = getattr(self, combo)
            index = widget.findData(saved.get(combo))
            if index >= 0:
                widget.setCurrentIndex(index)
        self.overdueCheck.setChecked(bool(saved.get("overdue")))
        self.searchEdit.setText(saved.get("search", ""))
        self._filters_restored = True

    def _save_filters(self) -> None:
        saved = {combo: getattr(self, combo).currentData() for combo, _field in _FILTERS}
        saved.update(overdue=self.overdueCheck.isChecked(), search=self.searchEdit.text())
        Settings.review_filters.set_value(json.dumps(saved, ensure_ascii=False))

    def _filters_changed(self, *_) -> None:
        if self._populating:
            return
        if self._filters_restored:
            self._save_filters()
        criteria = {}
        for combo, field in _FILTERS:
            value = getattr(self, combo).currentData()
            if value not in (None, ANY):
                criteria[field] = value
        self.proxy.criteria = criteria
        self.proxy.overdue_only = self.overdueCheck.isChecked()
        self.proxy.search = self.searchEdit.text().strip().lower()
        self.proxy.invalidateFilter()
        self._update_counts()
        if self.fid is not None and self.fid in self.model.row_of:
            index = self._proxy_index(self.fid)
            if index.isValid():
                self.tableView.scrollTo(index)

    def counts(self) -> Dict[str, Any]:
        """Counts and area over the shown rows (split originals and 涉军 patches not counted)."""
        return counts(self.proxy.visible_rows())

    def _update_counts(self) -> None:
        if self.store is None:
            return
        self.countsLabel.setText(self.tr(
            "{total} patches · {area} mu · {judged} judged · {illegal} illegal · {rectified} rectified · {overdue} overdue"
        ).format(**self.counts()))

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
        for offset in range(n):
            row = (start + offset) % n
            r = self.proxy.row_at(row)
            if not r.determination and r.split_state != SPLIT and r.fid != self.fid:
                self.tableView.setCurrentIndex(self.proxy.index(row, 0))
                return
        self.notify(self.tr("Every shown patch is judged."))

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
    def determination_values(self) -> Dict[str, Any]:
        return self.form.determination_values()

    def rectification_values(self) -> Dict[str, Any]:
        return self.form.rectification_values()

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

    def closeEvent(self, event) -> None:
        if not self.maybe_leave():
            event.ignore()
            return
        if self.is_dirty():  # discarded: show what the store holds when the dock comes back
            self.show_patch(self.fid, zoom=False)
        super().closeEvent(event)

    # -- showing a patch -----------------------------------------------------------------------------
    @told_when_refused
    def show_patch(self, fid: Optional[int], zoom: bool = True) -> None:
        """Fill every tab from the store for ``fid``; zoom to and flash it on the map."""
        if fid is None or self.store is None:
            self._clear_form()
            return
        self.fid = fid
        self.patch = patch_info(self.store, fid)
        self.saved_det = review.load_determination(self.store, fid)
        self._show_suggestion()
        self.saved_rect = review.load_rectification(self.store, fid)
        self.form.show(fid, self.saved_det, self.saved_rect)
        self._clean_det, self._clean_rect = self.determination_values(), self.rectification_values()
        self._show_lock()
        self._show_status()
        self.attachments.loaded = self._history_loaded = False
        self._load_lazy_tabs()
        self._update_state()
        if zoom:
            self.map.zoom_to_patch()
        self.map.select_in_layer()

    def _clear_form(self) -> None:
        self.patch = {}
        self.saved_det = self.saved_rect = {}
        self.form.show(None, {}, {})
        self._clean_det, self._clean_rect = self.determination_values(), self.rectification_values()
        for label in (self.patchLabel, self.suggestionLabel, self.reasonLabel, self.reviewerLabel,
                      self.messagesLabel, self.rectMessagesLabel, self.rectStatusLabel, self.lockLabel):
            label.clear()
        self.basisView.clear()
        self.attachments.clear()
        self.historyTree.clear()
        self.locked_reason = ""
        self._update_state()

    def _show_suggestion(self) -> None:
        p = self.patch
        self.patchLabel.setText(self.tr("{jcbh} · batch {batch} · {township} · {area:.2f} mu · due {due}").format(
            jcbh=p["jcbh"], batch=p["batch"], township=p.get("township") or "–", area=p["area_m2"] / MU_M2,
            due=p.get("due_date") or "–"))
        land = join_types(p.get("suggestion"), p.get("suggestion_type")) or self.tr("Not analysed")
        mining = join_types(p.get("mining_suggestion"), p.get("mining_suggestion_type"))
        # land and mining are judged apart (a land approval never hides mining without a permit)
        self.suggestionLabel.setText(self.tr("{land} · mining: {mining}").format(land=land, mining=mining)
                                     if mining else land)
        self.reasonLabel.setText("\n".join(r for r in (p.get("suggestion_reason"), p.get("mining_suggestion_reason"))
                                           if r))
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
            self.locked_reason = self.tr("Batch {batch} was submitted at stage {stage} on {at}: its determination is "
                                         "locked; rectification and evidence can still be recorded.").format(
                batch=self.patch["batch"], stage=stage, at=at)
        elif self.patch.get("split_state") == SPLIT:
            self.locked_reason = self.tr("This patch was split; judge and follow up its parts instead.")
        else:
            self.locked_reason = ""
        self.lockLabel.setText(self.locked_reason)
        self.lockLabel.setVisible(bool(self.locked_reason))

    def _show_status(self) -> None:
        status = review.patch_status(self.store, self.fid)
        self.rectStatusLabel.setText(self.tr("Status: {status} · remaining unrectified area: {mu:.2f} mu").format(
            status=status["status"], mu=round_half_up(m2_to_mu(status["remaining_m2"] or 0.0), 2)))
        det = self.saved_det
        if det.get("reviewer"):
            self.reviewerLabel.setText(f"{det['reviewer']} · {det.get('reviewed_at') or ''}")
        else:
            self.reviewerLabel.setText(self.tr("{name} (when saved)").format(
                name=Settings.reviewer_name(self.store) or self.tr("(name not set)")))

    @told_when_refused
    def _load_lazy_tabs(self) -> None:
        """Attachments and history are read only when their tab is shown (keeps next-patch fast)."""
        if self.fid is None or self.store is None:
            return
        current = self.tabs.currentWidget()
        if current is self.attachmentsTab and not self.attachments.loaded:
            self.attachments.fill()
        elif current is self.historyTab and not self._history_loaded:
            self._fill_history()

    def _fill_history(self) -> None:
        self.historyTree.clear()
        for entry in review.history(self.store, self.fid):  # values as the form shows them: 亩, 是/否, dates
            self.historyTree.addTopLevelItem(QTreeWidgetItem([
                display_value("at", entry.at) if entry.at else "", entry.actor or "", entry.label,
                "" if entry.old is None else display_value(entry.field, entry.old),
                "" if entry.new is None else display_value(entry.field, entry.new)]))
        for col in range(self.historyTree.columnCount() - 1):
            self.historyTree.resizeColumnToContents(col)
        self._history_loaded = True

    def _attachments_changed(self) -> None:
        self._history_loaded = False

    # -- state of the buttons ------------------------------------------------------------------------
    def _rectification_errors(self) -> List[str]:
        det = self.saved_det
        illegal = det["illegal_m2"] if det.get("illegal_m2") is not None else self.patch["area_m2"]
        return review.validate_rectification(self.rectification_values(), illegal, det.get("illegal_cultivated_m2"))

    @told_when_refused
    def _update_state(self) -> None:
        has = self.fid is not None and self.store is not None
        editable = has and not self.locked_reason
        self.decisionGroup.setEnabled(editable)
        self.form.enable_violation_fields()
        det_dirty = has and self.determination_values() != self._clean_det
        rect_dirty = has and self.rectification_values() != self._clean_rect
        messages = []
        if has and det_dirty:
            messages = review.validate_determination(self.determination_values(), self.patch["area_m2"], self.store)
        if has:  # without a patch the label keeps what it says (a refusal, see refused)
            self.messagesLabel.setText("\n".join(messages))
        self.saveButton.setEnabled(editable and det_dirty and not messages)
        self.revertButton.setEnabled(det_dirty)
        can_accept = editable and bool(self.patch.get("suggestion"))
        self.acceptButton.setEnabled(can_accept)
        for act in self.acceptActions:
            act.setEnabled(can_accept)

        illegal_saved = has and self.patch.get("determination") == ILLEGAL
        self.rectificationTab.setEnabled(illegal_saved)
        # 查处整改 and evidence stay open after 一上/二上 (only the determination is locked); not on a split original
        follow_up = has and self.patch.get("split_state") != SPLIT
        for group in (self.caseGroup, self.measuresGroup, self.writeoffGroup):
            group.setEnabled(follow_up and illegal_saved)
        rect_errors = self._rectification_errors() if rect_dirty and illegal_saved else []
        if has and not illegal_saved:
            rect_errors = [self.tr("Rectification is recorded for patches determined illegal.")]
        self.rectMessagesLabel.setText("\n".join(rect_errors))
        self.rectSaveButton.setEnabled(follow_up and illegal_saved and rect_dirty and not rect_errors)
        self.rectRevertButton.setEnabled(rect_dirty)
        self.attachmentsTab.setEnabled(has)
        for button in (self.addAttachmentButton, self.removeAttachmentButton):
            button.setEnabled(follow_up)
        self.splitButton.setEnabled(editable)
        self.batchButton.setEnabled(self.store is not None)

    # -- saving --------------------------------------------------------------------------------------
    def notify(self, text: str, level=Qgis.MessageLevel.Info) -> None:
        """A message in QGIS's message bar."""
        self.iface.messageBar().pushMessage(self.tr("Patch review"), text, level, 5)

    def show_error(self, label, exc: Exception) -> None:
        label.setText(str(exc))
        self.notify(str(exc), Qgis.MessageLevel.Warning)

    def _after_write(self) -> None:
        """Re-read the patch's row and form after a write, and let the map and the others show the change."""
        self.refresh_row(self.fid)
        self.show_patch(self.fid, zoom=False)
        self.map.repaint()
        self.session.notify_changed(REVIEW, self)

    def reviewer(self) -> str:
        """The name the audit log credits; asked for once per store when it was never set."""
        name = Settings.reviewer_name(self.store) or self.batch.ask_reviewer()
        if not name:
            raise review.ReviewError(self.tr("Set the reviewer's name first (batch menu → Reviewer name…): "
                                             "the audit log records who made each change."))
        return name

    def _write(self, label, write, base: Optional[dict] = None) -> bool:
        """Run a save (``write(base)``); a store held by another program gets Retry/Cancel after a short
        wait instead of a dock frozen for 15 s, and nothing is half-written either way. When someone else
        saved the patch since it was shown, the person sees what changed and decides: overwrite it with
        their own values, or keep the other's and drop their own. A login the server refuses (its role
        revoked while the dock was open) is told so in words, whichever statement of the save was refused."""
        waiting = self.store.waiting_at_most(BUSY_WAIT_MS / 1000) if self.store is not None \
            else contextlib.nullcontext()
        with waiting:
            while True:
                try:
                    write(base)
                    break
                except (StoreProblem, sqlite3.Error) as exc:
                    if denied(exc):
                        self.show_error(label, review.ReviewError(self._denied_text()))
                        return False
                    if not isinstance(exc, StoreProblem):
                        raise
                    if exc.busy and QMessageBox.warning(
                            self, self.tr("Work store busy"), str(exc),
                            QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Cancel,
                            QMessageBox.StandardButton.Retry) == QMessageBox.StandardButton.Retry:
                        continue
                    self.show_error(label, exc)
                    return False
                except review.ConflictError as exc:
                    answer = QMessageBox.warning(
                        self, self.tr("Saved by someone else"),
                        str(exc) + "\n\n" + self.tr("Save: overwrite it with your values. "
                                                     "Discard: keep theirs and drop your changes."),
                        QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                        | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
                    if answer == QMessageBox.StandardButton.Save:
                        base = exc.current
                        continue
                    if answer == QMessageBox.StandardButton.Discard:
                        self._after_write()
                    else:
                        self.show_error(label, exc)
                    return False
                except review.ReviewError as exc:
                    self.show_error(label, exc)
                    return False
        self._after_write()
        return True

    def _denied_text(self) -> str:
        return self.tr("The login {0} may no longer change this shared work store: its role has been revoked "
                       "(or never allowed this change). Nothing was saved; ask the store's administrator "
                       "(weipian:storeroles) if you should go on working.").format(self._login())

    def _login(self) -> str:
        try:
            return self.store.conn.execute("SELECT current_user").fetchone()[0]
        except sqlite3.Error:  # the server is gone too: the message stands without the name
            return ""

    def refused(self) -> None:
        """The server refused this login a read (its role revoked while the dock was open, see
        gui/review/refusal.py): the form is emptied, so nothing stale stays on show or editable, and the
        person is told why in words."""
        self.fid = None
        self._clear_form()
        self.show_error(self.messagesLabel, review.ReviewError(self.tr(
            "The login {0} may no longer read this shared work store: its role has been revoked. Ask the "
            "store's administrator (weipian:storeroles) if you should go on working.").format(self._login())))

    def save_determination(self) -> bool:
        if self.fid is None:
            return False
        return self._write(self.messagesLabel, lambda base: review.save_determination(
            self.store, self.fid, self.determination_values(), self.reviewer(), base), self.saved_det)

    def accept_suggestion(self) -> bool:
        if self.fid is None or self.store is None:
            return False
        return self._write(self.messagesLabel, lambda base: review.accept_suggestion(
            self.store, self.fid, self.reviewer(), base), self.saved_det)

    def save_rectification(self) -> bool:
        if self.fid is None:
            return False
        return self._write(self.rectMessagesLabel, lambda base: review.save_rectification(
            self.store, self.fid, self.rectification_values(), self.reviewer(), base), self.saved_rect)

    # -- attachments and batches (gui/review/attachments.py, batch_actions.py) ------------------------
    def add_attachments(self, paths: List[str]) -> List[int]:
        """The ids of the files added ([] when the server refused the login, see :meth:`refused`)."""
        return self.attachments.add(paths) or []

    def lock_batch(self, stage: str) -> bool:
        return self.batch.lock_batch(stage)

    def export_snapshot(self) -> None:
        self.batch.export_snapshot()

    def export_figure(self) -> None:
        self.batch.export_figure()

    def export_figures(self) -> None:
        self.batch.export_figures()

    def export_dossier(self) -> None:
        self.batch.export_dossier()

    # -- split ---------------------------------------------------------------------------------------
    def start_split_line(self) -> None:
        if self.fid is not None:
            self.map.start_split_line(self._split)

    def split_along_approvals(self) -> None:
        if self.fid is not None:
            self._split(lambda: split.split_along_approvals(self.store, self.fid, self.reviewer()))

    def _split(self, run) -> None:
        if not self.maybe_leave():
            return
        try:
            parts = run()
        except review.ReviewError as exc:
            self.show_error(self.messagesLabel, exc)
            return
        self.fid = None
        self.reload()
        if parts:
            self.select_fid(parts[0])
        self.map.repaint(reload=True)
        self.session.notify_changed(PATCHES, self)
        self.notify(self.tr("The patch was split into {n} parts.").format(n=len(parts)), Qgis.MessageLevel.Success)

    # -- teardown ------------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Disconnect from the project and the session (plugin unload; nothing is asked)."""
        self._search_timer.stop()  # a pending search must not save this dock's filters after it is gone
        self.map.shutdown()
        self.close_store()
        for signal, slot in ((self.session.switched, self._store_switched), (self.session.changed, self._store_changed)):
            signal.disconnect(slot)
        if self._own_session:
            self.session.close()
