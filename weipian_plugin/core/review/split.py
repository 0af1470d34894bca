"""拆分: cut a patch into parts that each get their own determination and rectification.

A patch half inside an approval red line is half legal: the reviewer splits it there (or along a line
drawn on the map). Parts are ordinary rows of ``patches`` (parent_fid, split_state '拆分部分', JCBH
'<parent>-1', '-2' …); the parent stays as '被拆分' with its determination as history, and
``WorkStore.read_patches`` skips it, so analyses and ledgers count the parts. The parts' ellipsoidal
areas are adjusted to sum exactly to the parent's (面积平差): splitting must not gain or lose area.
"""
from __future__ import annotations

import json
import math
from typing import List, Sequence

import numpy as np
import shapely
import shapely.ops
from shapely.geometry.base import BaseGeometry

from weipian_plugin.core.geo.area import ellipsoidal_area
from weipian_plugin.core.review.records import ReviewError, check_unlocked
from weipian_plugin.core.store import keys
from weipian_plugin.core.store.workstore import WorkStore, now_iso
from weipian_plugin.core.units import MU_M2
from weipian_plugin.core.vocabulary import PART, SPLIT

MIN_PART_M2 = 0.01
"""Pieces smaller than this (plane m²) are slivers of a cut along a shared boundary, not parts."""

APPROVALS = "approvals"
"""The overlay role of the approval red lines in ``keys.ANALYSIS_LAYERS`` (analysis.overlay.APPROVALS)."""

# Columns a part inherits from its parent; jcmj_m2 (the issued area) describes the whole, so it does not.
_INHERITED = ("batch_id", "xzqdm", "xmc", "tblx", "qsx", "hsx", "tz", "sfyn", "sfhx", "dlbm", "source_row",
              "source_attrs", "township_code", "township_name", "due_date", "imported_at")


def adjust_areas(areas: Sequence[float], total: float) -> List[float]:
    """面积平差: scale ``areas`` proportionally so that they sum to ``total`` exactly, in any order.

    All but the last are rounded to whole multiples of ulp(total) (a shift below 1e-12 relative) and the
    last takes the rest. Every partial sum is then a multiple of ulp(total) no larger than ``total``,
    which a float holds exactly, so Python's sum, math.fsum, numpy and SQLite's SUM all give ``total``.
    """
    unit = math.ulp(total)
    scale = total / math.fsum(areas)
    head = [round(float(a) * scale / unit) * unit for a in areas[:-1]]
    return head + [total - sum(head)]


def _polygons(geom: BaseGeometry) -> BaseGeometry:
    """The polygonal part of an overlay result as a MultiPolygon (lines and points of touching dropped)."""
    parts = shapely.get_parts(shapely.get_parts(geom))
    return shapely.MultiPolygon([p for p in parts if p.geom_type == "Polygon" and not p.is_empty])


def _load(store: WorkStore, fid: int) -> dict:
    row = store.conn.execute(f"SELECT fid, {store.dialect.geom_select('geom')}, batch_id, jcbh, area_m2, split_state "
                             "FROM patches WHERE fid = ?", (fid,)).fetchone()
    if row is None:
        raise ReviewError(f"图斑不存在（fid={fid}）")
    patch = dict(zip(("fid", "geom", "batch_id", "jcbh", "area_m2", "split_state"), row))
    if patch["split_state"] == SPLIT:
        raise ReviewError(f"图斑 {patch['jcbh']} 已拆分过，请对其拆分部分操作")
    check_unlocked(store.conn, patch["batch_id"])
    patch["geom"] = store.dialect.decode([patch["geom"]])[0]
    return patch


def patch_geometry(store: WorkStore, fid: int) -> BaseGeometry:
    """The patch's geometry in the store's CRS."""
    row = store.conn.execute(f"SELECT {store.dialect.geom_select('geom')} FROM patches WHERE fid = ?",
                             (fid,)).fetchone()
    if row is None:
        raise ReviewError(f"图斑不存在（fid={fid}）")
    return store.dialect.decode([row[0]])[0]


def approval_cutter(store: WorkStore, fid: int) -> BaseGeometry:
    """Union of the approval red lines touching the patch, from the layer chosen for the analysis, in the
    store's CRS (read like the analysis reads it, so the cut follows the lines the suggestion used)."""
    from weipian_plugin.core.intake.vector_io import VectorReadError, read_vector  # loads GDAL: only when cutting

    source = keys.ANALYSIS_LAYERS.read(store).get(APPROVALS)
    if not source:
        raise ReviewError("该工作库的分析没有选择批文图层")
    geom = patch_geometry(store, fid)
    path, _, layer = str(source).partition("|layername=")
    try:
        data = read_vector(path, layer or None, target_epsg=store.epsg, near=np.array([geom.bounds]))
    except VectorReadError as exc:
        raise ReviewError(f"无法读取批文图层：{exc}") from exc
    parts = data.geoms[shapely.intersects(data.geoms, geom)] if len(data) else data.geoms
    if not len(parts):
        raise ReviewError("该图斑与任何批文红线都不相交")
    return shapely.union_all(shapely.make_valid(parts))


def split_along_approvals(store: WorkStore, fid: int, actor: str) -> List[int]:
    """Split at the approval red lines of the analysis's approvals layer (inside first)."""
    return split_by_polygon(store, fid, approval_cutter(store, fid), actor)


def _write_parts(store: WorkStore, patch: dict, pieces: List[BaseGeometry], actor: str) -> List[int]:
    area = ellipsoidal_area(np.array(pieces, dtype=object), store.epsg)
    areas = adjust_areas(area.tolist(), patch["area_m2"])
    names = [f"{patch['jcbh']}-{i}" for i in range(1, len(pieces) + 1)]
    blobs = store.dialect.encode(np.array(pieces, dtype=object), store.epsg)
    stamp = now_iso()
    inherited = ", ".join(_INHERITED)
    with store.transaction() as conn:
        check_unlocked(conn, patch["batch_id"])  # again inside the transaction: a lock may have come since
        taken = [r[0] for r in conn.execute(
            f"SELECT jcbh FROM patches WHERE batch_id = ? AND jcbh IN ({', '.join('?' * len(names))})",
            (patch["batch_id"], *names))]
        if taken:
            raise ReviewError(f"监测编号已存在，无法拆分：{'、'.join(taken)}")
        fids = []
        for name, blob, part_area in zip(names, blobs, areas):
            part_fid = store.dialect.insert_id(
                conn, f"INSERT INTO patches (geom, jcbh, area_m2, area_mu, parent_fid, split_state, updated_at, "
                f"{inherited}) SELECT {store.dialect.geom_param(store.epsg)}, ?, ?, ?, fid, ?, ?, {inherited} "
                "FROM patches WHERE fid = ?", (blob, name, part_area, part_area / MU_M2, PART, stamp, patch["fid"]),
                key="fid")
            fids.append(part_fid)
            conn.execute(
                "INSERT INTO audit_log (actor, table_name, patch_fid, action, new_values) "
                "VALUES (?, 'patches', ?, 'split', ?)",
                (actor, part_fid, json.dumps({"split_state": PART, "parent_jcbh": patch["jcbh"],
                                                   "area_m2": part_area}, ensure_ascii=False)))
        conn.execute("UPDATE patches SET split_state = ?, updated_at = ? WHERE fid = ?", (SPLIT, stamp, patch["fid"]))
        conn.execute(
            "INSERT INTO audit_log (actor, table_name, patch_fid, action, old_values, new_values) "
            "VALUES (?, 'patches', ?, 'split', ?, ?)",
            (actor, patch["fid"], json.dumps({"split_state": patch["split_state"]}, ensure_ascii=False),
             json.dumps({"split_state": SPLIT, "split_parts": "、".join(names)}, ensure_ascii=False)))
    return fids


def _parts(pieces) -> List[BaseGeometry]:
    polygons = [_polygons(p) for p in pieces]
    return [p for p in polygons if p.area >= MIN_PART_M2]


def split_by_polygon(store: WorkStore, fid: int, cutter: BaseGeometry, actor: str) -> List[int]:
    """Split into the part inside ``cutter`` (e.g. the approval red line) and the part outside it.

    Returns the new parts' fids, inside first.
    """
    patch = _load(store, fid)
    parts = _parts([shapely.intersection(patch["geom"], cutter), shapely.difference(patch["geom"], cutter)])
    if len(parts) < 2:
        raise ReviewError("切割范围没有穿过图斑（图斑全部在其内或全部在其外），无法拆分")
    return _write_parts(store, patch, parts, actor)


def split_by_line(store: WorkStore, fid: int, line: BaseGeometry, actor: str) -> List[int]:
    """Split along a drawn line, which must cross the patch from edge to edge; one part per piece.

    Every polygon of the result is a part, so a component of a multi-part patch the line misses is a
    part of its own. Returns the new parts' fids in the order shapely.ops.split yields the pieces.
    """
    patch = _load(store, fid)
    parts = _parts(shapely.ops.split(patch["geom"], line).geoms)
    if len(parts) <= len(shapely.get_parts(patch["geom"])):  # a line that cuts nothing leaves the components
        raise ReviewError("分割线没有完整穿过图斑，无法拆分（线的两端须在图斑之外）")
    return _write_parts(store, patch, parts, actor)
