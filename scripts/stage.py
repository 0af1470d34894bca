"""Assemble the installable plugin folder ``<dest>/weipian_plugin``.

The repository keeps ``forms/`` and ``processing_algorithms/`` at the top level, but they must never be
importable under those names (QGIS ships a top-level ``processing``). Staging puts them inside the
package, compiles Qt resources and translations, and gives tests and packaging the same layout.

``--link`` symlinks sources (fast, edits show through: for tests); ``--copy`` copies them (for the zip).
"""
import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "weipian_plugin"
INNER = ("forms", "processing_algorithms", "metadata.txt", "LICENSE")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.ts", "*_rc.py")


def _place(src: Path, dst: Path, link: bool) -> None:
    if dst.is_symlink() or dst.is_file():
        dst.unlink()
    elif dst.is_dir():
        shutil.rmtree(dst)
    if link:
        dst.symlink_to(src, target_is_directory=src.is_dir())
    elif src.is_dir():
        shutil.copytree(src, dst, ignore=SKIP)
    else:
        shutil.copy2(src, dst)


def compile_translations(i18n_dir: Path) -> None:
    for ts in sorted((ROOT / PACKAGE / "i18n").glob("*.ts")):
        qm = i18n_dir / (ts.stem + ".qm")
        subprocess.run(["lrelease", "-silent", str(ts), "-qm", str(qm)], check=True)


def stage(dest: Path, link: bool) -> Path:
    target = dest / PACKAGE
    target.mkdir(parents=True, exist_ok=True)
    names = [p for p in (ROOT / PACKAGE).iterdir() if p.name not in ("__pycache__", "i18n")]
    for src in names + [ROOT / n for n in INNER]:
        _place(src, target / src.name, link)
    i18n = target / "i18n"
    i18n.mkdir(exist_ok=True)
    compile_translations(i18n)
    subprocess.run(["pyrcc5", "-o", str(target / "resources_rc.py"), str(ROOT / "resources.qrc")], check=True)
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--link", action="store_true")
    mode.add_argument("--copy", action="store_true")
    parser.add_argument("dest", type=Path)
    args = parser.parse_args()
    print(stage(args.dest.resolve(), link=args.link))
    return 0


if __name__ == "__main__":
    sys.exit(main())
