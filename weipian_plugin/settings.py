"""Typed user preferences, the one place QgsSettings keys are named.

Per-county choices (rule thresholds, layers, code lists, field mappings) live in the work store instead,
so they travel with the data.
"""
from __future__ import annotations

from typing import Generic, Type, TypeVar

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QByteArray, Qt

T = TypeVar("T")


class Setting(Generic[T]):
    def __init__(self, key: str, default: T, kind: Type[T]):
        self.key = f"weipian/{key}"
        self.default = default
        self.kind = kind

    def value(self) -> T:
        return QgsSettings().value(self.key, self.default, type=self.kind)

    def set_value(self, value: T) -> None:
        QgsSettings().setValue(self.key, value)


class Settings:
    last_store = Setting("last_store", "", str)
    last_import_dir = Setting("last_import_dir", "", str)
    last_export_dir = Setting("last_export_dir", "", str)
    reviewer = Setting("reviewer", "", str)
    figure_dpi = Setting("figure_dpi", 150, int)
    # the review workspace as the user left it (a laptop screen has no room to rearrange it each time)
    review_splitter = Setting("review/splitter", QByteArray(), QByteArray)
    review_columns = Setting("review/columns", QByteArray(), QByteArray)
    review_filters = Setting("review/filters", "{}", str)
    review_dock_area = Setting("review/dock_area", int(Qt.DockWidgetArea.RightDockWidgetArea), int)

    @classmethod
    def reviewer_name(cls, store=None) -> str:
        """Who is editing: the name set in the plugin for ``store`` (kept in the store, so it travels
        with it), else the name last set on this computer; '' when none was ever set. Never the
        operating-system account, which on a shared office PC names nobody."""
        from weipian_plugin.core.store import keys

        return (keys.REVIEWER_NAME.read(store) if store is not None else "") or cls.reviewer.value()

    @classmethod
    def set_reviewer_name(cls, store, name: str) -> None:
        from weipian_plugin.core.store import keys

        keys.REVIEWER_NAME.write(store, name)
        cls.reviewer.set_value(name)

    @classmethod
    def export_folder(cls, store_path: str) -> str:
        """Where an export starts: the last export folder, else the store's folder; a shared store
        (a PostgreSQL address) has no folder, so the home folder."""
        from pathlib import Path

        from weipian_plugin.core.store import postgis

        if cls.last_export_dir.value():
            return cls.last_export_dir.value()
        return str(Path.home() if postgis.is_address(store_path) else Path(store_path).parent)
