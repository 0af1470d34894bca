"""The PostgreSQL/PostGIS backend of the work store: addresses, the connection, the SQL translation.

A shared store is a PostgreSQL database (or a schema of one, chosen by the address's ``options``
search_path) addressed by a libpq connection string: ``postgresql:service=weipian_county`` (a service of
pg_service.conf), ``postgresql:dbname=… host=… port=… user=…`` or a ``postgresql://`` URI. Passwords come
from libpq's own files (.pgpass, pg_service.conf) or QGIS's authentication database (an address with
``authcfg=<id>``, resolved by the QGIS side through :func:`use_authcfg`), never from the project or the
store.

psycopg2 (bundled by the QGIS installers; Debian ``python3-psycopg2``) is imported only when a
PostGIS store is opened, so the rest of core imports without it.
"""
from __future__ import annotations

import re
import sqlite3
from typing import Any, Callable, Iterable, Optional, Sequence

from weipian_plugin.core.store import sql
from weipian_plugin.core.store.errors import BUSY_SECONDS

PREFIX = "postgresql:"
_CONNINFO = re.compile(r"^\s*(service|dbname|host|hostaddr|port|user)\s*=")
# QGIS's key for a login kept in its authentication database (QgsDataSourceUri writes it into the conninfo).
_AUTHCFG = re.compile(r"(^|\s)authcfg\s*=\s*'?(\w+)'?(?=\s|$)")
_authcfg: Optional[Callable[[str], dict]] = None


def use_authcfg(resolve: Optional[Callable[[str], dict]]) -> None:
    """How an address's ``authcfg=<id>`` becomes libpq parameters (``user``, ``password`` …): the QGIS side
    passes QGIS's authentication manager in (layer_source.authcfg_parameters), so core needs no QGIS. The
    parameters are handed to the driver for one connection and kept nowhere."""
    global _authcfg
    _authcfg = resolve


class AddressError(ValueError):
    """The address names no usable PostgreSQL database (message in Chinese)."""


def is_address(store: Any) -> bool:
    """Whether ``store`` (a path or a string) addresses a PostgreSQL database rather than a GeoPackage."""
    text = str(store)
    return text.startswith((PREFIX, "postgres://")) or bool(_CONNINFO.match(text))


def conninfo(address: str) -> str:
    """The libpq connection string of an address (the ``postgresql:`` prefix removed)."""
    text = str(address)
    if text.startswith("postgresql://") or text.startswith("postgres://"):
        return text
    return text[len(PREFIX):] if text.startswith(PREFIX) else text


def shown(address: str) -> str:
    """The address as a person reads it in a message: any password left out."""
    return re.sub(r"(password\s*=\s*)('[^']*'|\S+)", r"\1***", str(address))


def translate(statement: str) -> str:
    """``?`` placeholders → psycopg2's ``%s``, and every literal ``%`` doubled (psycopg2 formats the whole
    text). Quoted strings, quoted identifiers and comments keep their ``?``."""
    out = []
    i, n = 0, len(statement)
    while i < n:
        ch = statement[i]
        if ch in ("'", '"'):
            end = i + 1
            while end < n:
                if statement[end] == ch:
                    if end + 1 < n and statement[end + 1] == ch:  # '' or "" inside the quotes
                        end += 2
                        continue
                    break
                end += 1
            out.append(statement[i:end + 1].replace("%", "%%"))
            i = end + 1
        elif statement.startswith("--", i):
            end = statement.find("\n", i)
            end = n if end < 0 else end
            out.append(statement[i:end].replace("%", "%%"))
            i = end
        elif ch == "?":
            out.append("%s")
            i += 1
        elif ch == "%":
            out.append("%%")
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _params(params: Iterable[Any]) -> tuple:
    # The store has no boolean columns: like SQLite, store True as 1.
    return tuple(int(p) if isinstance(p, bool) else p for p in params)


def _sqlite_error(exc: Exception) -> sqlite3.Error:
    """The sqlite3 exception class of a psycopg2 error (SQLSTATE class), with PostgreSQL's primary message:
    integrity violations and trigger refusals (RAISE EXCEPTION) are IntegrityError like SQLite's RAISE(ABORT);
    lock timeouts, serialisation failures, cancels and lost connections are OperationalError."""
    code = getattr(exc, "pgcode", None) or ""
    diag = getattr(exc, "diag", None)
    message = (diag.message_primary if diag is not None else None) or str(exc).strip()
    if code.startswith("23") or code == "P0001":
        cls = sqlite3.IntegrityError
    elif code[:2] in ("40", "55", "57", "08", "53") or not code:
        cls = sqlite3.OperationalError
    else:
        cls = sqlite3.DatabaseError
    error = cls(message)
    error.sqlstate = code
    return error


class Connection:
    """A psycopg2 connection speaking the store's sqlite3-shaped subset (see core/store/sql.py).

    Autocommit like the GeoPackage's ``isolation_level=None``: transactions are the ``BEGIN``/``COMMIT``
    that ``WorkStore.transaction`` issues; outside them every statement commits on its own."""

    dialect = sql.POSTGIS

    def __init__(self, raw, address: str):
        self.raw = raw
        self.address = address

    def execute(self, statement: str, params: Iterable[Any] = ()):
        cursor = self.raw.cursor()
        try:
            cursor.execute(translate(statement), _params(params))
        except Exception as exc:
            if not _is_driver_error(exc):
                raise
            raise _sqlite_error(exc) from exc
        return cursor

    def executemany(self, statement: str, rows: Iterable[Sequence[Any]]):
        from psycopg2.extras import execute_batch

        cursor = self.raw.cursor()
        try:
            execute_batch(cursor, translate(statement), [_params(r) for r in rows], page_size=500)
        except Exception as exc:
            if not _is_driver_error(exc):
                raise
            raise _sqlite_error(exc) from exc
        return cursor

    def script(self, statements: str) -> None:
        """DDL with no parameters (``$$`` function bodies kept whole), inside the caller's transaction."""
        try:
            self.raw.cursor().execute(statements)
        except Exception as exc:
            if not _is_driver_error(exc):
                raise
            raise _sqlite_error(exc) from exc

    def commit(self) -> None:
        """End the transaction this connection began (statements outside one committed already)."""
        if self.in_transaction:
            self.execute("COMMIT")

    def rollback(self) -> None:
        if self.in_transaction:
            self.execute("ROLLBACK")

    @property
    def in_transaction(self) -> bool:
        from psycopg2 import extensions

        return self.raw.info.transaction_status != extensions.TRANSACTION_STATUS_IDLE

    def close(self) -> None:
        self.raw.close()


def _is_driver_error(exc: BaseException) -> bool:
    import psycopg2

    return isinstance(exc, psycopg2.Error)


def _resolved(address: str) -> tuple:
    """(conninfo without ``authcfg``, the login it names) of an address."""
    dsn = conninfo(address)
    found = _AUTHCFG.search(dsn)
    if found is None:
        return dsn, {}
    if _authcfg is None:
        raise AddressError(f"工作库地址 {shown(address)} 的登录信息保存在 QGIS 的认证配置（authcfg={found.group(2)}）中，"
                           "只能在 QGIS 中打开；在 QGIS 之外请改用 .pgpass 或 pg_service.conf。")
    return _AUTHCFG.sub(r"\1", dsn).strip(), _authcfg(found.group(2))


def connect(address: str) -> Connection:
    """Open the database an address names; a Chinese :class:`AddressError` when the server or database
    cannot be reached, or psycopg2 is missing."""
    try:
        import psycopg2
        from psycopg2 import extensions
    except ImportError as exc:
        raise AddressError("打开 PostgreSQL 工作库需要 psycopg2（QGIS 安装程序自带；Debian 上为 python3-psycopg2 软件包）"
                           "，当前的 Python 中没有。") from exc
    dsn, login = _resolved(address)
    try:
        raw = psycopg2.connect(dsn, application_name="weipian", **login)
    except psycopg2.Error as exc:
        raise AddressError(f"无法连接 PostgreSQL 工作库 {shown(address)}：{str(exc).strip()}。"
                           "请检查服务名或连接参数、服务器是否运行，以及 .pgpass/pg_service.conf 中的登录信息。") from exc
    raw.autocommit = True
    # Sums and averages come back as float like SQLite's, byte columns as bytes (not memoryview).
    numeric = extensions.new_type((1700,), "WEIPIAN_NUMERIC", lambda v, cur: None if v is None else float(v))
    binary = extensions.new_type((17,), "WEIPIAN_BYTEA",
                                 lambda v, cur: None if v is None else bytes(psycopg2.BINARY(v, cur)))
    extensions.register_type(numeric, raw)
    extensions.register_type(binary, raw)
    with raw.cursor() as cur:
        cur.execute("SET datestyle = 'ISO, YMD'")
        cur.execute(f"SET lock_timeout = {int(BUSY_SECONDS * 1000)}")  # like the GeoPackage's busy timeout
    return Connection(raw, str(address))
