"""One SQL text for both backends of the work store: a GeoPackage (sqlite3) or PostgreSQL/PostGIS.

Core modules write their SQL once, with ``?`` placeholders, against ``store.conn``: a
``sqlite3.Connection`` for a GeoPackage, a :class:`weipian_plugin.core.store.postgis.Connection` for
PostGIS. Both offer the same small DB-API subset: ``execute``/``executemany`` returning a cursor with
``fetchone``, ``fetchall``, iteration, ``description`` and ``rowcount``; ``in_transaction``; ``close``.
Database errors of both are the ``sqlite3`` exception classes (the PostGIS connection maps SQLSTATE
classes onto them), so one ``except sqlite3.IntegrityError`` handles a trigger's refusal from either.

The few things the two dialects say differently are methods of :class:`Dialect`, found from a
connection by :func:`dialect`; everything else (``INSERT … ON CONFLICT``, ``coalesce``, ``||``, temporary
tables) is written in the SQL both understand.
"""
from __future__ import annotations

import contextlib
from typing import Any, Optional, Sequence

import numpy as np
import shapely

from weipian_plugin.core.store import gpkg

SCRATCH = "run_scratch"
"""The name of the GeoPackage dialect's scratch database (:meth:`Dialect.open_scratch`)."""


class Dialect:
    """The GeoPackage (SQLite) dialect."""

    name = "gpkg"
    begin_write = "BEGIN IMMEDIATE"  # takes the write lock at once: a busy store fails before any work
    insertion_order = "rowid"
    """An ORDER BY term giving a table's rows in the order they were inserted (for a table only ever
    inserted into, such as a temporary one)."""

    def wait_sql(self, milliseconds: int) -> str:
        """How long a write waits for another writer before it fails as busy."""
        return f"PRAGMA busy_timeout = {int(milliseconds)}"

    def distinct(self, a: str, b: str) -> str:
        """``a`` and ``b`` differ, NULL counting as a value (SQLite before 3.39 lacks IS DISTINCT FROM)."""
        return f"{a} IS NOT {b}"

    def geom_param(self, srid: int) -> str:
        """The placeholder of a geometry written with :meth:`encode`."""
        return "?"

    def order_text(self, expr: str) -> str:
        """An ORDER BY term sorting text as a GeoPackage does (by code point, NULLs first), whatever the
        server's collation: outputs list townships, patches and clues in the same order on both backends."""
        return expr

    def geom_select(self, column: str) -> str:
        """The expression reading a geometry column into what :meth:`decode` takes."""
        return column

    def encode(self, geoms: np.ndarray, srid: int, wkbs: Optional[np.ndarray] = None) -> list:
        """Geometries as the store writes them; ``wkbs``: their little-endian XY WKB, when the caller has it
        (the envelope and emptiness still come from ``geoms``)."""
        return gpkg.encode(geoms, srid, wkbs)

    def decode(self, values: Sequence[Any]) -> np.ndarray:
        return gpkg.decode(values)

    def insert_id(self, conn, sql: str, params: Sequence[Any], key: str = "id") -> int:
        """Run one INSERT and return the key the database gave the new row."""
        return conn.execute(sql, params).lastrowid

    def order_stages(self, conn) -> None:
        """Inside a write transaction: wait for every other writer of audited rows to finish, so a stage
        event and the snapshot it takes see all of them (a GeoPackage's BEGIN IMMEDIATE already does)."""

    def bulk_insert(self, conn, table: str, many: bool):
        """Context for inserting many rows into a feature table: the GeoPackage packs its R*Tree once at
        the end (gpkg.packed_rtree_inserts); PostGIS maintains its GiST index as it goes."""
        return gpkg.packed_rtree_inserts(conn, table, enabled=many)

    def update_extent(self, conn, table: str) -> None:
        """Refresh the extent a GIS reads from the store's metadata (PostGIS computes it when asked)."""
        gpkg.update_extent(conn, table)

    def open_scratch(self, conn) -> str:
        """A schema of this connection only, outside the store, for tables a run fills and drops (see
        :meth:`close_scratch`); returns its name. SQLite's is a private temporary database attached for
        the run: detaching it deletes it at once, where dropping a county's temporary tables walked
        through every page (0.25 s)."""
        if any(row[1] == SCRATCH for row in conn.execute("PRAGMA database_list")):
            conn.execute(f"DETACH {SCRATCH}")  # left by a run that stopped before closing it
        conn.execute(f"ATTACH '' AS {SCRATCH}")
        return SCRATCH

    def close_scratch(self, conn, tables: Sequence[str]) -> None:
        """Drop the scratch schema's ``tables`` (all it holds)."""
        conn.execute(f"DETACH {SCRATCH}")


class PostgisDialect(Dialect):
    name = "postgis"
    begin_write = "BEGIN"  # row locks are taken by the statements themselves
    insertion_order = "ctid"  # a heap never updated nor deleted from fills its pages in order

    def wait_sql(self, milliseconds: int) -> str:
        return f"SET lock_timeout = {int(milliseconds)}"

    def distinct(self, a: str, b: str) -> str:
        return f"{a} IS DISTINCT FROM {b}"

    def geom_param(self, srid: int) -> str:
        return f"ST_GeomFromWKB(?, {int(srid)})"

    def order_text(self, expr: str) -> str:
        # a server set up in a Chinese locale sorts by pinyin, and PostgreSQL puts NULLs last
        return f'{expr} COLLATE "C" NULLS FIRST'

    def geom_select(self, column: str) -> str:
        return f"ST_AsBinary({column})"

    def encode(self, geoms: np.ndarray, srid: int, wkbs: Optional[np.ndarray] = None) -> list:
        if wkbs is None:
            wkbs = shapely.to_wkb(np.asarray(geoms, dtype=object), byte_order=1, output_dimension=2)
        return [None if w is None else bytes(w) for w in wkbs.tolist()]

    def decode(self, values: Sequence[Any]) -> np.ndarray:
        return shapely.from_wkb(np.array([None if v is None else bytes(v) for v in values], dtype=object))

    def insert_id(self, conn, sql: str, params: Sequence[Any], key: str = "id") -> int:
        # lastval() would name the audit row the table's trigger inserted, not this row
        return conn.execute(f"{sql} RETURNING {key}", params).fetchone()[0]

    def order_stages(self, conn) -> None:
        from weipian_plugin.core.store.pg_schema import AUDIT_LOCK

        conn.execute("SELECT pg_advisory_xact_lock(?)", (AUDIT_LOCK,))

    def bulk_insert(self, conn, table: str, many: bool):
        return contextlib.nullcontext()

    def update_extent(self, conn, table: str) -> None:
        return None

    def open_scratch(self, conn) -> str:
        return "pg_temp"  # the session's temporary schema

    def close_scratch(self, conn, tables: Sequence[str]) -> None:
        for table in tables:
            conn.execute(f"DROP TABLE IF EXISTS pg_temp.{table}")


GPKG = Dialect()
POSTGIS = PostgisDialect()


def dialect(conn) -> Dialect:
    """The dialect of a store connection (a PostGIS connection names its own)."""
    return getattr(conn, "dialect", GPKG)
