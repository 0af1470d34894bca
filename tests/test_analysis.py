"""The whole 内业比对 on the sample county: every outcome of docs/DOMAIN.md §4, re-runs and cancels are safe."""
import json
import shutil
import sqlite3
import threading

import pytest
from sample_county import REFERENCE_FILES as REFERENCE

from weipian_plugin.core.analysis import overlay
from weipian_plugin.core.analysis.run import (
    LATE_ROLES,
    AnalysisCancelled,
    analyze_layers,
    load_registered,
    run_analysis,
)
from weipian_plugin.core.intake.importer import create_store_for, import_patches
from weipian_plugin.core.intake.vector_io import VectorReadError
from weipian_plugin.core.review import records
from weipian_plugin.core.store import keys
from weipian_plugin.core.store.workstore import WorkStore


def sources(county):
    return {role: county / "reference" / name for role, name in REFERENCE.items()}


@pytest.fixture(scope="module")
def analyzed_store(sample_county, tmp_path_factory):
    path = tmp_path_factory.mktemp("analysis") / "青禾县_2026_卫片.gpkg"
    batches = sorted((sample_county / "batches").glob("*.shp"))
    with create_store_for(path, batches[0]) as store:
        for shp in batches:
            import_patches(store, shp, shp.stem.split("_")[0])
        run_analysis(store, sources(sample_county))
    return path


def test_every_planted_outcome(analyzed_store, sample_county):
    """Each planted case (issue 9's table included) is suggested as planted: land, mining, 新增/存量, flags."""
    expected = json.loads((sample_county / "manifest.json").read_text(encoding="utf-8"))["expected"]
    conn = sqlite3.connect(analyzed_store)
    got = {r[0]: r[1:] for r in conn.execute(
        "SELECT jcbh, suggestion, suggestion_type, new_or_stock, coalesce(mining_suggestion, ''), "
        "coalesce(mining_suggestion_type, ''), new_construction_m2 / area_m2, new_housing, suggestion_reason "
        "FROM patch_analysis")}
    wrong = {}
    for j, e in expected.items():
        sug, sub, kind, mining, mining_sub, new_share, housing, reason = got[j]
        want = (e["suggestion"], e["subtype"], e["category"], e["mining_suggestion"], e["mining_subtype"])
        have = (sug, sub, kind if e["category"] else "", mining, mining_sub)
        if want != have:
            wrong[j] = (e["scenario"], want, have, reason)
        if e["new_share"] is not None and new_share != pytest.approx(e["new_share"], abs=1e-6):
            wrong[j] = (e["scenario"], "new share", e["new_share"], new_share)
        if housing != (e["scenario"] == "new_house_203") and sug == "违法":
            wrong[j] = (e["scenario"], "新增乱占耕地建房", housing)
        if e["scenario"] == "late_approval" and "用地批准晚于影像时间，应立案查处后按补办处理" not in reason:
            wrong[j] = (e["scenario"], reason)
    assert wrong == {}
    outcomes = {(s, t) for s, t, *_ in got.values()}
    for outcome in [("合法", "批文"), ("合法", "供地手续"), ("合法", "登记发证"), ("合法", "其他合法手续"),
                    ("其他", "设施农用地"), ("其他", "临时用地"), ("其他", "农村道路"), ("其他", "203范围"),
                    ("其他", "农村宅基地"), ("其他", "先行用地"), ("违法", "非农违法"), ("待核", "部分覆盖")]:
        assert outcome in outcomes
    mining = {(m, t) for _, _, _, m, t, *_ in got.values()}
    assert {("合法", "合法采矿"), ("违法", "越界开采"), ("违法", "无证开采")} <= mining
    assert {r for r, in conn.execute("SELECT DISTINCT new_or_stock FROM analysis WHERE suggestion='违法'")} >= {"新增", "存量"}
    # 新增 + 存量 + the non-construction part make up the patch
    assert conn.execute("SELECT count(*) FROM patch_analysis WHERE new_construction_m2 + stock_construction_m2 "
                        "> area_m2 * (1 + 1e-9)").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM patch_analysis WHERE nature_reserve_m2 > 0").fetchone()[0] > 0


def test_contract_columns_and_reasons(analyzed_store):
    conn = sqlite3.connect(analyzed_store)
    cur = conn.execute("SELECT * FROM patch_analysis")
    columns = {d[0] for d in cur.description}
    assert {"batch", "jcbh", "township", "area_m2", "area_mu", "approved_m2", "supplied_m2", "registered_m2",
            "cultivated_m2", "basic_farmland_m2", "eco_redline_m2", "mining_m2", "facility_m2", "temporary_m2",
            "suggestion", "suggestion_type", "suggestion_reason"} <= columns
    rows = conn.execute("SELECT township, area_m2, approved_m2, cultivated_m2, suggestion_reason FROM patch_analysis "
                        "WHERE suggestion_type='批文'").fetchall()
    for township, area, approved, cultivated, reason in rows:
        assert township and approved <= area * (1 + 1e-9) and cultivated <= area * (1 + 1e-9)
        assert "批文" in reason or "审批" in reason
    # DLTB pieces of each patch sum exactly to its ellipsoidal area (面积平差)
    sums = conn.execute("SELECT p.area_m2, sum(c.area_m2) FROM patches p JOIN analysis_classes c "
                        "ON c.patch_fid=p.fid GROUP BY p.fid").fetchall()
    assert all(s == pytest.approx(a, rel=1e-9) for a, s in sums)


def test_rerun_keeps_determinations_and_cancel_changes_nothing(analyzed_store, sample_county, tmp_path):
    path = tmp_path / "copy.gpkg"
    shutil.copy(analyzed_store, path)
    with WorkStore.open(path) as store:
        fid = store.conn.execute("SELECT fid FROM patches LIMIT 1").fetchone()[0]
        with store.transaction() as conn:
            conn.execute("INSERT INTO determinations (patch_fid, result, reviewer) VALUES (?, '合法', '李四')", (fid,))
        before = path.read_bytes()
        with pytest.raises(AnalysisCancelled):
            run_analysis(store, sources(sample_county), is_cancelled=lambda: True)
        assert path.read_bytes() == before
        summary = run_analysis(store, {"approvals": sources(sample_county)["approvals"]})
        assert summary.analyzed == store.conn.execute("SELECT count(*) FROM patches").fetchone()[0]
        assert store.conn.execute("SELECT result, reviewer FROM determinations WHERE patch_fid=?",
                                  (fid,)).fetchone() == ("合法", "李四")
        assert keys.ANALYSIS_LAYERS.read(store) == {"approvals": str(sources(sample_county)["approvals"])}


def staged_rows(store):
    """How many result rows the running analysis has staged (None before staging starts or after it ends)."""
    if threading.current_thread() is not threading.main_thread():  # the connection belongs to the run's thread
        return None
    try:
        return store.conn.execute("SELECT count(*) FROM run_analysis").fetchone()[0]
    except sqlite3.OperationalError:  # no such table
        return None


def test_cancel_after_results_were_staged_changes_nothing(analyzed_store, sample_county, tmp_path, monkeypatch):
    """The results are staged chunk by chunk while the overlay goes on: a cancel after all were staged
    leaves the store as it was, and the staging tables are gone."""
    monkeypatch.setattr(overlay, "_MIN_PARALLEL_CHUNK", 25)  # several chunks, staged one by one
    path = tmp_path / "copy.gpkg"
    shutil.copy(analyzed_store, path)
    seen = []
    with WorkStore.open(path) as store:
        before = path.read_bytes()
        patches = store.conn.execute("SELECT count(*) FROM patches").fetchone()[0]

        def cancelled_once_staged():
            seen.append(staged_rows(store))
            return bool(seen[-1])

        with pytest.raises(AnalysisCancelled):
            run_analysis(store, sources(sample_county), is_cancelled=cancelled_once_staged)
        assert staged_rows(store) is None
    assert seen[-1] == patches
    assert path.read_bytes() == before


def test_a_reviewer_saves_while_an_analysis_stages_its_results(analyzed_store, sample_county, tmp_path, monkeypatch):
    """Staging holds none of the store's locks: another connection writes at once (no busy wait), and
    the run's results and the reviewer's determination both stand."""
    monkeypatch.setattr(overlay, "_MIN_PARALLEL_CHUNK", 25)
    path = tmp_path / "copy.gpkg"
    shutil.copy(analyzed_store, path)
    saved = []
    with WorkStore.open(path) as store:
        fid, patches = store.conn.execute("SELECT min(fid), count(*) FROM patches").fetchone()

        def reviewer_saves_meanwhile():
            if not saved and staged_rows(store):
                with WorkStore.open(path) as other, other.waiting_at_most(0):
                    records.save_determination(other, fid, {"result": "合法", "project_name": "分析时保存"}, "李四")
                saved.append(staged_rows(store))
            return False

        run_analysis(store, sources(sample_county), is_cancelled=reviewer_saves_meanwhile)
        assert saved == [patches]
        assert records.load_determination(store, fid)["project_name"] == "分析时保存"
        assert store.conn.execute("SELECT count(*) FROM analysis WHERE analyzed_at >= (SELECT max(started_at) "
                                  "FROM analysis_runs)").fetchone()[0] == patches


def test_dltb_read_beside_the_overlay_is_recorded_and_a_failed_read_changes_nothing(analyzed_store, sample_county,
                                                                                      tmp_path):
    """A run reads DLTB (LATE_ROLES) on a thread of its own while the other layers are overlaid: the run
    records every layer in the order chosen; a DLTB that fails to read leaves the store byte-identical."""
    path = tmp_path / "copy.gpkg"
    shutil.copy(analyzed_store, path)
    chosen = {role: str(source) for role, source in sources(sample_county).items()}
    assert overlay.LANDUSE in chosen and LATE_ROLES == (overlay.LANDUSE,)
    with WorkStore.open(path) as store:
        summary = run_analysis(store, chosen)
        assert [r.role for r in summary.records] == list(chosen)
        assert [row[0] for row in store.conn.execute(
            "SELECT role FROM analysis_run_layers WHERE run_id = (SELECT max(id) FROM analysis_runs) ORDER BY rowid")
        ] == list(chosen)
        before = path.read_bytes()
        early, records = load_registered(store, {r: s for r, s in chosen.items() if r != overlay.LANDUSE})

        def unreadable():
            raise VectorReadError("三调图层读取失败")

        with pytest.raises(VectorReadError, match="三调图层读取失败"):
            analyze_layers(store, early, chosen, provenance=records, allow_warnings=True,
                           late={overlay.LANDUSE: unreadable})
        assert staged_rows(store) is None
    assert path.read_bytes() == before


def test_the_scratch_database_is_detached_after_a_run_even_one_left_before(analyzed_store, sample_county, tmp_path):
    """Results are staged in a scratch database attached for the run and detached after it (deleted at
    once); one left attached by a run that stopped before detaching it does not stop the next run."""
    path = tmp_path / "copy.gpkg"
    shutil.copy(analyzed_store, path)
    with WorkStore.open(path) as store:
        store.conn.execute("ATTACH '' AS run_scratch")
        store.conn.execute("CREATE TABLE run_scratch.run_analysis (patch_fid INTEGER)")
        store.conn.execute("INSERT INTO run_scratch.run_analysis VALUES (-1)")
        summary = run_analysis(store, sources(sample_county))
        assert "run_scratch" not in [row[1] for row in store.conn.execute("PRAGMA database_list")]
        assert store.conn.execute("SELECT count(*) FROM analysis").fetchone()[0] == summary.analyzed > 0


def test_processing_analyzepatches(weipian_provider, analyzed_store, sample_county, store_on):
    """weipian:analyzepatches on a store of each backend: the batch's patches analysed again, the layers recorded."""
    import processing

    address = store_on(analyzed_store)
    src = sources(sample_county)
    result = processing.run("weipian:analyzepatches", {
        "STORE": address, "LANDUSE": str(src["landuse"]), "APPROVALS": str(src["approvals"]),
        "MINING": str(src["mining"]), "TOWNSHIPS": str(src["townships"]), "BATCH": "2026年1月"})
    with WorkStore.open(address) as store:
        n = store.conn.execute("SELECT count(*) FROM patches p JOIN batches b ON b.id=p.batch_id "
                               "WHERE b.name='2026年1月'").fetchone()[0]
        analysed = store.conn.execute(  # by this run: its layers, not the module's full set
            "SELECT count(*) FROM analysis a JOIN patches p ON p.fid = a.patch_fid JOIN batches b ON b.id = p.batch_id "
            "WHERE b.name = '2026年1月' AND a.suggestion IS NOT NULL AND a.analyzed_at >= "
            "(SELECT max(started_at) FROM analysis_runs)").fetchone()[0]
        layers = store.setting("analysis_layers")
    assert result["ANALYZED"] == n == analysed > 0
    assert set(layers) == {"landuse", "approvals", "mining", "townships"}


def test_rerun_restores_townships_changed_since(analyzed_store, sample_county, tmp_path):
    """A re-run writes only the townships that differ from the stored ones: those must still be written."""
    path = tmp_path / "copy.gpkg"
    shutil.copy(analyzed_store, path)
    with WorkStore.open(path) as store:
        before = store.conn.execute("SELECT fid, township_code, township_name FROM patches ORDER BY fid").fetchall()
        assert sum(1 for _, code, _ in before if code) > 10
        (a, *_), (b, *_) = [row for row in before if row[1]][:2]
        with store.transaction() as conn:
            conn.execute("UPDATE patches SET township_name = '别的乡' WHERE fid = ?", (a,))
            conn.execute("UPDATE patches SET township_code = NULL, township_name = NULL WHERE fid = ?", (b,))
        run_analysis(store, sources(sample_county))
        after = store.conn.execute("SELECT fid, township_code, township_name FROM patches ORDER BY fid").fetchall()
    assert after == before
