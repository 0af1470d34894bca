"""The review dock's batch menu: stage records (一上/一下/二上), the submitted snapshot, 套合图.

A batch is the one chosen in the list's batch filter, else the current patch's batch.
"""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

from qgis.core import Qgis
from qgis.PyQt.QtCore import QObject
from qgis.PyQt.QtWidgets import QFileDialog, QInputDialog, QMenu, QMessageBox

from weipian_plugin.core.review import marks
from weipian_plugin.core.review import records as review
from weipian_plugin.core.store import audit, keys
from weipian_plugin.gui.review.patch_list import ANY, BLANK
from weipian_plugin.gui.tasks import run_with_progress
from weipian_plugin.settings import Settings


class BatchActions(QObject):
    """Builds ``dock.batchButton``'s menu and carries out its actions for ``dock``."""

    def __init__(self, dock, parent=None):
        super().__init__(parent)
        self.dock = dock
        menu = QMenu(dock)
        for stage in review.STAGE_LOCKS:
            menu.addAction(self.tr("Record stage {stage}…").format(stage=stage),
                           lambda checked=False, s=stage: self.lock_batch(s))
        menu.addSeparator()
        menu.addAction(self.tr("Export submitted snapshot…"), self.export_snapshot)
        menu.addSeparator()
        menu.addAction(self.tr("Overlay figure (套合图) of this patch…"), self.export_figure)
        menu.addAction(self.tr("Overlay figures (套合图) of the listed patches…"), self.export_figures)
        menu.addAction(self.tr("Case file (一图斑一卷宗) of this patch…"), self.export_dossier)
        menu.addSeparator()
        menu.addAction(self.tr("Mark this patch as military land (涉军)…"), self.mark_military)
        menu.addAction(self.tr("Remove the military land mark"), self.unmark_military)
        menu.addSeparator()
        menu.addAction(self.tr("Reviewer name…"), self.ask_reviewer)
        menu.addAction(self.tr("Verify the record (audit log)…"), self.verify_record)
        dock.batchButton.setMenu(menu)

    def current_batch(self) -> Optional[str]:
        batch = self.dock.batchCombo.currentData()
        if batch not in (None, ANY, BLANK):
            return batch
        return self.dock.patch.get("batch")

    def lock_batch(self, stage: str) -> bool:
        dock = self.dock
        batch = self.current_batch()
        if batch is None or dock.store is None:
            dock.notify(self.tr("Choose a batch (filter) or a patch first."), Qgis.MessageLevel.Warning)
            return False
        answer = QMessageBox.question(
            dock, self.tr("Record stage"),
            self.tr("Record stage {stage} for batch {batch}? 一上 and 二上 lock the batch's determinations (result, "
                    "type, category, areas); rectification and evidence can still be recorded all year. 一下 "
                    "unlocks the determinations.").format(
                stage=stage, batch=batch),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        if not dock.maybe_leave():
            return False
        try:
            review.lock_batch(dock.store, batch, stage, dock.reviewer())
        except review.ReviewError as exc:
            dock.show_error(dock.messagesLabel, exc)
            return False
        if dock.fid is not None:
            dock.show_patch(dock.fid, zoom=False)
        return True

    def ask_reviewer(self) -> str:
        """Set the name this store's audit log credits (kept in the store); '' when cancelled."""
        dock = self.dock
        if dock.store is None:
            return ""
        name, ok = QInputDialog.getText(dock, self.tr("Reviewer"), self.tr(
            "Your name, as the audit log of this work store will record your changes:"),
            text=Settings.reviewer_name(dock.store))
        if not ok or not name.strip():
            return ""
        Settings.set_reviewer_name(dock.store, name.strip())
        return name.strip()

    def verify_record(self) -> bool:
        """weipian:verifystore for the open store: a message listing every break, or that there is none."""
        dock = self.dock
        if dock.store is None:
            return False
        result = audit.verify(dock.store.conn)
        box = QMessageBox.information if result.ok else QMessageBox.warning
        box(dock, self.tr("Verify the record"), result.text())
        return result.ok

    def export_snapshot(self) -> None:
        dock = self.dock
        batch = self.current_batch()
        if batch is None or dock.store is None:
            return
        stages = [s for s, locks in review.STAGE_LOCKS.items() if locks]
        latest = review.batch_lock_state(dock.store, batch)[1]
        stage, ok = QInputDialog.getItem(dock, self.tr("Export snapshot"), self.tr("Stage"), stages,
                                         stages.index(latest) if latest in stages else 0, False)
        if not ok:
            return
        default = str(Path(Settings.last_export_dir.value() or str(Path.home())) / f"{batch}_{stage}.json")
        path, _ = QFileDialog.getSaveFileName(dock, self.tr("Export snapshot"), default,
                                              self.tr("Snapshot (*.json)"))
        if not path:
            return
        Settings.last_export_dir.set_value(str(Path(path).parent))
        try:
            review.export_snapshot(dock.store, batch, stage, path)
        except review.ReviewError as exc:
            dock.show_error(dock.messagesLabel, exc)
            return
        dock.notify(self.tr("Saved {path}").format(path=path), Qgis.MessageLevel.Success)

    def _imagery(self) -> dict:
        """The before/after rasters the store remembers (the compare dock's choice), as figure sources."""
        imagery = keys.IMAGERY.read(self.dock.store)
        return {"before": imagery.get("before") or None, "after": imagery.get("after") or None}

    def mark_military(self) -> bool:
        """涉军: the patch leaves every ordinary output and goes into the 《军用土地登记表》 only."""
        dock = self.dock
        if dock.fid is None or dock.store is None:
            return False
        note, ok = QInputDialog.getText(
            dock, self.tr("Military land"),
            self.tr("Patch {jcbh} will be left out of every ordinary export, figure, report and statistic and "
                    "listed only in the military land register. Note (optional):").format(jcbh=dock.patch["jcbh"]))
        if not ok:
            return False
        try:
            marks.mark_military(dock.store, [dock.fid], dock.reviewer(), note)
        except review.ReviewError as exc:
            dock.notify(str(exc), Qgis.MessageLevel.Warning)
            return False
        dock.refresh_row(dock.fid)
        dock.notify(self.tr("Patch {jcbh} is marked as military land.").format(jcbh=dock.patch["jcbh"]))
        return True

    def unmark_military(self) -> bool:
        dock = self.dock
        if dock.fid is None or dock.store is None:
            return False
        try:
            marks.unmark_military(dock.store, dock.fid)
        except review.ReviewError as exc:
            dock.notify(str(exc), Qgis.MessageLevel.Warning)
            return False
        dock.refresh_row(dock.fid)
        dock.notify(self.tr("Patch {jcbh} is no longer marked as military land.").format(jcbh=dock.patch["jcbh"]))
        return True

    def export_figure(self) -> None:
        """The current patch's 套合图 (the print layout of weipian:exportfigures on this one patch)."""
        dock = self.dock
        if dock.fid is None or dock.store is None:
            return
        default = str(Path(Settings.export_folder(dock.store_path)) / f"{dock.patch['jcbh']}_套合图.pdf")
        path, _ = QFileDialog.getSaveFileName(dock, self.tr("Overlay figure (套合图)"), default,
                                              self.tr("PDF (*.pdf);;PNG image (*.png)"))
        if not path:
            return
        Settings.last_export_dir.set_value(str(Path(path).parent))
        from weipian_plugin.exporters.figures import FigureExportError, export_figure  # QGIS layouts: when used

        try:
            export_figure(dock.store_path, dock.fid, path, **self._imagery(), dpi=Settings.figure_dpi.value())
        except FigureExportError as exc:
            dock.show_error(dock.messagesLabel, exc)
            return
        dock.notify(self.tr("Overlay figure written to {path}.").format(path=path), Qgis.MessageLevel.Success)

    def export_figures(self) -> None:
        """The 套合图 of every patch the list shows, one PDF each, with progress and cancel."""
        dock = self.dock
        if dock.store is None or not dock.proxy.rowCount():
            return
        folder = QFileDialog.getExistingDirectory(dock, self.tr("Overlay figures (套合图)"),
                                                  Settings.export_folder(dock.store_path))
        if not folder:
            return
        Settings.last_export_dir.set_value(folder)
        from weipian_plugin.exporters.figures import FigureExportError, export_figures

        fids: List[int] = [dock.proxy.fid_at(r) for r in range(dock.proxy.rowCount())]
        try:
            written = run_with_progress(
                dock, self.tr("Writing overlay figures…"), self.tr("Cancel"),
                lambda feedback: export_figures(dock.store_path, folder, "pdf", fids=fids,
                                                dpi=Settings.figure_dpi.value(), feedback=feedback, **self._imagery()))
        except FigureExportError as exc:
            dock.show_error(dock.messagesLabel, exc)
            return
        dock.notify(self.tr("{n} overlay figures written to {path}.").format(n=len(written), path=folder),
                    Qgis.MessageLevel.Success)

    def export_dossier(self) -> None:
        """The current patch's case-file folder (weipian:exportdossier on this one patch)."""
        dock = self.dock
        if dock.fid is None or dock.store is None or not dock.maybe_leave():
            return
        folder = QFileDialog.getExistingDirectory(dock, self.tr("Case file (一图斑一卷宗)"),
                                                  Settings.export_folder(dock.store_path))
        if not folder:
            return
        Settings.last_export_dir.set_value(folder)
        from weipian_plugin.exporters.dossier import DossierError, export_dossiers
        from weipian_plugin.exporters.figures import FigureExportError

        try:
            written = export_dossiers(dock.store_path, folder, fids=[dock.fid], dpi=Settings.figure_dpi.value(),
                                      **self._imagery())
        except (DossierError, FigureExportError, review.ReviewError) as exc:
            dock.show_error(dock.messagesLabel, exc)
            return
        dock.notify(self.tr("Case file written to {path}.").format(path=written[0]), Qgis.MessageLevel.Success)
