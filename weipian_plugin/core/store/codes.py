"""Default code lists (DOMAIN.md §4). Each store gets its own copy, editable, because provinces differ."""
from __future__ import annotations

RESULTS = ("合法", "违法", "其他")

# list name -> [(code, label, parent)]
DEFAULT_CODE_LISTS = {
    "result": [(r, r, "") for r in RESULTS],
    "subtype": (
        [(c, c, "合法") for c in ("批文", "供地手续", "登记发证", "合法采矿", "其他合法手续")]
        + [(c, c, "其他") for c in (
            "设施农用地", "临时用地", "农村道路", "不改变原用地性质的光伏用地", "实地未变化/伪变化",
            "已拆除复耕", "农村宅基地", "203范围", "边角细缝", "出入口", "紧急用地", "生态修复",
            "电力设施", "灾毁地块", "其他", "先行用地")]
        + [(c, c, "违法") for c in ("非农违法", "非粮化", "无证开采", "越界开采", "农业项目破坏耕地")]
    ),
    "violation_type": [(c, c, "") for c in ("工矿商服", "民生公益", "道路交通", "圈占堆放", "非粮化",
                                            "无证开采", "越界开采")],
    "violation_category": [(c, c, "") for c in ("新增", "存量", "农业项目破坏耕地")],
    "stage": [(c, c, "") for c in ("一上", "一下", "二上")],
}

ADDED_CODES = [("subtype", "先行用地", "其他"), ("subtype", "农业项目破坏耕地", "违法")]
"""Codes added to the defaults after the first release: older stores get them by migration (schema v3)."""

# Change types (TBLX) and the rule each one goes to (DOMAIN.md §4 rule 0); stored per store in the table
# ``change_types`` and editable, because provinces issue and read the codes differently.
CONSTRUCTION, MINING, AGRICULTURAL, SOLAR, EARTHWORKS, SEA, ROAD = (
    "construction", "mining", "agricultural", "solar", "earthworks", "sea", "road")
CHANGE_RULES = {
    CONSTRUCTION: "建设（批文、设施、宅基地、新增/存量）",
    MINING: "采矿（矿产规则，另按建设规则判土地）",
    AGRICULTURAL: "农业（耕地转其他农用地，不计新增建设用地）",
    SOLAR: "光伏（不改变原用地性质，占耕地/永农另判）",
    EARTHWORKS: "推堆土/推平/动土/裸土（待核）",
    SEA: "围填海（海域，待核）",
    ROAD: "农村道路（宽度不超过限值）",
}
"""Rule name → Chinese description (the rules dialog's choices)."""

DEFAULT_CHANGE_TYPES = [
    # (TBLX, label, rule, result when on cultivated land / 永农: 待核 or 违法 — agricultural and solar rules)
    ("20", "建构筑物", CONSTRUCTION, "待核"), ("YH", "硬化", CONSTRUCTION, "待核"),
    ("DL1", "道路", CONSTRUCTION, "待核"), ("DL2", "道路", CONSTRUCTION, "待核"), ("DL3", "道路", CONSTRUCTION, "待核"),
    ("TL", "铁路", CONSTRUCTION, "待核"), ("SJ", "水工", CONSTRUCTION, "待核"), ("QT", "其他", CONSTRUCTION, "待核"),
    ("CK", "采矿", MINING, "待核"), ("GF", "光伏", SOLAR, "待核"),
    ("01", "耕地", AGRICULTURAL, "待核"), ("02", "园地", AGRICULTURAL, "待核"), ("03", "林地", AGRICULTURAL, "待核"),
    ("04", "草地", AGRICULTURAL, "待核"), ("KT", "坑塘", AGRICULTURAL, "待核"),
    ("ND", "农村道路", ROAD, "待核"),
    ("TD", "推堆土", EARTHWORKS, "待核"), ("TP", "推平", EARTHWORKS, "待核"), ("DT", "动土", EARTHWORKS, "待核"),
    ("LT", "裸土地", EARTHWORKS, "待核"),
    ("WH", "围海", SEA, "待核"), ("TH", "填海", SEA, "待核"),
]
