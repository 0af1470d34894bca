"""The plugin's one open work store, shared by its docks and dialogs.

The plugin owns one :class:`StoreSession`: the store is opened once (on first use) and its connection is
shared, so the docks never hold connections of their own that could see different states or keep a
file busy. ``switched`` tells that another store (or none) is now open; ``changed(what, source)`` that
the open store's data changed (``what``: PATCHES after an import or split, ANALYSIS, REVIEW, ENFORCEMENT,
SETTINGS), so each dock re-reads what it shows; ``source`` is the object that made the change, which
ignores its own signal. A dock or dialog built with a path instead of a session (tests, scripts) makes
a session of its own.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Union

from qgis.PyQt.QtCore import QObject, pyqtSignal

from weipian_plugin.core.store import postgis
from weipian_plugin.core.store.workstore import StoreError, WorkStore

PATCHES, ANALYSIS, REVIEW, ENFORCEMENT, SETTINGS = "patches", "analysis", "review", "enforcement", "settings"


class StoreSession(QObject):
    switched = pyqtSignal()
    changed = pyqtSignal(str, object)

    def __init__(self, path: str = "", parent: Optional[QObject] = None):
        super().__init__(parent)
        self._path = path or ""
        self._store: Optional[WorkStore] = None
        self.error = ""

    @property
    def path(self) -> str:
        return self._path

    @property
    def name(self) -> str:
        if postgis.is_address(self._path):
            return postgis.shown(self._path)
        return Path(self._path).name if self._path else ""

    @property
    def store(self) -> Optional[WorkStore]:
        """The open store, opened on first use; None (and ``error`` says why) when there is none."""
        if self._store is None and self._path and not self.error:
            try:
                self._store = WorkStore.open(self._path)
            except StoreError as exc:
                self.error = str(exc)
        return self._store

    def switch(self, path: str) -> None:
        """Open another store (the same path again re-opens it: e.g. after it was replaced on disk)."""
        self._close()
        self._path = path or ""
        self.error = ""
        self.switched.emit()

    def close(self) -> None:
        """Close the connection and forget the path (plugin unload): no store is open any more."""
        self._close()
        self._path = ""
        self.error = ""

    def _close(self) -> None:
        if self._store is not None:
            self._store.close()
        self._store = None

    def notify_changed(self, what: str, source: object = None) -> None:
        self.changed.emit(what, source)


def session_for(store: Union[str, StoreSession, None], owner: QObject) -> StoreSession:
    """``store`` itself when it is a session, else a session of ``owner``'s own on that path."""
    if isinstance(store, StoreSession):
        return store
    return StoreSession(str(store or ""), owner)
