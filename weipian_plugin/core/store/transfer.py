"""Moving a whole work store between its two backends with its record intact.

``publish`` copies a county's GeoPackage into a new PostGIS store (weipian:publishstore); ``snapshot``
copies a PostGIS store into a new GeoPackage for offline work (weipian:exportstore). Every row is copied
as it is — ids, audit rows and their seals included — with the store's own triggers held off for the copy
(they would audit the copy itself and refuse the audit rows), so ``audit.verify`` passes on the copy
exactly when it passed on the original: both backends seal the same text with the same SHA-256.

The new store appears only complete: the copy runs inside the transaction that creates it.
"""
from __future__ import annotations

import hashlib
import json
from typing import Callable, Dict, List, Optional

from weipian_plugin.core.store import audit, gpkg, keys, postgis, sql
from weipian_plugin.core.store.workstore import StoreError, WorkStore, now_iso

# Left out of every copy: the target's own metadata and the server's role mapping (core/store/pgroles.py).
_NOT_COPIED = {"weipian_meta", "township_logins", "spatial_ref_sys", "qgis_projects"}
# Metadata carried over (the target keeps its own schema version and EPSG, the same as the source's).
_META = ("county_name", "county_code", "year", "created_at")
_BATCH = 2000
# 约谈 and 造成恶劣影响 records have neither a row version nor an audit trail: a snapshot remembers them as
# exported, so its return can tell an offline edit from one made on the server since (core/review/offline.py).
SIDE_TABLES = {"interviews": ("id", "township_code", "township", "interview_date", "interviewees", "interviewer",
                              "reason", "minutes_name", "minutes_data", "recorded_by", "recorded_at"),
               "serious_impact": ("unit_code", "unit_name", "reason", "marked_by", "marked_at")}


class TransferCancelled(Exception):
    """The user cancelled: the new store was not created."""


def _gpkg_tables(conn) -> Dict[str, List[str]]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'gpkg_%' "
        "AND name NOT LIKE 'rtree_%' AND name NOT LIKE 'sqlite_%'")]
    return {t: [r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')] for t in names}


def _pg_tables(conn) -> Dict[str, List[str]]:
    """Base tables of the store's schema in foreign-key order (a referenced table before its referrers)."""
    rows = conn.execute(
        "SELECT c.table_name, c.column_name FROM information_schema.columns c JOIN information_schema.tables t "
        "ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
        "WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' "
        "ORDER BY c.table_name, c.ordinal_position").fetchall()
    tables: Dict[str, List[str]] = {}
    for table, column in rows:
        tables.setdefault(table, []).append(column)
    edges = conn.execute(
        "SELECT cl.relname, ref.relname FROM pg_constraint k JOIN pg_class cl ON cl.oid = k.conrelid "
        "JOIN pg_class ref ON ref.oid = k.confrelid WHERE k.contype = 'f' "
        "AND cl.relnamespace = current_schema()::regnamespace AND cl.oid <> ref.oid").fetchall()
    needs: Dict[str, set] = {t: set() for t in tables}
    for table, referenced in edges:
        needs.setdefault(table, set()).add(referenced)
    ordered: List[str] = []
    while len(ordered) < len(tables):
        ready = sorted(t for t in tables if t not in ordered and needs.get(t, set()) <= set(ordered))
        if not ready:  # a cycle the schema does not have: keep the rest in name order
            ready = sorted(t for t in tables if t not in ordered)
        ordered += ready
    return {t: tables[t] for t in ordered}


def _geometry_columns_gpkg(conn) -> Dict[str, str]:
    return dict(conn.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall())


def _geometry_columns_pg(conn) -> Dict[str, str]:
    return dict(conn.execute("SELECT f_table_name, f_geometry_column FROM geometry_columns "
                             "WHERE f_table_schema = current_schema()").fetchall())


def _plan(source_tables: Dict[str, List[str]], pg_tables: Dict[str, List[str]]) -> Dict[str, List[str]]:
    """Tables both stores have, in the PostGIS store's foreign-key order, with the columns both have."""
    return {t: [c for c in cols if c in source_tables[t]] for t, cols in pg_tables.items()
            if t in source_tables and t not in _NOT_COPIED}


class _Progress:
    def __init__(self, total: int, progress: Optional[Callable], cancelled: Optional[Callable]):
        self.total, self.done, self.progress, self.cancelled = max(total, 1), 0, progress, cancelled

    def step(self, rows: int) -> None:
        if self.cancelled and self.cancelled():
            raise TransferCancelled()
        self.done += rows
        if self.progress:
            self.progress(min(1.0, self.done / self.total))


def _copy(read, write, plan: Dict[str, List[str]], counts: Dict[str, int], step: _Progress) -> None:
    for table, columns in plan.items():
        offset = 0
        while True:
            rows = read(table, columns, offset)
            if not rows:
                break
            write(table, columns, rows)
            offset += len(rows)
            step.step(len(rows))
        counts[table] = offset


# -- GeoPackage → PostGIS ------------------------------------------------------------------------------
def publish(gpkg_path, address: str, progress: Optional[Callable] = None,
            cancelled: Optional[Callable] = None) -> Dict[str, int]:
    """Copy the GeoPackage store at ``gpkg_path`` into a new store at the PostgreSQL ``address`` (a
    database with PostGIS and no store yet). Refused when the source's record is broken. Returns
    {table: rows copied}."""
    source = WorkStore.open(gpkg_path)
    try:
        # Audit rows written outside the plugin are sealed first, as the plugin's next write would:
        # PostgreSQL holds every audit row sealed.
        with source.transaction():
            pass
        check = audit.verify(source.conn)
        if not check.ok:
            raise StoreError(f"工作库 {gpkg_path} 的修改记录有断裂，不能发布（请先用 weipian:verifystore 查明）：\n"
                             + check.text())
        src = source.conn
        geometry = _geometry_columns_gpkg(src)
        tables = _gpkg_tables(src)
        meta = dict(src.execute("SELECT key, value FROM weipian_meta").fetchall())
        counts: Dict[str, int] = {}

        def read(table, columns, offset):
            order = "id" if table == "audit_log" else "rowid"
            return src.execute(f'SELECT {", ".join(columns)} FROM "{table}" ORDER BY {order} LIMIT ? OFFSET ?',
                               (_BATCH, offset)).fetchall()

        def fill(conn) -> None:
            epsg = source.epsg
            plan = _plan(tables, _pg_tables(conn))
            total = sum(src.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in plan)
            pg_geometry = _geometry_columns_pg(conn)

            def write(table, columns, rows):
                geom = pg_geometry.get(table) if table in geometry else None
                if geom in columns:
                    i = columns.index(geom)
                    wkbs = sql.POSTGIS.encode(gpkg.decode([r[i] for r in rows]), epsg)  # one call per slice
                    rows = [(*r[:i], w, *r[i + 1:]) for r, w in zip(rows, wkbs)]
                marks = ", ".join(sql.POSTGIS.geom_param(epsg) if c == geom else "?" for c in columns)
                conn.executemany(f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({marks})', rows)

            for table in plan:
                conn.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
                conn.execute(f'DELETE FROM "{table}"')  # the defaults a new store starts with
            _copy(read, write, plan, counts, _Progress(total, progress, cancelled))
            # File sources are kept relative to the GeoPackage's folder; the shared store has none, so it
            # gets the paths they were (its reference layers and imagery, for figures and case files).
            conn.executemany("UPDATE settings SET value = ? WHERE key = ?", [
                (json.dumps(key.read(source), ensure_ascii=False), key.name) for key in keys.SOURCE_KEYS])
            for table in plan:
                conn.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
            serials = conn.execute(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND column_default LIKE 'nextval(%'").fetchall()
            for table, column in serials:  # the next id follows the copied ones
                if table in plan:
                    conn.execute(f'SELECT setval(pg_get_serial_sequence(?, ?)::regclass, max("{column}")) '
                                 f'FROM "{table}" HAVING max("{column}") IS NOT NULL', (table, column))
            conn.executemany("UPDATE weipian_meta SET value = ? WHERE key = ?",
                             [(meta[k], k) for k in _META if k in meta])

        WorkStore.create(address, source.epsg, meta.get("county_name", ""), meta.get("county_code", ""),
                         int(meta["year"]) if meta.get("year") else None, populate=fill).close()
        return counts
    finally:
        source.close()


# -- PostGIS → GeoPackage ------------------------------------------------------------------------------
def side_records(conn) -> Dict[str, Dict[str, dict]]:
    """{table: {key as text: {column: value}}} of :data:`SIDE_TABLES`, a minutes file by its SHA-256."""
    out: Dict[str, Dict[str, dict]] = {}
    for table, columns in SIDE_TABLES.items():
        rows = out[table] = {}
        for values in conn.execute(f"SELECT {', '.join(columns)} FROM {table}"):
            row = dict(zip(columns[1:], values[1:]))
            if row.get("minutes_data") is not None:
                row["minutes_data"] = hashlib.sha256(bytes(row["minutes_data"])).hexdigest()
            rows[str(values[0])] = row
    return out


def _snapshot_record(conn, address: str) -> dict:
    """What the return trip needs (core/review/offline.py): the row versions as exported, the last audit row,
    the photos the snapshot started with and its 约谈 and 造成恶劣影响 records."""
    return {"side": side_records(conn), "source": postgis.shown(address), "exported_at": now_iso(),
            "audit_id": conn.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0],
            "versions": {t: {str(fid): v for fid, v in conn.execute(f"SELECT patch_fid, row_version FROM {t}")}
                         for t in ("determinations", "rectifications")},
            "attachments": [r[0] for r in conn.execute("SELECT id FROM attachments")]}


def snapshot(address: str, gpkg_path, progress: Optional[Callable] = None,
             cancelled: Optional[Callable] = None) -> Dict[str, int]:
    """Copy the PostGIS store at ``address`` into a new GeoPackage store at ``gpkg_path``, read in one
    repeatable-read transaction (one consistent moment of a store others keep writing). Returns
    {table: rows copied}."""
    source = WorkStore.open(address)
    try:
        src = source.conn
        src.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        pg_geometry = _geometry_columns_pg(src)
        pg_tables = _pg_tables(src)
        meta = dict(src.execute("SELECT key, value FROM weipian_meta").fetchall())
        counts: Dict[str, int] = {}

        def read(table, columns, offset):
            geom = pg_geometry.get(table)
            cols = ", ".join(f'ST_AsBinary("{c}")' if c == geom else f'"{c}"' for c in columns)
            order = "id" if table == "audit_log" else "1"
            rows = src.execute(f'SELECT {cols} FROM "{table}" ORDER BY {order} LIMIT ? OFFSET ?',
                               (_BATCH, offset)).fetchall()
            return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in rows]

        def fill(conn) -> None:
            tables = _gpkg_tables(conn)
            plan = _plan(tables, pg_tables)
            total = sum(src.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in plan)
            geometry = _geometry_columns_gpkg(conn)
            srs = int(source.epsg)
            # SQLite cannot switch triggers off: the store's own are dropped and created again, word for
            # word, after the copy (the GeoPackage's R*Tree triggers stay and index the copy).
            triggers = conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name NOT LIKE 'rtree_%'").fetchall()
            for name, _ in triggers:
                conn.execute(f'DROP TRIGGER "{name}"')

            def write(table, columns, rows):
                geom = geometry.get(table)
                if geom in columns:
                    i = columns.index(geom)
                    shapes = sql.POSTGIS.decode([r[i] for r in rows])
                    blobs = gpkg.encode(shapes, srs)
                    rows = [(*r[:i], b, *r[i + 1:]) for r, b in zip(rows, blobs)]
                conn.executemany(f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES '
                                 f'({", ".join("?" * len(columns))})', rows)

            for table in plan:
                conn.execute(f'DELETE FROM "{table}"')
            _copy(read, write, plan, counts, _Progress(total, progress, cancelled))
            for name, statement in triggers:
                conn.execute(statement)
            for table in geometry:
                if table in plan:
                    gpkg.update_extent(conn, table, geometry[table])
            conn.executemany("UPDATE weipian_meta SET value = ? WHERE key = ?",
                             [(meta[k], k) for k in _META if k in meta])
            conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (keys.SNAPSHOT.name, json.dumps(
                _snapshot_record(conn, address), ensure_ascii=False)))

        WorkStore.create(gpkg_path, source.epsg, meta.get("county_name", ""), meta.get("county_code", ""),
                         int(meta["year"]) if meta.get("year") else None, populate=fill).close()
        src.execute("COMMIT")
        return counts
    finally:
        source.close()
