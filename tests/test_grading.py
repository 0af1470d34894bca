"""Daily-enforcement grading on hand-made squares (100 m patches) and points, in metres."""
from __future__ import annotations

from datetime import date

import pytest
from shapely.geometry import Point, box

from weipian_plugin.core.enforcement.grading import Clue, GradingConfig, SatellitePatch, grade, match_patches

AFTER = date(2026, 3, 31)


def patch(pid, x0, township="东镇", after=AFTER, **record):
    return SatellitePatch(pid, township, box(x0, 0, x0 + 100, 100), after, **record)


def clue(cid, geom, discovered=date(2026, 3, 1), source="巡查", township="东镇", **steps):
    return Clue(cid, source, township, geom, discovered, **steps)


def found(patches, clues, cfg=None):
    return {m.patch_id: m.clue_ids for m in match_patches(patches, clues, cfg)[0] if m.found}


def test_overlap_match():
    patches = [patch("P1", 0), patch("P2", 1000)]
    clues = [clue("inside", Point(50, 50)), clue("overlapping", box(1090, 90, 1200, 200))]
    assert found(patches, clues) == {"P1": ("inside",), "P2": ("overlapping",)}
    assert found(patches, clues, GradingConfig(require_overlap=True)) == {"P1": ("inside",), "P2": ("overlapping",)}


def test_distance_49_vs_51():
    patches = [patch("P1", 0), patch("P2", 1000)]
    clues = [clue("49m", Point(149, 50)), clue("51m", Point(1151, 50))]
    assert found(patches, clues) == {"P1": ("49m",)}
    assert found(patches, clues, GradingConfig(max_distance_m=60)) == {"P1": ("49m",), "P2": ("51m",)}
    assert found(patches, clues, GradingConfig(require_overlap=True)) == {}


def test_distance_is_true_distance_not_bounding_box():
    # Off the corner (100, 100): 35 m each way is 49.5 m, 40 m each way is 56.6 m.
    patches = [patch("P1", 0)]
    assert found(patches, [clue("near", Point(135, 135))]) == {"P1": ("near",)}
    assert found(patches, [clue("far", Point(140, 140))]) == {}


def test_discovered_after_the_after_date_does_not_count():
    patches = [patch("P1", 0), patch("P2", 1000)]
    clues = [
        clue("on the day", Point(50, 50), discovered=AFTER),
        clue("a day late", Point(1050, 50), discovered=date(2026, 4, 1), stopped=date(2026, 4, 1)),
    ]
    result = grade(patches, clues)
    assert found(patches, clues) == {"P1": ("on the day",)}
    assert result.total.unmatched == ("P2",)
    assert result.total.stopped == 0  # the late clue's stop does not count either


def test_several_clues_on_one_patch():
    clues = [
        clue("late", Point(10, 10), discovered=date(2026, 3, 10), source="微信"),
        clue("early", Point(20, 20), discovered=date(2026, 3, 1), source="12336"),
        clue("stopper", Point(30, 30), discovered=date(2026, 3, 5), stopped=date(2026, 3, 6)),
    ]
    (m,), daily = match_patches([patch("P1", 0)], clues)
    assert daily == ()  # three clues of one violation, not four violations
    assert m.clue_ids == ("early", "stopper", "late")
    assert m.found_by == "12336"
    assert m.stopped and not m.filed and not m.closed


def _township(name, offset, n, found_n, stopped_n, filed_n, closed_n):
    """``n`` patches; the first ``found_n`` have a clue inside, the first k of those stopped/filed/closed."""
    patches = [patch(f"{name}{i}", offset + 1000 * i, township=name) for i in range(n)]
    clues = [
        clue(f"{name}c{i}", Point(offset + 1000 * i + 50, 50), township=name,
             source="巡查" if i % 2 == 0 else "12336",
             stopped=date(2026, 3, 2) if i < stopped_n else None,
             filed=date(2026, 3, 9) if i < filed_n else None,
             closed=date(2026, 3, 20) if i < closed_n else None)
        for i in range(found_n)
    ]
    return patches, clues


def test_per_township_rates_on_their_own_bases():
    # 东镇: 20 violations; 19 found (95 %), 19 stopped (19/19), 19 filed (19/19), 18 closed (18/19 = 94.7 %).
    # 西镇: 10 violations; 9 found (90 %), 9 stopped (9/9), 8 filed (8/9 = 88.9 %), 7 closed (7/8 = 87.5 %).
    east_p, east_c = _township("东镇", 0, 20, 19, 19, 19, 18)
    west_p, west_c = _township("西镇", 100_000, 10, 9, 9, 8, 7)
    result = grade(east_p + west_p, east_c + west_c)
    east, west = result.townships  # sorted by township (东 U+4E1C < 西 U+897F)
    assert east.township == "东镇" and west.township == "西镇"

    assert (east.violations, east.found, east.stopped, east.filed, east.closed) == (20, 19, 19, 19, 18)
    assert (east.discovery_rate, east.stop_rate, east.filing_rate) == (0.95, 1.0, 1.0)
    assert east.closing_rate == pytest.approx(18 / 19)
    assert (east.discovery_pass, east.stop_pass, east.filing_pass, east.closing_pass) == (True, True, True, True)
    assert east.passed is True
    assert east.unmatched == ("东镇19",)
    assert east.found_by_source == (("巡查", 10), ("12336", 9))

    # the township: found 9 of 10 and filed 8 of those 9 -> 立案率 88.89 %, not 80 %
    assert (west.discovery_rate, west.stop_rate) == (0.9, 1.0)
    assert round(west.filing_rate * 100, 2) == 88.89 and west.closing_rate == 7 / 8
    assert (west.discovery_pass, west.stop_pass, west.filing_pass, west.closing_pass) == (False, True, False, False)
    assert west.passed is False
    assert west.unmatched == ("西镇9",)

    total = result.total  # 30 violations, 28 found, 28 stopped, 27 filed, 25 closed
    assert (total.township, total.violations, total.found, total.filed, total.closed) == ("合计", 30, 28, 27, 25)
    assert (total.discovery_rate, total.stop_rate) == (pytest.approx(28 / 30), 1.0)
    assert (total.filing_rate, total.closing_rate) == (pytest.approx(27 / 28), pytest.approx(25 / 27))
    assert total.unmatched == ("东镇19", "西镇9")


def test_daily_only_violations_and_the_patches_own_case_records():
    # 4 satellite patches: P0 found and stopped, filed through its own 查处 record and closed there;
    # P1 found and stopped, 不予立案 with a reason (need not be filed); P2 found, not stopped, not filed;
    # P3 not found (its own record files it, but what daily enforcement missed is not in the base).
    # 2 clues near no patch: violations only daily enforcement saw, D1 stopped, filed and closed.
    patches = [patch("P0", 0, filed=True, closed=True), patch("P1", 1000, no_case=True), patch("P2", 2000),
               patch("P3", 3000, filed=True)]
    clues = [clue("c0", Point(50, 50), stopped=date(2026, 3, 2)), clue("c1", Point(1050, 50), stopped=date(2026, 3, 2)),
             clue("c2", Point(2050, 50)),
             clue("D1", Point(9000, 9000), stopped=date(2026, 3, 2), filed=date(2026, 3, 5), closed=date(2026, 3, 9)),
             clue("D2", Point(9900, 9900))]
    result = grade(patches, clues)
    total = result.total
    assert [m.patch_id for m in result.daily] == ["D1", "D2"]
    assert (total.satellite, total.daily_only, total.violations) == (4, 2, 6)
    assert total.found == 5 and total.discovery_rate == 5 / 6  # P0 P1 P2 D1 D2 of 6
    assert total.stopped == 3 and total.stop_rate == 3 / 5  # P0 P1 D1 of the 5 found
    assert total.must_file == 4 and total.filed == 2 and total.filing_rate == 2 / 4  # P0 D1 of P0 P2 D1 D2
    assert total.closed == 2 and total.closing_rate == 1.0  # P0 and D1 of the 2 filed


def test_one_closed_case_more_flips_the_closing_target():
    patches, clues = _township("东镇", 0, 10, 10, 10, 10, 8)
    assert grade(patches, clues).total.closing_pass is False  # 80 %
    patches, clues = _township("东镇", 0, 10, 10, 10, 10, 9)
    assert grade(patches, clues).total.closing_pass is True  # 90 %


def test_no_violations():
    result = grade([], [])
    assert result.townships == ()
    assert result.total.violations == 0 and result.total.discovery_rate is None
    assert result.total.passed is None
    only_clue = grade([], [clue("c", Point(0, 0))]).total  # a clue alone is a violation daily enforcement found
    assert (only_clue.violations, only_clue.found, only_clue.discovery_rate) == (1, 1, 1.0)
    assert only_clue.filing_rate == 0.0 and only_clue.closing_rate is None


def test_unknown_source_and_config_roundtrip():
    with pytest.raises(ValueError):
        clue("c", Point(0, 0), source="电话")
    cfg = GradingConfig(max_distance_m=30.0, closing_target=0.85)
    assert GradingConfig.from_dict({**cfg.to_dict(), "extra": True}) == cfg
