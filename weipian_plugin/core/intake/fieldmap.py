"""Field mapping from a batch's own field names to the canonical patch fields (docs/DOMAIN.md §3).

Field sets differ by year and province, so the import matches presets, shows the choice to the user,
lets them edit it, and remembers it per store.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional

CANONICAL = ("jcbh", "xzqdm", "xmc", "tblx", "qsx", "hsx", "jcmj", "tz", "sfyn", "sfhx", "dlbm")
REQUIRED = ("jcbh",)

LABELS = {
    "jcbh": "监测编号", "xzqdm": "行政区代码", "xmc": "县名", "tblx": "图斑类型", "qsx": "前时相",
    "hsx": "后时相", "jcmj": "监测面积", "tz": "图斑特征", "sfyn": "是否涉及永农", "sfhx": "是否涉及红线",
    "dlbm": "地类编码",
}

PRESETS: Dict[str, Dict[str, str]] = {
    "部下发标准字段": {"jcbh": "JCBH", "xzqdm": "XZQDM", "xmc": "XMC", "tblx": "TBLX", "qsx": "QSX",
                 "hsx": "HSX", "jcmj": "JCMJ", "tz": "TZ", "sfyn": "SFYN", "sfhx": "SFHX", "dlbm": "DLBM"},
    "中文字段": {"jcbh": "监测编号", "xzqdm": "行政区代码", "xmc": "县名", "tblx": "图斑类型",
             "qsx": "前时相", "hsx": "后时相", "jcmj": "监测面积", "tz": "图斑特征", "dlbm": "地类编码"},
    "图斑编号字段": {"jcbh": "TBBH", "xzqdm": "XZQDM", "xmc": "XMC", "tblx": "TBLX", "qsx": "QSX",
               "hsx": "HSX", "jcmj": "MJ", "tz": "TZ", "dlbm": "DLBM"},
}

# Further names seen in the wild, tried after the preset for fields it leaves unmapped.
ALIASES: Dict[str, tuple] = {
    "jcbh": ("JCBH", "监测编号", "TBBH", "图斑编号", "线索编号", "XSBH"),
    "xzqdm": ("XZQDM", "行政区代码", "XZQHDM"),
    "xmc": ("XMC", "县名", "XZQMC", "行政区名称"),
    "tblx": ("TBLX", "图斑类型", "BHLX", "变化类型"),
    "qsx": ("QSX", "前时相"),
    "hsx": ("HSX", "后时相"),
    "jcmj": ("JCMJ", "监测面积", "TBMJ", "图斑面积", "MJ"),
    "tz": ("TZ", "图斑特征", "BZ", "备注"),
    "sfyn": ("SFYN", "是否涉及永农", "是否永农"),
    "sfhx": ("SFHX", "是否涉及红线", "是否红线"),
    "dlbm": ("DLBM", "地类编码"),
}


class FieldMapError(ValueError):
    """A mapping that cannot work (message in Chinese)."""


@dataclass
class FieldMap:
    mapping: Dict[str, str]
    preset: str = ""
    unmapped: List[str] = field(default_factory=list)

    def describe(self) -> str:
        pairs = "，".join(f"{LABELS[c]}←{self.mapping[c]}" for c in CANONICAL if c in self.mapping)
        head = f"字段方案：{self.preset}" if self.preset else "字段方案：自定义"
        return f"{head}（{pairs}）"

    def to_json(self) -> str:
        return json.dumps({"preset": self.preset, "mapping": self.mapping}, ensure_ascii=False)


def _lookup(fields: Iterable[str]) -> Dict[str, str]:
    """Case-insensitive name → actual name."""
    return {f.upper(): f for f in fields}


def detect(fields: Iterable[str], remembered: Optional[Dict[str, str]] = None) -> FieldMap:
    """Choose the preset (or the store's remembered mapping) that matches most fields, then fill gaps."""
    available = _lookup(fields)
    candidates = dict(PRESETS)
    if remembered:
        candidates = {"上次使用的方案": remembered, **candidates}
    best_name, best = "", {}
    for name, preset in candidates.items():
        matched = {c: available[f.upper()] for c, f in preset.items() if f.upper() in available}
        if len(matched) > len(best):
            best_name, best = name, matched
    for canonical, names in ALIASES.items():
        if canonical not in best:
            hit = next((available[n.upper()] for n in names if n.upper() in available), None)
            if hit and hit not in best.values():
                best[canonical] = hit
    fm = FieldMap(best, best_name, [c for c in CANONICAL if c not in best])
    validate(fm, fields)
    return fm


def parse(text: str, fields: Iterable[str]) -> FieldMap:
    """A user's mapping: JSON ``{"jcbh": "TBBH"}`` or ``jcbh=TBBH;hsx=后时相``; unknown names are errors."""
    text = text.strip()
    if text.startswith("{"):
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FieldMapError(f"字段对照不是有效的 JSON：{exc}") from exc
        mapping = raw.get("mapping", raw) if isinstance(raw, dict) else raw
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            raise FieldMapError('字段对照的 JSON 应为 {"规范字段": "原字段名", …}，字段名须为文字，'
                                '例如 {"jcbh": "TBBH", "hsx": "后时相"}')
        mapping = {str(k).lower(): v for k, v in mapping.items()}
    else:
        mapping = {}
        for part in filter(None, (p.strip() for p in text.replace("；", ";").split(";"))):
            if "=" not in part:
                raise FieldMapError(f"字段对照“{part}”应写作 规范字段=原字段，例如 jcbh=TBBH")
            key, value = (s.strip() for s in part.split("=", 1))
            mapping[key.lower()] = value
    available = _lookup(fields)
    resolved = {}
    for canonical, source in mapping.items():
        if canonical not in CANONICAL:
            raise FieldMapError(f"未知的规范字段“{canonical}”，可用：{', '.join(CANONICAL)}")
        if source.upper() not in available:
            raise FieldMapError(f"数据中没有字段“{source}”（{LABELS[canonical]}）")
        resolved[canonical] = available[source.upper()]
    fm = FieldMap(resolved, "", [c for c in CANONICAL if c not in resolved])
    validate(fm, fields)
    return fm


def validate(fm: FieldMap, fields: Iterable[str]) -> None:
    missing = [c for c in REQUIRED if c not in fm.mapping]
    if missing:
        names = "、".join(LABELS[c] for c in missing)
        raise FieldMapError(f"找不到必填字段：{names}。数据中的字段有：{', '.join(fields)}。请在字段对照中指定。")
