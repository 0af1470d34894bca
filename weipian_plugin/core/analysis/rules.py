"""Legality suggestions (DOMAIN.md §4): the default rule order, every threshold in :class:`RuleConfig`.

A suggestion is what the overlay says a patch most likely is, with the reason written out in Chinese
and the basis (documents, shares, areas) as JSON-safe data; it never replaces a person's
determination. A layer that was not provided is never read as "no document": the rule that needs it
yields 待核 instead. Pure functions, no I/O.
"""
from __future__ import annotations

import datetime as _dt
import gc
import math
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from typing import Any, Callable, Iterator, Mapping, NamedTuple, Sequence

import numpy as np

from weipian_plugin.core.analysis.overlay import (
    APPROVALS,
    BASIC_FARMLAND,
    DATED_ROLES,
    ECO_REDLINE,
    FACILITY,
    LANDUSE,
    LEGAL_ROLES,
    MINING,
    NOT_VALID,
    REGISTRATION,
    SUPPLY,
    TEMPORARY,
    TOWNSHIPS,
    UNKNOWN,
    VALID,
    OverlayResult,
    PatchOverlay,
)
from weipian_plugin.core.config import Config
from weipian_plugin.core.intake.vector_io import to_date
from weipian_plugin.core.units import MU_M2, m2_to_mu
from weipian_plugin.core.vocabulary import ILLEGAL, LEGAL, NEW, OTHER, PENDING, STOCK

CONSTRUCTION_DLBM_PREFIXES = ["05", "06", "07", "08", "09", "1001", "1002", "1003", "1004", "1005", "1007",
                              "1008", "1009", "1109", "1201"]
"""Construction land in 三调 (DOMAIN.md §3): the classes that make a violation 存量 when dominant before."""

_LEGAL_SUBTYPE = {APPROVALS: "批文", SUPPLY: "供地手续", REGISTRATION: "登记发证"}
_DOC_LABEL = {APPROVALS: "批文", SUPPLY: "供地", REGISTRATION: "不动产权证", FACILITY: "设施农用地备案",
              TEMPORARY: "临时用地", MINING: "采矿许可证"}
_LAYER_LABEL = {LANDUSE: "三调地类图斑", BASIC_FARMLAND: "永久基本农田", APPROVALS: "批文", SUPPLY: "供地",
                REGISTRATION: "登记发证", FACILITY: "设施农用地备案", TEMPORARY: "临时用地", MINING: "采矿权",
                ECO_REDLINE: "生态保护红线", TOWNSHIPS: "乡镇"}


@dataclass
class RuleConfig(Config):
    """Every threshold and code list of the suggestion rules; shares are fractions of the patch area."""

    approval_coverage: float = 0.95
    """Rule 1: the union of approvals (then supply, then registration) must cover at least this share …"""
    max_uncovered_cultivated_m2: float = 0.5 * MU_M2
    """… and leave less than this much cultivated land uncovered (0.5 亩)."""
    pending_coverage: float = 0.2
    """Rule 6: a document covering [pending_coverage, approval_coverage) of a patch makes it 待核."""
    facility_coverage: float = 0.95
    """Share that facility-agriculture filings must cover."""
    temporary_coverage: float = 0.95
    """Share that temporary-land approvals valid at the after-date must cover."""
    mining_coverage: float = 0.95
    """Share that mining permits valid at the after-date must cover for 合法采矿; less (but some) is 越界."""
    mining_overlap_share: float = 0.1
    """A patch overlapping mining permits by at least this share is treated as mining (besides TBLX CK)."""
    dominance_share: float = 0.5
    """A DLTB class (1202, 1006, 0702) or CZCSXM 203 "dominates" at this share of the patch."""
    stock_share: float = 0.5
    """A violation is 存量 when construction land before the change covers at least this share."""
    flag_min_area_m2: float = 1.0
    """Overlaps below this (digitising slivers) raise no basic-farmland / red-line flag and make no 越界."""
    mining_tblx: list[str] = field(default_factory=lambda: ["CK"])
    road_tblx: list[str] = field(default_factory=lambda: ["ND", "DL1", "DL2", "DL3"])
    non_construction_tblx: list[str] = field(default_factory=lambda: ["01", "02", "03", "04"])
    """Change types that are not construction: never suggested as 违法 by rule 5."""
    construction_dlbm_prefixes: list[str] = field(default_factory=lambda: list(CONSTRUCTION_DLBM_PREFIXES))
    facility_dlbm: list[str] = field(default_factory=lambda: ["1202"])
    road_dlbm: list[str] = field(default_factory=lambda: ["1006"])
    homestead_dlbm: list[str] = field(default_factory=lambda: ["0702"])
    village_czcsxm: list[str] = field(default_factory=lambda: ["203"])


@dataclass(frozen=True)
class PatchInfo:
    """What the rules need from the patch itself."""

    jcbh: str = ""
    tblx: str = ""
    hsx: _dt.date | None = None
    dlbm: str = ""
    """Land class before the change as issued with the patch; used only when no DLTB layer is given."""


@dataclass
class Suggestion:
    result: str
    """合法 / 违法 / 其他 / 待核."""
    subtype: str
    reason: str
    basis: dict[str, Any]
    involves_basic_farmland: bool = False
    involves_eco_redline: bool = False
    involves_mining: bool = False
    new_or_stock: str = ""
    """新增 / 存量 for a suggested construction-land violation, else ''."""


def suggest_all(
    patches_tblx: Sequence[str],
    patches_hsx: Sequence[_dt.date | str | None],
    overlay_result: OverlayResult,
    config: RuleConfig | None = None,
    patches_dlbm: Sequence[str] | None = None,
) -> list[Suggestion]:
    """:func:`suggest` for every patch of ``overlay_result`` (sequences indexed like its patches).

    The rules run on whole arrays (:class:`_Rules`): a county's 100,000 patches take a few seconds.
    """
    n = len(overlay_result)
    date = lru_cache(maxsize=None, typed=True)(to_date)  # a batch has a few hundred distinct dates
    return _Rules(
        [t or "" for t in patches_tblx],
        [date(h) for h in patches_hsx],
        list(patches_dlbm) if patches_dlbm is not None else [""] * n,
        overlay_result,
        config or RuleConfig(),
    ).suggestions()


def suggest(patch: PatchInfo, row: PatchOverlay, config: RuleConfig | None = None) -> Suggestion:
    """The suggestion for one patch, trying DOMAIN.md §4's rules in order (the code of :func:`suggest_all`)."""
    return _Rules([patch.tblx], [patch.hsx], [patch.dlbm], row.as_result(), config or RuleConfig()).suggestions()[0]


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


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: suggestions hold no reference cycles, and with it running,
    building 100,000 of them spent half the time re-scanning those already built."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Branch(NamedTuple):
    """One outcome of the rules: the patches it claims (those no earlier branch claimed) and its text."""

    result: str
    subtype: str
    when: np.ndarray
    text: Callable[[int], str]
    new_or_stock: list[str] | None = None
    """Per patch, for the construction-land violation only."""


class _Rules:
    """DOMAIN.md §4's rules for all patches at once.

    Every share, flag and condition is a numpy array over the patches; the rules are a list of
    :class:`_Branch` in rule order, and each patch takes the first whose condition holds. Only the
    reason and basis are then written per patch, from plain lists and the patch's rows of the overlay's
    long tables (building an object per patch and per hit took most of the time before).
    Indices: ``i`` is a patch, ``k`` a row of :class:`FeatureTable`.
    """

    def __init__(self, tblx: list[str], hsx: list[_dt.date | None], dlbm: list[str], result: OverlayResult,
                 config: RuleConfig) -> None:
        self.res, self.cfg, self.tblx, self.hsx, self.dlbm = result, config, tblx, hsx, dlbm
        self.provided = result.provided
        self.area = np.asarray(result.area_m2, dtype=np.float64)
        self.code = [(t or "").strip().upper() for t in tblx]
        self.share = {r: result.covered_share(r) for r in result.covered_m2}
        self.valid_share = {r: _per_area(v, self.area) for r, v in result.valid_covered_m2.items()}
        landuse = LANDUSE in self.provided
        self.source = "三调地类" if landuse else "图斑原地类"
        # Cultivated land outside each legal role's union; without DLTB the whole uncovered area bounds it.
        self.uncovered_label = "未覆盖耕地" if landuse else "未覆盖面积（未提供三调，按耕地计）"
        self.uncovered = {}
        for role in LEGAL_ROLES:
            if role in self.provided:
                outside = self.area - result.covered_m2[role]
                self.uncovered[role] = (result.uncovered_cultivated_m2[role] if landuse
                                        else np.where(outside > 0.0, outside, 0.0))
        ft = result.features
        self.start = result._feature_start.tolist()  # rows of patch i: start[i]:start[i + 1]
        self.f_role, self.f_doc, self.f_feature = ft.role.tolist(), ft.doc.tolist(), ft.feature.tolist()
        self.f_valid, self.f_from, self.f_to = ft.valid.tolist(), ft.valid_from.tolist(), ft.valid_to.tolist()

    # -- helpers -------------------------------------------------------------------------------------

    def _hits(self, i: int, role: str, valid: int | None = None) -> list[int]:
        """Rows of patch ``i``'s hits of ``role`` (only those with validity ``valid`` if given)."""
        return [k for k in range(self.start[i], self.start[i + 1])
                if self.f_role[k] == role and (valid is None or self.f_valid[k] == valid)]

    def _docs(self, rows: Sequence[int]) -> str:
        names: list[str] = []
        for k in rows:
            name = self.f_doc[k] or f"（无编号要素 {self.f_feature[k]}）"
            if name not in names:
                names.append(name)
        return "、".join(names)

    def _period(self, k: int) -> str:
        return f"有效期 {_iso(self.f_from[k]) or '不详'} 至 {_iso(self.f_to[k]) or '不详'}"

    def _missing(self, roles: Sequence[str]) -> str:
        missing = [_LAYER_LABEL[r] for r in roles if r not in self.provided]
        return f"（未提供{'、'.join(missing)}图层）" if missing else ""

    def _class_share(self, prefixes: Sequence[str]) -> np.ndarray:
        """Share of DLTB classes starting with ``prefixes``, else the patch's own DLBM (all or nothing)."""
        if LANDUSE in self.provided:
            return self.res.dlbm_share(prefixes)
        start = tuple(prefixes)
        return np.array([(1.0 if d.startswith(start) else 0.0) if d else math.nan for d in self.dlbm])

    def _is(self, codes: Sequence[str]) -> np.ndarray:
        """Whether each patch's TBLX is one of ``codes`` (both trimmed, case-insensitive)."""
        wanted = {c.strip().upper() for c in codes}
        return np.array([c in wanted for c in self.code], dtype=bool)

    # -- the rules, in order -------------------------------------------------------------------------

    def branches(self) -> list[_Branch]:
        return [*self._legal(), *self._other_use(), *self._village(), *self._mining(), *self._pending(),
                *self._construction()]

    def _legal(self) -> list[_Branch]:
        """1. Approvals, then supply, then registration cover the patch and leave little cultivated out."""
        cfg = self.cfg
        roles = [r for r in LEGAL_ROLES if r in self.provided]
        return [_Branch(LEGAL, _LEGAL_SUBTYPE[role], (self.share[role] >= cfg.approval_coverage)
                        & (self.uncovered[role] < cfg.max_uncovered_cultivated_m2), self._legal_text(role))
                for role in roles]

    def _legal_text(self, role: str) -> Callable[[int], str]:
        share, uncovered = self.share[role].tolist(), self.uncovered[role].tolist()

        def text(i: int) -> str:
            hits = self._hits(i, role)
            verb = "合计覆盖" if len({self.f_doc[k] for k in hits}) > 1 else "覆盖"
            return (f"{_DOC_LABEL[role]} {self._docs(hits)} {verb}图斑 {_pct(share[i])}，"
                    f"{self.uncovered_label} {_mu(uncovered[i])}")
        return text

    def _other_use(self) -> list[_Branch]:
        """2. Facility agriculture, temporary land valid at the after-date, rural road."""
        cfg, out = self.cfg, []
        if FACILITY in self.provided:
            filed = self.share[FACILITY].tolist()
            out.append(_Branch(OTHER, "设施农用地", self.share[FACILITY] >= cfg.facility_coverage, lambda i: (
                f"{_DOC_LABEL[FACILITY]} {self._docs(self._hits(i, FACILITY))} 覆盖图斑 {_pct(filed[i])}")))
        facility = self._class_share(cfg.facility_dlbm)
        facility_values = facility.tolist()
        out.append(_Branch(OTHER, "设施农用地", facility >= cfg.dominance_share, lambda i: (
            f"{self.source} {'/'.join(cfg.facility_dlbm)} 设施农用地占图斑 {_pct(facility_values[i])}")))
        if TEMPORARY in self.provided:
            temporary = self.valid_share[TEMPORARY].tolist()

            def temporary_text(i: int) -> str:
                valid = self._hits(i, TEMPORARY, VALID)
                periods = "；".join(f"{self.f_doc[k] or '无文号'} {self._period(k)}" for k in valid)
                return (f"临时用地 {self._docs(valid)} 覆盖图斑 {_pct(temporary[i])}，"
                        f"后时相 {_iso(self.hsx[i])} 在有效期内（{periods}）")
            out.append(_Branch(OTHER, "临时用地", self.valid_share[TEMPORARY] >= cfg.temporary_coverage,
                               temporary_text))
        road = self._class_share(cfg.road_dlbm)
        road_values = road.tolist()
        out.append(_Branch(OTHER, "农村道路", (road >= cfg.dominance_share) & self._is(cfg.road_tblx), lambda i: (
            f"{self.source} {'/'.join(cfg.road_dlbm)} 农村道路占图斑 {_pct(road_values[i])}，图斑类型 {self.tblx[i]}")))
        return out

    def _village(self) -> list[_Branch]:
        """3. 农村宅基地 (0702) or 203 village range dominant (宅基地 first: it is the narrower finding)."""
        cfg = self.cfg
        homestead = self._class_share(cfg.homestead_dlbm)
        village = self.res.czcsxm_share(cfg.village_czcsxm)
        homestead_values, village_values = homestead.tolist(), village.tolist()
        return [
            _Branch(OTHER, "农村宅基地", homestead >= cfg.dominance_share, lambda i: (
                f"{self.source} {'/'.join(cfg.homestead_dlbm)} 农村宅基地占图斑 {_pct(homestead_values[i])}")),
            _Branch(OTHER, "203范围", village >= cfg.dominance_share, lambda i: (
                f"三调城镇村属性码 {'/'.join(cfg.village_czcsxm)} 范围占图斑 {_pct(village_values[i])}")),
        ]

    def _mining(self) -> list[_Branch]:
        """4. Mining: inside a permit valid at the after-date, partly outside it, or without one."""
        cfg = self.cfg
        is_ck = self._is(cfg.mining_tblx)
        if MINING not in self.provided:
            return [_Branch(PENDING, "采矿", is_ck, lambda i: f"图斑类型为采矿（{self.tblx[i]}），但未提供采矿权图层")]
        share, valid_share, area, ft = self.share[MINING], self.valid_share[MINING], self.area, self.res.features
        mining = is_ck | (share >= cfg.mining_overlap_share)
        permit = np.asarray(ft.role == MINING, dtype=bool)
        permits = np.bincount(ft.patch[permit], minlength=len(area))
        unknown = np.bincount(ft.patch[permit & (ft.valid == UNKNOWN)], minlength=len(area))
        is_ck_values, share_values, valid_values = is_ck.tolist(), share.tolist(), valid_share.tolist()
        area_values = area.tolist()

        def where(i: int) -> str:
            return f"图斑类型为采矿（{self.tblx[i]}）" if is_ck_values[i] else f"图斑与采矿权范围重叠 {_pct(share_values[i])}"

        def legal(i: int) -> str:
            valid = self._hits(i, MINING, VALID)
            return (f"采矿许可证 {self._docs(valid)}（{'；'.join(self._period(k) for k in valid)}）覆盖图斑 "
                    f"{_pct(valid_values[i])}，后时相 {_iso(self.hsx[i])} 在有效期内")

        def overstepping(i: int) -> str:
            outside = area_values[i] * (1.0 - valid_values[i])
            return (f"有效采矿许可证 {self._docs(self._hits(i, MINING, VALID))} 仅覆盖图斑 {_pct(valid_values[i])}，"
                    f"许可范围外 {_mu(outside)}")

        def lapsed(i: int) -> str:
            hsx = self.hsx[i]
            text = "；".join(
                f"{self.f_doc[k] or '无编号'} {self._period(k)}，后时相 {_iso(hsx)} "
                f"{'尚未生效' if hsx and self.f_from[k] and hsx < self.f_from[k] else '已过期'}"
                for k in self._hits(i, MINING, NOT_VALID))
            return f"{where(i)}，采矿许可证不在有效期内（{text}），无有效采矿许可"
        return [
            _Branch(ILLEGAL, "无证开采", mining & (permits == 0), lambda i: f"{where(i)}，未与任何采矿许可范围重叠"),
            _Branch(PENDING, "采矿", mining & np.isnan(valid_share), lambda i: (
                f"{where(i)}，涉及采矿许可证 {self._docs(self._hits(i, MINING))}，但后时相缺失，无法核验有效期")),
            _Branch(LEGAL, "合法采矿", mining & (valid_share >= cfg.mining_coverage), legal),
            _Branch(ILLEGAL, "越界开采", mining & (valid_share * area >= cfg.flag_min_area_m2), overstepping),
            _Branch(PENDING, "采矿", mining & (unknown > 0), lambda i: (
                f"{where(i)}，采矿许可证 {self._docs(self._hits(i, MINING, UNKNOWN))} 有效期不详")),
            _Branch(ILLEGAL, "无证开采", mining, lapsed),
        ]

    def _pending(self) -> list[_Branch]:
        """6 (checked before 5): a document covers part of the patch, or rule 1 failed only on cultivated land.

        The document covering the most (the first such role on a tie) is the one named.
        """
        cfg = self.cfg
        roles = [r for r in (*LEGAL_ROLES, FACILITY, TEMPORARY) if r in self.provided]
        best = np.full(len(self.area), -1)
        best_share = np.full(len(self.area), np.nan)
        for k, role in enumerate(roles):
            share = self.valid_share[role] if role == TEMPORARY else self.share[role]
            better = (share >= cfg.pending_coverage) & ((best < 0) | (share > best_share))
            best[better] = k
            best_share[better] = share[better]
        best_values, share_values = best.tolist(), best_share.tolist()
        uncovered = {r: v.tolist() for r, v in self.uncovered.items()}

        def text(i: int) -> str:
            role, share = roles[best_values[i]], share_values[i]
            out = f"{_DOC_LABEL[role]} {self._docs(self._hits(i, role, VALID if role == TEMPORARY else None))} " \
                  f"覆盖图斑 {_pct(share)}"
            if role in LEGAL_ROLES and share >= cfg.approval_coverage:
                out += (f"，但{self.uncovered_label} {_mu(uncovered[role][i])}"
                        f"（不小于 {_mu(cfg.max_uncovered_cultivated_m2)}）")
            elif share < cfg.approval_coverage:
                out += f"，介于 {_pct(cfg.pending_coverage)} 与 {_pct(cfg.approval_coverage)} 之间"
            return out
        return [_Branch(PENDING, "部分覆盖", best >= 0, text)]

    def _construction(self) -> list[_Branch]:
        """5. Construction not approved → 违法 (新增, or 存量 when DLTB was construction land before)."""
        cfg, everyone = self.cfg, np.ones(len(self.area), dtype=bool)
        non_construction = self._is(cfg.non_construction_tblx) & np.array([c != "" for c in self.code], dtype=bool)
        out = [_Branch(PENDING, "非建设类变化", non_construction,
                       lambda i: f"图斑类型 {self.tblx[i]} 为非建设类变化，规则未作判断")]
        missing = self._missing(LEGAL_ROLES[1:])
        if APPROVALS not in self.provided:
            return [*out, _Branch(PENDING, "未比对批文", everyone,
                                  lambda i: f"未提供批文图层，无法判断图斑是否已批{missing}")]
        approved = self.share[APPROVALS].tolist()
        construction = self._class_share(cfg.construction_dlbm_prefixes).tolist()
        kinds = ["" if math.isnan(s) else STOCK if s >= cfg.stock_share else NEW for s in construction]
        cultivated = self.res.cultivated_m2.tolist()

        def text(i: int) -> str:
            parts = [f"图斑未被批文有效覆盖（批文覆盖 {_pct(approved[i])}）" if approved[i] > 0 else "图斑未被批文覆盖"]
            if kinds[i]:
                parts.append(f"{self.source}中建设用地占 {_pct(construction[i])}")
            else:
                parts.append("未提供三调地类图斑，无法区分新增或存量")
            if not math.isnan(cultivated[i]):
                parts.append(f"占用耕地 {_mu(cultivated[i])}")
            expired = self._hits(i, TEMPORARY, NOT_VALID)
            if expired:
                parts.append(f"临时用地 {self._docs(expired)} 于后时相 {_iso(self.hsx[i])} 不在有效期内")
            return "，".join(parts) + missing
        return [*out, _Branch(ILLEGAL, "非农违法", everyone, text, kinds)]

    # -- the suggestions -----------------------------------------------------------------------------

    def suggestions(self) -> list[Suggestion]:
        res, cfg, n = self.res, self.cfg, len(self.area)
        branches = self.branches()
        outcome = np.full(n, -1)
        for k, branch in enumerate(branches):
            outcome[(outcome < 0) & branch.when] = k
        nan = np.full(n, np.nan)
        farmland, redline = res.covered_m2.get(BASIC_FARMLAND, nan), res.covered_m2.get(ECO_REDLINE, nan)
        flags = zip((farmland >= cfg.flag_min_area_m2).tolist(), (redline >= cfg.flag_min_area_m2).tolist(),
                    (self._is(cfg.mining_tblx) | (self.share.get(MINING, nan) >= cfg.mining_overlap_share)).tolist())
        farmland_values, redline_values = farmland.tolist(), redline.tolist()
        out = []
        with _gc_paused():
            for i, (k, basis, (bf, eco, mining)) in enumerate(zip(outcome.tolist(), self._bases(), flags)):
                b = branches[k]
                kind = b.new_or_stock[i] if b.new_or_stock is not None else ""
                verdict = "需人工核实" if b.result == PENDING else \
                    f"建议判定为{b.result}（{f'{b.subtype}，{kind}' if kind else b.subtype}）"
                notes = (f"涉及永久基本农田 {_mu(farmland_values[i])}。" if bf else "") + \
                    (f"涉及生态保护红线 {_mu(redline_values[i])}。" if eco else "")
                out.append(Suggestion(b.result, b.subtype, f"{b.text(i)}，{verdict}。{notes}", basis,
                                      involves_basic_farmland=bf, involves_eco_redline=eco, involves_mining=mining,
                                      new_or_stock=kind))
        return out

    def _bases(self) -> Iterator[dict[str, Any]]:
        """The basis of every patch: its shares and areas, documents and DLTB classes, JSON-safe."""
        res, n = self.res, len(self.area)
        ft, lu = res.features, res.landuse
        documents = [
            {"role": r, "doc": d, "name": nm, "share": sh, "area_m2": a, "date": dt, "valid_from": v0,
             "valid_to": v1, "valid": None if r not in DATED_ROLES or v == UNKNOWN else v == VALID}
            for r, d, nm, sh, a, dt, v0, v1, v in zip(
                self.f_role, self.f_doc, ft.name.tolist(), _json_floats(ft.share), _json_floats(ft.area_m2),
                _isos(ft.date.tolist()), _isos(self.f_from), _isos(self.f_to), self.f_valid)
            if r != TOWNSHIPS]
        doc_start = np.concatenate(([0], np.cumsum(ft.role != TOWNSHIPS)))[res._feature_start].tolist()
        landuse = [{"dlbm": d, "dlmc": m, "czcsxm": c, "area_m2": a} for d, m, c, a in zip(
            lu.dlbm.tolist(), lu.dlmc.tolist(), lu.czcsxm.tolist(), _json_floats(lu.area_m2))]
        lu_start = res._landuse_start.tolist()
        layers = sorted(self.provided)

        def columns(roles: Sequence[str], values: Mapping[str, np.ndarray]) -> Iterator[tuple]:
            """Per patch, the rounded values of ``roles`` (zip of one list per role)."""
            return zip(*(_json_floats(values[r]) for r in roles)) if roles else repeat(())
        covered = sorted(res.covered_m2)
        dated = [r for r in DATED_ROLES if r in self.provided]
        legal = sorted(res.uncovered_cultivated_m2)
        nan = np.full(n, np.nan)
        for i, area, tblx, hsx, coverage, valid, cultivated, uncovered, farmland, redline, code, name in zip(
                range(n), _json_floats(self.area), self.tblx, _isos(self.hsx), columns(covered, self.share),
                columns(dated, self.valid_share), _json_floats(res.cultivated_m2),
                columns(legal, res.uncovered_cultivated_m2), _json_floats(res.covered_m2.get(BASIC_FARMLAND, nan)),
                _json_floats(res.covered_m2.get(ECO_REDLINE, nan)), res.township_code.tolist(),
                res.township_name.tolist()):
            yield {
                "area_m2": area,
                "tblx": tblx,
                "hsx": hsx,
                "layers": list(layers),
                "coverage": dict(zip(covered, coverage)),
                "valid_coverage": dict(zip(dated, valid)),
                "cultivated_m2": cultivated,
                "uncovered_cultivated_m2": dict(zip(legal, uncovered)),
                "basic_farmland_m2": farmland,
                "eco_redline_m2": redline,
                "township": {"code": code, "name": name},
                "documents": documents[doc_start[i]:doc_start[i + 1]],
                "landuse": landuse[lu_start[i]:lu_start[i + 1]],
            }
