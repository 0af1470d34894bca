"""Daily-enforcement workbook (巡查台账, 线索与期限, 日常执法评价) and reading the .xlsx import template.

Thin over :mod:`..core.enforcement`: columns and display values come from there, the table layout from
:mod:`.xlsx`. The template reader finds the header row (a title row above it is allowed, so an exported
workbook can be imported again) and hands plain rows to core.
"""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Optional

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from weipian_plugin.core.enforcement import records as enforcement
from weipian_plugin.core.enforcement.records import EnforcementError, TemplateRows
from weipian_plugin.core.store import outputs
from weipian_plugin.core.store.workstore import WorkStore
from weipian_plugin.exporters.xlsx import (
    BOLD,
    Table,
    county_title,
    new_workbook,
    save_workbook,
)

HEADER_SEARCH_ROWS = 10
# template kind -> (words in the preferred sheet name, the header that marks the header row)
_KINDS = {"patrols": (("巡查",), "巡查日期"), "clues": (("线索",), "来源")}


def read_template_rows(path: os.PathLike, kind: str) -> TemplateRows:
    """Rows of the patrol (``kind='patrols'``) or clue (``'clues'``) table of a workbook: the sheet whose
    name says so, else the first sheet holding the table's key header."""
    words, key = _KINDS[kind]
    path = Path(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors for a damaged file: all "unreadable"
        raise EnforcementError(f"无法读取 Excel 文件 {path.name}：文件已损坏或不是 .xlsx 工作簿（{type(exc).__name__}）。"
                               "请在 Excel/WPS 中打开并另存为 .xlsx 后重试。") from exc
    try:
        sheets = sorted(wb.worksheets, key=lambda ws: not any(w in ws.title for w in words))
        for ws in sheets:
            rows = ws.iter_rows(values_only=True)
            for number, values in enumerate(rows, start=1):
                if number > HEADER_SEARCH_ROWS:
                    break
                headers = [str(v).strip() if v is not None else "" for v in values]
                if any(enforcement.split_header(h)[0] == key for h in headers):
                    data = [dict(zip(headers, r)) if any(v not in (None, "") for v in r) else {} for r in rows]
                    return TemplateRows(headers, data, number + 1, f"{path.name}[{ws.title}]")
    finally:
        wb.close()
    raise EnforcementError(f"{path.name} 中没有找到含“{key}”列的表")


def read_rows(path: os.PathLike, kind: str) -> TemplateRows:
    """Template rows from a .csv or .xlsx file, by extension."""
    if Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        return read_template_rows(path, kind)
    return enforcement.read_csv_rows(path)


def _append_notes(ws: Worksheet, lines) -> None:
    """Note rows below what the sheet holds (the formulas of the rates), after one blank row."""
    top = ws.parent.last_row(ws) + 2
    ws.cell(top, 1, "说明").font = BOLD
    for r, line in enumerate(lines, start=top + 1):
        ws.cell(r, 1, line)


def write_enforcement(store: WorkStore, path: os.PathLike, today: date, year: Optional[int] = None) -> Path:
    """The daily-enforcement workbook as of ``today``: 巡查台账; 线索与期限 (overdue rows filled);
    日常执法评价 per township against the targets (failing rows filled) with each rate's formula; 未先发现图斑,
    a table of its own so its 监测编号 column is as wide as the ids and its areas have two decimals."""
    outputs.check_output(path, (".xlsx",), store.path)
    wb = new_workbook()
    Table(wb, "巡查台账", county_title(store, "国土资源执法巡查台账"), enforcement.PATROL_COLUMNS).write(
        enforcement.patrol_rows(store), totals=False)
    frequency_year = year or enforcement.store_year(store)
    frequency = Table(wb, "巡查频次", county_title(store, "国土所巡查频次", frequency_year),
                      enforcement.PATROL_FREQUENCY_COLUMNS)
    frequency.write(enforcement.patrol_frequency(store, frequency_year, today), totals=False,
                    flag=lambda r: r.passed is False)
    _append_notes(frequency.ws, [f"国土所每周至少全域巡查{enforcement.PATROLS_PER_WEEK}次（按周一至周日的完整周计，"
                                 "跨月的周计入其周四所在月份；只计截至导出日已过完的周）"])
    clues = enforcement.clue_rows(enforcement.clue_deadlines(store, today))
    clue_table = Table(wb, "线索与期限", county_title(store, f"违法线索办理期限（截至{today.isoformat()}）"),
                       enforcement.CLUE_COLUMNS)
    clue_table.write(clues, totals=False, flag=lambda r: r.overdue, legend="说明：底色标注的线索有办理期限已逾期的事项。")
    warning = enforcement.holiday_warning(store)
    if warning:  # working-day deadlines rest on the holiday list
        _append_notes(clue_table.ws, [warning])
    cfg = enforcement.grading_config(store)
    result = enforcement.grade_store(store, cfg, year)
    grading = Table(wb, "日常执法评价", county_title(store, "日常执法评价（卫片违法图斑与日常执法比对）"),
                    enforcement.grading_columns(cfg))
    grading.write(enforcement.grading_rows(result), totals=False, flag=lambda r: r.passed is False,
                  legend="说明：底色标注的乡镇未达到日常执法评价目标。")
    _append_notes(grading.ws, enforcement.GRADING_NOTES)
    Table(wb, "未先发现图斑", county_title(store, "卫片发现、日常执法未先发现的违法图斑"),
          enforcement.UNMATCHED_COLUMNS).write(enforcement.unmatched_patches(store, result, year), totals=False)
    return save_workbook(wb, path)
