"""The settings the statistics rest on, edited from the GUI: 扣分 lines, major infrastructure, deadlines."""

import pytest
from test_ledger import county_store  # noqa: F401 (shared session fixture)

from weipian_plugin.core.schedule.deadlines import DeadlineConfig
from weipian_plugin.core.statistics.ledger import accountability_config, infrastructure_projects
from weipian_plugin.core.store import keys
from weipian_plugin.core.store.workstore import WorkStore


@pytest.fixture
def store(county_store, store_on):  # noqa: F811
    """The test county on each backend."""
    return store_on(county_store)


def test_points_lines_infrastructure_and_deadlines_are_saved_and_used(qgis_app, store, tmp_path):
    import openpyxl

    from weipian_plugin.exporters.xlsx import write_accountability
    from weipian_plugin.gui.statistics_dialog import StatisticsDialog

    dialog = StatisticsDialog(str(store))
    assert [name for name, _ in dialog.projects()] == ["某高速公路"]  # the store's list is shown
    assert dialog.points_lines() == {"points_initial_mu": None, "points_after_mu": None}  # "not assessed"
    dialog.points["points_initial_mu"].setValue(1.0)
    dialog._add_project("5001992026000123", "国家")
    dialog.deadlines["determination_days"].setValue(15)
    dialog.deadlines["use_monthly_clear"].setChecked(False)
    with WorkStore.open(store) as opened:
        due_before = dict(opened.conn.execute("SELECT jcbh, due_date FROM patches"))
    dialog.save()
    with WorkStore.open(store) as opened:
        assert accountability_config(opened).points_initial_mu == 1.0
        assert accountability_config(opened).points_after_mu is None
        assert infrastructure_projects(opened) == {"某高速公路": "省级", "5001992026000123": "国家"}
        cfg = DeadlineConfig.load(opened, keys.DEADLINES)
        assert (cfg.determination_days, cfg.use_monthly_clear) == (15, False)
        due_after = dict(opened.conn.execute("SELECT jcbh, due_date FROM patches"))
        assert due_after != due_before  # the 判定期限 follow the new rule
        write_accountability(opened, tmp_path / "问责.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "问责.xlsx")["问责比例"]
    header = ["".join(str(ws.cell(3, c).value or ws.cell(2, c).value or "").split()) for c in range(1, ws.max_column + 1)]
    points = [ws.cell(r, header.index("扣分") + 1).value for r in range(4, ws.max_row + 1)]
    assert "是" in points  # the 扣分 column is no longer always blank


def test_defaults_restore_lines_and_deadlines_but_keep_the_project_list(qgis_app, store):
    from weipian_plugin.gui.statistics_dialog import StatisticsDialog

    dialog = StatisticsDialog(str(store))
    dialog.points["points_after_mu"].setValue(30)
    dialog.deadlines["filing_workdays"].setValue(3)
    dialog.restore_defaults()
    assert dialog.points_lines() == {"points_initial_mu": None, "points_after_mu": None}
    assert dialog.deadline_config() == DeadlineConfig()
    assert [name for name, _ in dialog.projects()] == ["某高速公路"]
