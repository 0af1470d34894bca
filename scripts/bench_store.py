"""`make bench-store` (part of `make bench`): many reviewers saving determinations on one PostGIS store.

N reviewer processes (8 by default), each with its own connection and login role, save determinations for
a fixed time on a shared set of patches, small enough that they often save the same patch at once. Every
save goes through core/review/records.save_determination with the row it read; a ConflictError is the
store's answer to a race (the reviewer reads the row again and saves once more, as a person would after
seeing the change). Each save writes a unique token into 项目名称 and remembers the token it read, so the
audit log proves afterwards, patch by patch, that every acknowledged save was based on the one before it:

  lost updates  acknowledged saves overwritten by a save that had not seen them, or missing from the log
  raw errors    any exception other than a ConflictError (a driver error, a deadlock, a refused trigger)
  save time     wall time of save_determination, including its transaction, as a reviewer waits for it

Then the province: one database holding 100 counties' stores (one schema each, addressed through the
address's search_path) of 20,000 analysed patches, a tenth of them judged; for one county, the review
dock's patch list (core/review/worklist.patch_rows, what the dock reads when it opens) against < 2 s and
the whole 图斑台账 workbook against < 10 s. --counties 0 skips it.

Needs a server: run it through scripts/pg_cluster.sh (as the Makefile does) or set WEIPIAN_TEST_PG.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT / "build" / "stage", ROOT / "scripts"):
    sys.path.insert(0, str(path))

EPSG = 4527
RESULT = {"result": "违法", "subtype": "非农违法", "violation_category": "新增"}


def admin(dsn: str, dbname: str = "postgres"):
    import psycopg2

    conn = psycopg2.connect(f"{dsn} dbname={dbname}")
    conn.autocommit = True
    return conn


def make_store(server: str, patches: int, reviewers: int) -> str:
    """A fresh database with a store of ``patches`` squares in one batch; the reviewers' login roles."""
    from weipian_plugin.core.store import pgroles
    from weipian_plugin.core.store.workstore import WorkStore

    name = f"weipian_bench_{uuid.uuid4().hex[:8]}"
    conn = admin(server)
    conn.cursor().execute(f'CREATE DATABASE "{name}"')
    conn.close()
    conn = admin(server, name)
    conn.cursor().execute("CREATE EXTENSION postgis")
    conn.close()
    address = f"postgresql:{server} dbname={name}"
    squares = [(39500000 + 100 * (i % 100), 3300000 + 100 * (i // 100)) for i in range(patches)]
    with WorkStore.create(address, EPSG, "压测县", "500118", 2026) as store:
        with store.transaction("压测准备") as c:
            c.execute("INSERT INTO batches (name, imported_at) VALUES ('2026-01', '2026-01-31T00:00:00')")
            batch = c.execute("SELECT id FROM batches").fetchone()[0]
            # 50 m squares 100 m apart in the zone's easting/northing range: 2500 m² = 3.75 亩 each
            c.executemany(
                "INSERT INTO patches (geom, batch_id, jcbh, area_m2, area_mu, township_code) VALUES "
                "(ST_Multi(ST_MakeEnvelope(?, ?, ?, ?, ?)), ?, ?, 2500, 3.75, '500118001')",
                [(x, y, x + 50, y + 50, EPSG, batch, f"BENCH{i:05d}") for i, (x, y) in enumerate(squares)])
        pgroles.install(store)
        for i in range(reviewers):
            pgroles.grant(store, f"bench_reviewer_{i}", pgroles.REVIEWER)
    return name


def drop_store(server: str, name: str, reviewers: int) -> None:
    conn = admin(server)
    cur = conn.cursor()
    cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    for i in range(reviewers):
        cur.execute(f"DROP ROLE IF EXISTS bench_reviewer_{i}")
    conn.close()


def work_reviewer(address: str, index: int, until: float, think: float, out: Path) -> None:
    """One reviewer: read a random patch's determination, think, save a new token on top of what was read."""
    from weipian_plugin.core.review import records
    from weipian_plugin.core.store.workstore import WorkStore

    rng = random.Random(index)
    store = WorkStore.open(address)
    fids = [r[0] for r in store.conn.execute("SELECT fid FROM patches ORDER BY fid")]
    saves, conflicts, errors = [], 0, []
    n = 0
    while time.time() < until:
        fid = rng.choice(fids)
        base = records.load_determination(store, fid)
        time.sleep(rng.uniform(0, 2 * think))
        while True:
            token = f"r{index}-{n}"
            n += 1
            t = time.perf_counter()
            try:
                records.save_determination(store, fid, {**RESULT, "project_name": token}, f"审核人{index}", base=base)
            except records.ConflictError as exc:
                conflicts += 1
                base = exc.current  # seen what changed; keep this reviewer's value on top of it
                continue
            except Exception as exc:  # noqa: BLE001 - every other failure is what this test counts
                errors.append(f"{type(exc).__name__}: {exc}")
                break
            saves.append({"fid": fid, "token": token, "read": base.get("project_name"),
                          "seconds": time.perf_counter() - t})
            break
    store.close()
    out.write_text(json.dumps({"saves": saves, "conflicts": conflicts, "errors": errors}, ensure_ascii=False))


def lost_updates(address: str, saves: list) -> list:
    """Acknowledged saves the audit log does not show in an unbroken chain of reads and writes."""
    from weipian_plugin.core.store.workstore import WorkStore

    store = WorkStore.open(address)
    logged = {}
    for fid, new in store.conn.execute(
            "SELECT patch_fid, new_values FROM audit_log WHERE table_name = 'determinations' ORDER BY id"):
        logged.setdefault(fid, []).append(json.loads(new)["project_name"])
    final = dict(store.conn.execute("SELECT patch_fid, project_name FROM determinations").fetchall())
    store.close()
    acknowledged = {s["token"]: s for s in saves}
    lost = [t for t in acknowledged if t not in {x for chain in logged.values() for x in chain}]
    for fid, chain in logged.items():
        previous = None
        for token in chain:
            save = acknowledged.get(token)
            if save is not None and save["read"] != previous:
                lost.append(f"{previous}（被 {token} 覆盖，它读到的是 {save['read']}）")
            previous = token
        if final.get(fid) != chain[-1]:
            lost.append(f"图斑 {fid} 的最终值 {final.get(fid)} 不是最后一次保存 {chain[-1]}")
    return lost


def percentile(values: list, q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


def reviewers_run(server: str, reviewers: int, seconds: float, patches: int, think: float) -> dict:
    name = make_store(server, patches, reviewers)
    work = ROOT / "build" / "bench" / "store"
    work.mkdir(parents=True, exist_ok=True)
    try:
        until = time.time() + 5 + seconds  # every process has started and opened the store by then
        start = until - seconds
        procs, outs = [], []
        for i in range(reviewers):
            address = f"postgresql:{server} dbname={name} user=bench_reviewer_{i}"
            out = work / f"reviewer_{i}.json"
            out.unlink(missing_ok=True)
            outs.append(out)
            procs.append(subprocess.Popen([sys.executable, __file__, "--worker", str(i), "--address", address,
                                           "--until", repr(until), "--start", repr(start), "--think", repr(think),
                                           "--out", str(out)]))
        for proc in procs:
            proc.wait(timeout=seconds + 120)
        results = [json.loads(o.read_text()) if o.exists() else {"saves": [], "conflicts": 0,
                                                                   "errors": ["reviewer process died"]}
                   for o in outs]
        saves = [s for r in results for s in r["saves"]]
        from weipian_plugin.core.store import audit
        from weipian_plugin.core.store.workstore import WorkStore

        address = f"postgresql:{server} dbname={name}"
        lost = lost_updates(address, saves)
        with WorkStore.open(address) as store:
            chain = audit.verify(store.conn)
        times = [s["seconds"] for s in saves]
        return {"reviewers": reviewers, "seconds": seconds, "patches": patches, "saves": len(saves),
                "conflicts": sum(r["conflicts"] for r in results), "errors": [e for r in results for e in r["errors"]],
                "lost": lost, "p50": percentile(times, 0.5), "p95": percentile(times, 0.95),
                "max": max(times, default=float("nan")), "chain_ok": chain.ok, "chain": chain.text()}
    finally:
        drop_store(server, name, reviewers)


def province_run(server: str, counties: int, patches: int, progress) -> dict:
    """``counties`` stores of ``patches`` each in one database; the dock's list and the ledger of one."""
    from weipian_plugin.core.review.worklist import patch_rows
    from weipian_plugin.core.store.workstore import WorkStore
    from weipian_plugin.exporters.xlsx import write_ledger

    name = f"weipian_province_{uuid.uuid4().hex[:8]}"
    conn = admin(server)
    conn.cursor().execute(f'CREATE DATABASE "{name}"')
    conn.close()
    conn = admin(server, name)
    conn.cursor().execute("CREATE EXTENSION postgis")
    t = time.perf_counter()
    try:
        for c in range(counties):
            schema = f"county_{c:03d}"
            conn.cursor().execute(f"CREATE SCHEMA {schema}")
            address = f"postgresql:{server} dbname={name} options='-csearch_path={schema},public'"
            with WorkStore.create(address, EPSG, f"县{c:03d}", f"5001{c:02d}", 2026) as store:
                with store.transaction("省级压测准备") as db:
                    fill_county(db, patches)
            progress(f"  {c + 1}/{counties} counties ({time.perf_counter() - t:.0f} s)")
        built = time.perf_counter() - t
        address = f"postgresql:{server} dbname={name} options='-csearch_path=county_{counties // 2:03d},public'"
        out = ROOT / "build" / "bench" / "store" / "province_ledger.xlsx"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.unlink(missing_ok=True)
        with WorkStore.open(address) as store:
            t = time.perf_counter()
            rows = patch_rows(store)
            dock = time.perf_counter() - t
            t = time.perf_counter()
            write_ledger(store, out)
            ledger = time.perf_counter() - t
        total = conn.cursor()
        total.execute("SELECT sum(n_live_tup) FROM pg_stat_user_tables WHERE relname = 'patches'")
        return {"counties": counties, "patches": int(total.fetchone()[0] or 0), "county_rows": len(rows),
                "dock": dock, "ledger": ledger, "built": built}
    finally:
        conn.close()
        conn = admin(server)
        conn.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()


def fill_county(db, patches: int) -> None:
    """One county's batch of analysed patches (30 m squares on a grid, 600 亩 of them per township), a
    tenth of them judged 违法 — written as SQL, the way the import and the analysis leave them."""
    db.execute("INSERT INTO batches (name, imported_at, patch_count) VALUES ('2026年3月', '2026-03-31T00:00:00', ?)",
               (patches,))
    db.execute(
        "INSERT INTO patches (geom, batch_id, jcbh, xzqdm, tblx, hsx, area_m2, area_mu, township_code, township_name) "
        "SELECT ST_Multi(ST_MakeEnvelope(x, y, x + 30, y + 30, ?)), 1, 'P' || lpad(i::text, 6, '0'), '500118', '20', "
        "'2026-02-01', 900, 1.35, '5001180' || lpad((i % 20)::text, 2, '0'), '第' || (i % 20) || '镇' "
        "FROM (SELECT i, 39500000 + 50 * (i % 200) AS x, 3300000 + 50 * (i / 200) AS y "
        "FROM generate_series(1, ?) i) g", (EPSG, patches))
    db.execute(
        "INSERT INTO analysis (patch_fid, analyzed_at, cultivated_m2, suggestion, suggestion_type, suggestion_reason) "
        "SELECT fid, '2026-04-01T00:00:00', 300, CASE WHEN fid % 3 = 0 THEN '违法' ELSE '合法' END, "
        "CASE WHEN fid % 3 = 0 THEN '非农违法' ELSE '批文' END, '压测' FROM patches")
    db.execute(
        "INSERT INTO determinations (patch_fid, result, subtype, violation_category, illegal_m2, reviewer, reviewed_at) "
        "SELECT fid, '违法', '非农违法', '新增', 900, '压测', '2026-04-02T00:00:00' FROM patches WHERE fid % 10 = 0")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviewers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--patches", type=int, default=50, help="patches the reviewers share (few: many races)")
    parser.add_argument("--think", type=float, default=0.1, help="mean pause between reading and saving (s)")
    parser.add_argument("--counties", type=int, default=100, help="counties of the province check (0: skip it)")
    parser.add_argument("--county-patches", type=int, default=20_000)
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--address", help=argparse.SUPPRESS)
    parser.add_argument("--until", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--start", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        time.sleep(max(0.0, args.start - time.time()))
        work_reviewer(args.address, args.worker, args.until, args.think, args.out)
        return 0
    server = os.environ.get("WEIPIAN_TEST_PG")
    if not server:
        print("bench_store.py: no PostgreSQL server; run it through scripts/pg_cluster.sh (make bench-store)",
              file=sys.stderr)
        return 2
    print(f"Store load test: {args.reviewers} reviewers, {args.seconds:.0f} s, {args.patches} shared patches, "
          f"load average {load_average()} at the start", flush=True)
    r = reviewers_run(server, args.reviewers, args.seconds, args.patches, args.think)
    print("| reviewers | saves | conflicts shown | lost updates | raw errors | save p50 | save p95 | max |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {r['reviewers']} | {r['saves']} | {r['conflicts']} | {len(r['lost'])} | {len(r['errors'])} | "
          f"{1000 * r['p50']:.0f} ms | {1000 * r['p95']:.0f} ms | {1000 * r['max']:.0f} ms |")
    for line in (r["lost"] + r["errors"])[:10]:
        print("  " + line)
    print(f"audit chain after the run: {r['chain'].splitlines()[0]}")
    print(f"load average at the end: {load_average()}")
    met = r["saves"] > 0 and not r["lost"] and not r["errors"] and r["p95"] < 0.2 and r["chain_ok"]
    print(f"target (0 lost, 0 raw errors, p95 < 200 ms, audit chain intact): {'met' if met else 'NOT met'}")
    if args.counties:
        print(f"Province: {args.counties} counties × {args.county_patches} patches in one database", flush=True)
        p = province_run(server, args.counties, args.county_patches, lambda line: print(line, flush=True))
        print("| province | patches | one county | dock list | ledger |")
        print("|---|---|---|---|---|")
        print(f"| {p['counties']} counties | {p['patches']:,} | {p['county_rows']:,} | {p['dock']:.2f} s (< 2 s) | "
              f"{p['ledger']:.2f} s (< 10 s) |")
        print(f"built in {p['built']:.0f} s; load average at the end: {load_average()}")
        met = met and p["dock"] < 2 and p["ledger"] < 10
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
