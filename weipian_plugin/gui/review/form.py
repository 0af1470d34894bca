"""The review dock's form binding: which widget shows which column of a determination or rectification.

Values go in and out as the dicts :mod:`weipian_plugin.core.review.records` reads and writes (areas in
m², shown in 亩). ``edited`` is emitted on every change a person makes (not while the form is filled).
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from qgis.PyQt.QtCore import QDate, QObject, Qt, pyqtSignal
from qgis.PyQt.QtWidgets import QDoubleSpinBox, QWidget

from weipian_plugin.core.review import records as review
from weipian_plugin.core.store.workstore import WorkStore
from weipian_plugin.core.units import MU_M2
from weipian_plugin.core.vocabulary import ILLEGAL, WRITEOFF_STATUSES
from weipian_plugin.gui.review.refusal import told_when_refused

_SIGNALS = {"combo": "currentIndexChanged", "plain": "textChanged", "text": "textChanged", "date": "dateValueChanged",
            "check": "toggled", "area": "valueChanged", "money": "valueChanged"}


class ReviewForm(QObject):
    """Binds the determination and rectification widgets of ``ui`` (the dock) to field names."""

    edited = pyqtSignal()

    VIOLATION_FIELDS = ("violation_category", "violation_type", "illegal_m2", "illegal_cultivated_m2",
                        "illegal_basic_farmland_m2")

    def __init__(self, ui, parent=None):
        super().__init__(parent)
        self.ui = ui
        self.store: Optional[WorkStore] = None
        self.fid: Optional[int] = None
        self.populating = False
        self._area_origin: Dict[str, Optional[float]] = {}
        self.det_fields: Dict[str, Tuple[str, QWidget]] = {
            "result": ("combo", ui.resultCombo), "subtype": ("combo", ui.subtypeCombo),
            "basis": ("plain", ui.basisEdit), "doc_numbers": ("text", ui.docNumbersEdit),
            "violation_category": ("combo", ui.categoryCombo),
            "violation_type": ("combo", ui.violationTypeCombo),
            "is_nonagri": ("check", ui.nonagriCheck), "is_new_housing": ("check", ui.newHousingCheck),
            "illegal_m2": ("area", ui.illegalSpin), "illegal_cultivated_m2": ("area", ui.cultivatedSpin),
            "illegal_basic_farmland_m2": ("area", ui.farmlandSpin),
            "project_name": ("text", ui.projectEdit), "offender": ("text", ui.offenderEdit),
            "build_time": ("text", ui.buildTimeEdit),
        }
        self.rect_fields: Dict[str, Tuple[str, QWidget]] = {
            "case_filed": ("combo", ui.caseCombo), "case_date": ("date", ui.caseDateEdit),
            "case_number": ("text", ui.caseNumberEdit), "no_case_reason": ("text", ui.noCaseReasonEdit),
            "penalty_decision": ("text", ui.penaltyEdit), "fine_yuan": ("money", ui.fineSpin),
            "demolished_m2": ("area", ui.demolishedSpin), "restored_m2": ("area", ui.restoredSpin),
            "supplement_doc": ("text", ui.supplementDocEdit), "supplement_m2": ("area", ui.supplementSpin),
            "supplement_cultivated_m2": ("area", ui.supplementCultivatedSpin),
            "confiscated_m2": ("area", ui.confiscatedSpin),
            "transfer_department": ("text", ui.transferDepartmentEdit),
            "transfer_date": ("date", ui.transferDateEdit), "closed_date": ("date", ui.closedDateEdit),
            "writeoff_status": ("combo", ui.writeoffCombo), "writeoff_date": ("date", ui.writeoffDateEdit),
            "writeoff_person": ("text", ui.writeoffPersonEdit),
            "writeoff_reason": ("text", ui.writeoffReasonEdit),
            "restored_cultivated_m2": ("area", ui.restoredCultivatedSpin),
            "referral_agency": ("combo", ui.referralCombo), "referral_date": ("date", ui.referralDateEdit),
            "referral_number": ("text", ui.referralNumberEdit),
        }
        for edit in (ui.caseDateEdit, ui.transferDateEdit, ui.closedDateEdit, ui.writeoffDateEdit,
                     ui.referralDateEdit):
            edit.setAllowNull(True)  # a date not yet known stays empty, not today
            edit.setNullRepresentation(self.tr("(not set)"))
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setCalendarPopup(True)
        ui.caseCombo.addItem("", None)
        ui.caseCombo.addItem(self.tr("Case filed"), 1)
        ui.caseCombo.addItem(self.tr("Not filed"), 0)
        ui.referralCombo.addItem("", None)  # 移送 (police / discipline), apart from 移交 to a department
        for code, text in zip(review.REFERRAL_AGENCIES, (self.tr("Police"), self.tr("Discipline inspection"))):
            ui.referralCombo.addItem(text, code)
        ui.writeoffCombo.addItem("", None)
        for code, text in zip(WRITEOFF_STATUSES, (self.tr("Applied for"), self.tr("Written off"))):
            ui.writeoffCombo.addItem(text, code)

        ui.resultCombo.currentIndexChanged.connect(self._result_changed)
        for kind, widget in list(self.det_fields.values()) + list(self.rect_fields.values()):
            getattr(widget, _SIGNALS[kind]).connect(self._edited)

    # -- the patch shown ------------------------------------------------------------------------------
    def set_store(self, store: Optional[WorkStore]) -> None:
        self.store = store
        self.fid = None
        if store is None:
            return
        for combo, name in ((self.ui.resultCombo, "result"), (self.ui.categoryCombo, "violation_category"),
                            (self.ui.violationTypeCombo, "violation_type")):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("", None)
            for code, label, _parent in store.code_list(name):
                combo.addItem(label, code)
            combo.blockSignals(False)

    def show(self, fid: Optional[int], determination: Dict[str, Any], rectification: Dict[str, Any]) -> None:
        """Fill both forms with a patch's saved records ({} for none, or for no patch: ``fid`` None)."""
        self.fid = fid
        self.populating = True
        try:
            self._set_values(self.det_fields, determination)
            self._set_values(self.rect_fields, rectification)
        finally:
            self.populating = False

    def _set_values(self, fields: Dict[str, Tuple[str, QWidget]], values: Dict[str, Any]) -> None:
        for name, (kind, widget) in fields.items():
            value = values.get(name)
            if kind == "combo":
                index = 0 if value is None else widget.findData(value)
                if index < 0:
                    widget.addItem(str(value), value)
                    index = widget.count() - 1
                widget.setCurrentIndex(index)
                if name == "result":
                    self._fill_subtypes(value)
            elif kind == "date":
                date = QDate.fromString(str(value or ""), Qt.DateFormat.ISODate)
                if date.isValid():
                    widget.setDate(date)
                else:
                    widget.clear()
            elif kind == "text":
                widget.setText("" if value is None else str(value))
            elif kind == "plain":
                widget.setPlainText(value or "")
            elif kind == "check":
                widget.setChecked(bool(value))
            elif kind == "area":
                self._set_area(name, value)
            elif kind == "money":
                widget.setValue(value or 0.0)
        if fields is self.det_fields and values.get("result") == ILLEGAL:
            self._prefill_violation()

    def _set_area(self, name: str, value: Optional[float]) -> None:
        self._area_origin[name] = value
        widget = (self.det_fields.get(name) or self.rect_fields[name])[1]
        widget.setValue((value or 0.0) / MU_M2)

    def _prefill_violation(self) -> None:
        """Violation fields the form has none of yet, from the analysis (core's ``suggested_violation``,
        the same values 采纳建议 saves)."""
        if self.fid is None or self.store is None:
            return
        for name, value in review.suggested_violation(self.store, self.fid).items():
            kind, widget = self.det_fields[name]
            if value is None:
                continue
            if kind == "area" and not widget.value():
                self._set_area(name, value)
            elif kind == "combo" and widget.currentData() is None:
                widget.setCurrentIndex(max(0, widget.findData(value)))
            elif kind == "check" and not widget.isChecked():
                widget.setChecked(bool(value))

    # -- reading -------------------------------------------------------------------------------------
    def _area_value(self, name: str, widget: QDoubleSpinBox) -> Optional[float]:
        """m² from a 亩 spin box; the stored value is kept exactly when the shown (rounded) value is unchanged."""
        origin = self._area_origin.get(name)
        if origin is not None and round(origin / MU_M2, widget.decimals()) == round(widget.value(), widget.decimals()):
            return origin
        return widget.value() * MU_M2 if widget.value() > 0 else None

    def _values(self, fields: Dict[str, Tuple[str, QWidget]]) -> Dict[str, Any]:
        out: Dict[str, Any] = {}
        for name, (kind, widget) in fields.items():
            if kind == "combo":
                out[name] = widget.currentData()
            elif kind == "date":
                out[name] = None if widget.isNull() else widget.date().toString(Qt.DateFormat.ISODate)
            elif kind == "text":
                out[name] = widget.text().strip() or None
            elif kind == "plain":
                out[name] = widget.toPlainText().strip() or None
            elif kind == "check":
                out[name] = int(widget.isChecked())
            elif kind == "area":
                out[name] = self._area_value(name, widget)
            elif kind == "money":
                out[name] = widget.value() or None
        return out

    def determination_values(self) -> Dict[str, Any]:
        values = self._values(self.det_fields)
        if values["result"] != ILLEGAL:
            values.update({name: None for name in self.VIOLATION_FIELDS})
        return values

    def rectification_values(self) -> Dict[str, Any]:
        return self._values(self.rect_fields)

    def result(self) -> Optional[str]:
        return self.ui.resultCombo.currentData()

    def enable_violation_fields(self) -> None:
        illegal = self.result() == ILLEGAL
        for name in self.VIOLATION_FIELDS:
            self.det_fields[name][1].setEnabled(illegal)

    # -- reacting ------------------------------------------------------------------------------------
    def _fill_subtypes(self, result: Optional[str]) -> None:
        combo = self.ui.subtypeCombo
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("", None)
        if result and self.store is not None:
            for code, label, _parent in self.store.code_list("subtype", result):
                combo.addItem(label, code)
        combo.setCurrentIndex(max(0, combo.findData(current)) if current else 0)
        combo.blockSignals(False)

    @told_when_refused
    def _result_changed(self, _index: int) -> None:
        if self.populating:
            return
        result = self.result()
        self._fill_subtypes(result)
        if result == ILLEGAL:
            self._prefill_violation()
        self._edited()

    def refused(self) -> None:
        self.ui.refused()

    def _edited(self, *_) -> None:
        if not self.populating:
            self.edited.emit()
