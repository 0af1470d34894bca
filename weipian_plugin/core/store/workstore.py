"""The work store: one GeoPackage per county and year holding patches, analysis and people's work, or
the same store shared in a PostgreSQL/PostGIS database (core/store/postgis.py).

Every write goes through :meth:`WorkStore.transaction`, so a failure or a cancel leaves the store as it
was. The schema is migrated when a store is opened. ``store.conn`` speaks the SQL of core/store/sql.py
on both backends; ``store.address`` names the store in messages (the GeoPackage's path, or the
PostgreSQL address); ``store.path`` is the GeoPackage's path, None for PostGIS (there is no folder
beside a database for reference copies and relative paths).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import numpy as np

from weipian_plugin.core.store import audit, codes, errors, gpkg, outputs, pg_schema, pgroles, postgis, schema
from weipian_plugin.core.store.codes import DEFAULT_CODE_LISTS
from weipian_plugin.core.store.sql import dialect

PATCH_TABLE = "patches"


class StoreError(ValueError):
    """The file is not a usable work store (message in Chinese, shown to the user as is)."""


def store_exists(location: Optional[str]) -> bool:
    """There is a store to open at ``location``: a shared store's PostgreSQL address (never created by a
    mere open), or a GeoPackage file that is there."""
    return bool(location) and (postgis.is_address(location) or Path(location).is_file())


def now_iso() -> str:
    return dt.datetime.now().replace(microsecond=0).isoformat()


def _meta_int(conn: sqlite3.Connection, key: str, path: Path) -> int:
    """An integer of ``weipian_meta``; a StoreError when someone removed or rewrote it."""
    row = conn.execute("SELECT value FROM weipian_meta WHERE key=?", (key,)).fetchone()
    try:
        return int(row[0])
    except (TypeError, ValueError):
        shown = "（缺失）" if row is None else f"“{row[0]}”"
        raise StoreError(f"工作库 {path} 的 weipian_meta 表已被改动：{key} 为{shown}，不是插件写入的值。"
                         "请从备份恢复该表，或用备份的工作库。") from None


@contextlib.contextmanager
def _closed_on_failure(conn, explain: Callable[[sqlite3.Error], str], errors_of=sqlite3.Error) -> Iterator[None]:
    """Close ``conn`` if opening or creating fails; a database error becomes a StoreError saying ``explain(exc)``."""
    try:
        yield
    except errors_of as exc:
        conn.close()
        raise StoreError(explain(exc)) from exc
    except BaseException:
        conn.close()
        raise


def _checked_version(conn, shown) -> int:
    """The store's schema version (its EPSG must be readable too); a store of a newer plugin is refused."""
    version = _meta_int(conn, schema.SCHEMA_VERSION_KEY, shown)
    _meta_int(conn, "epsg", shown)
    if version > schema.LATEST_VERSION:
        raise StoreError(f"工作库由更新版本的插件创建（结构版本 {version}），请升级插件。")
    return version


class WorkStore:
    def __init__(self, path: Optional[Path], conn: sqlite3.Connection, address: Optional[str] = None):
        self.path = None if path is None else Path(path)
        self.conn = conn
        self.address = address or str(self.path)
        self.dialect = dialect(conn)

    # -- opening -------------------------------------------------------------------------------------
    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=errors.BUSY_SECONDS)
        conn.execute("PRAGMA foreign_keys = ON")
        gpkg.register_functions(conn)
        return conn

    @classmethod
    def create(cls, path: os.PathLike, epsg: int, county_name: str = "", county_code: str = "",
               year: Optional[int] = None, populate: Optional[Callable] = None) -> "WorkStore":
        """Create a new store; the file appears only once it is complete (a PostGIS store: in one transaction).
        ``populate(conn)``, if given, fills it inside that transaction (core/store/transfer.py)."""
        if postgis.is_address(path):
            return cls._create_postgis(str(path), epsg, county_name, county_code, year, populate)
        path = Path(path)
        if path.exists():
            raise StoreError(f"文件已存在：{path}")
        # A name of this run's own: a second run creating the same store never touches this file.
        tmp = outputs.temporary_sibling(path, ".creating")
        conn = cls._connect(tmp)
        try:
            gpkg.initialise(conn)
            conn.execute("BEGIN")
            gpkg.add_srs(conn, epsg)
            cls._migrate(conn, 0)
            cls._fill(conn, epsg, county_name, county_code, year)
            if populate:
                populate(conn)
            conn.execute("COMMIT")
        except BaseException:
            conn.close()
            tmp.unlink(missing_ok=True)
            raise
        conn.close()
        published = outputs.publish_new(tmp, path)
        tmp.unlink(missing_ok=True)
        if not published:
            raise StoreError(f"文件已存在：{path}（另一个程序刚刚创建了它）")
        return cls.open(path)

    @staticmethod
    def _fill(conn, epsg: int, county_name: str, county_code: str, year: Optional[int]) -> None:
        """The metadata and default code lists of a new store (inside the creating transaction)."""
        meta = {"epsg": str(epsg), "county_name": county_name, "county_code": county_code,
                "year": str(year or ""), "created_at": now_iso()}
        conn.executemany("INSERT INTO weipian_meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                         meta.items())
        conn.executemany(
            "INSERT INTO code_lists (list, code, label, parent, sort) VALUES (?, ?, ?, ?, ?)",
            [(name, code, label, parent, i) for name, items in DEFAULT_CODE_LISTS.items()
             for i, (code, label, parent) in enumerate(items)])

    @classmethod
    def _create_postgis(cls, address: str, epsg: int, county_name: str, county_code: str,
                        year: Optional[int], populate: Optional[Callable] = None) -> "WorkStore":
        conn = postgis.connect(address)
        with _closed_on_failure(conn, lambda exc: f"无法在 {postgis.shown(address)} 中创建工作库：{exc}"):
            if conn.execute("SELECT to_regclass('weipian_meta')").fetchone()[0] is not None:
                raise StoreError(f"数据库 {postgis.shown(address)} 中已有工作库")
            conn.execute("BEGIN")
            conn.script(pg_schema.create_sql(epsg))
            conn.execute("INSERT INTO weipian_meta VALUES (?, ?)", (schema.SCHEMA_VERSION_KEY, str(schema.LATEST_VERSION)))
            cls._fill(conn, epsg, county_name, county_code, year)
            conn.executemany("INSERT INTO change_types VALUES (?, ?, ?, ?, ?)",
                             [(*row, i) for i, row in enumerate(codes.DEFAULT_CHANGE_TYPES)])
            cls._postgis_roles(conn)
            if populate:
                populate(conn)
            conn.execute("COMMIT")
        conn.close()
        return cls.open(address)

    @staticmethod
    def _postgis_roles(conn) -> None:
        """Columns and sub-types of reference roles the store lacks (core/roles.py), and the views."""
        for statement in pg_schema.missing_role_columns(conn):
            conn.execute(statement)
        conn.executemany("INSERT INTO code_lists (list, code, label, parent, sort) VALUES ('subtype', ?, ?, ?, 200)",
                         [(code, code, parent) for code, parent in schema.missing_role_codes(conn)])
        conn.script(pg_schema.views())

    @classmethod
    def _open_postgis(cls, address: str) -> "WorkStore":
        try:
            conn = postgis.connect(address)
        except postgis.AddressError as exc:
            raise StoreError(str(exc)) from exc
        with _closed_on_failure(conn, lambda exc: errors.explain(exc, postgis.shown(address))
                                or f"无法读取工作库 {postgis.shown(address)}：{exc}"):
            if conn.execute("SELECT to_regclass('weipian_meta')").fetchone()[0] is None:
                raise StoreError(f"数据库 {postgis.shown(address)} 中没有卫片执法工作库（请先创建或发布工作库）")
            if _checked_version(conn, postgis.shown(address)) < schema.LATEST_VERSION:
                cls._migrate_postgis(conn, address)
            if pg_schema.missing_role_columns(conn) or schema.missing_role_codes(conn):
                conn.execute("BEGIN")
                cls._postgis_roles(conn)
                conn.execute("COMMIT")
        return cls(None, conn, address)

    @classmethod
    def _migrate_postgis(cls, conn, address: str) -> None:
        """Bring a shared store of an older schema up to date in one transaction, as a GeoPackage is: the
        table changes of each later version (pg_schema.migrations), the role columns and views; grants for
        the store's groups again when they are installed (a new table must be readable by them). Two
        members opening it at once: the second waits for the first and then finds nothing to do. Only the
        store's owner may change tables: anyone else is told who must open it first."""
        shown = postgis.shown(address)
        conn.execute("BEGIN")
        conn.execute("SELECT pg_advisory_xact_lock(?)", (pg_schema.AUDIT_LOCK,))  # saves and stages wait
        version = _checked_version(conn, shown)
        if version >= schema.LATEST_VERSION:
            conn.execute("COMMIT")
            return
        if version < pg_schema.FIRST_VERSION:
            raise StoreError(f"PostgreSQL 工作库 {shown} 的结构版本 {version} 不是插件创建的版本"
                             f"（PostGIS 工作库从版本 {pg_schema.FIRST_VERSION} 起），无法升级。")
        owner, may = conn.execute(
            "SELECT pg_get_userbyid(relowner), pg_has_role(current_user, relowner, 'MEMBER') FROM pg_class "
            "WHERE oid = 'weipian_meta'::regclass").fetchone()
        if not may:
            raise StoreError(f"PostgreSQL 工作库 {shown} 的结构版本 {version} 较旧，需要升级到版本 "
                             f"{schema.LATEST_VERSION}；只有工作库的所有者（数据库账号 {owner}）能升级。"
                             "请所有者用本插件打开一次工作库，之后各成员即可正常使用。")
        epsg = _meta_int(conn, "epsg", shown)
        for target, sql in pg_schema.migrations(epsg):
            if target > version:
                conn.script(sql)
                conn.execute("UPDATE weipian_meta SET value = ? WHERE key = ?", (str(target), schema.SCHEMA_VERSION_KEY))
        cls._postgis_roles(conn)
        if pgroles.installed(conn):
            pgroles.install_on(conn)
        conn.execute("COMMIT")

    @classmethod
    def open(cls, path: os.PathLike) -> "WorkStore":
        if postgis.is_address(path):
            return cls._open_postgis(str(path))
        path = Path(path)
        if not path.is_file():
            raise StoreError(f"工作库不存在：{path}")
        conn = cls._connect(path)
        with _closed_on_failure(conn, lambda exc: errors.explain(exc, path) or f"无法读取工作库 {path}：{exc}",
                                sqlite3.DatabaseError):
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            if app_id != gpkg.APPLICATION_ID:
                raise StoreError(f"不是 GeoPackage 文件：{path}")
            has_meta = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='weipian_meta'").fetchone()
            if not has_meta:
                raise StoreError(f"这是 GeoPackage，但不是卫片执法工作库：{path}")
            version = _checked_version(conn, path)
            if (version < schema.LATEST_VERSION or schema.missing_role_columns(conn)
                    or schema.missing_role_codes(conn)):
                conn.execute("BEGIN IMMEDIATE")
                cls._migrate(conn, version)
                conn.execute("COMMIT")
        return cls(path, conn)

    @staticmethod
    def _migrate(conn: sqlite3.Connection, current: int) -> None:
        """Apply pending migrations inside the caller's transaction; add the columns and sub-types of new
        reference roles (core/roles.py)."""
        srs = None
        for version, sql in schema.migrations():
            if version <= current:
                continue
            gpkg.run_script(conn, sql)
            if version == 1:
                srs = int(conn.execute("SELECT max(srs_id) FROM gpkg_spatial_ref_sys").fetchone()[0])
                gpkg.register_features(conn, PATCH_TABLE, "geom", "MULTIPOLYGON", srs, "卫片监测图斑")
            if version == 2:
                srs = srs or int(conn.execute(
                    "SELECT srs_id FROM gpkg_geometry_columns WHERE table_name=?", (PATCH_TABLE,)).fetchone()[0])
                for table, description in schema.FEATURE_TABLES_V2.items():
                    gpkg.register_features(conn, table, "geom", "GEOMETRY", srs, description)
            conn.execute("INSERT OR REPLACE INTO weipian_meta VALUES (?, ?)",
                         (schema.SCHEMA_VERSION_KEY, str(version)))
        for statement in schema.missing_role_columns(conn):
            conn.execute(statement)
        conn.executemany("INSERT INTO code_lists (list, code, label, parent, sort) VALUES ('subtype', ?, ?, ?, 200)",
                         [(code, code, parent) for code, parent in schema.missing_role_codes(conn)])
        gpkg.run_script(conn, schema.views())
        audit.seal(conn, now_iso())  # what older versions logged starts the chain
        srs = srs or int(conn.execute(
            "SELECT srs_id FROM gpkg_geometry_columns WHERE table_name=?", (PATCH_TABLE,)).fetchone()[0])
        gpkg.register_features(conn, "patch_analysis", "geom", "MULTIPOLYGON", srs, "图斑分析结果",
                               spatial_index=False)
        for table, description in schema.ATTRIBUTE_TABLES.items():
            gpkg.register_attributes(conn, table, description)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "WorkStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- transactions --------------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self, actor: Optional[str] = None) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed on success, rolled back on any exception (cancel included).

        ``actor`` names who writes in the audit rows the store's triggers add; before committing, the
        new audit rows are sealed into the hash chain (core/store/audit.py)."""
        if self.conn.in_transaction:
            raise RuntimeError("nested transaction")
        try:
            self.conn.execute(self.dialect.begin_write)
        except sqlite3.Error as exc:
            raise errors.problem(exc, postgis.shown(self.address)) from exc
        try:
            audit.set_actor(self.conn, actor)
            yield self.conn
            audit.set_actor(self.conn, None)
            audit.seal(self.conn, now_iso())
            self.conn.execute("COMMIT")
        except BaseException as exc:
            # A failed COMMIT (disk full) may already have rolled back: a second ROLLBACK would replace
            # the real cause by "cannot rollback - no transaction is active".
            if self.conn.in_transaction:
                try:
                    self.conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            converted = errors.problem(exc, postgis.shown(self.address))
            if converted is exc:
                raise
            raise converted from exc

    @contextlib.contextmanager
    def waiting_at_most(self, seconds: float) -> Iterator[None]:
        """Writes in the block give up as busy after ``seconds`` (a dock asks Retry/Cancel instead of
        freezing for the usual errors.BUSY_SECONDS)."""
        self.conn.execute(self.dialect.wait_sql(seconds * 1000))
        try:
            yield
        finally:
            self.conn.execute(self.dialect.wait_sql(errors.BUSY_SECONDS * 1000))

    # -- metadata and settings -----------------------------------------------------------------------
    def meta(self, key: str) -> Optional[str]:
        row = self.conn.execute("SELECT value FROM weipian_meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    @property
    def epsg(self) -> int:
        return int(self.meta("epsg"))

    @property
    def schema_version(self) -> int:
        return int(self.meta(schema.SCHEMA_VERSION_KEY))

    def setting(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM settings WHERE key=?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: Any, conn: Optional[sqlite3.Connection] = None) -> None:
        """Store a JSON value; inside the caller's transaction when ``conn`` is given."""
        sql = "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        params = (key, json.dumps(value, ensure_ascii=False))
        if conn is not None:
            conn.execute(sql, params)
        else:
            with self.transaction() as c:
                c.execute(sql, params)

    def code_list(self, name: str, parent: Optional[str] = None) -> list:
        sql = "SELECT code, label, parent FROM code_lists WHERE list=?"
        params: list = [name]
        if parent is not None:
            sql += " AND parent=?"
            params.append(parent)
        return self.conn.execute(sql + " ORDER BY sort, code", params).fetchall()

    # -- batches and patches -------------------------------------------------------------------------
    def batches(self) -> list:
        cur = self.conn.execute("SELECT * FROM batches ORDER BY id")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur]

    def batch(self, name: str) -> Optional[dict]:
        return next((b for b in self.batches() if b["name"] == name), None)

    def patch_bounds(self, batch: Optional[str] = None) -> np.ndarray:
        """(minx, miny, maxx, maxy) of the active patches, from the R*Tree (no geometry decoding)."""
        if self.dialect.name == "postgis":
            sql = ("SELECT ST_XMin(p.geom), ST_YMin(p.geom), ST_XMax(p.geom), ST_YMax(p.geom) FROM patches p "
                   "JOIN batches b ON b.id = p.batch_id WHERE p.split_state != '被拆分' AND p.geom IS NOT NULL")
        else:
            sql = ("SELECT r.minx, r.miny, r.maxx, r.maxy FROM rtree_patches_geom r JOIN patches p ON p.fid = r.id "
               "JOIN batches b ON b.id = p.batch_id WHERE p.split_state != '被拆分'")
        rows = self.conn.execute(sql + (" AND b.name = ?" if batch else ""), (batch,) if batch else ()).fetchall()
        return np.array(rows, dtype=np.float64).reshape(-1, 4)

    def read_patches(self, batch: Optional[str] = None, columns: tuple = ("jcbh", "tblx", "hsx", "dlbm"),
                     include_split: bool = False) -> tuple:
        """(fids, geometries, {column: array}) of active patches, for analysis and exports.

        Patches that were split (被拆分) are replaced by their parts unless ``include_split``.
        """
        cols = ", ".join(f"p.{c}" for c in columns)
        sql = f"SELECT p.fid, {self.dialect.geom_select('p.geom')}{', ' + cols if cols else ''} FROM patches p JOIN batches b ON b.id=p.batch_id"
        where, params = [], []
        if batch:
            where.append("b.name = ?")
            params.append(batch)
        if not include_split:
            where.append("p.split_state != '被拆分'")
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self.conn.execute(sql + " ORDER BY p.fid", params).fetchall()
        fids = np.array([r[0] for r in rows], dtype=np.int64)
        geoms = self.dialect.decode([r[1] for r in rows])
        attrs = {c: np.array([r[i + 2] for r in rows], dtype=object) for i, c in enumerate(columns)}
        return fids, geoms, attrs

