"""What goes into a patch's case file (一图斑一卷宗) and how its recorded values read on paper.

The exporter (exporters/dossier.py) lays these out; the values are shown the way the review form shows
them: areas in 亩 to two decimals (the store keeps m²), flags as 是/否, times without the ISO 「T」.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, List, Optional, Tuple

from weipian_plugin.core.review import records
from weipian_plugin.core.store.codes import DLBM_NAMES, TBLX_NAMES, code_label
from weipian_plugin.core.store.workstore import WorkStore
from weipian_plugin.core.units import m2_to_mu

BLANK = "—"
_FLAGS = ("case_filed", "is_nonagri", "is_new_housing", "from_suggestion")
_LABELS = {**records.FIELD_LABELS, "reviewer": "判定人", "reviewed_at": "判定时间", "updated_by": "填报人",
           "updated_at": "更新时间"}


def display_value(name: str, value: Any) -> str:
    """A recorded value as the review form shows it: ``*_m2`` as 亩, flags 是/否, ISO times with a space."""
    if value is None or value == "":
        return BLANK
    if name in _FLAGS:
        return "是" if str(value) not in ("0", "False", "否") else "否"
    if name.endswith("_m2") and isinstance(value, (int, float)):
        return f"{m2_to_mu(float(value)):.2f} 亩"
    if name == "fine_yuan" and isinstance(value, (int, float)):
        return f"{value:,.2f}"
    if isinstance(value, str) and len(value) >= 19 and value[10] == "T" and value[4] == "-":
        return value[:19].replace("T", " ")
    return str(value)


@dataclass
class Photo:
    attachment_id: int
    file_name: str
    taken_at: Optional[str]
    longitude: Optional[float]
    latitude: Optional[float]
    bearing: Optional[float]

    @property
    def located(self) -> bool:
        return self.longitude is not None and self.latitude is not None

    def caption(self) -> str:
        where = (f"经度 {self.longitude:.6f}°，纬度 {self.latitude:.6f}°" if self.located else "照片无位置信息")
        facing = f"，拍摄方向 {self.bearing:.0f}°（正北为 0°）" if self.bearing is not None else ""
        return f"{self.file_name}　拍摄时间 {display_value('taken_at', self.taken_at)}　{where}{facing}"


@dataclass
class Dossier:
    fid: int
    jcbh: str
    facts: List[Tuple[str, str]]
    determination: List[Tuple[str, str]]
    rectification: List[Tuple[str, str]]
    photos: List[Photo]
    files: List[dict]
    history: List[Tuple[str, str, str, str, str]] = field(default_factory=list)


def _rows(fields: tuple, values: dict) -> List[Tuple[str, str]]:
    return [(_LABELS.get(f, f), display_value(f, values.get(f))) for f in fields]


def dossier(store: WorkStore, fid: int) -> Dossier:
    """Everything the case file of patch ``fid`` prints, already formatted."""
    status = records.patch_status(store, fid)  # a clear error for an unknown patch
    names = ("jcbh", "township_name", "tblx", "qsx", "hsx", "jcmj_m2", "area_m2", "dlbm", "due_date")
    patch = dict(zip(names, store.conn.execute(f"SELECT {', '.join(names)} FROM patches WHERE fid = ?",
                                               (fid,)).fetchone()))
    analysis = store.conn.execute("SELECT suggestion, suggestion_type, suggestion_reason, dominant_dlbm "
                                  "FROM analysis WHERE patch_fid = ?", (fid,)).fetchone() or (None,) * 4
    facts = [
        ("监测编号", patch["jcbh"]), ("批次", status.get("batch") or BLANK),
        ("乡镇", patch.get("township_name") or BLANK),
        ("图斑类型", code_label(patch.get("tblx"), TBLX_NAMES) or BLANK),
        ("前时相", patch.get("qsx") or BLANK), ("后时相", patch.get("hsx") or BLANK),
        ("下发监测面积", display_value("jcmj_m2", patch.get("jcmj_m2"))),
        ("计算面积（椭球）", display_value("area_m2", patch.get("area_m2"))),
        ("主要地类", code_label(analysis[3] or patch.get("dlbm"), DLBM_NAMES) or BLANK),
        ("比对建议", "".join(x for x in (analysis[0], f"（{analysis[1]}）" if analysis[1] else "") if x) or BLANK),
        ("建议理由", analysis[2] or BLANK),
        ("判定期限", patch.get("due_date") or BLANK), ("整改状态", status.get("status") or BLANK),
        ("剩余未整改面积", display_value("remaining_m2", status.get("remaining_m2"))),
    ]
    determination = records.load_determination(store, fid)
    rectification = records.load_rectification(store, fid)
    attachments = records.list_attachments(store, fid)
    photos = [Photo(a["id"], a["file_name"], a["taken_at"], a["longitude"], a["latitude"], a["bearing"])
              for a in attachments if (a["mime_type"] or "").startswith("image/")]
    files = [a for a in attachments if not (a["mime_type"] or "").startswith("image/")]
    history = [(display_value("at", h.at), h.actor or BLANK, h.label, display_value(h.field, h.old),
                display_value(h.field, h.new)) for h in records.history(store, fid)]
    return Dossier(fid, patch["jcbh"], facts,
                   _rows(records.DETERMINATION_FIELDS + ("reviewer", "reviewed_at"), determination),
                   _rows(records.RECTIFICATION_FIELDS + ("updated_by", "updated_at"), rectification),
                   photos, files, history)
