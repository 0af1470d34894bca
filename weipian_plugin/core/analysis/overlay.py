"""Overlay engine: every patch against every reference layer in one vectorised pass (内业比对).

What a technician does by hand with intersect/dissolve/join per layer is done here with shapely 2:
an STRtree query gives (patch, feature) pairs; pairs where the feature covers the whole patch skip the
intersection; the rest are intersected in one vectorised call spread over threads (GEOS releases the
GIL); areas are aggregated with ``np.bincount``. Only patches hit by several features of a layer whose
polygons may overlap (批文 red lines do) are unioned, so overlapping approvals are counted once.

Areas follow 面积平差 (docs/DOMAIN.md §2): a planar piece becomes ``piece / planar patch × ellipsoidal
patch area``; the pieces of a partition layer (三调 DLTB) are scaled to sum exactly to the patch's
ellipsoidal area when they cover it, otherwise the rest is a separate 未覆盖 piece. No piece exceeds
its patch and no coverage exceeds 100 %. Patches and layers must be valid polygons in the same
projected CRS (:mod:`.vector_io` repairs and reprojects).
"""
from __future__ import annotations

import collections
import datetime as _dt
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from typing import Callable, Iterator, Mapping, Sequence

import numpy as np
import shapely

from weipian_plugin.core import roles
from weipian_plugin.core.intake.vector_io import VectorData, to_date

LANDUSE, BASIC_FARMLAND, APPROVALS, SUPPLY, REGISTRATION = (roles.LANDUSE.key, roles.BASIC_FARMLAND.key,
                                                         roles.APPROVALS.key, roles.SUPPLY.key, roles.REGISTRATION.key)
FACILITY, TEMPORARY, MINING, ECO_REDLINE, TOWNSHIPS = (roles.FACILITY.key, roles.TEMPORARY.key,
                                                       roles.MINING_PERMITS.key, roles.ECO_REDLINE.key, roles.TOWNSHIPS.key)
ROLES = roles.KEYS
LEGAL_ROLES = roles.with_effect(roles.LEGAL)
"""Roles whose uncovered cultivated land is computed (rule 1 needs it)."""
ISSUED_ROLES = roles.dated(roles.ISSUED)
"""Roles whose features count only when issued on or before the patch's comparison date."""
DATED_ROLES = roles.dated(roles.VALIDITY)
"""Roles whose features are valid only between YXQQ and YXQZ, checked at the patch's after-date."""

CULTIVATED_DLBM = ("0101", "0102", "0103")
PARTITION_TOLERANCE = 1e-3
"""DLTB pieces summing to within this share of a patch cover it (the rest is not a 未覆盖 piece)."""
_MIN_PARALLEL_CHUNK = 2_000
UNCOVERED = "未覆盖"

VALID, NOT_VALID, UNKNOWN = 1, 0, -1
"""``FeatureTable.valid``: valid at the after-date (issued in time, for :data:`ISSUED_ROLES`), not valid
(expired / not yet / issued after the comparison date), cannot tell."""


KEY_FIELDS: dict[str, roles.Fields] = {r.key: r.fields for r in roles.ROLES if r.effect != roles.PARTITION}
LANDUSE_FIELDS = dict(roles.LANDUSE.fields.extra)


def role_fields(role: str) -> tuple[str, ...]:
    """Every field name the overlay may read for ``role``: what a registered copy of the layer keeps."""
    return roles.BY_KEY[role].field_names()


class OverlayCancelled(Exception):
    """Raised when ``is_cancelled()`` turns true; nothing partial is returned."""


@dataclass
class LanduseTable:
    """三调 pieces per patch, one row per (patch, DLBM, CZCSXM), sorted by patch; areas adjusted (m²).

    A patch not fully covered by DLTB has one extra row with ``dlbm == ''`` and ``dlmc == '未覆盖'``.
    """

    patch: np.ndarray
    dlbm: np.ndarray
    dlmc: np.ndarray
    czcsxm: np.ndarray
    area_m2: np.ndarray
    cultivated_m2: np.ndarray


@dataclass
class FeatureTable:
    """Every (patch, feature) overlap of the non-DLTB layers, sorted by patch, role, share descending.

    ``feature`` indexes the layer's :class:`VectorData`; ``fid`` is its source feature id (-1 if unknown).
    ``share`` is the fraction of the patch that feature covers; ``valid`` is VALID / NOT_VALID / UNKNOWN
    for dated roles (validity at the after-date, or issue on or before the comparison date) and UNKNOWN
    for the others.
    """

    patch: np.ndarray
    role: np.ndarray
    feature: np.ndarray
    fid: np.ndarray
    doc: np.ndarray
    name: np.ndarray
    kind: np.ndarray
    date: np.ndarray
    valid_from: np.ndarray
    valid_to: np.ndarray
    valid: np.ndarray
    share: np.ndarray
    area_m2: np.ndarray


_LANDUSE_DTYPES = (np.int64, object, object, object, np.float64, np.float64)
_FEATURE_DTYPES = (np.int64, object, np.int64, np.int64, object, object, object, object, object, object, np.int8,
                   np.float64, np.float64)
"""Column types of :class:`LanduseTable` and :class:`FeatureTable`, in field order."""


@dataclass(frozen=True)
class LandusePiece:
    dlbm: str
    dlmc: str
    czcsxm: str
    area_m2: float
    cultivated_m2: float


@dataclass(frozen=True)
class FeatureHit:
    role: str
    feature: int
    fid: int
    doc: str
    name: str
    kind: str
    date: _dt.date | None
    valid_from: _dt.date | None
    valid_to: _dt.date | None
    valid: int
    share: float
    area_m2: float


@dataclass
class PatchOverlay:
    """One patch's view of an :class:`OverlayResult` (what the rules read). Areas in m², NaN = unknown."""

    index: int
    area_m2: float
    provided: frozenset[str]
    covered_m2: dict[str, float]
    valid_covered_m2: dict[str, float]
    cultivated_m2: float
    uncovered_cultivated_m2: dict[str, float]
    uncovered_cultivated_all_m2: dict[str, float]
    township_code: str
    township_name: str
    landuse: list[LandusePiece]
    features: list[FeatureHit]

    def hits(self, role: str) -> list[FeatureHit]:
        return [h for h in self.features if h.role == role]

    def as_result(self) -> OverlayResult:
        """This patch alone as an :class:`OverlayResult`, so one patch goes through the same array code
        as a batch (:func:`.rules.suggest`). What a row does not keep (dominant class, village,
        township share) is left blank."""
        lu, ft = self.landuse, self.features
        return OverlayResult(
            area_m2=np.array([self.area_m2]),
            provided=self.provided,
            covered_m2={r: np.array([v]) for r, v in self.covered_m2.items()},
            valid_covered_m2={r: np.array([v]) for r, v in self.valid_covered_m2.items()},
            cultivated_m2=np.array([self.cultivated_m2]),
            uncovered_cultivated_m2={r: np.array([v]) for r, v in self.uncovered_cultivated_m2.items()},
            uncovered_cultivated_all_m2={r: np.array([v]) for r, v in self.uncovered_cultivated_all_m2.items()},
            dominant_dlbm=np.array([""], dtype=object),
            village_code=np.array([""], dtype=object),
            village_name=np.array([""], dtype=object),
            township_code=np.array([self.township_code], dtype=object),
            township_name=np.array([self.township_name], dtype=object),
            township_share=np.array([np.nan]),
            landuse=LanduseTable(np.zeros(len(lu), dtype=np.int64), *_columns(lu, LandusePiece, _LANDUSE_DTYPES[1:])),
            features=FeatureTable(np.zeros(len(ft), dtype=np.int64), *_columns(ft, FeatureHit, _FEATURE_DTYPES[1:])),
        )


def _columns(items: Sequence[object], cls: type, dtypes: tuple[object, ...]) -> list[np.ndarray]:
    """The rows ``items`` (instances of dataclass ``cls``) as one array per field."""
    return [np.array([getattr(x, f.name) for x in items], dtype=d) for f, d in zip(fields(cls), dtypes)]


@dataclass
class OverlayResult:
    """Per-patch overlay arrays (index = patch index), plus the two long tables.

    ``covered_m2`` / ``valid_covered_m2`` / ``uncovered_cultivated_m2`` hold only the roles that were
    provided, so "no approvals layer" is never mistaken for "not approved". ``cultivated_m2`` is NaN
    without DLTB; ``uncovered_cultivated_m2[role]`` is cultivated land outside the union of that role's
    documents that count (in time), ``uncovered_cultivated_all_m2[role]`` outside the union of all of them.
    ``covered_m2`` is the union of all features; ``valid_covered_m2`` of those that count (dated roles).
    """

    area_m2: np.ndarray
    provided: frozenset[str]
    covered_m2: dict[str, np.ndarray]
    valid_covered_m2: dict[str, np.ndarray]
    cultivated_m2: np.ndarray
    uncovered_cultivated_m2: dict[str, np.ndarray]
    uncovered_cultivated_all_m2: dict[str, np.ndarray]
    dominant_dlbm: np.ndarray
    village_code: np.ndarray
    village_name: np.ndarray
    township_code: np.ndarray
    township_name: np.ndarray
    township_share: np.ndarray
    landuse: LanduseTable
    features: FeatureTable
    _landuse_start: np.ndarray = field(init=False, repr=False)
    _feature_start: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        edges = np.arange(len(self.area_m2) + 1)
        self._landuse_start = np.searchsorted(self.landuse.patch, edges)
        self._feature_start = np.searchsorted(self.features.patch, edges)

    def __len__(self) -> int:
        return len(self.area_m2)

    def covered_share(self, role: str) -> np.ndarray:
        """Fraction of each patch covered by ``role``'s union; NaN everywhere if not provided."""
        if role not in self.covered_m2:
            return np.full(len(self), np.nan)
        return _ratio(self.covered_m2[role], self.area_m2)

    def dlbm_share(self, prefixes: Sequence[str]) -> np.ndarray:
        """Per-patch share on DLTB classes starting with any prefix (e.g. construction land before)."""
        if LANDUSE not in self.provided:
            return np.full(len(self), np.nan)
        prefixes, dlbm = tuple(prefixes), self.landuse.dlbm
        hit = {d: bool(d) and d.startswith(prefixes) for d in set(dlbm)}  # a county has a few dozen classes
        return self._landuse_share(np.fromiter(map(hit.__getitem__, dlbm), dtype=bool, count=len(dlbm)))

    def czcsxm_share(self, codes: Sequence[str]) -> np.ndarray:
        """Per-patch share on DLTB whose CZCSXM is one of ``codes`` (e.g. ['203'])."""
        if LANDUSE not in self.provided:
            return np.full(len(self), np.nan)
        return self._landuse_share(np.isin(self.landuse.czcsxm.astype(str), list(codes)))

    def _landuse_share(self, mask: np.ndarray) -> np.ndarray:
        sums = np.bincount(self.landuse.patch[mask], self.landuse.area_m2[mask], minlength=len(self))
        return _ratio(sums, self.area_m2)

    def row(self, i: int) -> PatchOverlay:
        lu, ft = self.landuse, self.features
        a, b = self._landuse_start[i], self._landuse_start[i + 1]
        pieces = [LandusePiece(lu.dlbm[k], lu.dlmc[k], lu.czcsxm[k], float(lu.area_m2[k]), float(lu.cultivated_m2[k]))
                  for k in range(a, b)]
        a, b = self._feature_start[i], self._feature_start[i + 1]
        hits = [FeatureHit(ft.role[k], int(ft.feature[k]), int(ft.fid[k]), ft.doc[k], ft.name[k], ft.kind[k],
                           ft.date[k], ft.valid_from[k], ft.valid_to[k], int(ft.valid[k]), float(ft.share[k]),
                           float(ft.area_m2[k])) for k in range(a, b)]
        return PatchOverlay(
            index=i,
            area_m2=float(self.area_m2[i]),
            provided=self.provided,
            covered_m2={r: float(v[i]) for r, v in self.covered_m2.items()},
            valid_covered_m2={r: float(v[i]) for r, v in self.valid_covered_m2.items()},
            cultivated_m2=float(self.cultivated_m2[i]),
            uncovered_cultivated_m2={r: float(v[i]) for r, v in self.uncovered_cultivated_m2.items()},
            uncovered_cultivated_all_m2={r: float(v[i]) for r, v in self.uncovered_cultivated_all_m2.items()},
            township_code=self.township_code[i],
            township_name=self.township_name[i],
            landuse=pieces,
            features=hits,
        )


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.divide(num, den, out=np.zeros(len(den)), where=den > 0)


# ---------------------------------------------------------------------------------------------------
# Layers. Attributes are converted per chunk for the features it touches only: a county DLTB has two
# million rows, of which the patches touch a few percent.


_NO_DATE = -1


def _ordinals(dates: np.ndarray) -> np.ndarray:
    return np.array([_NO_DATE if d is None else d.toordinal() for d in dates], dtype=np.int64)


def _factorize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct values, the row of each one's first occurrence, and every row's code."""
    uniques, first, codes = np.unique(values.astype(str), return_index=True, return_inverse=True)
    return uniques.astype(object), first, codes.astype(np.int64)


def _dlbm_factorize(dlbm: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_factorize` for DLBM, restoring the leading zero a numeric DBF field drops (101 → 0101)."""
    values, first, codes = _factorize(dlbm)
    fixed = np.array([v.zfill(4) if v.isdigit() and len(v) == 3 else v for v in values], dtype=object)
    values, keep, remap = np.unique(fixed.astype(str), return_index=True, return_inverse=True)
    return values.astype(object), first[keep], remap[codes]


_MAX_PART_VERTICES = 256


def _subdivide(geoms: np.ndarray, max_vertices: int = _MAX_PART_VERTICES) -> tuple[np.ndarray, np.ndarray]:
    """Split polygons with many vertices into quadrants until each part is small: (parts, owner index).

    A township or red-line polygon can have tens of thousands of vertices; every predicate and
    intersection against it costs that much per patch (minutes for a county). Parts of one feature
    are disjoint, so their pieces add up to the feature's (like PostGIS ST_Subdivide).
    """
    owner = np.arange(len(geoms))
    big = shapely.get_num_coordinates(geoms) > max_vertices
    done_parts, done_owner = [geoms[~big]], [owner[~big]]
    parts, owner = geoms[big], owner[big]
    for _ in range(16):  # 16 halvings take 100 km to 1.5 m; vertices piled on one spot stop there
        if not len(parts):
            break
        x0, y0, x1, y1 = shapely.bounds(parts).T
        xm, ym = (x0 + x1) / 2, (y0 + y1) / 2
        quads = [(x0, y0, xm, ym), (xm, y0, x1, ym), (x0, ym, xm, y1), (xm, ym, x1, y1)]
        parts = np.concatenate([shapely.intersection(parts, shapely.box(*q)) for q in quads])
        owner = np.tile(owner, 4)
        keep = shapely.area(parts) > 0
        parts, owner = parts[keep], owner[keep]
        small = shapely.get_num_coordinates(parts) <= max_vertices
        done_parts.append(parts[small])
        done_owner.append(owner[small])
        parts, owner = parts[~small], owner[~small]
    return np.concatenate([*done_parts, parts]), np.concatenate([*done_owner, owner])


class _Layer:
    """A reference layer, subdivided, with an STRtree over the parts."""

    def __init__(self, role: str, data: VectorData) -> None:
        self.role = role
        self.data = data
        self.parts, self.owner = _subdivide(np.asarray(data.geoms, dtype=object))
        self.tree = shapely.STRtree(self.parts)
        self.lock = threading.Lock()
        self.bounds = shapely.bounds(self.parts)
        self.fids = data.fids if data.fids is not None else np.full(len(data), -1, dtype=np.int64)
        self.keys = KEY_FIELDS.get(role, roles.Fields())

    def text(self, names: tuple[str, ...], rows: np.ndarray) -> np.ndarray:
        return self.data.text(*names, rows=rows) if names else np.full(len(rows), "", dtype=object)

    def dates(self, names: tuple[str, ...], rows: np.ndarray) -> np.ndarray:
        return self.data.dates(*names, rows=rows) if names else np.full(len(rows), None, dtype=object)


def normalise_kcxs(kcxs: np.ndarray) -> np.ndarray:
    """KCXS as a fraction in [0, 1]: values above 1 are percentages; missing means no deduction."""
    k = np.nan_to_num(np.asarray(kcxs, dtype=np.float64), nan=0.0)
    k = np.where(k > 1.0, k / 100.0, k)
    return np.clip(k, 0.0, 1.0)


# ---------------------------------------------------------------------------------------------------
# The engine.


@dataclass
class _Pairs:
    """Pieces of one chunk's patches with one layer's parts: chunk-local patch index, index of the
    feature owning the part, piece, planar area, and whether the part covers the whole patch (then the
    piece is the patch itself). A (patch, feature) may have several pieces: see :func:`_per_feature`."""

    patch: np.ndarray
    feature: np.ndarray
    piece: np.ndarray
    area: np.ndarray
    full: np.ndarray

    def subset(self, mask: np.ndarray) -> _Pairs:
        return _Pairs(self.patch[mask], self.feature[mask], self.piece[mask], self.area[mask], self.full[mask])


def run_overlay(
    patches: np.ndarray,
    patch_areas: np.ndarray,
    layers: Mapping[str, VectorData | Future | None],
    **options,
) -> OverlayResult:
    """Overlay ``patches`` (valid polygons, store CRS) on the reference ``layers`` by role: every chunk
    of :func:`overlay_chunks` (which documents ``options``) joined into one result."""
    parts = [part for _, part in overlay_chunks(patches, patch_areas, layers, **options)]
    areas = np.asarray(patch_areas, dtype=np.float64)
    if not parts:
        return _Accumulator(0, frozenset(r for r, d in layers.items() if d is not None)).result(areas)
    return _join(parts, areas)


def overlay_chunks(
    patches: np.ndarray,
    patch_areas: np.ndarray,
    layers: Mapping[str, VectorData | Future | None],
    *,
    after_dates: Sequence[_dt.date | None] | None = None,
    comparison_dates: Sequence[_dt.date | None] | None = None,
    chunk_size: int = 20_000,
    workers: int | None = None,
    partition_tolerance: float = PARTITION_TOLERANCE,
    progress: Callable[[float], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> Iterator[tuple[int, OverlayResult]]:
    """Overlay ``patches`` (valid polygons, store CRS) on the reference ``layers`` by role, yielding
    ``(start, result)`` for the patches ``start:start + len(result)`` in patch order, each as soon as
    it and those before it are done: the caller works on one chunk (suggestions, rows) while the
    threads overlay the next ones.

    A layer may be given as a :class:`~concurrent.futures.Future` of its data, still being read on
    another thread: every chunk is then first overlaid with the layers at hand, and with that layer
    once it is read (its index is built on a thread of its own meanwhile). The results are the same.

    ``patch_areas`` are the patches' official ellipsoidal areas (m²). ``after_dates`` (后时相 per patch)
    decide which temporary-land and mining features are valid; without one, validity is unknown.
    ``comparison_dates`` (default: the after-dates) decide which dated documents (approvals, supply,
    registration, filings …) count: those issued on or before it; an undated one counts and is marked
    UNKNOWN, a later one does not count (先建后批).
    DLTB pieces summing to within ``partition_tolerance`` (relative) of a patch count as covering it.
    Patches are processed ``chunk_size`` at a time so memory stays bounded; ``workers`` threads
    share the intersections (default: CPU count, at most 8). ``progress`` gets fractions in [0, 1];
    ``is_cancelled`` is polled between steps and raises :class:`OverlayCancelled`.
    """
    patches = np.asarray(patches, dtype=object)
    areas = np.asarray(patch_areas, dtype=np.float64)
    n = len(patches)
    if len(areas) != n:
        raise ValueError("patch_areas must have one value per patch")
    unknown = set(layers) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown layer roles: {sorted(unknown)}")
    if after_dates is None:
        hsx = np.full(n, _NO_DATE, dtype=np.int64)
    else:
        hsx = _ordinals(np.array([to_date(d) for d in after_dates], dtype=object))
        if len(hsx) != n:
            raise ValueError("after_dates must have one value per patch")
    if comparison_dates is None:
        cmp = hsx
    else:
        cmp = _ordinals(np.array([to_date(d) for d in comparison_dates], dtype=object))
        if len(cmp) != n:
            raise ValueError("comparison_dates must have one value per patch")

    def check_cancel() -> None:
        if is_cancelled is not None and is_cancelled():
            raise OverlayCancelled()

    check_cancel()
    given = {role: data for role, data in layers.items() if data is not None}
    late = sorted((role for role in ROLES if isinstance(given.get(role), Future)), key=lambda role: role == LANDUSE)
    # The layers at hand first, in ROLES order, then those still being read; DLTB last in both, since
    # it needs the legal roles' unions. The order in which layers are overlaid does not change any result.
    ready = [_Layer(role, given[role]) for role in ROLES if role in given and role not in late and role != LANDUSE]
    landuse = _Layer(LANDUSE, given[LANDUSE]) if LANDUSE in given and LANDUSE not in late else None
    provided = frozenset(given)
    n_workers = workers or min(8, os.cpu_count() or 1)
    # With several workers the patches are cut into more chunks than workers (tiles of patches), and the
    # chunks run at once: GEOS releases the GIL in every vectorised call, so threads use every core
    # without starting processes inside QGIS. Each chunk has results of its own, yielded in patch order,
    # so the result is the same for any chunk size and number of workers. Eight chunks a worker: the
    # caller's work on the last chunk, which nothing overlaps, stays short.
    if n_workers > 1:
        chunk_size = min(chunk_size, max(_MIN_PARALLEL_CHUNK, -(-n // (8 * n_workers))))
    starts = list(range(0, n, chunk_size))
    chunk_workers = min(n_workers, len(starts))
    inner_workers = n_workers if chunk_workers == 1 else 1
    steps = max(1, len(starts) * len(given))
    done = [0]
    lock = threading.Lock()

    def step() -> None:
        with lock:
            done[0] += 1
            if progress is not None:
                progress(done[0] / steps)

    def overlay_layers(part: _ChunkWork, layers: Sequence[_Layer], pool: ThreadPoolExecutor | None) -> None:
        chunk, acc = part.chunk, part.acc
        shapely.prepare(chunk.geoms)
        try:
            for layer in layers:
                check_cancel()
                pairs = _intersect(layer, chunk, pool, inner_workers)
                if layer.role == LANDUSE:
                    acc.add_landuse(chunk, layer, pairs, part.legal_unions, partition_tolerance)
                elif layer.role == TOWNSHIPS:
                    acc.add_townships(chunk, layer, pairs)
                else:
                    unions = acc.add_covering(chunk, layer, pairs)
                    if layer.role in LEGAL_ROLES:
                        part.legal_unions[layer.role] = unions
                step()
        finally:
            shapely.destroy_prepared(chunk.geoms)

    def begin(start: int, pool: ThreadPoolExecutor | None) -> _ChunkWork:
        """A chunk overlaid with the layers at hand (all of them when none is still being read)."""
        sl = slice(start, start + chunk_size)
        chunk = _Chunk(patches[sl], shapely.area(patches[sl]), areas[sl], hsx[sl], cmp[sl], shapely.bounds(patches[sl]))
        part = _ChunkWork(chunk, _Accumulator(len(chunk), provided), {})
        overlay_layers(part, ready + ([landuse] if landuse is not None and not late else []), pool)
        return part

    def finish(part: _ChunkWork | Future, pool: ThreadPoolExecutor | None) -> OverlayResult:
        """A begun chunk overlaid with the layers that were still being read, as a result."""
        part = part.result() if isinstance(part, Future) else part
        if late:
            overlay_layers(part, [built[role].result() for role in late]
                           + ([landuse] if landuse is not None else []), pool)
        return part.acc.result(part.chunk.ell)

    def whole(start: int, pool: ThreadPoolExecutor | None) -> OverlayResult:
        return finish(begin(start, pool), pool)

    if progress is not None:
        progress(0.0)
    with ThreadPoolExecutor(max(1, len(late))) as builder:
        # each late layer's index is built as soon as it is read, beside the chunks' work
        built = {role: builder.submit(lambda r=role: _Layer(r, given[r].result())) for role in late}
        try:
            if chunk_workers <= 1:
                with ThreadPoolExecutor(inner_workers) as pool:
                    if late:
                        begun = collections.deque([begin(start, pool) for start in starts])
                        for start in starts:
                            yield start, finish(begun.popleft(), pool)
                    else:
                        for start in starts:
                            yield start, whole(start, pool)
            else:
                with ThreadPoolExecutor(chunk_workers) as pool:
                    # (start, its first part or None, its result) of each chunk
                    if late:
                        # Every chunk's first part is queued before any second part, so the threads overlay
                        # the layers at hand while the late ones are read; a second part waits only for
                        # its own first part, which a thread has taken already.
                        begun = [(start, pool.submit(begin, start, None)) for start in starts]
                        futures = collections.deque((start, b, pool.submit(finish, b, None)) for start, b in begun)
                        del begun
                    else:
                        futures = collections.deque((start, None, pool.submit(whole, start, None)) for start in starts)
                    # popped once yielded, so a chunk's parts are freed as soon as the caller is done with them
                    try:
                        while futures:
                            start, _, future = futures.popleft()
                            yield start, future.result()
                    finally:  # a failure, a cancel or a caller that stops early: start no further chunks
                        for _, first, future in futures:
                            future.cancel()
                            if first is not None:
                                first.cancel()
        finally:
            for future in built.values():
                future.cancel()
    if progress is not None:
        progress(1.0)


def _join(parts: Sequence[OverlayResult], areas: np.ndarray) -> OverlayResult:
    """Results of consecutive chunks (:func:`overlay_chunks`) as one result for ``areas``' patches."""
    offsets = np.cumsum([0] + [len(p) for p in parts[:-1]])

    def tables(name: str, cls: type) -> object:
        columns = [[getattr(getattr(p, name), f.name) for p in parts] for f in fields(cls)]
        columns[0] = [patch + offset for patch, offset in zip(columns[0], offsets)]
        return cls(*(np.concatenate(c) for c in columns))

    def per_role(name: str) -> dict[str, np.ndarray]:
        return {role: np.concatenate([getattr(p, name)[role] for p in parts]) for role in getattr(parts[0], name)}

    def joined(name: str) -> np.ndarray:
        return np.concatenate([getattr(p, name) for p in parts])

    return OverlayResult(
        area_m2=areas,
        provided=parts[0].provided,
        covered_m2=per_role("covered_m2"),
        valid_covered_m2=per_role("valid_covered_m2"),
        cultivated_m2=joined("cultivated_m2"),
        uncovered_cultivated_m2=per_role("uncovered_cultivated_m2"),
        uncovered_cultivated_all_m2=per_role("uncovered_cultivated_all_m2"),
        dominant_dlbm=joined("dominant_dlbm"),
        village_code=joined("village_code"),
        village_name=joined("village_name"),
        township_code=joined("township_code"),
        township_name=joined("township_name"),
        township_share=joined("township_share"),
        landuse=tables("landuse", LanduseTable),
        features=tables("features", FeatureTable),
    )


@dataclass
class _ChunkWork:
    """A chunk being overlaid: its patches, its results so far, and the legal roles' unions DLTB needs."""

    chunk: _Chunk
    acc: _Accumulator
    legal_unions: dict[str, tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]]


@dataclass
class _Chunk:
    geoms: np.ndarray
    planar: np.ndarray
    ell: np.ndarray
    hsx: np.ndarray
    cmp: np.ndarray
    """Comparison date per patch (ordinal) for :data:`ISSUED_ROLES`."""
    bounds: np.ndarray

    def __len__(self) -> int:
        return len(self.geoms)


def _intersect(layer: _Layer, chunk: _Chunk, pool: ThreadPoolExecutor | None, n_workers: int) -> _Pairs:
    """Pieces of a chunk's patches (prepared) with a layer's parts; ``feature`` is the owning feature's
    index. Pairs are ordered by patch, then part: the order, and so every floating-point sum, does not
    depend on the tree's layout, which changes with the features read (near a batch or all)."""
    geoms = chunk.geoms
    # The envelope query holds the GIL but is cheap; the exact tests are vectorised calls that do not.
    pi, qi = layer.tree.query(geoms)
    order = np.lexsort((qi, pi))
    pi, qi = pi[order], qi[order]
    # Only a part whose bbox contains the patch's bbox can cover it: test covers() on those alone, first,
    # since a part that covers the patch intersects it (both are non-empty): intersects() is asked only
    # of the other pairs. A township or red line covers most patches it meets, and its many vertices
    # made intersects() the costlier test.
    pb = chunk.bounds[pi]
    fb = layer.bounds[qi]
    cand = np.flatnonzero((fb[:, :2] <= pb[:, :2]).all(axis=1) & (fb[:, 2:] >= pb[:, 2:]).all(axis=1))
    full = np.zeros(len(pi), dtype=bool)
    # A GEOS prepared geometry builds its indexes lazily on first use, so two threads must not use the
    # same one at once: the layer's parts are shared by every chunk, hence the lock (asking the chunk's
    # own prepared patches instead, covered_by, is ten times slower).
    with layer.lock:
        shapely.prepare(layer.parts[np.unique(qi[cand])])  # in place, once: later chunks reuse it
        full[cand] = shapely.covers(layer.parts[qi[cand]], geoms[pi[cand]])
    hit = full.copy()
    other = np.flatnonzero(~full)
    hit[other] = shapely.intersects(geoms[pi[other]], layer.parts[qi[other]])
    pi, qi, full = pi[hit], qi[hit], full[hit]
    piece = geoms[pi]
    rest = np.flatnonzero(~full)
    piece[rest] = _parallel_intersection(geoms[pi[rest]], layer.parts[qi[rest]], pool, n_workers)
    area = np.where(full, chunk.planar[pi], np.minimum(shapely.area(piece), chunk.planar[pi]))
    keep = area > 0  # touching along an edge or at a point only
    return _Pairs(pi[keep], layer.owner[qi[keep]], piece[keep], area[keep], full[keep])


def _per_feature(pairs: _Pairs) -> tuple[np.ndarray, np.ndarray]:
    """Pieces of one feature in one patch (its parts, see :func:`_subdivide`) as one: each
    (patch, feature)'s first piece index and summed planar area."""
    key = pairs.patch.astype(np.int64) * (int(pairs.feature.max(initial=0)) + 1) + pairs.feature
    _, first, inv = np.unique(key, return_index=True, return_inverse=True)
    return first, np.bincount(inv, weights=pairs.area, minlength=len(first))


def _parallel_intersection(a: np.ndarray, b: np.ndarray, pool: ThreadPoolExecutor | None,
                           n_workers: int) -> np.ndarray:
    if pool is None or n_workers == 1 or len(a) < 2_000:
        return shapely.intersection(a, b)
    cuts = np.linspace(0, len(a), n_workers + 1).astype(int)
    parts = pool.map(lambda k: shapely.intersection(a[cuts[k]:cuts[k + 1]], b[cuts[k]:cuts[k + 1]]),
                     range(n_workers))
    return np.concatenate(list(parts))


def _union_cover(chunk: _Chunk, pairs: _Pairs, want_geoms: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Planar area of the union of each patch's pieces, that union (if asked), and "fully covered".

    A single piece is its own union, a covering feature makes the union the patch, and the parts of
    one feature are disjoint (areas add up), so only patches with pieces of several features that do
    not cover them are unioned (one GEOS call each), or of one feature when the geometry is wanted.
    """
    m = len(chunk)
    counts = np.bincount(pairs.patch, minlength=m)
    features = np.bincount(pairs.patch[_per_feature(pairs)[0]], minlength=m)
    full = np.bincount(pairs.patch, weights=pairs.full, minlength=m) > 0
    cover = np.bincount(pairs.patch, weights=pairs.area, minlength=m)
    cover[full] = chunk.planar[full]
    union = np.full(m, None, dtype=object)
    if want_geoms:
        single = ((counts == 1) & ~full)[pairs.patch]
        union[pairs.patch[single]] = pairs.piece[single]
        union[full] = chunk.geoms[full]
    order = np.argsort(pairs.patch, kind="stable")
    offsets = np.concatenate(([0], np.cumsum(counts)))
    pieces = pairs.piece[order]
    for p in np.flatnonzero((counts > 1) & ~full & ((features > 1) | want_geoms)):
        merged = shapely.union_all(pieces[offsets[p]:offsets[p + 1]])
        cover[p] = shapely.area(merged)
        union[p] = merged
    return np.minimum(cover, chunk.planar), union, full


class _Accumulator:
    """Collects one chunk's results: per-patch arrays and the two long tables."""

    def __init__(self, n: int, provided: frozenset[str]) -> None:
        self.provided = provided
        self.covered = {r: np.zeros(n) for r in ROLES if r in provided and r not in (LANDUSE, TOWNSHIPS)}
        self.valid_covered = {r: np.full(n, np.nan) for r in DATED_ROLES + ISSUED_ROLES if r in provided}
        self.cultivated = np.zeros(n) if LANDUSE in provided else np.full(n, np.nan)
        self.uncovered_cultivated = {r: np.full(n, np.nan) for r in LEGAL_ROLES if r in provided}
        self.uncovered_cultivated_all = {r: np.full(n, np.nan) for r in LEGAL_ROLES if r in provided}
        self.dominant = np.full(n, "", dtype=object)
        self.village_code = np.full(n, "", dtype=object)
        self.village_name = np.full(n, "", dtype=object)
        self.township_code = np.full(n, "", dtype=object)
        self.township_name = np.full(n, "", dtype=object)
        self.township_share = np.zeros(n) if TOWNSHIPS in provided else np.full(n, np.nan)
        self.landuse_parts: list[tuple[np.ndarray, ...]] = []
        self.feature_parts: list[tuple[np.ndarray, ...]] = []

    def add_covering(self, chunk: _Chunk, layer: _Layer, pairs: _Pairs) -> tuple[tuple[np.ndarray, np.ndarray],
                                                                             tuple[np.ndarray, np.ndarray]]:
        """A layer whose features may overlap: union coverage, validity for dated roles, feature rows.

        Returns the per-patch union and "fully covered" flags of the features that count (issued in time
        for :data:`ISSUED_ROLES`), then of all features (the uncovered-cultivated tests need them).
        """
        legal = layer.role in LEGAL_ROLES
        cover, union, full = _union_cover(chunk, pairs, legal)
        every = (union, full)
        self.covered[layer.role] = _ratio(cover, chunk.planar) * chunk.ell
        valid = np.full(len(pairs.feature), UNKNOWN, dtype=np.int8)
        if layer.role in ISSUED_ROLES:
            issued = _ordinals(layer.dates(layer.keys.date, pairs.feature))
            valid = _issued_in_time(issued, chunk.cmp[pairs.patch])
            counting = valid != NOT_VALID
            if not counting.all():
                cover, union, full = _union_cover(chunk, pairs.subset(counting), legal)
            self.valid_covered[layer.role] = _ratio(cover, chunk.planar) * chunk.ell
        elif layer.role in DATED_ROLES:
            start = _ordinals(layer.dates(layer.keys.start, pairs.feature))
            end = _ordinals(layer.dates(layer.keys.end, pairs.feature))
            valid = _validity(start, end, chunk.hsx[pairs.patch])
            valid_cover = _union_cover(chunk, pairs.subset(valid == VALID), False)[0]
            self.valid_covered[layer.role] = np.where(chunk.hsx == _NO_DATE, np.nan,
                                                          _ratio(valid_cover, chunk.planar) * chunk.ell)
        self._add_features(chunk, layer, pairs, valid)
        return (union, full), every

    def _add_features(self, chunk: _Chunk, layer: _Layer, pairs: _Pairs, valid: np.ndarray) -> None:
        first, area = _per_feature(pairs)
        patch, fi, keys = pairs.patch[first], pairs.feature[first], layer.keys
        share = np.minimum(area / chunk.planar[patch], 1.0)
        self.feature_parts.append((
            patch, np.full(len(fi), layer.role, dtype=object), fi, layer.fids[fi],
            layer.text(keys.doc, fi), layer.text(keys.name, fi), layer.text(keys.kind, fi),
            layer.dates(keys.date, fi), layer.dates(keys.start, fi), layer.dates(keys.end, fi), valid[first],
            share, share * chunk.ell[patch],
        ))

    def add_townships(self, chunk: _Chunk, layer: _Layer, pairs: _Pairs) -> None:
        """Each patch belongs to the township covering most of it."""
        self._add_features(chunk, layer, pairs, np.full(len(pairs.feature), UNKNOWN, dtype=np.int8))
        first, area = _per_feature(pairs)
        top = _first_per_patch(pairs.patch[first], area)
        p, f = pairs.patch[first[top]], pairs.feature[first[top]]
        self.township_code[p] = layer.text(layer.keys.doc, f)
        self.township_name[p] = layer.text(layer.keys.name, f)
        self.township_share[p] = np.minimum(area[top] / chunk.planar[p], 1.0)

    def add_landuse(self, chunk: _Chunk, layer: _Layer, pairs: _Pairs,
                    legal_unions: dict[str, tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]],
                    tolerance: float) -> None:
        """三调 as a partition: 面积平差, cultivated land (KCXS), uncovered cultivated, class table."""
        m = len(chunk)
        pi, fi = pairs.patch, pairs.feature
        total = np.bincount(pi, weights=pairs.area, minlength=m)
        covered = total >= chunk.planar * (1.0 - tolerance)
        # Covering pieces are scaled to sum to the ellipsoidal area exactly; otherwise share × area and
        # the remainder is 未覆盖. Overlapping DLTB (total > planar) is scaled down the same way.
        factor = _ratio(chunk.ell, np.where(covered, total, chunk.planar))
        piece_m2 = pairs.area * factor[pi]
        dlbm_values, dlbm_first, dlbm_code = _dlbm_factorize(layer.text(LANDUSE_FIELDS["dlbm"], fi))
        cultivated = np.flatnonzero(np.isin(dlbm_values, CULTIVATED_DLBM)[dlbm_code])
        keep = np.zeros(len(fi))  # share of each piece that is 耕地: 1 − KCXS on 0101/0102/0103
        keep[cultivated] = 1.0 - normalise_kcxs(layer.data.numbers(*LANDUSE_FIELDS["kcxs"], rows=fi[cultivated]))
        cult_m2 = piece_m2 * keep
        self.cultivated = np.bincount(pi, weights=cult_m2, minlength=m)
        for role, (counted, every) in legal_unions.items():
            outside = _area_outside(pairs, keep > 0, *counted)
            self.uncovered_cultivated[role] = np.bincount(pi, weights=outside * factor[pi] * keep, minlength=m)
            if every[0] is not counted[0]:  # some documents came too late: the union of all differs
                outside = _area_outside(pairs, keep > 0, *every)
            self.uncovered_cultivated_all[role] = np.bincount(pi, weights=outside * factor[pi] * keep,
                                                                  minlength=m)

        dlmc_values = layer.text(LANDUSE_FIELDS["dlmc"], fi[dlbm_first])  # DLMC follows DLBM
        cz_values, _, cz_code = _factorize(layer.text(LANDUSE_FIELDS["czcsxm"], fi))
        nd, nc = len(dlbm_values), len(cz_values)
        key = (pi.astype(np.int64) * nd + dlbm_code) * nc + cz_code
        uk, inv = np.unique(key, return_inverse=True)
        g_patch, rest = np.divmod(uk, nd * nc)
        g_dlbm, g_cz = np.divmod(rest, nc)
        gap_m2 = np.where(covered, 0.0, chunk.ell - total * factor)
        gap = np.flatnonzero(gap_m2 > 0)
        patch_col = np.concatenate((g_patch, gap))
        order = np.argsort(patch_col, kind="stable")
        blank = np.full(len(gap), "", dtype=object)
        self.landuse_parts.append(tuple(c[order] for c in (
            patch_col,
            np.concatenate((dlbm_values[g_dlbm], blank)),
            np.concatenate((dlmc_values[g_dlbm], np.full(len(gap), UNCOVERED, dtype=object))),
            np.concatenate((cz_values[g_cz], blank)),
            np.concatenate((np.bincount(inv, weights=piece_m2), gap_m2[gap])),
            np.concatenate((np.bincount(inv, weights=cult_m2), np.zeros(len(gap)))),
        )))
        self.dominant = _label(dlbm_values, _argmax_code(pi, dlbm_code, len(dlbm_values), piece_m2, m))
        village_values, village_first, village_code = _factorize(layer.text(LANDUSE_FIELDS["zldwdm"], fi))
        village = _argmax_code(pi, village_code, len(village_values), piece_m2, m)
        self.village_code = _label(village_values, village)
        self.village_name = _label(layer.text(LANDUSE_FIELDS["zldwmc"], fi[village_first]), village)

    def result(self, areas: np.ndarray) -> OverlayResult:
        lu = _concat(self.landuse_parts, _LANDUSE_DTYPES)
        ft = _concat(self.feature_parts, _FEATURE_DTYPES)
        rank = {r: k for k, r in enumerate(ROLES)}
        order = np.lexsort((-ft[11], np.array([rank[r] for r in ft[1]], dtype=np.int64), ft[0]))
        return OverlayResult(
            area_m2=areas,
            provided=self.provided,
            covered_m2=self.covered,
            valid_covered_m2=self.valid_covered,
            cultivated_m2=self.cultivated,
            uncovered_cultivated_m2=self.uncovered_cultivated,
            uncovered_cultivated_all_m2=self.uncovered_cultivated_all,
            dominant_dlbm=self.dominant,
            village_code=self.village_code,
            village_name=self.village_name,
            township_code=self.township_code,
            township_name=self.township_name,
            township_share=self.township_share,
            landuse=LanduseTable(*lu),
            features=FeatureTable(*(c[order] for c in ft)),
        )


def _validity(start: np.ndarray, end: np.ndarray, hsx: np.ndarray) -> np.ndarray:
    """VALID when YXQQ ≤ 后时相 ≤ YXQZ (a missing YXQQ does not limit); UNKNOWN without YXQZ or 后时相."""
    inside = ((start == _NO_DATE) | (start <= hsx)) & (hsx <= end)
    out = np.where(inside, VALID, NOT_VALID).astype(np.int8)
    out[(hsx == _NO_DATE) | (end == _NO_DATE)] = UNKNOWN
    return out


def _issued_in_time(issued: np.ndarray, comparison: np.ndarray) -> np.ndarray:
    """VALID when issued on or before the comparison date, NOT_VALID after it, UNKNOWN without either."""
    out = np.where(issued <= comparison, VALID, NOT_VALID).astype(np.int8)
    out[(issued == _NO_DATE) | (comparison == _NO_DATE)] = UNKNOWN
    return out


def _area_outside(pairs: _Pairs, mask: np.ndarray, union: np.ndarray, full: np.ndarray) -> np.ndarray:
    """Planar area of each masked piece lying outside its patch's ``union`` (0 for unmasked pieces)."""
    pi = pairs.patch
    area = np.where(mask & ~full[pi], pairs.area, 0.0)
    partial = np.flatnonzero(mask & ~full[pi] & ~shapely.is_missing(union[pi]))
    if len(partial):
        area[partial] = shapely.area(shapely.difference(pairs.piece[partial], union[pi[partial]]))
    return area


def _first_per_patch(patch: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Index of the heaviest entry of each patch present in ``patch``."""
    order = np.lexsort((-weight, patch))
    return order[np.concatenate(([True], np.diff(patch[order]) != 0))] if len(order) else order


def _argmax_code(patch: np.ndarray, code: np.ndarray, n_codes: int, weight: np.ndarray, m: int) -> np.ndarray:
    """Per patch (0..m-1), the code carrying the most summed weight (-1 for a patch without pieces)."""
    out = np.full(m, -1, dtype=np.int64)
    uk, inv = np.unique(patch.astype(np.int64) * n_codes + code, return_inverse=True)
    g_patch, g_code = np.divmod(uk, max(n_codes, 1))
    first = _first_per_patch(g_patch, np.bincount(inv, weights=weight, minlength=len(uk)))
    out[g_patch[first]] = g_code[first]
    return out


def _label(values: np.ndarray, code: np.ndarray) -> np.ndarray:
    """``values[code]``, '' where code is -1."""
    out = np.full(len(code), "", dtype=object)
    out[code >= 0] = values[code[code >= 0]]
    return out


def _concat(parts: list[tuple[np.ndarray, ...]], dtypes: tuple[object, ...]) -> list[np.ndarray]:
    if not parts:
        return [np.empty(0, dtype=d) for d in dtypes]
    return [np.concatenate([p[k] for p in parts]).astype(dtypes[k], copy=False) for k in range(len(dtypes))]
