"""The review dock's attachments tab: field photos and documents stored with the patch.

Every read and write is a call into :mod:`weipian_plugin.core.review.records`; the panel only shows the
list (with thumbnails and the photo's position and bearing) and asks for files and folders.
"""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import List, Optional

from qgis.core import Qgis
from qgis.PyQt.QtCore import QObject, Qt, QUrl, pyqtSignal
from qgis.PyQt.QtGui import QDesktopServices, QIcon, QPixmap
from qgis.PyQt.QtWidgets import QFileDialog, QMessageBox, QTreeWidgetItem

from weipian_plugin.core.review import records as review
from weipian_plugin.gui.review.refusal import told_when_refused
from weipian_plugin.settings import Settings


class AttachmentsPanel(QObject):
    """Drives ``ui.attachmentsTree`` and its buttons for ``dock.store`` / ``dock.fid``.

    ``changed`` is emitted after an attachment was added or removed; messages and errors are shown by
    the dock (``dock.notify``, ``dock.show_error``).
    """

    changed = pyqtSignal()

    def __init__(self, dock, parent=None):
        super().__init__(parent)
        self.dock = dock
        self.tree = dock.attachmentsTree
        self.loaded = False
        dock.addAttachmentButton.clicked.connect(self.choose)
        dock.openAttachmentButton.clicked.connect(self.open)
        dock.exportAttachmentButton.clicked.connect(self.export)
        dock.removeAttachmentButton.clicked.connect(self.remove)
        self.tree.itemDoubleClicked.connect(lambda *_: self.open())

    def clear(self) -> None:
        self.tree.clear()
        self.loaded = False

    @told_when_refused
    def fill(self) -> None:
        store, fid = self.dock.store, self.dock.fid
        self.tree.clear()
        for att in review.list_attachments(store, fid):
            position = ""
            if att.get("latitude") is not None and att.get("longitude") is not None:
                position = f"{att['latitude']:.6f}, {att['longitude']:.6f}"
            bearing = "" if att.get("bearing") is None else f"{att['bearing']:.0f}°"
            item = QTreeWidgetItem([att["file_name"], att.get("kind") or att.get("mime_type") or "",
                                    att.get("taken_at") or att.get("added_at") or "", position, bearing])
            item.setData(0, Qt.ItemDataRole.UserRole, att["id"])
            if (att.get("mime_type") or "").startswith("image/"):
                pixmap = QPixmap()
                if pixmap.loadFromData(review.attachment_bytes(store, att["id"])):
                    item.setIcon(0, QIcon(pixmap.scaled(self.tree.iconSize(), Qt.AspectRatioMode.KeepAspectRatio,
                                                        Qt.TransformationMode.SmoothTransformation)))
            self.tree.addTopLevelItem(item)
        for col in range(1, self.tree.columnCount()):
            self.tree.resizeColumnToContents(col)
        self.loaded = True

    @told_when_refused
    def add(self, paths: List[str]) -> List[int]:
        ids = []
        for path in paths:
            try:
                ids.append(review.add_attachment(self.dock.store, self.dock.fid, path,
                                                 actor=self.dock.reviewer()))
            except (review.ReviewError, OSError) as exc:
                self.dock.show_error(self.dock.messagesLabel, exc)
        self.fill()
        self.changed.emit()
        return ids

    def choose(self) -> None:
        if self.dock.fid is None:
            return
        paths, _ = QFileDialog.getOpenFileNames(self.dock, self.tr("Add field photos or documents"),
                                                Settings.last_import_dir.value())
        if paths:
            Settings.last_import_dir.set_value(str(Path(paths[0]).parent))
            self.add(paths)

    def refused(self) -> None:
        self.dock.refused()

    def current_id(self) -> Optional[int]:
        item = self.tree.currentItem()
        return None if item is None else item.data(0, Qt.ItemDataRole.UserRole)

    @told_when_refused
    def open(self) -> None:
        att = self.current_id()
        if att is not None:
            path = review.export_attachment(self.dock.store, att, tempfile.mkdtemp(prefix="weipian_"))
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    @told_when_refused
    def export(self) -> None:
        att = self.current_id()
        if att is None:
            return
        folder = QFileDialog.getExistingDirectory(self.dock, self.tr("Export attachment to"),
                                                  Settings.last_export_dir.value())
        if folder:
            Settings.last_export_dir.set_value(folder)
            path = review.export_attachment(self.dock.store, att, folder)
            self.dock.notify(self.tr("Saved {path}").format(path=path), Qgis.MessageLevel.Success)

    @told_when_refused
    def remove(self) -> None:
        att = self.current_id()
        if att is None:
            return
        name = self.tree.currentItem().text(0)
        if QMessageBox.question(self.dock, self.tr("Remove attachment"),
                                self.tr("Remove {name} from the work store?").format(name=name)) \
                != QMessageBox.StandardButton.Yes:
            return
        try:
            review.remove_attachment(self.dock.store, att)
        except review.ReviewError as exc:
            self.dock.show_error(self.dock.messagesLabel, exc)
        self.fill()
        self.changed.emit()
