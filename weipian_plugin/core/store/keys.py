"""The keys of the store's ``settings`` table, each with the type and default of its value.

Every setting a module reads or writes is named here once, so a key cannot be misspelt in one of the
readers and the value's shape is written down next to its name. ``key.read(store)`` gives the default
when the store has no value (or a JSON null); ``key.write(store, value)`` stores JSON, inside the
caller's transaction when ``conn`` is given.
"""
from __future__ import annotations

import copy
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Optional, TypeVar

if TYPE_CHECKING:
    from weipian_plugin.core.store.workstore import WorkStore

T = TypeVar("T")


@dataclass(frozen=True)
class StoreKey(Generic[T]):
    name: str
    default: T
    doc: str = ""

    def read(self, store: "WorkStore") -> T:
        value = store.setting(self.name)
        return copy.deepcopy(self.default) if value is None else value

    def write(self, store: "WorkStore", value: T, conn: Optional[sqlite3.Connection] = None) -> None:
        store.set_setting(self.name, value, conn)

    def __str__(self) -> str:
        return self.name


class SourcesKey(StoreKey[dict]):
    """A dict of file sources, kept relative to the store's folder (core/store/paths.py) and read back
    absolute: a copied work folder uses its own reference layers and imagery."""

    def read(self, store: "WorkStore") -> dict:
        from weipian_plugin.core.store import paths

        return paths.absolute_all(store.path, super().read(store))

    def write(self, store: "WorkStore", value: dict, conn: Optional[sqlite3.Connection] = None) -> None:
        from weipian_plugin.core.store import paths

        super().write(store, paths.relative_all(store.path, value), conn)


ANALYSIS_LAYERS: StoreKey[dict] = SourcesKey(
    "analysis_layers", {}, "reference-layer role -> file (``path`` or ``path|layername=x``) of the last analysis")
ANALYSIS_WARNINGS: StoreKey[dict] = StoreKey(
    "analysis_warnings", {}, "{'at', 'batch', 'warnings': [text]}: reference-layer problems the last analysis ran "
    "despite (core/analysis/checks.py), printed in the ledger and the report")
REVIEWER_NAME: StoreKey[str] = StoreKey(
    "reviewer_name", "", "the reviewer's name as set in the plugin for this store: the audit log's actor")
RULES: StoreKey[dict] = StoreKey("rules", {}, "RuleConfig as a dict (suggestion thresholds and code lists)")
IMAGERY: StoreKey[dict] = SourcesKey("imagery", {}, "{'before': source, 'after': source} raster sources")
SOURCE_KEYS = (ANALYSIS_LAYERS, IMAGERY)
"""The settings holding file sources (kept relative to a GeoPackage store's folder)."""
FIELD_MAP: StoreKey[Optional[dict]] = StoreKey("field_map", None, "canonical field -> source field of the last import")
DEADLINES: StoreKey[dict] = StoreKey("deadlines", {}, "DeadlineConfig as a dict")
HOLIDAYS: StoreKey[Optional[str]] = StoreKey(
    "holidays", None, "the county's holiday and 调休 list as text; None: not saved, the shipped list applies")
GRADING: StoreKey[dict] = StoreKey("grading", {}, "GradingConfig as a dict")
ACCOUNTABILITY: StoreKey[dict] = StoreKey("accountability", {}, "AccountabilityConfig as a dict")
INFRASTRUCTURE_PROJECTS: StoreKey[list] = StoreKey(
    "infrastructure_projects", [], "project names counted as national/provincial infrastructure")
FIGURE_ORG: StoreKey[str] = StoreKey("figure_org", "", "制图单位 printed on every 套合图")
SNAPSHOT: StoreKey[dict] = StoreKey(
    "offline_snapshot", {}, "{'source', 'exported_at', 'audit_id', 'versions': {table: {fid: row_version}}, "
    "'attachments': [id], 'side': transfer.side_records()} of a GeoPackage exported from a shared store for offline work (core/review/offline.py)")
