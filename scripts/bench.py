"""`make bench`: weipian's overlay analysis against its peers, measured in the same run on the same files.

Every contender runs in a process of its own, started from this small launcher (the data are generated
in a child too), and reports its own peak resident memory (VmHWM, which starts afresh at exec), so no
contender is charged for memory another process held. The county's DLTB is delivered as a FileGDB (as
counties receive it) and as a shapefile, the other layers as shapefiles.

  read floor       just reading every input file (pyogrio → shapely), nothing computed
  weipian          the full analysis: read the reference layers, overlay every patch, suggest, write the
                   store; "first run" registers every layer (copies it beside the store), the next runs
                   read the registered copies near the patches
  geopandas        geopandas.overlay(patches, layer, 'intersection') per layer, then area per patch and class
  qgis chain       native:intersection per layer (what a technician runs), then area per patch and class
Peers that exceed --peer-timeout are stopped and reported as "> timeout", so ratios are lower bounds.

Cases (--cases, each size's in this order): county, the whole county (every patch against every layer);
month, the monthly batch (1,000 patches against the same county, the job a county repeats); register,
registering the DLTB delivered as FileGDB and as shapefile against one geopandas read of the file;
import, importing the county's patches into a new store. Then review, on an analysed 20,000-patch
store: opening the review dock and moving to the next patch, one 套合图 (overlay figure), and the whole
图斑台账 ledger, against their targets. A focused run: ``scripts/bench.py --sizes large --cases import``.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "build" / "bench"
SIZES = {"small": (5_000, 200_000), "large": (100_000, 2_000_000)}
MONTHLY = 1_000
CASES = ("county", "month", "register", "import", "review")
REVIEW_SIZE = (20_000, 200_000)
LAYERS = {"landuse": "DLTB.gdb", "basic_farmland": "永久基本农田.shp", "approvals": "建设用地审批.shp",
          "supply": "供地.shp", "registration": "不动产登记.shp", "facility": "设施农用地备案.shp",
          "temporary": "临时用地.shp", "mining": "采矿权.shp", "eco_redline": "生态保护红线.shp",
          "townships": "乡镇.shp"}
DLTB_SHAPEFILE = Path("DLTB_shp") / "DLTB.shp"
PATCHES = Path("batches") / "监测图斑.shp"
MONTH = Path("batches") / "月度批次.shp"
# the field a technician aggregates by, per layer (DLTB by land class; others by document number)
CLASS_FIELD = {"landuse": "DLBM", "approvals": "PZWH", "supply": "GDBH", "registration": "BDCQZH",
               "facility": "BAH", "temporary": "PZWH", "mining": "XKZH", "townships": "XZQDM"}


def work_generate(folder: Path, size: str) -> dict:
    """The county (DLTB as GeoPackage), then the FileGDB and shapefile deliveries and the monthly batch."""
    import pyogrio.raw
    from sample_county import generate_bench

    n_patches, n_dltb = SIZES[size]
    t = time.perf_counter()
    generate_bench(folder, n_patches, n_dltb, seed=7)
    meta, _, wkb, values = pyogrio.raw.read(str(folder / "reference" / "DLTB.gpkg"))
    for path, driver, options in ((folder / "reference" / "DLTB.gdb", "OpenFileGDB", {}),
                                  (folder / "reference" / DLTB_SHAPEFILE, "ESRI Shapefile", {"encoding": "UTF-8"})):
        path.parent.mkdir(parents=True, exist_ok=True)
        pyogrio.raw.write(str(path), wkb, values, list(meta["fields"]), driver=driver, crs=meta["crs"],
                          geometry_type="Polygon", layer="DLTB", **options)
    del wkb, values
    meta, _, wkb, values = pyogrio.raw.read(str(folder / PATCHES), max_features=MONTHLY)
    pyogrio.raw.write(str(folder / MONTH), wkb, values, list(meta["fields"]), driver="ESRI Shapefile",
                      crs=meta["crs"], geometry_type="Polygon", encoding="UTF-8")
    (folder / "ready").write_text("ok")
    return {"seconds": time.perf_counter() - t}


def data_dir(size: str) -> Path:
    n_patches, n_dltb = SIZES[size]
    folder = BENCH_DIR / f"{n_patches}_{n_dltb}_v2"
    if not (folder / "ready").exists():
        r = run_child("generate", folder, 24 * 3600, size)
        print(f"  generated {size} data in {r['seconds']:.0f} s → {folder}", flush=True)
    return folder


def layer_paths(folder: Path, dltb: str = "gdb") -> dict:
    paths = {role: folder / "reference" / name for role, name in LAYERS.items()}
    if dltb == "shp":
        paths["landuse"] = folder / "reference" / DLTB_SHAPEFILE
    return paths


# -- workers (run in child processes) ---------------------------------------------------------------
# Each worker imports its libraries first and times only its work, so no contender pays for imports.
def work_read_floor(folder: Path, case: str) -> dict:
    import pyogrio.raw
    import shapely

    t = time.perf_counter()
    n = 0
    for path in [folder / (MONTH if case == "month" else PATCHES), *layer_paths(folder).values()]:
        _, _, wkb, _ = pyogrio.raw.read(str(path))
        n += len(shapely.from_wkb(wkb))
    return {"seconds": time.perf_counter() - t, "features": n}


def work_weipian_first(folder: Path, case: str) -> dict:
    """Import, then a first run (registers every layer). Layer warnings (a monthly batch far from every
    mine) are allowed: the bench measures speed."""
    from weipian_plugin.core.analysis.run import run_analysis
    from weipian_plugin.core.intake.importer import create_store_for, import_patches

    patches = folder / (MONTH if case == "month" else PATCHES)
    store_path = folder / f"bench_store_{case}.gpkg"
    for stale in (store_path, store_path.with_name(store_path.stem + ".ref.gpkg")):
        stale.unlink(missing_ok=True)
    t = time.perf_counter()
    store = create_store_for(store_path, patches)
    import_patches(store, patches, "bench")
    import_seconds = time.perf_counter() - t
    t = time.perf_counter()
    run_analysis(store, layer_paths(folder), allow_warnings=True)
    seconds = time.perf_counter() - t
    store.close()
    return {"seconds": seconds, "import_seconds": import_seconds}


def work_import(folder: Path, case: str) -> dict:
    """Importing the county's patches into a new store (creating the store reads the file too)."""
    import pyogrio.raw  # noqa: F401  (the importer imports it on first use: not part of the timed work)

    from weipian_plugin.core.intake.importer import create_store_for, import_patches

    store_path = folder / "bench_store_import.gpkg"
    store_path.unlink(missing_ok=True)
    t = time.perf_counter()
    with create_store_for(store_path, folder / PATCHES) as store:
        result = import_patches(store, folder / PATCHES, "bench")
    return {"seconds": time.perf_counter() - t, "patches": result.imported}


def work_weipian(folder: Path, case: str) -> dict:
    """The timed run from the registered copies, in a process of its own (its own peak memory)."""
    from weipian_plugin.core.analysis.run import run_analysis
    from weipian_plugin.core.store.workstore import WorkStore

    with WorkStore.open(folder / f"bench_store_{case}.gpkg") as store:
        t = time.perf_counter()
        summary = run_analysis(store, layer_paths(folder), batch="bench", allow_warnings=True)
        return {"seconds": time.perf_counter() - t, "patches": summary.analyzed}


def work_register(folder: Path, case: str) -> dict:
    """Registering the DLTB alone (the first month's extra cost), from the FileGDB or the shapefile."""
    from weipian_plugin.core.analysis import overlay
    from weipian_plugin.core.intake.reference import ReferenceCache

    cache_file = folder / f"register_{case}.ref.gpkg"
    cache_file.unlink(missing_ok=True)
    t = time.perf_counter()
    data, _ = ReferenceCache(cache_file, 4527).load("landuse", str(layer_paths(folder, case)["landuse"]),
                                                   overlay.role_fields("landuse"))
    return {"seconds": time.perf_counter() - t, "features": len(data)}


def work_geopandas_read(folder: Path, case: str) -> dict:
    import geopandas as gpd

    t = time.perf_counter()
    frame = gpd.read_file(layer_paths(folder, case)["landuse"], engine="pyogrio")
    return {"seconds": time.perf_counter() - t, "features": len(frame)}


def work_geopandas(folder: Path, case: str) -> dict:
    import geopandas as gpd

    t = time.perf_counter()
    path = folder / (MONTH if case == "month" else PATCHES)
    patches = gpd.read_file(path, engine="pyogrio")[["JCBH", "geometry"]]
    rows = 0
    for role, path in layer_paths(folder).items():
        layer = gpd.read_file(path, engine="pyogrio")
        keep = [c for c in (CLASS_FIELD.get(role),) if c and c in layer.columns]
        pieces = gpd.overlay(patches, layer[keep + ["geometry"]], how="intersection", keep_geom_type=True)
        pieces["area"] = pieces.geometry.area
        rows += len(pieces.groupby(["JCBH"] + keep)["area"].sum())
    return {"seconds": time.perf_counter() - t, "rows": rows}


def work_qgis(folder: Path, case: str) -> dict:
    from qgis.core import QgsApplication, QgsVectorLayer

    app = QgsApplication([], False)
    app.initQgis()
    sys.path.append("/usr/share/qgis/python/plugins")
    import processing
    from processing.core.Processing import Processing

    Processing.initialize()
    t = time.perf_counter()
    patches = QgsVectorLayer(str(folder / (MONTH if case == "month" else PATCHES)), "patches", "ogr")
    rows = 0
    for role, path in layer_paths(folder).items():
        overlay = QgsVectorLayer(str(path), role, "ogr")
        out = processing.run("native:intersection", {"INPUT": patches, "OVERLAY": overlay,
                                                      "OUTPUT": "TEMPORARY_OUTPUT"})["OUTPUT"]
        field = CLASS_FIELD.get(role)
        totals: dict = {}
        for feature in out.getFeatures():
            key = (feature["JCBH"], feature[field] if field else None)
            totals[key] = totals.get(key, 0.0) + feature.geometry().area()
        rows += len(totals)
    return {"seconds": time.perf_counter() - t, "rows": rows}


def work_review_store(store_path: Path, case: str = "") -> dict:
    """An analysed 20,000-patch store (built once, reused)."""
    from sample_county import generate_bench

    from weipian_plugin.core.analysis.run import run_analysis
    from weipian_plugin.core.intake.importer import create_store_for, import_patches

    folder = store_path.parent
    generate_bench(folder, *REVIEW_SIZE, seed=11)
    tmp = folder / "building.gpkg"
    tmp.unlink(missing_ok=True)
    with create_store_for(tmp, folder / PATCHES) as store:
        import_patches(store, folder / PATCHES, "bench")
        run_analysis(store, {**layer_paths(folder), "landuse": folder / "reference" / "DLTB.gpkg"},
                     allow_warnings=True)
    tmp.rename(store_path)
    return {}


def review_store() -> Path:
    store_path = BENCH_DIR / f"review_{REVIEW_SIZE[0]}_{REVIEW_SIZE[1]}" / "review_store.gpkg"
    if not store_path.exists():
        store_path.parent.mkdir(parents=True, exist_ok=True)
        run_child("review store", store_path, 24 * 3600)
    return store_path


def work_review_dock(store_path: Path, case: str = "") -> dict:
    import statistics

    from pytest_qgis.mock_qgis_classes import MockMessageBar
    from pytest_qgis.qgis_interface import QgisInterface
    from qgis.core import QgsApplication
    from qgis.gui import QgsMapCanvas
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtWidgets import QMainWindow

    app = QgsApplication([], True)
    app.initQgis()
    window = QMainWindow()
    canvas = QgsMapCanvas(window)
    window.setCentralWidget(canvas)
    iface = QgisInterface(canvas, MockMessageBar(), window)
    from weipian_plugin.gui.review_dock import ReviewDock

    start = time.perf_counter()
    dock = ReviewDock(iface, str(store_path))
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.show()
    app.processEvents()
    opened = time.perf_counter() - start
    dock.tableView.setCurrentIndex(dock.proxy.index(0, 0))
    steps = []
    for _ in range(50):
        t = time.perf_counter()
        dock.step(1)
        app.processEvents()
        steps.append(time.perf_counter() - t)
    dock.shutdown()
    return {"open_s": opened, "next_ms": 1000 * statistics.median(steps), "next_max_ms": 1000 * max(steps)}


def work_figures(store_path: Path, case: str = "") -> dict:
    import sqlite3

    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    from weipian_plugin.exporters.figures import export_figures

    fids = [r[0] for r in sqlite3.connect(store_path).execute("SELECT fid FROM patches ORDER BY fid LIMIT 20")]
    out = store_path.parent / "figures"
    t = time.perf_counter()
    written = export_figures(str(store_path), out, fmt="png", fids=fids)
    return {"per_figure_s": (time.perf_counter() - t) / len(written)}


def work_ledger(store_path: Path, case: str = "") -> dict:
    from weipian_plugin.core.store.workstore import WorkStore
    from weipian_plugin.exporters.xlsx import write_ledger

    with WorkStore.open(store_path) as store:
        t = time.perf_counter()
        write_ledger(store, store_path.parent / "ledger.xlsx")
        return {"ledger_s": time.perf_counter() - t}


REVIEW_WORKERS = {"review dock": work_review_dock, "figures": work_figures, "ledger": work_ledger}
WORKERS = {"generate": work_generate, "read floor": work_read_floor, "weipian first": work_weipian_first,
           "weipian": work_weipian, "import": work_import,
           "register": work_register, "geopandas read": work_geopandas_read, "geopandas": work_geopandas,
           "qgis chain": work_qgis, "review store": work_review_store, **REVIEW_WORKERS}
PEERS = ("geopandas", "qgis chain", "geopandas read")


def peak_mb() -> float:
    """This process's peak resident memory: VmHWM starts afresh at exec, unlike the rusage maximum that a
    child forked from a big parent inherits."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(name: str, data: Path, timeout: float, case: str = "") -> dict:
    """Run one contender in a fresh process; its own time and peak memory, or a timeout."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "build" / "stage"), str(ROOT / "scripts")]),
           "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([sys.executable, __file__, "--worker", name, "--data", str(data), "--case", case],
                            stdout=subprocess.PIPE, env=env, text=True)
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return {"seconds": None, "timeout": timeout, "peak_mb": None}
    if proc.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{output}")
    return json.loads(output.strip().splitlines()[-1])


def fmt_seconds(r: dict, key: str = "seconds") -> str:
    return f"> {r['timeout']:.0f}" if r["seconds"] is None else f"{r[key]:.1f}"


def fmt_mb(r: dict) -> str:
    return "" if r.get("peak_mb") is None else f"{r['peak_mb']:,.0f}"


def ratio(peer: dict, ours: float) -> str:
    if peer["seconds"] is None:
        return f"≥ {peer['timeout'] / ours:.1f}×"
    return f"{peer['seconds'] / ours:.1f}×"


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    load = os.getloadavg()[0]
    return f"{os.cpu_count()} cores ({cpu}), {mem / 1024 ** 2:.0f} GB, load average {load:.1f} at the start"


def overlay_rows(size: str, timeout: float, lines: list, cases: list) -> None:
    n_patches, n_dltb = SIZES[size]
    folder = data_dir(size)
    county = f"{n_patches:,} / {n_dltb:,} DLTB"
    month = f"monthly {MONTHLY:,} / {n_dltb:,} DLTB"

    def run(label: str, name: str, case: str) -> dict:
        r = run_child(name, folder, timeout if name in PEERS else 24 * 3600, case)
        print(f"  {label:34s} {name:15s} {fmt_seconds(r):>8s} s  peak {fmt_mb(r)} MB", flush=True)
        return r

    print(f"{county}:", flush=True)
    for case, label in (("county", county), ("month", month)):
        if case not in cases:
            continue
        first = run(label, "weipian first", case)
        ours = run(label, "weipian", case)
        results = {name: run(label, name, case) for name in ("geopandas", "qgis chain", "read floor")}
        lines.append(f"| {label} | weipian (layers registered) | {ours['seconds']:.1f} | {fmt_mb(ours)} | — |")
        lines.append(f"| {label} | weipian import, then first run (registers every layer) | "
                     f"{first['import_seconds']:.1f} + {first['seconds']:.1f} | {fmt_mb(first)} | "
                     f"{first['seconds'] / ours['seconds']:.1f}× |")
        for name, r in results.items():
            vs = f"weipian = {ours['seconds'] / r['seconds']:.2f}× the floor" if name == "read floor" else ratio(
                r, ours["seconds"])
            lines.append(f"| {label} | {name} | {fmt_seconds(r)} | {fmt_mb(r)} | {vs} |")
    for case, label in (("gdb", "FileGDB"), ("shp", "shapefile")) if "register" in cases else ():
        ours = run(f"register DLTB ({label})", "register", case)
        peer = run(f"register DLTB ({label})", "geopandas read", case)
        what = f"DLTB {n_dltb:,} as {label}"
        lines.append(f"| {what} | weipian registration | {ours['seconds']:.1f} | {fmt_mb(ours)} | — |")
        lines.append(f"| {what} | geopandas read_file | {fmt_seconds(peer)} | {fmt_mb(peer)} | "
                     f"{ratio(peer, ours['seconds'])} |")
    if "import" in cases:
        ours = run(f"import {n_patches:,} patches", "import", "")
        lines.append(f"| import {n_patches:,} patches | weipian | {ours['seconds']:.1f} | {fmt_mb(ours)} | |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="small,large", help="overlay sizes to run, or 'none'")
    parser.add_argument("--cases", default=",".join(CASES), help=f"cases to run, of {', '.join(CASES)}")
    parser.add_argument("--peer-timeout", type=float, default=900.0)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--case", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        result = WORKERS[args.worker](args.data, args.case)
        print(json.dumps({**result, "peak_mb": peak_mb()}))
        return 0

    lines = [f"Machine: {machine()}.", "",
             "| case | contender | time (s) | peak memory (MB) | slower than weipian by |", "|---|---|---|---|---|"]
    cases = args.cases.split(",")
    unknown = set(cases) - set(CASES)
    if unknown:
        parser.error(f"unknown cases {', '.join(sorted(unknown))}; choose from {', '.join(CASES)}")
    for size in [] if args.sizes == "none" else args.sizes.split(","):
        overlay_rows(size, args.peer_timeout, lines, cases)
    if "review" in cases:
        review_rows(lines)
    table = "\n".join(lines)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    (BENCH_DIR / "results.md").write_text(table + "\n", encoding="utf-8")
    print("\n" + table)
    return 0


def review_rows(lines: list) -> None:
    print("Review and outputs on an analysed 20,000-patch store:", flush=True)
    store_path = review_store()
    measured = {}
    for name in REVIEW_WORKERS:
        measured.update(run_child(name, store_path, 3600))
    lines += ["", "| 20,000-patch store | measured | target | met |", "|---|---|---|---|"]
    for label, key, unit, target in (("open the review dock", "open_s", "s", 2.0),
                                     ("next patch (median of 50)", "next_ms", "ms", 100.0),
                                     ("one overlay figure 套合图 (PNG)", "per_figure_s", "s", 1.0),
                                     ("whole 图斑台账 ledger", "ledger_s", "s", 10.0)):
        value = measured[key]
        lines.append(f"| {label} | {value:.2f} {unit} | < {target:g} {unit} | {'yes' if value < target else 'NO'} |")


if __name__ == "__main__":
    sys.exit(main())
