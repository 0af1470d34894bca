"""Runtime dependency check, run before the plugin imports anything that needs them.

Missing packages go into ``<profile>/python/dependencies`` (where the qpip plugin installs what a
plugin's ``requirements.txt`` lists, and where ``make install`` puts them for developers); that folder is
put on ``sys.path`` here so QGIS finds them without touching the system Python.
"""
from __future__ import annotations

import importlib
import os
import sys

# import name -> (pip requirement, minimum version tuple); weipian_plugin/requirements.txt (read by qpip)
# lists the same, without numpy, which every QGIS ships
REQUIRED = {
    "shapely": ("shapely>=2.0", (2, 0)),
    "pyproj": ("pyproj>=3.3", (3, 3)),
    "pyogrio": ("pyogrio>=0.7", (0, 7)),
    "numpy": ("numpy", (1, 20)),
    "openpyxl": ("openpyxl>=3.0", (3, 0)),
    "jinja2": ("jinja2>=3.0", (3, 0)),
}


def _version_tuple(text: str) -> tuple:
    parts = []
    for piece in text.split(".")[:2]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def profile_dependencies_dir() -> str:
    from qgis.core import QgsApplication

    return os.path.join(QgsApplication.qgisSettingsDirPath(), "python", "dependencies")


def add_profile_dependencies() -> None:
    folder = profile_dependencies_dir()
    if os.path.isdir(folder) and folder not in sys.path:
        sys.path.insert(0, folder)


def missing_dependencies() -> list:
    """Requirements that are absent or too old, as pip requirement strings."""
    missing = []
    for module, (requirement, minimum) in REQUIRED.items():
        try:
            version = getattr(importlib.import_module(module), "__version__", "0")
        except ImportError:
            missing.append(requirement)
            continue
        if _version_tuple(version) < minimum:
            missing.append(f"{requirement}（当前 {version}）")
    return missing


class MissingDependenciesPlugin:
    """Stands in for the plugin when dependencies are missing: one clear message, nothing else."""

    def __init__(self, iface, missing: list):
        self.iface = iface
        self.missing = missing
        self.translator = None

    def initGui(self) -> None:
        from qgis.core import Qgis, QgsMessageLog
        from qgis.PyQt.QtCore import QCoreApplication

        from weipian_plugin import translation

        self.translator = translation.install()  # the message is the user's first contact: say it in Chinese
        tr = lambda s: QCoreApplication.translate("@default", s)  # noqa: E731 (pylupdate5: @default)
        text = tr("Weipian needs Python packages that this QGIS lacks: {0}. "
                  "Windows (QGIS installer or OSGeo4W): open \"OSGeo4W Shell\" from the Start menu, run "
                  "python -m pip install --target \"{1}\" {0} and restart QGIS. "
                  "Or install the plugin \"qpip\" from Plugins > Manage and Install Plugins: it offers to install "
                  "them into the same folder. Linux and macOS: the same pip command in a terminal, or your "
                  "package manager.").format(" ".join(self.missing), profile_dependencies_dir())
        QgsMessageLog.logMessage(text, "weipian", Qgis.MessageLevel.Critical)
        self.iface.messageBar().pushMessage("weipian", text, Qgis.MessageLevel.Critical, 0)

    def unload(self) -> None:
        from weipian_plugin import translation

        translation.uninstall(self.translator)
