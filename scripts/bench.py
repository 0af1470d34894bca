"""`make bench`: weipian's overlay analysis against its peers, measured in the same run on the same files.

Contenders, each in its own process (so peak memory is its own, read from the kernel's rusage):
  read floor   just reading every input file (pyogrio → shapely), nothing computed
  weipian      the full analysis: read the reference layers, overlay every patch, suggest, write the store
  geopandas    geopandas.overlay(patches, layer, 'intersection') per layer, then area per patch and class
  qgis chain   native:intersection per layer (what a technician runs), then area per patch and class
Peers that exceed --peer-timeout are stopped and reported as "> timeout", so ratios are lower bounds.

Then, on an analysed 20,000-patch store: opening the review dock and moving to the next patch, one
archive figure, and the whole 图斑台账 ledger, against their targets.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "build" / "bench"
SIZES = {"small": (5_000, 200_000), "large": (100_000, 2_000_000)}
REVIEW_SIZE = (20_000, 200_000)
LAYERS = {"landuse": "DLTB.gpkg", "basic_farmland": "永久基本农田.shp", "approvals": "建设用地审批.shp",
          "supply": "供地.shp", "registration": "不动产登记.shp", "facility": "设施农用地备案.shp",
          "temporary": "临时用地.shp", "mining": "采矿权.shp", "eco_redline": "生态保护红线.shp",
          "townships": "乡镇.shp"}
# the field a technician aggregates by, per layer (DLTB by land class; others by document number)
CLASS_FIELD = {"landuse": "DLBM", "approvals": "PZWH", "supply": "GDBH", "registration": "BDCQZH",
               "facility": "BAH", "temporary": "PZWH", "mining": "XKZH", "townships": "XZQDM"}


def data_dir(size: str) -> Path:
    n_patches, n_dltb = SIZES[size]
    folder = BENCH_DIR / f"{n_patches}_{n_dltb}"
    if not (folder / "ready").exists():
        sys.path.insert(0, str(ROOT / "scripts"))
        from sample_county import generate_bench

        t = time.perf_counter()
        generate_bench(folder, n_patches, n_dltb, seed=7)
        (folder / "ready").write_text("ok")
        print(f"  generated {size} data in {time.perf_counter() - t:.0f} s → {folder}", flush=True)
    return folder


def layer_paths(folder: Path) -> dict:
    return {role: folder / "reference" / name for role, name in LAYERS.items()}


# -- workers (run in child processes) ---------------------------------------------------------------
# Each worker imports its libraries first and times only its work, so no contender pays for imports.
def work_read_floor(folder: Path) -> dict:
    import pyogrio.raw
    import shapely

    t = time.perf_counter()
    n = 0
    for path in [folder / "batches" / "监测图斑.shp", *layer_paths(folder).values()]:
        _, _, wkb, _ = pyogrio.raw.read(str(path))
        n += len(shapely.from_wkb(wkb))
    return {"seconds": time.perf_counter() - t, "features": n}


def work_weipian(folder: Path) -> dict:
    from weipian_plugin.core.analysis.run import run_analysis
    from weipian_plugin.core.intake.importer import create_store_for, import_patches

    store_path = folder / "bench_store.gpkg"
    store_path.unlink(missing_ok=True)
    t = time.perf_counter()
    store = create_store_for(store_path, folder / "batches" / "监测图斑.shp")
    import_patches(store, folder / "batches" / "监测图斑.shp", "bench")
    import_seconds = time.perf_counter() - t
    t = time.perf_counter()
    summary = run_analysis(store, layer_paths(folder))
    seconds = time.perf_counter() - t
    store.close()
    return {"seconds": seconds, "import_seconds": import_seconds, "patches": summary.analyzed}


def work_geopandas(folder: Path) -> dict:
    import geopandas as gpd

    t = time.perf_counter()
    patches = gpd.read_file(folder / "batches" / "监测图斑.shp", engine="pyogrio")[["JCBH", "geometry"]]
    rows = 0
    for role, path in layer_paths(folder).items():
        layer = gpd.read_file(path, engine="pyogrio")
        keep = [c for c in (CLASS_FIELD.get(role),) if c and c in layer.columns]
        pieces = gpd.overlay(patches, layer[keep + ["geometry"]], how="intersection", keep_geom_type=True)
        pieces["area"] = pieces.geometry.area
        rows += len(pieces.groupby(["JCBH"] + keep)["area"].sum())
    return {"seconds": time.perf_counter() - t, "rows": rows}


def work_qgis(folder: Path) -> dict:
    from qgis.core import QgsApplication, QgsVectorLayer

    app = QgsApplication([], False)
    app.initQgis()
    sys.path.append("/usr/share/qgis/python/plugins")
    import processing
    from processing.core.Processing import Processing

    Processing.initialize()
    t = time.perf_counter()
    patches = QgsVectorLayer(str(folder / "batches" / "监测图斑.shp"), "patches", "ogr")
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


def review_store() -> Path:
    """An analysed 20,000-patch store (built once, reused)."""
    n_patches, n_dltb = REVIEW_SIZE
    folder = BENCH_DIR / f"review_{n_patches}_{n_dltb}"
    store_path = folder / "review_store.gpkg"
    if not store_path.exists():
        sys.path.insert(0, str(ROOT / "scripts"))
        from sample_county import generate_bench

        from weipian_plugin.core.analysis.run import run_analysis
        from weipian_plugin.core.intake.importer import create_store_for, import_patches

        generate_bench(folder, n_patches, n_dltb, seed=11)
        tmp = folder / "building.gpkg"
        tmp.unlink(missing_ok=True)
        with create_store_for(tmp, folder / "batches" / "监测图斑.shp") as store:
            import_patches(store, folder / "batches" / "监测图斑.shp", "bench")
            run_analysis(store, layer_paths(folder))
        tmp.rename(store_path)
    return store_path


def work_review_dock(store_path: Path) -> dict:
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


def work_figures(store_path: Path) -> dict:
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


def work_ledger(store_path: Path) -> dict:
    from weipian_plugin.core.store.workstore import WorkStore
    from weipian_plugin.exporters.xlsx import write_ledger

    with WorkStore.open(store_path) as store:
        t = time.perf_counter()
        write_ledger(store, store_path.parent / "ledger.xlsx")
        return {"ledger_s": time.perf_counter() - t}


REVIEW_WORKERS = {"review dock": work_review_dock, "figures": work_figures, "ledger": work_ledger}
OVERLAY_WORKERS = {"read floor": work_read_floor, "weipian": work_weipian, "geopandas": work_geopandas,
                   "qgis chain": work_qgis}
WORKERS = {**OVERLAY_WORKERS, **REVIEW_WORKERS}


def run_child(name: str, folder: Path, timeout: float) -> dict:
    """Run one contender in a child process; wall time and peak RSS from the kernel."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "build" / "stage"), str(ROOT / "scripts")]),
           "QT_QPA_PLATFORM": "offscreen"}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--worker", name, "--data", str(folder)],
                            stdout=subprocess.PIPE, env=env, text=True)
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            _, status, usage = os.wait4(proc.pid, 0)
            return {"seconds": None, "timeout": timeout, "peak_mb": usage.ru_maxrss / 1024}
        time.sleep(0.2)
    seconds = time.perf_counter() - start
    output = proc.stdout.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{name} failed:\n{output}")
    result = json.loads(output.strip().splitlines()[-1])
    result["wall_seconds"] = seconds
    result["peak_mb"] = usage.ru_maxrss / 1024
    return result


def fmt_seconds(r: dict) -> str:
    return f"> {r['timeout']:.0f}" if r["seconds"] is None else f"{r['seconds']:.1f}"


def ratio(peer: dict, ours: dict) -> str:
    if peer["seconds"] is None:
        return f"≥ {peer['timeout'] / ours['seconds']:.1f}×"
    return f"{peer['seconds'] / ours['seconds']:.1f}×"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="small,large", help="overlay sizes to run, or 'none'")
    parser.add_argument("--peer-timeout", type=float, default=900.0)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(WORKERS[args.worker](args.data)))
        return 0

    lines = ["| size | contender | time (s) | peak memory (MB) | weipian is faster by |", "|---|---|---|---|---|"]
    for size in [] if args.sizes == "none" else args.sizes.split(","):
        n_patches, n_dltb = SIZES[size]
        label = f"{n_patches:,} patches / {n_dltb:,} DLTB"
        print(f"{label}:", flush=True)
        folder = data_dir(size)
        results = {}
        for name in OVERLAY_WORKERS:
            timeout = args.peer_timeout if name in ("geopandas", "qgis chain") else 24 * 3600
            results[name] = run_child(name, folder, timeout)
            print(f"  {name:12s} {fmt_seconds(results[name]):>8s} s  peak {results[name]['peak_mb']:,.0f} MB",
                  flush=True)
        ours = results["weipian"]
        for name, r in results.items():
            vs = "—" if name == "weipian" else (
                f"weipian = {ours['seconds'] / r['seconds']:.2f}× the floor" if name == "read floor" else ratio(r, ours))
            lines.append(f"| {label} | {name} | {fmt_seconds(r)} | {r['peak_mb']:,.0f} | {vs} |")
        lines.append(f"| {label} | (weipian import, before analysis) | {ours['import_seconds']:.1f} | | |")
    print("Review and outputs on an analysed 20,000-patch store:", flush=True)
    store_path = review_store()
    measured = {}
    for name in REVIEW_WORKERS:
        measured.update(run_child(name, store_path, 3600))
    lines += ["", "| 20,000-patch store | measured | target | met |", "|---|---|---|---|"]
    for label, key, unit, target in (("open the review dock", "open_s", "s", 2.0),
                                     ("next patch (median of 50)", "next_ms", "ms", 100.0),
                                     ("one archive figure (PNG)", "per_figure_s", "s", 1.0),
                                     ("whole 图斑台账 ledger", "ledger_s", "s", 10.0)):
        value = measured[key]
        lines.append(f"| {label} | {value:.2f} {unit} | < {target:g} {unit} | {'yes' if value < target else 'NO'} |")
    table = "\n".join(lines)
    (BENCH_DIR / "results.md").write_text(table + "\n", encoding="utf-8")
    print("\n" + table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
