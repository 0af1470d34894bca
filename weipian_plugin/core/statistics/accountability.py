"""Accountability ratio of 第15号令 art. 3 with the deductions of docs/DOMAIN.md §6.

ratio = 违法占用耕地面积 ÷ 新增建设用地占用耕地总面积, per township, county and in total.

How the two sides are built (all cultivated-land areas, m²):

- **Numerator** = illegal cultivated area of the 新增 (new construction-land) violations.
- **Denominator** = ``denominator_extra_m2`` of the township (the *legally* approved new construction
  occupying cultivated land that year, supplied by the caller) + the same illegal 新增 cultivated area:
  新增建设用地占用耕地 is all new construction on cultivated land, legal or not. The caller must not
  put supplemented (补办) violations into ``denominator_extra_m2``: they are already counted here.
- 存量建设用地违法 and 农业项目破坏耕地 are in neither (docs/DOMAIN.md §6); shown as ``excluded_m2``.

Deductions, each a switch, per 新增 record:

- major infrastructure (交通/能源/水利 on the filed list): the whole record off both sides; at
  ``level='province'`` a project approved by the province itself (``infrastructure_level`` 省级, also
  the default when the list does not say) is not deducted, one approved by a ministry (国家) still is
  (docs/DOMAIN.md §6); a deducted record then takes no other deduction;
- 已拆除复耕到位: the restored cultivated area off both sides;
- 已补办完善用地手续: the supplemented cultivated area off the numerator only (the land became legal
  new construction, so it stays in the denominator).

A record both restored and supplemented (part pulled down, part approved) is deducted restored first,
then supplemented from what is left, so no record is deducted more than its illegal area. Because
every numerator component is also in the denominator, numerator ≤ denominator on both sides; a zero
denominator only happens with no new construction at all, and then the ratio is ``None``.

第15号令 addresses county-level governments and up: a township row is never 纳入问责. Townships are
judged by their own 警示约谈 lines (docs/DOMAIN.md §6): illegally occupied 永久基本农田 or 自然保护地 ≥ 5 亩 (each
on its own), or 一般耕地 (cultivated land outside 永农) ≥ 10 亩, over all the year's violations before
any deduction. A unit marked 「造成恶劣影响」 by hand (with its reason) is 纳入问责 (county and up, as art. 3
allows below 15 %) or 约谈 (township) whatever its figures.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Iterable, Mapping

from weipian_plugin.core.config import Config
from weipian_plugin.core.units import m2_to_mu, mu_to_m2
from weipian_plugin.core.vocabulary import NEW, STOCK

CATEGORY_NEW, CATEGORY_EXISTING = NEW, STOCK
CATEGORY_AGRICULTURE = "农业项目破坏耕地"
CATEGORIES = (CATEGORY_NEW, CATEGORY_EXISTING, CATEGORY_AGRICULTURE)
LEVELS = ("county", "city", "province")
INFRASTRUCTURE_LEVELS = ("国家", "省级")
"""Who approved a major infrastructure project: a ministry (国家部委) or the province (省级发展改革部门)."""

_EPS = 1e-9  # relative tolerance of threshold comparisons, against float noise only


@dataclass(frozen=True)
class IllegalRecord:
    """One illegal patch (or its part in one township) as the ratio sees it."""

    township_code: str
    township_name: str
    county_code: str
    violation_category: str
    """'新增' | '存量' | '农业项目破坏耕地'."""
    cultivated_m2: float
    """违法占用耕地面积."""
    supplemented: bool = False
    """已补办完善用地手续 (incl. 增减挂钩 and 其他建设用地审批手续)."""
    supplemented_cultivated_m2: float | None = None
    """Cultivated area covered by the supplementary approval; ``None`` = all of ``cultivated_m2``."""
    restored: bool = False
    """已拆除复耕到位."""
    restored_cultivated_m2: float | None = None
    """Cultivated area restored; ``None`` = all of ``cultivated_m2``."""
    major_infrastructure: bool = False
    """交通/能源/水利 major infrastructure on the filed project list (立项文件/重大基础设施项目清单)."""
    record_id: str = ""
    infrastructure_level: str = "省级"
    """Approval level of the infrastructure project (:data:`INFRASTRUCTURE_LEVELS`)."""
    basic_farmland_m2: float = 0.0
    """Illegally occupied 永久基本农田 (township 约谈 line)."""
    nature_reserve_m2: float = 0.0
    """Illegally occupied 自然保护地 (township 约谈 line)."""

    @property
    def infrastructure_approval(self) -> str | None:
        """The approval level, for major infrastructure only."""
        return self.infrastructure_level if self.major_infrastructure else None

    def __post_init__(self) -> None:
        if self.violation_category not in CATEGORIES:
            raise ValueError(f"未知违法类别 {self.violation_category!r}，应为 {'、'.join(CATEGORIES)}")
        if self.infrastructure_level not in INFRASTRUCTURE_LEVELS:
            raise ValueError(f"未知立项层级 {self.infrastructure_level!r}，应为 {'、'.join(INFRASTRUCTURE_LEVELS)}")
        for name in ("cultivated_m2", "supplemented_cultivated_m2", "restored_cultivated_m2", "basic_farmland_m2",
                     "nature_reserve_m2"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} must be >= 0, got {value} ({self.record_id})")


@dataclass(frozen=True)
class Township:
    """A township known without illegal records (e.g. only legal new construction in the year)."""

    code: str
    name: str
    county_code: str


@dataclass(frozen=True)
class AccountabilityConfig(Config):
    """Deduction switches and thresholds; the default is the ministry rule of docs/DOMAIN.md §6 for a county."""

    level: str = "county"
    """The level being assessed: 'county' | 'city' | 'province' (thresholds of the total row, and no
    deduction of provincially approved infrastructure at province level)."""
    deduct_supplemented: bool = True
    deduct_restored: bool = True
    deduct_infrastructure: bool = True
    ratio_threshold: float = 0.15
    ratio_strict: bool = False
    """False: ratio ≥ threshold (docs/DOMAIN.md §6 "达到15%以上"); True: ratio > threshold (docs/DOMAIN.md §6 "超过15%")."""
    require_area: bool = True
    """True: accountable only if the area threshold is also reached (docs/DOMAIN.md §6); False: ratio alone."""
    township_basic_farmland_mu: float = 5.0
    """Township 警示约谈 line (docs/DOMAIN.md §6): illegal 永久基本农田, or 自然保护地, at least this many 亩."""
    township_cultivated_mu: float = 10.0
    """Township 警示约谈 line (docs/DOMAIN.md §6): illegal 一般耕地 (outside 永农) at least this many 亩."""
    county_area_mu: float = 100.0
    city_area_mu: float = 500.0
    province_area_mu: float = 5000.0
    points_initial_mu: float | None = None
    """docs/DOMAIN.md §6: initial (before deductions) illegal cultivated area ≥ this loses points."""
    points_after_mu: float | None = None
    """docs/DOMAIN.md §6: illegal cultivated area after rectification > this loses points."""

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}, got {self.level!r}")

    def infrastructure_deducted(self, project_level: str) -> bool:
        """Whether a major infrastructure project approved at ``project_level`` is deducted."""
        return self.deduct_infrastructure and not (self.level == "province" and project_level == "省级")

    @property
    def has_points_rule(self) -> bool:
        return self.points_initial_mu is not None or self.points_after_mu is not None

    def area_threshold_mu(self, row_level: str) -> float:
        """Area threshold of a row: 'county', or 'total' (the assessed ``level``)."""
        level = self.level if row_level == "total" else row_level
        return {
            "county": self.county_area_mu,
            "city": self.city_area_mu,
            "province": self.province_area_mu,
        }[level]

    @classmethod
    def ministry(cls, level: str = "county") -> AccountabilityConfig:
        """docs/DOMAIN.md §6: ≥ 100 / 500 / 5000 亩 (county / city / province) and ratio ≥ 15 %."""
        return cls(level=level)

    @classmethod
    def city_rule_001(cls) -> AccountabilityConfig:
        """docs/DOMAIN.md §6 (a city's own rule for its counties): initial ≥ 100 亩 or > 50 亩 after
        rectification loses points; ratio > 15 % is accountable whatever the area."""
        return cls(ratio_strict=True, require_area=False, points_initial_mu=100.0, points_after_mu=50.0)


@dataclass(frozen=True)
class AccountabilityRow:
    """Numerator, denominator, ratio and verdict of one township, one county, or the total."""

    level: str
    """'township' | 'county' | 'total'."""
    code: str
    name: str
    county_code: str
    numerator_before_m2: float
    denominator_before_m2: float
    supplemented_m2: float
    """Deducted from the numerator only."""
    restored_m2: float
    """Deducted from both."""
    infrastructure_m2: float
    """Deducted from both."""
    excluded_m2: float
    """存量 and 农业项目破坏耕地 cultivated area, counted in neither."""
    numerator_after_m2: float
    denominator_after_m2: float
    ratio_before: float | None
    """``None`` when the denominator is 0."""
    ratio_after: float | None
    accountable: bool
    """纳入问责范围 under the configured rule; always False for a township."""
    points_lost: bool | None
    """docs/DOMAIN.md §6's 扣分 rule; ``None`` when the rule is not configured or for the total row."""
    explanation: str
    rank: int | None = None
    """Township ranking, 1 = worst; ``None`` for county and total rows."""
    interview: bool | None = None
    """Township rows: reaches a 警示约谈 line (or marked 造成恶劣影响); ``None`` for county and total rows."""
    basic_farmland_m2: float = 0.0
    """Illegal 永久基本农田, all categories, before deductions."""
    nature_reserve_m2: float = 0.0
    general_cultivated_m2: float = 0.0
    """Illegal 一般耕地 (cultivated outside 永农), all categories, before deductions."""
    serious_impact: str = ""
    """The reason when the unit was marked 「造成恶劣影响」 by hand."""

    @property
    def numerator_before_mu(self) -> float:
        return m2_to_mu(self.numerator_before_m2)

    @property
    def denominator_before_mu(self) -> float:
        return m2_to_mu(self.denominator_before_m2)

    @property
    def numerator_after_mu(self) -> float:
        return m2_to_mu(self.numerator_after_m2)

    @property
    def denominator_after_mu(self) -> float:
        return m2_to_mu(self.denominator_after_m2)


@dataclass(frozen=True)
class AccountabilityResult:
    townships: tuple[AccountabilityRow, ...]
    """In ranking order."""
    counties: tuple[AccountabilityRow, ...]
    total: AccountabilityRow
    """Everything together, judged with the thresholds of ``config.level``."""
    config: AccountabilityConfig


@dataclass
class _Tally:
    extra: float = 0.0
    illegal_new: float = 0.0
    supplemented: float = 0.0
    restored: float = 0.0
    infrastructure: float = 0.0
    excluded: float = 0.0
    basic_farmland: float = 0.0
    nature_reserve: float = 0.0
    general_cultivated: float = 0.0

    def add(self, other: _Tally) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def count(self, rec: IllegalRecord, cfg: AccountabilityConfig) -> None:
        area = rec.cultivated_m2
        self.basic_farmland += rec.basic_farmland_m2
        self.nature_reserve += rec.nature_reserve_m2
        self.general_cultivated += max(0.0, area - rec.basic_farmland_m2)
        if rec.violation_category != CATEGORY_NEW:
            self.excluded += area
            return
        self.illegal_new += area
        if rec.major_infrastructure and cfg.infrastructure_deducted(rec.infrastructure_level):
            self.infrastructure += area
            return
        restored = 0.0
        if rec.restored and cfg.deduct_restored:
            restored = area if rec.restored_cultivated_m2 is None else min(rec.restored_cultivated_m2, area)
        if rec.supplemented and cfg.deduct_supplemented:
            left = area - restored
            wanted = left if rec.supplemented_cultivated_m2 is None else rec.supplemented_cultivated_m2
            self.supplemented += min(wanted, left)
        self.restored += restored


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator > 0 else None


def _reaches(value: float, threshold: float, strict: bool) -> bool:
    tol = _EPS * max(1.0, abs(threshold))
    return value > threshold + tol if strict else value >= threshold - tol


def _pct(ratio: float) -> str:
    return f"{ratio * 100:.2f}%"


def _row(
    level: str, code: str, name: str, county_code: str, t: _Tally, cfg: AccountabilityConfig, serious: str = ""
) -> AccountabilityRow:
    num_before = t.illegal_new
    den_before = t.extra + t.illegal_new
    num_after = max(0.0, num_before - t.supplemented - t.restored - t.infrastructure)
    den_after = max(0.0, den_before - t.restored - t.infrastructure)
    ratio_before, ratio_after = _ratio(num_before, den_before), _ratio(num_after, den_after)

    text = [f"扣除后违法占用耕地{m2_to_mu(num_after):.2f}亩"]
    if ratio_after is None:
        text.append("无新增建设用地占用耕地，比例不适用")
    else:
        text.append(
            f"占新增建设用地占用耕地{m2_to_mu(den_after):.2f}亩的{_pct(ratio_after)}"
            f"（扣除前{m2_to_mu(num_before):.2f}亩/{m2_to_mu(den_before):.2f}亩，{_pct(ratio_before)}）"
        )
    accountable, interview = False, None
    if level == "township":
        interview, lines = _interview(t, cfg)
        text.append("乡镇不适用第15号令问责（该办法针对县级以上人民政府）")
        if serious:
            interview = True
            text.append(f"经认定造成恶劣影响（{serious}），应警示约谈")
        elif interview:
            text.append("、".join(lines) + "，应警示约谈")
        else:
            text.append(f"未达到警示约谈线（永久基本农田或自然保护地{cfg.township_basic_farmland_mu:g}亩、"
                        f"一般耕地{cfg.township_cultivated_mu:g}亩）")
    else:
        area_mu = cfg.area_threshold_mu(level)
        area_ok = _reaches(num_after, mu_to_m2(area_mu), strict=False)
        ratio_ok = ratio_after is not None and _reaches(ratio_after, cfg.ratio_threshold, cfg.ratio_strict)
        accountable = bool(serious) or (ratio_ok and (area_ok or not cfg.require_area))
        word = "超过" if cfg.ratio_strict else "达到"
        line = f"{cfg.ratio_threshold * 100:g}%"
        if serious:
            text.append(f"经认定造成恶劣影响（{serious}），纳入问责范围")
        elif accountable:
            text.append((f"面积达到{area_mu:g}亩且" if cfg.require_area else "") + f"比例{word}{line}，纳入问责范围")
        else:
            missing = [f"面积未达到{area_mu:g}亩"] if cfg.require_area and not area_ok else []
            if ratio_after is not None and not ratio_ok:
                missing.append(f"比例未{word}{line}")
            text.append("、".join(missing) + "，不纳入问责范围" if missing else "不纳入问责范围")

    points_lost = None
    if cfg.has_points_rule and level == "county":
        initial = cfg.points_initial_mu is not None and _reaches(num_before, mu_to_m2(cfg.points_initial_mu), False)
        after = cfg.points_after_mu is not None and _reaches(num_after, mu_to_m2(cfg.points_after_mu), True)
        points_lost = initial or after
        if initial:
            text.append(f"初始违法占耕{cfg.points_initial_mu:g}亩以上（含），扣分")
        if after:
            text.append(f"整改后违法占耕仍超过{cfg.points_after_mu:g}亩，扣分")
        if not points_lost:
            text.append("不扣分")

    return AccountabilityRow(
        level=level, code=code, name=name, county_code=county_code,
        numerator_before_m2=num_before, denominator_before_m2=den_before,
        supplemented_m2=t.supplemented, restored_m2=t.restored, infrastructure_m2=t.infrastructure,
        excluded_m2=t.excluded, numerator_after_m2=num_after, denominator_after_m2=den_after,
        ratio_before=ratio_before, ratio_after=ratio_after,
        accountable=accountable, points_lost=points_lost, explanation="；".join(text) + "。",
        interview=interview, basic_farmland_m2=t.basic_farmland, nature_reserve_m2=t.nature_reserve,
        general_cultivated_m2=t.general_cultivated, serious_impact=serious,
    )


def _interview(t: _Tally, cfg: AccountabilityConfig) -> tuple:
    """(reaches a township 警示约谈 line, the lines reached in words)."""
    lines = []
    for label, area, limit in (("永久基本农田", t.basic_farmland, cfg.township_basic_farmland_mu),
                               ("自然保护地", t.nature_reserve, cfg.township_basic_farmland_mu),
                               ("一般耕地", t.general_cultivated, cfg.township_cultivated_mu)):
        if _reaches(area, mu_to_m2(limit), strict=False):
            lines.append(f"违法占用{label}{m2_to_mu(area):.2f}亩（{limit:g}亩以上）")
    return bool(lines), lines


def compute_accountability(
    records: Iterable[IllegalRecord],
    denominator_extra_m2: Mapping[str, float],
    cfg: AccountabilityConfig | None = None,
    townships: Iterable[Township] = (),
    serious_impact: Mapping[str, str] | None = None,
) -> AccountabilityResult:
    """Ratios before/after deductions per township, per county and in total, with verdicts and ranking.

    ``denominator_extra_m2`` maps township code → legally approved new construction occupying cultivated
    land (m²). A township there without records must be described in ``townships``, so that its
    denominator reaches the right county. ``serious_impact`` maps a township or county code to the
    reason it was marked 「造成恶劣影响」.
    """
    serious = dict(serious_impact or {})
    cfg = cfg or AccountabilityConfig()
    known: dict[str, Township] = {t.code: t for t in townships}
    tallies: dict[str, _Tally] = {}
    for rec in records:
        twp = known.setdefault(rec.township_code, Township(rec.township_code, rec.township_name, rec.county_code))
        if twp.county_code != rec.county_code:
            raise ValueError(f"乡镇 {rec.township_code} 同时属于县 {twp.county_code} 和 {rec.county_code}")
        tallies.setdefault(rec.township_code, _Tally()).count(rec, cfg)
    for code, extra in denominator_extra_m2.items():
        if code not in known:
            raise ValueError(f"乡镇 {code} 有新增建设用地面积但不知属于哪个县：请在 townships 中给出")
        if extra < 0:
            raise ValueError(f"乡镇 {code} 的新增建设用地占用耕地面积为负: {extra}")
        tallies.setdefault(code, _Tally()).extra += extra
    for code in known:
        tallies.setdefault(code, _Tally())

    township_rows = [_row("township", c, known[c].name, known[c].county_code, t, cfg, serious.get(c, ""))
                     for c, t in tallies.items()]
    township_rows.sort(key=lambda r: (-r.numerator_after_m2, -(r.ratio_after or 0.0), r.code))
    ranked = tuple(replace(r, rank=i) for i, r in enumerate(township_rows, start=1))

    county_tallies: dict[str, _Tally] = {}
    total = _Tally()
    for code, t in tallies.items():
        county_tallies.setdefault(known[code].county_code, _Tally()).add(t)
        total.add(t)
    counties = tuple(_row("county", c, "", c, t, cfg, serious.get(c, "")) for c, t in sorted(county_tallies.items()))
    return AccountabilityResult(
        townships=ranked, counties=counties, total=_row("total", "", "合计", "", total, cfg), config=cfg
    )

