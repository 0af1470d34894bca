"""Legality suggestions (DOMAIN.md §4) end to end: squares → overlay → rules.

The patch is a 100 m square in EPSG:4527 (≈ 15 亩); reference features are squares around it, so every
share in these tests is a hand-computable fraction of it.
"""
from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pytest
import shapely

from weipian_plugin.core.analysis.overlay import (
    APPROVALS,
    BASIC_FARMLAND,
    ECO_REDLINE,
    FACILITY,
    LANDUSE,
    MINING,
    REGISTRATION,
    SUPPLY,
    TEMPORARY,
    TOWNSHIPS,
    run_overlay,
)
from weipian_plugin.core.analysis.rules import PatchInfo, RuleConfig, _json_floats, suggest, suggest_all
from weipian_plugin.core.geo.area import ellipsoidal_area
from weipian_plugin.core.intake.vector_io import VectorData, read_vector
from weipian_plugin.core.units import MU_M2

EPSG = 4527
X0, Y0 = 39_500_000.0, 3_300_000.0
HSX = dt.date(2022, 6, 1)


def sq(x0, y0, x1, y1):
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def layer(geoms, **columns):
    return VectorData(np.array(geoms, dtype=object), {k: np.array(v, dtype=object) for k, v in columns.items()}, EPSG)


AROUND = sq(-10, -10, 110, 110)


def dltb(dlbm="0602", czcsxm="", kcxs=0.0):
    return layer([AROUND], DLBM=[dlbm], CZCSXM=[czcsxm], KCXS=[kcxs])


def approvals(*boxes):
    return layer(list(boxes), PZWH=[f"渝府地〔2021〕{12 + 3 * i}号" for i in range(len(boxes))],
                 PZRQ=["2021-03-01"] * len(boxes))


def judge(layers, tblx="20", hsx=HSX, dlbm="", config=None):
    patches = np.array([sq(0, 0, 100, 100)], dtype=object)
    result = run_overlay(patches, ellipsoidal_area(patches, EPSG), layers, after_dates=[hsx])
    return suggest(PatchInfo("5001012022001", tblx, hsx, dlbm), result.row(0), config)


# -- rule 1 ------------------------------------------------------------------------------------------

def test_overlapping_approvals_together_make_it_legal():
    s = judge({LANDUSE: dltb("0101"), APPROVALS: approvals(sq(-10, -10, 60, 110), sq(50, -10, 97, 110))})
    assert (s.result, s.subtype) == ("合法", "批文")
    assert "批文 渝府地〔2021〕12号、渝府地〔2021〕15号 合计覆盖图斑 97.0%" in s.reason
    assert "未覆盖耕地 0.45 亩" in s.reason  # 3 % of 15 亩 of 0101 without KCXS
    assert s.reason.endswith("建议判定为合法（批文）。")
    assert [d["doc"] for d in s.basis["documents"]] == ["渝府地〔2021〕12号", "渝府地〔2021〕15号"]
    assert s.basis["coverage"][APPROVALS] == pytest.approx(0.97)


def test_uncovered_cultivated_land_blocks_rule_1_and_kcxs_counts():
    # 4 % uncovered = 400 m² = 0.6 亩 of 0101: too much cultivated land left → 待核 ...
    blocked = judge({LANDUSE: dltb("0101"), APPROVALS: approvals(sq(-10, -10, 96, 110))})
    assert (blocked.result, blocked.subtype) == ("待核", "部分覆盖")
    assert "未覆盖耕地 0.60 亩" in blocked.reason
    # ... but with KCXS 0.5 only 0.3 亩 of it is cultivated: legal.
    legal = judge({LANDUSE: dltb("0101", kcxs=0.5), APPROVALS: approvals(sq(-10, -10, 96, 110))})
    assert (legal.result, legal.subtype) == ("合法", "批文")
    assert legal.basis["uncovered_cultivated_m2"][APPROVALS] == pytest.approx(200.0, rel=1e-6)


def test_supply_then_registration():
    supply = layer([AROUND], GDBH=["5001012021B00123"])
    registration = layer([AROUND], BDCQZH=["渝(2021)綦江区不动产权第000123号"])
    s = judge({LANDUSE: dltb(), APPROVALS: approvals(), SUPPLY: supply, REGISTRATION: registration})
    assert (s.result, s.subtype) == ("合法", "供地手续") and "5001012021B00123" in s.reason
    s = judge({LANDUSE: dltb(), APPROVALS: approvals(), REGISTRATION: registration})
    assert (s.result, s.subtype) == ("合法", "登记发证") and "不动产权第000123号" in s.reason


# -- rules 2 and 3 -----------------------------------------------------------------------------------

def test_facility_agriculture_by_filing_or_by_dltb():
    s = judge({LANDUSE: dltb("0101"), APPROVALS: approvals(), FACILITY: layer([AROUND], BAH=["设施2021-7"])})
    assert (s.result, s.subtype) == ("其他", "设施农用地") and "设施2021-7" in s.reason
    s = judge({LANDUSE: layer([sq(-10, -10, 60, 110), sq(60, -10, 110, 110)], DLBM=["1202", "0101"]),
               APPROVALS: approvals()})
    assert (s.result, s.subtype) == ("其他", "设施农用地") and "占图斑 60.0%" in s.reason


def test_temporary_land_valid_or_expired_at_the_after_date():
    temporary = layer([AROUND], PZWH=["綦规资临〔2021〕8号"], YXQQ=["2021-01-01"], YXQZ=["2022-12-31"])
    s = judge({LANDUSE: dltb("0101"), APPROVALS: approvals(), TEMPORARY: temporary})
    assert (s.result, s.subtype) == ("其他", "临时用地")
    assert "后时相 2022-06-01 在有效期内" in s.reason and "2022-12-31" in s.reason
    late = judge({LANDUSE: dltb("0101"), APPROVALS: approvals(), TEMPORARY: temporary}, hsx=dt.date(2023, 3, 1))
    assert (late.result, late.subtype, late.new_or_stock) == ("违法", "非农违法", "新增")
    assert "綦规资临〔2021〕8号 于后时相 2023-03-01 不在有效期内" in late.reason


def test_rural_road_needs_the_road_change_type():
    layers = {LANDUSE: dltb("1006"), APPROVALS: approvals()}
    s = judge(layers, tblx="ND")
    assert (s.result, s.subtype) == ("其他", "农村道路")
    assert judge(layers, tblx="20").result == "违法"


def test_homestead_and_203_range():
    s = judge({LANDUSE: dltb("0702", czcsxm="203"), APPROVALS: approvals()})
    assert (s.result, s.subtype) == ("其他", "农村宅基地")
    s = judge({LANDUSE: dltb("0602", czcsxm="203"), APPROVALS: approvals()})
    assert (s.result, s.subtype) == ("其他", "203范围")
    assert judge({LANDUSE: dltb("0602", czcsxm="203A"), APPROVALS: approvals()}).result == "违法"


# -- rule 4 ------------------------------------------------------------------------------------------

def permit(box, start, end, number="C5001012010127120087654"):
    return layer([box], XKZH=[number], KSMC=["綦江区某石灰岩矿"], KZ=["石灰岩"], YXQQ=[start], YXQZ=[end])


def test_mining_inside_a_valid_permit_is_legal():
    s = judge({LANDUSE: dltb("0301"), MINING: permit(AROUND, "2020-01-01", "2025-12-31")}, tblx="CK")
    assert (s.result, s.subtype) == ("合法", "合法采矿")
    assert s.involves_mining and "C5001012010127120087654" in s.reason


def test_mining_partly_outside_the_permit_is_overstepping():
    s = judge({LANDUSE: dltb("0301"), MINING: permit(sq(-10, -10, 60, 110), "2020-01-01", "2025-12-31")}, tblx="CK")
    assert (s.result, s.subtype) == ("违法", "越界开采")
    assert "仅覆盖图斑 60.0%" in s.reason and "许可范围外 6.00 亩" in s.reason


def test_expired_permit_is_mining_without_a_permit():
    s = judge({LANDUSE: dltb("0301"), MINING: permit(AROUND, "2015-01-01", "2019-12-31")}, tblx="CK")
    assert (s.result, s.subtype) == ("违法", "无证开采")
    assert "2019-12-31" in s.reason and "已过期" in s.reason
    # Same expired permit, but renewed: the valid renewal decides.
    renewed = layer([AROUND, AROUND], XKZH=["C1", "C1"], YXQQ=["2015-01-01", "2020-01-01"],
                    YXQZ=["2019-12-31", "2024-12-31"])
    assert judge({LANDUSE: dltb("0301"), MINING: renewed}, tblx="CK").subtype == "合法采矿"


def test_mining_change_without_any_permit_and_without_the_layer():
    s = judge({LANDUSE: dltb("0301"), MINING: permit(sq(500, 500, 600, 600), "2020-01-01", "2025-12-31")}, tblx="CK")
    assert (s.result, s.subtype) == ("违法", "无证开采")
    s = judge({LANDUSE: dltb("0301"), APPROVALS: approvals()}, tblx="CK")
    assert s.result == "待核" and "未提供采矿权图层" in s.reason and s.involves_mining


def test_mining_without_an_after_date_needs_a_person():
    s = judge({LANDUSE: dltb("0301"), MINING: permit(AROUND, "2020-01-01", "2025-12-31")}, tblx="CK", hsx=None)
    assert s.result == "待核" and "后时相缺失" in s.reason


# -- rules 5 and 6 -----------------------------------------------------------------------------------

def test_unapproved_construction_new_or_stock():
    s = judge({LANDUSE: dltb("0101"), APPROVALS: approvals(sq(-10, -10, 10, 110))})
    assert (s.result, s.subtype, s.new_or_stock) == ("违法", "非农违法", "新增")
    assert "批文覆盖 10.0%" in s.reason and "耕地 15.00 亩" in s.reason
    assert s.reason.endswith("建议判定为违法（非农违法，新增）。")
    stock = judge({LANDUSE: layer([sq(-10, -10, 80, 110), sq(80, -10, 110, 110)], DLBM=["0602", "0101"]),
                   APPROVALS: approvals()})
    assert (stock.result, stock.new_or_stock) == ("违法", "存量") and "建设用地占 80.0%" in stock.reason


def test_basic_farmland_and_eco_redline_flags():
    layers = {LANDUSE: dltb("0101"), APPROVALS: approvals(), BASIC_FARMLAND: layer([sq(-10, -10, 30, 110)]),
              ECO_REDLINE: layer([sq(90, -10, 110, 110)])}
    s = judge(layers)
    assert s.involves_basic_farmland and s.involves_eco_redline
    assert "涉及永久基本农田 4.50 亩" in s.reason and "涉及生态保护红线 1.50 亩" in s.reason
    assert s.basis["basic_farmland_m2"] == pytest.approx(0.3 * s.basis["area_m2"])
    # A digitising sliver (0.5 m²) does not raise the flag.
    sliver = judge({**layers, BASIC_FARMLAND: layer([sq(-10, -10, 0.005, 110)])})
    assert not sliver.involves_basic_farmland


def test_partial_approval_coverage_needs_a_person():
    s = judge({LANDUSE: dltb("0101"), APPROVALS: approvals(sq(-10, -10, 60, 110))})
    assert (s.result, s.subtype) == ("待核", "部分覆盖")
    assert "覆盖图斑 60.0%，介于 20.0% 与 95.0% 之间" in s.reason and s.reason.endswith("需人工核实。")


def test_missing_approvals_layer_is_not_not_approved():
    s = judge({LANDUSE: dltb("0101")})
    assert s.result == "待核" and "未提供批文图层" in s.reason
    assert "approvals" not in s.basis["layers"]


def test_non_construction_change_is_left_to_a_person():
    assert judge({LANDUSE: dltb("0101"), APPROVALS: approvals()}, tblx="03").result == "待核"


def test_patch_dlbm_stands_in_for_missing_dltb():
    s = judge({APPROVALS: approvals()}, dlbm="0702")
    assert (s.result, s.subtype) == ("其他", "农村宅基地") and "图斑原地类" in s.reason
    s = judge({APPROVALS: approvals()}, dlbm="0101")
    assert (s.result, s.new_or_stock) == ("违法", "新增")


# -- configuration, basis, batch -----------------------------------------------------------------------

def test_thresholds_are_configurable():
    layers = {LANDUSE: dltb("0602"), APPROVALS: approvals(sq(-10, -10, 92, 110))}
    assert judge(layers).result == "待核"
    assert judge(layers, config=RuleConfig(approval_coverage=0.9)).subtype == "批文"
    assert judge(layers, config=RuleConfig(pending_coverage=0.95)).result == "违法"
    roads = RuleConfig(road_tblx=["ND"])
    assert judge({LANDUSE: dltb("1006"), APPROVALS: approvals()}, tblx="DL1", config=roads).result == "违法"
    # Without a basic-farmland layer nothing is flagged, however low the threshold.
    assert not judge({APPROVALS: approvals()}, config=RuleConfig(flag_min_area_m2=0.0)).involves_basic_farmland


def test_config_round_trip_through_json():
    config = RuleConfig(approval_coverage=0.9, mining_tblx=["CK", "KC"])
    stored = json.loads(json.dumps(config.to_dict()))
    assert RuleConfig.from_dict(stored) == config
    loaded = RuleConfig.from_dict({"approval_coverage": 0.8, "no_such_key": 1, "mining_tblx": "CK",
                                   "stock_share": "high", "dominance_share": True})
    assert loaded.approval_coverage == 0.8
    assert loaded.mining_tblx == ["CK"] and loaded.stock_share == 0.5 and loaded.dominance_share == 0.5
    assert RuleConfig.from_dict({}) == RuleConfig()
    assert RuleConfig().max_uncovered_cultivated_m2 == pytest.approx(0.5 * MU_M2)


def test_basis_is_json_safe():
    layers = {LANDUSE: dltb("0101"), MINING: permit(AROUND, "2015-01-01", "2019-12-31"),
              TEMPORARY: layer([AROUND], PZWH=["t"], YXQQ=["2020-01-01"], YXQZ=[None])}
    for hsx in (HSX, None):
        s = judge(layers, tblx="CK", hsx=hsx)
        json.dumps(s.basis, allow_nan=False, ensure_ascii=False)


def test_suggest_all():
    patches = np.array([sq(0, 0, 100, 100), sq(300, 0, 400, 100)], dtype=object)
    layers = {LANDUSE: layer([sq(-10, -10, 500, 110)], DLBM=["0101"]), APPROVALS: approvals(sq(-10, -10, 110, 110))}
    result = run_overlay(patches, ellipsoidal_area(patches, EPSG), layers, after_dates=[HSX, HSX])
    out = suggest_all(["20", "20"], [HSX, HSX], result)
    assert [(s.result, s.subtype) for s in out] == [("合法", "批文"), ("违法", "非农违法")]


SAMPLE_LAYERS = {LANDUSE: "DLTB.gpkg", BASIC_FARMLAND: "永久基本农田.shp", APPROVALS: "建设用地审批.shp",
                 SUPPLY: "供地.shp", REGISTRATION: "不动产登记.shp", FACILITY: "设施农用地备案.shp",
                 TEMPORARY: "临时用地.shp", MINING: "采矿权.shp", ECO_REDLINE: "生态保护红线.shp", TOWNSHIPS: "乡镇.shp"}


@pytest.mark.parametrize("without", [(), (LANDUSE, MINING)], ids=["all layers", "no DLTB or mining"])
def test_suggest_all_equals_suggest_on_the_sample_county(sample_county, without):
    """The batch path (arrays over all patches) and the one-patch path (a row, as the dock has it) agree."""
    patches = [read_vector(p, target_epsg=EPSG) for p in sorted((sample_county / "batches").glob("*.shp"))]
    geoms = np.concatenate([p.geoms for p in patches])
    jcbh, tblx, dlbm = (np.concatenate([p.text(f) for p in patches]).tolist() for f in ("JCBH", "TBLX", "DLBM"))
    hsx = np.concatenate([p.dates("HSX") for p in patches]).tolist()
    layers = {role: read_vector(sample_county / "reference" / name, target_epsg=EPSG)
              for role, name in SAMPLE_LAYERS.items() if role not in without}
    result = run_overlay(geoms, ellipsoidal_area(geoms, EPSG), layers, after_dates=hsx)
    batch = suggest_all(tblx, hsx, result, patches_dlbm=dlbm)
    single = [suggest(PatchInfo(jcbh[i], tblx[i], hsx[i], dlbm[i]), result.row(i)) for i in range(len(result))]
    assert batch == single
    assert len({(s.result, s.subtype) for s in batch}) >= (14 if not without else 10)  # most branches taken


def test_json_rounding_is_pythons_round():
    rng = np.random.default_rng(7)
    random = rng.random(20_000) * 10.0 ** rng.integers(-8, 12, 20_000) * rng.choice([-1, 1], 20_000)
    half_way = [float(f"{a}.{b:06d}5") for a, b in zip(rng.integers(0, 10**6, 2_000), rng.integers(0, 10**6, 2_000))]
    special = [0.0, -0.0, 1 / 128, -1 / 128, 2.5e-6, 1e-320, -1e-320, 1e300, -1e300, math.inf, -math.inf, math.nan]
    values = np.array([*random, *half_way, *special])
    expected = [None if math.isnan(v) else round(v, 6) for v in values.tolist()]
    assert list(map(repr, _json_floats(values))) == list(map(repr, expected))
