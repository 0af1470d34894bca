"""Background runs read the project's layers on the main thread only.

The dialogs run weipian:analyzepatches as a QGIS task (gui/tasks.py). A QgsVectorLayer belongs to the main
thread; an algorithm that reads it from the task thread while the main thread uses it crashes QGIS now and
then (seen on 3.40). The layers here are real project layers that note every Python access made to them
from another thread.
"""
import threading

import pytest
import shapely
from qgis.core import QgsFeature, QgsGeometry, QgsProject, QgsVectorLayer

from weipian_plugin.core.intake.importer import create_store_for, import_patches
from weipian_plugin.core.store.workstore import WorkStore

X0, Y0 = 39_500_000.0, 3_300_000.0
MAIN = threading.get_ident()


class WatchedLayer(QgsVectorLayer):
    """A real vector layer recording the name of every attribute used from a thread other than the main one."""

    def __init__(self, *args):
        super().__init__(*args)
        self.off_main_thread = []

    def __getattribute__(self, name):
        if threading.get_ident() != MAIN:
            object.__getattribute__(self, "off_main_thread").append(name)
        return super().__getattribute__(name)


@pytest.fixture
def project(qgis_new_project):
    yield QgsProject.instance()
    QgsProject.instance().removeAllMapLayers()


@pytest.fixture
def store(tmp_path, store_address, shapefile_writer):
    """Two 50 m squares on each backend: the first inside the approval red line, the second not."""
    squares = [shapely.box(X0 + i * 200, Y0, X0 + i * 200 + 50, Y0 + 50) for i in range(2)]
    shp = shapefile_writer(tmp_path / "in" / "批次.shp", squares, {
        "JCBH": ["A", "B"], "TBLX": ["建构筑物"] * 2, "HSX": ["2026-01-05"] * 2})
    with create_store_for(store_address, shp) as created:
        import_patches(created, shp, "2026-01")
    return store_address


RED_LINE = shapely.box(X0 - 10, Y0 - 10, X0 + 60, Y0 + 60)


def memory_approvals() -> WatchedLayer:
    layer = WatchedLayer("Polygon?crs=EPSG:4527&field=PZWH:string", "批文（内存）", "memory")
    feature = QgsFeature(layer.fields())
    feature.setGeometry(QgsGeometry.fromWkt(RED_LINE.wkt))
    feature.setAttributes(["青政地〔2025〕1号"])
    assert layer.dataProvider().addFeatures([feature])[0]
    layer.updateExtents()
    return layer


def file_approvals(tmp_path, shapefile_writer) -> WatchedLayer:
    shp = shapefile_writer(tmp_path / "ref" / "批文.shp", [RED_LINE], {"PZWH": ["青政地〔2025〕1号"]})
    return WatchedLayer(str(shp), "批文", "ogr")


def run_in_task(qtbot, algorithm_id, parameters):
    """The algorithm as the dialogs run it: a QgsProcessingAlgRunnerTask on QGIS's task manager."""
    from qgis.core import QgsApplication

    from weipian_plugin.gui.tasks import start_algorithm

    done = []
    algorithm = QgsApplication.processingRegistry().createAlgorithmById(algorithm_id)
    context, feedback, task = start_algorithm(algorithm, parameters, lambda _p: None,
                                              lambda ok, results: done.append((ok, results)))
    qtbot.waitUntil(lambda: bool(done), timeout=60_000)
    assert done[0][0], [text for text, error in feedback.messages if error]
    return done[0][1]


@pytest.mark.parametrize("make_layer", ["memory", "file"])
def test_analysis_task_reads_project_layers_only_on_the_main_thread(qtbot, weipian_provider, project, store,
                                                                   tmp_path, shapefile_writer, make_layer):
    layer = memory_approvals() if make_layer == "memory" else file_approvals(tmp_path, shapefile_writer)
    assert layer.isValid()
    project.addMapLayer(layer)
    results = run_in_task(qtbot, "weipian:analyzepatches", {"STORE": str(store), "APPROVALS": layer.id()})
    assert results["ANALYZED"] == 2
    assert layer.off_main_thread == []
    with WorkStore.open(store) as opened:
        rows = opened.conn.execute("SELECT jcbh, suggestion FROM patch_analysis ORDER BY jcbh").fetchall()
    assert rows == [("A", "合法"), ("B", "违法")]  # the layer was read: A lies inside its red line
