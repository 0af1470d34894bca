"""Every dialog and dock of the plugin, opened by the plugin in the real QGIS desktop on a 1366×768 screen
in Chinese, shows all of its text and fits the screen.

scripts/qgis_app.py starts QGIS (xvfb) with the staged plugin enabled in a throwaway profile,
scripts/in_qgis.py opens each dock and dialog through the plugin object QGIS loaded, scripts/fit.py
measures. The measuring itself is checked here on widgets cut on purpose, so the real-app test cannot
pass by measuring nothing.
"""
from __future__ import annotations

import re
from pathlib import Path

import fit
import pytest
import qgis_app
from qgis.PyQt.QtWidgets import QCheckBox, QDialog, QGroupBox, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget
from test_review_dock import make_store

ROOT = Path(__file__).resolve().parent.parent
STAGE = ROOT / "build" / "stage"
LONG = "批文（其次供地、登记发证、其他合法手续）覆盖不少于"


@pytest.fixture
def window(qgis_app):
    dialog = QDialog()
    layout = QVBoxLayout(dialog)
    label, button, check, group = QLabel(LONG), QPushButton(LONG), QCheckBox(LONG), QGroupBox(LONG)
    tabs = QTabWidget()
    for name in ("合法性判定", "查处整改", "附件", "修改记录"):
        tabs.addTab(QWidget(), name)
    for widget in (label, button, check, group, tabs):
        layout.addWidget(widget)
    dialog.resize(900, 400)
    dialog.show()
    fit.settle_events()
    yield dialog, (label, button, check, group, tabs)
    dialog.close()


def test_measuring_finds_nothing_when_all_text_fits(window):
    dialog, _ = window
    assert fit.measure(dialog, "fits", fit.settle_events) == []
    assert fit.window_problem(dialog, "fits", fit.client_budget()) == ""


@pytest.mark.parametrize("which", ["label", "button", "check", "group", "tabs"])
def test_measuring_finds_each_kind_of_cut_text(window, which):
    dialog, widgets = window
    widget = dict(zip(("label", "button", "check", "group", "tabs"), widgets))[which]
    widget.setMinimumWidth(0)
    widget.setFixedWidth(60)
    problems = fit.measure(dialog, "cut", fit.settle_events)
    shown_by = "QTabBar" if which == "tabs" else type(widget).__name__  # a tab widget's names are its bar's
    assert len(problems) == 1 and shown_by in problems[0], problems


def test_a_window_taller_than_the_screen_is_reported(window):
    dialog, (label, *_) = window
    label.setMinimumHeight(800)
    fit.settle_events()
    assert "the screen gives 1366×736" in fit.window_problem(dialog, "tall", fit.client_budget())


def workspace(folder: Path, shapefile_writer) -> Path:
    """A store with patches and suggestions, its reference layers and imagery remembered under the long file
    names bureaus give them: the dialogs and docks show real choices, not empty combo boxes."""
    import shapely
    from qgis.core import QgsCoordinateReferenceSystem

    from weipian_plugin.core import roles
    from weipian_plugin.core.store import keys
    from weipian_plugin.core.store.workstore import WorkStore

    store = make_store(folder / "青禾县_2026_卫片.gpkg", shapefile_writer)
    x, y = 39_500_000.0, 3_300_000.0
    reference = shapefile_writer(folder / "参考" / "2025年度建设用地审批红线_县局汇总_最终版.shp",
                                 [shapely.box(x, y, x + 500, y + 100)], {"PZWH": ["青政地〔2025〕7号"]})
    imagery = {}
    for key, name in (("before", "2025年第四季度前时相_0.5米"), ("after", "2026年第一季度后时相_0.5米")):
        path = folder / "影像" / f"{name}.asc"  # an ASCII grid: a raster QGIS reads, written as text
        path.parent.mkdir(exist_ok=True)
        rows = "\n".join(" ".join(["120"] * 50) for _ in range(10))
        path.write_text(f"ncols 50\nnrows 10\nxllcorner {x}\nyllcorner {y}\ncellsize 10\n{rows}\n")
        path.with_suffix(".prj").write_text(QgsCoordinateReferenceSystem("EPSG:4527").toWkt())
        imagery[key] = str(path)
    with WorkStore.open(store) as opened:
        keys.ANALYSIS_LAYERS.write(opened, {role: str(reference) for role in roles.KEYS})
        keys.IMAGERY.write(opened, imagery)
    return store


def test_every_dialog_and_dock_fits_in_the_real_qgis(tmp_path, shapefile_writer):
    store = workspace(tmp_path, shapefile_writer)
    profiles = tmp_path / "qgis"
    qgis_app.link_dependencies(qgis_app.write_profile(profiles))
    report = qgis_app.run(profiles, tmp_path / "out", store, plugin_path=STAGE)
    forms = sorted(path.stem for path in (ROOT / "forms").glob("*.ui"))
    assert sorted(set(report["covered"])) == forms  # a new form must be opened by scripts/in_qgis.py too
    assert report["errors"] == [], "\n".join(report["errors"])
    assert report["problems"] == [], "\n".join(report["problems"])
    assert {f"{form}.png" for form in forms} | {"workspace.png", "menu.png"} == set(report["pictures"])


def test_readme_shows_the_pictures_make_screenshot_takes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"\]\((docs/[^)]+\.png)\)", readme))
    taken = {"docs/screenshot.png"} | {f"docs/screenshots/{name}.png"
                                       for name in [path.stem for path in (ROOT / "forms").glob("*.ui")] + ["menu"]}
    assert shown == taken
    assert all((ROOT / path).is_file() for path in taken)
