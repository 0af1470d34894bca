"""第15号令 ratio with the deductions of docs/DOMAIN.md §6, on hand-computed examples (areas written in 亩)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from weipian_plugin.core.statistics.accountability import (
    AccountabilityConfig,
    IllegalRecord,
    Township,
    compute_accountability,
)
from weipian_plugin.core.units import mu_to_m2

COUNTY = "370323"
NAMES = {"101": "甲镇", "102": "乙镇", "103": "丙镇", "104": "丁镇"}


def rec(township, category, mu, supplemented_mu=None, restored_mu=None, county=COUNTY, **flags):
    return IllegalRecord(
        township_code=township, township_name=NAMES.get(township, township), county_code=county,
        violation_category=category, cultivated_m2=mu_to_m2(mu),
        supplemented_cultivated_m2=None if supplemented_mu is None else mu_to_m2(supplemented_mu),
        restored_cultivated_m2=None if restored_mu is None else mu_to_m2(restored_mu),
        **flags,
    )


# 甲镇: 新增 60 + 30 (补办) + 20 (8 复耕) + 10 (基础设施) = 120 亩; 存量 40 and 农业项目 15 in neither.
#       Legal new construction on cultivated land 480 亩 -> denominator 600 亩, ratio 20 %.
# 乙镇: 新增 90 亩, all restored (and also ticked 补办: nothing left for it); legal 510 -> 90 / 600.
# 丙镇: no violations, legal 200 亩.  丁镇: nothing at all (denominator 0).
RECORDS = [
    rec("101", "新增", 60),
    rec("101", "新增", 30, supplemented=True),
    rec("101", "新增", 20, restored=True, restored_mu=8),
    rec("101", "新增", 10, major_infrastructure=True),
    rec("101", "存量", 40),
    rec("101", "农业项目破坏耕地", 15),
    rec("102", "新增", 90, restored=True, supplemented=True),
]
EXTRA = {"101": mu_to_m2(480), "102": mu_to_m2(510), "103": mu_to_m2(200)}
TOWNSHIPS = [Township("103", "丙镇", COUNTY), Township("104", "丁镇", COUNTY)]
ALL_OFF = AccountabilityConfig(deduct_supplemented=False, deduct_restored=False, deduct_infrastructure=False)


def run(cfg=None, records=RECORDS, extra=EXTRA):
    return compute_accountability(records, extra, cfg, TOWNSHIPS)


def township(result, code):
    return next(r for r in result.townships if r.code == code)


def test_before_deductions():
    t1 = township(run(), "101")
    assert t1.numerator_before_mu == pytest.approx(120)
    assert t1.denominator_before_mu == pytest.approx(600)
    assert t1.ratio_before == pytest.approx(0.20)
    assert t1.excluded_m2 == pytest.approx(mu_to_m2(55))  # 存量 40 + 农业项目 15, in neither


def test_all_deductions():
    t1 = township(run(), "101")
    # numerator 120 - 30 (补办) - 8 (复耕) - 10 (基础设施) = 72; denominator 600 - 8 - 10 = 582.
    assert t1.supplemented_m2 == pytest.approx(mu_to_m2(30))
    assert t1.restored_m2 == pytest.approx(mu_to_m2(8))
    assert t1.infrastructure_m2 == pytest.approx(mu_to_m2(10))
    assert t1.numerator_after_mu == pytest.approx(72)
    assert t1.denominator_after_mu == pytest.approx(582)
    assert t1.ratio_after == pytest.approx(72 / 582)
    assert not t1.accountable  # 72 < 100 亩


@pytest.mark.parametrize(
    "switch, numerator, denominator",
    [
        ({"deduct_supplemented": False}, 102, 582),  # 补办 was off the numerator only
        ({"deduct_restored": False}, 80, 590),  # 复耕 was off both
        ({"deduct_infrastructure": False}, 82, 592),  # 基础设施 was off both
        ({"level": "province"}, 82, 592),  # no infrastructure deduction at province level
        ({"level": "city"}, 72, 582),
    ],
)
def test_each_switch(switch, numerator, denominator):
    t1 = township(run(replace(AccountabilityConfig(), **switch)), "101")
    assert t1.numerator_after_mu == pytest.approx(numerator)
    assert t1.denominator_after_mu == pytest.approx(denominator)
    assert t1.ratio_after == pytest.approx(numerator / denominator)
    assert t1.numerator_before_mu == pytest.approx(120)  # before is never touched


def test_all_switches_off():
    res = run(ALL_OFF)
    t1 = township(res, "101")
    assert (t1.numerator_after_mu, t1.denominator_after_mu) == (pytest.approx(120), pytest.approx(600))
    # 120 亩 at 20 % would be accountable for a county, but 第15号令 does not judge townships
    assert not t1.accountable and "纳入问责" not in t1.explanation and t1.interview
    county = res.counties[0]  # 210 / 1400 = 15 %, 210 亩 >= 100
    assert county.accountable
    assert "纳入问责范围" in county.explanation and "不纳入" not in county.explanation


def test_hand_example_before_and_after_deductions():
    # 新增 130 亩 of illegal cultivated land, legal new construction on cultivated land 300 亩:
    # 130 / 430 = 30.23 %. 40 亩 补办 (numerator only) and 50 亩 复耕 of cultivated land (both sides):
    # (130 - 40 - 50) / (430 - 50) = 40 / 380 = 10.53 %.
    records = [rec("101", "新增", 40), rec("101", "新增", 40, supplemented=True),
               rec("101", "新增", 50, restored=True, restored_mu=50)]
    county = compute_accountability(records, {"101": mu_to_m2(300)}).counties[0]
    assert (county.numerator_before_mu, county.denominator_before_mu) == (pytest.approx(130), pytest.approx(430))
    assert round(county.ratio_before * 100, 2) == 30.23
    assert (county.numerator_after_mu, county.denominator_after_mu) == (pytest.approx(40), pytest.approx(380))
    assert round(county.ratio_after * 100, 2) == 10.53
    assert "占新增建设用地占用耕地380.00亩的10.53%（扣除前130.00亩/430.00亩，30.23%）" in county.explanation


def test_township_at_48_mu_is_interviewed_but_never_accountable():
    # 48 亩 of 一般耕地, all of the township's new construction: 100 %. A county would be judged on
    # 100 亩 and 15 %; the township is judged on its 约谈 lines and is never 纳入问责.
    res = compute_accountability([rec("101", "新增", 48)], {})
    t = res.townships[0]
    assert t.ratio_after == pytest.approx(1.0)
    assert t.interview is True and t.accountable is False
    assert "纳入问责" not in t.explanation and "不适用第15号令问责" in t.explanation
    assert "违法占用一般耕地48.00亩（10亩以上），应警示约谈" in t.explanation
    assert "面积未达到100亩" in res.counties[0].explanation and not res.counties[0].accountable


@pytest.mark.parametrize("records, interviewed", [
    ([rec("101", "新增", 9.99)], False),
    ([rec("101", "新增", 10)], True),  # 一般耕地 10 亩
    ([rec("101", "新增", 12, basic_farmland_m2=mu_to_m2(4.99))], False),  # 7.01 一般 + 4.99 永农
    ([rec("101", "新增", 5, basic_farmland_m2=mu_to_m2(5))], True),  # 永农 5 亩
    ([rec("101", "存量", 0, nature_reserve_m2=mu_to_m2(5))], True),  # 自然保护地 5 亩, any category
    ([rec("101", "农业项目破坏耕地", 10)], True),
])
def test_township_interview_lines(records, interviewed):
    assert compute_accountability(records, {}).townships[0].interview is interviewed


def test_township_lines_are_configurable_and_serious_impact_overrides():
    records = [rec("101", "新增", 8)]
    cfg = AccountabilityConfig(township_cultivated_mu=8)
    assert compute_accountability(records, {}, cfg).townships[0].interview
    res = compute_accountability(records, {"101": mu_to_m2(1000)},
                                 serious_impact={"101": "强占耕地引发群体事件", COUNTY: "媒体曝光"})
    t, county = res.townships[0], res.counties[0]
    assert t.interview and not t.accountable and "经认定造成恶劣影响（强占耕地引发群体事件）" in t.explanation
    assert county.accountable and county.ratio_after < 0.01 and county.serious_impact == "媒体曝光"
    assert "经认定造成恶劣影响（媒体曝光），纳入问责范围" in county.explanation


def test_province_keeps_only_provincially_approved_infrastructure_in():
    records = [rec("101", "新增", 10, major_infrastructure=True, infrastructure_level="国家"),
               rec("101", "新增", 20, major_infrastructure=True, infrastructure_level="省级")]
    county = compute_accountability(records, {}).total
    assert county.infrastructure_m2 == pytest.approx(mu_to_m2(30))
    province = compute_accountability(records, {}, AccountabilityConfig(level="province")).total
    assert province.infrastructure_m2 == pytest.approx(mu_to_m2(10))  # the ministry's project still
    assert province.numerator_after_mu == pytest.approx(20)
    with pytest.raises(ValueError, match="立项层级"):
        rec("101", "新增", 1, major_infrastructure=True, infrastructure_level="市级")


def test_restored_whole_record_leaves_nothing_to_supplement():
    t2 = township(run(), "102")
    assert t2.numerator_after_m2 == pytest.approx(0)
    assert t2.denominator_after_mu == pytest.approx(510)
    assert t2.supplemented_m2 == 0
    only_supplement = township(run(AccountabilityConfig(deduct_restored=False)), "102")
    assert only_supplement.numerator_after_m2 == pytest.approx(0)
    assert only_supplement.denominator_after_mu == pytest.approx(600)


def test_county_and_total():
    res = run()
    (county,) = res.counties
    assert county.code == COUNTY
    # 120 + 90 = 210 over 600 + 600 + 200 = 1400 before; 72 over 582 + 510 + 200 = 1292 after.
    assert county.numerator_before_mu == pytest.approx(210)
    assert county.denominator_before_mu == pytest.approx(1400)
    assert county.numerator_after_mu == pytest.approx(72)
    assert county.denominator_after_mu == pytest.approx(1292)
    assert res.total.numerator_after_m2 == pytest.approx(county.numerator_after_m2)
    assert res.total.denominator_after_m2 == pytest.approx(county.denominator_after_m2)


def test_ratio_exactly_15_percent():
    # Without deductions the county is 210 / 1400 = 15 % exactly, and 210 亩 >= 100.
    county = run(ALL_OFF).counties[0]
    assert county.ratio_after == pytest.approx(0.15)
    assert county.accountable  # docs/DOMAIN.md §6: "达到15%以上"
    strict = run(replace(ALL_OFF, ratio_strict=True)).counties[0]
    assert not strict.accountable  # docs/DOMAIN.md §6: "超过15%"
    assert "比例未超过15%" in strict.explanation


def test_area_threshold_boundary():
    def county(mu):
        # ratio 20 % whatever the area: numerator mu, legal construction 4 * mu.
        return compute_accountability([rec("101", "新增", mu)], {"101": mu_to_m2(4 * mu)}).counties[0]

    assert county(100).accountable
    assert not county(99.99).accountable
    assert "面积未达到100亩" in county(99.99).explanation


def test_city_and_province_thresholds_on_total():
    total = run(replace(ALL_OFF, level="city")).total  # 210 亩 at 15 %
    assert not total.accountable and "面积未达到500亩" in total.explanation
    assert run(ALL_OFF).total.accountable  # county level: 100 亩
    cfg = AccountabilityConfig(level="province")
    assert cfg.area_threshold_mu("total") == 5000 and cfg.area_threshold_mu("county") == 100


def test_seed_001_city_rule():
    cfg = AccountabilityConfig.city_rule_001()
    county = run(cfg).counties[0]
    # initial 210 >= 100 loses points; after 72 > 50 loses points; ratio 72/1292 < 15 %.
    assert county.points_lost
    assert "初始违法占耕100亩以上（含），扣分" in county.explanation
    assert "整改后违法占耕仍超过50亩，扣分" in county.explanation
    assert not county.accountable
    assert run(cfg).total.points_lost is None
    assert run().counties[0].points_lost is None  # not part of the ministry rule


@pytest.mark.parametrize(
    "mu, supplemented_mu, lost",
    [(80, 30, False), (80, 29.99, True), (100, 60, True), (99.99, 60, False)],
)
def test_seed_001_points_boundaries(mu, supplemented_mu, lost):
    # after = mu - supplemented: 50 is not "超过50亩", 50.01 is; initial 100 is "100亩以上(含)".
    records = [rec("101", "新增", mu, supplemented=True, supplemented_mu=supplemented_mu)]
    county = compute_accountability(records, {}, AccountabilityConfig.city_rule_001()).counties[0]
    assert county.points_lost is lost


def test_ratio_alone_in_seed_001():
    # 20 亩 over 100 亩 = 20 % > 15 %: accountable under docs/DOMAIN.md §6 although far below 100 亩.
    records = [rec("101", "新增", 20)]
    county = compute_accountability(records, {"101": mu_to_m2(80)}, AccountabilityConfig.city_rule_001()).counties[0]
    assert county.accountable
    assert not compute_accountability(records, {"101": mu_to_m2(80)}).counties[0].accountable


def test_denominator_zero():
    t4 = township(run(), "104")
    assert t4.denominator_before_m2 == 0 and t4.denominator_after_m2 == 0
    assert t4.ratio_before is None and t4.ratio_after is None
    assert not t4.accountable and t4.interview is False
    assert "比例不适用" in t4.explanation
    empty = compute_accountability([], {})
    assert empty.townships == () and empty.counties == ()
    assert empty.total.ratio_after is None and not empty.total.accountable


def test_only_excluded_categories_give_zero_denominator():
    t = compute_accountability([rec("101", "存量", 300), rec("101", "农业项目破坏耕地", 50)], {}).townships[0]
    assert t.numerator_before_m2 == 0 and t.denominator_before_m2 == 0 and t.ratio_before is None
    assert t.excluded_m2 == pytest.approx(mu_to_m2(350))


def test_ranking():
    res = run()
    assert [(r.code, r.rank) for r in res.townships] == [("101", 1), ("102", 2), ("103", 3), ("104", 4)]
    # Same area after deductions: the higher ratio ranks first, whatever the code order.
    records = [rec("101", "新增", 50), rec("102", "新增", 50), rec("103", "新增", 60)]
    extra = {"101": mu_to_m2(450), "102": mu_to_m2(200), "103": mu_to_m2(940)}
    ranked = compute_accountability(records, extra).townships
    assert [r.code for r in ranked] == ["103", "102", "101"]
    assert [r.rank for r in ranked] == [1, 2, 3]


def test_several_counties():
    records = [rec("101", "新增", 30), rec("201", "新增", 40, county="370324", major_infrastructure=True)]
    res = compute_accountability(records, {"101": mu_to_m2(70), "201": mu_to_m2(60)})
    a, b = res.counties
    assert (a.code, b.code) == (COUNTY, "370324")
    assert b.numerator_after_m2 == pytest.approx(0) and b.denominator_after_mu == pytest.approx(60)
    assert res.total.numerator_after_mu == pytest.approx(30)
    # (70 legal + 30 illegal) + (60 legal + 40 infrastructure - 40) = 160.
    assert res.total.denominator_after_mu == pytest.approx(160)
    province = compute_accountability(records, {"101": mu_to_m2(70), "201": mu_to_m2(60)},
                                      AccountabilityConfig(level="province"))
    assert province.total.numerator_after_mu == pytest.approx(70)


def test_invalid_input():
    with pytest.raises(ValueError):
        rec("101", "违法", 1)
    with pytest.raises(ValueError):
        compute_accountability([], {"999": 1.0})  # county unknown
    with pytest.raises(ValueError):
        compute_accountability([rec("101", "新增", 1), rec("101", "新增", 1, county="370324")], {})
    with pytest.raises(ValueError):
        AccountabilityConfig(level="town")


def test_config_roundtrip():
    cfg = AccountabilityConfig.city_rule_001()
    assert AccountabilityConfig.from_dict({**cfg.to_dict(), "unknown": 1}) == cfg
