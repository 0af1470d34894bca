"""Install dist/weipian_plugin.zip into a QGIS profile, with the Python packages that QGIS lacks.

Like the qpip plugin, missing packages go to ``<profile>/python/dependencies``, which the plugin puts
on ``sys.path`` at load. What "missing" means is asked of the Python QGIS itself runs (/usr/bin/python3
on Debian), not of this venv.
"""
import argparse
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

# (import name, pip requirement, minimum major.minor)
RUNTIME = [("shapely", "shapely==2.0.6", (2, 0)), ("pyproj", "pyproj==3.6.1", (3, 3)),
           ("pyogrio", "pyogrio==0.10.0", (0, 7)), ("openpyxl", "openpyxl==3.1.5", (3, 0)),
           ("jinja2", "jinja2==3.1.6", (3, 0)),
           # their own dependencies, listed because numpy must not be pulled in (see below)
           ("markupsafe", "MarkupSafe==2.1.5", (2, 0)), ("et_xmlfile", "et_xmlfile==1.1.0", (1, 0)),
           ("certifi", "certifi", (2020, 1)), ("packaging", "packaging", (20, 0))]
QGIS_PYTHON = "/usr/bin/python3"

PROBE = """
import importlib, sys
name, major, minor = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
try:
    v = importlib.import_module(name).__version__.split('.')
    sys.exit(0 if (int(v[0]), int(''.join(c for c in v[1] if c.isdigit()) or 0)) >= (major, minor) else 1)
except ImportError:
    sys.exit(1)
"""


def missing_for_qgis() -> list:
    return [req for name, req, (major, minor) in RUNTIME
            if subprocess.run([QGIS_PYTHON, "-c", PROBE, name, str(major), str(minor)]).returncode != 0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("zip", type=Path)
    parser.add_argument("profile", type=Path, help="QGIS profile folder, e.g. ~/.local/share/QGIS/QGIS3/profiles/default")
    args = parser.parse_args()
    plugins = args.profile / "python" / "plugins"
    target = plugins / "weipian_plugin"
    if target.exists():
        shutil.rmtree(target)
    plugins.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(args.zip) as archive:
        archive.extractall(plugins)
    deps = args.profile / "python" / "dependencies"
    missing = missing_for_qgis()
    if missing:
        deps.mkdir(parents=True, exist_ok=True)
        # numpy comes from the system: a second numpy in the profile would break GDAL's bindings.
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps",
                        "--upgrade", "--target", str(deps), *missing], check=True)
    print(f"installed {target}" + (f"; dependencies in {deps}: {' '.join(missing)}" if missing else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
