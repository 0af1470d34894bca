"""Stand-in for the PostgreSQL harness of issue 16b until it is on main (then this file goes): a throwaway
cluster under build/pg-dev started once per session as the ``postgres`` user, and ``pg_database``, a
fresh database with PostGIS per test, as a libpq connection string."""
from __future__ import annotations

import itertools
import os
import shutil
import subprocess
from pathlib import Path

import pytest

BIN = Path("/usr/lib/postgresql/15/bin")
ROOT = Path(__file__).resolve().parent.parent / "build" / "pg-dev"
PORT = 5496 + os.getpid() % 200
_names = itertools.count(1)


def _as_postgres(*args):
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run(prefix + [str(a) for a in args], check=True, capture_output=True)


@pytest.fixture(scope="session")
def _pg_cluster():
    if not (BIN / "initdb").exists():
        pytest.skip("PostgreSQL 15 server binaries are not installed (make setup)")
    psycopg2 = pytest.importorskip("psycopg2")
    data, sock = ROOT / f"data-{PORT}", ROOT / f"sock-{PORT}"
    shutil.rmtree(data, ignore_errors=True)
    sock.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(ROOT, "postgres")
        shutil.chown(sock, "postgres")
    _as_postgres(BIN / "initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale", "C.UTF-8")
    _as_postgres(BIN / "pg_ctl", "-D", data, "-w", "-l", data / "log",
                 "-o", f"-p {PORT} -k {sock} -c listen_addresses='' -c fsync=off", "start")
    base = f"host={sock} port={PORT} user=postgres"
    admin = psycopg2.connect(f"{base} dbname=postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("CREATE DATABASE weipian_template")
    template = psycopg2.connect(f"{base} dbname=weipian_template")
    template.autocommit = True
    with template.cursor() as cur:
        cur.execute("CREATE EXTENSION postgis")
    template.close()
    try:
        yield base, admin
    finally:
        admin.close()
        _as_postgres(BIN / "pg_ctl", "-D", data, "-m", "immediate", "stop")
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def pg_database(_pg_cluster):
    base, admin = _pg_cluster
    name = f"weipian_test_{next(_names)}"
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name} TEMPLATE weipian_template")
    yield f"dbname={name} {base}"
    with admin.cursor() as cur:
        cur.execute(f"DROP DATABASE {name} WITH (FORCE)")
