"""The daily-enforcement dock on a real work store of each backend (offscreen)."""
from datetime import date

import numpy as np
import pytest
import shapely
from qgis.core import QgsFeature, QgsGeometry, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import Qt

from weipian_plugin.core.enforcement import records as enforcement
from weipian_plugin.core.store.workstore import WorkStore

X0, Y0 = 39_500_000.0, 3_300_000.0
TODAY = date(2026, 3, 20)


@pytest.fixture
def store_file(store_address):
    with WorkStore.create(store_address, 4527, "青禾县") as store, store.transaction() as conn:
        for no, found, stop, reported, mining in [("OVERDUE", "2026-03-10", None, None, 0),
                                                   ("ONTIME", "2026-03-16", "2026-03-17", "2026-03-17", 0),
                                                   ("MAJOR", "2026-03-18", None, None, 1)]:
            conn.execute("INSERT INTO clues (geom, clue_no, source, township, discovered, stop_notice, reported, "
                         f"is_mining) VALUES ({store.dialect.geom_param(4527)}, ?, '12336', '东镇', ?, ?, ?, ?)",
                         (store.dialect.encode(np.array([shapely.Point(X0, Y0)], dtype=object), 4527)[0], no, found,
                          stop, reported, mining))
    return store_address


@pytest.fixture
def dock(qgis_iface, qgis_new_project, qtbot, store_file):
    from weipian_plugin.gui.enforcement_dock import EnforcementDock

    widget = EnforcementDock(qgis_iface, str(store_file), today=TODAY)
    qgis_iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, widget)
    widget.show()
    yield widget
    widget.shutdown()
    widget.setParent(None)
    widget.deleteLater()


def row_of(dock, clue_no):
    return next(r for r in range(dock.clueTable.rowCount()) if dock.clueTable.item(r, 0).text() == clue_no)


def test_overdue_clue_is_highlighted_and_major_flagged(dock):
    table = dock.clueTable
    assert table.rowCount() == 3
    overdue, ontime, major = (row_of(dock, n) for n in ("OVERDUE", "ONTIME", "MAJOR"))
    tint = table.item(overdue, 0).background().color()
    assert (tint.red(), tint.green(), tint.blue()) == (255, 205, 200)
    assert table.item(ontime, 0).background().style() == Qt.BrushStyle.NoBrush
    assert table.item(overdue, 6).text() == "制止、报告"
    assert table.item(major, 0).font().bold() and "违法勘查、开采矿产资源" in table.item(major, 7).text()
    assert not table.item(ontime, 0).font().bold()
    assert "3 clues, 1 overdue, 1 major" in dock.clueCountsLabel.text()

    dock.overdueOnlyCheck.setChecked(True)
    assert [table.isRowHidden(r) for r in (overdue, ontime, major)] == [False, True, True]


def test_editing_status_dates_clears_the_overdue_tint(dock, store_file):
    dock.clueTable.selectRow(row_of(dock, "OVERDUE"))
    assert "已逾期" in dock.deadlinesLabel.text()
    dock.stopEdit.setText("2026-03-11")
    dock.reportEdit.setText("2026/3/12")
    dock.saveClueButton.click()
    row = row_of(dock, "OVERDUE")
    assert dock.clueTable.item(row, 0).background().style() == Qt.BrushStyle.NoBrush
    assert dock.clueTable.item(row, 5).text() == "立案 2026-03-24"
    with WorkStore.open(store_file) as store:
        assert enforcement.clue_values(store, dock.clue_fid)["reported"] == "2026-03-12"
    dock.filedEdit.setText("2026-03-01")
    dock.saveClueButton.click()
    assert "立案日期早于发现日期" in dock.messageLabel.text()


def test_patrol_from_the_form_with_the_map_selection_as_route(dock, qgis_iface, store_file):
    layer = QgsVectorLayer("LineString?crs=EPSG:4527", "routes", "memory")
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromWkt(f"LINESTRING ({X0} {Y0}, {X0 + 300} {Y0 + 40})"))
    layer.dataProvider().addFeatures([feature])
    QgsProject.instance().addMapLayer(layer)
    qgis_iface.setActiveLayer(layer)
    layer.selectAll()

    dock.newPatrolButton.click()
    dock.patrolTownshipEdit.setText("东镇")
    dock.patrolPeopleEdit.setText("张伟")
    dock.patrolFindingsEdit.setPlainText("未发现新增违法用地行为")
    dock.patrolGeomButton.click()
    dock.savePatrolButton.click()
    assert dock.patrolTable.rowCount() == 1 and dock.patrolTable.item(0, 0).text() == TODAY.isoformat()
    with WorkStore.open(store_file) as store:
        blob = store.conn.execute(f"SELECT {store.dialect.geom_select('geom')} FROM patrols").fetchone()[0]
        assert store.dialect.decode([blob])[0].equals(shapely.LineString([(X0, Y0), (X0 + 300, Y0 + 40)]))


def test_finding_photos_are_added_listed_and_removed_from_the_dock(dock, store_file, tmp_path, monkeypatch):
    from qgis.PyQt.QtWidgets import QFileDialog, QMessageBox

    with WorkStore.open(store_file) as store, store.transaction() as conn:
        conn.execute("INSERT INTO patrols (patrol_date, township) VALUES ('2026-03-19', '东镇')")
        conn.execute("INSERT INTO patrol_findings (patrol_fid, description) VALUES (1, '推土')")
    dock.reload()
    dock.patrolTable.selectRow(0)
    photo = tmp_path / "推土.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(photo)], ""))
    dock.findingsList.setCurrentRow(0)
    dock.add_photos()
    assert "(1 photos)" in dock.findingsList.item(0).text()
    (listed,) = enforcement.finding_photos(dock.store, 1)
    assert listed["file_name"] == "推土.png" and listed["kind"] == "照片"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert dock.remove_photo(listed)
    assert enforcement.finding_photos(dock.store, 1) == [] and "(0 photos)" in dock.findingsList.item(0).text()
