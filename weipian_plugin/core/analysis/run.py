"""内业比对 in one run: read the reference layers, overlay every patch, suggest, write to the store.

A re-run replaces overlay results and suggestions only (tables ``analysis*`` and the township of each
patch); people's determinations and rectifications are never touched. The write is one transaction,
and a cancel before or during it leaves the store as it was.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import itertools
import json
import tempfile
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

import numpy as np
import shapely

from weipian_plugin.core import roles
from weipian_plugin.core.analysis import overlay
from weipian_plugin.core.analysis.checks import check_layer, verdict
from weipian_plugin.core.analysis.overlay import OverlayCancelled
from weipian_plugin.core.analysis.rules import (
    ChangeType,
    RuleConfig,
    comparison_dates,
    equivalent_width,
    suggest_all,
)
from weipian_plugin.core.intake.reference import LayerRecord, ReferenceCache, cache_path
from weipian_plugin.core.intake.vector_io import VectorData, layer_summary, read_vector
from weipian_plugin.core.store import keys
from weipian_plugin.core.store.sql import dialect
from weipian_plugin.core.store.workstore import WorkStore, now_iso

AnalysisCancelled = OverlayCancelled

LATE_ROLES = (overlay.LANDUSE,)
"""Roles a run reads on a thread of its own while the overlay works on the other layers: the 三调 DLTB is
most of what a county's run reads (two million polygons), and the other layers need not wait for it."""


@dataclass
class AnalysisSummary:
    analyzed: int = 0
    by_suggestion: Counter = field(default_factory=Counter)
    layers: Dict[str, str] = field(default_factory=dict)
    repaired: Dict[str, int] = field(default_factory=dict)
    warnings: List[str] = field(default_factory=list)
    records: List[LayerRecord] = field(default_factory=list)
    """The layers as read (the run's provenance), in the order of the sources."""

    def text(self) -> str:
        counts = "，".join(f"{k} {v}" for k, v in sorted(self.by_suggestion.items()))
        lines = [f"已分析 {self.analyzed} 个图斑：{counts or '无'}。"]
        for role, source in self.layers.items():
            fixed = self.repaired.get(role, 0)
            lines.append(f"  {roles.label(role)}：{source}" + (f"（修复无效几何 {fixed} 个）" if fixed else ""))
        lines += [f"  注意（已记入分析结果）：{w}" for w in self.warnings]
        return "\n".join(lines)


def rule_config(store: WorkStore) -> RuleConfig:
    """The store's rules: thresholds from the ``rules`` setting, change types from ``change_types``."""
    rows = store.conn.execute("SELECT code, label, rule, cultivated_result FROM change_types ORDER BY sort, code")
    return RuleConfig.from_dict(keys.RULES.read(store), [ChangeType(*row) for row in rows])


def save_rule_config(store: WorkStore, config: RuleConfig) -> None:
    """Write the thresholds and the change-type table in one transaction (ValueError: a code twice)."""
    seen: Dict[str, str] = {}
    for t in config.change_types:
        key = t.code.strip().upper()
        if key in seen:
            raise ValueError(f"图斑类型代码重复：{t.code}")
        seen[key] = t.code
    with store.transaction() as conn:
        config.save(store, keys.RULES, conn)
        conn.execute("DELETE FROM change_types")
        conn.executemany("INSERT INTO change_types (code, label, rule, cultivated_result, sort) VALUES (?, ?, ?, ?, ?)",
                         [(t.code, t.label, t.rule, t.cultivated_result, k) for k, t in enumerate(config.change_types)])


def load_layers(sources: Mapping[str, str], epsg: int, near: Optional[np.ndarray] = None,
                progress: Optional[Callable[[float], None]] = None,
                is_cancelled: Optional[Callable[[], bool]] = None) -> Dict[str, VectorData]:
    """Read each role's file (``path`` or ``path|layername=x``), reprojected to the store CRS; with
    ``near`` (the patches' boxes), only the features that can touch a patch."""
    layers = {}
    for k, (role, source) in enumerate(sources.items()):
        if role not in roles.BY_KEY:
            raise ValueError(f"未知的参考图层类型：{role}")
        if is_cancelled and is_cancelled():
            raise AnalysisCancelled()
        path, _, layer = source.partition("|layername=")
        layers[role] = read_vector(path, layer or None, target_epsg=epsg, near=near)
        if progress:
            progress((k + 1) / len(sources))
    return layers


def reference_cache(store: WorkStore) -> ReferenceCache:
    """The store's registered reference layers: ``<store>.ref.gpkg`` beside a GeoPackage; for a PostGIS
    store, which has no folder, in this computer's temporary folder under a name of its address (the
    copies are this computer's reading aid, rebuilt by the next run when deleted)."""
    if store.path is not None:
        return ReferenceCache(cache_path(store.path), store.epsg)
    folder = Path(tempfile.gettempdir()) / "weipian"
    folder.mkdir(exist_ok=True)
    name = hashlib.sha1(store.address.encode("utf-8")).hexdigest()[:16]
    return ReferenceCache(cache_path(folder / f"{name}.gpkg"), store.epsg)


def load_registered(store: WorkStore, sources: Mapping[str, str], near: Optional[np.ndarray] = None,
                    progress: Optional[Callable[[float], None]] = None,
                    is_cancelled: Optional[Callable[[], bool]] = None,
                    ) -> Tuple[Dict[str, VectorData], List[LayerRecord]]:
    """Like :func:`load_layers`, through the store's registered copies (a new or changed file is
    registered first), with the record of each layer as read (the run's provenance)."""
    cache = reference_cache(store)
    layers, records = {}, []
    for k, (role, source) in enumerate(sources.items()):
        if role not in overlay.ROLES:
            raise ValueError(f"未知的参考图层类型：{role}")
        if is_cancelled and is_cancelled():
            raise AnalysisCancelled()
        layers[role], record = cache.load(role, source, overlay.role_fields(role), near)
        records.append(record)
        if progress:
            progress((k + 1) / len(sources))
    return layers, records


def _record_run(conn, started: str, batch: Optional[str], patches: int, config: RuleConfig,
                records: Sequence[LayerRecord]) -> None:
    """One row of ``analysis_runs`` and one of ``analysis_run_layers`` per layer (inside the run's write)."""
    settings = {"rules": config.to_dict(), "partition_tolerance": overlay.PARTITION_TOLERANCE}
    run_id = dialect(conn).insert_id(
        conn, "INSERT INTO analysis_runs (started_at, finished_at, batch, patches, settings) VALUES (?, ?, ?, ?, ?)",
        (started, now_iso(), batch, patches, json.dumps(settings, ensure_ascii=False)))
    conn.executemany(
        "INSERT INTO analysis_run_layers (run_id, role, path, layer, size, modified_at, checksum, crs, "
        "feature_count, read_count, repaired, cached, registered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(run_id, r.role, r.path, r.layer, r.size,
          None if r.mtime_ns is None else dt.datetime.fromtimestamp(r.mtime_ns / 1e9).isoformat(timespec="seconds"),
          r.checksum, r.source_crs, r.feature_count, r.read_count, r.repaired, int(r.cached), r.registered_at)
         for r in records])


def _floats(values: np.ndarray) -> list:
    """Floats for SQLite, NaN (not measured: layer not given) as NULL."""
    return [None if v != v else v for v in np.asarray(values, dtype=np.float64).tolist()]


def _iso(value) -> Optional[str]:
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else None


_COLUMNS = (*roles.COLUMNS, "cultivated_m2", "uncovered_cultivated_m2", "uncovered_m2", "construction_before_m2",
            "new_construction_m2", "stock_construction_m2", "comparison_date", "dominant_dlbm", "suggestion",
            "suggestion_type", "suggestion_reason", "basis", "mining_suggestion", "mining_suggestion_type",
            "mining_suggestion_reason", "involves_basic_farmland", "involves_eco_redline", "involves_mining",
            "new_housing", "new_or_stock")
"""Columns of ``analysis`` a run writes (after patch_fid, analyzed_at and layers)."""


_STAGED_TABLES = {
    "analysis": ("analysis", "patch_fid, analyzed_at, layers, " + ", ".join(_COLUMNS)),
    "classes": ("analysis_classes", "patch_fid, dlbm, dlmc, area_m2, cultivated_m2"),
    "features": ("analysis_features", "patch_fid, role, doc_number, doc_date, valid_from, valid_to, share, area_m2, "
                                      "name, kind, valid"),
}
"""Result table and written columns of each staged table of :class:`_ChunkRows`."""


class _ChunkRows:
    """The rows one chunk of the overlay (:func:`.overlay.overlay_chunks`) gives, per table:
    ``analysis``, ``classes`` (``analysis_classes``), ``features`` (``analysis_features``) and
    ``townships`` (code, name, fid of each patch whose township changed, when the townships layer was
    given). The columns are made at once; the row tuples only as they are staged (:meth:`rows`)."""

    TABLES = (*_STAGED_TABLES, "townships")

    def __init__(self, fids: np.ndarray, attrs: Mapping[str, np.ndarray], compared: Sequence, width: np.ndarray,
                 result: overlay.OverlayResult, config: RuleConfig, stamp: str) -> None:
        s = suggest_all(attrs["tblx"], attrs["hsx"], result, config, patches_dlbm=attrs["dlbm"],
                        patches_qsx=attrs["qsx"], patches_width=width)
        self.by_suggestion = Counter(s.result)
        areas = result.area_m2
        construction = result.dlbm_share(config.construction_dlbm_prefixes) * areas
        nan = np.full(len(result), np.nan)
        uncovered = result.uncovered_cultivated_m2.get(overlay.APPROVALS, nan)
        approved = result.valid_covered_m2.get(overlay.APPROVALS)
        outside = nan if approved is None else np.maximum(areas - approved, 0.0)
        layer_list = json.dumps(sorted(result.provided))
        townships: tuple = ([], [], [])  # code, name, fid of the patches whose township changed ('' as NULL)
        if overlay.TOWNSHIPS in result.provided:
            code = [c or None for c in result.township_code]
            name = [n or None for n in result.township_name]
            changed = [k for k, (c, n, c0, n0) in enumerate(zip(code, name, attrs["township_code"],
                                                                 attrs["township_name"])) if (c, n) != (c0, n0)]
            townships = ([code[k] for k in changed], [name[k] for k in changed], fids[changed].tolist())

        covered = [_floats(result.covered_m2.get(role, nan)) for role in roles.COLUMNS.values()]
        analysis = (
            fids.tolist(), [stamp] * len(fids), [layer_list] * len(fids), *covered,
            _floats(result.cultivated_m2), _floats(uncovered), _floats(outside), _floats(construction),
            _floats(s.new_construction_m2), _floats(s.stock_construction_m2), list(map(_iso, compared)),
            [d or None for d in result.dominant_dlbm], s.result, s.subtype, s.reason, s.basis,
            [r or None for r in s.mining_result], [t or None for t in s.mining_subtype],
            [r or None for r in s.mining_reason], s.involves_basic_farmland.astype(int).tolist(),
            s.involves_eco_redline.astype(int).tolist(), s.involves_mining.astype(int).tolist(),
            s.new_housing.astype(int).tolist(), s.new_or_stock)
        lu, ft = result.landuse, result.features
        classes = (fids[lu.patch].tolist(), [d or None for d in lu.dlbm], lu.dlmc, lu.area_m2.tolist(),
                   lu.cultivated_m2.tolist())
        features = (fids[ft.patch].tolist(), ft.role, [d or None for d in ft.doc], list(map(_iso, ft.date)),
                    list(map(_iso, ft.valid_from)), list(map(_iso, ft.valid_to)), ft.share.tolist(),
                    ft.area_m2.tolist(), ft.name, ft.kind, ft.valid.tolist())
        self._columns = dict(zip(self.TABLES, (analysis, classes, features, townships)))

    def rows(self, table: str) -> Iterator[tuple]:
        """One of :attr:`TABLES`' rows."""
        return zip(*self._columns[table])


class _StagedRows:
    """A run's result rows, staged chunk by chunk in scratch tables of the store's connection while the
    overlay goes on, then copied into the store by SQL in the run's one short write transaction.

    Scratch tables live outside the store (:meth:`.sql.Dialect.open_scratch`: a temporary database
    attached to SQLite's connection, PostgreSQL's session schema), so staging takes none of the store's
    locks: a reviewer saving meanwhile does not wait for a county's overlay, and a cancel or failure
    leaves the store untouched. The townships that changed are few after the first run and are kept
    here until the write."""

    def __init__(self, conn) -> None:
        self.conn = conn
        self.townships: List[tuple] = []
        self.schema = dialect(conn).open_scratch(conn)
        for name, (table, columns) in _STAGED_TABLES.items():
            conn.execute(f"DROP TABLE IF EXISTS {self.table(name)}")
            conn.execute(f"CREATE TABLE {self.table(name)} AS SELECT {columns} FROM {table} WHERE 1 = 0")

    def table(self, name: str) -> str:
        """The scratch table staging ``name`` (a key of :data:`_STAGED_TABLES`)."""
        return f"{self.schema}.run_{name}"

    def add(self, rows: _ChunkRows) -> None:
        self.conn.execute("BEGIN")  # one commit per chunk, not per row
        try:
            for name, (_, columns) in _STAGED_TABLES.items():
                self.conn.executemany(f"INSERT INTO {self.table(name)} ({columns}) VALUES "
                                      f"({', '.join('?' * (columns.count(',') + 1))})", rows.rows(name))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.townships.extend(rows.rows("townships"))

    def write(self, conn) -> None:
        """Inside the run's write transaction: the staged patches' old results replaced by the staged rows,
        in the order staged."""
        order = dialect(conn).insertion_order
        for table in ("analysis", "analysis_classes", "analysis_features"):
            conn.execute(f"DELETE FROM {table} WHERE patch_fid IN (SELECT patch_fid FROM {self.table('analysis')})")
        for name, (table, columns) in _STAGED_TABLES.items():
            conn.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {self.table(name)} ORDER BY {order}")
        conn.executemany("UPDATE patches SET township_code=?, township_name=? WHERE fid=?", self.townships)

    def drop(self) -> None:
        dialect(self.conn).close_scratch(self.conn, [f"run_{name}" for name in _STAGED_TABLES])


@contextlib.contextmanager
def _fast_delete(conn) -> Iterator[None]:
    """``secure_delete`` FAST while the run replaces its results. Debian's SQLite zeroes every deleted
    byte by default; the old results' ``basis`` texts fill hundreds of megabytes of overflow pages in a
    county, and zeroing (and journalling) them took longer than the overlay. Old results hold nothing
    that needs shredding: they are recomputed from the store and the reference layers. PostgreSQL
    has no such setting (its deleted rows are vacuumed)."""
    if dialect(conn).name != "gpkg":
        yield
        return
    before = conn.execute("PRAGMA secure_delete").fetchone()[0]
    conn.execute("PRAGMA secure_delete = FAST")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA secure_delete = {int(before)}")


@dataclass
class RunPatches:
    """The patches a run analyses, read once: reading the layers near them, the layer checks and the
    overlay share them. ``boxes`` are their (minx, miny, maxx, maxy) in the store CRS."""

    fids: np.ndarray
    geoms: np.ndarray
    attrs: Dict[str, np.ndarray]
    boxes: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        boxes = shapely.bounds(self.geoms)
        self.boxes = boxes[~np.isnan(boxes).any(axis=1)]

    @classmethod
    def read(cls, store: WorkStore, batch: Optional[str] = None) -> "RunPatches":
        """The store's active patches (of ``batch``, or all); ValueError for a batch the store lacks (a
        mistyped batch is an error, not "0 patches analyzed")."""
        if batch and store.batch(batch) is None:
            raise ValueError(f"工作库中没有批次“{batch}”：{store.address}")
        return cls(*store.read_patches(batch, columns=("tblx", "qsx", "hsx", "dlbm", "area_m2", "township_code",
                                                       "township_name")))


def analyze(store: WorkStore, layers: Mapping[str, VectorData | Future], batch: Optional[str] = None,
            config: Optional[RuleConfig] = None,
            progress: Optional[Callable[[float], None]] = None,
            is_cancelled: Optional[Callable[[], bool]] = None,
            provenance: Optional[Sequence[LayerRecord]] = None,
            patches: Optional[RunPatches] = None,
            before_write: Optional[Callable[[], None]] = None) -> AnalysisSummary:
    """Overlay and suggest for the store's patches (one batch or all; ``patches`` when the caller read
    them already) and write the results, with the run's record (``provenance``: the layers as read) in
    ``analysis_runs``. A layer may be a Future of its data, still being read (:func:`.overlay.overlay_chunks`).
    ``before_write`` is called once the results are staged, before the store is written; an exception
    from it leaves the store as it was."""
    started = now_iso()
    patches = RunPatches.read(store, batch) if patches is None else patches
    config = config or rule_config(store)
    fids, geoms, attrs = patches.fids, patches.geoms, patches.attrs
    summary = AnalysisSummary(analyzed=len(fids))

    def ready_to_write() -> None:
        """The caller's last checks passed, and every layer is read: its repairs are counted."""
        if before_write:
            before_write()
        summary.repaired = _repaired(layers)

    if not len(fids):
        ready_to_write()
        return summary
    areas = attrs["area_m2"].astype(np.float64)
    compared = comparison_dates(config, attrs["hsx"], attrs["qsx"])
    width = equivalent_width(shapely.area(geoms), shapely.length(geoms))
    stamp = now_iso()
    chunks = overlay.overlay_chunks(geoms, areas, layers, after_dates=list(attrs["hsx"]), comparison_dates=compared,
                                    progress=(lambda f: progress(0.9 * f)) if progress else None,
                                    is_cancelled=is_cancelled)
    # Each chunk is suggested and staged while the overlay threads work on the next ones (SQLite and
    # PostgreSQL leave Python's lock while they write); the store itself is written at the end, briefly.
    first = next(chunks)
    staged = _StagedRows(store.conn)
    try:
        for start, part in itertools.chain([first], chunks):
            sl = slice(start, start + len(part))
            rows = _ChunkRows(fids[sl], {k: v[sl] for k, v in attrs.items()}, compared[sl], width[sl], part, config,
                              stamp)
            staged.add(rows)
            summary.by_suggestion.update(rows.by_suggestion)
        if is_cancelled and is_cancelled():
            raise AnalysisCancelled()
        ready_to_write()
        with store.transaction() as conn, _fast_delete(conn):
            staged.write(conn)
            _record_run(conn, started, batch, len(fids), config, provenance or [])
            if progress:
                progress(1.0)
    finally:
        staged.drop()
    return summary


def _repaired(layers: Mapping[str, VectorData | Future]) -> Dict[str, int]:
    return {role: (data.result() if isinstance(data, Future) else data).invalid_repaired
            for role, data in layers.items()}


def check_sources(store: WorkStore, layers: Mapping[str, VectorData], sources: Mapping[str, str],
                  batch: Optional[str] = None, totals: Optional[Mapping[str, tuple]] = None,
                  near: Optional[np.ndarray] = None) -> List[str]:
    """Problems of the layers read for a run (core/analysis/checks.py). ``totals`` gives role →
    (feature count, extent in the store CRS) of each whole layer; file layers are looked up when absent.
    ``near``: the patches' boxes (``store.patch_bounds(batch)``) when the caller has them already."""
    near = store.patch_bounds(batch) if near is None else near
    problems = []
    for role, data in layers.items():
        total = (totals or {}).get(role)
        if total is None and role in sources:
            path, _, layer = str(sources[role]).partition("|layername=")
            total = layer_summary(path, layer or None, store.epsg)
        problems += check_layer(role, roles.label(role), data, near, *(total or (None, None)))
    return problems


def analyze_layers(store: WorkStore, layers: Mapping[str, VectorData], sources: Mapping[str, str],
                   batch: Optional[str] = None, progress: Optional[Callable[[float], None]] = None,
                   is_cancelled: Optional[Callable[[], bool]] = None, allow_warnings: bool = False,
                   totals: Optional[Mapping[str, tuple]] = None,
                   provenance: Optional[Sequence[LayerRecord]] = None,
                   patches: Optional[RunPatches] = None,
                   late: Optional[Mapping[str, Callable[[], Tuple[VectorData, LayerRecord]]]] = None) -> AnalysisSummary:
    """Check the layers already read, analyse, and remember where they came from (role -> source) in
    the store, so the next run, the project and the split along approvals find them again; ``provenance``
    (the layers as read) is the run's record; ``patches`` as in :func:`analyze`.
    ``late`` maps roles (:data:`LATE_ROLES`) to functions reading them (data and record), called on a
    thread of the run while the overlay works on ``layers``; they are checked before anything is written.
    Layer problems stop the run (LayerCheckFailed, nothing written) unless ``allow_warnings``: then
    they are stored with the run for the ledger and the report."""
    patches = RunPatches.read(store, batch) if patches is None else patches
    late = late or {}
    records = {r.role: r for r in provenance or []}
    problems = check_sources(store, layers, sources, batch, totals, patches.boxes)
    warnings: List[str] = []
    run_records: List[LayerRecord] = []  # complete once the late layers are read: analyze records it then

    with ThreadPoolExecutor(1) as reader:
        def read(role: str) -> VectorData:
            data, records[role] = late[role]()
            return data
        reading = {role: reader.submit(read, role) for role in late}

        def check_late() -> None:
            """The late layers' problems joined to the others', judged once (before any write)."""
            if reading:
                read_late = {role: future.result() for role, future in reading.items()}
                problems.extend(check_sources(store, read_late, sources, batch, totals, patches.boxes))
                reading.clear()
            warnings[:] = verdict(problems, allow_warnings)
            run_records[:] = _ordered(records, sources)

        if problems and not allow_warnings:  # stop now, with the late layers' problems too
            check_late()
        summary = analyze(store, {**layers, **reading}, batch, progress=progress, is_cancelled=is_cancelled,
                          provenance=run_records, patches=patches, before_write=check_late)
    keys.ANALYSIS_LAYERS.write(store, dict(sources))
    keys.ANALYSIS_WARNINGS.write(store, {"at": now_iso(), "batch": batch or "", "warnings": warnings})
    summary.layers = dict(sources)
    summary.warnings = warnings
    summary.records = list(run_records)
    return summary


def _ordered(records: Mapping[str, LayerRecord], sources: Mapping[str, str]) -> List[LayerRecord]:
    """The records in the order of the sources (the order a run without late layers records)."""
    rank = {role: k for k, role in enumerate(sources)}
    return sorted(records.values(), key=lambda r: rank.get(r.role, len(rank)))


def run_analysis(store: WorkStore, sources: Mapping[str, str], batch: Optional[str] = None,
                 progress: Optional[Callable[[float], None]] = None,
                 is_cancelled: Optional[Callable[[], bool]] = None, allow_warnings: bool = False) -> AnalysisSummary:
    """Read the layers (through their registered copies; :data:`LATE_ROLES` while the overlay works on
    the others), check them, analyse, and remember the layers chosen in the store."""
    sources = {role: str(path) for role, path in sources.items() if path}
    patches = RunPatches.read(store, batch)
    early = {role: source for role, source in sources.items() if role not in LATE_ROLES}
    layers, records = load_registered(store, early, patches.boxes,
                                      (lambda f: progress(0.3 * f)) if progress else None, is_cancelled)
    # the cache is made here: it asks the store (whose connection belongs to this thread) for its CRS
    cache = reference_cache(store)
    late = {role: functools.partial(cache.load, role, source, overlay.role_fields(role), patches.boxes)
            for role, source in sources.items() if role in LATE_ROLES}
    return analyze_layers(store, layers, sources, batch,
                          progress=(lambda f: progress(0.3 + 0.7 * f)) if progress else None,
                          is_cancelled=is_cancelled, allow_warnings=allow_warnings, provenance=records,
                          patches=patches, late=late)
