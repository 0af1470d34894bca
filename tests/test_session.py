"""One store session shared by the plugin's docks: one connection, one switch, one "store changed" signal."""
import shapely
from qgis.PyQt.QtCore import Qt

from weipian_plugin.core.intake.importer import create_store_for, import_patches

X0, Y0 = 39_500_000.0, 3_300_000.0


def make_store(path, shapefile_writer, jcbh=("J000", "J001")):
    geoms = [shapely.box(X0 + i * 200, Y0, X0 + i * 200 + 50, Y0 + 50) for i in range(len(jcbh))]
    shp = shapefile_writer(path.parent / "in" / f"{path.stem}.shp", geoms, {"JCBH": list(jcbh), "TBLX": ["DT"] * len(jcbh)})
    with create_store_for(path, shp) as store:
        import_patches(store, shp, "2026-01")
        with store.transaction() as conn:
            conn.executemany("INSERT INTO analysis (patch_fid, suggestion, suggestion_reason, new_construction_m2, "
                             "stock_construction_m2) VALUES (?, '违法', 'x', 2500, 0)",
                             [(fid,) for (fid,) in conn.execute("SELECT fid FROM patches")])
    return path


def test_docks_share_one_connection_follow_a_switch_and_hear_changes(qgis_iface, qgis_new_project, tmp_path,
                                                                     shapefile_writer):
    from weipian_plugin.gui.enforcement_dock import EnforcementDock
    from weipian_plugin.gui.review_dock import ReviewDock
    from weipian_plugin.gui.session import StoreSession

    first = make_store(tmp_path / "a.gpkg", shapefile_writer)
    second = make_store(tmp_path / "b.gpkg", shapefile_writer, ("K000", "K001", "K002"))
    session = StoreSession(str(first))
    review = ReviewDock(qgis_iface, session)
    enforcement = EnforcementDock(qgis_iface, session)
    qgis_iface.mainWindow().show()
    for dock in (review, enforcement):
        qgis_iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        dock.show()
    try:
        assert review.store is enforcement.store is session.store
        heard = []
        session.changed.connect(lambda what, source: heard.append((what, source)))
        reloads = []
        enforcement.reload = lambda: reloads.append(1)  # counts the re-reads the signal causes
        review.tableView.setCurrentIndex(review.proxy.index(0, 0))
        assert review.accept_suggestion()
        assert heard == [("review", review)] and reloads == [1]
        enforcement.hide()
        session.notify_changed("analysis")
        assert reloads == [1] and enforcement._stale  # hidden: read again when shown

        session.switch(str(second))
        assert review.store is enforcement.store is session.store and session.path == str(second)
        assert review.proxy.rowCount() == 3 and review.fid is None
        assert review.windowTitle().endswith("b.gpkg")
    finally:
        for dock in (review, enforcement):
            dock.shutdown()
            dock.setParent(None)
        session.close()
    assert session.store is None and review.store is None


def test_a_store_that_cannot_be_opened_is_told_not_raised(qgis_iface, qgis_new_project, tmp_path):
    from weipian_plugin.gui.review_dock import ReviewDock
    from weipian_plugin.gui.session import StoreSession

    session = StoreSession(str(tmp_path / "missing.gpkg"))
    dock = ReviewDock(qgis_iface, session)
    try:
        assert dock.store is None and "工作库不存在" in dock.countsLabel.text()
    finally:
        dock.shutdown()
        dock.setParent(None)
