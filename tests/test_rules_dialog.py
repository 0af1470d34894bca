"""The rules dialog: every RuleConfig field editable, saved to the store, exact round trip, defaults."""
from dataclasses import fields

import pytest
from qgis.PyQt.QtWidgets import QDialogButtonBox, QLineEdit

from weipian_plugin.core.analysis.rules import ChangeType, RuleConfig
from weipian_plugin.core.analysis.run import rule_config
from weipian_plugin.core.store.keys import RULES
from weipian_plugin.core.store.workstore import WorkStore
from weipian_plugin.core.units import mu_to_m2
from weipian_plugin.gui import rules_dialog
from weipian_plugin.gui.rules_dialog import RulesDialog, split_codes


@pytest.fixture
def store(store_path):
    WorkStore.create(store_path, 4527).close()
    return store_path


def stored(store):
    with WorkStore.open(store) as opened:
        return opened.setting(RULES.name), rule_config(opened)


def open_dialog(qtbot, store):
    dialog = RulesDialog(str(store), None)
    qtbot.addWidget(dialog)
    return dialog


def test_every_field_is_shown_in_display_units(qtbot, store):
    dialog = open_dialog(qtbot, store)
    assert list(dialog.editors) == [f.name for f in fields(RuleConfig) if f.name != "change_types"]
    editors = dialog.editors
    assert editors["approval_coverage"].value() == 95.0 and editors["approval_coverage"].suffix() == " %"
    assert editors["max_uncovered_cultivated_m2"].value() == 0.5 and editors["max_uncovered_m2"].value() == 1.0
    assert editors["flag_min_area_m2"].value() == 1.0 and editors["road_max_width_m"].value() == 8.0
    assert editors["village_czcsxm"].text() == "203"
    assert editors["comparison_date"].currentData() == "hsx" and editors["late_approval_result"].currentData() == "违法"
    assert all(dialog.codesLayout.labelForField(e) is not None for e in editors.values() if isinstance(e, QLineEdit))
    assert dialog.changeTypesTable.rowCount() == len(RuleConfig().change_types)
    assert dialog.change_types() == RuleConfig().change_types


def test_change_save_and_reload(qtbot, store):
    dialog = open_dialog(qtbot, store)
    dialog.editors["approval_coverage"].setValue(90.5)
    dialog.editors["max_uncovered_cultivated_m2"].setValue(0.3)
    dialog.editors["village_czcsxm"].setText("203，202 ; 201")
    dialog.editors["comparison_date"].setCurrentIndex(dialog.editors["comparison_date"].findData("qsx"))
    dialog.buttonBox.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.result() == dialog.DialogCode.Accepted

    data, config = stored(store)
    assert config.approval_coverage == 0.905
    assert config.max_uncovered_cultivated_m2 == mu_to_m2(0.3)
    assert config.village_czcsxm == ["203", "202", "201"] and config.comparison_date == "qsx"
    changed = {"approval_coverage", "max_uncovered_cultivated_m2", "village_czcsxm", "comparison_date"}
    assert {k: v for k, v in data.items() if k not in changed} == \
        {k: v for k, v in RuleConfig().to_dict().items() if k not in changed}

    again = open_dialog(qtbot, store)
    assert again.editors["approval_coverage"].value() == 90.5
    assert again.editors["village_czcsxm"].text() == "203, 202, 201"


def test_change_types_are_edited_and_saved_in_the_store(qtbot, store, monkeypatch):
    dialog = open_dialog(qtbot, store)
    table = dialog.changeTypesTable
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "GF")
    table.cellWidget(row, 3).setCurrentIndex(table.cellWidget(row, 3).findData("违法"))
    dialog.addTypeButton.click()
    last = table.rowCount() - 1
    table.item(last, 0).setText("XJ")
    table.item(last, 1).setText("新建")
    dialog.buttonBox.button(QDialogButtonBox.StandardButton.Save).click()
    types = {t.code: t for t in stored(store)[1].change_types}
    assert types["GF"].cultivated_result == "违法" and types["XJ"] == ChangeType("XJ", "新建", "construction")
    # A code entered twice is refused with a clear message and nothing is saved.
    again = open_dialog(qtbot, store)
    again.addTypeButton.click()
    again.changeTypesTable.item(again.changeTypesTable.rowCount() - 1, 0).setText("gf")
    warned = []
    monkeypatch.setattr(rules_dialog.QMessageBox, "warning", lambda *args: warned.append(args[2]))
    again.buttonBox.button(QDialogButtonBox.StandardButton.Save).click()
    assert "图斑类型代码重复" in warned[0] and len(stored(store)[1].change_types) == len(types)


def test_presets_fill_the_dialog(qtbot, store):
    dialog = open_dialog(qtbot, store)
    dialog.presetCombo.setCurrentIndex(dialog.presetCombo.findData("以前时相为比对日期"))
    dialog.presetButton.click()
    assert dialog.editors["comparison_date"].currentData() == "qsx"
    dialog.presetCombo.setCurrentIndex(dialog.presetCombo.findData("从严：光伏、农业项目占用耕地判违法"))
    dialog.presetButton.click()
    assert {t.code: t.cultivated_result for t in dialog.change_types()}["KT"] == "违法"
    assert dialog.editors["comparison_date"].currentData() == "hsx"


def test_untouched_values_round_trip_exactly(qtbot, store):
    odd = RuleConfig(approval_coverage=0.123456789, max_uncovered_cultivated_m2=300.0, flag_min_area_m2=0.123456,
                     homestead_dlbm=["0702", "070201"])
    with WorkStore.open(store) as opened:
        opened.set_setting(RULES.name, odd.to_dict())
    dialog = open_dialog(qtbot, store)
    dialog.buttonBox.button(QDialogButtonBox.StandardButton.Save).click()
    assert stored(store)[0] == odd.to_dict()


def test_restore_defaults(qtbot, store):
    with WorkStore.open(store) as opened:
        opened.set_setting(RULES.name, RuleConfig(dominance_share=0.3, village_czcsxm=["201", "202"]).to_dict())
    dialog = open_dialog(qtbot, store)
    assert dialog.editors["dominance_share"].value() == 30.0
    dialog.buttonBox.button(QDialogButtonBox.StandardButton.RestoreDefaults).click()
    assert dialog.editors["dominance_share"].value() == 50.0 and dialog.editors["village_czcsxm"].text() == "203"
    dialog.buttonBox.button(QDialogButtonBox.StandardButton.Save).click()
    assert stored(store)[0] == RuleConfig().to_dict()


def test_cancel_saves_nothing(qtbot, store):
    dialog = open_dialog(qtbot, store)
    dialog.editors["dominance_share"].setValue(70.0)
    dialog.buttonBox.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert stored(store)[0] is None


def test_split_codes():
    assert split_codes(" 05, 06，07、1001;1002  1003 ") == ["05", "06", "07", "1001", "1002", "1003"]
    assert split_codes("") == []
