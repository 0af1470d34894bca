"""Run inside the real QGIS desktop (``qgis --code scripts/in_qgis.py``): open every dock and dialog of the
plugin through the plugin object QGIS loaded, measure clipped text (scripts/fit.py), take the pictures,
write ``report.json`` and quit QGIS with a status.

Driven by scripts/qgis_app.py, which passes the task as JSON in ``WEIPIAN_QGIS_TASK``:
``scripts`` (this folder), ``out`` (pictures and report), ``store`` (the work store to open), ``project``
(the project file QGIS was started with, or "").
Exit status: 0 done (problems are in the report), 2 the plugin is not loaded, 1 anything else went wrong.
QGIS runs a ``--code`` file before its event loop starts, so the work is started from a timer.
"""
import json
import os
import sys
import time
import traceback
from pathlib import Path

from qgis.core import QgsProject
from qgis.PyQt.QtCore import QCoreApplication, QPoint, QRect, Qt, QTimer
from qgis.PyQt.QtWidgets import QApplication, QDialog, QDockWidget
from qgis.utils import iface, plugins

TASK = json.loads(os.environ["WEIPIAN_QGIS_TASK"])
sys.path.insert(0, TASK["scripts"])
import fit  # noqa: E402 (found through the folder the task names)

OUT = Path(TASK["out"])
BUDGET = fit.client_budget()
ERRORS = []
REPORT = {"covered": [], "problems": [], "pictures": [], "errors": ERRORS}
# the plugin's entry points that open a dialog, and the form each shows
DIALOGS = (("open_store", "store_dialog"), ("show_import_dialog", "import_dialog"),
           ("show_analysis_dialog", "analysis_dialog"), ("show_rules_dialog", "rules_dialog"),
           ("show_statistics_dialog", "statistics_dialog"))
DOCKS = (("show_review_dock", "review_dock"), ("show_compare_dock", "compare_dock"),
         ("show_enforcement_dock", "enforcement_dock"))


def wait(seconds: float, until=lambda: False) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if until():
            return True
        time.sleep(0.02)
    return until()


def picture(widget, name: str) -> None:
    path = OUT / f"{name}.png"
    if not widget.grab().save(str(path)):
        raise RuntimeError(f"could not write {path}")
    REPORT["pictures"].append(path.name)


def form_of(widget) -> str:
    """The form a dialog or dock shows: one gui/x.py per forms/x.ui (docs/ARCHITECTURE.md)."""
    return type(widget).__module__.rsplit(".", 1)[-1]


def check_window(widget, name: str) -> None:
    REPORT["covered"].append(form_of(widget))
    REPORT["problems"].extend(fit.measure(widget, name, fit.settle_events))


def maps_drawn() -> bool:
    canvases = [iface.mapCanvas()] + [dock.canvas for dock in docks() if hasattr(dock, "canvas")]
    return not any(canvas.isDrawing() for canvas in canvases)


def docks():
    plugin = plugins["weipian_plugin"]
    return [dock for dock in (plugin.review_dock, plugin.compare_dock, plugin.enforcement_dock) if dock is not None]


def open_docks(wanted) -> None:
    """Exactly the docks named in ``wanted`` shown, opened through the plugin's own actions."""
    plugin = plugins["weipian_plugin"]
    for method, form in DOCKS:
        dock = getattr(plugin, form)
        if form in wanted:
            if dock is None:
                getattr(plugin, method)()
            else:
                dock.setUserVisible(True)
        elif dock is not None:
            dock.setUserVisible(False)
    window = iface.mainWindow()
    wait(0.5)
    window.setGeometry(QRect(QPoint(0, 0), BUDGET))  # a window grown for docks closed since shrinks back
    wait(0.5)


def check_docks(window) -> None:
    """Each dock alone beside QGIS's own panels, in the main window at the screen budget."""
    plugin = plugins["weipian_plugin"]
    for _, form in DOCKS:
        open_docks({form})
        dock = getattr(plugin, form)
        wait(1.0)
        check_window(dock, form)
        problem = fit.window_problem(window, f"{form} in the main window", BUDGET)
        if problem:
            REPORT["problems"].append(problem)
        if not window.rect().contains(QRect(dock.mapTo(window, QPoint(0, 0)), dock.size())):
            REPORT["problems"].append(f"{form}: dock reaches outside the main window")
        picture(dock, form)


def check_dialogs() -> None:
    """Each dialog opened by the plugin (modal, as a user opens it), measured and pictured, then cancelled."""
    plugin = plugins["weipian_plugin"]
    for method, form in DIALOGS:
        seen = []

        def handle() -> None:
            dialog = QApplication.activeModalWidget()
            if seen or not isinstance(dialog, QDialog):
                return
            seen.append(dialog)
            try:
                wait(0.5)
                check_window(dialog, form)
                problem = fit.window_problem(dialog, form, BUDGET)
                if problem:
                    REPORT["problems"].append(problem)
                picture(dialog, form)
            except Exception:  # noqa: BLE001 (reported, then the dialog is closed so QGIS can quit)
                ERRORS.append(traceback.format_exc())
            dialog.reject()

        watcher = QTimer()
        watcher.timeout.connect(handle)
        watcher.start(200)
        getattr(plugin, method)()
        watcher.stop()
        if not seen:
            ERRORS.append(f"{method} opened no dialog")


def open_store(window) -> None:
    """The store of the project QGIS opened (its review dock reopens by itself), or the task's store."""
    plugin = plugins["weipian_plugin"]
    if TASK.get("project"):
        if not wait(60, lambda: plugin.store_path and plugin.review_dock is not None):
            raise RuntimeError(f"the project {TASK['project']} did not reopen its work store")
        return
    from weipian_plugin.gui.layers import add_store_layers

    plugin.set_store(TASK["store"])
    add_store_layers(TASK["store"])


def workspace_picture(window) -> None:
    """What a reviewer works in: layers and the before imagery left, the map, the review dock right."""
    plugin = plugins["weipian_plugin"]
    browser = window.findChild(QDockWidget, "Browser")
    if browser is not None:
        browser.hide()
    open_docks({"review_dock", "compare_dock"})
    compare = plugin.compare_dock
    layers = {layer.name(): layer for layer in QgsProject.instance().mapLayers().values()}
    if compare.beforeCombo.currentLayer() is None and "前时相" in layers:
        compare.beforeCombo.setLayer(layers["前时相"])
    if compare.afterCombo.currentLayer() is None and "后时相" in layers:
        compare.afterCombo.setLayer(layers["后时相"])
    window.resizeDocks([plugin.review_dock], [540], Qt.Orientation.Horizontal)
    fid = TASK.get("patch")
    if fid is not None:
        plugin.review_dock.select_fid(int(fid))
        wait(0.5)
        iface.mapCanvas().zoomScale(iface.mapCanvas().scale() * 2.5)  # the patch among its neighbours
    wait(3.0)  # the selection flash is over
    wait(60, maps_drawn)
    wait(0.5)
    problem = fit.window_problem(window, "review and compare docks in the main window", BUDGET)
    if problem:
        REPORT["problems"].append(problem)
    picture(window, "workspace")
    menu_picture(window)


def menu_picture(window) -> None:
    """The plugin's menu under Plugins, opened as a user opens it, grabbed from the screen."""
    plugin = plugins["weipian_plugin"]
    plugins_menu = iface.pluginMenu()
    entry = next(a for a in plugins_menu.actions() if a.menu() is not None and a.text() == plugin.menu)
    bar = window.menuBar()
    top = next(a for a in bar.actions() if a.menu() is plugins_menu)
    plugins_menu.popup(bar.mapToGlobal(bar.actionGeometry(top).bottomLeft()))
    wait(0.5)
    plugins_menu.setActiveAction(entry)
    entry.menu().popup(plugins_menu.mapToGlobal(plugins_menu.actionGeometry(entry).topRight()))
    wait(0.8)
    sub = entry.menu()
    area = plugins_menu.geometry().united(sub.geometry()).adjusted(-8, -bar.height() - 8, 8, 8)
    area = area.intersected(QRect(QPoint(0, 0), fit.SCREEN))
    shot = QApplication.primaryScreen().grabWindow(0, area.x(), area.y(), area.width(), area.height())
    path = OUT / "menu.png"
    if not shot.save(str(path)):
        raise RuntimeError(f"could not write {path}")
    REPORT["pictures"].append(path.name)
    sub.hide()
    plugins_menu.hide()
    wait(0.3)


def run() -> None:
    status = 1
    try:
        loaded = type(plugins.get("weipian_plugin")).__name__
        if loaded != "WeipianPlugin":  # not loaded, or its stand-in naming missing dependencies
            print(f"weipian_plugin is not loaded in QGIS ({loaded})", file=sys.stderr)
            status = 2
            return
        OUT.mkdir(parents=True, exist_ok=True)
        window = iface.mainWindow()
        window.showNormal()
        window.setGeometry(QRect(QPoint(0, 0), BUDGET))
        wait(1.0)
        open_store(window)
        check_docks(window)
        check_dialogs()
        workspace_picture(window)
        status = 1 if ERRORS else 0
    except Exception:  # noqa: BLE001 (QGIS would only show it in a dialog; the caller needs a status)
        ERRORS.append(traceback.format_exc())
    finally:
        if OUT.is_dir():
            (OUT / "report.json").write_text(json.dumps(REPORT, ensure_ascii=False, indent=1), encoding="utf-8")
        for error in ERRORS:
            print(error, file=sys.stderr)
        # Layers removed while QGIS's panels still live: QGIS 3.22 removes them in its destructor after the
        # style dock is gone and crashes when a current layer is set (quitting by the menu clears first).
        QgsProject.instance().clear()
        QCoreApplication.exit(status)


def record_exception(kind, value, trace) -> None:
    """Errors raised in the plugin's slots (QGIS would show them in a dialog) fail the run."""
    ERRORS.append("".join(traceback.format_exception(kind, value, trace)))


sys.excepthook = record_exception
QTimer.singleShot(0, run)
