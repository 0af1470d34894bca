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


def _cluster_dirs():
    from pathlib import Path

    return set((Path(__file__).resolve().parent.parent / "build" / "pg").glob("run.*"))


def test_cluster_script_stops_and_removes_its_server_on_failure_and_on_interrupt():
    """scripts/pg_cluster.sh hands on the command's exit status and leaves no server or folder behind,
    also when it is interrupted (Ctrl-C in a terminal sends SIGINT to the whole group)."""
    import os
    import signal
    import subprocess
    import time
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "scripts" / "pg_cluster.sh"
    before = _cluster_dirs()
    failed = subprocess.run([str(script), "sh", "-c", 'psql -Atc "SELECT 1" "$WEIPIAN_TEST_PG dbname=postgres" '
                             "&& exit 3"], capture_output=True, text=True, timeout=120)
    assert failed.returncode == 3, failed.stderr
    assert _cluster_dirs() == before

    run = subprocess.Popen([str(script), "sleep", "60"], stdout=subprocess.PIPE, text=True, start_new_session=True)
    started = run.stdout.readline()  # the address line: the server is up
    assert "WEIPIAN_TEST_PG" not in started and "host=" in started
    socket_dir = started.split("host=")[1].split()[0]
    os.killpg(run.pid, signal.SIGINT)
    assert run.wait(timeout=60) != 0
    deadline = time.time() + 10
    while Path(socket_dir).exists() and time.time() < deadline:
        time.sleep(0.2)
    assert not Path(socket_dir).exists() and _cluster_dirs() == before
    run_dir = str(Path(socket_dir).parent)
    servers = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _cmdline(p).find(run_dir) >= 0]
    assert servers == []


def _cmdline(proc) -> str:
    try:
        return (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:  # the process ended meanwhile
        return ""
