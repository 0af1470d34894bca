"""Default code lists (docs/DOMAIN.md §4). Each store gets its own copy, editable, because provinces differ."""
from __future__ import annotations

from weipian_plugin.core.vocabulary import ILLEGAL, LEGAL, NEW, OTHER, RESULTS, STOCK

# list name -> [(code, label, parent)]
DEFAULT_CODE_LISTS = {
    "result": [(r, r, "") for r in RESULTS],
    "subtype": (
        [(c, c, LEGAL) for c in ("批文", "供地手续", "登记发证", "合法采矿", "其他合法手续")]
        + [(c, c, OTHER) for c in (
            "设施农用地", "临时用地", "农村道路", "不改变原用地性质的光伏用地", "实地未变化/伪变化",
            "已拆除复耕", "农村宅基地", "203范围", "边角细缝", "出入口", "紧急用地", "生态修复",
            "电力设施", "灾毁地块", "其他", "先行用地")]
        + [(c, c, ILLEGAL) for c in ("非农违法", "非粮化", "无证开采", "越界开采", "农业项目破坏耕地")]
    ),
    "violation_type": [(c, c, "") for c in ("工矿商服", "民生公益", "道路交通", "圈占堆放", "非粮化",
                                            "无证开采", "越界开采")],
    "violation_category": [(c, c, "") for c in (NEW, STOCK, "农业项目破坏耕地")],
    "stage": [(c, c, "") for c in ("一上", "一下", "二上")],
}

# Names printed beside codes (套合图, ledger). TBLX as seen in 2026 data (docs/DOMAIN.md §3); DLBM from the
# 第三次全国国土调查 working classification (GB/T 21010-2017 with the 三调 merged classes such as 05H1).
TBLX_NAMES = {
    "20": "建构筑物", "YH": "硬化", "DT": "动土", "TD": "推堆土", "DL1": "道路", "DL2": "道路", "DL3": "道路",
    "TL": "铁路", "ND": "农村道路", "SJ": "水工", "CK": "采矿", "GF": "光伏", "01": "耕地", "02": "园地",
    "03": "林地", "04": "草地", "KT": "坑塘", "TP": "推平", "LT": "裸土地", "WH": "围海", "TH": "填海",
    "QT": "其他",
}
DLBM_NAMES = {
    "0101": "水田", "0102": "水浇地", "0103": "旱地", "0201": "果园", "0202": "茶园", "0203": "橡胶园",
    "0204": "其他园地", "0301": "乔木林地", "0302": "竹林地", "0303": "红树林地", "0304": "森林沼泽",
    "0305": "灌木林地", "0306": "灌丛沼泽", "0307": "其他林地", "0401": "天然牧草地", "0402": "沼泽草地",
    "0403": "人工牧草地", "0404": "其他草地", "05H1": "商业服务业设施用地", "0508": "物流仓储用地",
    "0601": "工业用地", "0602": "采矿用地", "0603": "盐田", "0701": "城镇住宅用地", "0702": "农村宅基地",
    "08H1": "机关团体新闻出版用地", "08H2": "科教文卫用地", "0809": "公用设施用地", "0810": "公园与绿地",
    "09": "特殊用地", "1001": "铁路用地", "1002": "轨道交通用地", "1003": "公路用地", "1004": "城镇村道路用地",
    "1005": "交通服务场站用地", "1006": "农村道路", "1007": "机场用地", "1008": "港口码头用地",
    "1009": "管道运输用地", "1101": "河流水面", "1102": "湖泊水面", "1103": "水库水面", "1104": "坑塘水面",
    "1105": "沿海滩涂", "1106": "内陆滩涂", "1107": "沟渠", "1108": "沼泽地", "1109": "水工建筑用地",
    "1110": "冰川及永久积雪", "1201": "空闲地", "1202": "设施农用地", "1203": "田坎", "1204": "盐碱地",
    "1205": "沙地", "1206": "裸土地", "1207": "裸岩石砾地",
}


def code_label(code, names: dict) -> str:
    """「DT 动土」: the code with its name; an unknown code alone; blank for none. DLBM variants such as
    0101K (可调整) or 1104A are named after their four-character class."""
    code = str(code or "").strip()
    name = names.get(code.upper()) or names.get(code[:4].upper())
    return f"{code} {name}" if name else code

ADDED_CODES = [("subtype", "先行用地", "其他"), ("subtype", "农业项目破坏耕地", "违法")]
"""Codes added to the defaults after the first release: older stores get them by migration (schema v6)."""

# Change types (TBLX) and the rule each one goes to (docs/DOMAIN.md §4 rule 0); stored per store in the table
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

_TBLX_RULES = {
    CONSTRUCTION: ("20", "YH", "DL1", "DL2", "DL3", "TL", "SJ", "QT"), MINING: ("CK",), SOLAR: ("GF",),
    AGRICULTURAL: ("01", "02", "03", "04", "KT"), ROAD: ("ND",), EARTHWORKS: ("TD", "TP", "DT", "LT"),
    SEA: ("WH", "TH"),
}
DEFAULT_CHANGE_TYPES = [(code, TBLX_NAMES[code], rule, "待核") for rule, tblx in _TBLX_RULES.items() for code in tblx]
"""(TBLX, name, rule, result when on cultivated land or 永农 — 待核 or 违法, for the agricultural and solar rules)."""
