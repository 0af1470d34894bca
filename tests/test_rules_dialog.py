"""The rules dialog: every RuleConfig field editable, saved to the store, exact round trip, defaults."""
from dataclasses import fields

import pytest
from qgis.PyQt.QtWidgets import QDialogButtonBox, QLineEdit

from weipian_plugin.core.analysis.rules import RuleConfig
from weipian_plugin.core.analysis.run import rule_config
from weipian_plugin.core.store.keys import RULES
from weipian_plugin.core.store.workstore import WorkStore
from weipian_plugin.core.units import mu_to_m2
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
    assert list(dialog.editors) == [f.name for f in fields(RuleConfig)]
    editors = dialog.editors
    assert editors["approval_coverage"].value() == 95.0 and editors["approval_coverage"].suffix() == " %"
    assert editors["max_uncovered_cultivated_m2"].value() == 0.5
    assert editors["flag_min_area_m2"].value() == 1.0
    assert editors["road_tblx"].text() == "ND, DL1, DL2, DL3"
    assert all(dialog.codesLayout.labelForField(e) is not None for e in editors.values() if isinstance(e, QLineEdit))


def test_change_save_and_reload(qtbot, store):
    dialog = open_dialog(qtbot, store)
    dialog.editors["approval_coverage"].setValue(90.5)
    dialog.editors["max_uncovered_cultivated_m2"].setValue(0.3)
    dialog.editors["mining_tblx"].setText("CK，KS ; ck2")
    dialog.buttonBox.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.result() == dialog.DialogCode.Accepted

    data, config = stored(store)
    assert config.approval_coverage == 0.905
    assert config.max_uncovered_cultivated_m2 == mu_to_m2(0.3)
    assert config.mining_tblx == ["CK", "KS", "ck2"]
    changed = {"approval_coverage", "max_uncovered_cultivated_m2", "mining_tblx"}
    assert {k: v for k, v in data.items() if k not in changed} == \
        {k: v for k, v in RuleConfig().to_dict().items() if k not in changed}

    again = open_dialog(qtbot, store)
    assert again.editors["approval_coverage"].value() == 90.5
    assert again.editors["mining_tblx"].text() == "CK, KS, ck2"


def test_untouched_values_round_trip_exactly(qtbot, store):
    odd = RuleConfig(approval_coverage=0.123456789, max_uncovered_cultivated_m2=300.0, flag_min_area_m2=0.123456,
                     road_dlbm=["1006", "100601"])
    with WorkStore.open(store) as opened:
        opened.set_setting(RULES.name, odd.to_dict())
    dialog = open_dialog(qtbot, store)
    dialog.buttonBox.button(QDialogButtonBox.StandardButton.Save).click()
    assert stored(store)[0] == odd.to_dict()


def test_restore_defaults(qtbot, store):
    with WorkStore.open(store) as opened:
        opened.set_setting(RULES.name, RuleConfig(stock_share=0.3, village_czcsxm=["201", "202"]).to_dict())
    dialog = open_dialog(qtbot, store)
    assert dialog.editors["stock_share"].value() == 30.0
    dialog.buttonBox.button(QDialogButtonBox.StandardButton.RestoreDefaults).click()
    assert dialog.editors["stock_share"].value() == 50.0 and dialog.editors["village_czcsxm"].text() == "203"
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
