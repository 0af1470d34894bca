"""Roles and row-level security of a shared PostGIS store, proven with real logins."""
import psycopg2
import pytest
from psycopg2.extensions import make_dsn

from weipian_plugin.core.store import pgroles

LOGINS = ("wp_tech", "wp_rev", "wp_town_a", "wp_view")


def _store(dsn):
    """Two townships' patches with one rectification each."""
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("""
CREATE TABLE batches (id serial PRIMARY KEY, name text UNIQUE);
CREATE TABLE patches (fid serial PRIMARY KEY, batch_id int REFERENCES batches(id), jcbh text,
  township_code text, split_state text DEFAULT '', updated_at text, due_date text, review_note text);
CREATE TABLE determinations (patch_fid int PRIMARY KEY REFERENCES patches(fid), result text);
CREATE TABLE rectifications (patch_fid int PRIMARY KEY REFERENCES patches(fid), case_number text);
CREATE TABLE analysis (patch_fid int PRIMARY KEY REFERENCES patches(fid), suggestion text);
INSERT INTO batches (name) VALUES ('2026-01');
INSERT INTO patches (batch_id, jcbh, township_code) VALUES (1, 'A1', '500118001'), (1, 'B1', '500118002');
INSERT INTO rectifications VALUES (1, NULL), (2, NULL);""")
    conn.close()


@pytest.fixture
def roles_store(pg_database):
    _store(pg_database)
    admin = psycopg2.connect(pg_database)
    pgroles.install(admin)
    pgroles.grant(admin, "wp_tech", pgroles.TECHNICIAN)
    pgroles.grant(admin, "wp_rev", pgroles.REVIEWER)
    pgroles.grant(admin, "wp_town_a", pgroles.TOWNSHIP, townships=["500118001"])
    pgroles.grant(admin, "wp_view", pgroles.VIEWER)
    yield pg_database, admin
    admin.close()
    # Login roles are cluster-wide: drop them with the database's grants so the next test starts clean.
    drop = psycopg2.connect(pg_database)
    drop.autocommit = True
    with drop.cursor() as cur:
        for login in LOGINS:
            cur.execute(f"DROP OWNED BY {login}; DROP ROLE {login}")
    drop.close()


def as_login(dsn, login):
    conn = psycopg2.connect(make_dsn(dsn, user=login))
    conn.autocommit = True
    return conn


def can(conn, statement, params=()):
    """True when the statement ran; False when PostgreSQL refused it for lack of privilege or by a policy
    (an UPDATE a policy hides changes no row: that is a refusal too)."""
    try:
        with conn.cursor() as cur:
            cur.execute(statement, params)
            return cur.rowcount != 0
    except (psycopg2.errors.InsufficientPrivilege, psycopg2.errors.CheckViolation) as exc:
        assert "permission denied" in str(exc) or "row-level security" in str(exc), exc
        return False


def test_each_group_writes_only_its_own_tables(roles_store):
    dsn, _ = roles_store
    tech, rev, view = (as_login(dsn, n) for n in ("wp_tech", "wp_rev", "wp_view"))
    assert can(tech, "INSERT INTO analysis VALUES (1, '违法')")
    assert can(tech, "UPDATE patches SET jcbh = 'A1x' WHERE fid = 1")
    assert not can(tech, "INSERT INTO determinations VALUES (1, '合法')")
    assert not can(tech, "UPDATE rectifications SET case_number = 'x'")

    assert can(rev, "INSERT INTO determinations VALUES (1, '违法')")
    assert can(rev, "UPDATE rectifications SET case_number = '永规资罚〔2026〕1号' WHERE patch_fid = 2")
    assert can(rev, "UPDATE patches SET split_state = '被拆分' WHERE fid = 2")
    assert not can(rev, "UPDATE patches SET jcbh = 'forged' WHERE fid = 2")
    assert not can(rev, "INSERT INTO analysis VALUES (2, '合法')")

    for statement in ("INSERT INTO determinations VALUES (2, '合法')", "UPDATE rectifications SET case_number = 'x'",
                      "UPDATE patches SET split_state = ''", "DELETE FROM analysis"):
        assert not can(view, statement)
    with view.cursor() as cur:
        cur.execute("SELECT count(*) FROM patches JOIN rectifications r ON r.patch_fid = fid")
        assert cur.fetchone()[0] == 2
    for conn in (tech, rev, view):
        conn.close()


def test_township_fills_in_only_its_own_patches(roles_store):
    dsn, admin = roles_store
    town = as_login(dsn, "wp_town_a")
    assert can(town, "UPDATE rectifications SET case_number = '甲镇立案1号' WHERE patch_fid = 1")
    assert not can(town, "UPDATE rectifications SET case_number = '越权' WHERE patch_fid = 2")
    assert not can(town, "UPDATE rectifications SET patch_fid = 2 WHERE patch_fid = 1")  # moving a row out
    assert not can(town, "INSERT INTO determinations VALUES (1, '合法')")
    assert not can(town, "DELETE FROM rectifications WHERE patch_fid = 1")
    with town.cursor() as cur:
        cur.execute("SELECT patch_fid, case_number FROM rectifications ORDER BY patch_fid")
        assert cur.fetchall() == [(1, "甲镇立案1号"), (2, None)]  # reads every township, writes its own
    # A second township given to the same login later is writable from then on.
    pgroles.grant(admin, "wp_town_a", pgroles.TOWNSHIP, townships=["500118002"])
    assert can(town, "UPDATE rectifications SET case_number = '乙镇立案1号' WHERE patch_fid = 2")
    town.close()


def test_township_cannot_widen_its_own_mapping(roles_store):
    dsn, _ = roles_store
    town = as_login(dsn, "wp_town_a")
    assert not can(town, "INSERT INTO township_logins VALUES ('wp_town_a', '500118002')")
    assert not can(town, "UPDATE township_logins SET township_code = '500118002'")
    town.close()


def test_install_is_idempotent_and_lists_members(roles_store):
    _, admin = roles_store
    pgroles.install(admin)
    got = {login: (group, codes) for login, group, codes in pgroles.memberships(admin) if login in LOGINS}
    assert got == {"wp_tech": (pgroles.TECHNICIAN, []), "wp_rev": (pgroles.REVIEWER, []),
                   "wp_town_a": (pgroles.TOWNSHIP, ["500118001"]), "wp_view": (pgroles.VIEWER, [])}


def test_bad_requests_are_refused_in_chinese(roles_store):
    _, admin = roles_store
    with pytest.raises(pgroles.RoleError, match="乡镇代码"):
        pgroles.grant(admin, "wp_town_a", pgroles.TOWNSHIP)
    with pytest.raises(pgroles.RoleError, match="未知的角色组"):
        pgroles.grant(admin, "wp_view", "weipian_admin")
