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


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviewers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--patches", type=int, default=50, help="patches the reviewers share (few: many races)")
    parser.add_argument("--think", type=float, default=0.1, help="mean pause between reading and saving (s)")
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
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
