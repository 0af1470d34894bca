"""The sample county generator: determinism, a true DLTB partition, batches as awkward as real ones, and
planted patches whose expected outcome really follows from the reference layers written to disk."""
from __future__ import annotations

import csv
import datetime as dt
import sqlite3
from pathlib import Path

import numpy as np
import pyogrio
import pyogrio.raw
import pytest
import shapely
from conftest import shapefile_text_recoded
from sample_county import SCENARIOS, generate, generate_bench


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    out = tmp_path_factory.mktemp("county")
    return generate(out / "a", seed=7, patches_per_batch=40, n_dltb=3000, imagery=False)


def _read(path, **kw):
    with shapefile_text_recoded():
        meta, _, wkb, values = pyogrio.raw.read(str(path), **kw)
    geoms = shapely.from_wkb(wkb)
    return geoms, dict(zip(meta["fields"], values)), meta


def _union_area(geoms):
    return shapely.area(shapely.union_all(geoms))


def test_same_arguments_same_bytes(county, tmp_path):
    again = generate(tmp_path / "b", seed=7, patches_per_batch=40, n_dltb=3000, imagery=False)
    first, second = Path(county["manifest_path"]).parent, Path(again["manifest_path"]).parent
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert any(f.suffix == ".dbf" for f in files) and any(f.suffix == ".gpkg" for f in files)
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_dltb_is_a_gap_free_partition_of_the_county(county):
    geoms, attrs, meta = _read(county["dltb"], layer="DLTB")
    assert meta["crs"] == "EPSG:4527" and 2500 < len(geoms) < 3500
    assert shapely.is_valid(geoms).all()
    county_area = shapely.area(_read(county["county"])[0]).sum()
    union = _union_area(geoms)
    assert union == pytest.approx(county_area, rel=1e-6)
    assert shapely.area(geoms).sum() == pytest.approx(union, rel=1e-6)   # no overlaps
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    assert 39_480_000 < x0 < x1 < 39_520_000 and 3_290_000 < y0 < y1 < 3_310_000
    dlbm = attrs["DLBM"]
    for code in ("0101", "0102", "0103", "0301", "0702", "1006", "1202", "1101", "0601"):
        assert (dlbm == code).any(), code
    kcxs = attrs["KCXS"]
    assert (kcxs[dlbm != "0103"] == 0).all() and 0 < kcxs[dlbm == "0103"].max() <= 0.15
    assert set(attrs["CZCSXM"][dlbm == "0702"]) == {"203"}
    assert {"201", "202", ""} <= set(attrs["CZCSXM"])
    assert all(len(c) == 19 for c in attrs["ZLDWDM"])
    with sqlite3.connect(county["dltb"]) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47
        assert db.execute("PRAGMA user_version").fetchone()[0] == 10200


def test_townships_partition_the_county(county):
    geoms, attrs, _ = _read(county["townships"])
    assert 5 <= len(geoms) <= 6 and shapely.is_valid(geoms).all()
    assert all(len(c) == 12 and c.startswith("500199") for c in attrs["XZQDM"])
    assert "青禾镇" in set(attrs["XZQMC"])
    assert _union_area(geoms) == pytest.approx(shapely.area(_read(county["county"])[0]).sum(), rel=1e-6)
    assert shapely.area(geoms).sum() == pytest.approx(_union_area(geoms), rel=1e-6)


def test_batches_arrive_in_three_awkward_forms(county):
    first, second, third = (Path(p) for p in county["batches"])
    assert first.with_suffix(".cpg").read_text() == "GBK" and first.with_suffix(".prj").exists()
    assert first.with_suffix(".dbf").read_bytes()[29] == 0x4D
    _, attrs, _ = _read(first)
    assert {"JCBH", "TBLX", "QSX", "HSX", "JCMJ", "SFYN", "SFHX", "DLBM"} <= set(attrs)
    assert set(attrs["XMC"]) == {"青禾县"}

    assert not second.with_suffix(".cpg").exists() and not second.with_suffix(".prj").exists()
    raw = second.with_suffix(".dbf").read_bytes()
    assert raw[29] == 0
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "青禾县".encode("gbk") in raw and "监测编号".encode("gbk") in raw[:400]
    geoms, attrs, _ = _read(second, encoding="GBK")
    assert {"监测编号", "后时相", "监测面积", "图斑特征"} <= set(attrs)
    x = shapely.get_coordinates(geoms)[:, 0]
    assert ((x > 39e6) & (x < 40e6)).all()                      # 8-digit eastings name zone 39

    assert third.with_suffix(".cpg").read_text() == "UTF-8"
    geoms, attrs, meta = _read(third)
    assert meta["crs"] == "EPSG:4490" and "TBBH" in attrs
    lon, lat = shapely.get_coordinates(geoms).T
    assert (lon > 116).all() and (lon < 118).all() and (lat > 29).all() and (lat < 31).all()


def test_bad_cases_are_present(county):
    special = county["manifest"]["special"]
    kinds = [s["kind"] for s in special]
    assert kinds.count("multipart") == kinds.count("duplicate") == kinds.count("empty") == 1
    assert kinds.count("bowtie") + kinds.count("spike") >= 4
    by_batch = {}
    for path, batch in zip(county["batches"], county["manifest"]["batches"]):
        geoms, attrs, _ = _read(path, encoding="GBK" if batch["encoding"] == "GBK" else None)
        by_batch[batch["name"]] = (geoms, attrs[batch["field_map"]["jcbh"]])
    for s in special:
        geoms, jcbh = by_batch[s["batch"]]
        rows = np.flatnonzero(jcbh == s["jcbh"])
        if s["kind"] == "duplicate":
            assert len(rows) == 2
        elif s["kind"] == "empty":
            assert geoms[rows[0]] is None
        elif s["kind"] == "multipart":
            assert shapely.get_num_geometries(geoms[rows[0]]) == 2
        else:
            assert not shapely.is_valid(geoms[rows[0]])


def test_patch_sizes_and_shapes_vary(county):
    geoms, _, _ = _read(county["batches"][0])
    geoms = geoms[shapely.is_valid(geoms) & ~shapely.is_missing(geoms)]
    corners = shapely.get_coordinates(shapely.oriented_envelope(geoms)).reshape(-1, 5, 2)
    sides = np.linalg.norm(np.diff(corners[:, :3], axis=1), axis=2)
    assert sides.max(axis=1).min() >= 15 and sides.max() <= 230
    assert len(set(shapely.get_num_coordinates(geoms))) > 3


def _layer(county, name):
    geoms, attrs, _ = _read(county[name])
    return geoms, attrs


def _coverage(patch, geoms):
    hit = geoms[shapely.intersects(geoms, patch)]
    if not len(hit):
        return 0.0, hit
    return shapely.area(shapely.intersection(patch, shapely.union_all(hit))) / patch.area, hit


def _date(value):
    if isinstance(value, (np.datetime64, dt.date)):
        return np.datetime64(value, "D")
    return np.datetime64(str(value).replace("/", "-"), "D")


def test_every_outcome_is_planted_and_follows_from_the_files(county):
    """Re-derive each planted expectation from the written layers, independently of the generator."""
    manifest = county["manifest"]
    expected = manifest["expected"]
    assert {e["scenario"] for e in expected.values()} == set(SCENARIOS)
    assert all(n >= 3 for n in manifest["outcomes"].values())

    patches = {}
    for path, batch in zip(county["batches"], manifest["batches"]):
        geoms, attrs, _ = _read(path, encoding=batch["encoding"])
        if batch["epsg"] == 4490:
            from pyproj import Transformer
            tr = Transformer.from_crs(4490, 4527, always_xy=True)
            geoms = shapely.transform(geoms, lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1])))
        patches.update(zip(attrs[batch["field_map"]["jcbh"]], geoms))
    layers = {k: _layer(county, k) for k in ("approvals", "supply", "registration", "facility", "temporary",
                                             "mining", "basic_farmland", "eco_redline", "other_legal", "advance")}
    dltb, dltb_attrs, _ = _read(county["dltb"], layer="DLTB")
    tree = shapely.STRtree(dltb)

    def dominant(patch):
        idx = tree.query(patch, predicate="intersects")
        area = shapely.area(shapely.intersection(patch, dltb[idx]))
        share = {}
        for code, czcs, a in zip(dltb_attrs["DLBM"][idx], dltb_attrs["CZCSXM"][idx], area):
            share[code] = share.get(code, 0) + a / patch.area
            share["203" if czcs == "203" else "-"] = share.get("203" if czcs == "203" else "-", 0) + a / patch.area
        return share

    for jcbh, e in expected.items():
        p = patches[jcbh]
        assert shapely.is_valid(p)
        scen = e["scenario"]
        appr, appr_hit = _coverage(p, layers["approvals"][0])
        cov = {k: _coverage(p, layers[k][0])[0] for k in ("supply", "registration", "facility", "temporary",
                                                          "other_legal", "advance")}
        mine_cov, mines = _coverage(p, layers["mining"][0])
        if scen in ("approval", "mining_in_approval"):
            assert appr >= 0.999, jcbh
        elif scen == "late_approval":  # approved, but after the 后时相 (先建后批)
            geoms, attrs = layers["approvals"]
            k = int(np.flatnonzero(shapely.intersects(geoms, p))[0])
            assert appr >= 0.999 and _date(attrs["PZRQ"][k]) > _date(e["hsx"])
        elif scen == "uncovered_cap":  # 95.75 % approved, more than 1 亩 of forest or grass outside
            assert appr == pytest.approx(0.9575) and (1 - appr) * p.area > 2000 / 3
            assert all(c[:2] in ("03", "04") for c in dominant(p) if c[0].isdigit())
        elif scen == "approval_overlap":
            assert appr >= 0.999 and len(appr_hit) == 2
            assert all(_coverage(p, np.array([g]))[0] < 0.95 for g in appr_hit)
        elif scen == "pending_partial":
            assert 0.5 <= appr <= 0.8
        else:
            assert appr == 0, (jcbh, scen)
        if scen == "supply":
            assert cov["supply"] >= 0.999
        if scen == "registration":
            assert cov["registration"] >= 0.999 and cov["supply"] == 0
        if scen in ("facility_filing", "facility_late", "facility_livestock"):
            assert cov["facility"] >= 0.999
            geoms, attrs = layers["facility"]
            k = int(np.flatnonzero(shapely.intersects(geoms, p))[0])
            assert (_date(attrs["BARQ"][k]) > _date(e["hsx"])) == (scen == "facility_late")
            assert (attrs["SSLX"][k] == "畜禽养殖设施") == (scen == "facility_livestock")
        if scen == "land_swap":
            assert cov["other_legal"] >= 0.999
        if scen == "advance_use":
            assert cov["advance"] >= 0.999
        share = dominant(p)
        if scen == "facility_dltb":
            assert share["1202"] > 0.99 and cov["facility"] == 0
        if scen.startswith("temporary"):
            assert cov["temporary"] >= 0.999
            geoms, attrs = layers["temporary"]
            k = int(np.flatnonzero(shapely.intersects(geoms, p))[0])
            valid = _date(attrs["YXQQ"][k]) <= _date(e["hsx"]) <= _date(attrs["YXQZ"][k])
            assert valid == (scen == "temporary_valid")
        if scen == "rural_road_1006":
            assert share["1006"] > 0.99
        if scen == "rural_road":  # a 5 m strip on 旱地
            assert share["0103"] > 0.99 and shapely.area(p) / (shapely.length(p) / 2) < 5.1
        if scen == "new_house_203":
            assert share["203"] > 0.99 and share["0103"] > 0.99
        if scen == "mixed_stock_new":
            assert share["0602"] == pytest.approx(1 - e["new_share"]) and share["0101"] == pytest.approx(e["new_share"])
            assert 0.5 <= share["0602"] <= 0.7
        if scen == "pond_on_paddy":
            assert share["0101"] > 0.99
        if scen == "solar_on_forest":
            assert sum(v for c, v in share.items() if c[:2] == "03") > 0.99
        if scen == "solar_on_farmland":
            assert sum(share.get(c, 0) for c in ("0101", "0102", "0103")) > 0.99
        if scen == "homestead":
            assert share["0702"] > 0.99 and share["203"] > 0.99
        if scen == "zone203":
            assert share["203"] > 0.99 and share.get("0702", 0) == 0
        if scen.startswith("mining"):
            geoms, attrs = layers["mining"]
            if scen in ("mining_nopermit", "mining_in_approval"):
                assert mine_cov == 0
            else:
                k = int(np.flatnonzero(shapely.intersects(geoms, p))[0])
                valid = _date(attrs["YXQQ"][k]) <= _date(e["hsx"]) <= _date(attrs["YXQZ"][k])
                assert valid == (scen != "mining_expired")
                assert (0.3 <= mine_cov <= 0.8) if scen == "mining_overbound" else mine_cov == pytest.approx(1)
        else:
            assert mine_cov == 0
        if scen.startswith("illegal") or scen == "temporary_expired":
            cultivated = sum(share.get(c, 0) for c in ("0101", "0102", "0103"))
            if scen == "illegal_stock":
                assert cultivated == 0 and share.get("203", 0) == 0
            elif scen != "illegal_new_eco":
                assert cultivated > 0.99
        bf = _coverage(p, layers["basic_farmland"][0])[0]
        eco = _coverage(p, layers["eco_redline"][0])[0]
        assert (bf * p.area > 0.01) == e["basic_farmland"] and (eco * p.area > 0.01) == e["eco_redline"]
        if scen in ("illegal_new_basic", "facility_livestock"):
            assert bf > 0.99
        if scen in ("solar_on_forest", "solar_on_farmland", "pond_on_paddy"):
            assert bf == 0 or scen != "solar_on_forest"
        if scen == "illegal_new_eco":
            assert eco > 0.99
        if scen == "illegal_new_farmland":
            assert bf == 0 and eco == 0


def test_reference_layers(county):
    approvals = Path(county["approvals"])
    assert approvals.with_suffix(".cpg").read_text() == "GBK"
    assert "青政地".encode("gbk") in approvals.with_suffix(".dbf").read_bytes()
    geoms, attrs = _layer(county, "approvals")
    overlapping = shapely.STRtree(geoms).query(geoms, predicate="overlaps")
    assert overlapping.shape[1] >= 2
    assert all(w.startswith("青政地〔") and w.endswith("号") for w in attrs["PZWH"])
    _, mining = _layer(county, "mining")
    expired = [z < np.datetime64("2025-12-01") for z in mining["YXQZ"].astype("datetime64[D]")]
    assert sum(expired) == 1 and len(expired) >= 3
    _, temporary = _layer(county, "temporary")
    ends = np.array([_date(v) for v in temporary["YXQZ"]])
    assert (ends < np.datetime64("2025-12-01")).any() and (ends > np.datetime64("2026-06-01")).any()
    for name in ("registration", "facility", "supply", "other_legal", "advance", "nature_reserve"):
        assert len(_layer(county, name)[0]) >= 1, name


def test_clues_and_patrols(county):
    for name in ("clues", "patrols"):
        assert Path(county[name]).read_bytes().startswith(b"\xef\xbb\xbf")
    with open(county["clues"], encoding="utf-8-sig") as f:
        clues = list(csv.DictReader(f))
    truth = county["manifest"]["clues"]
    assert {c["线索编号"] for c in clues} == set(truth)
    assert {t["timing"] for t in truth.values()} == {"before", "after", "far"}
    expected = county["manifest"]["expected"]
    for c in clues:
        t = truth[c["线索编号"]]
        assert c["来源"] in {"巡查", "12336", "微信", "其他"}
        if t["jcbh"]:
            before = np.datetime64(c["发现日期"]) < np.datetime64(expected[t["jcbh"]]["hsx"])
            assert before == (t["timing"] == "before")
    with open(county["patrols"], encoding="utf-8-sig") as f:
        patrols = list(csv.DictReader(f))
    assert list(patrols[0]) == ["巡查日期", "乡镇", "巡查路线", "巡查人员", "发现问题", "制止措施", "处理意见"]
    assert any(p["制止措施"] for p in patrols)


def test_bench_mode(tmp_path):
    out = generate_bench(tmp_path, n_patches=500, n_dltb=5000, seed=3)
    geoms, attrs, meta = _read(out["patches"])
    assert len(geoms) == 500 and meta["crs"] == "EPSG:4527" and "JCBH" in attrs
    assert Path(out["patches"]).with_suffix(".cpg").read_text() == "UTF-8"
    dltb, _, _ = _read(out["dltb"], layer="DLTB")
    assert 4500 < len(dltb) < 5500
    for name in ("approvals", "supply", "registration", "facility", "temporary", "mining", "basic_farmland",
                 "eco_redline", "townships"):
        assert Path(out[name]).exists(), name
