"""Edit the legality-suggestion rules kept in the work store: one row per :class:`RuleConfig` field, the
change-type table (rule 0), and provincial presets that fill both."""
from __future__ import annotations

import re
import sqlite3
from dataclasses import fields
from pathlib import Path
from typing import Any, Dict, List, Tuple, Union

from qgis.PyQt import uic
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QTableWidgetItem,
)

from weipian_plugin.core.analysis.rules import (
    AFTER_DATE,
    BEFORE_DATE,
    ILLEGAL,
    PENDING,
    PRESETS,
    ChangeType,
    RuleConfig,
    preset,
)
from weipian_plugin.core.analysis.run import rule_config, save_rule_config
from weipian_plugin.core.store.codes import CHANGE_RULES
from weipian_plugin.core.store.workstore import StoreError
from weipian_plugin.core.units import m2_to_mu, mu_to_m2
from weipian_plugin.gui.session import SETTINGS, StoreSession, session_for

FORM_CLASS, _ = uic.loadUiType(str(Path(__file__).parents[1] / "forms" / "rules_dialog.ui"))
MU_FIELDS = ("max_uncovered_cultivated_m2", "max_uncovered_m2")
"""Areas shown in 亩; other ``*_m2`` fields are shown in m², ``*_m`` in metres, other numbers are shares in %."""
TABLE_FIELDS = tuple(f.name for f in fields(RuleConfig) if f.metadata.get("table"))
TYPE_CODE, TYPE_LABEL, TYPE_RULE, TYPE_RESULT = range(4)
PERCENT_DECIMALS = 2
CODE_SEPARATORS = re.compile(r"[,，、;；\s]+")

Editor = Union[QDoubleSpinBox, QLineEdit, QComboBox]


def split_codes(text: str) -> List[str]:
    """``"CK, ND，DL1"`` → ``["CK", "ND", "DL1"]`` (ASCII or Chinese commas, semicolons, spaces)."""
    return [code for code in CODE_SEPARATORS.split(text.strip()) if code]


class RulesDialog(QDialog, FORM_CLASS):
    """Save writes the whole configuration to the store's ``rules`` setting in one transaction.

    A value left untouched is saved exactly as it was read, whatever the spin box's display precision.
    """

    def __init__(self, store: Union[str, StoreSession], parent=None):
        super().__init__(parent)
        self.setupUi(self)
        self.session = session_for(store, self)
        self._own_session = self.session is not store
        self.store_path = self.session.path
        self.editors: Dict[str, Editor] = {}
        self._shown: Dict[str, Tuple[Any, Any]] = {}  # field -> (what the editor showed, the value behind it)
        labels, defaults = self.field_labels(), RuleConfig()
        for f in fields(RuleConfig):
            if f.name in TABLE_FIELDS:
                continue
            editor = self._editor(f.name, getattr(defaults, f.name))
            editor.setObjectName(f.name)
            layout = self.codesLayout if isinstance(editor, QLineEdit) else self.thresholdsLayout
            layout.addRow(labels[f.name], editor)
            self.editors[f.name] = editor
        self._setup_change_types()
        for name in PRESETS:
            self.presetCombo.addItem(name, name)
        self.presetButton.clicked.connect(lambda: self.show_config(preset(self.presetCombo.currentData())))
        self.buttonBox.accepted.connect(self.save)
        self.buttonBox.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            lambda: self.show_config(RuleConfig()))
        try:
            store = self.session.store
            if store is None:
                raise StoreError(self.session.error)
            config = rule_config(store)
        except (StoreError, sqlite3.Error) as exc:
            self.storeInfo.setText(str(exc))
            self.buttonBox.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
            config = RuleConfig()
        else:
            self.storeInfo.setText(self.tr("Rules of the work store {name}. They apply from the next analysis.")
                                   .format(name=self.session.name))
        self.show_config(config)


    def done(self, result: int) -> None:
        if self._own_session:
            self.session.close()
        super().done(result)
    def field_labels(self) -> Dict[str, str]:
        return {
            "approval_coverage": self.tr("Approvals (then supply, registration, other legal) cover at least"),
            "max_uncovered_cultivated_m2": self.tr("… leaving uncovered cultivated land below"),
            "max_uncovered_m2": self.tr("… and uncovered land of any class at most"),
            "pending_coverage": self.tr("Partial coverage needing a person's check from"),
            "other_coverage": self.tr("Facility filings, advance land use, valid temporary land cover at least"),
            "mining_coverage": self.tr("Valid mining permits cover at least (less: outside the permit)"),
            "mining_overlap_share": self.tr("Overlap with mining permits that makes a patch mining"),
            "dominance_share": self.tr("Homestead or construction land in the 203 range exempts from"),
            "flag_min_area_m2": self.tr("Smallest overlap that raises a flag (slivers are ignored)"),
            "road_max_width_m": self.tr("Widest new rural road (0: no width check)"),
            "comparison_date": self.tr("Documents count when dated on or before"),
            "late_approval_result": self.tr("Approval dated after the imagery (built before approved)"),
            "construction_dlbm_prefixes": self.tr("Land classes (DLBM prefixes) of construction land"),
            "homestead_dlbm": self.tr("Land classes (DLBM) of rural homesteads"),
            "village_czcsxm": self.tr("Village attribute codes (CZCSXM) of the 203 range"),
            "livestock_keywords": self.tr("Facility types that are livestock (not allowed on basic farmland)"),
        }

    def _choices(self, name: str) -> List[Tuple[str, str]]:
        """(label, value) of a field with fixed choices."""
        return {
            "comparison_date": [(self.tr("the after-date (后时相)"), AFTER_DATE),
                                (self.tr("the before-date (前时相, else the after-date)"), BEFORE_DATE)],
            "late_approval_result": [(self.tr("illegal (违法)"), ILLEGAL), (self.tr("needs a person (待核)"), PENDING)],
        }[name]

    # -- change types --------------------------------------------------------------------------------
    def _setup_change_types(self) -> None:
        table = self.changeTypesTable
        table.setColumnCount(4)
        table.setHorizontalHeaderLabels([self.tr("TBLX"), self.tr("Name"), self.tr("Rule"),
                                         self.tr("On cultivated land / basic farmland")])
        table.horizontalHeader().setSectionResizeMode(TYPE_RULE, QHeaderView.ResizeMode.Stretch)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.addTypeButton.clicked.connect(lambda: self._add_type_row(ChangeType("", "", "construction")))
        self.removeTypeButton.clicked.connect(self._remove_type_rows)

    def _add_type_row(self, change_type: ChangeType) -> None:
        table, row = self.changeTypesTable, self.changeTypesTable.rowCount()
        table.insertRow(row)
        table.setItem(row, TYPE_CODE, QTableWidgetItem(change_type.code))
        table.setItem(row, TYPE_LABEL, QTableWidgetItem(change_type.label))
        rule = QComboBox(table)
        for value, description in CHANGE_RULES.items():
            rule.addItem(description, value)
        rule.setCurrentIndex(max(0, rule.findData(change_type.rule)))
        table.setCellWidget(row, TYPE_RULE, rule)
        result = QComboBox(table)
        result.addItem(self.tr("needs a person (待核)"), PENDING)
        result.addItem(self.tr("illegal (违法)"), ILLEGAL)
        result.setCurrentIndex(max(0, result.findData(change_type.cultivated_result)))
        table.setCellWidget(row, TYPE_RESULT, result)

    def _remove_type_rows(self) -> None:
        for row in sorted({i.row() for i in self.changeTypesTable.selectedIndexes()}, reverse=True):
            self.changeTypesTable.removeRow(row)

    def change_types(self) -> List[ChangeType]:
        """The table's rows (blank codes left out)."""
        table, out = self.changeTypesTable, []
        for row in range(table.rowCount()):
            code = (table.item(row, TYPE_CODE).text() if table.item(row, TYPE_CODE) else "").strip()
            if code:
                label = table.item(row, TYPE_LABEL).text().strip() if table.item(row, TYPE_LABEL) else ""
                out.append(ChangeType(code, label, table.cellWidget(row, TYPE_RULE).currentData(),
                                      table.cellWidget(row, TYPE_RESULT).currentData()))
        return out

    def _editor(self, name: str, default: Any) -> Editor:
        if isinstance(default, list):
            return QLineEdit(self)
        if isinstance(default, str):
            combo = QComboBox(self)
            for text, value in self._choices(name):
                combo.addItem(text, value)
            return combo
        spin = QDoubleSpinBox(self)
        if name in MU_FIELDS:
            spin.setRange(0.0, 100_000.0)
            spin.setDecimals(4)
            spin.setSuffix(self.tr(" mu"))
        elif name.endswith("_m2"):
            spin.setRange(0.0, 1_000_000.0)
            spin.setDecimals(2)
            spin.setSuffix(" m²")
        elif name.endswith("_m"):
            spin.setRange(0.0, 1_000.0)
            spin.setDecimals(1)
            spin.setSuffix(self.tr(" m"))
        else:
            spin.setRange(0.0, 100.0)
            spin.setDecimals(PERCENT_DECIMALS)
            spin.setSuffix(" %")
        return spin

    # -- values --------------------------------------------------------------------------------------
    def _to_display(self, name: str, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(value)
        if isinstance(value, str):
            return value
        if name in MU_FIELDS:
            return m2_to_mu(value)
        return value if name.endswith(("_m2", "_m")) else value * 100.0

    def _from_display(self, name: str, shown: Any) -> Any:
        if isinstance(shown, str):
            return shown if isinstance(self.editors[name], QComboBox) else split_codes(shown)
        if name in MU_FIELDS:
            return mu_to_m2(shown)
        return shown if name.endswith(("_m2", "_m")) else round(shown / 100.0, PERCENT_DECIMALS + 2)

    @staticmethod
    def _editor_value(editor: Editor) -> Any:
        if isinstance(editor, QComboBox):
            return editor.currentData()
        return editor.text() if isinstance(editor, QLineEdit) else editor.value()

    def show_config(self, config: RuleConfig) -> None:
        for name, editor in self.editors.items():
            value = getattr(config, name)
            shown = self._to_display(name, value)
            if isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(0, editor.findData(shown)))
            elif isinstance(editor, QLineEdit):
                editor.setText(shown)
            else:
                editor.setValue(shown)
            self._shown[name] = (self._editor_value(editor), value)
        self.changeTypesTable.setRowCount(0)
        for change_type in config.change_types:
            self._add_type_row(change_type)

    def config(self) -> RuleConfig:
        """The configuration as edited; untouched fields keep their exact stored value."""
        values = {}
        for name, editor in self.editors.items():
            shown, original = self._shown[name]
            current = self._editor_value(editor)
            values[name] = original if current == shown else self._from_display(name, current)
        return RuleConfig(**values, change_types=self.change_types())

    def save(self) -> None:
        try:
            save_rule_config(self.session.store, self.config())
        except (ValueError, sqlite3.Error) as exc:  # StoreError is a ValueError
            QMessageBox.warning(self, self.tr("Legality suggestion rules"),
                                self.tr("The rules could not be saved: {error}").format(error=exc))
            return
        self.session.notify_changed(SETTINGS, self)
        self.accept()
