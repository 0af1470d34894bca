"""Reading a filled-in 图斑台账 back: the xlsx the ledger export writes (or a CSV with the same headers),
and the per-row report of the import. The logic is core's (:mod:`..core.statistics.records_import`)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

from openpyxl import load_workbook

from weipian_plugin.core.statistics.ledger import LEDGER_COLUMNS, Column
from weipian_plugin.core.statistics.records_import import (
    RecordsImportError,
    RowOutcome,
    column_keys,
    read_csv_records,
)
from weipian_plugin.exporters.xlsx import Table, new_workbook, save_workbook

_HEADER_SEARCH_ROWS = 10


def _sheet_rows(ws) -> List[Tuple[int, Dict[str, Any]]]:
    """Rows of one ledger sheet, or [] when the sheet holds no ledger (no 监测编号 header, or too few of
    the ledger's columns)."""
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    for i, row in enumerate(values[:_HEADER_SEARCH_ROWS]):
        titles = ["".join(str(v or "").split()) for v in row]
        if "监测编号" not in titles:
            continue
        groups, group = [], ""
        above = values[i - 1] if i > 0 else []
        for j in range(len(titles)):  # a merged group cell holds its text in the first column only
            cell = above[j] if j < len(above) else None
            group = str(cell) if cell not in (None, "") else (group if titles[j] else "")
            groups.append(group)
        # a header merged over two rows (序号) has its text in the group row and None below
        titles = [t or "".join(str(g or "").split()) for t, g in zip(titles, groups)]
        keys = column_keys(list(zip(groups, titles)))
        if len({k for k in keys if k}) < len(LEDGER_COLUMNS) // 2:
            return []  # a list that only shares 监测编号 with the ledger (实地核查, 导入结果 …), not a ledger
        out = []
        for number, data in enumerate(values[i + 1:], start=i + 2):
            if not any(v not in (None, "") for v in data):
                continue
            if str(data[0] or "").strip() == "合计":
                break
            out.append((number, {k: v for k, v in zip(keys, data) if k}))
        return out
    return []


def read_ledger(path: os.PathLike) -> List[Tuple[int, Dict[str, Any]]]:
    """(row number, {ledger column key: cell}) of every ledger sheet of an xlsx (one sheet, or one per
    batch), or of a CSV with the ledger's headers; decided by the extension."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return read_csv_records(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise RecordsImportError(f"应为 .xlsx 或 .csv 文件：{path.name}")
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise RecordsImportError(f"无法读取 {path.name}：{exc}") from exc
    try:
        rows = [r for ws in wb.worksheets for r in _sheet_rows(ws)]
    finally:
        wb.close()
    if not rows:
        raise RecordsImportError(f"{path.name} 中没有找到图斑台账（含“监测编号”列的表）")
    return rows


REPORT_COLUMNS = (
    Column("row", "", "行号", decimals=0), Column("batch", "", "批次"), Column("jcbh", "", "监测编号"),
    Column("part", "", "内容"), Column("status", "", "结果"), Column("fields", "", "修改的列"),
    Column("reason", "", "原因"),
)


def write_import_report(outcomes: Sequence[RowOutcome], path: os.PathLike, source: str) -> Path:
    """The per-row outcome of an import as a workbook (refused rows highlighted)."""
    wb = new_workbook()
    Table(wb, "导入结果", f"图斑台账导入结果（{source}）", REPORT_COLUMNS, freeze_cols=3).write(
        list(outcomes), totals=False, flag=lambda o: o.status == "拒绝")
    return save_workbook(wb, path)
