"""Edit the legality-suggestion rules kept in the work store: one row per :class:`RuleConfig` field."""
from __future__ import annotations

import re
import sqlite3
from dataclasses import fields
from pathlib import Path
from typing import Any, Dict, List, Tuple, Union

from qgis.PyQt import uic
from qgis.PyQt.QtWidgets import QDialog, QDialogButtonBox, QDoubleSpinBox, QLineEdit, QMessageBox

from weipian_plugin.core.analysis.rules import RuleConfig
from weipian_plugin.core.analysis.run import rule_config
from weipian_plugin.core.store import keys
from weipian_plugin.core.store.workstore import StoreError
from weipian_plugin.core.units import m2_to_mu, mu_to_m2
from weipian_plugin.gui.session import SETTINGS, StoreSession, session_for

FORM_CLASS, _ = uic.loadUiType(str(Path(__file__).parents[1] / "forms" / "rules_dialog.ui"))
MU_FIELDS = ("max_uncovered_cultivated_m2",)
"""Areas shown in 亩; other ``*_m2`` fields are shown in m², every other number is a share shown in %."""
PERCENT_DECIMALS = 2
CODE_SEPARATORS = re.compile(r"[,，、;；\s]+")

Editor = Union[QDoubleSpinBox, QLineEdit]


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
            editor = self._editor(f.name, getattr(defaults, f.name))
            editor.setObjectName(f.name)
            layout = self.codesLayout if isinstance(editor, QLineEdit) else self.thresholdsLayout
            layout.addRow(labels[f.name], editor)
            self.editors[f.name] = editor
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


    def done(self, result: int) -> None:  # noqa: D102 (Qt API): a session of the dialog's own ends with it
        if self._own_session:
            self.session.close()
        super().done(result)
    def field_labels(self) -> Dict[str, str]:
        return {
            "approval_coverage": self.tr("Approvals (then supply, registration) cover at least"),
            "max_uncovered_cultivated_m2": self.tr("… leaving uncovered cultivated land below"),
            "pending_coverage": self.tr("Partial coverage needing a person's check from"),
            "facility_coverage": self.tr("Facility-agriculture filings cover at least"),
            "temporary_coverage": self.tr("Valid temporary-land approvals cover at least"),
            "mining_coverage": self.tr("Valid mining permits cover at least (less: outside the permit)"),
            "mining_overlap_share": self.tr("Overlap with mining permits that makes a patch mining"),
            "dominance_share": self.tr("A land class dominates a patch from"),
            "stock_share": self.tr("Construction land before the change makes a violation existing from"),
            "flag_min_area_m2": self.tr("Smallest overlap that raises a flag (slivers are ignored)"),
            "mining_tblx": self.tr("Change types (TBLX) of mining"),
            "road_tblx": self.tr("Change types (TBLX) of rural roads"),
            "non_construction_tblx": self.tr("Change types (TBLX) that are not construction"),
            "construction_dlbm_prefixes": self.tr("Land classes (DLBM prefixes) of construction land"),
            "facility_dlbm": self.tr("Land classes (DLBM) of facility agriculture"),
            "road_dlbm": self.tr("Land classes (DLBM) of rural roads"),
            "homestead_dlbm": self.tr("Land classes (DLBM) of rural homesteads"),
            "village_czcsxm": self.tr("Village attribute codes (CZCSXM) of the 203 range"),
        }

    def _editor(self, name: str, default: Any) -> Editor:
        if isinstance(default, list):
            return QLineEdit(self)
        spin = QDoubleSpinBox(self)
        if name in MU_FIELDS:
            spin.setRange(0.0, 100_000.0)
            spin.setDecimals(4)
            spin.setSuffix(self.tr(" mu"))
        elif name.endswith("_m2"):
            spin.setRange(0.0, 1_000_000.0)
            spin.setDecimals(2)
            spin.setSuffix(" m²")
        else:
            spin.setRange(0.0, 100.0)
            spin.setDecimals(PERCENT_DECIMALS)
            spin.setSuffix(" %")
        return spin

    # -- values --------------------------------------------------------------------------------------
    def _to_display(self, name: str, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(value)
        if name in MU_FIELDS:
            return m2_to_mu(value)
        return value if name.endswith("_m2") else value * 100.0

    def _from_display(self, name: str, shown: Any) -> Any:
        if isinstance(shown, str):
            return split_codes(shown)
        if name in MU_FIELDS:
            return mu_to_m2(shown)
        return shown if name.endswith("_m2") else round(shown / 100.0, PERCENT_DECIMALS + 2)

    @staticmethod
    def _editor_value(editor: Editor) -> Any:
        return editor.text() if isinstance(editor, QLineEdit) else editor.value()

    def show_config(self, config: RuleConfig) -> None:
        for name, editor in self.editors.items():
            value = getattr(config, name)
            shown = self._to_display(name, value)
            if isinstance(editor, QLineEdit):
                editor.setText(shown)
            else:
                editor.setValue(shown)
            self._shown[name] = (self._editor_value(editor), value)

    def config(self) -> RuleConfig:
        """The configuration as edited; untouched fields keep their exact stored value."""
        values = {}
        for name, editor in self.editors.items():
            shown, original = self._shown[name]
            current = self._editor_value(editor)
            values[name] = original if current == shown else self._from_display(name, current)
        return RuleConfig(**values)

    def save(self) -> None:
        try:
            keys.RULES.write(self.session.store, self.config().to_dict())
        except (StoreError, sqlite3.Error) as exc:
            QMessageBox.warning(self, self.tr("Legality suggestion rules"),
                                self.tr("The rules could not be saved: {error}").format(error=exc))
            return
        self.session.notify_changed(SETTINGS, self)
        self.accept()
