"""Who may do what in a shared PostGIS work store: four group roles, and row-level security for townships.

A bureau's people log in to PostgreSQL with roles of their own; each login is made a member of one group:

- ``weipian_technician`` imports patches and runs the analysis (batches, patches, analysis tables);
- ``weipian_reviewer`` judges and follows up (determinations, 查处整改, attachments, stage locks, marks);
- ``weipian_township`` fills in 查处整改 (and its photos) only for the patches of its own township: a row-level
  security policy looks the login up in ``township_logins`` (login role → township code);
- ``weipian_viewer`` reads everything and writes nothing.

Everyone reads every table; nobody but the owner writes the audit tables. The store's trigger functions run
with the owner's rights (SECURITY DEFINER), so a member's edit is still audited, and the audit log credits
the member's login (core/store/pg_schema.py): no name typed into a client can stand in for another person. Group roles are cluster-wide; the grants
and policies are per store (schema), so :func:`install` runs once for each store by its owner, and again
after a schema migration adds tables.
"""
from __future__ import annotations

import contextlib
from typing import Iterable

from weipian_plugin.core.store import pg_schema

TECHNICIAN = "weipian_technician"
REVIEWER = "weipian_reviewer"
TOWNSHIP = "weipian_township"
VIEWER = "weipian_viewer"
GROUPS = {TECHNICIAN: "技术员（导入、内业比对）", REVIEWER: "审核人（判定、跟踪查处整改）",
          TOWNSHIP: "乡镇（只填本乡镇图斑的查处整改）", VIEWER: "只读"}

TOWNSHIP_LOGINS = "township_logins"

# What each group may write, table by table; a table the store does not have is skipped.
_ALL = "INSERT, UPDATE, DELETE"
WRITES = {
    TECHNICIAN: {t: _ALL for t in ("batches", "patches", "rejects", "analysis", "analysis_classes",
                                   "analysis_features", "analysis_runs", "analysis_run_layers", "settings",
                                   "code_lists", "change_types")},
    REVIEWER: {**{t: _ALL for t in ("determinations", "rectifications", "attachments", "military_land",
                                    "interviews", "serious_impact", "patrols", "patrol_findings",
                                    "finding_attachments", "clues", "settings")},
               "stage_events": "INSERT",
               # 拆分 adds the parts and marks the patch (core/review/split.py); due dates follow the rules
               "patches": "INSERT, UPDATE (split_state, updated_at, due_date, review_note)"},
    TOWNSHIP: {"rectifications": "INSERT", "attachments": "INSERT, DELETE"},
}
# Tables whose rows a township may write only for its own patches (they all carry ``patch_fid``); it may
# update every column but the keys, so no row can be moved from another township's patch to its own.
TOWNSHIP_TABLES = tuple(WRITES[TOWNSHIP])
_KEYS = ("id", "patch_fid", "owner", "owner_id")

_OWN_PATCHES = ("patch_fid IN (SELECT p.fid FROM {schema}.patches p JOIN {schema}.township_logins t "
                "ON t.township_code = p.township_code WHERE t.login = session_user)")


class RoleError(ValueError):
    """A role request that cannot be carried out (message in Chinese, shown as is)."""


def _exists(cur, schema: str, table: str) -> bool:
    cur.execute("SELECT to_regclass(%s) IS NOT NULL", (f'"{schema}"."{table}"',))
    return cur.fetchone()[0]


def _role_exists(cur, name: str) -> bool:
    cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
    return cur.fetchone() is not None


@contextlib.contextmanager
def _transaction(conn):
    """One transaction on a psycopg2 connection, whether or not it is in autocommit (the store's is)."""
    autocommit = conn.autocommit
    conn.autocommit = False
    try:
        with conn, conn.cursor() as cur:
            yield cur
    finally:
        conn.autocommit = autocommit


def install(conn, schema: str = "public") -> None:
    """Create the group roles (if missing), grant them the store in ``schema``, let its trigger functions
    write the audit log for them and switch on row-level security for the township tables. Idempotent; one
    transaction."""
    from psycopg2 import sql

    s = sql.Identifier(schema)
    with _transaction(conn) as cur:
        for group in GROUPS:
            if not _role_exists(cur, group):
                cur.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(group)))
        cur.execute(sql.SQL(
            "CREATE TABLE IF NOT EXISTS {}.township_logins (login name NOT NULL, township_code text NOT NULL, "
            "PRIMARY KEY (login, township_code))").format(s))
        groups = sql.SQL(", ").join(sql.Identifier(g) for g in GROUPS)
        cur.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(s, groups))
        cur.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(s, groups))
        for group, tables in WRITES.items():
            for table, privileges in tables.items():
                if _exists(cur, schema, table):
                    cur.execute(sql.SQL("GRANT {} ON {} TO {}").format(
                        sql.SQL(privileges), sql.Identifier(schema, table), sql.Identifier(group)))
            cur.execute(sql.SQL("GRANT USAGE ON ALL SEQUENCES IN SCHEMA {} TO {}").format(
                s, sql.Identifier(group)))
        cur.execute("SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = %s::regnamespace "
                    "AND p.proname = ANY(%s) AND p.prorettype = 'trigger'::regtype",
                    (f'"{schema}"', list(pg_schema.protected_functions())))
        for (function,) in cur.fetchall():
            cur.execute(sql.SQL("ALTER FUNCTION {} SECURITY DEFINER SET search_path = {}, public, pg_temp").format(
                sql.SQL(function), s))
        own = sql.SQL(_OWN_PATCHES).format(schema=s)
        for table in TOWNSHIP_TABLES:
            if not _exists(cur, schema, table):
                continue
            t = sql.Identifier(schema, table)
            cur.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s "
                        "AND NOT column_name = ANY(%s) ORDER BY ordinal_position", (schema, table, list(_KEYS)))
            columns = sql.SQL(", ").join(sql.Identifier(r[0]) for r in cur.fetchall())
            cur.execute(sql.SQL("GRANT UPDATE ({}) ON {} TO {}").format(columns, t, sql.Identifier(TOWNSHIP)))
            cur.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(t))
            for name in ("weipian_read", "weipian_staff_write", "weipian_township_insert",
                         "weipian_township_update", "weipian_township_delete"):
                cur.execute(sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(sql.Identifier(name), t))
            cur.execute(sql.SQL("CREATE POLICY weipian_read ON {} FOR SELECT USING (true)").format(t))
            cur.execute(sql.SQL("CREATE POLICY weipian_staff_write ON {} FOR ALL TO {} USING (true) "
                                "WITH CHECK (true)").format(t, sql.Identifier(REVIEWER)))
            cur.execute(sql.SQL("CREATE POLICY weipian_township_insert ON {} FOR INSERT TO {} WITH CHECK ({})")
                        .format(t, sql.Identifier(TOWNSHIP), own))
            # USING (true): another township's row is refused with an error rather than silently left alone
            cur.execute(sql.SQL("CREATE POLICY weipian_township_update ON {} FOR UPDATE TO {} USING (true) "
                                "WITH CHECK ({})").format(t, sql.Identifier(TOWNSHIP), own))
            cur.execute(sql.SQL("CREATE POLICY weipian_township_delete ON {} FOR DELETE TO {} USING ({})")
                        .format(t, sql.Identifier(TOWNSHIP), own))


def grant(conn, login: str, group: str, townships: Iterable[str] = (), schema: str = "public") -> None:
    """Make ``login`` a member of ``group`` (creating the login role, without a password, when it does not
    exist); for the township group, record which townships (codes) it may fill in."""
    from psycopg2 import sql

    if group not in GROUPS:
        raise RoleError(f"未知的角色组：{group}（可选：{'、'.join(GROUPS)}）")
    townships = [str(code).strip() for code in townships if str(code).strip()]
    if group == TOWNSHIP and not townships:
        raise RoleError(f"乡镇账号 {login} 须指定至少一个乡镇代码")
    if not login or login.startswith("pg_") or login in GROUPS:
        raise RoleError(f"不能用作登录账号的名称：{login!r}")
    with _transaction(conn) as cur:
        if not _role_exists(cur, login):
            cur.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(login)))
        cur.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(login)))
        if townships:
            cur.executemany(sql.SQL("INSERT INTO {}.township_logins (login, township_code) VALUES (%s, %s) "
                                    "ON CONFLICT DO NOTHING").format(sql.Identifier(schema)),
                            [(login, code) for code in townships])


def memberships(conn, schema: str = "public") -> list:
    """(login, group, township codes) of every member of a weipian group, for the bureau's overview."""
    from psycopg2 import sql

    with conn.cursor() as cur:
        cur.execute(sql.SQL(
            "SELECT m.rolname, g.rolname, coalesce((SELECT string_agg(t.township_code, ',' ORDER BY t.township_code) "
            "FROM {}.township_logins t WHERE t.login = m.rolname), '') "
            "FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid JOIN pg_roles m ON m.oid = a.member "
            "WHERE g.rolname = ANY(%s) ORDER BY m.rolname, g.rolname").format(sql.Identifier(schema)),
            (list(GROUPS),))
        return [(login, group, codes.split(",") if codes else []) for login, group, codes in cur.fetchall()]
