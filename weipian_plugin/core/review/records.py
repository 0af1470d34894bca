"""What the review dock does to a patch: determination, rectification, history, stage locks, attachments.

Audit and locks of determinations and rectifications are SQLite triggers (schema.py), so an edit from
QGIS's attribute table is treated exactly like one from the dock; this module validates, writes one
transaction, and turns the trigger's refusal into :class:`LockedError` with the trigger's own words.
Attachments, splits and stage events have no trigger, so their lock checks are made here.
Messages are Chinese: they are shown to reviewers as they are.
"""
from __future__ import annotations

import contextlib
import json
import math
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

from weipian_plugin.core.dates import DateError, parse_date
from weipian_plugin.core.review import attachments
from weipian_plugin.core.review.errors import ReviewError
from weipian_plugin.core.schedule.deadlines import DeadlineConfig, determination_due
from weipian_plugin.core.store import keys, schema
from weipian_plugin.core.store.codes import DEFAULT_CODE_LISTS
from weipian_plugin.core.store.sql import dialect
from weipian_plugin.core.store.workstore import WorkStore, now_iso
from weipian_plugin.core.vocabulary import ILLEGAL, PENDING, SPLIT, WRITTEN_OFF

DETERMINATION_FIELDS = (
    "result", "subtype", "basis", "doc_numbers", "violation_category", "violation_type", "is_nonagri",
    "is_new_housing", "illegal_m2", "illegal_cultivated_m2", "illegal_basic_farmland_m2", "project_name",
    "offender", "build_time")
"""Columns of ``determinations`` a reviewer edits (``from_suggestion`` is set by the dock, not typed)."""

RECTIFICATION_FIELDS = (
    "case_filed", "case_date", "case_number", "no_case_reason", "penalty_decision", "fine_yuan",
    "demolished_m2", "restored_m2", "supplement_doc", "supplement_m2", "supplement_cultivated_m2",
    "confiscated_m2", "transfer_department", "transfer_date", "closed_date", "writeoff_status",
    "writeoff_date", "writeoff_person", "writeoff_reason", "restored_cultivated_m2", "referral_agency",
    "referral_date", "referral_number")
"""Columns of ``rectifications`` (查处整改) a person edits; none of them is frozen by a stage lock."""

LOCKED_FIELDS = schema.LOCKED_DETERMINATION_COLUMNS
"""What 一上/二上 freeze: the determination's result, type, category and areas (docs/DOMAIN.md §5)."""

FIELD_LABELS = {
    "result": "判定结果", "subtype": "判定子类", "basis": "判定依据", "doc_numbers": "文号",
    "violation_category": "违法类别", "violation_type": "违法类型", "is_nonagri": "是否非农化",
    "is_new_housing": "是否新增乱占耕地建房", "illegal_m2": "违法面积",
    "illegal_cultivated_m2": "其中耕地面积", "illegal_basic_farmland_m2": "其中永久基本农田面积",
    "project_name": "项目名称", "offender": "违法主体", "build_time": "建设时间", "from_suggestion": "采纳建议",
    "case_filed": "是否立案", "case_date": "立案日期", "case_number": "立案案号", "no_case_reason": "不予立案原因",
    "penalty_decision": "处罚决定", "fine_yuan": "罚款金额（元）", "demolished_m2": "拆除面积",
    "restored_m2": "复耕面积", "supplement_doc": "补办手续文号", "supplement_m2": "补办手续面积",
    "supplement_cultivated_m2": "补办其中耕地面积", "confiscated_m2": "没收面积",
    "transfer_department": "移交部门", "transfer_date": "移交日期", "closed_date": "结案日期",
    "writeoff_status": "销号状态", "writeoff_date": "销号日期", "writeoff_person": "销号人",
    "writeoff_reason": "销号原因", "restored_cultivated_m2": "复耕其中耕地面积",
    "referral_agency": "移送机关", "referral_date": "移送日期", "referral_number": "移送文号",
    "split_state": "拆分状态", "split_parts": "拆分部分", "parent_jcbh": "原图斑编号", "area_m2": "面积（平方米）",
}

STAGE_LOCKS = {"一上": 1, "一下": 0, "二上": 1}
"""Reporting stages and whether each locks the batch's determinations (查处整改 is never locked)."""
REFERRAL_AGENCIES = ("公安机关", "纪检监察机关")
"""移送: to the police (涉嫌犯罪) or the discipline bodies (涉嫌违纪), apart from 移交 to a department."""
_NEXT_STAGE = {None: "一上", "一上": "一下", "一下": "二上"}

_DET_COLUMNS = DETERMINATION_FIELDS + ("from_suggestion",)
AGRICULTURE_DAMAGE = "农业项目破坏耕地"
_VIOLATION_FIELDS = ("violation_category", "violation_type", "illegal_m2", "illegal_cultivated_m2",
                     "illegal_basic_farmland_m2")
# Mining violations (矿产资源法) are not land-use violations: 新增/存量/农业项目破坏耕地 does not apply to them.
MINING_VIOLATIONS = ("无证开采", "越界开采")
_DET_AREAS = ("illegal_m2", "illegal_cultivated_m2", "illegal_basic_farmland_m2")
_DET_FLAGS = ("is_nonagri", "is_new_housing")
FLAG_FIELDS = _DET_FLAGS + ("case_filed",)
"""Yes/no fields (stored 1/0, shown 是/否)."""
_RECT_AREAS = ("demolished_m2", "restored_m2", "supplement_m2", "supplement_cultivated_m2", "confiscated_m2",
               "restored_cultivated_m2")
_RECT_DATES = ("case_date", "transfer_date", "closed_date", "writeoff_date", "referral_date")
_AREA_TOLERANCE_M2 = 0.005  # typed areas are rounded to 0.01 m²; the view uses the same tolerance
_PART_TOLERANCE_M2 = 1e-6  # the CHECK constraints of determinations
_PATCH_COLUMNS = ("fid", "jcbh", "xzqdm", "xmc", "tblx", "qsx", "hsx", "jcmj_m2", "tz", "sfyn", "sfhx", "dlbm",
                  "area_m2", "area_mu", "parent_fid", "split_state", "township_code", "township_name", "due_date")


class LockedError(ReviewError):
    """The patch's batch is locked at 一上/二上."""


@dataclass(frozen=True)
class HistoryEntry:
    at: str
    actor: Optional[str]
    table: str
    action: str
    field: str
    old: Any
    new: Any

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)


# -- helpers -----------------------------------------------------------------------------------------
def _dicts(cur: sqlite3.Cursor) -> List[dict]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur]


def _patch(store: WorkStore, fid: int) -> dict:
    rows = _dicts(store.conn.execute("SELECT fid, batch_id, area_m2, split_state FROM patches WHERE fid = ?",
                                     (fid,)))
    if not rows:
        raise ReviewError(f"图斑不存在（fid={fid}）")
    return rows[0]


def _batch_id(store: WorkStore, name: str) -> int:
    row = store.conn.execute("SELECT id FROM batches WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise ReviewError(f"批次“{name}”不存在")
    return row[0]


def _last_event(conn: sqlite3.Connection, batch_id: int) -> Optional[tuple]:
    return conn.execute("SELECT stage, locks, at FROM stage_events WHERE batch_id = ? ORDER BY id DESC LIMIT 1",
                        (batch_id,)).fetchone()


def check_unlocked(conn: sqlite3.Connection, batch_id: int) -> None:
    """LockedError when the batch's latest stage event locks it (for writes no trigger guards)."""
    last = _last_event(conn, batch_id)
    if last is not None and last[1] == 1:
        raise LockedError(schema.LOCK_MESSAGE)


def _codes(store: Optional[WorkStore], name: str, parent: Optional[str] = None) -> List[str]:
    if store is not None:
        return [r[0] for r in store.code_list(name, parent)]
    return [c for c, _, p in DEFAULT_CODE_LISTS.get(name, []) if parent is None or p == parent]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(values: dict, field: str, errors: List[str]) -> Optional[float]:
    value = values.get(field)
    if _blank(value):
        return None
    try:
        number = float(value.strip().replace(",", "") if isinstance(value, str) else value)
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not math.isfinite(number):
        errors.append(f"{FIELD_LABELS[field]}不是有效数字：“{value}”")
        return None
    if number < 0:
        errors.append(f"{FIELD_LABELS[field]}不能为负数")
        return None
    return number


def _flag(values: dict, field: str, errors: List[str]) -> Optional[int]:
    value = values.get(field)
    if _blank(value):
        return None
    flags = {True: 1, False: 0, "1": 1, "0": 0, "是": 1, "否": 0}
    if isinstance(value, str):
        value = value.strip()
    if value not in flags:
        errors.append(f"{FIELD_LABELS[field]}只能填“是”或“否”")
        return None
    return flags[value]


def _text(value: Any) -> Optional[str]:
    return None if _blank(value) else str(value).strip()


def _check_fields(values: dict, allowed: tuple) -> List[str]:
    unknown = sorted(set(values) - set(allowed))
    return [f"未知字段：{'、'.join(unknown)}"] if unknown else []


def _m2(x: float) -> str:
    return f"{x:.2f} 平方米"


@contextlib.contextmanager
def _audited_write(store: WorkStore, actor: Optional[str] = None) -> Iterator[sqlite3.Connection]:
    """A transaction on a trigger-guarded table, its audit rows credited to ``actor``: the lock
    trigger's RAISE(ABORT) becomes LockedError."""
    try:
        with store.transaction(actor) as conn:
            yield conn
    except sqlite3.DatabaseError as exc:
        if str(exc) == schema.LOCK_MESSAGE:
            raise LockedError(str(exc)) from exc
        raise


# -- determinations ----------------------------------------------------------------------------------
def _clean_determination(values: dict, patch_area_m2: float,
                         store: Optional[WorkStore]) -> Tuple[dict, List[str]]:
    errors = _check_fields(values, _DET_COLUMNS)
    clean: Dict[str, Any] = {f: _text(values.get(f)) for f in DETERMINATION_FIELDS}
    for f in _DET_AREAS:
        clean[f] = _number(values, f, errors)
    for f in _DET_FLAGS:
        clean[f] = _flag(values, f, errors)
    clean["from_suggestion"] = 1 if values.get("from_suggestion") else 0

    result = clean["result"]
    if result is None:
        errors.append("请选择判定结果")
    elif result not in _codes(store, "result"):
        errors.append(f"判定结果“{result}”不在代码表中")
    elif clean["subtype"] is not None and clean["subtype"] not in _codes(store, "subtype", result):
        errors.append(f"判定子类“{clean['subtype']}”不属于“{result}”")
    if result == ILLEGAL:
        categories = _codes(store, "violation_category")
        mining = clean["subtype"] in MINING_VIOLATIONS or clean["violation_type"] in MINING_VIOLATIONS
        if clean["violation_category"] is None and not mining:
            errors.append(f"违法图斑须填写违法类别（{'/'.join(categories)}）")
        elif clean["violation_category"] is not None and clean["violation_category"] not in categories:
            errors.append(f"违法类别“{clean['violation_category']}”不在代码表中")
        if clean["violation_type"] is not None and clean["violation_type"] not in _codes(store, "violation_type"):
            errors.append(f"违法类型“{clean['violation_type']}”不在代码表中")
    elif result is not None:
        errors += [f"判定为“{result}”的图斑不应填写{FIELD_LABELS[f]}"
                   for f in _VIOLATION_FIELDS if clean[f] is not None]

    illegal, cultivated, farmland = (clean[f] for f in _DET_AREAS)
    if illegal is not None and illegal > patch_area_m2 + _AREA_TOLERANCE_M2:
        errors.append(f"违法面积（{_m2(illegal)}）不能大于图斑面积（{_m2(patch_area_m2)}）")
    whole = illegal if illegal is not None else patch_area_m2
    if cultivated is not None and cultivated > whole + _PART_TOLERANCE_M2:
        errors.append(f"其中耕地面积（{_m2(cultivated)}）不能大于违法面积（{_m2(whole)}）")
    # 永农 is measured on its own layer and may hold non-cultivated land: bounded by the illegal area only.
    if farmland is not None and farmland > whole + _PART_TOLERANCE_M2:
        errors.append(f"其中永久基本农田面积（{_m2(farmland)}）不能大于违法面积（{_m2(whole)}）")
    return clean, errors


def validate_determination(values: dict, patch_area_m2: float, store: Optional[WorkStore] = None) -> List[str]:
    """Problems of a complete determination (empty list: valid); code lists from ``store`` or the defaults."""
    return _clean_determination(values, patch_area_m2, store)[1]


def _person_row(store: WorkStore, table: str, fid: int) -> dict:
    """A patch's row of a person-owned table (all columns), or {} when it has none yet."""
    rows = _dicts(store.conn.execute(f"SELECT * FROM {table} WHERE patch_fid = ?", (fid,)))
    return rows[0] if rows else {}


class ConflictError(ReviewError):
    """Someone saved the patch's row after the version this save was based on; nothing was written.

    ``changes`` lists (field, value this save started from, value saved since) of every field that
    differs; ``current`` is the row as it is now (give it as ``base`` to overwrite it knowingly)."""

    def __init__(self, message: str, changes: List[Tuple[str, Any, Any]], current: dict):
        super().__init__(message)
        self.changes = changes
        self.current = current


_TABLE_LABELS = {"determinations": "判定", "rectifications": "查处整改"}


def _shown(value: Any) -> str:
    return "（空）" if _blank(value) else str(value)


def _conflict(conn: sqlite3.Connection, table: str, fid: int, base: dict, fields: tuple) -> ConflictError:
    """The conflict a save based on ``base`` met: what changed since, by whom (the latest audit row)."""
    rows = _dicts(conn.execute(f"SELECT * FROM {table} WHERE patch_fid = ?", (fid,)))
    current = rows[0] if rows else {}
    changes = [(f, base.get(f), current.get(f)) for f in fields if base.get(f) != current.get(f)]
    last = conn.execute("SELECT actor, at FROM audit_log WHERE patch_fid = ? AND table_name = ? ORDER BY id DESC "
                        "LIMIT 1", (fid, table)).fetchone()
    who = f"{last[0]}于 {last[1]} " if last else ""
    lines = [f"  {FIELD_LABELS.get(f, f)}：{_shown(mine)} → {_shown(theirs)}" for f, mine, theirs in changes]
    message = (f"保存失败：你打开该图斑之后，{who}已修改了它的{_TABLE_LABELS[table]}"
               + ("：\n" + "\n".join(lines) if lines else "（字段值相同，版本已更新）")
               + "\n你的修改尚未保存。请查看对方的修改后决定：保留对方的修改，或用你的内容覆盖。")
    return ConflictError(message, changes, current)


def _write_person_row(store: WorkStore, table: str, fid: int, row: Dict[str, Any], actor: str, base: dict,
                      fields: tuple) -> None:
    """Write a patch's row of ``table`` in one audited transaction, if it is still the version ``base``
    (the row the caller read, {} for none): else :class:`ConflictError`, nothing written. The check and
    the write are one statement, so two saves racing on either backend cannot both pass it."""
    columns = tuple(row)
    version = base.get("row_version")
    with _audited_write(store, actor) as conn:
        if version is None:
            cur = conn.execute(f"INSERT INTO {table} (patch_fid, {', '.join(columns)}) "
                               f"VALUES ({', '.join('?' * (len(columns) + 1))}) ON CONFLICT (patch_fid) DO NOTHING",
                               [fid, *row.values()])
        else:
            cur = conn.execute(f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in columns)}, row_version = ? "
                               "WHERE patch_fid = ? AND row_version = ?", [*row.values(), version + 1, fid, version])
        if cur.rowcount != 1:
            raise _conflict(conn, table, fid, base, fields)


def load_determination(store: WorkStore, fid: int) -> dict:
    """The patch's determination row (all columns), or {} when it has none yet."""
    return _person_row(store, "determinations", fid)


def save_determination(store: WorkStore, patch_fid: int, values: dict, reviewer: str,
                       base: Optional[dict] = None) -> None:
    """Merge ``values`` into the patch's determination, validate the whole, and write it in one transaction.

    ``base`` is the row as the caller showed it (:func:`load_determination`): when someone saved the
    determination since, :class:`ConflictError` says what changed and nothing is written. Without
    ``base`` the row is read now (a save racing another one still fails rather than overwriting it).
    ``from_suggestion`` is 0 unless ``values`` says otherwise: a person's save is the person's judgement.
    """
    patch = _patch(store, patch_fid)
    if patch["split_state"] == SPLIT:
        raise ReviewError("该图斑已拆分，请对拆分后的各部分分别判定")
    base = load_determination(store, patch_fid) if base is None else base
    current = {f: v for f, v in base.items() if f in DETERMINATION_FIELDS}
    clean, errors = _clean_determination({**current, **values}, patch["area_m2"], store)
    if any(clean[f] != current.get(f) for f in LOCKED_FIELDS):
        check_unlocked(store.conn, patch["batch_id"])  # the trigger refuses it too; say so before validating
    if errors:
        raise ReviewError("\n".join(errors))
    _write_person_row(store, "determinations", patch_fid, {
        **{c: clean[c] for c in _DET_COLUMNS}, "reviewer": reviewer, "reviewed_at": now_iso()}, reviewer,
        base, _DET_COLUMNS)


def _analysis_row(store: WorkStore, patch_fid: int) -> Optional[tuple]:
    return store.conn.execute(
        "SELECT suggestion, suggestion_type, suggestion_reason, cultivated_m2, basic_farmland_m2, "
        "new_construction_m2, stock_construction_m2, mining_suggestion, mining_suggestion_type, "
        "mining_suggestion_reason, new_housing FROM analysis WHERE patch_fid = ?", (patch_fid,)).fetchone()


def _mining_only(row: Optional[tuple]) -> bool:
    """The violation is the mining one (违法 under the mining rule, not under the land rules)."""
    return row is not None and row[7] == ILLEGAL and row[0] != ILLEGAL


def _violation_values(store: WorkStore, area: float, row: Optional[tuple]) -> Dict[str, Any]:
    """The violation fields of :func:`suggested_violation` (a mining violation has no land category)."""
    subtype, cultivated, farmland, new_m2, stock_m2, housing = (None,) * 6 if row is None else (row[1], *row[3:7],
                                                                                               row[10])
    if _mining_only(row):
        subtype, category = row[8], None
    elif subtype == AGRICULTURE_DAMAGE:
        category = AGRICULTURE_DAMAGE
    else:  # 新增 when any part is new (cultivated land is always new), 存量 when all was construction land
        category = None if new_m2 is None else "新增" if new_m2 > 0 else "存量" if (stock_m2 or 0.0) > 0 else None
    return dict(
        illegal_m2=area,
        illegal_cultivated_m2=None if cultivated is None else min(cultivated, area),  # None: no 三调 was overlaid
        illegal_basic_farmland_m2=None if farmland is None else min(farmland, area),  # its own layer, not capped
        violation_category=category,
        violation_type=subtype if subtype in _codes(store, "violation_type") else None,
        is_new_housing=1 if housing else None)


def suggested_violation(store: WorkStore, patch_fid: int) -> Dict[str, Any]:
    """The violation fields the analysis can fill for a patch judged 违法: the whole patch illegal, of
    which its cultivated land and its 永农 (measured on the 永农 layer, not capped at the cultivated land),
    新增/存量 from the analysed areas, the violation type when the suggestion's subtype is one, and the
    新增乱占耕地建房 flag. A value the analysis did not measure (no 三调 or 永久基本农田 overlaid, no
    analysis) is None, never 0: 采纳建议 and the dock's prefill share this one behaviour."""
    return _violation_values(store, _patch(store, patch_fid)["area_m2"], _analysis_row(store, patch_fid))


def accept_suggestion(store: WorkStore, patch_fid: int, reviewer: str, base: Optional[dict] = None) -> None:
    """Save the analysis suggestion as the determination (the one-keystroke 采纳建议).

    The land suggestion is taken, or the mining one when mining is 违法 and land is not (a land approval
    never hides mining without a permit); either one 待核 needs a person. For 违法 the violation fields
    come from :func:`suggested_violation`; fields the suggestion cannot know (违法主体, 项目名称 …) keep
    what the reviewer already entered. ``base`` as in :func:`save_determination`.
    """
    patch = _patch(store, patch_fid)
    row = _analysis_row(store, patch_fid)
    if row is None or _blank(row[0]):
        raise ReviewError("该图斑尚无分析建议，请先运行分析")
    suggestion, subtype, reason = row[:3]
    mining, mining_type, mining_reason = row[7:10]
    if PENDING in (suggestion, mining):
        raise ReviewError("分析建议为“待核”，需要人工判定，不能直接采纳")
    if _mining_only(row):
        suggestion, subtype, reason = mining, mining_type, mining_reason
    values: Dict[str, Any] = {f: None for f in _VIOLATION_FIELDS}
    values.update(result=suggestion, subtype=_text(subtype), basis=_text(reason), from_suggestion=1)
    if suggestion == ILLEGAL:
        values.update(_violation_values(store, patch["area_m2"], row))
    save_determination(store, patch_fid, values, reviewer, base)


# -- rectifications ----------------------------------------------------------------------------------
def _clean_rectification(values: dict, illegal_m2: float,
                         illegal_cultivated_m2: Optional[float]) -> Tuple[dict, List[str]]:
    errors = _check_fields(values, RECTIFICATION_FIELDS)
    clean: Dict[str, Any] = {f: _text(values.get(f)) for f in RECTIFICATION_FIELDS}
    clean["case_filed"] = _flag(values, "case_filed", errors)
    clean["fine_yuan"] = _number(values, "fine_yuan", errors)
    for f in _RECT_AREAS:
        clean[f] = _number(values, f, errors)
        if clean[f] is not None and clean[f] > illegal_m2 + _AREA_TOLERANCE_M2:
            errors.append(f"{FIELD_LABELS[f]}（{_m2(clean[f])}）不能大于违法面积（{_m2(illegal_m2)}）")
    for f in _RECT_DATES:
        try:
            day = parse_date(values.get(f))
        except DateError as exc:
            errors.append(f"{FIELD_LABELS[f]}：{exc}")
            day = None
        clean[f] = day.isoformat() if day else None

    # Demolition and restoration are usually the same ground, so the larger of the two counts (as in the view).
    measures = (max(clean["demolished_m2"] or 0.0, clean["restored_m2"] or 0.0) + (clean["supplement_m2"] or 0.0)
                + (clean["confiscated_m2"] or 0.0))
    if measures > illegal_m2 + _AREA_TOLERANCE_M2:
        errors.append(f"整改面积合计（{_m2(measures)}）不能大于违法面积（{_m2(illegal_m2)}）")
    for part, whole, part_label, whole_label in (
            ("supplement_cultivated_m2", "supplement_m2", "补办其中耕地面积", "补办手续面积"),
            ("restored_cultivated_m2", "restored_m2", "复耕其中耕地面积", "复耕面积")):
        cultivated = clean[part]
        if cultivated is None:
            continue
        if cultivated > (clean[whole] or 0.0) + _PART_TOLERANCE_M2:
            errors.append(f"{part_label}不能大于{whole_label}")
        if illegal_cultivated_m2 is not None and cultivated > illegal_cultivated_m2 + _AREA_TOLERANCE_M2:
            errors.append(f"{part_label}不能大于违法占用耕地面积（{_m2(illegal_cultivated_m2)}）")
    agency = clean["referral_agency"]
    if agency is not None and agency not in REFERRAL_AGENCIES:
        errors.append(f"移送机关应为{'或'.join(REFERRAL_AGENCIES)}（移交其他部门请填移交部门）")
    if agency is None and (clean["referral_date"] or clean["referral_number"]):
        errors.append("填写了移送日期或文号，须填写移送机关")
    if clean["case_filed"] == 0 and clean["no_case_reason"] is None:
        errors.append("不予立案须填写原因")
    if clean["case_date"] and clean["closed_date"] and clean["closed_date"] < clean["case_date"]:
        errors.append("结案日期不能早于立案日期")
    if clean["writeoff_status"] == WRITTEN_OFF and clean["writeoff_date"] is None:
        errors.append("已销号须填写销号日期")
    return clean, errors


def validate_rectification(values: dict, illegal_m2: float, illegal_cultivated_m2: Optional[float] = None) -> List[str]:
    """Problems of a complete rectification record of a patch with this illegal area (empty: valid)."""
    return _clean_rectification(values, illegal_m2, illegal_cultivated_m2)[1]


def load_rectification(store: WorkStore, fid: int) -> dict:
    """The patch's rectification row (all columns), or {} when it has none yet."""
    return _person_row(store, "rectifications", fid)


def save_rectification(store: WorkStore, fid: int, values: dict, user: str, base: Optional[dict] = None) -> None:
    """Merge ``values`` into the rectification of an illegal patch, validate, write in one transaction;
    ``base`` as in :func:`save_determination`."""
    patch = _patch(store, fid)
    determination = load_determination(store, fid)
    if determination.get("result") != ILLEGAL:
        raise ReviewError("只有判定为违法的图斑才能填写查处整改情况")
    illegal = determination["illegal_m2"] if determination["illegal_m2"] is not None else patch["area_m2"]
    base = load_rectification(store, fid) if base is None else base
    current = {f: v for f, v in base.items() if f in RECTIFICATION_FIELDS}
    clean, errors = _clean_rectification({**current, **values}, illegal, determination["illegal_cultivated_m2"])
    if errors:
        raise ReviewError("\n".join(errors))
    _write_person_row(store, "rectifications", fid, {
        **{c: clean[c] for c in RECTIFICATION_FIELDS}, "updated_by": user, "updated_at": now_iso()}, user,
        base, RECTIFICATION_FIELDS)


def patch_status(store: WorkStore, fid: int) -> dict:
    """The patch's row of the patch_status view: derived status, remaining area, overdue flag."""
    rows = _dicts(store.conn.execute("SELECT * FROM patch_status WHERE fid = ?", (fid,)))
    if not rows:
        raise ReviewError(f"图斑不存在（fid={fid}）")
    return rows[0]


# -- history -----------------------------------------------------------------------------------------
def history(store: WorkStore, fid: int) -> List[HistoryEntry]:
    """Every recorded change of the patch, one entry per changed field, newest first."""
    entries: List[HistoryEntry] = []
    cur = store.conn.execute(
        "SELECT at, actor, table_name, action, old_values, new_values FROM audit_log "
        "WHERE patch_fid = ? ORDER BY id DESC", (fid,))
    for at, actor, table, action, old_json, new_json in cur:
        old = json.loads(old_json) if old_json else {}
        new = json.loads(new_json) if new_json else {}
        for field in list(old) + [f for f in new if f not in old]:
            before, after = old.get(field), new.get(field)
            if before != after:
                entries.append(HistoryEntry(at, actor, table, action, field, before, after))
    return entries


# -- stages and locks --------------------------------------------------------------------------------
def batch_lock_state(store: WorkStore, batch_name: str) -> Tuple[bool, Optional[str], Optional[str]]:
    """(locked, latest stage, its time); (False, None, None) before 一上."""
    last = _last_event(store.conn, _batch_id(store, batch_name))
    return (False, None, None) if last is None else (last[1] == 1, last[0], last[2])


def _snapshot(conn: sqlite3.Connection, batch_id: int, head: dict) -> str:
    """Everything submitted for the batch as JSON: patches, determinations, rectifications, suggestions."""
    def by_fid(sql: str, drop: Tuple[str, ...] = ("patch_fid",)) -> Dict[int, Any]:
        return {r["patch_fid"]: {k: v for k, v in r.items() if k not in drop}
                for r in _dicts(conn.execute(sql, (batch_id,)))}

    in_batch = "patch_fid IN (SELECT fid FROM patches WHERE batch_id = ?)"
    determinations = by_fid(f"SELECT * FROM determinations WHERE {in_batch}")
    rectifications = by_fid(f"SELECT * FROM rectifications WHERE {in_batch}")
    suggestions = by_fid("SELECT patch_fid, suggestion, suggestion_type, suggestion_reason, new_or_stock, "
                         "new_construction_m2, stock_construction_m2, mining_suggestion, mining_suggestion_type "
                         f"FROM analysis WHERE {in_batch}")
    statuses = by_fid("SELECT fid AS patch_fid, status, remaining_m2 FROM patch_status WHERE batch_id = ?")
    attachments: Dict[int, list] = {}
    for r in _dicts(conn.execute("SELECT patch_fid, file_name, kind, size_bytes, sha256 FROM attachments "
                                 f"WHERE {in_batch} ORDER BY id", (batch_id,))):
        attachments.setdefault(r.pop("patch_fid"), []).append(r)
    patches = []  # 涉军 patches are not reported through the system (《军用土地登记表》 goes separately)
    for p in _dicts(conn.execute(f"SELECT {', '.join(_PATCH_COLUMNS)} FROM patches WHERE batch_id = ? "
                                 "AND fid NOT IN (SELECT patch_fid FROM military_land) ORDER BY fid",
                                 (batch_id,))):
        fid = p["fid"]
        patches.append({**p, **statuses.get(fid, {}), "suggestion": suggestions.get(fid),
                        "determination": determinations.get(fid), "rectification": rectifications.get(fid),
                        "attachments": attachments.get(fid, [])})
    return json.dumps({**head, "patches": patches}, ensure_ascii=False, indent=1)


def lock_batch(store: WorkStore, batch_name: str, stage: str, actor: str, note: str = "") -> None:
    """Record a stage: 一上/二上 lock the batch's determinations, 一下 unlocks them; every stage keeps a
    snapshot of the batch as it stood (what was reported, or what came back)."""
    if stage not in STAGE_LOCKS:
        raise ReviewError(f"未知的上报阶段“{stage}”（应为一上、一下或二上）")
    batch_id = _batch_id(store, batch_name)
    with store.transaction() as conn:
        dialect(conn).order_stages(conn)  # saves in flight land before the snapshot, later ones see the lock
        last = _last_event(conn, batch_id)
        current = last[0] if last else None
        if current not in _NEXT_STAGE:
            raise ReviewError(f"批次“{batch_name}”已二上，上报流程已结束")
        if stage != _NEXT_STAGE[current]:
            raise ReviewError(f"批次“{batch_name}”当前为{current or '未上报'}，下一步应为"
                              f"{_NEXT_STAGE[current]}，不能{stage}")
        at = now_iso()
        batch = _dicts(conn.execute("SELECT name, received_date, file_name, checksum FROM batches WHERE id = ?",
                                    (batch_id,)))[0]
        snapshot = _snapshot(conn, batch_id, {"batch": batch, "stage": stage, "at": at, "actor": actor,
                                              "note": note})
        conn.execute("INSERT INTO stage_events (batch_id, stage, locks, at, actor, note, snapshot) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)", (batch_id, stage, STAGE_LOCKS[stage], at, actor, note, snapshot))


def export_snapshot(store: WorkStore, batch_name: str, stage: str, path) -> Path:
    """Write the snapshot taken at ``stage`` exactly as stored (UTF-8 JSON), whatever changed since."""
    row = store.conn.execute(
        "SELECT snapshot FROM stage_events WHERE batch_id = ? AND stage = ? AND snapshot IS NOT NULL "
        "ORDER BY id DESC LIMIT 1", (_batch_id(store, batch_name), stage)).fetchone()
    if row is None:
        raise ReviewError(f"批次“{batch_name}”没有{stage}的上报快照")
    path = Path(path)
    path.write_bytes(row[0].encode("utf-8"))
    return path


# -- attachments -------------------------------------------------------------------------------------
def add_attachment(store: WorkStore, fid: int, file_path, kind: Optional[str] = None,
                   actor: Optional[str] = None) -> int:
    """Store a file with the patch (core/review/attachments.py: photos keep their EXIF time and position)."""
    _patch(store, fid)  # a clear error for an unknown patch
    return attachments.add(store, attachments.PATCH, fid, file_path, kind, actor)


def list_attachments(store: WorkStore, fid: int) -> List[dict]:
    """The patch's attachments without their bytes, oldest first."""
    return attachments.list_for(store, attachments.PATCH, fid)


attachment_bytes = attachments.data
export_attachment = attachments.export
remove_attachment = attachments.remove


# -- deadlines ---------------------------------------------------------------------------------------
def recompute_due_dates(store: WorkStore) -> int:
    """Recompute every patch's determination deadline from its batch's receipt date and the store's
    'deadlines' setting (after the setting changed); returns how many due dates changed."""
    cfg = DeadlineConfig.load(store, keys.DEADLINES)
    changed = 0
    with store.transaction() as conn:
        for batch_id, name, received in conn.execute("SELECT id, name, received_date FROM batches").fetchall():
            try:
                day = parse_date(received)
            except DateError as exc:
                raise ReviewError(f"批次“{name}”的接收日期无法识别：{exc}") from exc
            if day is None:
                continue
            due = determination_due(day, cfg).isoformat()
            changed += conn.execute("UPDATE patches SET due_date = ? WHERE batch_id = ? AND "
                                    + dialect(conn).distinct("due_date", "?"), (due, batch_id, due)).rowcount
    return changed
