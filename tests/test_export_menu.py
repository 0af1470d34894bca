"""The export menu: each entry opens its own Processing dialog, output beside the store, batch from a list."""
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from test_ledger import county_store  # noqa: F401 (shared session fixture)


@pytest.fixture
def plugin(qgis_iface, qgis_processing, county_store, tmp_path, monkeypatch):  # noqa: F811
    import processing

    import weipian_plugin

    store = tmp_path / "青禾县.gpkg"
    shutil.copy(county_store, store)
    opened = []
    monkeypatch.setattr(processing, "execAlgorithmDialog", lambda alg, params: opened.append((alg, params)))
    loaded = weipian_plugin.classFactory(qgis_iface)
    loaded.initGui()
    loaded.set_store(str(store))
    loaded.opened = opened
    yield loaded
    loaded.unload()


def _trigger(plugin, text):
    action, = [a for a in plugin.actions if a.text() == text]
    action.trigger()
    return plugin.opened[-1]


def test_each_export_opens_its_own_algorithm_with_the_output_beside_the_store(plugin, monkeypatch):
    from qgis.core import QgsApplication
    from qgis.PyQt.QtWidgets import QInputDialog

    offered = []

    def choose(parent, title, label, items, current, editable):
        offered.append(items)
        return items[2], True

    monkeypatch.setattr(QInputDialog, "getItem", choose)
    folder = plugin.store_path.rsplit("/", 1)[0]
    alg, params = _trigger(plugin, "Report (HTML)…")
    assert alg == "weipian:exportreport" and params["OUTPUT"] == f"{folder}/青禾县_统计报告.html"
    title = QgsApplication.processingRegistry().algorithmById(alg).displayName()
    assert title == "Statistics report (HTML)"  # not the accountability algorithm's title
    alg, params = _trigger(plugin, "Monthly report (HTML)…")
    month = dt.date.today().strftime("%Y-%m")
    assert alg == "weipian:exportreport" and params["MONTH"] == month and params["OUTPUT"].endswith(f"{month}月报.html")
    alg, params = _trigger(plugin, "Export ledger…")
    assert alg == "weipian:exportledger" and params["OUTPUT"] == f"{folder}/青禾县_图斑台账.xlsx"
    assert offered[-1][0] == "All batches" and params["BATCH"] == offered[-1][2]  # a batch of the store's
    alg, params = _trigger(plugin, "Export case files (一图斑一卷宗)…")
    assert alg == "weipian:exportdossier" and params["OUTPUT"] == f"{folder}/青禾县_卷宗"
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a: ("", False))
    count = len(plugin.opened)
    plugin.export_figures()  # cancelled batch choice: no dialog
    assert len(plugin.opened) == count


def test_a_shared_store_exports_into_the_last_export_folder(plugin, pg_database, tmp_path, monkeypatch):
    """A PostGIS store has no folder to write beside: the last export folder, named after the county."""
    from qgis.PyQt.QtWidgets import QInputDialog

    from weipian_plugin.core.store import transfer
    from weipian_plugin.settings import Settings

    transfer.publish(plugin.store_path, "postgresql:" + pg_database)
    plugin.set_store("postgresql:" + pg_database)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a: ("All batches", True))
    last = []
    monkeypatch.setattr(Settings.last_export_dir, "value", lambda: last[-1] if last else "")
    alg, params = _trigger(plugin, "Export ledger…")
    assert params == {"STORE": plugin.store_path, "OUTPUT": str(Path.home() / "青禾县_图斑台账.xlsx"), "BATCH": ""}
    last.append(str(tmp_path / "导出"))
    alg, params = _trigger(plugin, "Export case files (一图斑一卷宗)…")
    assert params["OUTPUT"] == str(tmp_path / "导出" / "青禾县_卷宗") and plugin.store_path.startswith("postgresql:")
    assert Settings.export_folder(str(tmp_path / "a.gpkg")) == str(tmp_path / "导出")
    last.clear()
    assert Settings.export_folder(str(tmp_path / "a.gpkg")) == str(tmp_path)

    warnings = []  # the work project lives in a GeoPackage: said so for a shared store, nothing written
    monkeypatch.setattr(plugin.iface.messageBar(), "pushWarning", lambda title, text: warnings.append(text),
                        raising=False)  # pytest-qgis's bar has pushMessage only
    plugin.save_store_project()
    plugin.open_store_project()
    assert len(warnings) == 2 and all("shared store keeps no work project" in w for w in warnings)


def test_report_algorithm_counts_overdue_as_of_the_date(weipian_provider, county_store, store_on,  # noqa: F811
                                                        tmp_path):
    import processing
    from qgis.core import QgsProcessingException

    store = store_on(county_store)
    out = tmp_path / "月报.html"
    processing.run("weipian:exportreport", {"STORE": store, "OUTPUT": str(out), "MONTH": "2026-04",
                                            "AS_OF": "2026-05-01"})
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", out.read_text(encoding="utf-8")))
    days = (dt.date(2026, 5, 1) - dt.date(2020, 1, 1)).days
    assert "2026年4月" in text and f"2020-01-01 {days}" in text and "月度进度" in text
    with pytest.raises(QgsProcessingException, match="YYYY-MM"):
        processing.run("weipian:exportreport", {"STORE": store, "OUTPUT": str(out), "MONTH": "4月"})
