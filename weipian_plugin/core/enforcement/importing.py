"""Importing the patrol ledger and the clues: all or nothing, every row error listed with its line number.

Re-importing fills in, never erases: clues are matched by 线索编号, identical patrols are skipped.
"""
from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from weipian_plugin.core.enforcement.errors import MAX_ERRORS_SHOWN, EnforcementCancelled, EnforcementError
from weipian_plugin.core.enforcement.settings import deadline_config
from weipian_plugin.core.enforcement.templates import (
    CLUE_FIELDS,
    CLUE_FLAG_FIELDS,
    CLUE_HEADERS,
    PATROL_FIELDS,
    PATROL_HEADERS,
    TemplateRows,
    _header_map,
    _keyed,
    clean_clue,
    clean_patrol,
    read_csv_rows,
)
from weipian_plugin.core.store import sql
from weipian_plugin.core.store.workstore import WorkStore, now_iso


# -- importing ---------------------------------------------------------------------------------------
@dataclass
class ImportSummary:
    patrols_added: int = 0
    patrols_skipped: int = 0
    findings_added: int = 0
    clues_added: int = 0
    clues_updated: int = 0

    def summary(self) -> str:
        return (f"巡查记录新增{self.patrols_added}条（重复跳过{self.patrols_skipped}条），发现问题点位{self.findings_added}个；"
                f"线索新增{self.clues_added}条，更新{self.clues_updated}条")


def _clean_rows(table: Optional[TemplateRows], spec: dict, required: tuple, clean: Callable,
                errors: list, is_cancelled: Callable[[], bool]) -> list:
    if table is None:
        return []
    columns = _header_map(table.headers, spec)
    missing = [spec[k][0] for k in required if k not in columns]
    if missing:
        raise EnforcementError(f"{table.source}缺少列：{'、'.join(missing)}")
    out = []
    for i, row in enumerate(table.rows):
        if i % 200 == 0 and is_cancelled():
            raise EnforcementCancelled()
        if not row:
            continue
        row_errors: list = []
        value = clean(_keyed(row, columns, row_errors), row_errors)
        errors.extend(f"{table.source}第{table.first_line + i}行：{e}" for e in row_errors)
        out.append(value)
    return out


_SAME_PATROL = ("township", "route", "people", "findings")
"""With the date, what makes an imported patrol the same as one already stored (NULL equal to NULL)."""


def import_enforcement(store: WorkStore, patrols: Optional[TemplateRows] = None,
                       clues: Optional[TemplateRows] = None,
                       is_cancelled: Callable[[], bool] = lambda: False) -> ImportSummary:
    """Import template rows in one transaction; EnforcementError lists every bad row and writes nothing."""
    epsg, cfg = store.epsg, deadline_config(store)
    errors: list = []
    patrol_rows = _clean_rows(patrols, PATROL_HEADERS, ("patrol_date",),
                              lambda v, e: clean_patrol(v, epsg, e), errors, is_cancelled)
    clue_rows = _clean_rows(clues, CLUE_HEADERS, ("source",),
                            lambda v, e: clean_clue(v, epsg, cfg, e), errors, is_cancelled)
    nos = Counter(c["clue_no"] for c in clue_rows if c["clue_no"])
    errors.extend(f"{clues.source}：线索编号重复：{n}" for n, k in sorted(nos.items()) if k > 1)
    if errors:
        more = f"\n……共{len(errors)}处错误" if len(errors) > MAX_ERRORS_SHOWN else ""
        raise EnforcementError("导入失败，未写入任何数据：\n" + "\n".join(errors[:MAX_ERRORS_SHOWN]) + more)
    result = ImportSummary()
    with store.transaction() as conn:
        for row in patrol_rows:
            if is_cancelled():
                raise EnforcementCancelled()
            same = conn.execute(
                "SELECT 1 FROM patrols WHERE patrol_date=? AND "
                + " AND ".join(f"NOT ({store.dialect.distinct(k, '?')})" for k in _SAME_PATROL),
                [row[k] for k in ("patrol_date",) + _SAME_PATROL]).fetchone()
            if same:
                result.patrols_skipped += 1
                continue
            fid = _insert_patrol(conn, row, epsg)
            result.patrols_added += 1
            if row["finding_geom"] is not None:
                _insert_finding(conn, fid, row["finding_geom"], row["findings"], epsg)
                result.findings_added += 1
        for row in clue_rows:
            if is_cancelled():
                raise EnforcementCancelled()
            row["clue_no"] = row["clue_no"] or _next_clue_no(conn, row["discovered"])
            exists = _upsert_clue(conn, row, epsg)
            result.clues_updated += exists
            result.clues_added += not exists
        for table in ("patrols", "patrol_findings", "clues"):
            store.dialect.update_extent(conn, table)
    return result


def import_enforcement_csv(store: WorkStore, patrols_csv=None, clues_csv=None,
                           is_cancelled: Callable[[], bool] = lambda: False) -> ImportSummary:
    """Import the patrol and/or clue template CSVs (either may be None)."""
    return import_enforcement(store, read_csv_rows(patrols_csv) if patrols_csv else None,
                              read_csv_rows(clues_csv) if clues_csv else None, is_cancelled)


def _blob(conn, geom, epsg: int) -> Optional[bytes]:
    """A geometry as the store's dialect writes it (with :func:`_geom_param`)."""
    return None if geom is None else sql.dialect(conn).encode(np.array([geom], dtype=object), epsg)[0]


def _geom_param(conn, epsg: int) -> str:
    return sql.dialect(conn).geom_param(epsg)


def _insert_patrol(conn: sqlite3.Connection, row: dict, epsg: int) -> int:
    return sql.dialect(conn).insert_id(
        conn, f"INSERT INTO patrols (geom, {', '.join(PATROL_FIELDS)}, updated_at) "
              f"VALUES ({_geom_param(conn, epsg)}, {', '.join('?' * len(PATROL_FIELDS))}, ?)",
        (_blob(conn, row["geom"], epsg), *(row[k] for k in PATROL_FIELDS), now_iso()), key="fid")


def _insert_finding(conn: sqlite3.Connection, patrol_fid: int, geom, description: Optional[str], epsg: int) -> int:
    return sql.dialect(conn).insert_id(
        conn, f"INSERT INTO patrol_findings (geom, patrol_fid, description, updated_at) "
              f"VALUES ({_geom_param(conn, epsg)}, ?, ?, ?)",
        (_blob(conn, geom, epsg), patrol_fid, description, now_iso()), key="fid")


_CLUE_COLUMNS = CLUE_FIELDS + ("source_detail",)
_REPLACED = ("source", "source_detail", "updated_at")
_ZERO_WHEN_BLANK = CLUE_FLAG_FIELDS + ("extension_workdays",)


def _upsert_clue(conn: sqlite3.Connection, row: dict, epsg: int) -> bool:
    """Insert the clue, or fill in the one with its number (blanks keep stored values); True if it existed.

    Not an SQL UPSERT: its conflict handling would override the R*Tree triggers' INSERT OR REPLACE."""
    values = {"geom": _blob(conn, row["geom"], epsg), **{c: row[c] for c in _CLUE_COLUMNS}, "updated_at": now_iso()}
    marks = {c: _geom_param(conn, epsg) if c == "geom" else "?" for c in values}
    found = conn.execute("SELECT fid FROM clues WHERE clue_no=?", (row["clue_no"],)).fetchone()
    if found is None:
        values.update({c: values[c] or 0 for c in _ZERO_WHEN_BLANK})
        conn.execute(f"INSERT INTO clues ({', '.join(values)}) VALUES ({', '.join(marks.values())})",
                     tuple(values.values()))
        return False
    cols = [c for c in values if c != "clue_no"]
    sets = ", ".join(f"{c}={marks[c]}" if c in _REPLACED else f"{c}=coalesce({marks[c]}, {c})" for c in cols)
    conn.execute(f"UPDATE clues SET {sets} WHERE fid=?", (*(values[c] for c in cols), found[0]))
    return True


def _next_clue_no(conn: sqlite3.Connection, discovered: str) -> str:
    """XS + discovery date + a free 3-digit number, for clues logged without one."""
    prefix = "XS" + discovered.replace("-", "")
    k = 1
    while conn.execute("SELECT 1 FROM clues WHERE clue_no=?", (f"{prefix}{k:03d}",)).fetchone():
        k += 1
    return f"{prefix}{k:03d}"
