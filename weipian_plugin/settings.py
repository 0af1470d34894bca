"""Typed user preferences, the one place QgsSettings keys are named.

Per-county choices (rule thresholds, layers, code lists, field mappings) live in the work store instead,
so they travel with the data.
"""
from __future__ import annotations

import getpass
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
    def reviewer_name(cls) -> str:
        """Who is editing: the configured name, else the OS account (the audit log needs someone)."""
        return cls.reviewer.value() or getpass.getuser()
