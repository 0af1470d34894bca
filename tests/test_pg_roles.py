"""Roles and row-level security of a shared PostGIS store, proven with real logins through the plugin's own
core functions (and plain SQL, as a client other than the plugin would write)."""
import sqlite3

import psycopg2
import pytest
import shapely

from weipian_plugin.core.review import records
from weipian_plugin.core.statistics.ledger import ledger_rows
from weipian_plugin.core.store import audit, pgroles
from weipian_plugin.core.store.errors import StoreProblem
from weipian_plugin.core.store.workstore import StoreError, WorkStore

LOGINS = {"wp_tech": pgroles.TECHNICIAN, "wp_rev": pgroles.REVIEWER, "wp_town_a": pgroles.TOWNSHIP,
          "wp_view": pgroles.VIEWER}
TOWN_A, TOWN_B = "500118001", "500118002"
X0, Y0 = 39_500_000.0, 3_300_000.0


@pytest.fixture
def shared(pg_database, pg_logins):
    """A PostGIS store with one batch: patch A1 in township A and B1 in township B, both judged 违法, B1
    with a rectification record; the four logins in their groups. Yields a function opening the store as one of them."""
    address = f"postgresql:{pg_database}"
    with WorkStore.create(address, 4527, "测试县", "500118", 2026) as store:
        with store.transaction("管理员") as conn:
            add_batch(conn, "2026年3月", {"A1": TOWN_A, "B1": TOWN_B})
        for fid in (1, 2):
            records.save_determination(store, fid, {"result": "违法", "subtype": "非农违法",
                                                    "violation_category": "新增"}, "管理员")
        records.save_rectification(store, 2, {"case_number": "乙镇原有"}, "管理员")
        pgroles.install(store)
        pg_logins.extend(LOGINS)
        for login, group in LOGINS.items():
            pgroles.grant(store, login, group, [TOWN_A] if group == pgroles.TOWNSHIP else [])
    opened = []

    def as_login(login):
        store = WorkStore.open(f"{address} user={login}")
        opened.append(store)
        return store

    yield as_login, address
    for store in opened:
        store.close()


def add_batch(conn, name, patches):
    """A batch of 80 m × 100 m patches, written as the importer writes them (core/intake/importer.py)."""
    conn.execute("INSERT INTO batches (name) VALUES (?)", (name,))
    batch = conn.execute("SELECT id FROM batches WHERE name = ?", (name,)).fetchone()[0]
    for i, (jcbh, township) in enumerate(patches.items()):
        box = shapely.box(X0 + 200 * i, Y0 + 300 * batch, X0 + 200 * i + 100, Y0 + 300 * batch + 80)
        conn.execute("INSERT INTO patches (geom, batch_id, jcbh, area_m2, area_mu, township_code) "
                     "VALUES (ST_Multi(ST_GeomFromText(?, 4527)), ?, ?, 8000, 12, ?)", (box.wkt, batch, jcbh, township))


def refused(call):
    with pytest.raises(StoreProblem, match="没有这项权限"):
        call()


def shut_out(call):
    """Refused by the server for want of rights (SQLSTATE 42501): a login in no group may not even read the
    patch a save starts from."""
    with pytest.raises((StoreProblem, StoreError, sqlite3.Error)) as caught:
        call()
    assert "没有这项权限" in str(caught.value) or getattr(caught.value, "sqlstate", None) == "42501", caught.value


def test_technician_imports_and_analyses_but_does_not_judge(shared):
    as_login, _ = shared
    tech = as_login("wp_tech")
    with tech.transaction("技术员") as conn:
        add_batch(conn, "2026年4月", {"A2": TOWN_A})
        conn.execute("INSERT INTO analysis (patch_fid, suggestion) VALUES (3, '违法')")
    assert tech.conn.execute("SELECT count(*) FROM patches").fetchone()[0] == 3
    refused(lambda: records.save_determination(tech, 1, {"project_name": "某项目"}, "技术员"))
    refused(lambda: records.save_rectification(tech, 1, {"case_number": "x"}, "技术员"))


def test_reviewer_judges_follows_up_and_locks_but_does_not_import(shared):
    as_login, address = shared
    rev = as_login("wp_rev")
    records.save_determination(rev, 1, {"project_name": "某厂房"}, "界面上填的名字")
    records.save_rectification(rev, 2, {"case_number": "乙镇立〔2026〕1号"}, "界面上填的名字")
    records.lock_batch(rev, "2026年3月", "一上", "界面上填的名字")
    with pytest.raises(StoreProblem, match="没有这项权限"):
        with rev.transaction() as conn:
            add_batch(conn, "2026年4月", {"A2": TOWN_A})
    # the audit log names the login, not the name typed into the plugin, and the chain holds
    actors = [r[0] for r in rev.conn.execute("SELECT actor FROM audit_log WHERE table_name IN "
                                              "('determinations', 'rectifications') ORDER BY id DESC LIMIT 2")]
    assert actors == ["wp_rev", "wp_rev"]
    with WorkStore.open(address) as owner:
        assert audit.verify(owner.conn).ok


def test_township_fills_in_only_its_own_patches(shared, tmp_path):
    from weipian_plugin.core.review import attachments

    as_login, _ = shared
    town = as_login("wp_town_a")
    records.save_rectification(town, 1, {"case_number": "甲镇立〔2026〕1号"}, "甲镇")
    assert records.load_rectification(town, 1)["case_number"] == "甲镇立〔2026〕1号"
    refused(lambda: records.save_rectification(town, 2, {"case_number": "越权"}, "甲镇"))
    photo = tmp_path / "拆除后.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 photo")
    attachments.add(town, attachments.PATCH, 1, photo)
    refused(lambda: attachments.add(town, attachments.PATCH, 2, photo))
    assert [a["file_name"] for a in attachments.list_for(town, attachments.PATCH, 1)] == ["拆除后.jpg"]
    refused(lambda: records.save_determination(town, 1, {"project_name": "越权"}, "甲镇"))
    # outside the plugin too: no moving a row to its own patch, no widening of its own mapping
    raw = town.conn.raw
    for statement in ("UPDATE rectifications SET patch_fid = 2 WHERE patch_fid = 1",
                      "UPDATE rectifications SET case_number = 'x'",
                      f"INSERT INTO township_logins VALUES ('wp_town_a', '{TOWN_B}')"):
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            raw.cursor().execute(statement)
    # every township's rows are readable; B's row is untouched
    assert [r.jcbh for r in ledger_rows(town)] == ["A1", "B1"]
    assert records.load_rectification(town, 2)["case_number"] == "乙镇原有"


def test_township_granted_a_second_township_may_fill_it_in(shared):
    as_login, address = shared
    town = as_login("wp_town_a")
    refused(lambda: records.save_rectification(town, 2, {"case_number": "乙镇1号"}, "甲镇"))
    with WorkStore.open(address) as owner:
        pgroles.grant(owner, "wp_town_a", pgroles.TOWNSHIP, [TOWN_B])
    records.save_rectification(town, 2, {"case_number": "乙镇1号"}, "甲镇")


def test_township_returns_its_offline_work_and_only_its_own(shared, tmp_path):
    from weipian_plugin.core.review import offline
    from weipian_plugin.core.store import transfer

    as_login, address = shared
    snap = tmp_path / "甲镇外业.gpkg"
    transfer.snapshot(f"{address} user=wp_town_a", snap)
    with WorkStore.open(snap) as field:  # offline nothing stops a clerk from editing B's record too
        records.save_rectification(field, 1, {"case_number": "甲镇外业1号"}, "甲镇")
        records.save_rectification(field, 2, {"case_number": "甲镇改乙镇"}, "甲镇")
    outcomes = {o.jcbh: o.status for o in offline.return_snapshot(snap, f"{address} user=wp_town_a", "甲镇")}
    assert outcomes == {"A1": offline.APPLIED, "B1": offline.REFUSED}
    town = as_login("wp_town_a")
    assert records.load_rectification(town, 1)["case_number"] == "甲镇外业1号"
    assert records.load_rectification(town, 2)["case_number"] == "乙镇原有"


def test_a_revoked_reviewer_can_no_longer_write_even_in_an_open_session(shared):
    as_login, address = shared
    rev = as_login("wp_rev")
    records.save_determination(rev, 1, {"project_name": "撤销前"}, "wp_rev")
    with WorkStore.open(address) as owner:
        assert pgroles.revoke(owner, "wp_rev") == [pgroles.REVIEWER]
        assert "wp_rev" not in {login for login, _, _ in pgroles.memberships(owner)}
        with pytest.raises(pgroles.RoleError, match="不是任何卫片执法角色组的成员"):
            pgroles.revoke(owner, "wp_rev")
    shut_out(lambda: records.save_determination(rev, 1, {"project_name": "撤销后"}, "wp_rev"))  # its open session
    with pytest.raises(StoreError, match="没有这项权限"):  # and it cannot open the store again
        as_login("wp_rev")
    with WorkStore.open(address) as owner:
        assert records.load_determination(owner, 1)["project_name"] == "撤销前"
        assert audit.verify(owner.conn).ok


def test_a_township_login_revoked_from_its_group_loses_its_townships(shared):
    as_login, address = shared
    with WorkStore.open(address) as owner:
        pgroles.grant(owner, "wp_town_a", pgroles.VIEWER)
        assert pgroles.revoke(owner, "wp_town_a", pgroles.TOWNSHIP) == [pgroles.TOWNSHIP]
        assert owner.conn.execute("SELECT count(*) FROM township_logins WHERE login = 'wp_town_a'").fetchone() == (0,)
        assert {(login, group) for login, group, _ in pgroles.memberships(owner) if login == "wp_town_a"} == {
            ("wp_town_a", pgroles.VIEWER)}
    refused(lambda: records.save_rectification(as_login("wp_town_a"), 1, {"case_number": "x"}, "甲镇"))


def test_viewer_reads_everything_and_writes_nothing(shared):
    as_login, _ = shared
    view = as_login("wp_view")
    assert len(ledger_rows(view)) == 2
    refused(lambda: records.save_determination(view, 1, {"project_name": "x"}, "只读"))
    refused(lambda: records.save_rectification(view, 1, {"case_number": "x"}, "只读"))
    refused(lambda: records.lock_batch(view, "2026年3月", "一上", "只读"))


def test_nobody_but_the_owner_writes_the_audit_log(shared):
    as_login, _ = shared
    for login in LOGINS:
        raw = as_login(login).conn.raw
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            raw.cursor().execute("INSERT INTO audit_log (actor, table_name, action) VALUES ('伪造', 'x', 'insert')")


def test_install_is_idempotent_and_lists_members(shared):
    _, address = shared
    with WorkStore.open(address) as owner:
        pgroles.install(owner)
        got = {login: (group, codes) for login, group, codes in pgroles.memberships(owner) if login in LOGINS}
        assert got == {"wp_tech": (pgroles.TECHNICIAN, []), "wp_rev": (pgroles.REVIEWER, []),
                       "wp_town_a": (pgroles.TOWNSHIP, [TOWN_A]), "wp_view": (pgroles.VIEWER, [])}
        with pytest.raises(pgroles.RoleError, match="乡镇代码"):
            pgroles.grant(owner, "wp_town_b", pgroles.TOWNSHIP)
        with pytest.raises(pgroles.RoleError, match="未知的角色组"):
            pgroles.grant(owner, "wp_view", "weipian_admin")


def test_storeroles_algorithm_grants_a_login(weipian_provider, shared):
    import processing

    as_login, address = shared
    processing.run("weipian:storeroles", {"STORE": address, "LOGIN": "wp_view",
                                          "GROUP": list(pgroles.GROUPS).index(pgroles.REVIEWER)})
    records.save_determination(as_login("wp_view"), 1, {"project_name": "升为审核人后"}, "x")


def test_storeroles_algorithm_revokes_a_login(weipian_provider, shared):
    import processing
    from qgis.core import QgsProcessingException

    from weipian_plugin.processing_algorithms.store_roles import StoreRolesAlgorithm

    as_login, address = shared
    rev = as_login("wp_rev")
    processing.run("weipian:storeroles", {"STORE": address, "LOGIN": "wp_rev",
                                          "ACTION": StoreRolesAlgorithm.REVOKE_ALL})
    shut_out(lambda: records.save_determination(rev, 1, {"project_name": "撤销后"}, "wp_rev"))
    with pytest.raises(QgsProcessingException, match="不是任何卫片执法角色组的成员"):
        processing.run("weipian:storeroles", {"STORE": address, "LOGIN": "wp_rev",
                                              "ACTION": StoreRolesAlgorithm.REVOKE_ALL})
    with pytest.raises(QgsProcessingException, match="须填写登录账号"):
        processing.run("weipian:storeroles", {"STORE": address, "ACTION": StoreRolesAlgorithm.REVOKE})


def test_the_review_dock_tells_a_login_revoked_while_it_is_open_that_it_may_no_longer_save(
        shared, qgis_iface, qgis_new_project, qtbot):
    from weipian_plugin.gui.review_dock import ReviewDock

    _, address = shared
    dock = ReviewDock(qgis_iface, f"{address} user=wp_rev")
    qtbot.addWidget(dock)
    try:
        dock.select_fid(1)
        dock.projectEdit.setText("撤销前")
        assert dock.save_determination()
        dock.projectEdit.setText("撤销后")  # typed while the role was still there
        with WorkStore.open(address) as owner:
            pgroles.revoke(owner, "wp_rev")
        assert not dock.save_determination()  # no raw "permission denied" escapes the save
        said = dock.messagesLabel.text()
        assert "The login wp_rev may no longer change this shared work store" in said and "permission" not in said
        with WorkStore.open(address) as owner:  # left a reader: the write itself is refused, inside its transaction
            pgroles.grant(owner, "wp_rev", pgroles.VIEWER)
        dock.messagesLabel.clear()
        assert not dock.save_determination()
        assert "The login wp_rev may no longer change" in dock.messagesLabel.text()
    finally:
        dock.shutdown()
    with WorkStore.open(address) as owner:
        assert records.load_determination(owner, 1)["project_name"] == "撤销前"


def test_the_review_dock_tells_a_revoked_login_that_it_may_no_longer_read(shared, qgis_iface, qgis_new_project, qtbot):
    """Every read of the dock (next patch, the history and attachments tabs, the form's lists, the list
    itself) after the role is revoked: no Python error, the form emptied, the reason in words."""
    from weipian_plugin.gui.review_dock import ReviewDock

    _, address = shared
    dock = ReviewDock(qgis_iface, f"{address} user=wp_rev")
    qtbot.addWidget(dock)
    said = "The login wp_rev may no longer read this shared work store"
    try:
        steps = {
            "next patch": lambda: dock.show_patch(2),
            "history tab": lambda: dock.tabs.setCurrentWidget(dock.historyTab),
            "attachments tab": lambda: dock.tabs.setCurrentWidget(dock.attachmentsTab),
            "result list": lambda: dock.resultCombo.setCurrentIndex(dock.resultCombo.findData("合法")),
            "typing": lambda: dock.projectEdit.setText("撤销后"),
            "reload": dock.reload,
        }
        for step, act in steps.items():
            with WorkStore.open(address) as owner:
                pgroles.grant(owner, "wp_rev", pgroles.REVIEWER)
            dock.tabs.setCurrentIndex(0)
            dock.show_patch(1)
            assert dock.fid == 1 and dock.patch["jcbh"] == "A1"
            with WorkStore.open(address) as owner:
                pgroles.revoke(owner, "wp_rev")
            dock.messagesLabel.clear()
            act()  # a refusal raised from a slot would fail the test (pytest-qt)
            assert said in dock.messagesLabel.text(), step
            assert dock.fid is None and not dock.patchLabel.text(), step
    finally:
        dock.shutdown()
