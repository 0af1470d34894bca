"""Checks of every reference layer before the analysis uses it.

A DLTB without DLBM, an empty approvals layer, approvals drawn as points, or a layer 100 km away (a
wrong CRS) all used to run without a word and change suggestions. Each layer is checked for what its
role needs: the fields its rule reads, polygon geometry, a CRS (vector_io refuses a layer whose CRS is
neither declared nor evident), features near the patches and a plausible count. A problem stops the
run with a message naming the layer and what to do, unless the user chose to continue; then the
problems are stored with the run (``keys.ANALYSIS_WARNINGS``) and printed in the ledger and the report.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np
import shapely

from weipian_plugin.core import roles
from weipian_plugin.core.intake.vector_io import VectorData

# Share of a layer's features that may be non-polygonal (points, lines, empty) before it is reported.
MAX_DROPPED_SHARE = 0.1


@dataclass(frozen=True)
class Need:
    """Fields a role's rule reads: each group needs one of its candidate names."""

    groups: Tuple[Tuple[str, Tuple[str, ...]], ...]


def _needs() -> Dict[str, Need]:
    """What each role of the registry (core/roles.py) requires: the document number the reasons cite
    (legal and other routes, mining), the validity period of roles dated by validity (without it an
    expired permit would count as valid); DLBM for 三调; code or name for townships. Context layers
    (basic farmland, red line, nature reserves) need only their polygons."""
    out = {}
    for role in roles.ROLES:
        f = role.fields
        if role.effect == roles.PARTITION:
            groups = [("地类编码", f.doc)]
        elif role.effect == roles.TOWNSHIP:
            groups = [("乡镇代码或名称", f.doc + f.name)]
        elif role.effect in (roles.LEGAL, roles.OTHER, roles.MINING):
            groups = [("文号/编号", f.doc)]
            if role.dates == roles.VALIDITY:
                groups += [("有效期起", f.start), ("有效期止", f.end)]
        else:
            continue
        out[role.key] = Need(tuple(groups))
    return out


def _distance_km(a: Sequence[float], b: Sequence[float]) -> float:
    """Gap between two boxes (minx, miny, maxx, maxy) in a metric CRS, in km (0 when they meet)."""
    dx = max(0.0, a[0] - b[2], b[0] - a[2])
    dy = max(0.0, a[1] - b[3], b[1] - a[3])
    return math.hypot(dx, dy) / 1000.0


def check_layer(role: str, label: str, data: VectorData, patch_bounds: np.ndarray,
                total_features: Optional[int] = None,
                total_bounds: Optional[Sequence[float]] = None) -> List[str]:
    """Problems of one layer (empty when it is fit for its role), each a sentence naming the layer.

    ``data`` is the layer as read for the analysis (only features near the patches, in the store CRS);
    ``total_features`` and ``total_bounds`` (store CRS) describe the whole layer when known."""
    name = f"{label}图层（{data.source or '未命名'}）"
    problems = []
    need = _needs().get(role)
    if need:
        missing = [f"{what}（{'/'.join(cands)}）" for what, cands in need.groups if data.field(*cands) is None]
        if missing:
            problems.append(f"{name}缺少必需字段：{'、'.join(missing)}。请选择正确的图层或先补齐字段。")
    if total_features == 0:
        problems.append(f"{name}没有任何要素。")
        return problems
    read = len(data) + data.dropped_empty
    if read and data.dropped_empty > MAX_DROPPED_SHARE * read:
        what = "全部" if not len(data) else f"{data.dropped_empty} 个"
        problems.append(f"{name}中{what}要素不是面（点、线或空几何），无法计算覆盖面积。请选择面图层。")
    if not len(patch_bounds) or (not len(data) and data.dropped_empty):
        return problems
    patches = (patch_bounds[:, 0].min(), patch_bounds[:, 1].min(), patch_bounds[:, 2].max(), patch_bounds[:, 3].max())
    if len(data):  # read whole or near the patches: does any feature's envelope reach the patches at all?
        boxes = shapely.bounds(data.geoms)
        if ((boxes[:, 0] <= patches[2]) & (boxes[:, 2] >= patches[0])
                & (boxes[:, 1] <= patches[3]) & (boxes[:, 3] >= patches[1])).any():
            return problems
        total_bounds = shapely.total_bounds(data.geoms)
    if total_bounds is not None and all(np.isfinite(total_bounds)):
        gap = _distance_km(total_bounds, patches)
        where = f"与图斑范围相距约 {gap:.0f} 公里" if gap >= 1 else "范围内没有与图斑相交的要素"
    else:
        where = "在图斑附近没有任何要素"
    problems.append(f"{name}{where}：可能选错了图层或坐标系不对（缺少 .prj 时请确认坐标）。")
    return problems


LAYER_CHECK_HEAD = "参考图层检查未通过"


class LayerCheckFailed(ValueError):
    """Reference layers unfit for the analysis, and the user did not allow continuing."""


def verdict(problems: List[str], allow: bool) -> List[str]:
    """The problems as warnings to store with the run when ``allow``; else LayerCheckFailed listing them."""
    if problems and not allow:
        raise LayerCheckFailed(f"{LAYER_CHECK_HEAD}，分析未运行，工作库未改动：\n" + "\n".join(f"  {p}" for p in problems)
                               + "\n若确认仍要分析，请勾选“图层有问题时仍继续分析”，问题将记入分析结果、台账和报告。")
    return list(problems)


def warnings_of(setting: Optional[Mapping]) -> List[str]:
    """The stored warnings of the last run, as lines for a ledger or report."""
    if not setting or not setting.get("warnings"):
        return []
    head = f"{setting.get('at', '')} 的内业比对在参考图层有以下问题时继续运行，相关建议需人工复核："
    return [head] + [f"· {w}" for w in setting["warnings"]]
