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
and policies are per store (the address's schema), so :func:`install` runs once for each store by its
owner, and again after a schema migration adds tables.
"""
from __future__ import annotations

import contextlib
from typing import Iterable, Iterator

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
_POLICIES = ("weipian_read", "weipian_staff_write", "weipian_township_insert", "weipian_township_update",
             "weipian_township_delete")


class RoleError(ValueError):
    """A role request that cannot be carried out (message in Chinese, shown as is)."""


def q(name: str) -> str:
    """A quoted SQL identifier (role and table names cannot be bound as parameters)."""
    return '"' + str(name).replace('"', '""') + '"'


@contextlib.contextmanager
def _transaction(store) -> Iterator:
    """One transaction on the store's connection (the roles are not audited: they are not the store's data)."""
    conn = store.conn
    conn.execute("BEGIN")
    try:
        yield conn
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


def _role_exists(conn, name: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = ?", (name,)).fetchone() is not None


def installed(conn) -> bool:
    """Whether the store on ``conn`` has had its roles installed (:func:`install` made its login table)."""
    return conn.execute("SELECT to_regclass(?)", (TOWNSHIP_LOGINS,)).fetchone()[0] is not None


def install(store) -> None:
    """Create the group roles (if missing), grant them the PostGIS ``store``, let its trigger functions
    write the audit log for them and switch on row-level security for the township tables. Idempotent;
    one transaction; run by the store's owner."""
    with _transaction(store) as conn:
        install_on(conn)


def install_on(conn) -> None:
    """:func:`install` inside the caller's transaction (also after a schema migration)."""
    schema = q(conn.execute("SELECT current_schema()").fetchone()[0])
    tables = {r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables "
                                         "WHERE table_schema = current_schema()")}
    for group in GROUPS:
        if not _role_exists(conn, group):
            conn.execute(f"CREATE ROLE {q(group)} NOLOGIN")
    conn.execute(f"CREATE TABLE IF NOT EXISTS {schema}.{TOWNSHIP_LOGINS} (login name NOT NULL, "
                 "township_code text NOT NULL, PRIMARY KEY (login, township_code))")
    groups = ", ".join(q(g) for g in GROUPS)
    conn.execute(f"GRANT USAGE ON SCHEMA {schema} TO {groups}")
    conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {groups}")
    for group, writes in WRITES.items():
        for table, privileges in writes.items():
            if table in tables:
                conn.execute(f"GRANT {privileges} ON {schema}.{q(table)} TO {q(group)}")
        conn.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {q(group)}")
    functions = conn.execute(
        "SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace "
        "AND p.proname = ANY(?) AND p.prorettype = 'trigger'::regtype", (list(pg_schema.protected_functions()),))
    for (function,) in functions.fetchall():
        conn.execute(f"ALTER FUNCTION {function} SECURITY DEFINER SET search_path = {schema}, public, pg_temp")
    own = _OWN_PATCHES.format(schema=schema)
    for table in TOWNSHIP_TABLES:
        if table not in tables:
            continue
        t = f"{schema}.{q(table)}"
        columns = [r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = ? AND NOT column_name = ANY(?) ORDER BY ordinal_position", (table, list(_KEYS)))]
        conn.execute(f"GRANT UPDATE ({', '.join(q(c) for c in columns)}) ON {t} TO {q(TOWNSHIP)}")
        conn.execute(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
        for name in _POLICIES:
            conn.execute(f"DROP POLICY IF EXISTS {name} ON {t}")
        conn.execute(f"CREATE POLICY weipian_read ON {t} FOR SELECT USING (true)")
        conn.execute(f"CREATE POLICY weipian_staff_write ON {t} FOR ALL TO {q(REVIEWER)} USING (true) WITH CHECK (true)")
        conn.execute(f"CREATE POLICY weipian_township_insert ON {t} FOR INSERT TO {q(TOWNSHIP)} WITH CHECK ({own})")
        # USING (true): another township's row is refused with an error rather than silently left alone
        conn.execute(f"CREATE POLICY weipian_township_update ON {t} FOR UPDATE TO {q(TOWNSHIP)} USING (true) "
                     f"WITH CHECK ({own})")
        conn.execute(f"CREATE POLICY weipian_township_delete ON {t} FOR DELETE TO {q(TOWNSHIP)} USING ({own})")


def grant(store, login: str, group: str, townships: Iterable[str] = ()) -> None:
    """Make ``login`` a member of ``group`` (creating the login role, without a password, when it does not
    exist); for the township group, record which townships (codes) it may fill in."""
    if group not in GROUPS:
        raise RoleError(f"未知的角色组：{group}（可选：{'、'.join(GROUPS)}）")
    townships = [str(code).strip() for code in townships if str(code).strip()]
    if group == TOWNSHIP and not townships:
        raise RoleError(f"乡镇账号 {login} 须指定至少一个乡镇代码")
    if not login or login.startswith("pg_") or login in GROUPS:
        raise RoleError(f"不能用作登录账号的名称：{login!r}")
    with _transaction(store) as conn:
        if not _role_exists(conn, login):
            conn.execute(f"CREATE ROLE {q(login)} LOGIN")
        conn.execute(f"GRANT {q(group)} TO {q(login)}")
        conn.executemany(f"INSERT INTO {TOWNSHIP_LOGINS} (login, township_code) VALUES (?, ?) ON CONFLICT DO NOTHING",
                         [(login, code) for code in townships])


def revoke(store, login: str, group: str = "") -> list:
    """Take ``login`` out of ``group`` (all weipian groups when blank) and forget its townships when it
    leaves the township group; returns the groups it left. Takes effect at once, also for a session the
    login has open: its next write is refused. The login role itself stays (it may own other work, and the
    audit log still names it); group roles are cluster-wide, so this holds for every store on the server,
    as :func:`grant` does."""
    if group and group not in GROUPS:
        raise RoleError(f"未知的角色组：{group}（可选：{'、'.join(GROUPS)}）")
    with _transaction(store) as conn:
        held = [r[0] for r in conn.execute(
            "SELECT g.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid "
            "JOIN pg_roles m ON m.oid = a.member WHERE m.rolname = ? AND g.rolname = ANY(?) ORDER BY g.rolname",
            (login, [group] if group else list(GROUPS)))]
        if not held:
            raise RoleError(f"账号 {login} 不是{('角色组 ' + group) if group else '任何卫片执法角色组'}的成员，无需撤销")
        for name in held:
            conn.execute(f"REVOKE {q(name)} FROM {q(login)}")
        if TOWNSHIP in held:
            conn.execute(f"DELETE FROM {TOWNSHIP_LOGINS} WHERE login = ?", (login,))
    return held


def memberships(store) -> list:
    """(login, group, township codes) of every member of a weipian group, for the bureau's overview."""
    rows = store.conn.execute(
        "SELECT m.rolname, g.rolname, coalesce((SELECT string_agg(t.township_code, ',' ORDER BY t.township_code) "
        f"FROM {TOWNSHIP_LOGINS} t WHERE t.login = m.rolname), '') "
        "FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid JOIN pg_roles m ON m.oid = a.member "
        "WHERE g.rolname = ANY(?) ORDER BY m.rolname, g.rolname", (list(GROUPS),)).fetchall()
    return [(login, group, codes.split(",") if codes else []) for login, group, codes in rows]
