"""Legality suggestions (docs/DOMAIN.md §4): the default rule order, every threshold in :class:`RuleConfig`.

A suggestion is what the overlay says a patch most likely is, with the reason written out in Chinese
and the basis (documents, dates, shares, areas) as JSON; it never replaces a person's determination. A
layer that was not provided is never read as "no document": the rule that needs it yields 待核 instead.

Rule 0 comes first: the change type (TBLX) decides which rules apply (:class:`ChangeType`, a table kept
in the work store). Land and mining are judged separately: the land suggestion (rules 1–4, 6) and the
mining suggestion (rule 5) are two columns, so a land approval never hides mining without a permit.
Which reference layer makes a patch legal or other is read from core/roles.py: a new LEGAL or OTHER
role is tried by the same rule as its peers without code here. Pure functions, no I/O.
"""
from __future__ import annotations

import datetime as _dt
import json
import math
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache
from itertools import repeat
from typing import Any, Callable, Iterator, Mapping, NamedTuple, Sequence

import numpy as np

from weipian_plugin.core import roles
from weipian_plugin.core.analysis.overlay import (
    APPROVALS,
    BASIC_FARMLAND,
    CULTIVATED_DLBM,
    DATED_ROLES,
    ECO_REDLINE,
    FACILITY,
    ISSUED_ROLES,
    LANDUSE,
    LEGAL_ROLES,
    MINING,
    NOT_VALID,
    TEMPORARY,
    TOWNSHIPS,
    UNKNOWN,
    VALID,
    OverlayResult,
    PatchOverlay,
)
from weipian_plugin.core.config import Config
from weipian_plugin.core.intake.vector_io import to_date
from weipian_plugin.core.store import codes
from weipian_plugin.core.units import MU_M2, m2_to_mu
from weipian_plugin.core.vocabulary import ILLEGAL, LEGAL, NEW, OTHER, PENDING, STOCK

LATE_APPROVAL = "用地批准晚于影像时间，应立案查处后按补办处理"
UNKNOWN_TYPE = "未知图斑类型"
NEW_HOUSING = "新增乱占耕地建房"
AFTER_DATE, BEFORE_DATE = "hsx", "qsx"
"""Comparison date of dated documents: 后时相 (default) or 前时相 (falls back to 后时相 when missing)."""
_DATE_WORD = {AFTER_DATE: "后时相", BEFORE_DATE: "前时相"}

CONSTRUCTION_DLBM_PREFIXES = ["05", "06", "07", "08", "09", "1001", "1002", "1003", "1004", "1005", "1007",
                              "1008", "1009", "1109", "1201"]
"""Construction land in 三调 (docs/DOMAIN.md §3): the part of a violation on these classes before is 存量."""

_EPS_SHARE = 1e-9
_EPS_M2 = 1e-6
"""Float noise allowed at a threshold: a share of exactly 95 % or an area of exactly 1 亩 is *at* it."""

_OTHER_EFFECTS = roles.with_effect(roles.OTHER)


@dataclass(frozen=True)
class ChangeType:
    """One row of the change-type table (rule 0): which rules a TBLX code goes to."""

    code: str
    label: str
    rule: str
    """One of :data:`codes.CHANGE_RULES`."""
    cultivated_result: str = PENDING
    """Agricultural and solar changes on cultivated land or 永农: 待核 (default) or 违法."""


def default_change_types() -> list[ChangeType]:
    return [ChangeType(*row) for row in codes.DEFAULT_CHANGE_TYPES]


@dataclass
class RuleConfig(Config):
    """Every threshold, date rule and code list of the suggestion rules; shares are fractions of the patch."""

    approval_coverage: float = 0.95
    """Rule 1: documents in time (approvals, then supply, registration, other legal) cover at least this …"""
    max_uncovered_cultivated_m2: float = 0.5 * MU_M2
    """… and leave less than this much cultivated land uncovered (0.5 亩) …"""
    max_uncovered_m2: float = 1.0 * MU_M2
    """… and at most this much land of any class uncovered (1 亩)."""
    pending_coverage: float = 0.2
    """Rule 4: a document covering [pending_coverage, approval_coverage) of a patch makes it 待核."""
    other_coverage: float = 0.95
    """Rule 2: share that facility filings, 先行用地 and valid temporary-land approvals must cover."""
    mining_coverage: float = 0.95
    """Share that mining permits valid at the after-date must cover for 合法采矿; less (but some) is 越界."""
    mining_overlap_share: float = 0.1
    """A patch overlapping mining permits by at least this share is judged as mining too (besides TBLX CK)."""
    dominance_share: float = 0.5
    """Rule 3: 0702, or construction land inside CZCSXM 203, exempts a patch from this share."""
    flag_min_area_m2: float = 1.0
    """Overlaps below this (digitising slivers) raise no flag, count as no cultivated land and make no 越界."""
    road_max_width_m: float = 8.0
    """Rule 2: a new rural road (TBLX ND) at most this wide (equivalent rectangle) is 其他/农村道路; 0: any."""
    comparison_date: str = AFTER_DATE
    """Dated documents count when dated on or before this imagery date: 'hsx' (后时相) or 'qsx' (前时相)."""
    late_approval_result: str = ILLEGAL
    """先建后批 (document dated after the comparison date): 违法 (default) or 待核."""
    construction_dlbm_prefixes: list[str] = field(default_factory=lambda: list(CONSTRUCTION_DLBM_PREFIXES))
    homestead_dlbm: list[str] = field(default_factory=lambda: ["0702"])
    village_czcsxm: list[str] = field(default_factory=lambda: ["203"])
    livestock_keywords: list[str] = field(default_factory=lambda: ["畜禽", "养殖", "畜牧"])
    """A facility filing whose type (SSLX) names one of these is livestock: not on 永农."""
    change_types: list[ChangeType] = field(default_factory=default_change_types, metadata={"table": True})
    """Rule 0, kept in the store's ``change_types`` table (not in the ``rules`` setting)."""

    _CHOICES = {"comparison_date": (AFTER_DATE, BEFORE_DATE), "late_approval_result": (ILLEGAL, PENDING)}

    def to_dict(self) -> dict[str, Any]:
        """The settings part (JSON), without the change-type table."""
        return {k: v for k, v in asdict(self).items() if not _is_table(k)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None,
                  change_types: Sequence[ChangeType] | None = None) -> RuleConfig:
        """As :meth:`Config.from_dict` (unknown keys ignored, ill-typed values left at default), a choice
        outside its values left at default too; the change types come from their table."""
        config = super().from_dict({k: v for k, v in (data or {}).items() if not _is_table(k)})
        for name, allowed in cls._CHOICES.items():
            if getattr(config, name) not in allowed:
                setattr(config, name, getattr(cls(), name))
        if change_types is not None:
            config.change_types = list(change_types)
        return config


def _is_table(name: str) -> bool:
    """Whether ``name`` is a field kept in a table of its own (not in the ``rules`` setting)."""
    return any(f.name == name and f.metadata.get("table") for f in fields(RuleConfig))


PRESETS: dict[str, dict[str, Any]] = {
    "默认（DOMAIN §4）": {},
    "从严：光伏、农业项目占用耕地判违法": {"cultivated_result": {"GF": ILLEGAL, "KT": ILLEGAL, "01": ILLEGAL,
                                                          "02": ILLEGAL, "03": ILLEGAL, "04": ILLEGAL}},
    "以前时相为比对日期": {"settings": {"comparison_date": BEFORE_DATE}},
    "先建后批待核（由会审定性）": {"settings": {"late_approval_result": PENDING}},
}
"""Provincial presets: changes to the defaults (settings, and the 耕地 result of change types)."""


def preset(name: str) -> RuleConfig:
    """The default configuration with preset ``name`` applied."""
    changes = PRESETS[name]
    config = RuleConfig.from_dict(changes.get("settings"))
    results = changes.get("cultivated_result", {})
    config.change_types = [ChangeType(t.code, t.label, t.rule, results.get(t.code, t.cultivated_result))
                           for t in config.change_types]
    return config


@dataclass(frozen=True)
class PatchInfo:
    """What the rules need from the patch itself."""

    jcbh: str = ""
    tblx: str = ""
    hsx: _dt.date | None = None
    dlbm: str = ""
    """Land class before the change as issued with the patch; used only when no DLTB layer is given."""
    qsx: _dt.date | None = None
    width_m: float = math.nan
    """Width of the rectangle with the patch's area and perimeter (the rural-road width test)."""


@dataclass
class Suggestion:
    """One patch's suggestion (:meth:`Suggestions.row`)."""

    result: str
    """合法 / 违法 / 其他 / 待核: the land suggestion."""
    subtype: str
    reason: str
    basis: dict[str, Any]
    involves_basic_farmland: bool = False
    involves_eco_redline: bool = False
    involves_mining: bool = False
    new_or_stock: str = ""
    """新增 / 存量 for a suggested construction-land violation (新增 when any part is new), else ''."""
    new_construction_m2: float = 0.0
    stock_construction_m2: float = 0.0
    mining_result: str = ""
    mining_subtype: str = ""
    mining_reason: str = ""
    new_housing: bool = False


@dataclass
class Suggestions:
    """Suggestions of a run as columns (index = patch), ready to be written without per-patch objects."""

    result: list[str]
    subtype: list[str]
    reason: list[str]
    basis: list[str]
    """JSON text of each basis."""
    involves_basic_farmland: np.ndarray
    involves_eco_redline: np.ndarray
    involves_mining: np.ndarray
    new_or_stock: list[str]
    new_construction_m2: np.ndarray
    """m², NaN when the class before is unknown (no DLTB, no DLBM); 0 for non-construction outcomes."""
    stock_construction_m2: np.ndarray
    mining_result: list[str]
    mining_subtype: list[str]
    mining_reason: list[str]
    new_housing: np.ndarray

    def __len__(self) -> int:
        return len(self.result)

    def row(self, i: int) -> Suggestion:
        return Suggestion(
            self.result[i], self.subtype[i], self.reason[i], json.loads(self.basis[i]),
            bool(self.involves_basic_farmland[i]), bool(self.involves_eco_redline[i]), bool(self.involves_mining[i]),
            self.new_or_stock[i], float(self.new_construction_m2[i]), float(self.stock_construction_m2[i]),
            self.mining_result[i], self.mining_subtype[i], self.mining_reason[i], bool(self.new_housing[i]))

    def rows(self) -> list[Suggestion]:
        return [self.row(i) for i in range(len(self))]


def suggest_all(
    patches_tblx: Sequence[str],
    patches_hsx: Sequence[_dt.date | str | None],
    overlay_result: OverlayResult,
    config: RuleConfig | None = None,
    patches_dlbm: Sequence[str] | None = None,
    patches_qsx: Sequence[_dt.date | str | None] | None = None,
    patches_width: Sequence[float] | None = None,
) -> Suggestions:
    """The suggestions of every patch of ``overlay_result`` (sequences indexed like its patches).

    The rules run on whole arrays (:class:`_Rules`): a county's 100,000 patches take a few seconds.
    """
    n = len(overlay_result)
    date = lru_cache(maxsize=None, typed=True)(to_date)  # a batch has a few hundred distinct dates
    return _Rules(
        [t or "" for t in patches_tblx],
        [date(h) for h in patches_hsx],
        [date(q) for q in patches_qsx] if patches_qsx is not None else [None] * n,
        list(patches_dlbm) if patches_dlbm is not None else [""] * n,
        np.asarray(patches_width, dtype=np.float64) if patches_width is not None else np.full(n, np.nan),
        overlay_result,
        config or RuleConfig(),
    ).suggestions()


def suggest(patch: PatchInfo, row: PatchOverlay, config: RuleConfig | None = None) -> Suggestion:
    """The suggestion for one patch (the code of :func:`suggest_all`, on one row)."""
    return _Rules([patch.tblx], [patch.hsx], [patch.qsx], [patch.dlbm], np.array([patch.width_m]), row.as_result(),
                  config or RuleConfig()).suggestions().row(0)


def comparison_dates(config: RuleConfig, hsx: Sequence[Any], qsx: Sequence[Any]) -> list[_dt.date | None]:
    """The date each patch's dated documents are compared with (前时相 falls back to 后时相 when missing)."""
    date = lru_cache(maxsize=None, typed=True)(to_date)
    if config.comparison_date == BEFORE_DATE:
        return [date(q) or date(h) for h, q in zip(hsx, qsx)]
    return [date(h) for h in hsx]


def equivalent_width(area: np.ndarray, perimeter: np.ndarray) -> np.ndarray:
    """Shorter side of the rectangle with this area and perimeter (P/4 when no rectangle has them)."""
    a, p = np.asarray(area, dtype=np.float64), np.asarray(perimeter, dtype=np.float64)
    return (p - np.sqrt(np.maximum(p * p - 16.0 * a, 0.0))) / 4.0


# ---------------------------------------------------------------------------------------------------


def _pct(share: float) -> str:
    return f"{share * 100:.1f}%"


def _mu(m2: float) -> str:
    return f"{m2_to_mu(m2):.2f} 亩"


def _iso(d: _dt.date | None) -> str | None:
    return None if d is None else d.isoformat()


def _isos(dates: list[_dt.date | None]) -> list[str | None]:
    """:func:`_iso` of each date, formatting each distinct date once (documents share a few dates)."""
    iso = {d: _iso(d) for d in set(dates)}
    return list(map(iso.__getitem__, dates))


def _json_floats(values: np.ndarray) -> list[float | None]:
    """Each value as ``round(x, 6)`` gives it (None for NaN), for a whole array at once.

    ``rint(x·10⁶) / 10⁶`` is exactly what ``round`` returns (both are the double nearest the correctly
    rounded decimal) unless ``x·10⁶``, itself rounded to a double, lies within an ulp of a half-way
    point or is too large to have a fraction; those few values go through ``round`` itself.
    """
    x = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = x * 1e6
        half_way = np.abs(scaled - np.floor(scaled) - 0.5)
        doubtful = ~(half_way > 2 * np.abs(np.spacing(scaled))) | ~(np.abs(scaled) < 2.0 ** 52)  # NaN, ±inf too
    out: list[float | None] = (np.rint(scaled) / 1e6).tolist()
    for k in np.flatnonzero(doubtful).tolist():
        v = float(x[k])
        out[k] = None if math.isnan(v) else round(v, 6)
    return out


def _per_area(m2: np.ndarray, area: np.ndarray) -> np.ndarray:
    """``m2 / area``, 0 for a patch without area."""
    return np.divide(m2, area, out=np.zeros(len(area)), where=area > 0)


def _at_least(share: np.ndarray, threshold: float) -> np.ndarray:
    return share >= threshold - _EPS_SHARE


class _Branch(NamedTuple):
    """One outcome of the rules: the patches it claims (those no earlier branch claimed) and its text."""

    result: str
    subtype: str
    when: np.ndarray
    text: Callable[[int], str]
    construction: bool = False
    """Construction land (合法 or 违法 or undecided): 新增/存量 are measured for it."""


class _Rules:
    """docs/DOMAIN.md §4's rules for all patches at once.

    Every share, flag and condition is a numpy array over the patches; the land rules are a list of
    :class:`_Branch` in rule order and each patch takes the first whose condition holds; the mining rule
    is a second list. Only the reason and basis are then written per patch, from plain lists and the
    patch's rows of the overlay's long tables. Indices: ``i`` is a patch, ``k`` a row of the feature table.
    """

    def __init__(self, tblx: list[str], hsx: list[_dt.date | None], qsx: list[_dt.date | None], dlbm: list[str],
                 width: np.ndarray, result: OverlayResult, config: RuleConfig) -> None:
        self.res, self.cfg, self.tblx, self.hsx, self.dlbm, self.width = result, config, tblx, hsx, dlbm, width
        self.provided = result.provided
        n = len(result)
        self.area = np.asarray(result.area_m2, dtype=np.float64)
        self.code = [(t or "").strip().upper() for t in tblx]
        # A TBLX matches a code, else a name (some provinces issue 建构筑物 instead of 20).
        types = {t.label.strip(): t for t in reversed(config.change_types) if t.label.strip()}
        types.update({t.code.strip().upper(): t for t in config.change_types})
        self.type = [types.get(c) for c in self.code]
        self.rule = np.array([t.rule if t else "" for t in self.type], dtype=object)
        self.cmp = comparison_dates(config, hsx, qsx)
        before = config.comparison_date == BEFORE_DATE
        self.cmp_word = [_DATE_WORD[BEFORE_DATE if before and q is not None else AFTER_DATE] for q in qsx]
        self.share = {r: result.covered_share(r) for r in result.covered_m2}
        # Dated roles count only their documents in time (issued on or before the comparison date, or
        # valid at the after-date); undated roles count every document.
        self.valid_share = {r: _per_area(v, self.area) for r, v in result.valid_covered_m2.items()}
        self.counted = {r: self.valid_share.get(r, s) for r, s in self.share.items()}
        landuse = LANDUSE in self.provided
        self.source = "三调地类" if landuse else "图斑原地类"
        self.uncovered_label = "未覆盖耕地" if landuse else "未覆盖面积（未提供三调，按耕地计）"
        self.uncovered, self.uncovered_any = {}, {}
        for role in LEGAL_ROLES:
            if role in self.provided:
                outside = np.maximum(self.area * (1.0 - self.counted[role]), 0.0)
                self.uncovered_any[role] = outside
                self.uncovered[role] = result.uncovered_cultivated_m2[role] if landuse else outside
        nan = np.full(n, np.nan)
        self.cultivated = np.asarray(result.cultivated_m2, dtype=np.float64)
        self.farmland = result.covered_m2.get(BASIC_FARMLAND, nan)
        self.construction_share = self._class_share(config.construction_dlbm_prefixes)
        self.stock_m2 = np.minimum(self.construction_share * self.area, self.area)
        ft = result.features
        self.start = result._feature_start.tolist()  # rows of patch i: start[i]:start[i + 1]
        self.f_role, self.f_doc, self.f_feature = ft.role.tolist(), ft.doc.tolist(), ft.feature.tolist()
        self.f_valid, self.f_from, self.f_to = ft.valid.tolist(), ft.valid_from.tolist(), ft.valid_to.tolist()
        self.f_date, self.f_kind = ft.date.tolist(), ft.kind.tolist()

    # -- helpers -------------------------------------------------------------------------------------

    def _hits(self, i: int, role: str, valid: Sequence[int] | None = None) -> list[int]:
        """Rows of patch ``i``'s hits of ``role`` (only those whose validity is in ``valid`` if given)."""
        return [k for k in range(self.start[i], self.start[i + 1])
                if self.f_role[k] == role and (valid is None or self.f_valid[k] in valid)]

    def _docs(self, rows: Sequence[int], dated: bool = False) -> str:
        """Document numbers of ``rows``, once each; with ``dated``, each with its date of issue."""
        names: list[str] = []
        for k in rows:
            name = self.f_doc[k] or f"（无编号要素 {self.f_feature[k]}）"
            if dated:
                name += f"（{_DATE_WORDS[self.f_role[k]]} {_iso(self.f_date[k]) or '不详'}）"
            if name not in names:
                names.append(name)
        return "、".join(names)

    def _period(self, k: int) -> str:
        return f"有效期 {_iso(self.f_from[k]) or '不详'} 至 {_iso(self.f_to[k]) or '不详'}"

    def _imagery(self, i: int) -> str:
        return f"{self.cmp_word[i]} {_iso(self.cmp[i]) or '（缺失）'}"

    def _missing(self, keys: Sequence[str]) -> str:
        missing = [roles.label(r) for r in keys if r not in self.provided]
        return f"（未提供{'、'.join(missing)}图层）" if missing else ""

    def _class_share(self, prefixes: Sequence[str]) -> np.ndarray:
        """Share of DLTB classes starting with ``prefixes``, else the patch's own DLBM (all or nothing)."""
        if LANDUSE in self.provided:
            return self.res.dlbm_share(prefixes)
        start = tuple(prefixes)
        return np.array([(1.0 if d.startswith(start) else 0.0) if d else math.nan for d in self.dlbm])

    def _landuse_m2(self, dlbm_prefixes: Sequence[str], czcsxm: Sequence[str] | None = None,
                    cultivated: bool = False) -> np.ndarray:
        """Per patch, the area (or the cultivated area) of DLTB pieces on ``dlbm_prefixes`` [inside ``czcsxm``]."""
        lu, n = self.res.landuse, len(self.area)
        if LANDUSE not in self.provided:
            return np.full(n, np.nan)
        start = tuple(dlbm_prefixes)
        hit = {d: bool(d) and d.startswith(start) for d in set(lu.dlbm.tolist())}
        mask = np.fromiter(map(hit.__getitem__, lu.dlbm.tolist()), dtype=bool, count=len(lu.dlbm))
        if czcsxm is not None:
            mask &= np.isin(lu.czcsxm.astype(str), list(czcsxm))
        weights = lu.cultivated_m2 if cultivated else lu.area_m2
        return np.bincount(lu.patch[mask], weights[mask], minlength=n)

    # -- the land rules, in order ----------------------------------------------------------------------

    def land_branches(self) -> list[_Branch]:
        return [*self._change_type(), *self._legal(), *self._late(), *self._other_use(), *self._village(),
                *self._pending(), *self._construction()]

    def _on_farmland(self) -> np.ndarray:
        """Cultivated land or 永农 under the patch (NaN-safe: an unknown area is not "on")."""
        with np.errstate(invalid="ignore"):
            return (self.cultivated >= self.cfg.flag_min_area_m2) | (self.farmland >= self.cfg.flag_min_area_m2)

    def _change_type(self) -> list[_Branch]:
        """0. The change type: unknown codes, earthworks and sea to a person; agriculture, solar, road."""
        cfg, rule = self.cfg, self.rule
        known_farmland = ~np.isnan(self.cultivated) | ~np.isnan(self.farmland)
        on_farmland = self._on_farmland()
        illegal_on_farmland = np.array([t is not None and t.cultivated_result == ILLEGAL for t in self.type])
        cultivated, farmland = self.cultivated.tolist(), self.farmland.tolist()

        def kind(i: int) -> str:
            t = self.type[i]
            return f"图斑类型 {self.tblx[i]}（{t.label}）" if t and t.label else f"图斑类型 {self.tblx[i]}"

        def farmland_text(i: int) -> str:
            parts = [f"耕地 {_mu(cultivated[i])}" if not math.isnan(cultivated[i]) else "",
                     f"永久基本农田 {_mu(farmland[i])}" if not math.isnan(farmland[i]) else ""]
            return "、".join(p for p in parts if p)

        agricultural, solar = rule == codes.AGRICULTURAL, rule == codes.SOLAR
        too_wide = self.width > cfg.road_max_width_m if cfg.road_max_width_m > 0 else np.zeros(len(rule), dtype=bool)
        road = (rule == codes.ROAD) & ~too_wide
        width = self.width.tolist()
        return [
            _Branch(PENDING, UNKNOWN_TYPE, rule == "", lambda i: (
                f"图斑类型 {self.tblx[i] or '（空）'} 不在图斑类型规则表中，{UNKNOWN_TYPE}，不按建设用地推断")),
            _Branch(PENDING, "推堆土/动土", rule == codes.EARTHWORKS, lambda i: (
                f"{kind(i)} 多为伪变化或施工前期，需实地核实是否建设")),
            _Branch(PENDING, "围填海", rule == codes.SEA, lambda i: f"{kind(i)} 涉及海域，不按土地规则判断"),
            _Branch(PENDING, "农业项目", agricultural & ~known_farmland, lambda i: (
                f"{kind(i)} 为农业用途变化，未提供三调和永久基本农田图层，无法判断是否占用耕地")),
            _Branch(ILLEGAL, "农业项目破坏耕地", agricultural & on_farmland & illegal_on_farmland, lambda i: (
                f"{kind(i)} 为农业用途变化，占用{farmland_text(i)}，耕地转为其他农用地，不计入新增建设用地")),
            _Branch(PENDING, "耕地转其他农用地", agricultural & on_farmland, lambda i: (
                f"{kind(i)} 为农业用途变化，占用{farmland_text(i)}，是否农业项目破坏耕地需人工核实，不计入新增建设用地")),
            _Branch(OTHER, "其他", agricultural, lambda i: (
                f"{kind(i)} 为农业用途变化，未占用耕地或永久基本农田，不属于新增建设用地")),
            _Branch(PENDING, "光伏", solar & ~known_farmland, lambda i: (
                f"{kind(i)}，未提供三调和永久基本农田图层，无法判断是否占用耕地")),
            _Branch(ILLEGAL, "非农违法", solar & on_farmland & illegal_on_farmland, lambda i: (
                f"{kind(i)} 占用{farmland_text(i)}"), construction=True),
            _Branch(PENDING, "光伏", solar & on_farmland, lambda i: (
                f"{kind(i)} 占用{farmland_text(i)}，光伏不得占用耕地和永久基本农田，需人工核实")),
            _Branch(OTHER, "不改变原用地性质的光伏用地", solar, lambda i: (
                f"{kind(i)} 未占用耕地或永久基本农田，按不改变原用地性质的光伏用地")),
            _Branch(OTHER, "农村道路", road, lambda i: (
                f"{kind(i)} 为新建农村道路，宽度约 {width[i]:.1f} 米" + (
                    f"（不超过 {cfg.road_max_width_m:g} 米）" if cfg.road_max_width_m > 0 else "")
                if not math.isnan(width[i]) else f"{kind(i)} 为新建农村道路")),
        ]

    def _legal(self) -> list[_Branch]:
        """1. Documents in time cover the patch and leave little land (and less cultivated land) out."""
        return [_Branch(LEGAL, roles.BY_KEY[role].subtype, self._meets(role, self.counted[role]),
                        self._legal_text(role), construction=True)
                for role in LEGAL_ROLES if role in self.provided]

    def _meets(self, role: str, share: np.ndarray, uncovered: np.ndarray | None = None,
               uncovered_any: np.ndarray | None = None) -> np.ndarray:
        cfg = self.cfg
        uncovered = self.uncovered[role] if uncovered is None else uncovered
        uncovered_any = self.uncovered_any[role] if uncovered_any is None else uncovered_any
        with np.errstate(invalid="ignore"):
            return (_at_least(share, cfg.approval_coverage)
                    & (uncovered < cfg.max_uncovered_cultivated_m2 - _EPS_M2)
                    & (uncovered_any <= cfg.max_uncovered_m2 + _EPS_M2))

    def _legal_text(self, role: str) -> Callable[[int], str]:
        share, uncovered, outside = (self.counted[role].tolist(), self.uncovered[role].tolist(),
                                     self.uncovered_any[role].tolist())
        label, dated = roles.BY_KEY[role].doc_label, role in ISSUED_ROLES

        def text(i: int) -> str:
            hits = self._hits(i, role, (VALID, UNKNOWN))
            verb = "合计覆盖" if len({self.f_doc[k] for k in hits}) > 1 else "覆盖"
            when = f"，不晚于{self._imagery(i)}" if dated and any(self.f_valid[k] == VALID for k in hits) else ""
            return (f"{label} {self._docs(hits, dated)} {verb}图斑 {_pct(share[i])}{when}，"
                    f"{self.uncovered_label} {_mu(uncovered[i])}，未覆盖面积 {_mu(outside[i])}")
        return text

    def _late(self) -> list[_Branch]:
        """1 (先建后批). All documents would meet rule 1, the ones in time do not: dated after the imagery."""
        out = []
        for role in LEGAL_ROLES:
            if role not in self.provided or role not in ISSUED_ROLES:
                continue
            landuse = LANDUSE in self.provided
            whole = self.share[role]
            outside = np.maximum(self.area * (1.0 - whole), 0.0)
            uncovered = self.res.uncovered_cultivated_all_m2[role] if landuse else outside
            late = self._meets(role, whole, uncovered, outside) & ~self._meets(role, self.counted[role])
            label = roles.BY_KEY[role].doc_label

            def text(i: int, role: str = role, label: str = label) -> str:
                hits = self._hits(i, role, (NOT_VALID,))
                return (f"{label} {self._docs(hits, True)} 覆盖图斑，但晚于{self._imagery(i)}（先建后批/未批先用），"
                        f"{LATE_APPROVAL}")
            out.append(_Branch(self.cfg.late_approval_result, "非农违法" if self.cfg.late_approval_result == ILLEGAL
                               else "先建后批", late, text, construction=True))
        return out

    def _other_use(self) -> list[_Branch]:
        """2. Roles that make a patch 其他 (facility filings, 先行用地, temporary land valid at the after-date).

        DLBM 1202 or 1006 is the class *before* the change: context, never a route to 其他.
        """
        cfg, out = self.cfg, []
        for role in _OTHER_EFFECTS:
            if role not in self.provided:
                continue
            spec = roles.BY_KEY[role]
            covered = _at_least(self.counted[role], cfg.other_coverage)
            share = self.counted[role].tolist()
            if role == FACILITY:
                out.append(_Branch(PENDING, spec.subtype, covered & self._livestock_on_farmland(), lambda i: (
                    f"{spec.doc_label} {self._docs(self._hits(i, FACILITY, (VALID, UNKNOWN)), True)} 为畜禽养殖设施，"
                    f"但占用永久基本农田 {_mu(self.farmland[i])}，养殖设施不得占用永久基本农田")))
            if role in DATED_ROLES:
                out.append(_Branch(OTHER, spec.subtype, covered, self._validity_text(role)))
                continue
            out.append(_Branch(OTHER, spec.subtype, covered, lambda i, spec=spec, share=share: (
                f"{spec.doc_label} {self._docs(self._hits(i, spec.key, (VALID, UNKNOWN)), True)} 覆盖图斑 "
                f"{_pct(share[i])}，不晚于{self._imagery(i)}")))
            if role in ISSUED_ROLES:
                late = _at_least(self.share[role], cfg.other_coverage) & ~covered
                out.append(_Branch(PENDING, spec.subtype, late, lambda i, spec=spec: (
                    f"{spec.doc_label} {self._docs(self._hits(i, spec.key, (NOT_VALID,)), True)} 覆盖图斑，"
                    f"但晚于{self._imagery(i)}，影像时已在使用，需人工核实")))
        return out

    def _livestock_on_farmland(self) -> np.ndarray:
        words = tuple(self.cfg.livestock_keywords)
        ft = self.res.features
        livestock = np.array([r == FACILITY and v != NOT_VALID and any(w in (kind or "") for w in words)
                              for r, v, kind in zip(self.f_role, self.f_valid, self.f_kind)], dtype=bool)
        has = np.bincount(ft.patch[livestock], minlength=len(self.area)) > 0
        with np.errstate(invalid="ignore"):
            return has & (self.farmland >= self.cfg.flag_min_area_m2)

    def _validity_text(self, role: str) -> Callable[[int], str]:
        share, label = self.counted[role].tolist(), roles.BY_KEY[role].doc_label

        def text(i: int) -> str:
            valid = self._hits(i, role, (VALID,))
            periods = "；".join(f"{self.f_doc[k] or '无文号'} {self._period(k)}" for k in valid)
            return (f"{label} {self._docs(valid)} 覆盖图斑 {_pct(share[i])}，"
                    f"后时相 {_iso(self.hsx[i])} 在有效期内（{periods}）")
        return text

    def _village(self) -> list[_Branch]:
        """3. 农村宅基地 (0702 before) or construction land before inside CZCSXM 203; cultivated land inside
        203 is still cultivated land and goes on to the construction rule."""
        cfg = self.cfg
        homestead = self._class_share(cfg.homestead_dlbm)
        if LANDUSE in self.provided:
            village = _per_area(self._landuse_m2(cfg.construction_dlbm_prefixes, cfg.village_czcsxm), self.area)
        else:
            village = np.full(len(self.area), np.nan)
        homestead_values, village_values = homestead.tolist(), village.tolist()
        return [
            _Branch(OTHER, "农村宅基地", _at_least(homestead, cfg.dominance_share), lambda i: (
                f"{self.source} {'/'.join(cfg.homestead_dlbm)} 农村宅基地占图斑 {_pct(homestead_values[i])}"
                "（宅基地问题移交农业农村部门）")),
            _Branch(OTHER, "203范围", _at_least(village, cfg.dominance_share), lambda i: (
                f"三调城镇村属性码 {'/'.join(cfg.village_czcsxm)} 范围内原为建设用地的部分占图斑 "
                f"{_pct(village_values[i])}")),
        ]

    def _pending(self) -> list[_Branch]:
        """4. A document in time covers part of the patch, or rule 1 failed only on the uncovered areas.

        The document covering the most (the first such role on a tie) is the one named.
        """
        cfg = self.cfg
        keys = [r for r in (*LEGAL_ROLES, *_OTHER_EFFECTS) if r in self.provided]
        best = np.full(len(self.area), -1)
        best_share = np.full(len(self.area), np.nan)
        for k, role in enumerate(keys):
            share = self.counted[role]
            better = _at_least(share, cfg.pending_coverage) & ((best < 0) | (share > best_share))
            best[better] = k
            best_share[better] = share[better]
        best_values, share_values = best.tolist(), best_share.tolist()
        uncovered = {r: v.tolist() for r, v in self.uncovered.items()}
        outside = {r: v.tolist() for r, v in self.uncovered_any.items()}

        def text(i: int) -> str:
            role, share = keys[best_values[i]], share_values[i]
            spec = roles.BY_KEY[role]
            hits = self._hits(i, role, (VALID, UNKNOWN) if spec.dated else None)
            out = f"{spec.doc_label} {self._docs(hits, role in ISSUED_ROLES)} 覆盖图斑 {_pct(share)}"
            if role in LEGAL_ROLES and share >= cfg.approval_coverage - _EPS_SHARE:
                out += (f"，但{self.uncovered_label} {_mu(uncovered[role][i])}（限 {_mu(cfg.max_uncovered_cultivated_m2)}"
                        f" 以下），未覆盖面积 {_mu(outside[role][i])}（限 {_mu(cfg.max_uncovered_m2)}）")
            elif share < cfg.approval_coverage - _EPS_SHARE:
                out += f"，介于 {_pct(cfg.pending_coverage)} 与 {_pct(cfg.approval_coverage)} 之间"
            return out
        return [_Branch(PENDING, "部分覆盖", best >= 0, text, construction=True)]

    def _construction(self) -> list[_Branch]:
        """6. Construction not approved → 违法; 新增 and 存量 are split by area (cultivated land is never 存量)."""
        everyone = np.ones(len(self.area), dtype=bool)
        missing = self._missing(LEGAL_ROLES[1:])
        if APPROVALS not in self.provided:
            return [_Branch(PENDING, "未比对批文", everyone,
                            lambda i: f"未提供批文图层，无法判断图斑是否已批{missing}", construction=True)]
        approved, counted = self.share[APPROVALS].tolist(), self.counted[APPROVALS].tolist()
        construction = self.construction_share.tolist()
        stock, area = self.stock_m2.tolist(), self.area.tolist()
        cultivated = self.cultivated.tolist()
        context = self._context()

        def text(i: int) -> str:
            if approved[i] <= 0:
                parts = ["图斑未被批文覆盖"]
            elif counted[i] < approved[i]:
                parts = [f"图斑未被批文有效覆盖（批文覆盖 {_pct(approved[i])}，其中不晚于{self._imagery(i)}的 "
                         f"{_pct(counted[i])}）"]
            else:
                parts = [f"图斑未被批文有效覆盖（批文覆盖 {_pct(approved[i])}）"]
            if math.isnan(construction[i]):
                parts.append("未提供三调地类图斑，无法区分新增或存量")
            else:
                parts.append(f"{self.source}中建设用地占 {_pct(construction[i])}，"
                             f"新增 {_mu(area[i] - stock[i])}、存量 {_mu(stock[i])}")
            if not math.isnan(cultivated[i]):
                parts.append(f"占用耕地 {_mu(cultivated[i])}（耕地均计新增）")
            expired = self._hits(i, TEMPORARY, (NOT_VALID,))
            if expired:
                parts.append(f"临时用地 {self._docs(expired)} 于后时相 {_iso(self.hsx[i])} 不在有效期内")
            if context[i]:
                parts.append(context[i])
            return "，".join(parts) + missing
        return [_Branch(ILLEGAL, "非农违法", everyone, text, construction=True)]

    def _context(self) -> list[str]:
        """DLBM 1202 (设施农用地) or 1006 (农村道路) dominant before the change: said, not decided on."""
        if LANDUSE not in self.provided:
            return [""] * len(self.area)
        notes = [""] * len(self.area)
        for dlbm, name in (("1202", "设施农用地"), ("1006", "农村道路")):
            share = self.res.dlbm_share([dlbm])
            for i in np.flatnonzero(_at_least(share, self.cfg.dominance_share)).tolist():
                notes[i] = f"变化前三调地类为{name}（{dlbm}，占 {_pct(float(share[i]))}），仅作参考"
        return notes

    # -- the mining rule ---------------------------------------------------------------------------------

    def mining_branches(self) -> list[_Branch]:
        """5. Mining, for TBLX of the mining rule and patches on a permit, whatever the land documents say."""
        cfg = self.cfg
        is_ck = self.rule == codes.MINING
        if MINING not in self.provided:
            return [_Branch(PENDING, "采矿", is_ck, lambda i: f"图斑类型为采矿（{self.tblx[i]}），但未提供采矿权图层")]
        share, valid_share, area, ft = self.share[MINING], self.valid_share[MINING], self.area, self.res.features
        mining = is_ck | _at_least(share, cfg.mining_overlap_share)
        permit = np.asarray(ft.role == MINING, dtype=bool)
        permits = np.bincount(ft.patch[permit], minlength=len(area))
        unknown = np.bincount(ft.patch[permit & (ft.valid == UNKNOWN)], minlength=len(area))
        is_ck_values, share_values, valid_values = is_ck.tolist(), share.tolist(), valid_share.tolist()
        area_values = area.tolist()

        def where(i: int) -> str:
            return f"图斑类型为采矿（{self.tblx[i]}）" if is_ck_values[i] else f"图斑与采矿权范围重叠 {_pct(share_values[i])}"

        def legal(i: int) -> str:
            valid = self._hits(i, MINING, (VALID,))
            return (f"采矿许可证 {self._docs(valid)}（{'；'.join(self._period(k) for k in valid)}）覆盖图斑 "
                    f"{_pct(valid_values[i])}，后时相 {_iso(self.hsx[i])} 在有效期内")

        def overstepping(i: int) -> str:
            outside = area_values[i] * (1.0 - valid_values[i])
            return (f"有效采矿许可证 {self._docs(self._hits(i, MINING, (VALID,)))} 仅覆盖图斑 {_pct(valid_values[i])}，"
                    f"许可范围外 {_mu(outside)}")

        def lapsed(i: int) -> str:
            hsx = self.hsx[i]
            text = "；".join(
                f"{self.f_doc[k] or '无编号'} {self._period(k)}，后时相 {_iso(hsx)} "
                f"{'尚未生效' if hsx and self.f_from[k] and hsx < self.f_from[k] else '已过期'}"
                for k in self._hits(i, MINING, (NOT_VALID,)))
            return f"{where(i)}，采矿许可证不在有效期内（{text}），无有效采矿许可"
        with np.errstate(invalid="ignore"):
            return [
                _Branch(ILLEGAL, "无证开采", mining & (permits == 0), lambda i: f"{where(i)}，未与任何采矿许可范围重叠"),
                _Branch(PENDING, "采矿", mining & np.isnan(valid_share), lambda i: (
                    f"{where(i)}，涉及采矿许可证 {self._docs(self._hits(i, MINING))}，但后时相缺失，无法核验有效期")),
                _Branch(LEGAL, "合法采矿", mining & _at_least(valid_share, cfg.mining_coverage), legal),
                _Branch(ILLEGAL, "越界开采", mining & (valid_share * area >= cfg.flag_min_area_m2), overstepping),
                _Branch(PENDING, "采矿", mining & (unknown > 0), lambda i: (
                    f"{where(i)}，采矿许可证 {self._docs(self._hits(i, MINING, (UNKNOWN,)))} 有效期不详")),
                _Branch(ILLEGAL, "无证开采", mining, lapsed),
            ]

    # -- the suggestions -----------------------------------------------------------------------------

    @staticmethod
    def _first(branches: list[_Branch], n: int) -> np.ndarray:
        outcome = np.full(n, -1)
        for k, branch in enumerate(branches):
            outcome[(outcome < 0) & branch.when] = k
        return outcome

    def suggestions(self) -> Suggestions:
        res, cfg, n = self.res, self.cfg, len(self.area)
        land, mine = self.land_branches(), self.mining_branches()
        outcome, mining_outcome = self._first(land, n), self._first(mine, n)
        nan = np.full(n, np.nan)
        redline = res.covered_m2.get(ECO_REDLINE, nan)
        with np.errstate(invalid="ignore"):
            bf, eco = self.farmland >= cfg.flag_min_area_m2, redline >= cfg.flag_min_area_m2
        construction = np.array([b.construction for b in land], dtype=bool)[outcome]
        stock = np.where(construction, self.stock_m2, 0.0)
        new = np.where(construction, self.area - self.stock_m2, 0.0)
        results = [land[k].result for k in outcome.tolist()]
        subtypes = [land[k].subtype for k in outcome.tolist()]
        illegal = np.array([r == ILLEGAL for r in results], dtype=bool) & construction
        kinds = ["" if not v or math.isnan(s) else NEW if s >= cfg.flag_min_area_m2 else STOCK
                 for v, s in zip(illegal.tolist(), new.tolist())]
        with np.errstate(invalid="ignore"):
            housing = illegal & (self._landuse_m2(CULTIVATED_DLBM, cfg.village_czcsxm, cultivated=True)
                                 >= cfg.flag_min_area_m2)
        mining_results = [mine[k].result if k >= 0 else "" for k in mining_outcome.tolist()]
        mining_subtypes = [mine[k].subtype if k >= 0 else "" for k in mining_outcome.tolist()]
        mining_reasons = [mine[k].text(i) + "。" if k >= 0 else "" for i, k in enumerate(mining_outcome.tolist())]
        farmland_values, redline_values = self.farmland.tolist(), redline.tolist()
        reasons = []
        for i, (k, kind, b, e, h) in enumerate(zip(outcome.tolist(), kinds, bf.tolist(), eco.tolist(),
                                                    housing.tolist())):
            branch = land[k]
            verdict = "需人工核实" if branch.result == PENDING else \
                f"建议判定为{branch.result}（{f'{branch.subtype}，{kind}' if kind else branch.subtype}）"
            notes = (f"涉及永久基本农田 {_mu(farmland_values[i])}。" if b else "") + \
                (f"涉及生态保护红线 {_mu(redline_values[i])}。" if e else "") + \
                (f"203范围内占用耕地建房，标记为{NEW_HOUSING}。" if h else "")
            reasons.append(f"{branch.text(i)}，{verdict}。{notes}")
        bases = self._bases(mining_results, mining_subtypes)
        return Suggestions(
            results, subtypes, reasons, bases, bf, eco, np.array([r != "" for r in mining_results], dtype=bool),
            kinds, new, stock, mining_results, mining_subtypes, mining_reasons, housing)

    def _bases(self, mining_result: list[str], mining_subtype: list[str]) -> list[str]:
        """The basis of every patch as JSON text: its shares and areas, documents (each dated one marked
        valid or not) and DLTB classes; the comparison date and the mining outcome only where they say
        something (新增/存量 have their columns).

        The text is exactly ``json.dumps(basis, ensure_ascii=False)`` of the dict it describes (keys in
        this order), but written from pieces: each document and DLTB row once, each distinct string
        once, a county's 100,000 patches without a dict per patch (tests/test_rules.py round-trips it).
        """
        res, n = self.res, len(self.area)
        ft, lu = res.features, res.landuse
        dated_roles = set(DATED_ROLES) | set(ISSUED_ROLES)
        valid_text = {VALID: "true", NOT_VALID: "false", UNKNOWN: "null"}
        doc = np.asarray(ft.role != TOWNSHIPS, dtype=bool)
        documents = [
            f'{{"role": {r}, "doc": {d}, "name": {nm}, "share": {sh}, "area_m2": {a}, "date": {dt}, '
            f'"valid_from": {v0}, "valid_to": {v1}, "valid": {v}}}'
            for keep, r, d, nm, sh, a, dt, v0, v1, v in zip(
                doc.tolist(), _json_each(self.f_role), _json_each(self.f_doc), _json_each(ft.name.tolist()),
                _json_numbers(ft.share), _json_numbers(ft.area_m2), _json_each(_isos(self.f_date)),
                _json_each(_isos(self.f_from)), _json_each(_isos(self.f_to)),
                [valid_text[v] if r in dated_roles else "null" for r, v in zip(self.f_role, self.f_valid)])
            if keep]
        doc_start = np.concatenate(([0], np.cumsum(doc, dtype=np.int64)))[res._feature_start].tolist()
        landuse = [f'{{"dlbm": {d}, "dlmc": {m}, "czcsxm": {c}, "area_m2": {a}}}' for d, m, c, a in zip(
            _json_each(lu.dlbm.tolist()), _json_each(lu.dlmc.tolist()), _json_each(lu.czcsxm.tolist()),
            _json_numbers(lu.area_m2))]
        lu_start = res._landuse_start.tolist()
        layers = _json_text(sorted(self.provided))

        def columns(keys: Sequence[str], values: Mapping[str, np.ndarray]) -> Iterator[str]:
            """Per patch, the object ``{key: rounded value}`` of ``keys``, as text."""
            if not keys:
                return repeat("{}")
            names = [f"{_json_text(r)}: " for r in keys]
            return ("{" + ", ".join(map(str.__add__, names, row)) + "}"
                    for row in zip(*(_json_numbers(values[r]) for r in keys)))
        covered = sorted(res.covered_m2)
        dated = [r for r in sorted(res.valid_covered_m2) if r in DATED_ROLES]
        legal = sorted(res.uncovered_cultivated_m2)
        nan = np.full(n, np.nan)
        hsx_iso, cmp_iso = _isos(self.hsx), _isos(self.cmp)
        out = []
        for i, area, tblx, rule, hsx, cmp_, coverage, valid, cultivated, uncovered, farmland, redline, code, \
                name, mining, mining_kind in zip(
                range(n), _json_numbers(self.area), _json_each(self.tblx), _json_each(self.rule.tolist()),
                _json_each(hsx_iso), _json_each(cmp_iso), columns(covered, self.share),
                columns(dated, self.valid_share), _json_numbers(res.cultivated_m2),
                columns(legal, res.uncovered_cultivated_m2), _json_numbers(self.farmland),
                _json_numbers(res.covered_m2.get(ECO_REDLINE, nan)), _json_each(res.township_code.tolist()),
                _json_each(res.township_name.tolist()), _json_each(mining_result), _json_each(mining_subtype)):
            text = (f'{{"area_m2": {area}, "tblx": {tblx}, "change_rule": {rule}, "hsx": {hsx}, "layers": {layers}, '
                    f'"coverage": {coverage}, "valid_coverage": {valid}, "cultivated_m2": {cultivated}, '
                    f'"uncovered_cultivated_m2": {uncovered}, "basic_farmland_m2": {farmland}, '
                    f'"eco_redline_m2": {redline}, "township": {{"code": {code}, "name": {name}}}, '
                    f'"documents": [{", ".join(documents[doc_start[i]:doc_start[i + 1]])}], '
                    f'"landuse": [{", ".join(landuse[lu_start[i]:lu_start[i + 1]])}]')
            if cmp_iso[i] != hsx_iso[i]:
                text += f', "comparison_date": {cmp_}'
            if mining_result[i]:
                text += f', "mining": {{"result": {mining}, "subtype": {mining_kind}}}'
            out.append(text + "}")
        return out


_JSON_STR = json.encoder.encode_basestring
"""How ``json.dumps(..., ensure_ascii=False)`` writes a str (the C function where available)."""


def _json_text(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False)`` for None, bools, str, int, float and lists and str-keyed
    dicts of them (floats as ``float.__repr__``, NaN/±inf as json writes them)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _JSON_STR(value)
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (math.inf, -math.inf):
            return "Infinity" if value > 0 else "-Infinity"
        return float.__repr__(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(map(_json_text, value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_JSON_STR(k)}: {_json_text(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"not JSON: {type(value).__name__}")


def _json_each(values: Sequence[str | None]) -> list[str]:
    """:func:`_json_text` of each str or None, encoding each distinct value once (DLBM, roles, dates …)."""
    text = {v: _json_text(v) for v in set(values)}
    return list(map(text.__getitem__, values))


def _json_numbers(values: np.ndarray) -> list[str]:
    """The JSON text of each value rounded as :func:`_json_floats` rounds it (``repr`` of a finite float
    is json's text of it; NaN, written null, and ±inf are fixed afterwards)."""
    x = np.asarray(values, dtype=np.float64)
    rounded = _json_floats(x)
    out = list(map(repr, rounded))
    for k in np.flatnonzero(~np.isfinite(x)).tolist():
        out[k] = _json_text(rounded[k])
    return out


_DATE_WORDS = {r.key: next((f for f in r.fields.date if not f.isascii()), "日期") for r in roles.ROLES}
"""Role → the Chinese name of its date field (批准日期, 供地日期 …)."""
