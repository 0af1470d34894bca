"""The PostgreSQL test harness itself: each test gets its own fresh PostGIS database."""
import psycopg2


def test_fresh_database_has_postgis_and_nothing_else(pg_database):
    with psycopg2.connect(pg_database) as conn, conn.cursor() as cur:
        cur.execute("SELECT ST_Area(ST_GeomFromText('POLYGON((0 0,3 0,3 2,0 2,0 0))'))")
        assert cur.fetchone()[0] == 6.0
        cur.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'spatial_ref_sys'")
        assert cur.fetchone()[0] == 0
        cur.execute("CREATE TABLE left_behind (id int)")
    conn.close()


def test_databases_are_not_shared_between_tests(pg_database):
    with psycopg2.connect(pg_database) as conn, conn.cursor() as cur:
        cur.execute("SELECT to_regclass('public.left_behind')")
        assert cur.fetchone()[0] is None
    conn.close()


def test_an_unreachable_server_fails_instead_of_skipping(tmp_path):
    """With the address set (as `make test` does) a server that is not there is an error, not a skip."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = dict(os.environ, WEIPIAN_TEST_PG=f"host={tmp_path} port=1 user=nobody")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          f"{Path(__file__)}::test_databases_are_not_shared_between_tests"],
                         env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stdout
    assert "does not answer" in run.stdout
