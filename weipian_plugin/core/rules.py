"""Legality suggestions (DOMAIN.md §4): the default rule order, every threshold in :class:`RuleConfig`.

A suggestion is what the overlay says a patch most likely is, with the reason written out in Chinese
and the basis (documents, shares, areas) as JSON-safe data; it never replaces a person's
determination. A layer that was not provided is never read as "no document": the rule that needs it
yields 待核 instead. Pure functions, no I/O.
"""
from __future__ import annotations

import datetime as _dt
import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Mapping, Sequence

from .overlay import (APPROVALS, BASIC_FARMLAND, DATED_ROLES, ECO_REDLINE, FACILITY, LANDUSE, LEGAL_ROLES, MINING,
                      NOT_VALID, REGISTRATION, SUPPLY, TEMPORARY, TOWNSHIPS, UNKNOWN, VALID, FeatureHit,
                      OverlayResult, PatchOverlay)
from .units import MU_M2, m2_to_mu
from .vector_io import to_date

LEGAL, ILLEGAL, OTHER, PENDING = "合法", "违法", "其他", "待核"
NEW, STOCK = "新增", "存量"

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
class RuleConfig:
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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> RuleConfig:
        """Config from stored JSON: unknown keys ignored, missing or ill-typed values left at default."""
        config = cls()
        for f in fields(cls):
            if not data or f.name not in data:
                continue
            value, default = data[f.name], getattr(config, f.name)
            if isinstance(default, list):
                if isinstance(value, (list, tuple)):
                    setattr(config, f.name, [str(v) for v in value])
            elif isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
                setattr(config, f.name, float(value))
        return config


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
    patches_jcbh: Sequence[str] | None = None,
) -> list[Suggestion]:
    """:func:`suggest` for every patch of ``overlay_result`` (sequences indexed like its patches)."""
    config = config or RuleConfig()
    out = []
    for i, row in enumerate(overlay_result.rows()):
        patch = PatchInfo(
            jcbh=patches_jcbh[i] if patches_jcbh is not None else "",
            tblx=patches_tblx[i] or "",
            hsx=to_date(patches_hsx[i]),
            dlbm=patches_dlbm[i] if patches_dlbm is not None else "",
        )
        out.append(suggest(patch, row, config))
    return out


def suggest(patch: PatchInfo, row: PatchOverlay, config: RuleConfig | None = None) -> Suggestion:
    """The suggestion for one patch, trying DOMAIN.md §4's rules in order."""
    return _Evaluation(patch, row, config or RuleConfig()).run()


# ---------------------------------------------------------------------------------------------------


def _pct(share: float) -> str:
    return f"{share * 100:.1f}%"


def _mu(m2: float) -> str:
    return f"{m2_to_mu(m2):.2f} 亩"


def _iso(d: _dt.date | None) -> str | None:
    return None if d is None else d.isoformat()


def _json_float(x: float) -> float | None:
    return None if x is None or math.isnan(x) else round(float(x), 6)


def _docs(hits: Sequence[FeatureHit]) -> str:
    names: list[str] = []
    for h in hits:
        name = h.doc or f"（无编号要素 {h.feature}）"
        if name not in names:
            names.append(name)
    return "、".join(names)


def _period(h: FeatureHit) -> str:
    return f"有效期 {_iso(h.valid_from) or '不详'} 至 {_iso(h.valid_to) or '不详'}"


class _Evaluation:
    """One patch through the rules; collects the notes and flags every outcome shares."""

    def __init__(self, patch: PatchInfo, row: PatchOverlay, config: RuleConfig) -> None:
        self.patch, self.row, self.cfg = patch, row, config
        self.tblx = (patch.tblx or "").strip().upper()
        self.area = row.area_m2
        bf = row.covered_m2.get(BASIC_FARMLAND, 0.0)
        eco = row.covered_m2.get(ECO_REDLINE, 0.0)
        self.flags = dict(
            involves_basic_farmland=bf >= config.flag_min_area_m2,
            involves_eco_redline=eco >= config.flag_min_area_m2,
            involves_mining=self.tblx in self._upper(config.mining_tblx)
            or row.share(MINING) >= config.mining_overlap_share,
        )

    @staticmethod
    def _upper(codes: Sequence[str]) -> set[str]:
        return {c.strip().upper() for c in codes}

    def run(self) -> Suggestion:
        for rule in (self._rule_legal, self._rule_other_use, self._rule_village, self._rule_mining,
                     self._rule_pending):
            found = rule()
            if found is not None:
                return found
        return self._rule_construction()

    # -- helpers -------------------------------------------------------------------------------------

    def _make(self, result: str, subtype: str, text: str, new_or_stock: str = "") -> Suggestion:
        detail = f"{subtype}，{new_or_stock}" if new_or_stock else subtype
        verdict = f"建议判定为{result}（{detail}）" if result != PENDING else "需人工核实"
        reason = f"{text}，{verdict}。{self._notes()}"
        return Suggestion(result, subtype, reason, self._basis(), new_or_stock=new_or_stock, **self.flags)

    def _notes(self) -> str:
        notes = []
        if self.flags["involves_basic_farmland"]:
            notes.append(f"涉及永久基本农田 {_mu(self.row.covered_m2[BASIC_FARMLAND])}")
        if self.flags["involves_eco_redline"]:
            notes.append(f"涉及生态保护红线 {_mu(self.row.covered_m2[ECO_REDLINE])}")
        return "".join(n + "。" for n in notes)

    def _missing(self, roles: Sequence[str]) -> str:
        missing = [_LAYER_LABEL[r] for r in roles if r not in self.row.provided]
        return f"（未提供{'、'.join(missing)}图层）" if missing else ""

    def _class_share(self, prefixes: Sequence[str]) -> tuple[float, str]:
        """Share of DLTB classes starting with ``prefixes``, else the patch's own DLBM (all or nothing)."""
        if LANDUSE in self.row.provided:
            return self.row.dlbm_share(prefixes), "三调地类"
        if self.patch.dlbm:
            return (1.0 if self.patch.dlbm.startswith(tuple(prefixes)) else 0.0), "图斑原地类"
        return float("nan"), ""

    def _uncovered_cultivated(self, role: str) -> tuple[float, str]:
        """Cultivated m² outside ``role``'s union; without DLTB the whole uncovered area bounds it."""
        if LANDUSE in self.row.provided:
            return self.row.uncovered_cultivated_m2[role], "未覆盖耕地"
        return max(0.0, self.area - self.row.covered_m2[role]), "未覆盖面积（未提供三调，按耕地计）"

    def _basis(self) -> dict[str, Any]:
        row = self.row
        return {
            "area_m2": _json_float(self.area),
            "tblx": self.patch.tblx,
            "hsx": _iso(self.patch.hsx),
            "layers": sorted(row.provided),
            "coverage": {r: _json_float(row.share(r)) for r in sorted(row.covered_m2)},
            "valid_coverage": {r: _json_float(row.valid_share(r)) for r in DATED_ROLES if r in row.provided},
            "cultivated_m2": _json_float(row.cultivated_m2),
            "uncovered_cultivated_m2": {r: _json_float(v) for r, v in sorted(row.uncovered_cultivated_m2.items())},
            "basic_farmland_m2": _json_float(row.covered_m2.get(BASIC_FARMLAND, float("nan"))),
            "eco_redline_m2": _json_float(row.covered_m2.get(ECO_REDLINE, float("nan"))),
            "township": {"code": row.township_code, "name": row.township_name},
            "documents": [
                {"role": h.role, "doc": h.doc, "name": h.name, "share": _json_float(h.share),
                 "area_m2": _json_float(h.area_m2), "date": _iso(h.date), "valid_from": _iso(h.valid_from),
                 "valid_to": _iso(h.valid_to),
                 "valid": None if h.role not in DATED_ROLES or h.valid == UNKNOWN else h.valid == VALID}
                for h in row.features if h.role != TOWNSHIPS
            ],
            "landuse": [{"dlbm": p.dlbm, "dlmc": p.dlmc, "czcsxm": p.czcsxm, "area_m2": _json_float(p.area_m2)}
                        for p in row.landuse],
        }

    # -- the rules -----------------------------------------------------------------------------------

    def _rule_legal(self) -> Suggestion | None:
        """1. Approvals, then supply, then registration cover the patch and leave little cultivated out."""
        for role in LEGAL_ROLES:
            if role not in self.row.provided:
                continue
            share = self.row.share(role)
            uncovered, label = self._uncovered_cultivated(role)
            if share >= self.cfg.approval_coverage and uncovered < self.cfg.max_uncovered_cultivated_m2:
                hits = self.row.hits(role)
                verb = "合计覆盖" if len({h.doc for h in hits}) > 1 else "覆盖"
                text = f"{_DOC_LABEL[role]} {_docs(hits)} {verb}图斑 {_pct(share)}，{label} {_mu(uncovered)}"
                return self._make(LEGAL, _LEGAL_SUBTYPE[role], text)
        return None

    def _rule_other_use(self) -> Suggestion | None:
        """2. Facility agriculture, temporary land valid at the after-date, rural road."""
        cfg, row = self.cfg, self.row
        if FACILITY in row.provided and row.share(FACILITY) >= cfg.facility_coverage:
            text = f"{_DOC_LABEL[FACILITY]} {_docs(row.hits(FACILITY))} 覆盖图斑 {_pct(row.share(FACILITY))}"
            return self._make(OTHER, "设施农用地", text)
        share, source = self._class_share(cfg.facility_dlbm)
        if share >= cfg.dominance_share:
            return self._make(OTHER, "设施农用地", f"{source} {'/'.join(cfg.facility_dlbm)} 设施农用地占图斑 {_pct(share)}")
        if TEMPORARY in row.provided and row.valid_share(TEMPORARY) >= cfg.temporary_coverage:
            valid = [h for h in row.hits(TEMPORARY) if h.valid == VALID]
            periods = "；".join(f"{h.doc or '无文号'} {_period(h)}" for h in valid)
            text = (f"临时用地 {_docs(valid)} 覆盖图斑 {_pct(row.valid_share(TEMPORARY))}，"
                    f"后时相 {_iso(self.patch.hsx)} 在有效期内（{periods}）")
            return self._make(OTHER, "临时用地", text)
        share, source = self._class_share(cfg.road_dlbm)
        if share >= cfg.dominance_share and self.tblx in self._upper(cfg.road_tblx):
            text = f"{source} {'/'.join(cfg.road_dlbm)} 农村道路占图斑 {_pct(share)}，图斑类型 {self.patch.tblx}"
            return self._make(OTHER, "农村道路", text)
        return None

    def _rule_village(self) -> Suggestion | None:
        """3. 农村宅基地 (0702) or 203 village range dominant (宅基地 first: it is the narrower finding)."""
        cfg = self.cfg
        share, source = self._class_share(cfg.homestead_dlbm)
        if share >= cfg.dominance_share:
            text = f"{source} {'/'.join(cfg.homestead_dlbm)} 农村宅基地占图斑 {_pct(share)}"
            return self._make(OTHER, "农村宅基地", text)
        share = self.row.czcsxm_share(cfg.village_czcsxm)
        if share >= cfg.dominance_share:
            text = f"三调城镇村属性码 {'/'.join(cfg.village_czcsxm)} 范围占图斑 {_pct(share)}"
            return self._make(OTHER, "203范围", text)
        return None

    def _rule_mining(self) -> Suggestion | None:
        """4. Mining: inside a permit valid at the after-date, partly outside it, or without one."""
        cfg, row = self.cfg, self.row
        is_ck = self.tblx in self._upper(cfg.mining_tblx)
        if MINING not in row.provided:
            if is_ck:
                return self._make(PENDING, "采矿", f"图斑类型为采矿（{self.patch.tblx}），但未提供采矿权图层")
            return None
        if not is_ck and not row.share(MINING) >= cfg.mining_overlap_share:
            return None
        hits = row.hits(MINING)
        where = f"图斑类型为采矿（{self.patch.tblx}）" if is_ck else f"图斑与采矿权范围重叠 {_pct(row.share(MINING))}"
        if not hits:
            return self._make(ILLEGAL, "无证开采", f"{where}，未与任何采矿许可范围重叠")
        valid_share = row.valid_share(MINING)
        if math.isnan(valid_share):
            return self._make(PENDING, "采矿", f"{where}，涉及采矿许可证 {_docs(hits)}，但后时相缺失，无法核验有效期")
        valid = [h for h in hits if h.valid == VALID]
        if valid_share >= cfg.mining_coverage:
            text = (f"采矿许可证 {_docs(valid)}（{'；'.join(_period(h) for h in valid)}）覆盖图斑 {_pct(valid_share)}，"
                    f"后时相 {_iso(self.patch.hsx)} 在有效期内")
            return self._make(LEGAL, "合法采矿", text)
        outside = self.area * (1.0 - valid_share)
        if valid_share * self.area >= cfg.flag_min_area_m2:
            text = (f"有效采矿许可证 {_docs(valid)} 仅覆盖图斑 {_pct(valid_share)}，"
                    f"许可范围外 {_mu(outside)}")
            return self._make(ILLEGAL, "越界开采", text)
        unknown = [h for h in hits if h.valid == UNKNOWN]
        if unknown:
            return self._make(PENDING, "采矿", f"{where}，采矿许可证 {_docs(unknown)} 有效期不详")
        hsx = self.patch.hsx
        lapsed = "；".join(
            f"{h.doc or '无编号'} {_period(h)}，后时相 {_iso(hsx)} "
            f"{'尚未生效' if hsx and h.valid_from and hsx < h.valid_from else '已过期'}"
            for h in hits if h.valid == NOT_VALID
        )
        return self._make(ILLEGAL, "无证开采", f"{where}，采矿许可证不在有效期内（{lapsed}），无有效采矿许可")

    def _rule_pending(self) -> Suggestion | None:
        """6 (checked before 5): a document covers part of the patch, or rule 1 failed only on cultivated land."""
        row, cfg = self.row, self.cfg
        best: tuple[float, str] | None = None
        for role in (*LEGAL_ROLES, FACILITY, TEMPORARY):
            if role not in row.provided:
                continue
            if role == TEMPORARY:
                share = row.valid_share(role)
                hits = [h for h in row.hits(role) if h.valid == VALID]
            else:
                share, hits = row.share(role), row.hits(role)
            if share >= cfg.pending_coverage and (best is None or share > best[0]):
                text = f"{_DOC_LABEL[role]} {_docs(hits)} 覆盖图斑 {_pct(share)}"
                if role in LEGAL_ROLES and share >= cfg.approval_coverage:
                    uncovered, label = self._uncovered_cultivated(role)
                    text += f"，但{label} {_mu(uncovered)}（不小于 {_mu(cfg.max_uncovered_cultivated_m2)}）"
                elif share < cfg.approval_coverage:
                    text += f"，介于 {_pct(cfg.pending_coverage)} 与 {_pct(cfg.approval_coverage)} 之间"
                best = (share, text)
        if best is None:
            return None
        return self._make(PENDING, "部分覆盖", best[1])

    def _rule_construction(self) -> Suggestion:
        """5. Construction not approved → 违法 (新增, or 存量 when DLTB was construction land before)."""
        cfg, row = self.cfg, self.row
        if self.tblx and self.tblx in self._upper(cfg.non_construction_tblx):
            return self._make(PENDING, "非建设类变化", f"图斑类型 {self.patch.tblx} 为非建设类变化，规则未作判断")
        if APPROVALS not in row.provided:
            return self._make(PENDING, "未比对批文", f"未提供批文图层，无法判断图斑是否已批{self._missing(LEGAL_ROLES[1:])}")
        approved = row.share(APPROVALS)
        parts = [f"图斑未被批文有效覆盖（批文覆盖 {_pct(approved)}）" if approved > 0 else "图斑未被批文覆盖"]
        share, source = self._class_share(cfg.construction_dlbm_prefixes)
        if math.isnan(share):
            kind = ""
            parts.append("未提供三调地类图斑，无法区分新增或存量")
        else:
            kind = STOCK if share >= cfg.stock_share else NEW
            parts.append(f"{source}中建设用地占 {_pct(share)}")
        if not math.isnan(row.cultivated_m2):
            parts.append(f"占用耕地 {_mu(row.cultivated_m2)}")
        expired = [h for h in row.hits(TEMPORARY) if h.valid == NOT_VALID]
        if expired:
            parts.append(f"临时用地 {_docs(expired)} 于后时相 {_iso(self.patch.hsx)} 不在有效期内")
        text = "，".join(parts) + self._missing(LEGAL_ROLES[1:])
        return self._make(ILLEGAL, "非农违法", text, new_or_stock=kind)
