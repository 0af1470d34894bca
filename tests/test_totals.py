"""One way to total (README, 面积与合计): the unrounded sum rounded once, parts 调平 to it, the same digits in
every sheet (台账, 汇总表, 月度进度, 问责比例) and in the HTML report.

Three 违法新增 patches of 1.004 亩 each (illegal, all cultivated): each cell alone rounds to 1.00, but the
total is 3.012 → 3.01, so one cell must show 1.01 for the column to add up (a sum of rounded cells would
print 3.00; rounding each cell and the sum separately would print 1.00 + 1.00 + 1.00 = 3.01).
"""
from __future__ import annotations

import openpyxl
import pytest
import shapely

from weipian_plugin.core.statistics.ledger import (
    ACCOUNTABILITY_COLUMNS,
    LEDGER_COLUMNS,
    PROGRESS_COLUMNS,
    SUMMARY_COLUMNS,
    balanced,
    display_table,
    township_summary,
)
from weipian_plugin.core.store import gpkg
from weipian_plugin.core.store.workstore import WorkStore

X0, Y0 = 39_500_000.0, 3_300_000.0
PART_M2 = 1.004 * 2000 / 3


@pytest.fixture
def store_path(tmp_path):
    path = tmp_path / "青禾县_2026_卫片.gpkg"
    with WorkStore.create(path, 4527, "青禾县", "500199", 2026) as store, store.transaction() as conn:
        conn.execute("INSERT INTO batches (name, received_date) VALUES ('2026年5月', '2026-05-06')")
        for i, (code, name) in enumerate((("101", "甲镇"), ("102", "乙镇"), ("103", "丙镇"))):
            geom = gpkg.encode([shapely.MultiPolygon([shapely.box(X0 + 100 * i, Y0, X0 + 100 * i + 40, Y0 + 30)])],
                               4527)[0]
            fid = conn.execute(
                "INSERT INTO patches (geom, batch_id, jcbh, tblx, area_m2, area_mu, township_code, township_name) "
                "VALUES (?, 1, ?, '20', ?, ?, ?, ?)", (geom, f"T{i + 1}", PART_M2, 1.004, code, name)).lastrowid
            conn.execute("INSERT INTO analysis (patch_fid, cultivated_m2, suggestion, new_or_stock) "
                         "VALUES (?, ?, '违法', '新增')", (fid, PART_M2))
            conn.execute(
                "INSERT INTO determinations (patch_fid, result, subtype, violation_category, illegal_m2, "
                "illegal_cultivated_m2, reviewer) VALUES (?, '违法', '非农违法', '新增', ?, ?, '张三')",
                (fid, PART_M2, PART_M2))
    return path


def column(ws, key, keys, first=4):
    """A column from the first data row to the 合计 row (the legend below a ledger is not data)."""
    j = keys.index(key) + 1
    out = []
    for r in range(first, ws.max_row + 1):
        out.append(ws.cell(r, j).value)
        if ws.cell(r, 1).value == "合计":
            break
    return out


def test_balanced_parts_add_up_to_the_total_rounded_once():
    assert balanced([1.004, 1.004, 1.004], 2) == ([1.01, 1.0, 1.0], 3.01)
    assert balanced([1.336, 2.333, 3.331], 2) == ([1.34, 2.33, 3.33], 7.0)
    assert balanced([0.125, None], 2) == ([0.13, None], 0.13)  # half-up, as Excel's ROUND
    parts, total = balanced([0.3333] * 3 + [2 / 3] * 3, 2)
    assert total == 3.0 and round(sum(parts), 2) == 3.0 and all(p in (0.33, 0.34, 0.66, 0.67) for p in parts)


def test_the_same_total_in_every_sheet_and_the_report(weipian_provider, store_path, tmp_path):
    import processing

    out = processing.run("weipian:exportledger", {"STORE": str(store_path), "OUTPUT": str(tmp_path / "台账.xlsx"),
                                                  "YEAR": 2026})["OUTPUT"]
    wb = openpyxl.load_workbook(out)
    ledger_keys = [c.key for c in LEDGER_COLUMNS]
    cells = column(wb["图斑台账"], "illegal_cultivated_mu", ledger_keys)
    assert cells == [1.01, 1.0, 1.0, 3.01]  # three patches, then 合计
    assert column(wb["图斑台账"], "illegal_mu", ledger_keys) == [1.01, 1.0, 1.0, 3.01]

    summary_keys = [c.key for c in SUMMARY_COLUMNS]
    summary = column(wb["实际占用的新增建设用地统计汇总表"], "illegal_cultivated_mu", summary_keys)
    assert summary == [1.01, 1.0, 1.0, 3.01]
    assert column(wb["实际占用的新增建设用地统计汇总表"], "illegal_mu", summary_keys)[-1] == 3.01

    progress = wb["月度进度"]
    assert column(progress, "illegal_mu", [c.key for c in PROGRESS_COLUMNS]) == [3.01, 3.01]

    # the accountability sheet: townships balanced to their county exactly as in the 汇总表
    acc = processing.run("weipian:accountability", {"STORE": str(store_path),
                                                    "OUTPUT": str(tmp_path / "问责.xlsx")})["OUTPUT"]
    ws = openpyxl.load_workbook(acc)["问责比例"]
    keys = [c.key for c in ACCOUNTABILITY_COLUMNS]
    by_unit = {ws.cell(r, 2).value: ws.cell(r, keys.index("numerator_before_mu") + 1).value
               for r in range(4, ws.max_row + 1) if ws.cell(r, 2).value is not None}  # not the legend
    summary_ws = wb["实际占用的新增建设用地统计汇总表"]
    by_township = {summary_ws.cell(r, 1).value: summary_ws.cell(r, summary_keys.index("illegal_cultivated_mu") + 1).value
                   for r in range(4, summary_ws.max_row + 1)}
    assert by_unit == {"甲镇": 1.01, "乙镇": 1.0, "丙镇": 1.0, "青禾县": 3.01}
    assert {k: v for k, v in by_township.items() if k != "合计"} == {k: v for k, v in by_unit.items() if k != "青禾县"}

    html = processing.run("weipian:accountability", {"STORE": str(store_path),
                                                     "OUTPUT": str(tmp_path / "报告.html")})["OUTPUT"]
    text = open(html, encoding="utf-8").read()
    assert "违法面积 3.01 亩" in text and "3.00" not in text
    assert text.count("<td class=\"num\">3.01</td>") >= 2  # the report's 汇总表 合计: 面积 and 其中耕地

    with WorkStore.open(store_path) as store:  # what the dock header shows comes from the same table
        _, totals = display_table(SUMMARY_COLUMNS, township_summary(store, year=2026))
    assert totals[summary_keys.index("illegal_cultivated_mu")] == 3.01
