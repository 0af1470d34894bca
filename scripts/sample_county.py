"""Deterministic sample county 青禾县 (500199) for the demo, the tests and the benchmark.

Everything the bureau's work touches comes from one seed: a 三调 DLTB partition, county and township
boundaries, the reference layers, before/after imagery, three monthly patch batches written the awkward
ways they really arrive, and daily-enforcement clues and patrols. Patches are *planted* next to reference
features so that every legality outcome of docs/DOMAIN.md §4 occurs; ``manifest.json`` says which JCBH should
get which suggestion, so tests can check the analysis end to end.

Geometry lives on a jittered grid: cells share jittered vertices, so the DLTB is a valid gap-free
partition by construction and millions of polygons come from a few numpy operations. Layers that follow
DLTB boundaries (county, townships, basic farmland, eco red line) are polygonised from cell labels in
grid-index space and then moved onto the jittered vertices, so they match the DLTB edges exactly.

    python scripts/sample_county.py OUT_DIR [--seed 7] [--patches-per-batch 300] [--dltb 20000]
                                    [--size-km 10] [--no-imagery] [--bench-patches N]
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyogrio
import shapely
from pyogrio.raw import write as _ogr_write
from pyproj import Transformer

COUNTY_NAME = "青禾县"
COUNTY_CODE = "500199"
EPSG = 4527            # CGCS2000 3° GK zone 39, easting prefixed with 39
GEOGRAPHIC_EPSG = 4490
CENTER = (39_497_000.0, 3_300_000.0)
CELL_M = 70.0          # DLTB polygon size the bench keeps while the area grows
GRID_PAD = 1.2         # the grid is larger than the county so its outline can wobble
VILLAGE_SPACING = 1600.0
OGR_STAMP = "2026-01-01T00:00:00Z"  # fixed gpkg_contents.last_change: same args, same bytes
MU = 2000.0 / 3.0

# DLBM, DLMC, colour in the before image
LAND = [
    ("0101", "水田", (92, 138, 72)), ("0102", "水浇地", (126, 150, 82)), ("0103", "旱地", (168, 158, 98)),
    ("0201", "果园", (82, 124, 62)), ("0202", "茶园", (70, 132, 72)),
    ("0301", "乔木林地", (36, 74, 42)), ("0305", "灌木林地", (66, 96, 52)), ("0307", "其他林地", (76, 104, 62)),
    ("0404", "其他草地", (138, 152, 92)),
    ("05H1", "商业服务业设施用地", (170, 165, 160)), ("0508", "物流仓储用地", (184, 180, 172)),
    ("0601", "工业用地", (176, 176, 182)), ("0602", "采矿用地", (186, 172, 148)),
    ("0701", "城镇住宅用地", (160, 150, 146)), ("0702", "农村宅基地", (150, 124, 108)),
    ("08H2", "科教文卫用地", (166, 160, 152)), ("0809", "公用设施用地", (160, 160, 160)),
    ("0810", "公园与绿地", (92, 140, 82)),
    ("1001", "铁路用地", (140, 130, 122)), ("1003", "公路用地", (206, 206, 200)),
    ("1004", "城镇村道路用地", (196, 196, 190)), ("1006", "农村道路", (192, 182, 160)),
    ("1101", "河流水面", (46, 86, 120)), ("1103", "水库水面", (36, 70, 110)), ("1104", "坑塘水面", (62, 100, 110)),
    ("1107", "沟渠", (80, 110, 112)),
    ("1201", "空闲地", (166, 152, 122)), ("1202", "设施农用地", (212, 212, 216)), ("1203", "田坎", (118, 140, 82)),
]
C = {code: k for k, (code, _, _) in enumerate(LAND)}
_DLBM = np.array([c for c, _, _ in LAND], dtype=object)
_DLMC = np.array([n for _, n, _ in LAND], dtype=object)
_PALETTE = np.array([rgb for _, _, rgb in LAND], dtype=np.float32)
_CZCS = np.array(["", "201", "202", "203"], dtype=object)


def _ids(*codes):
    return np.array([C[c] for c in codes])


CULTIVATED = _ids("0101", "0102", "0103")
AGRI = _ids("0101", "0102", "0103", "1203", "0201", "0202")
FOREST = _ids("0301", "0305", "0307")
MINING_OK = _ids("0301", "0305", "0307", "0404", "0103", "1203", "0201", "0202", "0602")
STOCK = _ids("0601", "05H1", "0508", "0701", "08H2", "0809")   # construction land outside 203
VILLAGE_OTHER = _ids("1004", "08H2", "1201", "0809")
BUILT = _ids("0702", "0701", "05H1", "0508", "0601", "08H2", "0809", "1201")
NOT_TOWN = _ids("1001", "1003", "1101", "1103", "1104")

TOWNSHIP_NAMES = ["青禾镇", "河西镇", "石桥镇", "龙潭乡", "白鹤乡", "双凤镇"]
_PLACE = list("金新永安兴隆福寿太和东南西北高石青白黄龙凤桂柏松竹梅兰清平长乐大小")
_VILLAGE_A = ["张家", "李家", "王家", "刘家", "陈家", "杨家", "黄家", "周家", "吴家", "罗家", "石", "龙", "白",
              "桂", "柏", "新", "高", "金", "双", "马", "庙", "凤", "清", "永", "红", "团", "观", "五", "天", "玉"]
_VILLAGE_B = ["湾", "坝", "沟", "岭", "坪", "桥", "塘", "院", "山", "河", "堡", "溪", "口", "岩", "田", "林",
              "寺", "垭", "滩", "井"]
_SURNAMES = list("张李王刘陈杨黄周吴罗何郑谢唐冯蒋彭曾邓")
_GIVEN = ["伟", "强", "军", "勇", "敏", "静", "磊", "洋", "艳", "杰", "涛", "明", "超", "霞", "平", "刚", "华", "林"]

# TBLX -> (图斑特征, change kind drawn in the after image)
TBLX = {
    "20": ("新增建（构）筑物", 3), "YH": ("地表硬化", 4), "DT": ("动土", 1), "TD": ("推土堆土", 1),
    "DL1": ("新建道路", 5), "ND": ("农村道路", 5), "CK": ("采矿挖损", 7), "GF": ("光伏板铺设", 6),
    "KT": ("挖塘", 2), "TP": ("推平", 1), "LT": ("裸土地", 1), "QT": ("其他变化", 1), "01": ("变为耕地", 8),
}
_BACKGROUND_TBLX = (["20", "YH", "DT", "TD", "DL1", "ND", "GF", "CK", "KT", "TP", "LT", "QT", "01"],
                    [.28, .15, .14, .1, .05, .05, .03, .03, .04, .04, .03, .03, .03])

# scenario -> (land suggestion, subtype, 新增/存量, mining suggestion, its subtype), after docs/DOMAIN.md §4
# (as revised) and core/store/codes.py; '' = not checked (新增/存量 of a mine depends on the pit cells).
_MINED = ("违法", "非农违法", "")   # mining land without a land approval is a land violation too
SCENARIOS = {
    "approval": ("合法", "批文", "", "", ""),
    "approval_overlap": ("合法", "批文", "", "", ""),
    "supply": ("合法", "供地手续", "", "", ""),
    "registration": ("合法", "登记发证", "", "", ""),
    "facility_filing": ("其他", "设施农用地", "", "", ""),
    "facility_dltb": ("违法", "非农违法", "新增", "", ""),          # DLBM 1202 before: context only
    "temporary_valid": ("其他", "临时用地", "", "", ""),
    "temporary_expired": ("违法", "非农违法", "新增", "", ""),
    "rural_road": ("其他", "农村道路", "", "", ""),                   # TBLX ND, 5 m wide, on 旱地
    "rural_road_1006": ("违法", "非农违法", "新增", "", ""),         # ND far wider than a road, on 1006
    "homestead": ("其他", "农村宅基地", "", "", ""),
    "zone203": ("其他", "203范围", "", "", ""),
    "new_house_203": ("违法", "非农违法", "新增", "", ""),           # 旱地 inside 203: 新增乱占耕地建房
    "mining_legal": (*_MINED, "合法", "合法采矿"),
    "mining_overbound": (*_MINED, "违法", "越界开采"),
    "mining_nopermit": (*_MINED, "违法", "无证开采"),
    "mining_expired": (*_MINED, "违法", "无证开采"),
    "mining_in_approval": ("合法", "批文", "", "违法", "无证开采"),  # a land approval, no mining permit
    "illegal_new_farmland": ("违法", "非农违法", "新增", "", ""),
    "illegal_new_basic": ("违法", "非农违法", "新增", "", ""),
    "illegal_new_eco": ("违法", "非农违法", "新增", "", ""),
    "illegal_stock": ("违法", "非农违法", "存量", "", ""),
    "mixed_stock_new": ("违法", "非农违法", "新增", "", ""),         # ~60 % 0602 and ~40 % 0101 before
    "pending_partial": ("待核", "部分覆盖", "", "", ""),
    "uncovered_cap": ("待核", "部分覆盖", "", "", ""),               # 95.75 % approved, > 1 亩 of 林地 outside
    "late_approval": ("违法", "非农违法", "新增", "", ""),           # approved after the 后时相: 先建后批
    "facility_late": ("待核", "设施农用地", "", "", ""),             # filed after the 后时相
    "facility_livestock": ("待核", "设施农用地", "", "", ""),        # livestock facility on 永农
    "pond_on_paddy": ("待核", "耕地转其他农用地", "", "", ""),       # TBLX KT on 0101
    "solar_on_forest": ("其他", "不改变原用地性质的光伏用地", "", "", ""),
    "solar_on_farmland": ("待核", "光伏", "", "", ""),
    "earthworks": ("待核", "推堆土/动土", "", "", ""),                # TBLX TD/TP/DT/LT
    "land_swap": ("合法", "其他合法手续", "", "", ""),                # 增减挂钩
    "advance_use": ("其他", "先行用地", "", "", ""),
}
UNCOVERED_CAP_SHARE = 0.9575

# reference layer -> (file, DBF encoding, key field); approvals and supply come from a GBK desktop GIS
REF_LAYERS = {
    "approvals": ("建设用地审批.shp", "GBK", "PZWH"),
    "supply": ("供地.shp", "GBK", "GDBH"),
    "registration": ("不动产登记.shp", "UTF-8", "BDCQZH"),
    "facility": ("设施农用地备案.shp", "UTF-8", "BAH"),
    "temporary": ("临时用地.shp", "UTF-8", "PZWH"),
    "mining": ("采矿权.shp", "UTF-8", "XKZH"),
    "other_legal": ("增减挂钩.shp", "UTF-8", "PZWH"),
    "advance": ("先行用地.shp", "UTF-8", "PZWH"),
}
REFERENCE_FILES = {"landuse": "DLTB.gpkg", "basic_farmland": "永久基本农田.shp", "eco_redline": "生态保护红线.shp",
                   "nature_reserve": "自然保护地.shp", "townships": "乡镇.shp",
                   **{layer: file for layer, (file, _, _) in REF_LAYERS.items()}}
"""Reference role (weipian_plugin/core/roles.py) → its file under ``reference/``."""

BATCHES = [
    dict(name="2026年1月", month=1, encoding="GBK", cpg=True, prj=True, ldid=0x4D, epsg=EPSG,
         date_fmt="%Y-%m-%d", area_unit="亩",
         fields={"jcbh": "JCBH", "xzqdm": "XZQDM", "xmc": "XMC", "tblx": "TBLX", "qsx": "QSX", "hsx": "HSX",
                 "jcmj": "JCMJ", "tz": "TZ", "sfyn": "SFYN", "sfhx": "SFHX", "dlbm": "DLBM"}),
    dict(name="2026年2月", month=2, encoding="GBK", cpg=False, prj=False, ldid=0, epsg=EPSG,
         date_fmt="%Y%m%d", area_unit="m2",
         fields={"jcbh": "监测编号", "xzqdm": "行政区代码", "xmc": "县名", "tblx": "图斑类型", "qsx": "前时相",
                 "hsx": "后时相", "jcmj": "监测面积", "tz": "图斑特征", "dlbm": "地类编码"}),
    # UTF-8 Chinese field names would not fit the DBF's 10 bytes, so this batch uses TBBH/MJ
    dict(name="2026年3月", month=3, encoding="UTF-8", cpg=True, prj=True, ldid=None, epsg=GEOGRAPHIC_EPSG,
         date_fmt="%Y年%m月%d日", area_unit="m2",
         fields={"jcbh": "TBBH", "xzqdm": "XZQDM", "xmc": "XMC", "tblx": "TBLX", "qsx": "QSX", "hsx": "HSX",
                 "jcmj": "MJ", "tz": "TZ", "dlbm": "DLBM"}),
]


# ----------------------------------------------------------------------------------------------- noise

def _noise(rng, ny, nx, step):
    """Smooth value noise (lattice spacing ``step`` cells, smoothstep-bilinear), ~N(0, 0.6)."""
    step = max(float(step), 1.0)
    lat = rng.standard_normal((int(ny / step) + 2, int(nx / step) + 2)).astype(np.float32)

    def axis(n):
        f = (np.arange(n) + 0.5) / step
        k = f.astype(np.intp)
        t = (f - k).astype(np.float32)
        return k, t * t * (3 - 2 * t)

    ky, ty = axis(ny)
    kx, tx = axis(nx)
    rows = lat[ky] * (1 - ty)[:, None] + lat[ky + 1] * ty[:, None]
    return rows[:, kx] * (1 - tx) + rows[:, kx + 1] * tx


def _fbm(rng, ny, nx, cell, scales_m):
    return sum(_noise(rng, ny, nx, s / cell) * 0.5 ** k for k, s in enumerate(scales_m))


def _shift_or(mask, n):
    """Dilate a boolean grid by ``n`` cells (8-neighbourhood)."""
    out = mask.copy()
    for _ in range(n):
        m = out.copy()
        m[1:] |= out[:-1]
        m[:-1] |= out[1:]
        m2 = m.copy()
        m2[:, 1:] |= m[:, :-1]
        m2[:, :-1] |= m[:, 1:]
        out = m2
    return out


# ----------------------------------------------------------------------------------------------- county

@dataclass
class _County:
    x0: float
    y0: float
    cell: float
    n: int                    # grid is n x n cells
    vx: np.ndarray            # (n+1, n+1) jittered vertex coordinates
    vy: np.ndarray
    inside: np.ndarray        # (n, n) cells that belong to the county
    cls: np.ndarray           # index into LAND (also outside the county: the imagery shows them)
    kcxs: np.ndarray
    czcs: np.ndarray          # index into _CZCS
    village: np.ndarray       # village index (-1 outside)
    villages: dict            # code, name, township (arrays)
    townships: dict           # code, name, x, y (arrays)
    basic: np.ndarray         # 永久基本农田 cells
    eco: np.ndarray           # 生态保护红线 cells

    def polys(self, flat):
        """Cell polygons for flat cell indices (j * n + i), built on demand from the shared vertices."""
        j, i = np.divmod(np.asarray(flat, dtype=np.intp), self.n)
        jj = np.stack([j, j, j + 1, j + 1, j], axis=1)
        ii = np.stack([i, i + 1, i + 1, i, i], axis=1)
        return shapely.polygons(np.stack([self.vx[jj, ii], self.vy[jj, ii]], axis=-1))

    def window(self, bounds, pad=1):
        """Flat indices of the cells that may intersect ``bounds`` (jitter is below one cell)."""
        x0, y0, x1, y1 = bounds
        i0, i1 = (np.clip(np.floor((np.array([x0, x1]) - self.x0) / self.cell), 0, self.n - 1).astype(int)
                  + np.array([-pad, pad]))
        j0, j1 = (np.clip(np.floor((np.array([y0, y1]) - self.y0) / self.cell), 0, self.n - 1).astype(int)
                  + np.array([-pad, pad]))
        i0, j0 = max(i0, 0), max(j0, 0)
        i1, j1 = min(i1, self.n - 1), min(j1, self.n - 1)
        return (np.arange(j0, j1 + 1)[:, None] * self.n + np.arange(i0, i1 + 1)[None, :]).ravel()

    def locate(self, x, y):
        """Flat index of the cell containing each point."""
        x, y = np.asarray(x, float), np.asarray(y, float)
        j = np.clip(np.floor((y - self.y0) / self.cell).astype(np.intp), 0, self.n - 1)
        i = np.clip(np.floor((x - self.x0) / self.cell).astype(np.intp), 0, self.n - 1)
        out = j * self.n + i
        todo = np.ones(len(x), bool)
        for dj, di in [(0, 0), (0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (1, -1), (-1, 1), (-1, -1)]:
            k = np.flatnonzero(todo)
            if not len(k):
                break
            f = np.clip(j[k] + dj, 0, self.n - 1) * self.n + np.clip(i[k] + di, 0, self.n - 1)
            hit = shapely.contains_xy(self.polys(f), x[k], y[k])
            out[k[hit]] = f[hit]
            todo[k[hit]] = False
        return out

    def to_world(self, geoms):
        """Move polygons from grid-index space (x = i, y = j) onto the jittered vertices."""
        geoms = shapely.segmentize(geoms, 1.0)  # every grid vertex along straight runs becomes explicit
        xy = shapely.get_coordinates(geoms)
        i = np.rint(xy[:, 0]).astype(np.intp)
        j = np.rint(xy[:, 1]).astype(np.intp)
        return shapely.set_coordinates(geoms, np.column_stack([self.vx[j, i], self.vy[j, i]]))

    def bounds(self):
        j, i = np.nonzero(self.inside)
        return (float(self.vx[:, i.min()].min()), float(self.vy[j.min()].min()),
                float(self.vx[:, i.max() + 1].max()), float(self.vy[j.max() + 1].max()))


def _polygonize(labels):
    """Connected regions of equal non-zero label, as (labels, polygons in grid-index space)."""
    from osgeo import gdal, ogr

    ny, nx = labels.shape
    ds = gdal.GetDriverByName("MEM").Create("", nx, ny, 1, gdal.GDT_Int32)
    ds.SetGeoTransform((0, 1, 0, 0, 0, 1))
    band = ds.GetRasterBand(1)
    band.WriteArray(labels.astype(np.int32))
    vds = ogr.GetDriverByName("Memory").CreateDataSource("")
    layer = vds.CreateLayer("p", geom_type=ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn("v", ogr.OFTInteger))
    gdal.Polygonize(band, band, layer, 0, [])
    values, wkbs = [], []
    for feature in layer:
        values.append(feature.GetField(0))
        wkbs.append(bytes(feature.GetGeometryRef().ExportToWkb()))
    return np.array(values, dtype=np.int64), shapely.from_wkb(np.array(wkbs, dtype=object))


def _mark_polyline(n, x0, y0, cell, xs, ys, width):
    """Cells (4-connected) under a polyline of the given width in metres."""
    seg = np.hypot(np.diff(xs), np.diff(ys))
    dist = np.concatenate([[0], np.cumsum(seg)])
    t = np.arange(0, dist[-1], cell * 0.25)
    px, py = np.interp(t, dist, xs), np.interp(t, dist, ys)
    gx, gy = np.gradient(px), np.gradient(py)
    norm = np.hypot(gx, gy) + 1e-9
    nxv, nyv = -gy / norm, gx / norm
    mask = np.zeros((n, n), bool)
    offsets = np.linspace(-width / 2, width / 2, max(1, int(math.ceil(width / (cell * 0.5)))) + 1) \
        if width > cell else [0.0]
    for off in offsets:
        i = np.floor((px + off * nxv - x0) / cell).astype(np.intp)
        j = np.floor((py + off * nyv - y0) / cell).astype(np.intp)
        ok = (i >= 0) & (i < n) & (j >= 0) & (j < n)
        i, j = i[ok], j[ok]
        mask[j, i] = True
        corner = (np.diff(i) != 0) & (np.diff(j) != 0)   # diagonal step: keep the road 4-connected
        mask[j[:-1][corner], i[1:][corner]] = True
    return mask


def _build_county(rng, size, n_dltb):
    """Grid, outline, villages, townships and 三调 classes of a county about ``size`` metres across."""
    span = size * GRID_PAD
    n = max(16, int(round(math.sqrt(n_dltb) * GRID_PAD)))
    cell = span / n
    x0, y0 = CENTER[0] - span / 2, CENTER[1] - span / 2
    g = np.arange(n + 1) * cell
    vx = x0 + g[None, :] + rng.uniform(-0.3, 0.3, (n + 1, n + 1)) * cell
    vy = y0 + g[:, None] + rng.uniform(-0.3, 0.3, (n + 1, n + 1)) * cell
    c = (np.arange(n) + 0.5) * cell
    X = np.broadcast_to(x0 + c[None, :], (n, n))
    Y = np.broadcast_to(y0 + c[:, None], (n, n))

    # outline: a rounded square with wobbly sides, area ~ size², keeping only its largest component
    half = size / 2 * 1.0387  # (|x|/h)^4 + (|y|/h)^4 < 1 covers 0.927 of the square
    wob_x = 1 + 0.05 * np.clip(_noise(rng, 1, n, n / 5)[0], -1.5, 1.5)
    wob_y = 1 + 0.05 * np.clip(_noise(rng, 1, n, n / 5)[0], -1.5, 1.5)
    rx = (X - CENTER[0]) / (half * wob_x[:, None])   # x extent wobbles along y (row)
    ry = (Y - CENTER[1]) / (half * wob_y[None, :])
    inside = rx ** 4 + ry ** 4 < 1
    inside[[0, -1], :] = inside[:, [0, -1]] = False
    _, parts = _polygonize(inside.astype(np.uint8))
    if len(parts) > 1:
        keep = parts[np.argmax(shapely.area(parts))]
        jj, ii = np.nonzero(inside)
        inside[jj, ii] = shapely.contains_xy(keep, ii + 0.5, jj + 0.5)

    # villages: Voronoi of a jittered 1.6 km lattice
    kv = int(math.ceil(span / VILLAGE_SPACING))
    sx = x0 + (np.arange(kv)[None, :] + 0.5 + rng.uniform(-0.3, 0.3, (kv, kv))) * VILLAGE_SPACING
    sy = y0 + (np.arange(kv)[:, None] + 0.5 + rng.uniform(-0.3, 0.3, (kv, kv))) * VILLAGE_SPACING
    a = ((X - x0) // VILLAGE_SPACING).astype(np.intp)
    b = ((Y - y0) // VILLAGE_SPACING).astype(np.intp)
    best_d = np.full((n, n), np.inf)
    best = np.zeros((n, n), np.intp)
    for db in (-1, 0, 1):
        for da in (-1, 0, 1):
            bb, aa = np.clip(b + db, 0, kv - 1), np.clip(a + da, 0, kv - 1)
            d = np.hypot(X - sx[bb, aa], Y - sy[bb, aa])
            closer = d < best_d
            best_d[closer], best[closer] = d[closer], (bb * kv + aa)[closer]
    kept, inv = np.unique(best[inside], return_inverse=True)
    village = np.full((n, n), -1, np.int32)
    village[inside] = inv
    vsx, vsy = sx.ravel()[kept], sy.ravel()[kept]
    nv = len(kept)

    # townships: unions of villages around seats spread by farthest-point sampling
    area_km2 = inside.sum() * cell * cell / 1e6
    nt = int(np.clip(round(area_km2 / 17), 5, 60))
    seed_cell = (np.clip(((vsy - y0) // cell).astype(np.intp), 0, n - 1),
                 np.clip(((vsx - x0) // cell).astype(np.intp), 0, n - 1))
    eligible = np.flatnonzero(inside[seed_cell])
    seats = [eligible[np.argmin(np.hypot(vsx[eligible] - CENTER[0], vsy[eligible] - CENTER[1]))]]
    mind = np.hypot(vsx[eligible] - vsx[seats[0]], vsy[eligible] - vsy[seats[0]])
    while len(seats) < min(nt, len(eligible)):
        k = eligible[np.argmax(mind)]
        seats.append(k)
        mind = np.minimum(mind, np.hypot(vsx[eligible] - vsx[k], vsy[eligible] - vsy[k]))
    seats = np.array(seats)
    nt = len(seats)
    v_twp = np.argmin(np.hypot(vsx[:, None] - vsx[seats][None, :], vsy[:, None] - vsy[seats][None, :]), axis=1)
    townships = _name_townships(rng, nt)
    townships["x"], townships["y"] = vsx[seats], vsy[seats]
    villages = _name_villages(rng, v_twp, townships["code"])

    # terrain and farming
    hr = _fbm(rng, n, n, cell, (4000, 1500, 500))
    q45, q58, q62, q70, q90 = np.quantile(hr[inside], [0.45, 0.58, 0.62, 0.70, 0.90])
    n2, n3 = _noise(rng, n, n, 600 / cell), _noise(rng, n, n, 600 / cell)
    small = _noise(rng, n, n, 250 / cell)
    cls = np.full((n, n), C["0102"], np.int16)
    plains = hr < q45
    cls[plains & (_noise(rng, n, n, 900 / cell) > -0.3)] = C["0101"]
    slope = (hr >= q45) & (hr < q70)
    cls[slope] = C["0103"]
    garden = slope & (hr >= q58) & (n2 > 0.4)
    cls[garden] = np.where(n3[garden] > 0.3, C["0202"], C["0201"])
    forest = hr >= q70
    cls[forest] = C["0301"]
    cls[forest & (n2 > 0.8)] = C["0305"]
    cls[forest & (n2 < -0.9)] = C["0307"]
    cls[forest & (n3 > 1.0)] = C["0404"]
    u = rng.random((n, n))
    agri = np.isin(cls, AGRI)
    cls[agri & (u < 0.012)] = C["1202"]
    cls[agri & (u >= 0.012) & (u < 0.026)] = C["0702"]          # scattered farmhouses
    cls[agri & plains & (u >= 0.026) & (u < 0.040)] = C["1104"]
    cls[agri & plains & (u >= 0.040) & (u < 0.045)] = C["1107"]
    cls[(cls == C["0103"]) & (u >= 0.045) & (u < 0.075)] = C["1203"]

    # village clusters, each with at least one non-宅基地 203 cell (village road, school, vacant lot)
    rv = np.maximum(rng.uniform(110, 230, nv), 0.75 * cell)
    safe_v = np.maximum(village, 0)
    cluster = inside & (best_d < rv[safe_v] * (1 + 0.3 * small))
    on_seed = seed_cell[0] * n + seed_cell[1]
    cluster.ravel()[on_seed[inside[seed_cell]]] = True
    cls[cluster] = C["0702"]
    u2 = rng.random((n, n))
    other = cluster & (u2 < 0.12)
    cls[other] = VILLAGE_OTHER[rng.integers(0, len(VILLAGE_OTHER), other.sum())]
    flat = np.flatnonzero(cluster.ravel() & ~np.isin(np.arange(n * n), on_seed))
    order = np.lexsort((u2.ravel()[flat], village.ravel()[flat]))
    last = np.r_[village.ravel()[flat][order][1:] != village.ravel()[flat][order][:-1], True]
    pick = flat[order][last]
    cls.ravel()[pick] = VILLAGE_OTHER[rng.integers(0, len(VILLAGE_OTHER), len(pick))]

    # towns around the township seats; the county seat is 城市 (201), the others 建制镇 (202)
    dt_min = np.full((n, n), np.inf)
    t_idx = np.zeros((n, n), np.intp)
    for t in range(nt):
        d = np.hypot(X - townships["x"][t], Y - townships["y"][t])
        closer = d < dt_min
        dt_min[closer], t_idx[closer] = d[closer], t
    radius = np.where(np.arange(nt) == 0, 800.0, 420.0)[t_idx] * (1 + 0.25 * small)
    sector = rng.uniform(0, 2 * np.pi, nt)[t_idx]
    angle = np.arctan2(Y - townships["y"][t_idx], X - townships["x"][t_idx])
    industry = inside & (dt_min >= radius) & (dt_min < 1.5 * radius) & (((angle - sector) % (2 * np.pi)) < 1.2)
    town = inside & (dt_min < radius)
    u3 = rng.random((n, n))
    town_cls = np.select([u3 < .5, u3 < .65, u3 < .75, u3 < .81, u3 < .85, u3 < .89, u3 < .95],
                         [C["0701"], C["05H1"], C["1004"], C["08H2"], C["0809"], C["0810"], C["0508"]], C["0601"])
    cls[town] = town_cls[town]
    cls[industry] = C["0601"]
    town |= industry
    for _ in range(max(1, round(area_km2 / 50))):       # industrial parks outside the towns (独立工矿)
        cand = np.flatnonzero((inside & plains & (dt_min > 2 * radius)).ravel())
        if len(cand):
            k = cand[rng.integers(len(cand))]
            cls[inside & (np.hypot(X - X.flat[k], Y - Y.flat[k]) < 220)] = C["0601"]

    # rural roads on farmland, highways, railway, river, reservoir
    k = max(5, int(round(900 / cell)))
    oj, oi = rng.integers(0, k, 2)
    jj, ii = np.indices((n, n))
    roads = ((jj + oj) % k == 0) | ((ii + oi) % (2 * k) == 0)
    cls[roads & np.isin(cls, AGRI)] = C["1006"]
    t = np.linspace(-span, span, 400)
    for seat, code, width in ((0, "1003", 30.0), (1, "1003", 30.0), (None, "1001", 25.0)):
        phi = rng.uniform(0, np.pi)
        px, py = ((townships["x"][seat], townships["y"][seat]) if seat is not None
                  else (CENTER[0] + rng.uniform(-.2, .2) * size, CENTER[1] + rng.uniform(-.2, .2) * size))
        bend = 0.04 * span * np.sin(t / (0.3 * span) + rng.uniform(0, 6))
        cls[_mark_polyline(n, x0, y0, cell, px + t * np.cos(phi) - bend * np.sin(phi),
                           py + t * np.sin(phi) + bend * np.cos(phi), width)] = C[code]
    rx_ = np.linspace(x0, x0 + span, 400)
    ry_ = (y0 + span * rng.uniform(0.3, 0.7) + 0.08 * span * np.sin(2 * np.pi * (rx_ - x0) / (0.7 * span) + rng.uniform(0, 6))
           + 0.03 * span * np.sin(2 * np.pi * (rx_ - x0) / (0.23 * span) + rng.uniform(0, 6)))
    cls[_mark_polyline(n, x0, y0, cell, rx_, ry_, max(70.0, 0.8 * cell))] = C["1101"]
    hills = np.flatnonzero((inside & (hr > q90) & ~town).ravel())
    reservoir = np.zeros((n, n), bool)
    if len(hills):
        k = hills[rng.integers(len(hills))]
        reservoir = inside & ~town & (np.hypot(X - X.flat[k], Y - Y.flat[k]) < 300 * (1 + 0.3 * small))
        cls[reservoir] = C["1103"]

    kcxs = np.where(cls == C["0103"], np.round(np.clip((hr - q45) / (q70 - q45) * 0.15
                                                       + rng.normal(0, 0.01, (n, n)), 0, 0.15), 3), 0.0)
    czcs = np.zeros((n, n), np.int8)
    czcs[(cls == C["0702"]) | (cluster & np.isin(cls, VILLAGE_OTHER))] = 3
    czcs[town & ~np.isin(cls, NOT_TOWN)] = np.where(t_idx == 0, 1, 2)[town & ~np.isin(cls, NOT_TOWN)]

    eco = inside & (((hr >= q62) & (_noise(rng, n, n, 2500 / cell) > -0.2)) | reservoir) \
        & ~town & ~cluster & (cls != C["0702"])
    basic = inside & np.isin(cls, np.r_[CULTIVATED, C["1203"]]) & (_noise(rng, n, n, 1500 / cell) > -0.6) \
        & ~eco & ~_shift_or(town, 2) & ~cluster
    return _County(x0, y0, cell, n, vx, vy, inside, cls, kcxs, czcs, village, villages, townships, basic, eco)


def _name_townships(rng, nt):
    names = list(TOWNSHIP_NAMES[:nt])
    while len(names) < nt:
        name = "".join(rng.choice(_PLACE, 2)) + ("镇" if rng.random() < 0.6 else "乡")
        if name not in names:
            names.append(name)
    codes, town_no, xiang_no = [], 100, 200
    for name in names:
        if name.endswith("镇"):
            codes.append(f"{COUNTY_CODE}{town_no:03d}000")
            town_no += 1
        else:
            codes.append(f"{COUNTY_CODE}{xiang_no:03d}000")
            xiang_no += 1
    return {"code": np.array(codes, dtype=object), "name": np.array(names, dtype=object)}


def _name_villages(rng, v_twp, twp_codes):
    combos = [p + s for p in _VILLAGE_A for s in _VILLAGE_B]
    combos = [combos[k] for k in rng.permutation(len(combos))]
    names = [combos[k % len(combos)] + ("" if k < len(combos) else str(k // len(combos) + 1)) + "村"
             for k in range(len(v_twp))]
    seq = np.zeros(len(twp_codes), int)
    codes = []
    for t in v_twp:
        seq[t] += 1
        codes.append(f"{twp_codes[t][:9]}{200 + seq[t]:03d}")
    return {"code": np.array(codes, dtype=object), "name": np.array(names, dtype=object), "township": v_twp}


# ----------------------------------------------------------------------------------------------- writing

@contextmanager
def _gdal_as_expected():
    """GDAL set up for this generator, and put back afterwards, whatever the host process (QGIS) set.

    - ``OGR_CURRENT_DATE``: GDAL stamps GeoPackages with the current time unless told a fixed one.
    - ``SHAPE_ENCODING`` unset: QGIS sets it to "" once it opens a shapefile; where pyogrio shares QGIS's
      GDAL (QGIS 3.40 on Debian 13, Windows), GBK shapefiles would then be written without recoding.
    - osgeo exceptions on: QGIS 3.40's Processing turns them on process-wide, 3.22 leaves them off.
    """
    from osgeo import gdal, ogr, osr

    options = {"OGR_CURRENT_DATE": OGR_STAMP, "SHAPE_ENCODING": None}
    old = {name: pyogrio.get_gdal_config_option(name) for name in options}
    modules = (gdal, ogr, osr)
    raising = [m.GetUseExceptions() for m in modules]
    pyogrio.set_gdal_config_options(options)
    for m in modules:
        m.UseExceptions()
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(old)
        for m, was in reversed(list(zip(modules, raising))):  # GDAL 3.6 stacks the handlers per module
            if not was:
                m.DontUseExceptions()


def _write(path, geoms, columns, epsg=EPSG, encoding="UTF-8", cpg=True, prj=True, ldid=None,
           day=dt.date(2025, 12, 31)):
    """Write a shapefile the way a desktop GIS would, then set the DBF header like the sender's tool.

    The DBF header carries a last-update date (GDAL writes today's) and a language byte; fixing both
    keeps outputs byte-identical and lets a batch pretend to come from ArcGIS (0x4D) or from a tool
    that leaves the byte 0.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _ogr_write(str(path), shapely.to_wkb(np.asarray(geoms, dtype=object)), list(columns.values()),
               list(columns), driver="ESRI Shapefile", crs=f"EPSG:{epsg}", encoding=encoding,
               geometry_type="Polygon")
    with open(path.with_suffix(".dbf"), "r+b") as f:
        f.seek(1)
        f.write(bytes([day.year - 1900, day.month, day.day]))
        if ldid is not None:
            f.seek(29)
            f.write(bytes([ldid]))
    if not cpg:
        path.with_suffix(".cpg").unlink()
    if not prj:
        path.with_suffix(".prj").unlink()
    return path


def _write_dltb(path, county):
    flat = np.flatnonzero(county.inside.ravel())
    cls = county.cls.ravel()[flat]
    vil = county.village.ravel()[flat]
    zl = np.array([c + "0000000" for c in county.villages["code"]], dtype=object)
    columns = {
        "BSM": np.arange(1, len(flat) + 1, dtype=np.int64),
        "DLBM": _DLBM[cls], "DLMC": _DLMC[cls],
        "KCXS": county.kcxs.ravel()[flat].astype(np.float64),
        "ZLDWDM": zl[vil], "ZLDWMC": county.villages["name"][vil],
        "CZCSXM": _CZCS[county.czcs.ravel()[flat]],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    _ogr_write(str(path), shapely.to_wkb(county.polys(flat)), list(columns.values()), list(columns),
               layer="DLTB", driver="GPKG", crs=f"EPSG:{EPSG}", geometry_type="Polygon",
               dataset_options={"VERSION": "1.2"})
    return len(flat)


def _write_base(out, county):
    """County outline, townships, DLTB, basic farmland and eco red line: the layers both modes share."""
    ref = out / "reference"
    paths = {}
    twp_cells = np.zeros(county.inside.shape, np.int32)
    twp_cells[county.inside] = county.villages["township"][county.village[county.inside]] + 1
    values, parts = _polygonize(twp_cells)
    parts = county.to_world(parts)
    twp = [shapely.union_all(parts[values == t + 1]) for t in range(len(county.townships["code"]))]
    paths["townships"] = _write(ref / "乡镇.shp", twp, {"XZQDM": county.townships["code"],
                                                       "XZQMC": county.townships["name"]})
    _, outline = _polygonize(county.inside.astype(np.uint8))
    outline = county.to_world(outline)
    paths["county"] = _write(ref / "县界.shp", outline,
                             {"XZQDM": np.array([COUNTY_CODE], dtype=object),
                              "XZQMC": np.array([COUNTY_NAME], dtype=object)})
    paths["dltb"] = ref / "DLTB.gpkg"
    n_dltb = _write_dltb(paths["dltb"], county)

    _, bf = _polygonize(county.basic.astype(np.uint8))
    paths["basic_farmland"] = _write(ref / "永久基本农田.shp", county.to_world(bf), {
        "JBNTTBBH": np.array([f"JB{COUNTY_CODE}{k + 1:06d}" for k in range(len(bf))], dtype=object)})
    _, eco = _polygonize(county.eco.astype(np.uint8))
    kinds = np.array(["水源涵养", "生物多样性维护", "水土保持"], dtype=object)[np.arange(len(eco)) % 3]
    paths["eco_redline"] = _write(ref / "生态保护红线.shp", county.to_world(eco), {
        "HXBH": np.array([f"HX{COUNTY_CODE}-{k + 1:03d}" for k in range(len(eco))], dtype=object),
        "HXMC": np.array([f"{COUNTY_NAME}{k}生态保护红线" for k in kinds], dtype=object),
        "HXLX": kinds})
    west = np.zeros(county.eco.shape, bool)
    west[:, : county.n // 2] = True
    _, reserve = _polygonize((county.eco & west).astype(np.uint8))   # 自然保护地: part of the red line
    paths["nature_reserve"] = _write(ref / "自然保护地.shp", county.to_world(reserve), {
        "BHDBM": np.array([f"ZR{COUNTY_CODE}{k + 1:03d}" for k in range(len(reserve))], dtype=object),
        "BHDMC": np.array([f"{COUNTY_NAME}青山自然保护区{k + 1}区" for k in range(len(reserve))], dtype=object)})
    info = {"name": COUNTY_NAME, "code": COUNTY_CODE, "epsg": EPSG, "area_m2": float(shapely.area(outline).sum()),
            "bounds": [round(v, 2) for v in shapely.total_bounds(outline)], "dltb_count": n_dltb,
            "townships": dict(zip(county.townships["code"], county.townships["name"]))}
    return paths, info


# ----------------------------------------------------------------------------------------------- shapes

def _shapes(rng, cx, cy, r):
    """Irregular polygons: rotated near-rectangles (buildings, yards) and 5-9-gons (dug or cleared land)."""
    cx, cy, r = (np.atleast_1d(np.asarray(v, float)) for v in (cx, cy, r))
    n = len(cx)
    out = np.empty(n, dtype=object)
    k_all = rng.integers(4, 10, n)
    theta = rng.uniform(0, 2 * np.pi, n)
    for k in np.unique(k_all):
        m = np.flatnonzero(k_all == k)
        if k == 4:
            lx = np.array([1, -1, -1, 1])[None, :] * r[m, None]
            ly = np.array([1, 1, -1, -1])[None, :] * (r[m] * rng.uniform(0.35, 1.0, len(m)))[:, None]
            lx = lx * (1 + rng.uniform(-0.08, 0.08, lx.shape))
            ly = ly * (1 + rng.uniform(-0.08, 0.08, ly.shape))
        else:
            ang = 2 * np.pi * (np.arange(k)[None, :] + rng.uniform(-0.3, 0.3, (len(m), k))) / k
            rad = r[m, None] * rng.uniform(0.6, 1.0, (len(m), k))
            lx, ly = rad * np.cos(ang), rad * np.sin(ang)
        c, s = np.cos(theta[m])[:, None], np.sin(theta[m])[:, None]
        x = cx[m, None] + lx * c - ly * s
        y = cy[m, None] + lx * s + ly * c
        ring = np.stack([np.c_[x, x[:, :1]], np.c_[y, y[:, :1]]], axis=-1)
        out[m] = shapely.polygons(ring)
    return out


def _overlapping(rng, geoms):
    """Copies shifted by up to half their size: red lines of later approvals over earlier ones."""
    b = shapely.bounds(geoms)
    shift = (b[:, 2:] - b[:, :2]) * rng.uniform(-0.5, 0.5, (len(geoms), 2))
    xy, index = shapely.get_coordinates(geoms, return_index=True)
    return shapely.set_coordinates(np.array(geoms, dtype=object, copy=True), xy + shift[index])


def _rects(geoms):
    """Rectangles along each geometry's principal axis, vectorised (shapely 2.0's minimum rotated
    rectangle is a Python loop, too slow for the benchmark's hundred thousand patches)."""
    geoms = np.atleast_1d(np.asarray(geoms, dtype=object))
    xy, index = shapely.get_coordinates(geoms, return_index=True)
    count = np.bincount(index, minlength=len(geoms))
    centre = np.column_stack([np.bincount(index, xy[:, k], len(geoms)) for k in (0, 1)]) / count[:, None]
    d = xy - centre[index]
    cov = [np.bincount(index, a * b, len(geoms)) for a, b in ((d[:, 0], d[:, 0]), (d[:, 1], d[:, 1]),
                                                                (d[:, 0], d[:, 1]))]
    angle = 0.5 * np.arctan2(2 * cov[2], cov[0] - cov[1])
    c, s = np.cos(angle)[index], np.sin(angle)[index]
    u, v = d[:, 0] * c + d[:, 1] * s, -d[:, 0] * s + d[:, 1] * c
    start = np.r_[0, np.cumsum(count)[:-1]]
    u0, u1 = np.minimum.reduceat(u, start), np.maximum.reduceat(u, start)
    v0, v1 = np.minimum.reduceat(v, start), np.maximum.reduceat(v, start)
    lu = np.stack([u0, u1, u1, u0, u0], axis=1)
    lv = np.stack([v0, v0, v1, v1, v0], axis=1)
    c, s = np.cos(angle)[:, None], np.sin(angle)[:, None]
    return shapely.polygons(np.stack([centre[:, :1] + lu * c - lv * s, centre[:, 1:] + lu * s + lv * c], axis=-1))


def _envelope(geom, margin):
    """A red line the way approvals are drawn: the patch's oriented rectangle, grown."""
    return shapely.buffer(_rects(geom)[0], margin, join_style="mitre")


def _frame(geom, margin):
    """Origin and the long/short edge vectors of the patch's oriented rectangle grown by ``margin``."""
    c = shapely.get_coordinates(_rects(geom))[:4]
    u, v = c[1] - c[0], c[3] - c[0]
    if np.hypot(*v) > np.hypot(*u):
        u, v = v, u
    lu, lv = np.hypot(*u), np.hypot(*v)
    origin = c[0] - u / lu * margin - v / lv * margin
    return origin, u * (1 + 2 * margin / lu), v * (1 + 2 * margin / lv)


def _strip(origin, u, v, s0, s1):
    """The part of a frame between fractions s0 and s1 along its long edge."""
    p = [origin + u * s0, origin + u * s1, origin + u * s1 + v, origin + u * s0 + v]
    return shapely.Polygon(p)


def _share(patch, cover):
    return float(shapely.area(shapely.intersection(patch, cover)) / shapely.area(patch))


# ----------------------------------------------------------------------------------------------- planting

class _Planter:
    """Places patches next to purpose-made reference features, each site isolated from the others."""

    def __init__(self, rng, county):
        self.rng, self.c = rng, county
        inner = ~_shift_or(~county.inside, 2)
        self.blocked = ~inner
        self.refs = {layer: [] for layer in REF_LAYERS}   # layer -> [(geom, kind)]
        self.patches = []                                 # (geom, tblx, scenario, [(layer, index)])
        flat_cls = county.cls
        self.masks = {
            "cultivated": inner & np.isin(flat_cls, CULTIVATED),
            "agri": inner & np.isin(flat_cls, AGRI),
            "stock": inner & np.isin(flat_cls, STOCK) & (county.czcs != 3),
            "1202": inner & (flat_cls == C["1202"]),
            "1006": inner & (flat_cls == C["1006"]),
            "0702": inner & (flat_cls == C["0702"]),
            "zone203": inner & (county.czcs == 3) & np.isin(flat_cls, VILLAGE_OTHER),
            "free_farmland": inner & np.isin(flat_cls, CULTIVATED) & ~county.basic & ~county.eco,
            "basic": inner & np.isin(flat_cls, CULTIVATED) & county.basic,
            "eco": inner & np.isin(flat_cls, np.r_[CULTIVATED, FOREST]) & county.eco,
            "paddy": inner & (flat_cls == C["0101"]),
            "dry": inner & (flat_cls == C["0103"]),
            "forest": inner & np.isin(flat_cls, FOREST) & ~county.basic & ~county.eco,
            "hills": inner & np.isin(flat_cls, np.r_[FOREST, C["0404"]])
            & ~_shift_or(np.isin(flat_cls, _ids("1202", "1006", "0702")) | (county.czcs == 3),
                         int(math.ceil(150 / county.cell))),
        }

    # -- geometry helpers
    def _centre(self, f):
        return shapely.get_coordinates(shapely.centroid(self.c.polys([f])))[0]

    def _free_patch(self, f, rmin, rmax):
        x, y = self._centre(f) + self.rng.uniform(-0.3, 0.3, 2) * self.c.cell
        return _shapes(self.rng, x, y, self.rng.uniform(rmin, rmax))[0]

    def _clipped(self, f):
        """A patch inside one DLTB cell, so that cell's class is the patch's dominant class."""
        cell = self.c.polys([f])[0]
        x, y = self._centre(f)
        r = min(self.rng.uniform(0.45, 0.8) * self.c.cell, self.rng.uniform(15, 100))
        p = shapely.intersection(_shapes(self.rng, x, y, r)[0], shapely.buffer(cell, -1.0, join_style="mitre"))
        return p if p.geom_type == "Polygon" and p.area >= 400 else None

    def _cells_ok(self, patch, allowed):
        """All DLTB cells the patch touches are of the allowed classes and outside 203."""
        idx = self.c.window(patch.bounds)
        hit = idx[shapely.area(shapely.intersection(patch, self.c.polys(idx))) > 0.01]
        return bool(np.isin(self.c.cls.ravel()[hit], allowed).all() and (self.c.czcs.ravel()[hit] != 3).all())

    def _window_free(self, geoms, margin=40.0):
        """Cells under the geometries' bounding box grown by ``margin``, and whether none is blocked."""
        b = shapely.bounds(shapely.union_all(geoms))
        box = shapely.box(b[0] - margin, b[1] - margin, b[2] + margin, b[3] + margin)
        idx = self.c.window(box.bounds)
        idx = idx[shapely.intersects(self.c.polys(idx), box)]
        return idx, not self.blocked.ravel()[idx].any()

    # -- site builders: return ([(patch, tblx, scenario)], [(layer, geom, kind)]) or None
    def _pick(self, seq):
        return seq[self.rng.integers(len(seq))]

    def _single(self, scenario, f):
        rng, refs = self.rng, []
        if scenario in self._REVISED:
            return self._revised(scenario, f)
        if scenario == "approval":
            p = self._free_patch(f, 20, 80)
            refs = [("approvals", _envelope(p, rng.uniform(10, 60)), None)]
        elif scenario in ("approval_overlap", "pending_partial"):
            p = self._free_patch(f, 30, 90)
            origin, u, v = _frame(p, rng.uniform(8, 40))
            cut = rng.uniform(0.35, 0.65)
            if scenario == "approval_overlap":
                a, b = _strip(origin, u, v, 0, cut + 0.1), _strip(origin, u, v, cut - 0.1, 1)
                if max(_share(p, a), _share(p, b)) > 0.9 or _share(p, shapely.union(a, b)) < 0.9999:
                    return None
                refs = [("approvals", a, None), ("approvals", b, None)]
            else:
                a = _strip(origin, u, v, 0, cut)
                if not 0.5 <= _share(p, a) <= 0.8 or not self._cells_ok(p, AGRI):
                    return None
                refs = [("approvals", a, None)]
        elif scenario in ("supply", "registration"):
            p = self._free_patch(f, 20, 60)
            refs = [(scenario, _envelope(p, rng.uniform(3, 25)), None)]
        elif scenario == "mining_nopermit":
            p = self._free_patch(f, 25, 80)
            if not self._cells_ok(p, MINING_OK):
                return None
        else:  # patches on one DLTB cell: their outcome follows from the cell, or from a ref around them
            p = self._clipped(f)
            if p is None:
                return None
            if scenario == "facility_filing":
                refs = [("facility", _envelope(p, rng.uniform(3, 20)), None)]
            elif scenario.startswith("temporary"):
                refs = [("temporary", _envelope(p, rng.uniform(8, 40)), scenario.split("_")[1])]
        tblx = {"rural_road_1006": ["ND"], "temporary_valid": ["YH", "20"], "homestead": ["20"],
                "mining_nopermit": ["CK"]}.get(scenario, ["20", "YH"])
        return [(p, self._pick(tblx), scenario)], refs

    # the cases of the rules revision (issue 9's table), each with the reference it needs
    _REVISED = ("late_approval", "new_house_203", "mixed_stock_new", "pond_on_paddy", "solar_on_forest",
                "solar_on_farmland", "rural_road", "earthworks", "mining_in_approval", "uncovered_cap",
                "facility_late", "facility_livestock", "land_swap", "advance_use")

    def _revised(self, scenario, f):
        """([(patch, tblx, scenario)], [(layer, geom, kind)], {cell: new class}) or None."""
        rng, c, refs, changes = self.rng, self.c, [], {}
        if scenario == "mixed_stock_new":
            return self._mixed(f)
        if scenario == "uncovered_cap":
            x, y = self._centre(f)
            p = shapely.box(x - 75, y - 75, x + 75, y + 75)
            if not self._cells_ok(p, np.r_[FOREST, C["0404"]]):
                return None
            cut = x - 75 + UNCOVERED_CAP_SHARE * 150
            return [(p, self._pick(["20", "YH"]), scenario)], [("approvals", shapely.box(x - 90, y - 90, cut, y + 90),
                                                                None)], {}
        if scenario == "mining_in_approval":
            p = self._free_patch(f, 25, 60)
            if not self._cells_ok(p, MINING_OK):
                return None
            return [(p, "CK", scenario)], [("approvals", _envelope(p, rng.uniform(5, 20)), None)], {}
        if scenario == "rural_road":
            x, y = self._centre(f)
            a = rng.uniform(0, np.pi)
            d = np.array([np.cos(a), np.sin(a)]) * 0.3 * c.cell
            p = shapely.buffer(shapely.LineString([(x - d[0], y - d[1]), (x + d[0], y + d[1])]), 2.5, cap_style="flat")
            if not shapely.within(p, shapely.buffer(c.polys([f])[0], -1.0)):
                return None
            return [(p, "ND", scenario)], [], {}
        if scenario == "new_house_203":
            changes = {int(f): C["0103"]}   # a 旱地 parcel left inside the village range
        p = self._clipped(f)
        if p is None:
            return None
        layer = {"late_approval": "approvals", "facility_late": "facility", "facility_livestock": "facility",
                 "land_swap": "other_legal", "advance_use": "advance"}.get(scenario)
        if layer:
            kind = {"late_approval": "late", "facility_late": "late", "facility_livestock": "livestock"}.get(scenario)
            refs = [(layer, _envelope(p, rng.uniform(3, 20)), kind)]
        tblx = {"pond_on_paddy": ["KT"], "solar_on_forest": ["GF"], "solar_on_farmland": ["GF"],
                "earthworks": ["TD", "TP", "DT", "LT"], "new_house_203": ["20"]}.get(scenario, ["20", "YH"])
        return [(p, self._pick(tblx), scenario)], refs, changes

    def _mixed(self, f):
        """A patch across the edge of a 0602 cell and its eastern neighbour turned 0101 (~60 % / ~40 %)."""
        c = self.c
        j, i = divmod(int(f), c.n)
        g = f + 1
        if i + 1 >= c.n or not c.inside.ravel()[g] or c.czcs.ravel()[g] == 3:
            return None
        xe = (c.vx[j, i + 1] + c.vx[j + 1, i + 1]) / 2
        ym = (c.vy[j, i + 1] + c.vy[j + 1, i + 1]) / 2
        w, h = 0.6 * c.cell, 0.4 * c.cell
        p = shapely.box(xe - 0.6 * w, ym - h / 2, xe + 0.4 * w, ym + h / 2)
        if shapely.area(shapely.difference(p, shapely.union_all(c.polys([f, g])))) > 1e-6:
            return None
        return [(p, self._pick(["20", "YH"]), "mixed_stock_new")], [], {int(f): C["0602"], int(g): C["0101"]}

    def _mine(self, f, n_in, n_out, valid):
        """A permit (拐点 polygon) with patches inside it and, for a valid one, patches across its edge."""
        rng = self.rng
        x, y = self._centre(f)
        k = rng.integers(5, 8)
        ang = 2 * np.pi * (np.arange(k) + rng.uniform(-0.25, 0.25, k)) / k
        rad = rng.uniform(180, 320) * rng.uniform(0.8, 1.0, k)
        permit = shapely.Polygon(np.c_[x + rad * np.cos(ang), y + rad * np.sin(ang)])
        patches = []
        for want_in in [True] * n_in + [False] * n_out:
            for _ in range(60):
                r = rng.uniform(20, 50)
                if want_in:
                    core = shapely.buffer(permit, -r - 5)
                    b = core.bounds
                    cx, cy = rng.uniform(b[0], b[2]), rng.uniform(b[1], b[3])
                    if not shapely.contains_xy(core, cx, cy):
                        continue
                else:
                    pt = shapely.line_interpolate_point(permit.exterior, rng.random(), normalized=True)
                    cx, cy = pt.x, pt.y
                p = _shapes(rng, cx, cy, r)[0]
                share = _share(p, permit)
                if ((share > 1 - 1e-9) if want_in else (0.3 <= share <= 0.8)) and self._cells_ok(p, MINING_OK) \
                        and not any(shapely.dwithin(p, q, 15) for q, _, _ in patches):
                    scen = ("mining_legal" if valid else "mining_expired") if want_in else "mining_overbound"
                    patches.append((p, "CK", scen))
                    break
            else:
                return None
        return patches, [("mining", permit, "valid" if valid else "expired")]

    def place(self, name, masks, build):
        """Build a site on a random free cell of the first mask that works; block its surroundings."""
        for mask in masks.split("|"):
            cand = np.flatnonzero((self.masks[mask] & ~self.blocked).ravel())
            for _ in range(600 if len(cand) else 0):
                f = cand[self.rng.integers(len(cand))]
                site = build(f)
                if not site:
                    continue
                patches, refs, changes = site if len(site) == 3 else (*site, {})
                idx, free = self._window_free([p for p, _, _ in patches] + [g for _, g, _ in refs])
                if not free:
                    continue
                self.blocked.ravel()[idx] = True
                for cell, cls in changes.items():   # before the DLTB is written
                    self.c.cls.ravel()[cell] = cls
                links = []
                for layer, g, kind in refs:
                    links.append((layer, len(self.refs[layer])))
                    self.refs[layer].append((g, kind))
                for p, tblx, scenario in patches:
                    self.patches.append((p, tblx, scenario, links))
                if name == "mining_permit":
                    self.c.cls.ravel()[f] = C["0602"]          # the existing pit
                return
        raise RuntimeError(f"样例县太小，无法布设“{name}”场景，请增大 size_km 或 DLTB 数量")

    def plant(self, k):
        n_valid = 2 if k <= 4 else 3
        for m in range(n_valid):
            legal = len(range(m, k, n_valid))
            self.place("mining_permit", "hills", lambda f, a=legal: self._mine(f, a, a, True))
        self.place("mining_permit", "hills", lambda f: self._mine(f, k, 0, False))
        where = {"facility_dltb": "1202", "rural_road_1006": "1006", "homestead": "0702", "zone203": "zone203",
                 "illegal_stock": "stock", "supply": "stock|agri", "registration": "stock|agri",
                 "illegal_new_basic": "basic", "illegal_new_eco": "eco", "illegal_new_farmland": "free_farmland",
                 "mining_nopermit": "hills", "facility_filing": "cultivated", "temporary_valid": "cultivated",
                 "temporary_expired": "cultivated", "approval": "agri", "approval_overlap": "agri",
                 "pending_partial": "agri", "late_approval": "agri", "new_house_203": "zone203",
                 "mixed_stock_new": "stock", "pond_on_paddy": "paddy", "solar_on_forest": "forest|hills",
                 "solar_on_farmland": "cultivated", "rural_road": "dry|cultivated", "earthworks": "agri",
                 "mining_in_approval": "hills", "uncovered_cap": "hills", "facility_late": "cultivated",
                 "facility_livestock": "basic", "land_swap": "agri", "advance_use": "agri"}
        for scenario, mask in where.items():
            for _ in range(k):
                self.place(scenario, mask, lambda f, s=scenario: self._single(s, f))

    def background_refs(self, area_km2):
        """Unplanted reference features for realism; they never come near a planted site."""
        rng = self.rng
        plan = [("approvals", "agri", 0.25, (60, 400)), ("supply", "stock", 0.12, (30, 150)),
                ("registration", "stock", 0.3, (12, 40)), ("facility", "cultivated", 0.1, (20, 80)),
                ("temporary", "cultivated", 0.08, (30, 120))]
        for layer, mask, density, (lo, hi) in plan:
            cand = np.flatnonzero((self.masks[mask]).ravel())
            for _ in range(max(2, round(area_km2 * density))):
                for _ in range(20):
                    x, y = self._centre(cand[rng.integers(len(cand))])
                    g = _envelope(_shapes(rng, x, y, rng.uniform(lo, hi) / 2)[0], 0)
                    geoms = [g]
                    if layer == "approvals" and rng.random() < 0.3:   # another batch's red line overlaps
                        geoms += list(_overlapping(rng, np.array([g], dtype=object)))
                    if self._window_free(geoms, 10.0)[1]:
                        kind = ("valid" if rng.random() < 0.5 else "expired") if layer == "temporary" else None
                        self.refs[layer].extend((gg, kind) for gg in geoms)
                        break


# ----------------------------------------------------------------------------------------------- attributes

def _dates(rng, start, end, n):
    lo, hi = np.datetime64(start, "D"), np.datetime64(end, "D")
    return lo + rng.integers(0, int((hi - lo).astype(int)) + 1, n).astype("timedelta64[D]")


def _fmt(days, fmt):
    return np.array([d.astype(dt.date).strftime(fmt) for d in days], dtype=object)


def _numbers(rng, years):
    """Document numbers that grow within each year, with gaps (other documents of that year)."""
    out = np.zeros(len(years), int)
    order = np.argsort(years, kind="stable")
    run = {}
    for k in order:
        run[years[k]] = run.get(years[k], 0) + int(rng.integers(1, 4))
        out[k] = run[years[k]]
    return out


def _ref_columns(layer, rng, county, geoms, kinds):
    """Attribute columns of a reference layer; dates come as DBF dates or as text in several styles."""
    n = len(geoms)
    kinds = np.array(kinds, dtype=object)
    if layer == "approvals":
        day = np.where(kinds == "late", _dates(rng, "2026-05-01", "2026-09-30", n),   # 先建后批
                       _dates(rng, "2018-01-01", "2025-06-30", n))
        years = day.astype("datetime64[Y]").astype(int) + 1970
        num = _numbers(rng, years)
        return {"PZWH": np.array([f"青政地〔{y}〕{k}号" for y, k in zip(years, num)], dtype=object),
                "PZRQ": day, "PZMJ": np.round(shapely.area(geoms) / 1e4, 4),   # 公顷, as approvals state it
                "XMMC": np.array([f"{COUNTY_NAME}{y}年度第{k}批次城镇建设用地" for y, k in zip(years, num)],
                                 dtype=object)}
    if layer == "supply":
        day = _dates(rng, "2016-01-01", "2025-06-30", n)
        years = day.astype("datetime64[Y]").astype(int) + 1970
        return {"GDBH": np.array([f"{COUNTY_CODE}{y}B{k:05d}" for y, k in zip(years, _numbers(rng, years))],
                                 dtype=object), "GDRQ": day}
    if layer == "registration":
        years = rng.integers(2016, 2026, n)
        return {"BDCQZH": np.array([f"渝({y})青禾县不动产权第{k:07d}号"
                                    for y, k in zip(years, rng.integers(1, 10 ** 6, n))], dtype=object)}
    if layer == "facility":
        day = np.where(kinds == "late", _dates(rng, "2026-05-01", "2026-09-30", n),
                       _dates(rng, "2020-01-01", "2025-08-31", n))
        years = day.astype("datetime64[Y]").astype(int) + 1970
        return {"BAH": np.array([f"青设农备〔{y}〕{k}号" for y, k in zip(years, _numbers(rng, years))],
                                dtype=object), "BARQ": _fmt(day, "%Y/%m/%d"),
                "SSLX": np.where(kinds == "livestock", "畜禽养殖设施", "种植设施").astype(object)}
    if layer in ("other_legal", "advance"):
        day = _dates(rng, "2019-01-01", "2025-06-30", n)
        years = day.astype("datetime64[Y]").astype(int) + 1970
        word = "青增减挂" if layer == "other_legal" else "自然资先行用地函"
        return {"PZWH": np.array([f"{word}〔{y}〕{k}号" for y, k in zip(years, _numbers(rng, years))], dtype=object),
                "PZRQ": day, "XMMC": np.array([f"{COUNTY_NAME}{y}年度{'城乡建设用地增减挂钩' if layer == 'other_legal' else '重点项目先行用地'}"
                                               for y in years], dtype=object)}
    if layer == "temporary":
        valid = kinds == "valid"
        start = np.where(valid, _dates(rng, "2025-01-01", "2025-10-31", n), _dates(rng, "2023-01-01", "2023-09-30", n))
        end = start + np.timedelta64(729, "D")
        years = start.astype("datetime64[Y]").astype(int) + 1970
        return {"PZWH": np.array([f"青规资临〔{y}〕{k}号" for y, k in zip(years, _numbers(rng, years))],
                                 dtype=object), "YXQQ": _fmt(start, "%Y-%m-%d"), "YXQZ": _fmt(end, "%Y-%m-%d")}
    # mining permits: valid ones run past 2026, the expired one ended mid-2025
    valid = kinds == "valid"
    start = np.where(valid, _dates(rng, "2022-01-01", "2024-12-31", n), _dates(rng, "2018-06-01", "2018-06-30", n))
    end = np.where(valid, start + (rng.integers(5, 10, n) * 365).astype("timedelta64[D]"),
                   np.datetime64("2025-06-30"))
    years = start.astype("datetime64[Y]").astype(int) + 1970
    months = (start.astype("datetime64[M]").astype(int) % 12) + 1
    kz = np.array(["建筑石料用灰岩", "砖瓦用页岩", "建筑用砂岩", "水泥用灰岩"], dtype=object)[rng.integers(0, 4, n)]
    xy = shapely.get_coordinates(shapely.centroid(geoms))
    vname = county.villages["name"][np.maximum(county.village.ravel()[county.locate(xy[:, 0], xy[:, 1])], 0)]
    return {"XKZH": np.array([f"C{COUNTY_CODE}{y}{m:02d}7130{k:06d}"
                              for y, m, k in zip(years, months, rng.integers(1, 10 ** 6, n))], dtype=object),
            "KSMC": np.array([f"{COUNTY_NAME}{v}{z}矿" for v, z in zip(vname, kz)], dtype=object),
            "KZ": kz, "YXQQ": start, "YXQZ": end}


def _write_refs(out, rng, county, refs):
    """Write the six reference layers; returns paths and their key-field values (for the manifest)."""
    paths, keys = {}, {}
    for layer, (file, encoding, key) in REF_LAYERS.items():
        geoms = np.array([g for g, _ in refs[layer]], dtype=object)
        cols = _ref_columns(layer, rng, county, geoms, [k for _, k in refs[layer]])
        paths[layer] = _write(out / "reference" / file, geoms, cols, encoding=encoding)
        keys[layer] = cols[key]
    return paths, keys


# ----------------------------------------------------------------------------------------------- batches

def _batch_columns(spec, rng, county, geoms, tblx, jcbh, hsx_lo):
    n = len(geoms)
    hsx = hsx_lo + rng.integers(0, 31, n).astype("timedelta64[D]")
    qsx = hsx - rng.integers(60, 151, n).astype("timedelta64[D]")
    safe = np.array([g if g is not None else shapely.Point(0, 0) for g in geoms], dtype=object)
    xy = shapely.get_coordinates(shapely.point_on_surface(safe))
    cell = county.locate(xy[:, 0], xy[:, 1])
    area = shapely.area(safe)
    values = {
        "jcbh": np.asarray(jcbh, dtype=object),
        "xzqdm": np.full(n, COUNTY_CODE, dtype=object), "xmc": np.full(n, COUNTY_NAME, dtype=object),
        "tblx": np.asarray(tblx, dtype=object), "qsx": _fmt(qsx, spec["date_fmt"]),
        "hsx": _fmt(hsx, spec["date_fmt"]),
        "jcmj": np.round(area / MU, 2) if spec["area_unit"] == "亩" else np.round(area, 2),
        "tz": np.array([TBLX[t][0] for t in tblx], dtype=object),
        "sfyn": np.where(county.basic.ravel()[cell], "是", "否").astype(object),
        "sfhx": np.where(county.eco.ravel()[cell], "是", "否").astype(object),
        "dlbm": _DLBM[county.cls.ravel()[cell]],
    }
    return {name: values[canon] for canon, name in spec["fields"].items()}, hsx


def _bowtie(geom):
    c = shapely.get_coordinates(_rects(geom))[:4]
    return shapely.Polygon([c[0], c[1], c[3], c[2]])


def _spike(geom):
    c = shapely.get_coordinates(geom)[:-1]
    centre = c.mean(axis=0)
    tip = c[1] + (c[1] - centre) * 0.8
    return shapely.Polygon(np.vstack([c[:2], tip, c[1:]]))


def _background_patches(rng, county, blocked, n):
    """Random patches (~20–200 m) anywhere in the county whose DLTB window touches no blocked cell."""
    sat = np.zeros((county.n + 1, county.n + 1), np.int64)
    sat[1:, 1:] = blocked.cumsum(0).cumsum(1)
    cand = np.flatnonzero((~blocked).ravel())
    geoms, tblx = [], []
    while sum(len(g) for g in geoms) < n:
        m = n - sum(len(g) for g in geoms)
        f = cand[rng.integers(0, len(cand), m)]
        xy = shapely.get_coordinates(shapely.centroid(county.polys(f))) + rng.uniform(-0.4, 0.4, (m, 2)) * county.cell
        g = _shapes(rng, xy[:, 0], xy[:, 1], np.exp(rng.uniform(np.log(16), np.log(100), m)))
        t = rng.choice(_BACKGROUND_TBLX[0], m, p=_BACKGROUND_TBLX[1])
        b = shapely.bounds(g)
        i0, i1 = (np.clip(np.floor((b[:, [0, 2]] - county.x0) / county.cell), 0, county.n - 1).astype(int)
                  + [-1, 1]).clip(0, county.n - 1).T
        j0, j1 = (np.clip(np.floor((b[:, [1, 3]] - county.y0) / county.cell), 0, county.n - 1).astype(int)
                  + [-1, 1]).clip(0, county.n - 1).T
        hits = sat[j1 + 1, i1 + 1] - sat[j0, i1 + 1] - sat[j1 + 1, i0] + sat[j0, i0]
        geoms.append(g[hits == 0])
        tblx.append(t[hits == 0])
    return np.concatenate(geoms), np.concatenate(tblx)


def _make_batches(out, rng, county, planter, ppb):
    """Three monthly batches: planted patches spread over them, the rest random, plus the bad cases."""
    planted = [planter.patches[k] for k in rng.permutation(len(planter.patches))]
    planted.sort(key=lambda site: site[2])   # stable: each scenario's copies go round the three batches
    to_4490 = Transformer.from_crs(EPSG, GEOGRAPHIC_EPSG, always_xy=True)
    specials = {0: ["bowtie", "bowtie", "multipart"], 1: ["spike", "duplicate", "empty"], 2: ["bowtie", "spike"]}
    batches, expected, special, planted_geoms, all_geoms, all_tblx = [], {}, [], {}, [], []
    for b, spec in enumerate(BATCHES):
        mine = planted[b::3]
        n_bg = ppb - len(mine)
        if n_bg < len(specials[b]) + 2:
            raise ValueError(f"patches_per_batch={ppb} 太小：每批至少需要 {len(mine) + len(specials[b]) + 2} 个图斑")
        bg_geoms, bg_tblx = _background_patches(rng, county, planter.blocked, n_bg)
        geoms = [p for p, _, _, _ in mine] + list(bg_geoms)
        tblx = [t for _, t, _, _ in mine] + list(bg_tblx)
        order = rng.permutation(len(geoms))
        pos = {int(o): row for row, o in enumerate(order)}        # index in geoms -> row in the file
        geoms = [geoms[o] for o in order]
        tblx = [tblx[o] for o in order]
        jcbh = [f"{COUNTY_CODE}2026{spec['month']:02d}{row + 1:04d}" for row in range(len(geoms))]
        for src, kind in enumerate(specials[b], start=len(mine)):
            row = pos[src]
            if kind == "bowtie":
                geoms[row] = _bowtie(geoms[row])
            elif kind == "spike":
                geoms[row] = _spike(geoms[row])
            elif kind == "multipart":
                x0, y0, x1, y1 = geoms[row].bounds
                geoms[row] = shapely.MultiPolygon([geoms[row], _shapes(rng, x1 + 40, (y0 + y1) / 2, 15)[0]])
            elif kind == "empty":
                geoms[row] = None
            else:   # a second row carrying the JCBH of an ordinary background patch
                jcbh[row] = jcbh[pos[len(mine) + len(specials[b])]]
            special.append({"batch": spec["name"], "jcbh": jcbh[row], "kind": kind})
        all_geoms += geoms
        all_tblx += tblx
        hsx_lo = np.datetime64("2025-12-06") + np.timedelta64(30 * b, "D")
        cols, hsx = _batch_columns(spec, rng, county, geoms, tblx, jcbh, hsx_lo)
        for k, (p, _, scenario, links) in enumerate(mine):
            row = pos[k]
            sug, sub, cat, mining, mining_sub = SCENARIOS[scenario]
            cells = county.window(p.bounds)
            inter = shapely.area(shapely.intersection(p, county.polys(cells)))
            planted_geoms[jcbh[row]] = p
            expected[jcbh[row]] = {
                "batch": spec["name"], "scenario": scenario, "suggestion": sug, "subtype": sub, "category": cat,
                "mining_suggestion": mining, "mining_subtype": mining_sub,
                "new_share": round(float(inter[np.isin(county.cls.ravel()[cells], CULTIVATED)].sum() / p.area), 6)
                if scenario == "mixed_stock_new" else None,
                "hsx": str(hsx[row]), "refs": list(links),
                "basic_farmland": bool(inter[county.basic.ravel()[cells]].sum() > 0.01),
                "eco_redline": bool(inter[county.eco.ravel()[cells]].sum() > 0.01)}
        path = out / "batches" / f"{spec['name']}_监测图斑.shp"
        out_geoms = np.array(geoms, dtype=object)
        if spec["epsg"] == GEOGRAPHIC_EPSG:
            out_geoms = shapely.transform(out_geoms, lambda c: np.column_stack(to_4490.transform(c[:, 0], c[:, 1])))
        _write(path, out_geoms, cols, epsg=spec["epsg"], encoding=spec["encoding"], cpg=spec["cpg"],
               prj=spec["prj"], ldid=spec["ldid"], day=dt.date(2026, spec["month"], 10))
        batches.append({"name": spec["name"], "path": str(path.relative_to(out)), "encoding": spec["encoding"],
                        "cpg": spec["cpg"], "prj": spec["prj"], "epsg": spec["epsg"], "area_unit": spec["area_unit"],
                        "field_map": spec["fields"], "count": len(geoms)})
    return batches, expected, special, planted_geoms, (all_geoms, all_tblx)


# ----------------------------------------------------------------------------------------------- imagery

def _srs():
    from osgeo import osr

    srs = osr.SpatialReference()
    srs.ImportFromEPSG(EPSG)
    return srs


def _rasterize(geoms, values, gt, w, h):
    from osgeo import gdal, ogr

    ds = gdal.GetDriverByName("MEM").Create("", w, h, 1, gdal.GDT_Int32)
    ds.SetGeoTransform(gt)
    ds.SetProjection(_srs().ExportToWkt())
    vds = ogr.GetDriverByName("Memory").CreateDataSource("")
    layer = vds.CreateLayer("g", srs=_srs(), geom_type=ogr.wkbUnknown)
    layer.CreateField(ogr.FieldDefn("v", ogr.OFTInteger))
    defn = layer.GetLayerDefn()
    for wkb, v in zip(shapely.to_wkb(geoms), values):
        if wkb is None:
            continue
        feature = ogr.Feature(defn)
        feature.SetField(0, int(v))
        feature.SetGeometryDirectly(ogr.CreateGeometryFromWkb(wkb))
        layer.CreateFeature(feature)
    gdal.RasterizeLayer(ds, [1], layer, options=["ATTRIBUTE=v"])
    return ds.GetRasterBand(1).ReadAsArray()


def _blocks(X, Y, size, salt):
    """A pseudo-random value in [0, 1) per ``size``-metre block: roofs, panels, yards."""
    h = (np.floor(X / size).astype(np.int64) * 0x9E3779B1 + np.floor(Y / size).astype(np.int64) * 0x85EBCA77
         + salt) & 0xFFFFFFFF
    h = ((h ^ (h >> 15)) * 0x2C1B3C6D) & 0xFFFFFFFF
    return ((h ^ (h >> 12)) & 0xFFFF) / 65536.0


def _write_tif(path, rgb, gt):
    from osgeo import gdal

    h, w, _ = rgb.shape
    ds = gdal.GetDriverByName("GTiff").Create(
        str(path), w, h, 3, gdal.GDT_Byte,
        ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=2", "PHOTOMETRIC=RGB", "INTERLEAVE=PIXEL"])
    ds.SetGeoTransform(gt)
    ds.SetProjection(_srs().ExportToWkt())
    for k in range(3):
        ds.GetRasterBand(k + 1).WriteArray(rgb[:, :, k])
    gdal.SetConfigOption("COMPRESS_OVERVIEW", "DEFLATE")
    try:
        ds.BuildOverviews("AVERAGE", [2, 4, 8, 16])
    finally:
        gdal.SetConfigOption("COMPRESS_OVERVIEW", None)
    ds = None
    return path


def _write_imagery(out, rng, county, geoms, tblx):
    """Before/after RGB images rendered from the DLTB classes; the after image shows every patch's change."""
    xmin, ymin, xmax, ymax = county.bounds()
    xmin, ymin, xmax, ymax = xmin - 150, ymin - 150, xmax + 150, ymax + 150
    px = max(4.0, (xmax - xmin) / 3000)
    w, h = int(math.ceil((xmax - xmin) / px)), int(math.ceil((ymax - ymin) / px))
    gt = (xmin, px, 0.0, ymax, 0.0, -px)
    cells = county.window((xmin, ymin, xmax, ymax))
    cid = _rasterize(county.polys(cells), cells + 1, gt, w, h)
    cell = np.maximum(cid - 1, 0)
    ncell = county.n * county.n
    cls = county.cls.ravel()[cell]
    X = (np.arange(w, dtype=np.float32)[None, :] + 0.5) * px
    Y = (ymax - ymin) - (np.arange(h, dtype=np.float32)[:, None] + 0.5) * px

    rgb = _PALETTE[cls] * rng.normal(1.0, 0.05, ncell).astype(np.float32)[cell][:, :, None]
    theta = rng.uniform(0, np.pi, ncell).astype(np.float32)[cell]
    period = rng.uniform(6, 14, ncell).astype(np.float32)[cell]
    stripes = 1 + 0.08 * np.sin(2 * np.pi * (X * np.cos(theta) + Y * np.sin(theta)) / period)
    rgb *= np.where(np.isin(cls, AGRI), stripes, 1.0)[:, :, None]
    canopy = np.repeat(np.repeat(rng.normal(1, 0.12, (h // 3 + 1, w // 3 + 1)), 3, 0), 3, 1)[:h, :w]
    rgb *= np.where(np.isin(cls, np.r_[FOREST, C["0810"]]), canopy, 1.0)[:, :, None].astype(np.float32)
    roof = _blocks(X, Y, 8.0, 7)
    village_roofs = np.array([(168, 86, 66), (150, 150, 152), (204, 198, 192), (120, 120, 126)], np.float32)
    town_roofs = np.array([(192, 192, 196), (140, 146, 156), (96, 116, 150), (212, 212, 206)], np.float32)
    pick = (roof * 4).astype(int) % 4
    built = np.isin(cls, BUILT) & (_blocks(X, Y, 8.0, 3) > 0.3)
    rgb = np.where((built & (cls == C["0702"]))[:, :, None], village_roofs[pick], rgb)
    rgb = np.where((built & (cls != C["0702"]))[:, :, None], town_roofs[pick], rgb)
    before = rgb + rng.normal(0, 4, rgb.shape).astype(np.float32)

    kinds = np.array([TBLX[t][1] for t in tblx])
    change = _rasterize(np.array(geoms, dtype=object), kinds, gt, w, h)
    colours = np.array([(0, 0, 0), (152, 112, 78), (92, 104, 96), (0, 0, 0), (200, 198, 192), (190, 185, 172),
                        (36, 50, 92), (206, 190, 164), (92, 140, 72)], np.float32)
    after = rgb * np.array([1.03, 1.0, 0.97], np.float32)
    soil = colours[change] * (1 + 0.12 * (canopy[:, :, None] - 1)).astype(np.float32)
    roofs_new = np.array([(232, 232, 234), (182, 186, 196), (92, 122, 172), (204, 204, 204)], np.float32)
    soil = np.where((change == 3)[:, :, None], roofs_new[((_blocks(X, Y, 4.0, 11) * 4).astype(int) % 4)], soil)
    grid = ((X % 5) < 1) | ((Y % 3) < 0.8)
    soil = np.where(((change == 6) & grid)[:, :, None], np.float32([150, 160, 176]), soil)
    terraces = ((X * 0.7 + Y * 0.7) % 12) < 3
    soil = np.where(((change == 7) & terraces)[:, :, None], np.float32([172, 156, 132]), soil)
    after = np.where((change > 0)[:, :, None], soil, after) + rng.normal(0, 4, rgb.shape).astype(np.float32)

    (out / "imagery").mkdir(parents=True, exist_ok=True)
    return {"imagery_before": _write_tif(out / "imagery" / "前时相.tif", np.clip(before, 0, 255).astype(np.uint8), gt),
            "imagery_after": _write_tif(out / "imagery" / "后时相.tif", np.clip(after, 0, 255).astype(np.uint8), gt)}


# ----------------------------------------------------------------------------------------------- daily work

def _people(rng):
    return "、".join(rng.choice(_SURNAMES) + rng.choice(_GIVEN) for _ in range(2))


def _write_daily(out, rng, county, expected, geoms_by_jcbh, all_geoms):
    """clues.csv and patrols.csv (UTF-8 with BOM, for Excel) for daily-enforcement grading (issue 6).

    Clues sit near illegal planted patches, discovered before their after-date (daily enforcement found
    it first) or after it, or far from every patch.
    """
    twp_names = county.townships["name"]

    def township_at(x, y):
        f = county.locate([x], [y])[0]
        v = county.village.ravel()[f]
        return (twp_names[county.villages["township"][v]], county.villages["name"][v]) if v >= 0 else (twp_names[0], "")

    clues, truth = [], {}
    illegal = sorted(j for j, e in expected.items() if e["suggestion"] == "违法")
    sources = ["巡查", "12336", "微信", "其他"]
    for jcbh in illegal:
        timing = rng.choice(["before", "after", "none"], p=[0.45, 0.3, 0.25])
        if timing == "none":
            continue
        x, y = shapely.get_coordinates(shapely.point_on_surface(geoms_by_jcbh[jcbh]))[0] + rng.uniform(-15, 15, 2)
        hsx = np.datetime64(expected[jcbh]["hsx"])
        found = hsx - np.timedelta64(int(rng.integers(8, 60)), "D") if timing == "before" \
            else hsx + np.timedelta64(int(rng.integers(3, 40)), "D")
        clues.append((x, y, found, jcbh, timing))
    tree = shapely.STRtree([g for g in all_geoms if g is not None])
    inner = np.flatnonzero((county.inside & ~_shift_or(~county.inside, 3)).ravel())
    far, want = 0, max(3, len(clues) // 3)
    for f in inner[rng.integers(0, len(inner), 5000)]:
        x, y = shapely.get_coordinates(shapely.centroid(county.polys([f])))[0]
        if far < want and not len(tree.query(shapely.Point(x, y), predicate="dwithin", distance=250)):
            clues.append((x, y, np.datetime64("2025-11-01") + np.timedelta64(int(rng.integers(0, 130)), "D"),
                          None, "far"))
            far += 1
    cutoff = np.datetime64("2026-03-20")    # the data's "today": later steps have not happened yet

    def when(day, done):
        return str(day) if done and day <= cutoff else ""

    rows = []
    for k, (x, y, found, jcbh, timing) in enumerate(clues):
        cid = f"XS{COUNTY_CODE}{k + 1:04d}"
        source = rng.choice(sources, p=[0.5, 0.2, 0.2, 0.1])
        twp, vil = township_at(x, y)
        stop = found + np.timedelta64(int(rng.integers(0, 4)), "D")
        filed = found + np.timedelta64(int(rng.integers(4, 18)), "D")
        closed = filed + np.timedelta64(int(rng.integers(10, 45)), "D")
        received = f"{found} {int(rng.integers(8, 18)):02d}:{int(rng.integers(0, 60)):02d}"
        what = f"{vil}群众反映有人占地{rng.choice(['建房', '硬化场地', '堆放砂石', '挖土'])}"
        stopped = when(stop, rng.random() < 0.85)
        rows.append({"线索编号": cid, "来源": source, "受理时间": received, "X": f"{x:.2f}", "Y": f"{y:.2f}",
                     "乡镇": twp, "描述": what, "发现日期": str(found), "制止日期": stopped,
                     "立案日期": when(filed, rng.random() < 0.7), "结案日期": when(closed, rng.random() < 0.6),
                     "报告日期": stopped})   # the written report goes with the stop notice
        truth[cid] = {"jcbh": jcbh, "timing": timing}
    with open(out / "clues.csv", "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    found_on = {}
    for row in rows:
        if row["来源"] == "巡查":
            found_on.setdefault(row["发现日期"], []).append(row)
    patrols = []
    for day in np.arange(np.datetime64("2025-11-03"), np.datetime64("2026-03-21")):
        if day.astype(dt.date).weekday() >= 5 and str(day) not in found_on:
            continue
        for row in found_on.get(str(day), [None]):
            twp = row["乡镇"] if row else rng.choice(twp_names)
            t = int(np.flatnonzero(twp_names == twp)[0])
            vils = county.villages["name"][county.villages["township"] == t]
            route = "—".join([twp] + list(rng.choice(vils, min(3, len(vils)), replace=False)))
            patrols.append({
                "巡查日期": str(day), "乡镇": twp, "巡查路线": route, "巡查人员": _people(rng),
                "发现问题": f"发现{row['描述']}（{row['线索编号']}）" if row else "未发现新增违法用地行为",
                "制止措施": "现场制止，下达责令停止违法行为通知书" if row else "",
                "处理意见": "移交执法大队立案查处" if row else "继续加强巡查"})
    with open(out / "patrols.csv", "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(patrols[0]))
        writer.writeheader()
        writer.writerows(patrols)
    return {"clues": out / "clues.csv", "patrols": out / "patrols.csv"}, truth


# ----------------------------------------------------------------------------------------------- entry points

@_gdal_as_expected()
def generate(out_dir, seed=7, patches_per_batch=300, n_dltb=None, size_km=10.0, imagery=True) -> dict:
    """Write the sample county under ``out_dir``; returns the paths written and the manifest.

    ``n_dltb`` defaults to ~70 m DLTB polygons for the size. Same arguments, same bytes; switching the
    imagery off does not change the other files (each stage draws from its own seeded generator).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    size = size_km * 1000.0
    n_dltb = n_dltb or int(round((size / CELL_M) ** 2))
    r_county, r_plant, r_refs, r_batch, r_img, r_daily = (np.random.default_rng(s)
                                                          for s in np.random.SeedSequence(seed).spawn(6))
    county = _build_county(r_county, size, n_dltb)
    planter = _Planter(r_plant, county)
    planter.plant(max(1, min(8, 3 * patches_per_batch // 40)))   # turns pit cells into 0602 before DLTB is written
    planter.background_refs(county.inside.sum() * county.cell ** 2 / 1e6)
    paths, info = _write_base(out, county)
    ref_paths, keys = _write_refs(out, r_refs, county, planter.refs)
    batches, expected, special, planted_geoms, (all_geoms, all_tblx) = _make_batches(
        out, r_batch, county, planter, patches_per_batch)
    paths.update(ref_paths)
    paths["batches"] = [out / b["path"] for b in batches]
    for e in expected.values():
        e["refs"] = [str(keys[layer][i]) for layer, i in e["refs"]]
    if imagery:
        paths.update(_write_imagery(out, r_img, county, all_geoms, all_tblx))
    daily, clues = _write_daily(out, r_daily, county, expected, planted_geoms, all_geoms)
    paths.update(daily)
    outcomes = {}
    for e in expected.values():
        key = "/".join(x for x in (e["suggestion"], e["subtype"], e["category"]) if x)
        outcomes[key] = outcomes.get(key, 0) + 1
    manifest = {
        "county": info, "seed": seed, "patches_per_batch": patches_per_batch, "size_km": size_km,
        "units": {"PZMJ": "公顷", "JCMJ": "亩", "监测面积": "m2", "MJ": "m2"},
        "batches": batches, "outcomes": dict(sorted(outcomes.items())), "expected": expected,
        "special": special, "clues": clues,
    }
    paths["manifest_path"] = out / "manifest.json"
    paths["manifest_path"].write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return {**paths, "manifest": manifest}


def _bench_refs(rng, county, patches):
    """Reference layers at benchmark scale: red lines around a share of the patches, plus mining permits."""
    n = len(patches)

    def around(share, lo, hi):
        pick = np.sort(rng.choice(n, max(2, int(share * n)), replace=False))
        return shapely.buffer(_rects(patches[pick]), rng.uniform(lo, hi, len(pick)), join_style="mitre")

    approvals = around(0.15, 5, 80)
    approvals = np.concatenate([approvals, _overlapping(rng, approvals[rng.random(len(approvals)) < 0.2])])
    hills = np.flatnonzero((county.inside & np.isin(county.cls, FOREST)).ravel())
    hills = hills if len(hills) else np.flatnonzero(county.inside.ravel())
    centres = shapely.get_coordinates(shapely.centroid(county.polys(hills[rng.integers(0, len(hills),
                                                                                      max(4, n // 2500))])))
    mines = _shapes(rng, centres[:, 0], centres[:, 1], rng.uniform(150, 350, len(centres)))
    temporary = around(0.03, 5, 40)
    return {
        "approvals": [(g, None) for g in approvals],
        "supply": [(g, None) for g in around(0.08, 2, 30)],
        "registration": [(g, None) for g in around(0.08, 1, 10)],
        "facility": [(g, None) for g in around(0.04, 2, 20)],
        "temporary": [(g, "valid" if k % 2 else "expired") for k, g in enumerate(temporary)],
        "mining": [(g, "expired" if k == 0 else "valid") for k, g in enumerate(mines)],
        "other_legal": [(g, None) for g in around(0.01, 5, 30)],
        "advance": [(g, None) for g in around(0.005, 5, 30)],
    }


@_gdal_as_expected()
def generate_bench(out_dir, n_patches, n_dltb, seed=7) -> dict:
    """Benchmark data: DLTB (GeoPackage 1.2), townships, reference layers and one patch shapefile.

    The county grows with ``n_dltb`` so DLTB polygons stay ~70 m; patches are random, not planted, and
    written as one UTF-8 shapefile in EPSG:4527 with the ministry's standard fields.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    r_county, r_patch, r_refs, r_attr = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(4))
    county = _build_county(r_county, math.sqrt(n_dltb) * CELL_M, n_dltb)
    geoms, tblx = _background_patches(r_patch, county, _shift_or(~county.inside, 2), n_patches)
    spec = dict(BATCHES[0], encoding="UTF-8")
    jcbh = [f"{COUNTY_CODE}202601{k + 1:06d}" for k in range(n_patches)]
    cols, _ = _batch_columns(spec, r_patch, county, geoms, tblx, jcbh, np.datetime64("2025-12-06"))
    paths, info = _write_base(out, county)
    paths.update(_write_refs(out, r_attr, county, _bench_refs(r_refs, county, geoms))[0])
    paths["patches"] = _write(out / "batches" / "监测图斑.shp", geoms, cols, day=dt.date(2026, 1, 10))
    return {**paths, "county_info": info}


def main(argv=None):
    ap = argparse.ArgumentParser(description="生成样例县 青禾县（确定性，可复现）")
    ap.add_argument("out_dir")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--patches-per-batch", type=int, default=300)
    ap.add_argument("--dltb", type=int, default=None, help="DLTB polygons (default: ~70 m polygons)")
    ap.add_argument("--size-km", type=float, default=10.0)
    ap.add_argument("--no-imagery", action="store_true")
    ap.add_argument("--bench-patches", type=int, default=0,
                    help="benchmark mode: this many random patches over --dltb polygons (default 200000)")
    args = ap.parse_args(argv)
    start = time.perf_counter()
    if args.bench_patches:
        result = generate_bench(args.out_dir, args.bench_patches, args.dltb or 200_000, args.seed)
        info = result["county_info"]
    else:
        result = generate(args.out_dir, args.seed, args.patches_per_batch, args.dltb, args.size_km,
                          not args.no_imagery)
        info = result["manifest"]["county"]
        for outcome, count in result["manifest"]["outcomes"].items():
            print(f"  {outcome}: {count}")
    print(f"{info['name']} {info['area_m2'] / 1e6:.1f} km², DLTB {info['dltb_count']}, "
          f"{time.perf_counter() - start:.1f} s -> {args.out_dir}")


if __name__ == "__main__":
    main()
