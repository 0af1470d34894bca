"""The reference-layer roles: one entry per kind of layer a patch is compared with (内业比对).

Everything that differs per layer lives here and nowhere else: the Processing parameter, the Chinese
label, the fields and their aliases, what the layer can make of a patch (legal, other, mining, context),
how its documents are dated, its contract column in ``patch_analysis``, its ledger header and its colour.
The analysis dialog, the Processing algorithm, the overlay engine, the store's view, the ledger, the
figures and the README table are all generated from :data:`ROLES`; adding a role is one entry here plus,
when its effect is new, its rule in ``core/analysis/rules.py``. Pure data, importable from every room.
"""
from __future__ import annotations

from dataclasses import dataclass

# What a role's layer can decide (docs/DOMAIN.md §4).
PARTITION = "partition"
"""三调 DLTB: the land class before the change; partitions the county (面积平差)."""
LEGAL = "legal"
"""Covering the patch (rule 1 thresholds) with a document dated in time makes it 合法 (its ``subtype``)."""
OTHER = "other"
"""Covering the patch with a document in time makes it 其他 (its ``subtype``): rule 2."""
MINING = "mining"
"""Mining permits: rule 5, evaluated independently of the land rules."""
CONTEXT = "context"
"""Measured and reported (areas, flags), never a legality route."""
TOWNSHIP = "township"
"""Assigns each patch its township."""

# How a role's documents are dated (docs/DOMAIN.md §4 rules 1, 2, 5).
ISSUED = "issued"
"""Counts only when its date (``fields.date``) is on or before the comparison date (后时相 or 前时相)."""
VALIDITY = "validity"
"""Counts only while valid (``fields.start`` ≤ 后时相 ≤ ``fields.end``)."""


@dataclass(frozen=True)
class Fields:
    """Candidate field names (matched case-insensitively, the first present wins)."""

    doc: tuple[str, ...] = ()
    """Document number (文号/证号), or the feature's code."""
    name: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    """Date of issue (for :data:`ISSUED` roles)."""
    start: tuple[str, ...] = ()
    end: tuple[str, ...] = ()
    """Validity period (for :data:`VALIDITY` roles)."""
    extra: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Further fields a role's rule reads, as (name, candidates) pairs (DLTB: KCXS, CZCSXM …)."""


@dataclass(frozen=True)
class Style:
    """Outline in figures and the project: colour (#rrggbb), width (mm), dashed, hatched fill; ``z`` is the
    drawing order from the bottom."""

    colour: str
    width_mm: float
    z: int
    dashed: bool = False
    hatch: bool = False


@dataclass(frozen=True)
class Role:
    key: str
    """Stable identifier, stored in ``analysis_features.role`` and the layers setting."""
    parameter: str
    """Processing parameter name of weipian:analyzepatches."""
    label: str
    """Chinese name of the layer (dialog, summaries, figure legends)."""
    english: str
    doc_label: str
    """How one of its documents is named in a reason (e.g. 批文)."""
    effect: str
    fields: Fields
    style: Style
    subtype: str = ""
    """The suggestion sub-type when a :data:`LEGAL` or :data:`OTHER` role covers the patch."""
    dates: str = ""
    """:data:`ISSUED`, :data:`VALIDITY` or '' (undated)."""
    column: str = ""
    """Contract column (m², the union of its features over the patch) in ``analysis``/``patch_analysis``."""
    column_label: str = ""
    """Chinese header of that column (ledger 内业比对 group, README)."""
    geometry: str = "polygon"
    """Geometry a layer of this role must have (every role is a polygon layer today)."""

    @property
    def dated(self) -> bool:
        return bool(self.dates)

    def field_names(self) -> tuple[str, ...]:
        """Every candidate field name, once (what a registered copy of the layer keeps)."""
        f = self.fields
        return tuple(dict.fromkeys((*f.doc, *f.name, *f.kind, *f.date, *f.start, *f.end,
                                    *(n for _, names in f.extra for n in names))))


_START = ("YXQQ", "有效期起", "有效期开始")
_END = ("YXQZ", "有效期止", "有效期结束")
_PROJECT = ("XMMC", "项目名称")

LANDUSE = Role(
    "landuse", "LANDUSE", "三调地类图斑", "Land-use survey (DLTB)", "三调地类图斑", PARTITION,
    Fields(doc=("DLBM", "地类编码"), name=("DLMC", "地类名称"), extra=(
        ("dlbm", ("DLBM", "地类编码")), ("dlmc", ("DLMC", "地类名称")), ("kcxs", ("KCXS", "扣除系数", "TKXS", "田坎系数")),
        ("zldwdm", ("ZLDWDM", "坐落单位代码")), ("zldwmc", ("ZLDWMC", "坐落单位名称")), ("czcsxm", ("CZCSXM", "城镇村属性码")))),
    Style("#ffffff", 0.15, 0))
BASIC_FARMLAND = Role(
    "basic_farmland", "BASIC_FARMLAND", "永久基本农田", "Permanent basic farmland", "永久基本农田", CONTEXT,
    Fields(doc=("JBNTTBBH", "YJJBNTTBBH", "TBBH", "图斑编号")), Style("#ffff00", 0.5, 2, hatch=True),
    column="basic_farmland_m2", column_label="永久基本农田")
APPROVALS = Role(
    "approvals", "APPROVALS", "建设用地审批", "Approval red lines", "批文", LEGAL,
    Fields(doc=("PZWH", "批准文号", "批文号"), name=_PROJECT, date=("PZRQ", "批准日期")), Style("#ff0000", 0.6, 12),
    subtype="批文", dates=ISSUED, column="approved_m2", column_label="已批")
SUPPLY = Role(
    "supply", "SUPPLY", "供地", "Land supply", "供地", LEGAL,
    Fields(doc=("GDBH", "供地编号", "DZJGH", "电子监管号"), name=_PROJECT, date=("GDRQ", "供地日期")),
    Style("#ff8c00", 0.5, 11), subtype="供地手续", dates=ISSUED, column="supplied_m2", column_label="已供")
REGISTRATION = Role(
    "registration", "REGISTRATION", "不动产登记", "Real-estate registration", "不动产权证", LEGAL,
    Fields(doc=("BDCQZH", "不动产权证号", "不动产权证书号"), name=("QLR", "权利人"), date=("DJRQ", "登记日期")),
    Style("#1e90ff", 0.5, 10), subtype="登记发证", dates=ISSUED, column="registered_m2", column_label="已登记发证")
OTHER_LEGAL = Role(
    "other_legal", "OTHER_LEGAL", "增减挂钩及其他合法手续", "Land swap and other legal documents",
    "合法手续", LEGAL,
    Fields(doc=("PZWH", "批准文号", "XMBH", "项目编号"), name=_PROJECT, date=("PZRQ", "批准日期")),
    Style("#c71585", 0.5, 9), subtype="其他合法手续", dates=ISSUED, column="other_legal_m2",
    column_label="其他合法手续")
ADVANCE = Role(
    "advance", "ADVANCE", "先行用地", "Advance land use", "先行用地批复", OTHER,
    Fields(doc=("PZWH", "批准文号"), name=_PROJECT, date=("PZRQ", "批准日期")), Style("#b8860b", 0.5, 8, dashed=True),
    subtype="先行用地", dates=ISSUED, column="advance_m2", column_label="先行用地")
FACILITY = Role(
    "facility", "FACILITY", "设施农用地备案", "Facility-agriculture filings", "设施农用地备案", OTHER,
    Fields(doc=("BAH", "备案编号"), name=_PROJECT, kind=("SSLX", "设施类型"), date=("BARQ", "备案日期")),
    Style("#adff2f", 0.4, 6, dashed=True), subtype="设施农用地", dates=ISSUED, column="facility_m2",
    column_label="设施农用地")
TEMPORARY = Role(
    "temporary", "TEMPORARY", "临时用地", "Temporary land approvals", "临时用地", OTHER,
    Fields(doc=("PZWH", "批准文号"), name=_PROJECT, start=_START, end=_END), Style("#ff00ff", 0.4, 7, dashed=True),
    subtype="临时用地", dates=VALIDITY, column="temporary_m2", column_label="临时用地")
MINING_PERMITS = Role(
    "mining", "MINING", "采矿权", "Mining permits", "采矿许可证", MINING,
    Fields(doc=("XKZH", "许可证号"), name=("KSMC", "矿山名称"), kind=("KZ", "开采矿种"), start=_START, end=_END),
    Style("#9400d3", 0.5, 5), subtype="合法采矿", dates=VALIDITY, column="mining_m2", column_label="采矿权")
ECO_REDLINE = Role(
    "eco_redline", "ECO_REDLINE", "生态保护红线", "Ecological red line", "生态保护红线", CONTEXT,
    Fields(doc=("HXBH", "BSM", "红线编号"), name=("HXMC", "红线名称")), Style("#00c000", 0.6, 4, dashed=True),
    column="eco_redline_m2", column_label="生态保护红线")
NATURE_RESERVE = Role(
    "nature_reserve", "NATURE_RESERVE", "自然保护地", "Nature reserves", "自然保护地", CONTEXT,
    Fields(doc=("BHDBM", "保护地编码", "BSM"), name=("BHDMC", "保护地名称", "MC")), Style("#006400", 0.6, 3, dashed=True),
    column="nature_reserve_m2", column_label="自然保护地")
TOWNSHIPS = Role(
    "townships", "TOWNSHIPS", "乡镇", "Townships", "乡镇", TOWNSHIP,
    Fields(doc=("XZQDM", "行政区代码", "乡镇代码"), name=("XZQMC", "行政区名称", "乡镇名称")),
    Style("#ffffff", 0.5, 1, dashed=True))

ROLES: tuple[Role, ...] = (LANDUSE, BASIC_FARMLAND, APPROVALS, SUPPLY, REGISTRATION, OTHER_LEGAL, ADVANCE,
                           FACILITY, TEMPORARY, MINING_PERMITS, ECO_REDLINE, NATURE_RESERVE, TOWNSHIPS)
"""In the order the analysis dialog and the algorithm list them; rule 1 tries LEGAL roles in this order."""

BY_KEY: dict[str, Role] = {r.key: r for r in ROLES}
BY_PARAMETER: dict[str, Role] = {r.parameter: r for r in ROLES}
KEYS: tuple[str, ...] = tuple(BY_KEY)
LABELS: dict[str, str] = {r.key: r.label for r in ROLES}
COLUMNS: dict[str, str] = {r.column: r.key for r in ROLES if r.column}
"""Contract column → role key, for every role that has one."""


def with_effect(*effects: str) -> tuple[str, ...]:
    """Keys of the roles whose effect is one of ``effects``, in registry order."""
    return tuple(r.key for r in ROLES if r.effect in effects)


def dated(dates: str) -> tuple[str, ...]:
    """Keys of the roles dated by ``dates`` (:data:`ISSUED` or :data:`VALIDITY`)."""
    return tuple(r.key for r in ROLES if r.dates == dates)


def label(key: str) -> str:
    """Chinese label of a role key (the key itself for an unknown one, e.g. from a newer store)."""
    return LABELS.get(key, key)

