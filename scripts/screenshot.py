"""`make screenshot`: the README pictures, taken from the real QGIS desktop.

    python scripts/screenshot.py --zip dist/weipian_plugin.zip --demo demo_output --docs docs

Installs the zip `make package` built into a throwaway QGIS profile under build/screenshot (with the
Python packages QGIS lacks, as `make install` does), starts QGIS on a 1366×768 virtual screen in Chinese
with the demo project (scripts/qgis_app.py), and lets scripts/in_qgis.py open the plugin's menu, docks and
dialogs: ``docs/screenshot.png`` (the review workspace on an illegal patch under rectification) and
``docs/screenshots/<form>.png``, ``docs/screenshots/menu.png``. Fails (non-zero exit) when QGIS fails, the
plugin does not load, or any text is clipped; the pictures in docs/ are replaced only after a clean run.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import qgis_app

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "screenshot"


def patch_to_show(store: Path) -> int:
    """An illegal patch under rectification (the biggest), else the biggest illegal suggestion."""
    from weipian_plugin.core.store.workstore import WorkStore

    with WorkStore.open(store) as opened:
        row = opened.conn.execute(
            "SELECT fid FROM patch_analysis WHERE determination = '违法' AND status = '整改中' "
            "ORDER BY area_m2 DESC LIMIT 1").fetchone() or opened.conn.execute(
            "SELECT fid FROM patch_analysis WHERE suggestion = '违法' ORDER BY area_m2 DESC LIMIT 1").fetchone() \
            or opened.conn.execute("SELECT min(fid) FROM patches").fetchone()
    return int(row[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--zip", type=Path, required=True)
    parser.add_argument("--demo", type=Path, required=True, help="the folder `make demo` wrote")
    parser.add_argument("--docs", type=Path, required=True)
    args = parser.parse_args()
    project = args.demo / "weipian_demo.qgz"
    stores = sorted(args.demo.glob("*_卫片.gpkg"))
    if not project.is_file() or not stores:
        print(f"no demo project or work store in {args.demo}: run `make demo`", file=sys.stderr)
        return 1

    shutil.rmtree(WORK, ignore_errors=True)
    profiles = WORK / "profiles-root"
    profile = qgis_app.write_profile(profiles)
    subprocess.run([sys.executable, str(ROOT / "scripts" / "install_plugin.py"), str(args.zip), str(profile)],
                   check=True)
    try:
        report = qgis_app.run(profiles, WORK / "pictures", stores[0], project=project.resolve(),
                              patch=patch_to_show(stores[0]))
    except RuntimeError as failed:
        print(f"make screenshot: {failed}", file=sys.stderr)
        return 1
    if report["problems"] or report["errors"]:
        print("make screenshot: text clipped or errors in QGIS:", *report["problems"], *report["errors"],
              sep="\n  ", file=sys.stderr)
        return 1

    pictures = WORK / "pictures"
    shots = args.docs / "screenshots"
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    for name in report["pictures"]:
        target = args.docs / "screenshot.png" if name == "workspace.png" else shots / name
        shutil.copyfile(pictures / name, target)
        print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
