"""Bulk records, as counties work: township offices fill in the exported 图斑台账 and send it back.

Each row of the returned ledger (xlsx in the layout of the ledger export, read by
``exporters.ledger_import``, or a CSV with the same headers) is matched to its patch by 批次 and 监测编号
(监测编号 alone when it is unique in the store). A cell counts as changed only when it differs from what
the ledger export prints for the store's value now, so a round trip — export, fill in, import — changes
exactly the cells a person changed. An area in 亩 is unchanged when it lies within the ledger's last
digit (0.01 亩) of the stored area: the export prints it rounded down or up (调平, README).

Which columns are imported follows :data:`..ledger.LEDGER_COLUMNS`: a column whose key is a field of the
determination or the rectification (:data:`..review.records.DETERMINATION_FIELDS`,
:data:`..review.records.RECTIFICATION_FIELDS`), or such a field's ``_m2`` spelled ``_mu`` (shown in 亩).
Derived columns (status, remaining area, the analysis) are never written.

Changes go through the same validated, audited writes as the review dock, the determination first (a
rectification needs a 违法 determination), each in its own transaction: after 一上/二上 a row's 查处整改
is applied while a change of its determination is refused with the lock's reason. Every row gets an
outcome per part: 已导入 (with the fields), 未变化, or 拒绝 with the reason (locked, unknown 监测编号,
invalid value).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from weipian_plugin.core.dates import DateError, parse_date
from weipian_plugin.core.review import records as review
from weipian_plugin.core.statistics.ledger import LEDGER_COLUMNS, Column, ledger_rows
from weipian_plugin.core.store.errors import StoreProblem
from weipian_plugin.core.store.workstore import WorkStore
from weipian_plugin.core.units import mu_to_m2

APPLIED, UNCHANGED, REFUSED = "已导入", "未变化", "拒绝"
DETERMINATION, RECTIFICATION, ROW = "判定", "查处整改", "整行"
_MU_TOLERANCE = 0.01 - 1e-9  # below the ledger's last digit: the export may print it rounded either way


class RecordsImportError(ValueError):
    """The file cannot be read as a ledger (message in Chinese)."""


@dataclass(frozen=True)
class RowOutcome:
    row: int
    """The row's number in the file (as a spreadsheet shows it)."""
    batch: str
    jcbh: str
    part: str
    """:data:`DETERMINATION`, :data:`RECTIFICATION` or :data:`ROW` (the whole row, e.g. unknown 监测编号)."""
    status: str
    fields: str
    """The changed columns, by their ledger headers."""
    reason: str = ""


def _target(col: Column) -> Optional[Tuple[str, str]]:
    """(part, field) a ledger column writes, or ``None`` when it is not importable."""
    field = col.key[:-3] + "_m2" if col.unit == "亩" and col.key.endswith("_mu") else col.key
    if col.unit == "亩" and not col.key.endswith("_mu"):
        return None
    if field in review.DETERMINATION_FIELDS:
        return DETERMINATION, field
    if field in review.RECTIFICATION_FIELDS:
        return RECTIFICATION, field
    return None


def importable_columns() -> Dict[str, Tuple[str, str]]:
    """Ledger column key → (part, field) for every column the import writes."""
    return {c.key: t for c in LEDGER_COLUMNS if (t := _target(c)) is not None}


def column_keys(headers: Sequence[Tuple[str, str]]) -> List[Optional[str]]:
    """The ledger column key of each (group, header) of a file (``None``: not a ledger column). The group
    decides between equal headers; a CSV has no groups, so its header alone must name the column."""
    by_both = {(c.group, c.title): c.key for c in LEDGER_COLUMNS}
    by_title: Dict[str, str] = {}
    for c in LEDGER_COLUMNS:
        by_title.setdefault(c.title, c.key)
    out = []
    for group, title in headers:
        title = "".join(str(title or "").split())
        out.append(by_both.get(("".join(str(group or "").split()), title)) or by_title.get(title))
    return out


def read_csv_records(path) -> List[Tuple[int, Dict[str, Any]]]:
    """(line number, {column key: text}) of a CSV with the ledger's headers (UTF-8, with or without BOM,
    or GBK/GB18030 as spreadsheets save it)."""
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        raise RecordsImportError(f"文件是空的：{Path(path).name}")
    keys = column_keys([("", h) for h in header])
    if "jcbh" not in keys:
        raise RecordsImportError(f"{Path(path).name} 没有“监测编号”列，不是图斑台账")
    rows = []
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values) or (values and values[0].strip() == "合计"):
            continue
        rows.append((number, {k: v for k, v in zip(keys, values) if k}))
    return rows


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and math.isnan(v))


def _number(v: Any) -> float:
    if isinstance(v, bool):
        raise ValueError(v)
    return float(v.strip().replace(",", "") if isinstance(v, str) else v)


_FLAGS = {True: 1, False: 0, "1": 1, "0": 0, "是": 1, "否": 0}  # True == 1, False == 0 as keys


def _flag(v: Any) -> Any:
    return _FLAGS.get(v.strip() if isinstance(v, str) else v, v)


def _same(col: Column, field: str, cell: Any, current: Any) -> bool:
    """Whether a cell says what the ledger export prints for the current value."""
    if _blank(cell) or _blank(current):
        return _blank(cell) and _blank(current)
    if field in review.FLAG_FIELDS:
        return _flag(cell) == _flag(current)
    if col.unit == "亩":
        try:
            return abs(_number(cell) - current) < _MU_TOLERANCE
        except (TypeError, ValueError):
            return False
    if col.numeric:
        try:
            return _number(cell) == col.shown(_number(current))
        except (TypeError, ValueError):
            return False
    if field.endswith("_date") or isinstance(cell, (dt.date, dt.datetime)):
        try:
            return parse_date(cell) == parse_date(current)
        except DateError:
            return False
    return str(cell).strip() == str(current).strip()


def _value(col: Column, cell: Any) -> Any:
    """The cell as the review module takes it (亩 → m²; dates as ISO text); bad values are passed on
    for the review module's validation to word the error."""
    if _blank(cell):
        return None
    if col.unit == "亩":
        try:
            return mu_to_m2(_number(cell))
        except (TypeError, ValueError):
            return cell
    if isinstance(cell, (dt.date, dt.datetime)):
        return parse_date(cell).isoformat()
    return cell.strip() if isinstance(cell, str) else cell


def _current(store: WorkStore) -> Tuple[dict, dict]:
    """({(batch, jcbh): fid}, {fid: {column key: current value}}) of the importable columns (亩 for areas)."""
    targets = {c.key: (c, *_target(c)) for c in LEDGER_COLUMNS if _target(c)}
    tables = {}
    for part, table in ((DETERMINATION, "determinations"), (RECTIFICATION, "rectifications")):
        cur = store.conn.execute(f"SELECT * FROM {table}")
        names = [d[0] for d in cur.description]
        tables[part] = {r[0]: dict(zip(names, r)) for r in cur}
    fids, values = {}, {}
    for row in ledger_rows(store):
        fids[(row.batch, row.jcbh)] = row.fid
        current = {}
        for key, (col, part, field) in targets.items():
            v = tables[part].get(row.fid, {}).get(field)
            current[key] = v * 3 / 2000 if col.unit == "亩" and v is not None else v
        values[row.fid] = current
    return fids, values


def import_records(store: WorkStore, rows: Iterable[Tuple[int, Dict[str, Any]]], actor: str,
                   progress=None, is_cancelled=None) -> List[RowOutcome]:
    """Apply the filled-in ledger ``rows`` ((row number, {column key: cell})); one outcome per row part."""
    rows = list(rows)
    columns = {c.key: c for c in LEDGER_COLUMNS if _target(c)}
    fids, current = _current(store)
    by_jcbh: Dict[str, List[int]] = {}
    for (_batch, jcbh), fid in fids.items():
        by_jcbh.setdefault(jcbh, []).append(fid)
    out: List[RowOutcome] = []
    for k, (number, cells) in enumerate(rows):
        if is_cancelled and is_cancelled():
            break
        if progress:
            progress(k / max(len(rows), 1))
        batch = "" if _blank(cells.get("batch")) else str(cells["batch"]).strip()
        jcbh = "" if _blank(cells.get("jcbh")) else str(cells["jcbh"]).strip()
        if not jcbh:
            out.append(RowOutcome(number, batch, jcbh, ROW, REFUSED, "", "没有监测编号"))
            continue
        fid = fids.get((batch, jcbh)) if batch else None
        if fid is None and not batch and len(by_jcbh.get(jcbh, [])) == 1:
            fid = by_jcbh[jcbh][0]
        if fid is None:
            where = f"批次“{batch}”中" if batch else "工作库中"
            reason = (f"{where}没有监测编号“{jcbh}”（或该图斑已拆分、涉军）" if not by_jcbh.get(jcbh) or batch
                      else f"监测编号“{jcbh}”在多个批次中出现，请填写批次")
            out.append(RowOutcome(number, batch, jcbh, ROW, REFUSED, "", reason))
            continue
        changes: Dict[str, Dict[str, Any]] = {DETERMINATION: {}, RECTIFICATION: {}}
        labels: Dict[str, List[str]] = {DETERMINATION: [], RECTIFICATION: []}
        for key, cell in cells.items():
            col = columns.get(key)
            if col is None:
                continue
            part, field = _target(col)
            if _same(col, field, cell, current[fid].get(key)):
                continue
            changes[part][field] = _value(col, cell)
            labels[part].append(col.title)
        for part, save in ((DETERMINATION, review.save_determination), (RECTIFICATION, review.save_rectification)):
            if not changes[part]:
                continue
            fields = "、".join(labels[part])
            try:
                save(store, fid, changes[part], actor)
            except review.LockedError as exc:
                out.append(RowOutcome(number, batch, jcbh, part, REFUSED, fields, f"已上报锁定：{exc}"))
            except review.ReviewError as exc:
                out.append(RowOutcome(number, batch, jcbh, part, REFUSED, fields, f"数值无效：{exc}"))
            except StoreProblem as exc:  # on a shared store: not this login's to write (a township's other
                out.append(RowOutcome(number, batch, jcbh, part, REFUSED, fields, str(exc)))  # patches), or busy
            else:
                out.append(RowOutcome(number, batch, jcbh, part, APPLIED, fields))
        if not any(changes.values()):
            out.append(RowOutcome(number, batch, jcbh, ROW, UNCHANGED, ""))
    if progress:
        progress(1.0)
    return out
