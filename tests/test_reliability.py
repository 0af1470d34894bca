"""Issue 11, row by row, through the real Processing algorithms: every bad input gives a clear Chinese
error or the correct result, and the store is unchanged after every refusal."""
from __future__ import annotations

import hashlib
import shutil
import sqlite3

import openpyxl
import pytest
import shapely
from test_ledger import county_store  # noqa: F401 (shared session fixture)

X0, Y0 = 39_500_000.0, 3_300_000.0


def squares(n, size=40.0, dx=100.0, x0=X0, y0=Y0):
    return [shapely.box(x0 + i * dx, y0, x0 + i * dx + size, y0 + size) for i in range(n)]


def qgis_like(path) -> sqlite3.Connection:
    """A plain SQLite connection with the GeoPackage functions QGIS's GDAL provides (its R*Tree
    triggers call them): what editing in QGIS's attribute table amounts to."""
    from weipian_plugin.core.store import gpkg

    conn = sqlite3.connect(path)
    gpkg.register_functions(conn)
    return conn


def digest(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def run(name, **params):
    import processing

    return processing.run(f"weipian:{name}", {k: str(v) if hasattr(v, "parent") else v for k, v in params.items()})


def refused(match, name, **params):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match=match):
        run(name, **params)


@pytest.fixture
def batch_shp(tmp_path, shapefile_writer):
    return shapefile_writer(tmp_path / "in" / "批次.shp", squares(5),
                            {"JCBH": [f"P{i}" for i in range(5)], "HSX": ["2026-03-05"] * 5,
                             "XMC": ["青禾县"] * 5}, encoding="GBK")


@pytest.fixture
def imported(weipian_provider, tmp_path, batch_shp):
    store = tmp_path / "store.gpkg"
    run("importpatches", INPUT=batch_shp, STORE=store, BATCH="2026年3月")
    return store


@pytest.fixture
def imported_on(weipian_provider, store_address, batch_shp):
    """The imported batch on each backend (a shared store is created first: the import does not create one)."""
    from weipian_plugin.core.store.workstore import WorkStore

    if store_address.startswith("postgresql:"):
        WorkStore.create(store_address, 4527).close()
    run("importpatches", INPUT=batch_shp, STORE=store_address, BATCH="2026年3月")
    return store_address


# -- data loss -------------------------------------------------------------------------------------
@pytest.mark.parametrize("algorithm", ["exportledger", "gradeenforcement", "accountability", "exportmilitary"])
def test_exports_refuse_the_store_other_databases_and_wrong_extensions(weipian_provider, county_store,  # noqa: F811
                                                                       tmp_path, algorithm):
    store = tmp_path / "work.gpkg"
    shutil.copy(county_store, store)
    before = digest(store)
    refused("工作库本身", algorithm, STORE=store, OUTPUT=store)
    other = tmp_path / "其他.xlsx"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    other_before = digest(other)
    refused("GeoPackage/SQLite 数据库", algorithm, STORE=store, OUTPUT=other)
    refused("应为 .xlsx", algorithm, STORE=store, OUTPUT=tmp_path / "out.gpkg")
    assert digest(store) == before and digest(other) == other_before
    assert not (tmp_path / "out.gpkg").exists()
    out = tmp_path / "好.xlsx"
    run(algorithm, STORE=store, OUTPUT=out)
    assert out.stat().st_size > 0 and digest(store) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary left


def test_records_import_report_never_replaces_the_store(weipian_provider, county_store, tmp_path):  # noqa: F811
    store = tmp_path / "work.gpkg"
    shutil.copy(county_store, store)
    ledger = tmp_path / "台账.xlsx"
    run("exportledger", STORE=store, OUTPUT=ledger)
    before = digest(store)
    refused("工作库本身", "importrecords", INPUT=ledger, STORE=store, REPORT=store)
    assert digest(store) == before


def test_figures_refuse_a_file_as_folder_and_a_missing_batch(weipian_provider, imported, tmp_path):
    before = digest(imported)
    refused("是一个文件而不是文件夹", "exportfigures", STORE=imported, OUTPUT=imported)
    refused("没有批次“2099年1月”", "exportfigures", STORE=imported, OUTPUT=tmp_path / "figs", BATCH="2099年1月")
    refused("没有批次“2099年1月”", "exportledger", STORE=imported, OUTPUT=tmp_path / "l.xlsx", BATCH="2099年1月")
    refused("没有批次“2099年1月”", "analyzepatches", STORE=imported, BATCH="2099年1月")
    assert digest(imported) == before


def test_a_failed_first_import_never_deletes_a_store_another_run_created(weipian_provider, tmp_path,
                                                                          shapefile_writer, batch_shp,
                                                                          monkeypatch):
    """Two imports create the same new store at once: the one that fails removes only its own file."""
    from weipian_plugin.core.intake import importer
    from weipian_plugin.processing_algorithms import import_patches as algorithm

    store = tmp_path / "同时.gpkg"
    bad = shapefile_writer(tmp_path / "bad" / "bad.shp", squares(1), {"JCBH": ["X"]})
    bad.with_suffix(".dbf").write_bytes(b"garbage")  # readable header for nothing: the import fails later
    real = importer.create_store_for

    others = {str(bad): "别人的"}

    def other_run_finishes_meanwhile(path, shp, **kwargs):
        if shp in others:  # the other run publishes its store while this one still works
            run("importpatches", INPUT=batch_shp, STORE=store, BATCH=others.pop(shp))
        return real(path, shp, **kwargs)

    monkeypatch.setattr(algorithm, "create_store_for", other_run_finishes_meanwhile)
    refused("bad", "importpatches", INPUT=bad, STORE=store)
    assert store.exists()
    with sqlite3.connect(store) as conn:
        assert conn.execute("SELECT name FROM batches").fetchall() == [("别人的",)]
    # and one that succeeds while another created the store imports into that store
    store.unlink()
    good = shapefile_writer(tmp_path / "good" / "good.shp", squares(2, y0=Y0 + 500), {"JCBH": ["G1", "G2"]})
    others[str(good)] = "别人的"
    run("importpatches", INPUT=good, STORE=store, BATCH="我的")
    with sqlite3.connect(store) as conn:
        assert sorted(conn.execute("SELECT name FROM batches").fetchall()) == [("别人的",), ("我的",)]
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".gpkg") == ["bad", "good", "in"]


# -- the record ------------------------------------------------------------------------------------
def _determine(store_path, jcbh="P0", result="违法", reviewer="张三"):
    from weipian_plugin.core.review.records import save_determination
    from weipian_plugin.core.store.workstore import WorkStore

    with WorkStore.open(store_path) as store:
        fid = store.conn.execute("SELECT fid FROM patches WHERE jcbh=?", (jcbh,)).fetchone()[0]
        values = {"result": result, "subtype": "批文", "violation_category": None}
        if result == "违法":
            values = {"result": result, "subtype": "非农违法", "violation_category": "新增"}
        save_determination(store, fid, values, reviewer)
    return fid


def test_audit_log_and_stage_events_are_append_only(weipian_provider, imported):
    from weipian_plugin.core.review.records import lock_batch
    from weipian_plugin.core.store.workstore import WorkStore

    fid = _determine(imported)
    with WorkStore.open(imported) as store:
        lock_batch(store, "2026年3月", "一上", "张三")
    conn = qgis_like(imported)
    for sql in ("DELETE FROM audit_log", "UPDATE audit_log SET actor='李四'", "UPDATE stage_events SET locks=0",
                "DELETE FROM stage_events", "DELETE FROM audit_seals"):
        with pytest.raises(sqlite3.DatabaseError, match="只能追加"):
            conn.execute(sql)
    for sql in ("UPDATE patches SET area_m2 = 1 WHERE fid = ?", "UPDATE patches SET geom = NULL WHERE fid = ?",
                "DELETE FROM patches WHERE fid = ?"):
        with pytest.raises(sqlite3.DatabaseError, match="已上报锁定"):
            conn.execute(sql, (fid,))


def test_patch_and_attachment_edits_are_audited_with_an_honest_actor(weipian_provider, imported, tmp_path):
    from weipian_plugin.core.review.records import add_attachment, remove_attachment
    from weipian_plugin.core.store.workstore import WorkStore

    fid = _determine(imported)
    conn = qgis_like(imported)
    conn.execute("UPDATE patches SET area_m2 = 1 WHERE fid = ?", (fid,))
    conn.execute("UPDATE determinations SET result = '合法' WHERE patch_fid = ?", (fid,))  # as QGIS would
    conn.commit()
    rows = conn.execute("SELECT actor, table_name, action FROM audit_log ORDER BY id").fetchall()
    assert rows[0] == ("张三", "determinations", "insert")
    assert rows[1] == ("插件外直接编辑", "patches", "update")
    assert rows[2][0].startswith("插件外直接编辑（上次保存人：张三）")  # not credited to 张三
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    with WorkStore.open(imported) as store:
        attachment = add_attachment(store, fid, photo, actor="王五")
        remove_attachment(store, attachment, actor="王五")
    assert conn.execute("SELECT actor, action FROM audit_log WHERE table_name='attachments' ORDER BY id").fetchall() \
        == [("王五", "insert"), ("王五", "delete")]


def _break(store, sql):
    """Tamper as a determined user would: switch the protection off, change the log, switch it back."""
    from weipian_plugin.core.store import audit

    conn = sqlite3.connect(store)
    triggers = {n: s for n, s in conn.execute("SELECT name, sql FROM sqlite_master WHERE type='trigger' "
                                              "AND name LIKE 'audit_log_append_only%'")}
    for name in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute(sql)
    for definition in triggers.values():
        conn.execute(definition)
    conn.commit()
    assert set(triggers) <= set(audit.protective_triggers())


@pytest.mark.parametrize("tamper, found", [
    ("DELETE FROM audit_log WHERE id = 2", "第 2 条修改记录已被删除"),
    ("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)", "已被删除"),
    ("UPDATE audit_log SET actor = '李四' WHERE id = 1", "第 1 条修改记录已被改动"),
    ("INSERT INTO audit_log (at, actor, table_name, patch_fid, action, new_values) "  # backdated, made up
     "VALUES ('2026-01-02T09:00:00', '李四', 'determinations', 1, 'update', '{\"result\": \"违法\"}')", "伪造"),
    ("INSERT INTO audit_log (actor, table_name, patch_fid, action, new_values) "  # now, made up
     "VALUES ('李四', 'determinations', 1, 'update', '{\"result\": \"违法\"}')", "伪造"),
])
def test_verifystore_detects_a_deleted_an_edited_and_an_inserted_audit_row(weipian_provider, imported, tamper,
                                                                          found):
    from qgis.core import QgsProcessingFeedback

    _determine(imported, "P0")
    _determine(imported, "P1", "合法")
    _determine(imported, "P0", "合法")
    assert run("verifystore", STORE=imported)["OK"] is True
    _break(imported, tamper)
    import processing

    feedback = QgsProcessingFeedback()
    result = processing.run("weipian:verifystore", {"STORE": str(imported)}, feedback=feedback)
    assert result["OK"] is False
    assert found in feedback.textLog()


def test_verifystore_reports_a_dropped_trigger(weipian_provider, imported):
    before = digest(imported)
    assert run("verifystore", STORE=imported)["OK"] is True
    assert digest(imported) == before  # verifying writes nothing
    conn = sqlite3.connect(imported)
    conn.execute("DROP TRIGGER stage_events_append_only_update")
    conn.commit()
    assert run("verifystore", STORE=imported)["OK"] is False


# -- input checks ----------------------------------------------------------------------------------
def _store_rows(path):
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT jcbh, area_m2 FROM patches ORDER BY jcbh").fetchall()


def test_damaged_shapefile_rejects_every_missing_record_by_number(weipian_provider, tmp_path, shapefile_writer):
    shp = shapefile_writer(tmp_path / "d" / "短.shp", squares(10), {"JCBH": [f"D{i}" for i in range(10)]})
    dbf = bytearray(shp.with_suffix(".dbf").read_bytes())
    dbf[4:8] = (8).to_bytes(4, "little")  # the header claims 8 records; the .shp holds 10
    shp.with_suffix(".dbf").write_bytes(dbf)
    store = tmp_path / "s.gpkg"
    result = run("importpatches", INPUT=shp, STORE=store, BATCH="b")
    assert result == {"IMPORTED": 8, "REJECTED": 2}
    with sqlite3.connect(store) as conn:
        rejects = conn.execute("SELECT source_row, reason FROM rejects ORDER BY source_row").fetchall()
    assert [r[0] for r in rejects] == [9, 10]
    assert all(r[1].startswith("属性记录缺失（.dbf 文件头只声明 8 条记录，.shp 有 10 条）") for r in rejects)

    half = shapefile_writer(tmp_path / "h" / "半.shp", squares(10), {"JCBH": [f"H{i}" for i in range(10)]})
    data = half.read_bytes()
    half.write_bytes(data[:len(data) // 2])
    result = run("importpatches", INPUT=half, STORE=store, BATCH="h")
    with sqlite3.connect(store) as conn:
        reasons = [r[0] for r in conn.execute(
            "SELECT reason FROM rejects r JOIN batches b ON b.id = r.batch_id WHERE b.name = 'h'")]
    assert result["IMPORTED"] + result["REJECTED"] == 10 and result["REJECTED"] > 0
    assert all(r.startswith("几何记录缺失（.shp 文件被截断") for r in reasons)  # not 「几何为空」


def test_web_mercator_and_six_digit_eastings_need_a_crs(weipian_provider, tmp_path, shapefile_writer):
    from pyproj import Transformer

    to_merc = Transformer.from_crs(4527, 3857, always_xy=True)
    merc = [shapely.transform(g, lambda c: __import__("numpy").column_stack(to_merc.transform(c[:, 0], c[:, 1])))
            for g in squares(2)]
    shp = shapefile_writer(tmp_path / "m" / "墨卡托.shp", merc, {"JCBH": ["M1", "M2"]}, epsg=3857, keep_prj=False)
    store = tmp_path / "s.gpkg"
    refused("Web 墨卡托", "importpatches", INPUT=shp, STORE=store)
    assert not store.exists()
    run("importpatches", INPUT=shp, STORE=store, CRS="EPSG:3857", BATCH="m")
    six = shapefile_writer(tmp_path / "6" / "六位.shp", squares(2, x0=500_000.0, y0=Y0 + 1000),
                           {"JCBH": ["S1", "S2"]}, epsg=4548, keep_prj=False)
    before = digest(store)
    refused("6位", "importpatches", INPUT=six, STORE=store)
    assert digest(store) == before
    run("importpatches", INPUT=six, STORE=store, CRS="EPSG:4548", BATCH="六位")
    rows = dict(_store_rows(store))
    assert rows["M1"] == pytest.approx(1600.0, rel=1e-3) and rows["S1"] == pytest.approx(1600.0, rel=1e-3)


def test_the_same_file_twice_is_refused_and_many_known_ids_warned(weipian_provider, imported, batch_shp,
                                                                    tmp_path, shapefile_writer):
    from qgis.core import QgsProcessingFeedback

    before = digest(imported)
    refused("作为批次“2026年3月”导入", "importpatches", INPUT=batch_shp, STORE=imported, BATCH="另一个名字")
    assert digest(imported) == before
    assert run("importpatches", INPUT=batch_shp, STORE=imported, BATCH="2026年3月")["IMPORTED"] == 5
    copy = shapefile_writer(tmp_path / "c" / "重发.shp", squares(5, y0=Y0 + 300),
                            {"JCBH": [f"P{i}" for i in range(5)], "HSX": ["2026-04-02"] * 5})
    import processing

    feedback = QgsProcessingFeedback()
    processing.run("weipian:importpatches", {"INPUT": str(copy), "STORE": str(imported)}, feedback=feedback)
    assert "5 个监测编号已在其他批次中（“2026年3月” 5 个）" in feedback.textLog()
    with sqlite3.connect(imported) as conn:  # the batch name comes from the 后时相 month, not the file name
        assert [r[0] for r in conn.execute("SELECT name FROM batches ORDER BY id")] == ["2026年3月", "2026年4月"]


def test_reimport_with_a_changed_geometry_is_audited_and_marked(weipian_provider, imported_on, tmp_path,
                                                                 shapefile_writer):
    from qgis.core import QgsProcessingFeedback

    from weipian_plugin.core.store.workstore import WorkStore

    fid = _determine(imported_on, "P1")
    geoms = squares(5)
    geoms[1] = shapely.box(X0 + 100, Y0, X0 + 120, Y0 + 40)  # P1 shrinks to half
    changed = shapefile_writer(tmp_path / "v2" / "批次.shp", geoms,
                               {"JCBH": [f"P{i}" for i in range(5)], "HSX": ["2026-03-05"] * 5}, encoding="GBK")
    import processing

    feedback = QgsProcessingFeedback()
    processing.run("weipian:importpatches", {"INPUT": str(changed), "STORE": imported_on, "BATCH": "2026年3月"},
                   feedback=feedback)
    assert "1 个图斑的几何与上次导入不同（P1）" in feedback.textLog()
    with WorkStore.open(imported_on) as store:  # either backend
        conn = store.conn
        note = conn.execute("SELECT review_note FROM patches WHERE fid = ?", (fid,)).fetchone()[0]
        audit = conn.execute("SELECT actor, old_values, new_values FROM audit_log WHERE table_name = 'patches'"
                             ).fetchall()
    assert note.startswith("重新导入 批次.shp 时几何已变化") and "需重新审核" in note
    assert len(audit) == 1 and audit[0][0] == "导入 批次.shp"
    assert '"geom_changed":1' in audit[0][2].replace(" ", "")


def test_field_values_as_they_really_arrive(weipian_provider, tmp_path, shapefile_writer):
    import numpy as np
    import pyogrio.raw

    shp = tmp_path / "v" / "值.shp"
    shp.parent.mkdir()
    long_ids = [5001234567890123456 + i for i in range(3)]  # 19 digits: not representable as a double
    wkb = np.array([shapely.to_wkb(g) for g in squares(3)], dtype=object)
    pyogrio.raw.write(str(shp), wkb, [np.array(long_ids, dtype=np.int64),
                                      np.array(["\ufeff1,600.5", "2.4", "abc"], dtype=object),
                                      np.array(["\ufeff青禾县", "青禾县", "青禾县"], dtype=object)],
                      ["JCBH", "JCMJ", "XMC"], driver="ESRI Shapefile", crs="EPSG:4527", encoding="UTF-8",
                      geometry_type="Polygon")
    store = tmp_path / "s.gpkg"
    run("importpatches", INPUT=shp, STORE=store, BATCH="v")
    with sqlite3.connect(store) as conn:
        rows = conn.execute("SELECT jcbh, jcmj_m2, xmc FROM patches ORDER BY fid").fetchall()
    assert [r[0] for r in rows] == [str(i) for i in long_ids]
    assert rows[0][1] == pytest.approx(1600.5) and rows[2][1] is None
    assert {r[2] for r in rows} == {"青禾县"}  # the BOM is gone


def test_big5_and_mixed_rows_decode_per_value_or_not_at_all(weipian_provider, tmp_path, shapefile_writer):
    big5 = shapefile_writer(tmp_path / "b" / "繁.shp", squares(2), {"JCBH": ["B1", "B2"], "XMC": ["臺北縣", "新竹縣"]},
                            encoding="BIG5")
    big5.with_suffix(".cpg").write_text("BIG5")
    store = tmp_path / "s.gpkg"
    run("importpatches", INPUT=big5, STORE=store, BATCH="big5")
    mixed = shapefile_writer(tmp_path / "x" / "混.shp", squares(2, y0=Y0 + 500), {"JCBH": ["X1", "X2"],
                             "XMC": ["青禾县", "白沙镇"]}, encoding="UTF-8", keep_cpg=False)
    dbf = mixed.with_suffix(".dbf").read_bytes()
    utf8, gbk = "白沙镇".encode("utf-8"), "白沙镇".encode("gbk").ljust(len("白沙镇".encode("utf-8")))
    mixed.with_suffix(".dbf").write_bytes(dbf.replace(utf8, gbk))
    run("importpatches", INPUT=mixed, STORE=store, BATCH="mixed")
    with sqlite3.connect(store) as conn:
        assert dict(conn.execute("SELECT jcbh, xmc FROM patches")) == {
            "B1": "臺北縣", "B2": "新竹縣", "X1": "青禾县", "X2": "白沙镇"}
    garbage = shapefile_writer(tmp_path / "g" / "乱.shp", squares(1, y0=Y0 + 900), {"JCBH": ["G1"], "XMC": ["青禾县"]},
                               keep_cpg=False)
    dbf = garbage.with_suffix(".dbf").read_bytes()
    garbage.with_suffix(".dbf").write_bytes(dbf.replace("青禾县".encode("utf-8"), b"\xff\xfe\x81\x30" + b" " * 5))
    before = digest(store)
    refused("既不是有效的UTF-8", "importpatches", INPUT=garbage, STORE=store, BATCH="g")
    assert digest(store) == before


def test_field_map_and_encoding_apply_when_the_store_is_created(weipian_provider, tmp_path, shapefile_writer):
    shp = shapefile_writer(tmp_path / "p" / "省界.shp", squares(2), {"BIANHAO": ["A", "B"], "名称": ["甲", "乙"]},
                           encoding="GBK", keep_cpg=False)
    store = tmp_path / "new.gpkg"
    result = run("importpatches", INPUT=shp, STORE=store, FIELD_MAP="jcbh=BIANHAO;xmc=名称", ENCODING="GBK",
                 BATCH="p")
    assert result["IMPORTED"] == 2
    with sqlite3.connect(store) as conn:
        assert conn.execute("SELECT value FROM weipian_meta WHERE key='county_name'").fetchone() == ("甲",)


# -- spreadsheets ----------------------------------------------------------------------------------
def test_data_is_never_a_formula(weipian_provider, tmp_path, shapefile_writer):
    from weipian_plugin.core.review.records import save_determination
    from weipian_plugin.core.store.workstore import WorkStore

    shp = shapefile_writer(tmp_path / "f" / "公式.shp", squares(2),
                           {"JCBH": ['=HYPERLINK("http://x","点")', "+1"], "XMC": ["=1+1", "=1+1"],
                            "HSX": ["2026-03-05"] * 2})
    store = tmp_path / "s.gpkg"
    run("importpatches", INPUT=shp, STORE=store, BATCH="@批次")
    with WorkStore.open(store) as s:  # illegal patches appear in every workbook's lists
        fids = [r[0] for r in s.conn.execute("SELECT fid FROM patches")]
    for fid in fids:
        with WorkStore.open(store) as s:
            save_determination(s, fid, {"result": "违法", "subtype": "非农违法", "violation_category": "新增"}, "张三")
    ledger = tmp_path / "台账.xlsx"
    run("exportledger", STORE=store, OUTPUT=ledger)
    run("gradeenforcement", STORE=store, OUTPUT=tmp_path / "日常执法评价.xlsx")
    run("accountability", STORE=store, OUTPUT=tmp_path / "问责.xlsx")
    for path in (ledger, tmp_path / "日常执法评价.xlsx", tmp_path / "问责.xlsx"):
        formulas = [(ws.title, c.coordinate, c.value) for ws in openpyxl.load_workbook(path).worksheets
                    for row in ws.iter_rows() for c in row if c.data_type == "f"]
        assert formulas == [], path.name
    ws = openpyxl.load_workbook(ledger)["图斑台账"]
    assert ws["A1"].value.startswith("=1+1") and ws["A1"].data_type == "s"
    values = [c.value for row in ws.iter_rows() for c in row]
    assert '=HYPERLINK("http://x","点")' in values


# -- reference layers ------------------------------------------------------------------------------
@pytest.fixture
def references(tmp_path, shapefile_writer):
    """A DLTB and approvals that fit, and every way a layer can be wrong."""
    import numpy as np
    from pyproj import Transformer

    cover = [shapely.box(X0 - 100, Y0 - 100, X0 + 600, Y0 + 200)]
    merc = Transformer.from_crs(4527, 3857, always_xy=True)
    return {
        "dltb": shapefile_writer(tmp_path / "r" / "DLTB.shp", cover, {"DLBM": ["0101"], "DLMC": ["水田"]}),
        "dltb_no_dlbm": shapefile_writer(tmp_path / "r" / "DLTB无字段.shp", cover, {"DLMC": ["水田"]}),
        "approvals": shapefile_writer(tmp_path / "r" / "批文.shp", cover, {"PZWH": ["青政地〔2025〕1号"],
                                                                        "PZRQ": ["2025-01-01"]}),
        "empty": shapefile_writer(tmp_path / "r" / "空批文.shp", [], {"PZWH": [], "PZRQ": []}),
        "points": shapefile_writer(tmp_path / "r" / "点批文.shp", [shapely.Point(X0 + 20, Y0 + 20)],
                                   {"PZWH": ["x"], "PZRQ": ["2025-01-01"]}, geometry_type="Point"),
        "far": shapefile_writer(tmp_path / "r" / "远批文.shp", [shapely.box(X0 + 100_000, Y0, X0 + 100_500, Y0 + 500)],
                                {"PZWH": ["y"], "PZRQ": ["2025-01-01"]}),
        "mercator": shapefile_writer(
            tmp_path / "r" / "墨卡托批文.shp",
            [shapely.transform(cover[0], lambda c: np.column_stack(merc.transform(c[:, 0], c[:, 1])))],
            {"PZWH": ["z"], "PZRQ": ["2025-01-01"]}, epsg=3857, keep_prj=False),
    }


@pytest.mark.parametrize("layers, found", [
    ({"LANDUSE": "dltb_no_dlbm"}, "缺少必需字段：地类编码"),
    ({"APPROVALS": "empty"}, "没有任何要素"),
    ({"APPROVALS": "points"}, "不是面"),
    ({"APPROVALS": "far"}, "相距约 100 公里"),
    ({"APPROVALS": "mercator"}, "Web 墨卡托"),
])
def test_reference_layers_are_checked_before_the_analysis(weipian_provider, imported, references, layers, found):
    before = digest(imported)
    params = {"LANDUSE": str(references["dltb"]), **{k: str(references[v]) for k, v in layers.items()}}
    refused(found, "analyzepatches", STORE=imported, **params)
    assert digest(imported) == before


def test_problems_of_dltb_and_of_other_layers_are_reported_together(weipian_provider, imported, references):
    """DLTB is read while the other layers are overlaid, yet its problems stop the run with the others'."""
    from qgis.core import QgsProcessingException

    before = digest(imported)
    with pytest.raises(QgsProcessingException, match="缺少必需字段：地类编码") as raised:
        run("analyzepatches", STORE=imported, LANDUSE=references["dltb_no_dlbm"], APPROVALS=references["empty"])
    assert "没有任何要素" in str(raised.value)
    assert digest(imported) == before


def test_allowed_layer_problems_are_stored_and_printed(weipian_provider, imported, references, tmp_path):
    run("analyzepatches", STORE=imported, LANDUSE=references["dltb"], APPROVALS=references["approvals"])
    with sqlite3.connect(imported) as conn:
        assert conn.execute("SELECT count(*) FROM analysis").fetchone() == (5,)
    result = run("analyzepatches", STORE=imported, LANDUSE=references["dltb"], APPROVALS=references["far"],
                 ALLOW_WARNINGS=True)
    assert result["ANALYZED"] == 5
    run("exportledger", STORE=imported, OUTPUT=tmp_path / "台账.xlsx")
    cover = openpyxl.load_workbook(tmp_path / "台账.xlsx").worksheets[0]
    assert cover.title == "分析说明" and "相距约 100 公里" in cover["A4"].value
    run("accountability", STORE=imported, OUTPUT=tmp_path / "报告.html")
    assert "相距约 100 公里" in (tmp_path / "报告.html").read_text(encoding="utf-8")
    run("analyzepatches", STORE=imported, LANDUSE=references["dltb"], APPROVALS=references["approvals"])
    run("exportledger", STORE=imported, OUTPUT=tmp_path / "台账2.xlsx")
    assert openpyxl.load_workbook(tmp_path / "台账2.xlsx").worksheets[0].title == "图斑台账"  # a clean run clears it


# -- errors a person can act on --------------------------------------------------------------------
@pytest.mark.parametrize("field_map", ['{"jcbh": 5}', '{"mapping": ["JCBH"]}', '["JCBH"]', '{"jcbh": null}'])
def test_field_map_of_the_wrong_json_types(weipian_provider, imported, batch_shp, field_map):
    before = digest(imported)
    refused("字段对照", "importpatches", INPUT=batch_shp, STORE=imported, BATCH="2026年3月", FIELD_MAP=field_map)
    assert digest(imported) == before


def test_received_date_out_of_range(weipian_provider, imported, batch_shp):
    before = digest(imported)
    refused("接收日期 9999-12-31 不合理", "importpatches", INPUT=batch_shp, STORE=imported, BATCH="2026年3月",
            RECEIVED="9999-12-31")
    assert digest(imported) == before


def test_edited_meta_and_corrupt_pages_are_named(weipian_provider, imported, tmp_path):
    edited = tmp_path / "edited.gpkg"
    shutil.copy(imported, edited)
    with sqlite3.connect(edited) as conn:
        conn.execute("UPDATE weipian_meta SET value = 'abc' WHERE key = 'schema_version'")
    before = digest(edited)
    refused("weipian_meta 表已被改动：schema_version 为“abc”", "exportledger", STORE=edited,
            OUTPUT=tmp_path / "a.xlsx")
    refused("weipian_meta 表已被改动", "importpatches", INPUT=tmp_path / "in" / "批次.shp", STORE=edited)
    assert digest(edited) == before

    corrupt = tmp_path / "corrupt.gpkg"
    data = bytearray(imported.read_bytes())
    page = 4096
    data[page * 2:len(data)] = b"\xa5" * (len(data) - page * 2)  # every page after the first two overwritten
    corrupt.write_bytes(bytes(data))
    refused("已损坏|无法读取工作库", "exportledger", STORE=corrupt, OUTPUT=tmp_path / "b.xlsx")
    assert not (tmp_path / "b.xlsx").exists()


def test_busy_store_names_the_file_and_what_to_do(weipian_provider, imported, batch_shp, monkeypatch):
    from weipian_plugin.core.store import errors

    monkeypatch.setattr(errors, "BUSY_SECONDS", 1)  # the wait, not the behaviour, is shortened
    holder = qgis_like(imported)
    holder.execute("BEGIN IMMEDIATE")  # another program (QGIS in edit mode) holds the write lock
    holder.execute("UPDATE settings SET value = value")
    try:
        refused("正被其他程序占用.*请在那里保存并结束编辑后重试", "importpatches", INPUT=batch_shp, STORE=imported,
                BATCH="2026年3月")
    finally:
        holder.rollback()
        holder.close()
    assert run("importpatches", INPUT=batch_shp, STORE=imported, BATCH="2026年3月")["IMPORTED"] == 5


def test_read_only_store(weipian_provider, imported, batch_shp):
    import os
    import stat

    os.chmod(imported, stat.S_IRUSR | stat.S_IRGRP)
    try:
        if os.access(imported, os.W_OK):
            pytest.skip("running as root: file permissions do not stop writes")
        refused("只读", "importpatches", INPUT=batch_shp, STORE=imported, BATCH="2026年3月")
    finally:
        os.chmod(imported, stat.S_IRUSR | stat.S_IWUSR)


def test_full_disk_is_said_not_masked_by_cannot_rollback(imported, tmp_path, shapefile_writer):
    from weipian_plugin.core.intake.importer import import_patches
    from weipian_plugin.core.store.errors import StoreProblem
    from weipian_plugin.core.store.workstore import WorkStore

    big = shapefile_writer(tmp_path / "big" / "大.shp", squares(400, size=10, dx=20),
                           {"JCBH": [f"B{i}" for i in range(400)], "TZ": ["x" * 200] * 400})
    before = _store_rows(imported)
    with WorkStore.open(imported) as store:
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 2}")  # SQLite's own "disk full" (SQLITE_FULL)
        with pytest.raises(StoreProblem, match="磁盘已满"):
            import_patches(store, big, "大批次")
    assert _store_rows(imported) == before


def test_corrupt_xlsx_template(weipian_provider, imported, tmp_path):
    bad = tmp_path / "巡查.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    before = digest(imported)
    refused("无法读取 Excel 文件 巡查.xlsx：文件已损坏", "importenforcement", STORE=imported, PATROLS=bad)
    assert digest(imported) == before


@pytest.mark.parametrize("name", ["..", "", "../../逃出.jpg"])
def test_attachment_names_never_leave_the_folder(weipian_provider, imported, tmp_path, name):
    from weipian_plugin.core.review.records import add_attachment, export_attachment
    from weipian_plugin.core.store.workstore import WorkStore

    fid = _determine(imported)
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(b"\xff\xd8 photo")
    with WorkStore.open(imported) as store:
        attachment = add_attachment(store, fid, photo, actor="王五")
    with qgis_like(imported) as conn:  # renamed in QGIS's attribute table
        conn.execute("UPDATE attachments SET file_name = ? WHERE id = ?", (name, attachment))
    out = tmp_path / "导出"
    with WorkStore.open(imported) as store:
        written = export_attachment(store, attachment, out)
    assert written.parent == out and written.read_bytes() == b"\xff\xd8 photo"


# -- the dock: reviewer name, verify button, busy store ----------------------------------------------
@pytest.fixture
def review_dock(qgis_iface, qgis_new_project, qtbot, imported):
    from weipian_plugin.gui.review_dock import ReviewDock

    dock = ReviewDock(qgis_iface, str(imported))
    qtbot.addWidget(dock)
    yield dock
    dock.close_store()


def test_reviewer_name_is_set_in_the_plugin_and_kept_in_the_store(review_dock, imported, monkeypatch):
    from qgis.core import QgsSettings

    from weipian_plugin.core.store import keys
    from weipian_plugin.core.store.workstore import WorkStore
    from weipian_plugin.gui.review import batch_actions

    QgsSettings().remove("weipian/reviewer")
    asked = []
    monkeypatch.setattr(batch_actions.QInputDialog, "getText",
                        lambda *a, **k: asked.append(a) or ("李四", True))
    assert review_dock.reviewer() == "李四" and len(asked) == 1
    assert review_dock.reviewer() == "李四" and len(asked) == 1  # asked once
    with WorkStore.open(imported) as store:
        assert keys.REVIEWER_NAME.read(store) == "李四"


def test_dock_button_verifies_the_record(review_dock, imported, monkeypatch):
    from weipian_plugin.gui.review import batch_actions

    shown = []
    monkeypatch.setattr(batch_actions.QMessageBox, "information", lambda parent, title, text: shown.append(text))
    monkeypatch.setattr(batch_actions.QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    _determine(imported)
    _determine(imported, result="合法")
    assert review_dock.batch.verify_record() is True and "完整" in shown[-1]
    _break(imported, "DELETE FROM audit_log WHERE id = 1")
    assert review_dock.batch.verify_record() is False and "第 1 条修改记录已被删除" in shown[-1]


def test_busy_store_asks_retry_or_cancel_without_freezing(review_dock, imported, monkeypatch):
    import time

    from weipian_plugin.core.review import records as review
    from weipian_plugin.gui import review_dock as module

    fid = _determine(imported)
    holder = qgis_like(imported)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE settings SET value = value")
    answers = []

    def answer(*args):
        answers.append(args[2])
        if len(answers) == 1:
            return module.QMessageBox.StandardButton.Retry
        holder.rollback()  # the other program lets go; the next retry goes through
        return module.QMessageBox.StandardButton.Retry

    monkeypatch.setattr(module.QMessageBox, "warning", answer)
    started = time.monotonic()
    assert review_dock._write(review_dock.messagesLabel, lambda base: review.save_determination(
        review_dock.store, fid, {"offender": "某公司"}, "张三")) is True
    assert len(answers) == 2 and "正被其他程序占用" in answers[0]
    assert time.monotonic() - started < 10  # not 15 s per attempt
    with qgis_like(imported) as conn:
        assert conn.execute("SELECT offender FROM determinations WHERE patch_fid = ?", (fid,)).fetchone() == ("某公司",)
    holder.close()


def test_busy_store_cancel_leaves_nothing_written(review_dock, imported, monkeypatch):
    from weipian_plugin.core.review import records as review
    from weipian_plugin.gui import review_dock as module

    fid = _determine(imported)
    holder = qgis_like(imported)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE settings SET value = value")
    monkeypatch.setattr(module.QMessageBox, "warning", lambda *a: module.QMessageBox.StandardButton.Cancel)
    try:
        assert review_dock._write(review_dock.messagesLabel, lambda base: review.save_determination(
            review_dock.store, fid, {"offender": "某公司"}, "张三")) is False
        assert "正被其他程序占用" in review_dock.messagesLabel.text()
    finally:
        holder.rollback()
        holder.close()
    with qgis_like(imported) as conn:
        assert conn.execute("SELECT offender FROM determinations WHERE patch_fid = ?", (fid,)).fetchone() == (None,)


# -- the import dialog: CRS, batch name, the same file again ------------------------------------------
def _import_dialog(qtbot, qgis_iface, store, shp):
    from weipian_plugin.gui.import_dialog import ImportDialog

    dialog = ImportDialog(qgis_iface, str(store), None)
    qtbot.addWidget(dialog)
    dialog.inputFile.setFilePath(str(shp))
    return dialog


def _run_dialog(qtbot, dialog):
    from qgis.PyQt.QtCore import Qt

    qtbot.mouseClick(dialog.importButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.task is None, timeout=60_000)


def test_import_dialog_asks_for_the_crs_and_names_the_batch_by_month(qtbot, qgis_iface, qgis_new_project,
                                                                      weipian_provider, tmp_path, shapefile_writer):
    import numpy as np
    from pyproj import Transformer
    from qgis.core import QgsCoordinateReferenceSystem

    to_merc = Transformer.from_crs(4527, 3857, always_xy=True)
    merc = [shapely.transform(g, lambda c: np.column_stack(to_merc.transform(c[:, 0], c[:, 1]))) for g in squares(2)]
    shp = shapefile_writer(tmp_path / "m" / "青禾县.shp", merc, {"JCBH": ["M1", "M2"], "HSX": ["2026-05-03"] * 2},
                           epsg=3857, keep_prj=False)
    store = tmp_path / "s.gpkg"
    dialog = _import_dialog(qtbot, qgis_iface, store, shp)
    assert dialog.batchEdit.text() == "2026年5月"  # from 后时相, not the file's county name
    assert "Web 墨卡托" in dialog.crsInfo.text()
    _run_dialog(qtbot, dialog)
    assert not dialog.imported and not store.exists()
    dialog.crsWidget.setCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
    assert "EPSG:3857" in dialog.crsInfo.text()
    _run_dialog(qtbot, dialog)
    assert dialog.imported and dict(_store_rows(store))["M1"] == pytest.approx(1600.0, rel=1e-3)


def test_import_dialog_offers_to_update_the_earlier_batch(qtbot, qgis_iface, qgis_new_project, weipian_provider,
                                                           imported, batch_shp, monkeypatch):
    from weipian_plugin.gui import import_dialog

    asked = []
    monkeypatch.setattr(import_dialog.QMessageBox, "question",
                        lambda *a: asked.append(a[2]) or import_dialog.QMessageBox.StandardButton.Yes)
    dialog = _import_dialog(qtbot, qgis_iface, imported, batch_shp)
    dialog.batchEdit.setText("另一个名字")
    _run_dialog(qtbot, dialog)
    assert "2026年3月" in asked[0] and dialog.batchEdit.text() == "2026年3月"
    with sqlite3.connect(imported) as conn:
        assert conn.execute("SELECT name FROM batches").fetchall() == [("2026年3月",)]
        assert conn.execute("SELECT count(*) FROM patches").fetchone() == (5,)


# -- a moved or copied work folder -------------------------------------------------------------------
def test_a_copied_work_folder_uses_its_own_store_layers_and_imagery(weipian_provider, qgis_new_project, tmp_path,
                                                                     shapefile_writer):
    from qgis.core import QgsProject

    from weipian_plugin.core.store import keys
    from weipian_plugin.core.store.workstore import WorkStore
    from weipian_plugin.gui.project import open_store_project, project_store_path, save_store_project

    work = tmp_path / "工作" / "青禾县"
    shp = shapefile_writer(work / "图斑" / "批次.shp", squares(3), {"JCBH": ["A", "B", "C"]})
    approvals = shapefile_writer(work / "参考" / "批文.shp", [shapely.box(X0 - 10, Y0 - 10, X0 + 300, Y0 + 60)],
                                 {"PZWH": ["青政地〔2025〕1号"]})
    store = work / "青禾县_2026_卫片.gpkg"
    run("importpatches", INPUT=shp, STORE=store, BATCH="b")
    run("analyzepatches", STORE=store, APPROVALS=approvals)
    with WorkStore.open(store) as s:
        keys.IMAGERY.write(s, {"after": str(work / "影像" / "后时相.tif")})
        assert s.setting("analysis_layers")["approvals"] == "参考/批文.shp"  # kept relative to the store
    save_store_project(str(store))

    copy = tmp_path / "U盘" / "青禾县"
    shutil.copytree(work, copy)
    copied_store = copy / store.name
    with WorkStore.open(copied_store) as s:
        assert keys.ANALYSIS_LAYERS.read(s)["approvals"] == str(copy / "参考" / "批文.shp")
        assert keys.IMAGERY.read(s)["after"] == str(copy / "影像" / "后时相.tif")
    assert open_store_project(str(copied_store))
    assert project_store_path() == str(copied_store)  # the docks edit the copy the map shows
    sources = [layer.source() for layer in QgsProject.instance().mapLayers().values()]
    assert sources and all(str(work) not in source for source in sources), sources
    QgsProject.instance().clear()


def test_analysis_dialog_stops_at_layer_problems_and_continues_only_when_told(
        qtbot, qgis_iface, qgis_new_project, weipian_provider, imported, references, monkeypatch):
    from qgis.core import QgsProject, QgsVectorLayer

    from weipian_plugin.gui import analysis_dialog
    from weipian_plugin.gui.analysis_dialog import AnalysisDialog

    far = QgsVectorLayer(str(references["far"]), "远批文", "ogr")
    QgsProject.instance().addMapLayer(far)
    answers = [analysis_dialog.QMessageBox.StandardButton.No, analysis_dialog.QMessageBox.StandardButton.Yes]
    asked = []
    monkeypatch.setattr(analysis_dialog.QMessageBox, "question", lambda *a: asked.append(a[2]) or answers.pop(0))
    dialog = AnalysisDialog(qgis_iface, str(imported), None)
    qtbot.addWidget(dialog)
    dialog.combos["approvals"].setLayer(far)
    before = digest(imported)
    dialog.start_analysis()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=60_000)
    assert "相距约 100 公里" in asked[0] and digest(imported) == before  # "No": stopped, nothing written
    dialog.start_analysis()
    qtbot.waitUntil(lambda: dialog.task is None and not answers, timeout=60_000)
    qtbot.waitUntil(lambda: dialog.task is None, timeout=60_000)
    with sqlite3.connect(imported) as conn:
        assert conn.execute("SELECT count(*) FROM analysis").fetchone() == (5,)
        warnings = conn.execute("SELECT value FROM settings WHERE key = 'analysis_warnings'").fetchone()[0]
    assert "相距约 100 公里" in warnings
