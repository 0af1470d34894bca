"""Legality suggestions (docs/DOMAIN.md §4) end to end: squares → overlay → rules.

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
from sample_county import REFERENCE_FILES

from weipian_plugin.core import roles
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
    PatchOverlay,
    run_overlay,
)
from weipian_plugin.core.analysis.rules import (
    LATE_APPROVAL,
    PatchInfo,
    RuleConfig,
    _json_floats,
    _json_text,
    equivalent_width,
    preset,
    suggest,
    suggest_all,
)
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


def judge(layers, tblx="20", hsx=HSX, dlbm="", config=None, qsx=None, width=math.nan, patch=None):
    config = config or RuleConfig()
    patches = np.array([patch or sq(0, 0, 100, 100)], dtype=object)
    compared = [qsx or hsx] if config.comparison_date == "qsx" else [hsx]
    result = run_overlay(patches, ellipsoidal_area(patches, EPSG), layers, after_dates=[hsx],
                         comparison_dates=compared)
    return suggest(PatchInfo("5001012022001", tblx, hsx, dlbm, qsx, width), result.row(0), config)


def approvals_dated(*dated):
    """Approvals as (box, PZRQ) pairs."""
    return layer([b for b, _ in dated], PZWH=[f"渝府地〔2022〕{i + 1}号" for i in range(len(dated))],
                 PZRQ=[d for _, d in dated])


# -- rule 0: the change type ---------------------------------------------------------------------------

@pytest.mark.parametrize("tblx", ["TD", "TP", "DT", "LT"])
def test_earthworks_go_to_a_person(tblx):
    s = judge({LANDUSE: dltb("0101"), APPROVALS: approvals(sq(500, 500, 600, 600))}, tblx=tblx)
    assert (s.result, s.subtype) == ("待核", "推堆土/动土")
    assert (s.new_construction_m2, s.stock_construction_m2) == (0.0, 0.0)


def test_change_types_match_by_code_or_by_name():
    assert judge({LANDUSE: dltb("0101"), APPROVALS: approvals()}, tblx="坑塘").subtype == "耕地转其他农用地"
    assert judge({LANDUSE: dltb("0101"), APPROVALS: approvals()}, tblx=" kt ").subtype == "耕地转其他农用地"


def test_sea_and_unknown_types_go_to_a_person_never_to_construction():
    assert judge({LANDUSE: dltb("0101"), APPROVALS: approvals()}, tblx="WH").subtype == "围填海"
    for code in ("XX", ""):
        s = judge({LANDUSE: dltb("0101"), APPROVALS: approvals()}, tblx=code)
        assert (s.result, s.subtype) == ("待核", "未知图斑类型") and "未知图斑类型" in s.reason
        assert s.new_construction_m2 == 0.0


def test_pond_on_paddy_is_an_agricultural_change_never_new_construction():
    s = judge({LANDUSE: dltb("0101"), APPROVALS: approvals()}, tblx="KT")
    assert (s.result, s.subtype) == ("待核", "耕地转其他农用地") and "不计入新增建设用地" in s.reason
    assert (s.new_construction_m2, s.stock_construction_m2, s.new_or_stock) == (0.0, 0.0, "")
    # The strict provincial preset calls it 农业项目破坏耕地 — still never 新增建设用地.
    strict = judge({LANDUSE: dltb("0101"), APPROVALS: approvals()}, tblx="KT",
                   config=preset("从严：光伏、农业项目占用耕地判违法"))
    assert (strict.result, strict.subtype, strict.new_construction_m2) == ("违法", "农业项目破坏耕地", 0.0)
    # Not on cultivated land: other.
    assert (judge({LANDUSE: dltb("0301"), APPROVALS: approvals()}, tblx="KT").result) == "其他"


def test_solar_keeps_the_land_use_except_on_farmland():
    s = judge({LANDUSE: dltb("0301"), APPROVALS: approvals()}, tblx="GF")
    assert (s.result, s.subtype) == ("其他", "不改变原用地性质的光伏用地")
    assert judge({LANDUSE: dltb("0101"), APPROVALS: approvals()}, tblx="GF").result == "待核"
    # 永农 over forest land (after 三调 永农 often holds non-cultivated land) counts too.
    on_farmland = judge({LANDUSE: dltb("0301"), APPROVALS: approvals(), BASIC_FARMLAND: layer([AROUND])}, tblx="GF")
    assert on_farmland.result == "待核" and "永久基本农田 15" in on_farmland.reason
    strict = judge({LANDUSE: dltb("0101"), APPROVALS: approvals()}, tblx="GF",
                   config=preset("从严：光伏、农业项目占用耕地判违法"))
    assert (strict.result, strict.new_or_stock) == ("违法", "新增")


def test_new_rural_road_by_width():
    layers = {LANDUSE: dltb("0103"), APPROVALS: approvals()}
    assert equivalent_width(np.array([6.0 * 500.0]), np.array([2 * (6.0 + 500.0)]))[0] == pytest.approx(6.0)
    s = judge(layers, tblx="ND", width=6.0)
    assert (s.result, s.subtype) == ("其他", "农村道路") and "宽度约 6.0 米" in s.reason
    assert judge(layers, tblx="ND", width=8.0).subtype == "农村道路"  # exactly the limit
    wide = judge(layers, tblx="ND", width=12.0)
    assert (wide.result, wide.subtype, wide.new_or_stock) == ("违法", "非农违法", "新增")
    assert judge(layers, tblx="ND", width=12.0, config=RuleConfig(road_max_width_m=0.0)).subtype == "农村道路"


def test_dlbm_before_the_change_is_context_not_a_route():
    s = judge({LANDUSE: dltb("1202"), APPROVALS: approvals()})
    assert (s.result, s.subtype) == ("违法", "非农违法") and "变化前三调地类为设施农用地" in s.reason
    assert judge({LANDUSE: dltb("1006"), APPROVALS: approvals()}, tblx="DL1").result == "违法"


# -- rule 1: approved, and approved in time ------------------------------------------------------------

def test_overlapping_approvals_together_make_it_legal():
    s = judge({LANDUSE: dltb("0101"), APPROVALS: approvals(sq(-10, -10, 60, 110), sq(50, -10, 97, 110))})
    assert (s.result, s.subtype) == ("合法", "批文")
    assert ("批文 渝府地〔2021〕12号（批准日期 2021-03-01）、渝府地〔2021〕15号（批准日期 2021-03-01） 合计覆盖图斑 97.0%，"
            "不晚于后时相 2022-06-01") in s.reason
    assert "未覆盖耕地 0.45 亩" in s.reason  # 3 % of 15 亩 of 0101 without KCXS
    assert s.reason.endswith("建议判定为合法（批文）。")
    assert [d["doc"] for d in s.basis["documents"]] == ["渝府地〔2021〕12号", "渝府地〔2021〕15号"]
    assert s.basis["coverage"][APPROVALS] == pytest.approx(0.97)
    assert s.new_construction_m2 == pytest.approx(s.basis["area_m2"])  # legal new construction land


def test_uncovered_cultivated_land_blocks_rule_1_and_kcxs_counts():
    # 4 % uncovered = 400 m² = 0.6 亩 of 0101: too much cultivated land left → 待核 ...
    blocked = judge({LANDUSE: dltb("0101"), APPROVALS: approvals(sq(-10, -10, 96, 110))})
    assert (blocked.result, blocked.subtype) == ("待核", "部分覆盖")
    assert "未覆盖耕地 0.60 亩" in blocked.reason
    # ... but with KCXS 0.5 only 0.3 亩 of it is cultivated: legal.
    legal = judge({LANDUSE: dltb("0101", kcxs=0.5), APPROVALS: approvals(sq(-10, -10, 96, 110))})
    assert (legal.result, legal.subtype) == ("合法", "批文")
    assert legal.basis["uncovered_cultivated_m2"][APPROVALS] == pytest.approx(200.0, rel=1e-6)


def test_uncovered_land_of_any_class_is_capped():
    # 95.75 % inside the red line of a 300 m × 200 m patch (≈ 90 亩): 3.8 亩 of forest land outside.
    patch = sq(0, 0, 300, 200)
    layers = {LANDUSE: layer([sq(-10, -10, 310, 210)], DLBM=["0301"]), APPROVALS: approvals(sq(-10, -10, 287.25, 210))}
    s = judge(layers, patch=patch)
    assert (s.result, s.subtype) == ("待核", "部分覆盖") and "未覆盖面积 3.8" in s.reason
    assert judge(layers, patch=patch, config=RuleConfig(max_uncovered_m2=4 * MU_M2)).subtype == "批文"


def test_coverage_of_exactly_95_percent_is_enough():
    layers = {LANDUSE: dltb("0602"), APPROVALS: approvals(sq(-10, -10, 95, 110))}
    assert judge(layers).subtype == "批文"  # 5 % of 15 亩 = 0.75 亩 uncovered, under the 1 亩 cap
    assert judge({LANDUSE: dltb("0602"), APPROVALS: approvals(sq(-10, -10, 94.9, 110))}).subtype == "部分覆盖"


def test_approval_dated_after_the_imagery_is_built_before_approved():
    late = approvals_dated((AROUND, "2022-08-01"))
    s = judge({LANDUSE: dltb("0103"), APPROVALS: late}, hsx=dt.date(2022, 5, 10))
    assert (s.result, s.subtype, s.new_or_stock) == ("违法", "非农违法", "新增")
    assert LATE_APPROVAL in s.reason
    assert "渝府地〔2022〕1号（批准日期 2022-08-01）" in s.reason and "后时相 2022-05-10" in s.reason
    assert s.basis["documents"][0]["valid"] is False
    pending = judge({LANDUSE: dltb("0103"), APPROVALS: late}, hsx=dt.date(2022, 5, 10),
                    config=RuleConfig(late_approval_result="待核"))
    assert (pending.result, pending.subtype) == ("待核", "先建后批")


def test_a_document_dated_on_the_comparison_date_counts():
    s = judge({LANDUSE: dltb("0103"), APPROVALS: approvals_dated((AROUND, "2022-05-10"))}, hsx=dt.date(2022, 5, 10))
    assert (s.result, s.subtype) == ("合法", "批文")
    assert judge({LANDUSE: dltb("0103"), APPROVALS: approvals_dated((AROUND, "2022-05-11"))},
                 hsx=dt.date(2022, 5, 10)).result == "违法"


def test_timely_and_late_approvals_together():
    # The timely one alone covers 60 % (pending); the late one would complete it: 先建后批 for the rest.
    s = judge({LANDUSE: dltb("0103"), APPROVALS: approvals_dated((sq(-10, -10, 60, 110), "2021-01-01"),
                                                                 (sq(60, -10, 110, 110), "2022-09-01"))})
    assert s.result == "违法" and LATE_APPROVAL in s.reason and "渝府地〔2022〕2号（批准日期 2022-09-01）" in s.reason


def test_comparison_with_the_before_date():
    layers = {LANDUSE: dltb("0103"), APPROVALS: approvals_dated((AROUND, "2021-09-01"))}
    qsx = dt.date(2021, 6, 1)
    assert judge(layers, qsx=qsx).subtype == "批文"  # default: the after-date
    before = RuleConfig(comparison_date="qsx")
    s = judge(layers, qsx=qsx, config=before)
    assert s.result == "违法" and "前时相 2021-06-01" in s.reason
    assert judge(layers, qsx=None, config=before).subtype == "批文"  # no 前时相: the after-date


def test_supply_then_registration_then_other_legal_documents():
    supply = layer([AROUND], GDBH=["5001012021B00123"], GDRQ=["2021-05-01"])
    registration = layer([AROUND], BDCQZH=["渝(2021)綦江区不动产权第000123号"])
    s = judge({LANDUSE: dltb(), APPROVALS: approvals(), SUPPLY: supply, REGISTRATION: registration})
    assert (s.result, s.subtype) == ("合法", "供地手续") and "5001012021B00123（供地日期 2021-05-01）" in s.reason
    s = judge({LANDUSE: dltb(), APPROVALS: approvals(), REGISTRATION: registration})
    assert (s.result, s.subtype) == ("合法", "登记发证") and "不动产权第000123号（登记日期 不详）" in s.reason
    swap = layer([AROUND], PZWH=["渝增减挂〔2020〕3号"], PZRQ=["2020-12-01"])
    s = judge({LANDUSE: dltb("0103"), APPROVALS: approvals(), roles.OTHER_LEGAL.key: swap})
    assert (s.result, s.subtype) == ("合法", "其他合法手续") and "渝增减挂〔2020〕3号" in s.reason


# -- rule 2 ------------------------------------------------------------------------------------------

def facility(kind="种植设施", date="2021-07-01"):
    return layer([AROUND], BAH=["设施2021-7"], BARQ=[date], SSLX=[kind])


def test_facility_agriculture_filed_in_time():
    s = judge({LANDUSE: dltb("0101"), APPROVALS: approvals(), FACILITY: facility()})
    assert (s.result, s.subtype) == ("其他", "设施农用地") and "设施2021-7（备案日期 2021-07-01）" in s.reason
    assert (s.new_construction_m2, s.stock_construction_m2) == (0.0, 0.0)


def test_facility_filed_after_the_imagery_or_livestock_on_basic_farmland_needs_a_person():
    late = judge({LANDUSE: dltb("0101"), APPROVALS: approvals(), FACILITY: facility(date="2022-07-01")})
    assert (late.result, late.subtype) == ("待核", "设施农用地") and "晚于后时相 2022-06-01" in late.reason
    livestock = judge({LANDUSE: dltb("0101"), APPROVALS: approvals(), FACILITY: facility("畜禽养殖设施"),
                       BASIC_FARMLAND: layer([AROUND])})
    assert (livestock.result, livestock.subtype) == ("待核", "设施农用地") and "养殖设施不得占用永久基本农田" in livestock.reason
    assert judge({LANDUSE: dltb("0101"), APPROVALS: approvals(), FACILITY: facility("畜禽养殖设施")}).result == "其他"


def test_temporary_land_valid_or_expired_at_the_after_date():
    temporary = layer([AROUND], PZWH=["綦规资临〔2021〕8号"], YXQQ=["2021-01-01"], YXQZ=["2022-12-31"])
    s = judge({LANDUSE: dltb("0101"), APPROVALS: approvals(), TEMPORARY: temporary})
    assert (s.result, s.subtype) == ("其他", "临时用地")
    assert "后时相 2022-06-01 在有效期内" in s.reason and "2022-12-31" in s.reason
    late = judge({LANDUSE: dltb("0101"), APPROVALS: approvals(), TEMPORARY: temporary}, hsx=dt.date(2023, 3, 1))
    assert (late.result, late.subtype, late.new_or_stock) == ("违法", "非农违法", "新增")
    assert "綦规资临〔2021〕8号 于后时相 2023-03-01 不在有效期内" in late.reason


def test_advance_land_use():
    advance = layer([AROUND], PZWH=["自然资函〔2021〕45号"], PZRQ=["2021-10-01"])
    s = judge({LANDUSE: dltb("0103"), APPROVALS: approvals(), roles.ADVANCE.key: advance})
    assert (s.result, s.subtype) == ("其他", "先行用地") and "自然资函〔2021〕45号" in s.reason


# -- rule 3 ------------------------------------------------------------------------------------------

def test_homestead_and_203_range_exempt_only_land_that_was_construction():
    s = judge({LANDUSE: dltb("0702", czcsxm="203"), APPROVALS: approvals()})
    assert (s.result, s.subtype) == ("其他", "农村宅基地")
    s = judge({LANDUSE: dltb("0602", czcsxm="203"), APPROVALS: approvals()})
    assert (s.result, s.subtype) == ("其他", "203范围")
    assert judge({LANDUSE: dltb("0602", czcsxm="203A"), APPROVALS: approvals()}).result == "违法"


def test_new_house_on_dry_land_inside_203_is_illegal_and_flagged():
    s = judge({LANDUSE: dltb("0103", czcsxm="203"), APPROVALS: approvals()})
    assert (s.result, s.subtype, s.new_or_stock) == ("违法", "非农违法", "新增")
    assert s.new_housing and "新增乱占耕地建房" in s.reason
    assert not judge({LANDUSE: dltb("0103"), APPROVALS: approvals()}).new_housing  # outside 203


# -- rule 4 ------------------------------------------------------------------------------------------

def test_partial_approval_coverage_needs_a_person():
    s = judge({LANDUSE: dltb("0101"), APPROVALS: approvals(sq(-10, -10, 60, 110))})
    assert (s.result, s.subtype) == ("待核", "部分覆盖")
    assert "覆盖图斑 60.0%，介于 20.0% 与 95.0% 之间" in s.reason and s.reason.endswith("需人工核实。")


def test_missing_approvals_layer_is_not_not_approved():
    s = judge({LANDUSE: dltb("0101")})
    assert s.result == "待核" and "未提供批文图层" in s.reason
    assert "approvals" not in s.basis["layers"]


# -- rule 5: mining, beside the land suggestion --------------------------------------------------------

def permit(box, start, end, number="C5001012010127120087654"):
    return layer([box], XKZH=[number], KSMC=["綦江区某石灰岩矿"], KZ=["石灰岩"], YXQQ=[start], YXQZ=[end])


def test_mining_inside_a_valid_permit_is_legal_mining():
    s = judge({LANDUSE: dltb("0301"), MINING: permit(AROUND, "2020-01-01", "2025-12-31")}, tblx="CK")
    assert (s.mining_result, s.mining_subtype) == ("合法", "合法采矿")
    assert s.involves_mining and "C5001012010127120087654" in s.mining_reason


def test_mining_inside_a_land_approval_without_a_permit():
    s = judge({LANDUSE: dltb("0301"), APPROVALS: approvals(AROUND),
               MINING: permit(sq(500, 500, 600, 600), "2020-01-01", "2025-12-31")}, tblx="CK")
    assert (s.result, s.subtype) == ("合法", "批文")
    assert (s.mining_result, s.mining_subtype) == ("违法", "无证开采")


def test_mining_partly_outside_the_permit_is_overstepping():
    s = judge({LANDUSE: dltb("0301"), MINING: permit(sq(-10, -10, 60, 110), "2020-01-01", "2025-12-31")}, tblx="CK")
    assert (s.mining_result, s.mining_subtype) == ("违法", "越界开采")
    assert "仅覆盖图斑 60.0%" in s.mining_reason and "许可范围外 6.00 亩" in s.mining_reason


def test_expired_permit_is_mining_without_a_permit():
    s = judge({LANDUSE: dltb("0301"), MINING: permit(AROUND, "2015-01-01", "2019-12-31")}, tblx="CK")
    assert (s.mining_result, s.mining_subtype) == ("违法", "无证开采")
    assert "2019-12-31" in s.mining_reason and "已过期" in s.mining_reason
    renewed = layer([AROUND, AROUND], XKZH=["C1", "C1"], YXQQ=["2015-01-01", "2020-01-01"],
                    YXQZ=["2019-12-31", "2024-12-31"])
    assert judge({LANDUSE: dltb("0301"), MINING: renewed}, tblx="CK").mining_subtype == "合法采矿"


def test_mining_without_the_layer_or_without_an_after_date_needs_a_person():
    s = judge({LANDUSE: dltb("0301"), APPROVALS: approvals()}, tblx="CK")
    assert s.mining_result == "待核" and "未提供采矿权图层" in s.mining_reason and s.involves_mining
    s = judge({LANDUSE: dltb("0301"), MINING: permit(AROUND, "2020-01-01", "2025-12-31")}, tblx="CK", hsx=None)
    assert s.mining_result == "待核" and "后时相缺失" in s.mining_reason


def test_a_building_on_a_permit_is_judged_as_mining_too():
    s = judge({LANDUSE: dltb("0301"), APPROVALS: approvals(), MINING: permit(AROUND, "2015-01-01", "2019-12-31")})
    assert (s.result, s.mining_result) == ("违法", "违法")
    plain = judge({LANDUSE: dltb("0301"), APPROVALS: approvals()})
    assert (plain.mining_result, plain.involves_mining) == ("", False)


# -- rule 6: 新增 and 存量 by area ----------------------------------------------------------------------

def test_unapproved_construction_is_split_into_new_and_stock_by_area():
    s = judge({LANDUSE: layer([sq(-10, -10, 60, 110), sq(60, -10, 110, 110)], DLBM=["0602", "0101"]),
               APPROVALS: approvals()})
    area = s.basis["area_m2"]
    assert (s.result, s.subtype, s.new_or_stock) == ("违法", "非农违法", "新增")
    assert s.stock_construction_m2 == pytest.approx(0.6 * area) and s.new_construction_m2 == pytest.approx(0.4 * area)
    assert s.basis["cultivated_m2"] == pytest.approx(s.new_construction_m2)  # cultivated land is never 存量
    assert "新增 6.00 亩、存量 9.00 亩" in s.reason
    stock = judge({LANDUSE: dltb("0602"), APPROVALS: approvals()})
    assert (stock.new_or_stock, stock.new_construction_m2) == ("存量", 0.0)
    s = judge({LANDUSE: dltb("0101"), APPROVALS: approvals(sq(-10, -10, 10, 110))})
    assert "批文覆盖 10.0%" in s.reason and "耕地 15.00 亩" in s.reason
    assert s.reason.endswith("建议判定为违法（非农违法，新增）。")


def test_basic_farmland_and_eco_redline_flags_and_farmland_is_not_capped_at_cultivated_land():
    layers = {LANDUSE: dltb("0101"), APPROVALS: approvals(), BASIC_FARMLAND: layer([sq(-10, -10, 30, 110)]),
              ECO_REDLINE: layer([sq(90, -10, 110, 110)])}
    s = judge(layers)
    assert s.involves_basic_farmland and s.involves_eco_redline
    assert "涉及永久基本农田 4.50 亩" in s.reason and "涉及生态保护红线 1.50 亩" in s.reason
    assert s.basis["basic_farmland_m2"] == pytest.approx(0.3 * s.basis["area_m2"])
    sliver = judge({**layers, BASIC_FARMLAND: layer([sq(-10, -10, 0.005, 110)])})
    assert not sliver.involves_basic_farmland
    forest = judge({LANDUSE: dltb("0301"), APPROVALS: approvals(), BASIC_FARMLAND: layer([AROUND])})
    assert forest.basis["cultivated_m2"] == 0.0 and forest.basis["basic_farmland_m2"] == pytest.approx(
        forest.basis["area_m2"])


def test_nature_reserve_is_measured():
    s = judge({LANDUSE: dltb("0301"), APPROVALS: approvals(), roles.NATURE_RESERVE.key: layer([sq(-10, -10, 50, 110)])})
    assert s.basis["coverage"][roles.NATURE_RESERVE.key] == pytest.approx(0.5)


def test_patch_dlbm_stands_in_for_missing_dltb():
    s = judge({APPROVALS: approvals()}, dlbm="0702")
    assert (s.result, s.subtype) == ("其他", "农村宅基地") and "图斑原地类" in s.reason
    s = judge({APPROVALS: approvals()}, dlbm="0101")
    assert (s.result, s.new_or_stock) == ("违法", "新增")


# -- thresholds at exactly their boundary (hand-set areas) ----------------------------------------------

def row(area, covered, uncovered_cultivated, cultivated=None):
    """One patch with approvals (dated in time) covering ``covered`` m² of ``area``; areas in m²."""
    cultivated = uncovered_cultivated if cultivated is None else cultivated
    return PatchOverlay(0, area, frozenset({LANDUSE, APPROVALS}), {APPROVALS: covered}, {APPROVALS: covered},
                        cultivated, {APPROVALS: uncovered_cultivated}, {APPROVALS: uncovered_cultivated}, "", "", [],
                        [])


def test_uncovered_cultivated_land_of_exactly_half_a_mu_is_too_much():
    half_mu = MU_M2 / 2
    at = suggest(PatchInfo(tblx="20"), row(10_000.0, 9_600.0, half_mu))
    assert (at.result, at.subtype) == ("待核", "部分覆盖")
    below = suggest(PatchInfo(tblx="20"), row(10_000.0, 9_600.0, half_mu - 0.01))
    assert (below.result, below.subtype) == ("合法", "批文")


def test_uncovered_land_of_exactly_the_cap_is_allowed():
    area = MU_M2 / 0.05  # 5 % of it is exactly 1 亩
    at = suggest(PatchInfo(tblx="20"), row(area, area * 0.95, 0.0))
    assert (at.result, at.subtype) == ("合法", "批文")
    over = suggest(PatchInfo(tblx="20"), row(area, area * 0.95 - 0.01, 0.0))
    assert (over.result, over.subtype) == ("待核", "部分覆盖")


def test_the_other_thresholds_at_exactly_their_boundary():
    # a filing, a permit or a partial approval covering exactly its share (hand-computed: 95 m or 20 m of 100 m)
    at, under = sq(-10, -10, 95, 110), sq(-10, -10, 94.9, 110)
    assert judge({LANDUSE: dltb("0101"), APPROVALS: approvals(), FACILITY: layer([at], BAH=["b"])}).subtype == "设施农用地"
    assert judge({LANDUSE: dltb("0101"), APPROVALS: approvals(), FACILITY: layer([under], BAH=["b"])}).result == "待核"
    assert judge({LANDUSE: dltb("0301"), MINING: permit(at, "2020-01-01", "2025-12-31")},
                 tblx="CK").mining_subtype == "合法采矿"
    assert judge({LANDUSE: dltb("0301"), MINING: permit(under, "2020-01-01", "2025-12-31")},
                 tblx="CK").mining_subtype == "越界开采"
    assert judge({LANDUSE: dltb("0101"), APPROVALS: approvals(sq(-10, -10, 20, 110))}).subtype == "部分覆盖"
    assert judge({LANDUSE: dltb("0101"), APPROVALS: approvals(sq(-10, -10, 19.9, 110))}).result == "违法"
    # 0702 or construction land in 203 exempts at exactly half the patch
    half = layer([sq(-10, -10, 50, 110), sq(50, -10, 110, 110)], DLBM=["0702", "0101"], CZCSXM=["203", ""])
    assert judge({LANDUSE: half, APPROVALS: approvals()}).subtype == "农村宅基地"


# -- configuration, basis, batch -----------------------------------------------------------------------

def test_thresholds_are_configurable():
    layers = {LANDUSE: dltb("0602"), APPROVALS: approvals(sq(-10, -10, 97, 110))}
    assert judge(layers).subtype == "批文"
    assert judge(layers, config=RuleConfig(approval_coverage=0.98)).subtype == "部分覆盖"
    assert judge(layers, config=RuleConfig(approval_coverage=0.98, pending_coverage=0.99)).result == "违法"
    assert not judge({APPROVALS: approvals()}, config=RuleConfig(flag_min_area_m2=0.0)).involves_basic_farmland


def test_config_round_trip_through_json():
    config = RuleConfig(approval_coverage=0.9, village_czcsxm=["203", "202"], comparison_date="qsx")
    stored = json.loads(json.dumps(config.to_dict()))
    assert "change_types" not in stored
    assert RuleConfig.from_dict(stored) == config
    loaded = RuleConfig.from_dict({"approval_coverage": 0.8, "no_such_key": 1, "village_czcsxm": "203",
                                   "comparison_date": "yesterday", "dominance_share": True})
    assert loaded.approval_coverage == 0.8 and loaded.comparison_date == "hsx"
    assert loaded.village_czcsxm == ["203"] and loaded.dominance_share == 0.5
    assert RuleConfig.from_dict({}) == RuleConfig()
    assert RuleConfig().max_uncovered_cultivated_m2 == pytest.approx(0.5 * MU_M2)
    assert RuleConfig().max_uncovered_m2 == pytest.approx(MU_M2)


def test_basis_is_json_safe():
    layers = {LANDUSE: dltb("0101"), MINING: permit(AROUND, "2015-01-01", "2019-12-31"),
              TEMPORARY: layer([AROUND], PZWH=["t"], YXQQ=["2020-01-01"], YXQZ=[None])}
    for hsx in (HSX, None):
        s = judge(layers, tblx="CK", hsx=hsx)
        json.dumps(s.basis, allow_nan=False, ensure_ascii=False)


def test_json_text_is_json_dumps():
    """The basis writer's encoder writes what json.dumps(ensure_ascii=False) writes, byte for byte."""
    strings = ["", "0101", "水田", 'a"b\\c/d', "tab\tnew\nline\r\x00\x1f\x7f", "\u2028\u2029", "😀", "\ud800"]
    numbers = [0, -3, 2**70, 0.0, -0.0, 0.1, 1 / 3, 1e-320, 1e300, -2.5e-7, math.inf, -math.inf, math.nan]
    values = [None, True, False, *strings, *numbers, [], {}, [None, [1, "x"]], {"k": {"v": [0.5, None]}, "空": ""}]
    for value in [*values, values]:
        assert _json_text(value) == json.dumps(value, ensure_ascii=False)


def test_basis_text_round_trips_with_awkward_documents():
    """The basis text of documents with quotes, backslashes and control characters, with and without dates,
    a comparison date and a mining outcome, is the encoder's text of the dict it holds."""
    doc = '批"文\\1\n号\t😀'
    layers = {LANDUSE: dltb("0101"), APPROVALS: layer([sq(-10, -10, 60, 110)], PZWH=[doc], PZRQ=["2020-01-01"]),
              TEMPORARY: layer([AROUND], PZWH=["t"], YXQQ=["2020-01-01"], YXQZ=[None]),
              MINING: permit(AROUND, "2015-01-01", "2019-12-31")}
    patches = np.array([sq(0, 0, 100, 100), sq(20, 20, 80, 80), sq(500, 500, 600, 600)], dtype=object)
    hsx, qsx = [HSX, None, HSX], [dt.date(2021, 1, 1), None, None]
    result = run_overlay(patches, ellipsoidal_area(patches, EPSG), layers, after_dates=hsx)
    texts = suggest_all(["CK", "20", ""], hsx, result, RuleConfig(comparison_date="qsx"), patches_qsx=qsx).basis
    bases = [json.loads(t) for t in texts]
    assert [json.dumps(b, ensure_ascii=False) for b in bases] == texts
    assert [d["doc"] for d in bases[0]["documents"]].count(doc) == 1 and bases[2]["documents"] == []
    assert bases[0]["comparison_date"] == "2021-01-01" and "comparison_date" not in bases[1]
    assert bases[0]["mining"]["result"] and "mining" not in bases[2]


def test_suggest_all():
    patches = np.array([sq(0, 0, 100, 100), sq(300, 0, 400, 100)], dtype=object)
    layers = {LANDUSE: layer([sq(-10, -10, 500, 110)], DLBM=["0101"]), APPROVALS: approvals(sq(-10, -10, 110, 110))}
    result = run_overlay(patches, ellipsoidal_area(patches, EPSG), layers, after_dates=[HSX, HSX])
    out = suggest_all(["20", "20"], [HSX, HSX], result)
    assert list(zip(out.result, out.subtype)) == [("合法", "批文"), ("违法", "非农违法")]
    assert [json.loads(b)["tblx"] for b in out.basis] == ["20", "20"]


SAMPLE_LAYERS = REFERENCE_FILES


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
    batch = suggest_all(tblx, hsx, result, patches_dlbm=dlbm).rows()
    single = [suggest(PatchInfo(jcbh[i], tblx[i], hsx[i], dlbm[i]), result.row(i)) for i in range(len(result))]
    assert batch == single
    texts = suggest_all(tblx, hsx, result, patches_dlbm=dlbm, patches_qsx=[None] * len(hsx)).basis
    assert [json.dumps(json.loads(t), ensure_ascii=False) for t in texts] == texts  # the encoder's bytes
    assert len({(s.result, s.subtype) for s in batch}) >= (18 if not without else 8)  # most branches taken
    assert len({(s.mining_result, s.mining_subtype) for s in batch}) >= (4 if not without else 2)


def test_json_rounding_is_pythons_round():
    rng = np.random.default_rng(7)
    random = rng.random(20_000) * 10.0 ** rng.integers(-8, 12, 20_000) * rng.choice([-1, 1], 20_000)
    half_way = [float(f"{a}.{b:06d}5") for a, b in zip(rng.integers(0, 10**6, 2_000), rng.integers(0, 10**6, 2_000))]
    special = [0.0, -0.0, 1 / 128, -1 / 128, 2.5e-6, 1e-320, -1e-320, 1e300, -1e300, math.inf, -math.inf, math.nan]
    values = np.array([*random, *half_way, *special])
    expected = [None if math.isnan(v) else round(v, 6) for v in values.tolist()]
    assert list(map(repr, _json_floats(values))) == list(map(repr, expected))
