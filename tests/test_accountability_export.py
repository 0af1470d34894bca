"""The accountability workbook's ratios equal a hand computation on the shared test county.

Cultivated areas in the store (m²), see ``test_ledger.make_store``:

- 甲镇: J001 合法, 2000 on cultivated land; J002 新增 violation, 3000 illegal of 3500 cultivated (500 legal),
  1000 restored. Numerator 3000, denominator 2000 + 500 + 3000 = 5500; after 2000 / 4500.
- 乙镇: J003 新增 2500, all supplemented (numerator only); J006 存量 300 (neither). 2500 / 2500; after 0 / 2500.
- 丙镇: J007 新增 1200 on the infrastructure list (both). 1200 / 1200; after 0 / 0 (no ratio).
- County: 6700 / 9200 before, 2000 / 7000 after.
"""
from __future__ import annotations

import openpyxl
import pytest
from test_ledger import county_store  # noqa: F401 (shared session fixture)

from weipian_plugin.core.statistics.accountability import AccountabilityConfig
from weipian_plugin.core.statistics.ledger import ACCOUNTABILITY_COLUMNS, store_accountability
from weipian_plugin.core.store.workstore import WorkStore
from weipian_plugin.exporters.xlsx import write_accountability

MU = 2000 / 3
KEYS = [c.key for c in ACCOUNTABILITY_COLUMNS]


@pytest.fixture
def county(county_store, store_on):  # noqa: F811
    """The shared test county on each backend."""
    return store_on(county_store)


def export(store_path, tmp_path, config=None, year=None) -> dict:
    out = tmp_path / "问责.xlsx"
    with WorkStore.open(store_path) as store:
        write_accountability(store, out, config, year)
    ws = openpyxl.load_workbook(out)["问责比例"]
    rows = {}
    for r in range(4, ws.max_row + 1):
        row = dict(zip(KEYS, (ws.cell(r, i + 1).value for i in range(len(KEYS)))))
        row["fill"] = ws.cell(r, 1).fill.fgColor.rgb
        if row["name"] is not None:  # the legend below the table has no name
            rows[row["name"]] = row
    return rows


def test_ratios_before_and_after_deductions(county, tmp_path):
    rows = export(county, tmp_path)
    assert list(rows) == ["甲镇", "乙镇", "丙镇", "青禾县"]
    jia, yi, bing, county = rows["甲镇"], rows["乙镇"], rows["丙镇"], rows["青禾县"]
    assert (jia["numerator_before_mu"], jia["denominator_before_mu"]) == (3000 / MU, 5500 / MU) == (4.5, 8.25)
    assert jia["ratio_before"] == round(3000 / 5500, 4)
    assert (jia["numerator_after_mu"], jia["denominator_after_mu"]) == (3.0, 6.75)
    assert jia["ratio_after"] == round(2000 / 4500, 4)
    assert jia["restored_mu"] == 1.5 and jia["supplemented_mu"] == 0.0
    assert (yi["numerator_after_mu"], yi["denominator_after_mu"], yi["ratio_after"]) == (0.0, 3.75, 0.0)
    assert yi["supplemented_mu"] == 3.75 and yi["excluded_mu"] == 0.45
    assert bing["infrastructure_mu"] == 1.8 and bing["ratio_after"] is None
    assert county["ratio_before"] == round(6700 / 9200, 4)
    assert county["ratio_after"] == round(2000 / 7000, 4)
    assert [rows[n]["rank"] for n in ("甲镇", "乙镇", "丙镇")] == [1, 2, 3] and county["rank"] is None
    # Default (docs/DOMAIN.md §6): 100 亩 is far away, so nobody is accountable.
    assert {r["accountable"] for r in rows.values()} == {"否"}


def test_workbook_matches_core(county, tmp_path):
    rows = export(county, tmp_path)
    with WorkStore.open(county) as store:
        result = store_accountability(store)
    for t in result.townships:
        assert rows[t.name]["numerator_after_mu"] == pytest.approx(t.numerator_after_mu, abs=0.005)
        assert rows[t.name]["explanation"] == t.explanation


@pytest.mark.parametrize("switch, township, expected", [
    ("deduct_restored", "甲镇", (3000, 5500)),
    ("deduct_supplemented", "乙镇", (2500, 2500)),
    ("deduct_infrastructure", "丙镇", (1200, 1200)),
])
def test_each_deduction_switch(county, tmp_path, switch, township, expected):
    row = export(county, tmp_path, AccountabilityConfig(**{switch: False}))[township]
    num, den = expected
    assert (row["numerator_after_mu"], row["denominator_after_mu"]) == (round(num / MU, 2), round(den / MU, 2))
    assert row["ratio_after"] == round(num / den, 4)


def test_threshold_flags_without_area_rule(county, tmp_path):
    rows = export(county, tmp_path, AccountabilityConfig(require_area=False))
    assert rows["青禾县"]["accountable"] == "是" and rows["青禾县"]["fill"].endswith("F8CBAD")  # 28.57 % ≥ 15 %
    assert rows["甲镇"]["accountable"] == "否"  # townships are never 纳入问责
    assert rows["乙镇"]["accountable"] == "否" and not rows["乙镇"]["fill"].endswith("F8CBAD")


def test_detail_and_parameter_sheets(county, tmp_path):
    out = tmp_path / "a.xlsx"
    with WorkStore.open(county) as store:
        write_accountability(store, out, AccountabilityConfig(ratio_threshold=0.2))
    wb = openpyxl.load_workbook(out)
    detail = wb["违法图斑明细"]
    ids = [detail.cell(r, 1).value for r in range(4, detail.max_row + 1)]
    assert ids == ["J002", "J003", "J006", "J007"]
    params = {wb["参数"].cell(r, 1).value: wb["参数"].cell(r, 2).value for r in range(4, wb["参数"].max_row + 1)}
    assert params["比例阈值"] == "20%" and params["扣除已拆除复耕"] == "是"


def test_year_filter_empties_the_ratio(county, tmp_path):
    rows = export(county, tmp_path, year=2025)
    assert list(rows) == ["合计"]
    assert rows["合计"]["numerator_before_mu"] == 0.0 and rows["合计"]["ratio_before"] is None
