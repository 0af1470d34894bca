"""The whole 内业比对 on the sample county: every outcome of DOMAIN.md §4, re-runs and cancels are safe."""
import json
import shutil
import sqlite3

import pytest

from weipian_plugin.core.analysis.run import AnalysisCancelled, run_analysis
from weipian_plugin.core.intake.importer import create_store_for, import_patches
from weipian_plugin.core.store.workstore import WorkStore

REFERENCE = {"landuse": "DLTB.gpkg", "basic_farmland": "永久基本农田.shp", "approvals": "建设用地审批.shp",
             "supply": "供地.shp", "registration": "不动产登记.shp", "facility": "设施农用地备案.shp",
             "temporary": "临时用地.shp", "mining": "采矿权.shp", "eco_redline": "生态保护红线.shp",
             "townships": "乡镇.shp"}


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
    expected = json.loads((sample_county / "manifest.json").read_text(encoding="utf-8"))["expected"]
    conn = sqlite3.connect(analyzed_store)
    got = {j: (s, t) for j, s, t in conn.execute("SELECT jcbh, suggestion, suggestion_type FROM patch_analysis")}
    wrong = {j: (e["suggestion"], e["subtype"], got.get(j)) for j, e in expected.items()
             if got.get(j, (None, None))[0] != e["suggestion"] or (e["subtype"] and got[j][1] != e["subtype"])}
    assert wrong == {}
    outcomes = set(got.values())
    for outcome in [("合法", "批文"), ("合法", "供地手续"), ("合法", "登记发证"), ("合法", "合法采矿"),
                    ("其他", "设施农用地"), ("其他", "临时用地"), ("其他", "农村道路"), ("其他", "203范围"),
                    ("其他", "农村宅基地"), ("违法", "越界开采"), ("违法", "无证开采"), ("违法", "非农违法")]:
        assert outcome in outcomes
    assert {r for r, in conn.execute("SELECT DISTINCT new_or_stock FROM analysis WHERE suggestion='违法'")} >= {"新增", "存量"}
    assert conn.execute("SELECT count(*) FROM patch_analysis WHERE suggestion='待核'").fetchone()[0] > 0


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
        assert store.setting("analysis_layers") == {"approvals": str(sources(sample_county)["approvals"])}


def test_processing_analyzepatches(weipian_provider, analyzed_store, sample_county, tmp_path):
    import processing

    path = tmp_path / "p.gpkg"
    shutil.copy(analyzed_store, path)
    src = sources(sample_county)
    result = processing.run("weipian:analyzepatches", {
        "STORE": str(path), "LANDUSE": str(src["landuse"]), "APPROVALS": str(src["approvals"]),
        "MINING": str(src["mining"]), "TOWNSHIPS": str(src["townships"]), "BATCH": "2026年1月"})
    conn = sqlite3.connect(path)
    n = conn.execute("SELECT count(*) FROM patches p JOIN batches b ON b.id=p.batch_id "
                     "WHERE b.name='2026年1月'").fetchone()[0]
    assert result["ANALYZED"] == n > 0
    layers = json.loads(conn.execute("SELECT value FROM settings WHERE key='analysis_layers'").fetchone()[0])
    assert set(layers) == {"landuse", "approvals", "mining", "townships"}
