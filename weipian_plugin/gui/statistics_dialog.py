"""Edit what the statistics and deadlines of a county rest on: the 扣分 lines, the filed list of major
infrastructure, and the deadline rules. All three are store settings (core/store/keys.py), saved together.

A changed deadline rule moves every patch's 判定期限 at once (``records.recompute_due_dates``).
"""
from __future__ import annotations

import sqlite3
from dataclasses import fields, replace
from pathlib import Path
from typing import Dict, List, Union

from qgis.PyQt import uic
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QHeaderView,
    QMessageBox,
    QSpinBox,
    QTableWidgetItem,
)

from weipian_plugin.core.review import records
from weipian_plugin.core.schedule.deadlines import DeadlineConfig
from weipian_plugin.core.statistics.accountability import AccountabilityConfig
from weipian_plugin.core.statistics.ledger import accountability_config, infrastructure_projects
from weipian_plugin.core.store import keys
from weipian_plugin.core.store.workstore import StoreError
from weipian_plugin.gui.session import SETTINGS, StoreSession, session_for

FORM_CLASS, _ = uic.loadUiType(str(Path(__file__).parents[1] / "forms" / "statistics_dialog.ui"))
POINTS_FIELDS = ("points_initial_mu", "points_after_mu")
LEVELS = ("国家", "省级")
NOT_SET = -1.0  # a 扣分 line's spin box at its minimum means "not assessed" (None)

Editor = Union[QSpinBox, QDoubleSpinBox, QCheckBox]


class StatisticsDialog(QDialog, FORM_CLASS):
    """``StatisticsDialog(store_path_or_session)``; Save writes the three settings in one transaction."""

    def __init__(self, store: Union[str, StoreSession], parent=None):
        super().__init__(parent)
        self.setupUi(self)
        self.session = session_for(store, self)
        self._own_session = self.session is not store
        self.points: Dict[str, QDoubleSpinBox] = {}
        labels = {"points_initial_mu": self.tr("Initial illegal cultivated land (before rectification) from"),
                  "points_after_mu": self.tr("Illegal cultivated land after rectification above")}
        for name in POINTS_FIELDS:
            spin = QDoubleSpinBox(self)
            spin.setRange(NOT_SET, 100_000.0)
            spin.setDecimals(2)
            spin.setSuffix(self.tr(" mu"))
            spin.setSpecialValueText(self.tr("not assessed"))
            spin.setObjectName(name)
            self.pointsLayout.addRow(labels[name], spin)
            self.points[name] = spin
        self.deadlines: Dict[str, Editor] = {}
        deadline_labels = self.deadline_labels()
        for f in fields(DeadlineConfig):
            editor = self._deadline_editor(f.name, getattr(DeadlineConfig(), f.name))
            editor.setObjectName(f.name)
            self.deadlinesLayout.addRow(deadline_labels[f.name], editor)
            self.deadlines[f.name] = editor
        table = self.infrastructureTable
        table.setHorizontalHeaderLabels([self.tr("Project name or JCBH"), self.tr("Approved by")])
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.addProjectButton.clicked.connect(lambda: self._add_project("", LEVELS[1]))
        self.removeProjectButton.clicked.connect(self._remove_projects)
        self.buttonBox.accepted.connect(self.save)
        self.buttonBox.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self.restore_defaults)
        try:
            store = self.session.store
            if store is None:
                raise StoreError(self.session.error)
            self.show_values(accountability_config(store), infrastructure_projects(store),
                             DeadlineConfig.load(store, keys.DEADLINES))
        except (StoreError, sqlite3.Error, ValueError) as exc:
            self.storeInfo.setText(str(exc))
            self.buttonBox.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
        else:
            self.storeInfo.setText(self.tr("Settings of the work store {name}.").format(name=self.session.name))

    def done(self, result: int) -> None:  # noqa: D102 (Qt API): a session of the dialog's own ends with it
        if self._own_session:
            self.session.close()
        super().done(result)

    def deadline_labels(self) -> Dict[str, str]:
        return {
            "determination_days": self.tr("Determination within (days of receipt)"),
            "use_monthly_clear": self.tr("Also apply the monthly clear-up (the earlier date counts)"),
            "monthly_clear_day": self.tr("Monthly clear-up: day of the next month"),
            "discovery_days": self.tr("Discovery within (days of the start)"),
            "stop_notice_days": self.tr("Stop notice within (days of discovery)"),
            "report_days": self.tr("Report within (days of discovery)"),
            "major_report_days": self.tr("Special report of a major case within (days)"),
            "filing_workdays": self.tr("Case filed within (working days of discovery)"),
            "closing_workdays": self.tr("Case closed within (working days of filing)"),
            "major_closing_workdays": self.tr("Major case closed within (working days of filing)"),
            "max_extension_workdays": self.tr("Extension of a major case at most (working days)"),
            "major_land_mu": self.tr("Major case: occupied land above (mu)"),
            "major_cultivated_mu": self.tr("Major case: occupied cultivated land above (mu)"),
            "major_basic_farmland_mu": self.tr("Major case: occupied basic farmland above (mu)"),
        }

    def _deadline_editor(self, name: str, default) -> Editor:
        if isinstance(default, bool):
            return QCheckBox(self)
        if isinstance(default, int):
            spin = QSpinBox(self)
            spin.setRange(1 if name == "monthly_clear_day" else 0, 31 if name == "monthly_clear_day" else 3650)
            return spin
        spin = QDoubleSpinBox(self)
        spin.setRange(0.0, 100_000.0)
        spin.setDecimals(2)
        return spin

    # -- values --------------------------------------------------------------------------------------
    def _add_project(self, name: str, level: str) -> None:
        table = self.infrastructureTable
        row = table.rowCount()
        table.insertRow(row)
        table.setItem(row, 0, QTableWidgetItem(name))
        combo = QComboBox(table)
        combo.addItems(LEVELS)
        combo.setCurrentText(level if level in LEVELS else LEVELS[1])
        table.setCellWidget(row, 1, combo)

    def _remove_projects(self) -> None:
        for row in sorted({i.row() for i in self.infrastructureTable.selectedIndexes()}, reverse=True):
            self.infrastructureTable.removeRow(row)

    def show_values(self, accountability: AccountabilityConfig, projects: Dict[str, str],
                    deadlines: DeadlineConfig) -> None:
        for name, spin in self.points.items():
            value = getattr(accountability, name)
            spin.setValue(NOT_SET if value is None else value)
        self.infrastructureTable.setRowCount(0)
        for name, level in projects.items():
            self._add_project(name, level)
        for name, editor in self.deadlines.items():
            value = getattr(deadlines, name)
            if isinstance(editor, QCheckBox):
                editor.setChecked(value)
            else:
                editor.setValue(value)

    def restore_defaults(self) -> None:
        """The ministry's defaults for the lines and deadlines; the project list is the county's own."""
        projects = dict(self.projects())
        self.show_values(AccountabilityConfig(), {}, DeadlineConfig())
        for name, level in projects.items():
            self._add_project(name, level)

    def points_lines(self) -> Dict[str, object]:
        return {name: None if spin.value() <= NOT_SET else spin.value() for name, spin in self.points.items()}

    def projects(self) -> List[tuple]:
        """(name, level) of every listed project, blank rows left out."""
        out = []
        for row in range(self.infrastructureTable.rowCount()):
            item = self.infrastructureTable.item(row, 0)
            name = item.text().strip() if item is not None else ""
            if name:
                out.append((name, self.infrastructureTable.cellWidget(row, 1).currentText()))
        return out

    def deadline_config(self) -> DeadlineConfig:
        return DeadlineConfig(**{name: editor.isChecked() if isinstance(editor, QCheckBox) else editor.value()
                                 for name, editor in self.deadlines.items()})

    def save(self) -> None:
        store = self.session.store
        try:
            deadlines = self.deadline_config()
            changed_deadlines = deadlines != DeadlineConfig.load(store, keys.DEADLINES)
            with store.transaction() as conn:
                replace(accountability_config(store), **self.points_lines()).save(store, keys.ACCOUNTABILITY, conn)
                keys.INFRASTRUCTURE_PROJECTS.write(store, [{"name": n, "level": lv} for n, lv in self.projects()],
                                                   conn)
                deadlines.save(store, keys.DEADLINES, conn)
            if changed_deadlines:
                records.recompute_due_dates(store)
        except (StoreError, sqlite3.Error, ValueError, records.ReviewError) as exc:
            QMessageBox.warning(self, self.tr("Statistics and deadline settings"), str(exc))
            return
        self.session.notify_changed(SETTINGS)
        self.accept()
