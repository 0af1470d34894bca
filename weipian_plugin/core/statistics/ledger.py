"""The tables the bureau hands in (docs/DOMAIN.md §8): 图斑台账, 新增建设用地汇总表 by township, monthly progress,
and the store → :mod:`accountability` mapping.

Everything is read from the store's views (``patch_status`` for determination and rectification status,
remaining area and overdue) plus ``analysis``/``determinations``/``rectifications``. Patches that were
split (被拆分) and 涉军 patches are left out. Areas stay m²; each table's columns are described once
(:class:`Column`: key, header group, header, unit, decimals) and the xlsx writer, the HTML report and the
dock format a table through :func:`display_table`: 亩 to 2 decimals, every 合计 the unrounded sum rounded
once, the cells above it balanced (调平) so they add up to it — a cell is its number rounded down or up.

Mapping to :class:`~.accountability.IllegalRecord` (one record per 违法 patch):

- ``violation_category``: the determination's 违法类别 when it is one of 新增/存量/农业项目破坏耕地;
  otherwise 存量 when the analysis measured no 新增 part (``new_construction_m2`` 0, ``stock_construction_m2``
  positive); otherwise 新增, so an unclassified violation is counted rather than silently dropped.
- ``cultivated_m2``: the determination's illegal cultivated area, else the analysed cultivated area.
- ``supplemented``: a 补办 document or a 补办 area is recorded; ``supplemented_cultivated_m2`` is the
  recorded 补办 cultivated area, else the 补办 area's proportional share of the cultivated area
  (补办 area ÷ illegal area), else ``None`` (the whole cultivated area).
- ``restored``: a restored-to-farming (复耕) area is recorded; ``restored_cultivated_m2`` is the recorded
  复耕其中耕地, else the 复耕 area's proportional share of the cultivated area (复耕 ÷ illegal area).
  Demolition without 复耕 is not 复耕到位 and is not deducted.
- ``major_infrastructure``: the patch's 监测编号 or project name is in the store setting
  ``infrastructure_projects`` (the filed list of 交通/能源/水利 projects): each entry a name, or
  ``{"name": …, "level": "国家" | "省级"}`` (approval level; 省级 when not given).
- ``basic_farmland_m2`` / ``nature_reserve_m2``: the determination's illegal 永农, else the analysed one;
  the analysed 自然保护地 area (``nature_reserve_m2``, township 约谈 lines).
- 涉军 patches are left out (they are listed only in the 《军用土地登记表》).

Units marked 「造成恶劣影响」 (table ``serious_impact``) are passed with their reasons.

The denominator's legal part (``denominator_extra_m2``) is, per township, the analysed cultivated area
of 合法 patches plus the legal remainder (cultivated − illegal cultivated) of partly illegal 新增 patches.
"""
from __future__ import annotations

import datetime as dt
import functools
import math
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any, Iterable, Mapping, Optional, Sequence, Tuple

from weipian_plugin.core import roles
from weipian_plugin.core.statistics.accountability import (
    CATEGORIES,
    CATEGORY_AGRICULTURE,
    CATEGORY_EXISTING,
    CATEGORY_NEW,
    AccountabilityConfig,
    AccountabilityResult,
    IllegalRecord,
    Township,
    compute_accountability,
)
from weipian_plugin.core.store import keys
from weipian_plugin.core.store.workstore import WorkStore
from weipian_plugin.core.units import m2_to_mu
from weipian_plugin.core.vocabulary import ILLEGAL, LEGAL, OTHER, RECTIFIED_STATUSES, RECTIFYING, RESULTS, UNDETERMINED
from weipian_plugin.core.vocabulary import RECTIFIED as RECTIFIED_WORD

NO_TOWNSHIP = "（未落乡镇）"
RECTIFIED = RECTIFIED_STATUSES


@dataclass(frozen=True)
class Column:
    """One output column: ``key`` is an attribute of the row; a ``亩`` column whose key ends in ``_mu``
    reads the matching ``_m2`` attribute. ``unit`` '%' holds a fraction shown as a percentage; its total
    is ``ratio`` = (numerator key, denominator key) of two summable columns, from their unrounded sums."""

    key: str
    group: str
    header: str
    unit: str = ""
    decimals: Optional[int] = None
    ratio: Optional[Tuple[str, str]] = None

    @property
    def numeric(self) -> bool:
        return self.decimals is not None

    @property
    def summable(self) -> bool:
        return self.unit in ("亩", "m²", "个")

    @property
    def title(self) -> str:
        return f"{self.header}（{self.unit}）" if self.unit and self.unit != "%" else self.header

    def raw(self, row: Any) -> Any:
        """The unrounded value (亩 from m²), booleans and text as they are."""
        if self.unit == "亩" and self.key.endswith("_mu") and not _has_attribute(type(row), self.key):
            m2 = getattr(row, self.key[:-3] + "_m2")
            return None if m2 is None else m2_to_mu(m2)
        return getattr(row, self.key)

    def value(self, row: Any) -> Any:
        """The display value: numbers rounded half-up, booleans as 是/否, ``None`` as ``None``."""
        return self.shown(self.raw(row))

    def shown(self, v: Any) -> Any:
        if isinstance(v, bool):
            return "是" if v else "否"
        if v is None or not self.numeric:
            return v
        return round_half_up(v, self.places)

    @property
    def places(self) -> int:
        """Decimal places of the stored number (a percentage keeps two more, as a fraction)."""
        return self.decimals + (2 if self.unit == "%" else 0)


@functools.lru_cache(maxsize=None)
def _has_attribute(cls: type, name: str) -> bool:
    return hasattr(cls, name) or name in getattr(cls, "__dataclass_fields__", {})


def round_half_up(x: float, decimals: int) -> float:
    """Round as a person (and Excel's ROUND) does: 0.125 → 0.13."""
    q = Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return int(q) if decimals == 0 else float(q)


def total(values: Iterable[Optional[float]]) -> float:
    """The one way to add up a statistic: exact sum of the unrounded values (``None`` counts 0)."""
    return math.fsum(v for v in values if v is not None)


def balanced(values: Sequence[Optional[float]], decimals: int) -> Tuple[list, float]:
    """调平: (parts, total) where the total is the unrounded sum rounded once (half-up) and each part is
    its value rounded down or up so that the shown parts add up exactly to the shown total; the units
    left over go to the largest remainders (ties: the earlier row). ``None`` parts stay ``None``."""
    shown_total = round_half_up(total(values), decimals)
    scale = 10 ** decimals
    present = [(i, Decimal(repr(float(v))) * scale) for i, v in enumerate(values) if v is not None]
    floors = {i: int(x.to_integral_value(rounding=ROUND_FLOOR)) for i, x in present}
    # 0 ≤ units ≤ len(present) for non-negative values: the floors lose less than one unit each.
    units = int(Decimal(repr(float(shown_total))) * scale) - sum(floors.values())
    for i, _ in sorted(present, key=lambda p: (-(p[1] - floors[p[0]]), p[0]))[:units]:
        floors[i] += 1
    parts = [None if v is None else (floors[i] / scale if decimals else floors[i]) for i, v in enumerate(values)]
    return parts, shown_total


def display_table(columns: Sequence[Column], rows: Sequence[Any],
                  parts: Optional[int] = None) -> Tuple[list, list]:
    """(cell values per row, 合计 row) of a table, by the one rounding rule (README, 面积与合计).

    The first ``parts`` rows (default: all) are the parts of the 合计: in summable columns they are
    balanced (:func:`balanced`) so they add up to it, and it is their unrounded sum rounded once, which
    prints the same wherever that sum is shown. Rows after them (a county row under its townships, whose
    value is that same sum) and every other number are rounded on their own; a ratio column totals from
    the unrounded sums of its two columns; text totals are blank."""
    parts = len(rows) if parts is None else parts
    cells = [[None] * len(columns) for _ in rows]
    totals: list = [None] * len(columns)
    raw_sums = {}
    for j, col in enumerate(columns):
        raw = [col.raw(r) for r in rows]
        shown = [col.shown(v) for v in raw]
        if col.summable and col.numeric:
            shown[:parts], totals[j] = balanced(raw[:parts], col.decimals)
            raw_sums[col.key] = total(raw[:parts])
        for i, v in enumerate(shown):
            cells[i][j] = v
    for j, col in enumerate(columns):
        if col.ratio and raw_sums.get(col.ratio[1]):
            totals[j] = round_half_up(raw_sums[col.ratio[0]] / raw_sums[col.ratio[1]], col.places)
    return cells, totals


# -- 图斑台账 -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LedgerRow:
    fid: int
    seq: int
    batch: str
    received_date: Optional[str]
    jcbh: str
    township_code: Optional[str]
    township: str
    tblx: Optional[str]
    area_m2: float
    cultivated_m2: Optional[float]
    new_construction_m2: Optional[float]
    stock_construction_m2: Optional[float]
    suggestion: Optional[str]
    suggestion_type: Optional[str]
    suggestion_reason: Optional[str]
    mining_suggestion: Optional[str]
    mining_suggestion_type: Optional[str]
    due_date: Optional[str]
    result: Optional[str]
    subtype: Optional[str]
    violation_category: Optional[str]
    violation_type: Optional[str]
    illegal_m2: Optional[float]
    illegal_cultivated_m2: Optional[float]
    illegal_basic_farmland_m2: Optional[float]
    case_number: Optional[str]
    case_date: Optional[str]
    status: str
    remaining_m2: float
    writeoff_status: Optional[str]
    overdue: bool
    role_m2: Mapping[str, Optional[float]]
    """Each reference role's contract column (core/roles.py) → m²; read as attributes (``row.approved_m2``)."""
    # what DOMAIN.md §8 also asks of the ledger (defaults keep positional construction working)
    qsx: Optional[str] = None
    hsx: Optional[str] = None
    jcmj_m2: Optional[float] = None
    project_name: Optional[str] = None
    offender: Optional[str] = None
    is_nonagri: Optional[bool] = None
    is_new_housing: Optional[bool] = None
    case_filed: Optional[bool] = None
    fine_yuan: Optional[float] = None
    demolished_m2: Optional[float] = None
    restored_m2: Optional[float] = None
    supplement_m2: Optional[float] = None
    confiscated_m2: Optional[float] = None
    transfer_department: Optional[str] = None
    referral_agency: Optional[str] = None
    closed_date: Optional[str] = None

    def __getattr__(self, name: str) -> Any:
        if name in roles.COLUMNS:
            return self.role_m2.get(name)
        raise AttributeError(name)

    @property
    def rectified(self) -> bool:
        return self.status in RECTIFIED

    @property
    def illegal_or_area_m2(self) -> float:
        """The illegal area, or the whole patch when a violation was recorded without one."""
        return self.area_m2 if self.illegal_m2 is None else self.illegal_m2


LEDGER_COLUMNS = (
    Column("seq", "", "序号", decimals=0),
    Column("batch", "图斑信息", "批次"),
    Column("received_date", "图斑信息", "接收日期"),
    Column("jcbh", "图斑信息", "监测编号"),
    Column("township", "图斑信息", "乡镇"),
    Column("tblx", "图斑信息", "图斑类型"),
    Column("qsx", "图斑信息", "前时相"),
    Column("hsx", "图斑信息", "后时相"),
    Column("jcmj_mu", "图斑信息", "下发监测面积", "亩", 2),
    Column("area_m2", "图斑信息", "图斑面积", "m²", 2),
    Column("area_mu", "图斑信息", "图斑面积", "亩", 2),
    Column("cultivated_mu", "内业比对", "耕地", "亩", 2),
    *(Column(r.column[:-3] + "_mu", "内业比对", r.column_label, "亩", 2) for r in roles.ROLES if r.column),
    Column("new_construction_mu", "内业比对", "新增建设用地", "亩", 2),
    Column("stock_construction_mu", "内业比对", "存量建设用地", "亩", 2),
    Column("suggestion", "比对建议", "建议结果"),
    Column("suggestion_type", "比对建议", "建议类型"),
    Column("suggestion_reason", "比对建议", "建议理由"),
    Column("mining_suggestion", "比对建议", "矿产建议"),
    Column("mining_suggestion_type", "比对建议", "矿产建议类型"),
    Column("due_date", "合法性判定", "判定期限"),
    Column("result", "合法性判定", "判定结果"),
    Column("subtype", "合法性判定", "判定类型"),
    Column("violation_category", "合法性判定", "违法类别"),
    Column("violation_type", "合法性判定", "违法类型"),
    Column("project_name", "合法性判定", "项目名称"),
    Column("offender", "合法性判定", "违法主体"),
    Column("is_nonagri", "合法性判定", "非农化"),
    Column("is_new_housing", "合法性判定", "新增乱占耕地建房"),
    Column("illegal_mu", "违法面积", "违法面积", "亩", 2),
    Column("illegal_cultivated_mu", "违法面积", "其中耕地", "亩", 2),
    Column("illegal_basic_farmland_mu", "违法面积", "其中永久基本农田", "亩", 2),
    Column("case_filed", "查处整改", "是否立案"),
    Column("case_number", "查处整改", "立案编号"),
    Column("case_date", "查处整改", "立案日期"),
    Column("fine_yuan", "查处整改", "罚款", "元", 2),
    Column("demolished_mu", "查处整改", "拆除面积", "亩", 2),
    Column("restored_mu", "查处整改", "复耕面积", "亩", 2),
    Column("supplement_mu", "查处整改", "补办手续面积", "亩", 2),
    Column("confiscated_mu", "查处整改", "没收面积", "亩", 2),
    Column("transfer_department", "查处整改", "移交部门"),
    Column("referral_agency", "查处整改", "移送机关"),
    Column("closed_date", "查处整改", "结案日期"),
    Column("status", "查处整改", "整改状态"),
    Column("remaining_mu", "查处整改", "剩余未整改面积", "亩", 2),
    Column("writeoff_status", "查处整改", "销号"),
    Column("overdue", "查处整改", "判定逾期"),
)

_LEDGER_SQL = """
SELECT s.fid, s.batch, b.received_date, s.jcbh, s.township_code, s.township, p.tblx, s.area_m2,
  a.cultivated_m2, a.new_construction_m2, a.stock_construction_m2, a.suggestion, a.suggestion_type,
  a.suggestion_reason, a.mining_suggestion, a.mining_suggestion_type,
  s.due_date, s.result, s.subtype, d.violation_category, d.violation_type,
  s.illegal_m2, s.illegal_cultivated_m2, s.illegal_basic_farmland_m2,
  r.case_number, r.case_date, s.status, s.remaining_m2, r.writeoff_status, s.overdue,
  p.qsx, p.hsx, p.jcmj_m2, d.project_name, d.offender, d.is_nonagri, d.is_new_housing, r.case_filed,
  r.fine_yuan, r.demolished_m2, r.restored_m2, r.supplement_m2, r.confiscated_m2, r.transfer_department,
  r.referral_agency, r.closed_date,
  {role_columns}
FROM patch_status s
JOIN patches p ON p.fid = s.fid
JOIN batches b ON b.id = s.batch_id
LEFT JOIN analysis a ON a.patch_fid = s.fid
LEFT JOIN determinations d ON d.patch_fid = s.fid
LEFT JOIN rectifications r ON r.patch_fid = s.fid
WHERE s.split_state != '被拆分' AND s.military = 0 {where}
ORDER BY b.id, {jcbh}
"""


_EXTRAS = 16  # the DOMAIN §8 columns between ``overdue`` and the role columns
_FLAG_EXTRAS = (5, 6, 7)  # is_nonagri, is_new_housing, case_filed among them: shown 是/否


def _year_clause(year: Optional[int]) -> tuple:
    """A patch's year is its batch's received year (else its after-date's)."""
    if year is None:
        return "", []
    return " AND substr(coalesce(b.received_date, p.hsx, ''), 1, 4) = ?", [f"{int(year):04d}"]


def ledger_rows(store: WorkStore, batch: Optional[str] = None, year: Optional[int] = None) -> list:
    """One :class:`LedgerRow` per active patch, in batch and 监测编号 order; 涉军 patches are left out
    (they go only into the 《军用土地登记表》, :func:`..review.marks.military_register`)."""
    where, params = _year_clause(year)
    if batch:
        where += " AND s.batch = ?"
        params.append(batch)
    role_columns = tuple(roles.COLUMNS)
    sql = _LEDGER_SQL.format(where=where, role_columns=", ".join(f"a.{c}" for c in role_columns),
                             jcbh=store.dialect.order_text("s.jcbh"))
    out = []
    for seq, r in enumerate(store.conn.execute(sql, params), start=1):
        extra = [None if v is None else bool(v) if i in _FLAG_EXTRAS else v
                 for i, v in enumerate(r[30:30 + _EXTRAS])]
        out.append(LedgerRow(r[0], seq, *r[1:5], r[5] or NO_TOWNSHIP, *r[6:29], bool(r[29]),
                             dict(zip(role_columns, r[30 + _EXTRAS:])), *extra))
    return out


# -- 实际占用的新增建设用地统计汇总表 --------------------------------------------------------------------
@dataclass
class TownshipSummary:
    """One township of the 汇总表. 新增建设用地 is 合法 plus 违法新增 only; 存量, 农业项目破坏耕地, 其他 and
    未判定 are counted apart (a violation whose category the analysis derived and that holds both is
    split by the analysed 新增/存量 areas: its count with 新增, its 存量 area with 存量). Its cultivated land is built exactly as the 第15号令 denominator
    (:func:`_accountability_inputs`), so the sheet's ratio is the accountability ratio before deductions:
    合法 patches' analysed cultivated land, plus each 新增 violation's illegal cultivated land and the legal
    rest of its analysed cultivated land (counted with 合法)."""

    township_code: str
    township: str
    patch_count: int = 0
    area_m2: float = 0.0
    legal_count: int = 0
    legal_m2: float = 0.0
    legal_cultivated_m2: float = 0.0
    illegal_count: int = 0
    illegal_m2: float = 0.0
    illegal_cultivated_m2: float = 0.0
    illegal_basic_farmland_m2: float = 0.0
    stock_count: int = 0
    stock_m2: float = 0.0
    agriculture_count: int = 0
    agriculture_m2: float = 0.0
    agriculture_cultivated_m2: float = 0.0
    other_count: int = 0
    other_m2: float = 0.0
    undetermined_count: int = 0
    undetermined_m2: float = 0.0
    violation_count: int = 0
    """Every 违法 patch, whatever its category (for the report's ranking)."""
    rectified_count: int = 0
    remaining_m2: float = 0.0

    @property
    def new_m2(self) -> float:
        return self.legal_m2 + self.illegal_m2

    @property
    def new_cultivated_m2(self) -> float:
        return self.legal_cultivated_m2 + self.illegal_cultivated_m2

    @property
    def ratio(self) -> Optional[float]:
        """违法占用耕地比例 (before deductions): illegal 新增 cultivated ÷ 新增建设用地 cultivated."""
        return self.illegal_cultivated_m2 / self.new_cultivated_m2 if self.new_cultivated_m2 > 0 else None


SUMMARY_COLUMNS = (
    Column("township", "", "乡镇"),
    Column("new_mu", "新增建设用地（合法＋违法新增）", "面积", "亩", 2),
    Column("new_cultivated_mu", "新增建设用地（合法＋违法新增）", "其中耕地", "亩", 2),
    Column("legal_count", "其中：合法", "个数", "个", 0),
    Column("legal_mu", "其中：合法", "面积", "亩", 2),
    Column("legal_cultivated_mu", "其中：合法", "其中耕地", "亩", 2),
    Column("illegal_count", "其中：违法（新增）", "个数", "个", 0),
    Column("illegal_mu", "其中：违法（新增）", "面积", "亩", 2),
    Column("illegal_cultivated_mu", "其中：违法（新增）", "其中耕地", "亩", 2),
    Column("illegal_basic_farmland_mu", "其中：违法（新增）", "其中永久基本农田", "亩", 2),
    Column("ratio", "", "违法占用耕地比例", "%", 2, ratio=("illegal_cultivated_mu", "new_cultivated_mu")),
    Column("stock_count", "不计入新增建设用地", "存量违法个数", "个", 0),
    Column("stock_mu", "不计入新增建设用地", "存量违法面积", "亩", 2),
    Column("agriculture_count", "不计入新增建设用地", "农业项目破坏耕地个数", "个", 0),
    Column("agriculture_mu", "不计入新增建设用地", "农业项目破坏耕地面积", "亩", 2),
    Column("other_count", "不计入新增建设用地", "其他个数", "个", 0),
    Column("other_mu", "不计入新增建设用地", "其他面积", "亩", 2),
    Column("undetermined_count", "不计入新增建设用地", "未判定个数", "个", 0),
    Column("undetermined_mu", "不计入新增建设用地", "未判定面积", "亩", 2),
)

_SUMMARY_SQL = """
SELECT coalesce(s.township_code, ''), s.township, s.area_m2, s.result, d.violation_category,
  a.new_construction_m2, a.stock_construction_m2, s.illegal_m2, s.illegal_cultivated_m2, coalesce(s.illegal_basic_farmland_m2, a.basic_farmland_m2),
  a.cultivated_m2, s.status, s.remaining_m2
FROM patch_status s
JOIN patches p ON p.fid = s.fid
JOIN batches b ON b.id = s.batch_id
LEFT JOIN analysis a ON a.patch_fid = s.fid
LEFT JOIN determinations d ON d.patch_fid = s.fid
WHERE s.split_state != '被拆分' AND s.military = 0 {where}
"""


def township_summary(store: WorkStore, batch: Optional[str] = None, year: Optional[int] = None) -> list:
    """《实际占用的新增建设用地统计汇总表》: one :class:`TownshipSummary` per township (by code, then
    name) of the active, non-涉军 patches of ``year`` (and ``batch``)."""
    where, params = _year_clause(year)
    if batch:
        where += " AND s.batch = ?"
        params.append(batch)
    out: dict = {}
    for (code, name, area, result, category, new_m2, stock_m2, illegal, illegal_cult, farmland, cultivated, status,
         remaining) in store.conn.execute(_SUMMARY_SQL.format(where=where), params):
        t = out.setdefault((code, name or NO_TOWNSHIP), TownshipSummary(code, name or NO_TOWNSHIP))
        t.patch_count += 1
        t.area_m2 += area
        if result == LEGAL:
            t.legal_count += 1
            t.legal_m2 += area
            t.legal_cultivated_m2 += cultivated or 0.0
        elif result == ILLEGAL:
            t.violation_count += 1
            t.rectified_count += status in RECTIFIED
            t.remaining_m2 += remaining
            illegal_area = area if illegal is None else illegal
            cult = illegal_cult if illegal_cult is not None else (cultivated or 0.0)
            by_hand = category in CATEGORIES
            category = _category(category, new_m2, stock_m2)
            if category == CATEGORY_NEW:
                t.illegal_count += 1
                if not by_hand and (new_m2 or 0.0) > 0 and (stock_m2 or 0.0) > 0:
                    # 新增 and 存量 in one patch, split by the analysed areas: 存量 stays out of 新增建设用地
                    stock_part = illegal_area * stock_m2 / (new_m2 + stock_m2)
                    t.stock_m2 += stock_part
                    illegal_area -= stock_part
                t.illegal_m2 += illegal_area
                t.illegal_cultivated_m2 += cult
                t.illegal_basic_farmland_m2 += farmland or 0.0
                t.legal_m2 += max(0.0, area - illegal_area)  # the legal rest of a partly illegal patch
                t.legal_cultivated_m2 += max(0.0, (cultivated or 0.0) - cult)
            elif category == CATEGORY_AGRICULTURE:
                t.agriculture_count += 1
                t.agriculture_m2 += illegal_area
                t.agriculture_cultivated_m2 += cult
            else:
                t.stock_count += 1
                t.stock_m2 += illegal_area
        elif result == OTHER:
            t.other_count += 1
            t.other_m2 += area
        else:
            t.undetermined_count += 1
            t.undetermined_m2 += area
    return [out[k] for k in sorted(out)]


def summary_years(store: WorkStore) -> list:
    """The years (batch receipt, else 后时相) of the store's active patches, for one 汇总表 sheet each."""
    rows = store.conn.execute(
        "SELECT DISTINCT substr(coalesce(b.received_date, p.hsx, ''), 1, 4) FROM patches p "
        "JOIN batches b ON b.id = p.batch_id WHERE p.split_state != '被拆分'").fetchall()
    return sorted(int(y) for (y,) in rows if y and y.isdigit())


# -- monthly progress ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProgressRow:
    scope: str
    patch_count: int
    area_m2: float
    judged_count: int
    legal_count: int
    illegal_count: int
    other_count: int
    undetermined_count: int
    judged_share: Optional[float]
    rectified_count: int
    rectifying_count: int
    rectified_share: Optional[float]
    illegal_m2: float
    remaining_m2: float
    overdue_count: int


PROGRESS_COLUMNS = (
    Column("scope", "", "范围"),
    Column("patch_count", "下发图斑", "个数", "个", 0),
    Column("area_mu", "下发图斑", "面积", "亩", 2),
    Column("judged_count", "合法性判定", "已判定", "个", 0),
    Column("legal_count", "合法性判定", LEGAL, "个", 0),
    Column("illegal_count", "合法性判定", ILLEGAL, "个", 0),
    Column("other_count", "合法性判定", OTHER, "个", 0),
    Column("undetermined_count", "合法性判定", UNDETERMINED, "个", 0),
    Column("judged_share", "合法性判定", "判定率", "%", 2),
    Column("overdue_count", "合法性判定", "逾期未判定", "个", 0),
    Column("rectified_count", "违法图斑整改", RECTIFIED_WORD, "个", 0),
    Column("rectifying_count", "违法图斑整改", RECTIFYING, "个", 0),
    Column("rectified_share", "违法图斑整改", "整改率", "%", 2),
    Column("illegal_mu", "违法图斑整改", "违法面积", "亩", 2),
    Column("remaining_mu", "违法图斑整改", "剩余未整改面积", "亩", 2),
)


def progress_row(scope: str, rows: Sequence[LedgerRow]) -> ProgressRow:
    """Counts by outcome, judged share (of all) and rectified share (of the 违法 patches)."""
    results = Counter(r.result if r.result in RESULTS else "" for r in rows)
    illegal = [r for r in rows if r.result == ILLEGAL]
    judged = len(rows) - results[""]
    rectified = sum(r.rectified for r in illegal)
    return ProgressRow(
        scope=scope, patch_count=len(rows), area_m2=sum(r.area_m2 for r in rows),
        judged_count=judged, legal_count=results[LEGAL], illegal_count=results[ILLEGAL],
        other_count=results[OTHER], undetermined_count=results[""],
        judged_share=judged / len(rows) if rows else None,
        rectified_count=rectified, rectifying_count=sum(r.status == RECTIFYING for r in illegal),
        rectified_share=rectified / len(illegal) if illegal else None,
        illegal_m2=sum(r.illegal_or_area_m2 for r in illegal), remaining_m2=sum(r.remaining_m2 for r in illegal),
        overdue_count=sum(r.overdue for r in rows))


def _month_key(month: Any) -> str:
    if isinstance(month, (dt.date, dt.datetime)):
        return f"{month.year:04d}-{month.month:02d}"
    text = str(month).strip()
    try:
        dt.date.fromisoformat(text[:7] + "-01")
    except ValueError as exc:
        raise ValueError(f"月份应为 YYYY-MM：{month!r}") from exc
    return text[:7]


def latest_month(store: WorkStore, year: Optional[int] = None) -> Optional[str]:
    """The month (YYYY-MM) of the most recently received batch (of ``year`` when given)."""
    if year is None:
        return store.conn.execute("SELECT max(substr(received_date, 1, 7)) FROM batches").fetchone()[0]
    return store.conn.execute("SELECT max(substr(received_date, 1, 7)) FROM batches WHERE substr(received_date, 1, 4) = ?",
                              (f"{int(year):04d}",)).fetchone()[0]


def monthly_progress(store: WorkStore, month: Any) -> list:
    """Two :class:`ProgressRow`: the batches received in ``month`` (YYYY-MM or a date), and everything
    received in its year up to the month's end. Overdue is as of today (``patch_status``)."""
    key = _month_key(month)
    return progress_of_month(ledger_rows(store, year=int(key[:4])), key)


def progress_of_month(rows: Sequence[LedgerRow], month: Any) -> list:
    """:func:`monthly_progress` of already loaded ledger rows."""
    key = _month_key(month)
    this_month = [r for r in rows if (r.received_date or "")[:7] == key]
    to_date = [r for r in rows if r.received_date and r.received_date[:7] <= key
               and r.received_date[:4] == key[:4]]
    y, m = key.split("-")
    return [progress_row(f"{int(y)}年{int(m)}月下发", this_month),
            progress_row(f"{int(y)}年1—{int(m)}月累计", to_date)]


# -- accountability --------------------------------------------------------------------------------
ACCOUNTABILITY_COLUMNS = (
    Column("rank", "", "排名", decimals=0),
    Column("name", "", "单位"),
    Column("numerator_before_mu", "扣除前", "违法占用耕地", "亩", 2),
    Column("denominator_before_mu", "扣除前", "新增建设用地占用耕地", "亩", 2),
    Column("ratio_before", "扣除前", "比例", "%", 2),
    Column("supplemented_mu", "扣除项", "已补办手续（仅分子）", "亩", 2),
    Column("restored_mu", "扣除项", "已拆除复耕", "亩", 2),
    Column("infrastructure_mu", "扣除项", "重大基础设施", "亩", 2),
    Column("excluded_mu", "扣除项", "存量/农业项目（不计入）", "亩", 2),
    Column("numerator_after_mu", "扣除后", "违法占用耕地", "亩", 2),
    Column("denominator_after_mu", "扣除后", "新增建设用地占用耕地", "亩", 2),
    Column("ratio_after", "扣除后", "比例", "%", 2),
    Column("accountable", "结论", "纳入问责"),
    Column("interview", "结论", "乡镇警示约谈"),
    Column("points_lost", "结论", "扣分"),
    Column("explanation", "结论", "说明"),
)

RECORD_COLUMNS = (
    Column("record_id", "", "监测编号"),
    Column("township_name", "", "乡镇"),
    Column("violation_category", "", "违法类别"),
    Column("cultivated_mu", "", "违法占用耕地", "亩", 2),
    Column("supplemented", "已补办手续", "是否"),
    Column("supplemented_cultivated_mu", "已补办手续", "耕地（空为全部）", "亩", 2),
    Column("restored", "已拆除复耕", "是否"),
    Column("restored_cultivated_mu", "已拆除复耕", "复耕其中耕地", "亩", 2),
    Column("major_infrastructure", "重大基础设施", "是否"),
    Column("infrastructure_approval", "重大基础设施", "立项层级"),
    Column("basic_farmland_mu", "", "违法占用永久基本农田", "亩", 2),
)
"""Columns of the :class:`IllegalRecord` list behind the ratio."""


def accountability_config(store: WorkStore) -> AccountabilityConfig:
    """The store's saved configuration (setting ``accountability``), else the ministry default."""
    return AccountabilityConfig.load(store, keys.ACCOUNTABILITY)


_RECORD_SQL = """
SELECT s.jcbh, coalesce(s.township_code, ''), s.township, coalesce(p.xzqdm, ''), d.violation_category,
  a.new_construction_m2, a.stock_construction_m2, d.project_name, s.area_m2, s.illegal_m2, s.illegal_cultivated_m2,
  a.cultivated_m2, r.supplement_doc, r.supplement_m2, r.supplement_cultivated_m2, r.restored_m2, s.result,
  r.restored_cultivated_m2, coalesce(s.illegal_basic_farmland_m2, a.basic_farmland_m2), a.nature_reserve_m2
FROM patch_status s
JOIN patches p ON p.fid = s.fid
JOIN batches b ON b.id = s.batch_id
LEFT JOIN analysis a ON a.patch_fid = s.fid
LEFT JOIN determinations d ON d.patch_fid = s.fid
LEFT JOIN rectifications r ON r.patch_fid = s.fid
WHERE s.split_state != '被拆分' AND s.military = 0 AND s.result IN ('合法', '违法') {where}
ORDER BY {township_code}, {jcbh}
"""


def _category(determined: Optional[str], new_m2: Optional[float], stock_m2: Optional[float]) -> str:
    """The person's 违法类别, else 存量 when the analysis found only construction land before (no 新增
    part: cultivated land is always 新增), else 新增."""
    if determined in CATEGORIES:
        return determined
    if new_m2 is not None and new_m2 <= 0 and (stock_m2 or 0.0) > 0:
        return CATEGORY_EXISTING
    return CATEGORY_NEW


def infrastructure_projects(store: WorkStore) -> dict:
    """The filed major-infrastructure list: project name or 监测编号 → approval level (国家/省级)."""
    out = {}
    for entry in keys.INFRASTRUCTURE_PROJECTS.read(store):
        if isinstance(entry, dict):
            name, level = str(entry.get("name", "")).strip(), entry.get("level") or "省级"
        else:
            name, level = str(entry).strip(), "省级"
        if name:
            out[name] = level
    return out


def serious_impact_marks(store: WorkStore) -> dict:
    """Unit code → reason of every 「造成恶劣影响」 mark."""
    return dict(store.conn.execute("SELECT unit_code, reason FROM serious_impact"))


def _accountability_inputs(store: WorkStore, year: Optional[int]) -> tuple:
    """(records, denominator_extra_m2, townships) as documented at the top of this module."""
    where, params = _year_clause(year)
    infrastructure = infrastructure_projects(store)
    county = store.meta("county_code") or ""
    records, extra, townships = [], {}, {}
    for (jcbh, code, name, xzqdm, category, new_m2, stock_m2, project, area, illegal, illegal_cult, cultivated,
         supp_doc, supp_m2, supp_cult, restored_m2, result, restored_cult, farmland, nature_reserve) in \
            store.conn.execute(_RECORD_SQL.format(where=where, township_code=store.dialect.order_text("s.township_code"),
                                                 jcbh=store.dialect.order_text("s.jcbh")), params):
        name = name or NO_TOWNSHIP
        townships.setdefault(code, Township(code, name, xzqdm or county))
        if result == LEGAL:
            extra[code] = extra.get(code, 0.0) + (cultivated or 0.0)
            continue
        cult = illegal_cult if illegal_cult is not None else (cultivated or 0.0)
        category = _category(category, new_m2, stock_m2)
        if category == CATEGORY_NEW and cultivated is not None and cultivated > cult:
            extra[code] = extra.get(code, 0.0) + cultivated - cult
        illegal_area = area if illegal is None else illegal
        supplemented = bool(supp_doc) or (supp_m2 or 0.0) > 0
        if supp_cult is None and supp_m2 and illegal_area > 0 and supp_m2 < illegal_area:
            supp_cult = cult * supp_m2 / illegal_area
        restored = (restored_m2 or 0.0) > 0
        if restored and restored_cult is None:
            restored_cult = cult * min(1.0, restored_m2 / illegal_area) if illegal_area > 0 else 0.0
        level = infrastructure.get(jcbh) or infrastructure.get((project or "").strip())
        records.append(IllegalRecord(
            township_code=code, township_name=name, county_code=townships[code].county_code,
            violation_category=category, cultivated_m2=cult,
            supplemented=supplemented, supplemented_cultivated_m2=supp_cult if supplemented else None,
            restored=restored, restored_cultivated_m2=restored_cult if restored else None,
            major_infrastructure=level is not None, infrastructure_level=level or "省级",
            basic_farmland_m2=farmland or 0.0, nature_reserve_m2=nature_reserve or 0.0, record_id=jcbh))
    return records, extra, list(townships.values())


def accountability_records(store: WorkStore, year: Optional[int] = None) -> list:
    """One :class:`IllegalRecord` per 违法 patch of the year (mapping in the module docstring)."""
    return _accountability_inputs(store, year)[0]


def store_accountability(store: WorkStore, config: Optional[AccountabilityConfig] = None,
                         year: Optional[int] = None) -> AccountabilityResult:
    """第15号令 ratios of the store's townships and county; ``config`` defaults to the store's."""
    records, extra, townships = _accountability_inputs(store, year)
    return compute_accountability(records, extra, config or accountability_config(store), townships,
                                  serious_impact_marks(store))


# -- 实地核查 ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FieldCheckRow:
    batch: str
    jcbh: str
    township: str
    result: Optional[str]
    cultivated_m2: float
    """Cultivated land under new buildings: the 新增 violation's illegal cultivated land, or, before a
    determination, the analysed cultivated land of a patch suggested 违法."""


FIELD_CHECK_COLUMNS = (
    Column("batch", "", "批次"), Column("jcbh", "", "监测编号"), Column("township", "", "乡镇"),
    Column("result", "", "判定结果"), Column("cultivated_mu", "", "新建占用耕地", "亩", 2),
)


def field_check_rows(store: WorkStore, year: Optional[int] = None) -> list:
    """Patches flagged 实地核查 (≥ 50 亩 of cultivated land under new buildings, view ``patch_status``)."""
    where, params = _year_clause(year)
    sql = f"""
SELECT s.batch, s.jcbh, coalesce(s.township, '{NO_TOWNSHIP}'), s.result,
  CASE WHEN s.result = '违法' THEN s.illegal_cultivated_m2 ELSE a.cultivated_m2 END
FROM patch_status s JOIN patches p ON p.fid = s.fid JOIN batches b ON b.id = s.batch_id
LEFT JOIN analysis a ON a.patch_fid = s.fid
WHERE s.field_check = 1 AND s.military = 0 AND s.split_state != '被拆分' {where}
ORDER BY b.id, {store.dialect.order_text("s.jcbh")}"""
    return [FieldCheckRow(*r) for r in store.conn.execute(sql, params)]
