"""Daily-enforcement grading on hand-made squares (100 m patches) and points, in metres."""
from __future__ import annotations

from datetime import date

import pytest
from shapely.geometry import Point, box

from weipian_plugin.core.enforcement.grading import Clue, GradingConfig, SatellitePatch, grade, match_patches

AFTER = date(2026, 3, 31)


def patch(pid, x0, township="东镇", after=AFTER):
    return SatellitePatch(pid, township, box(x0, 0, x0 + 100, 100), after)


def clue(cid, geom, discovered=date(2026, 3, 1), source="巡查", township="东镇", **steps):
    return Clue(cid, source, township, geom, discovered, **steps)


def found(patches, clues, cfg=None):
    return {m.patch_id: m.clue_ids for m in match_patches(patches, clues, cfg) if m.found}


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
    (m,) = match_patches([patch("P1", 0)], clues)
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


def test_per_township_shares_and_targets():
    # 东镇: 20 violations; 19 found, 19 stopped, 19 filed (95 %), 18 closed (90 %): passes every target.
    # 西镇: 10 violations; 9 found, 9 stopped (90 %), 8 filed (80 %), 7 closed (70 %): fails them all.
    east_p, east_c = _township("东镇", 0, 20, 19, 19, 19, 18)
    west_p, west_c = _township("西镇", 100_000, 10, 9, 9, 8, 7)
    result = grade(east_p + west_p, east_c + west_c)
    east, west = result.townships  # sorted by township (东 U+4E1C < 西 U+897F)
    assert east.township == "东镇" and west.township == "西镇"

    assert (east.violations, east.found, east.stopped, east.filed, east.closed) == (20, 19, 19, 19, 18)
    assert (east.discovery_rate, east.stop_rate, east.filing_rate, east.closing_rate) == (0.95, 0.95, 0.95, 0.90)
    assert (east.discovery_pass, east.stop_pass, east.filing_pass, east.closing_pass) == (True, True, True, True)
    assert east.passed is True
    assert east.unmatched == ("东镇19",)
    assert east.found_by_source == (("巡查", 10), ("12336", 9))

    assert (west.discovery_rate, west.stop_rate, west.filing_rate, west.closing_rate) == (0.9, 0.9, 0.8, 0.7)
    assert (west.discovery_pass, west.stop_pass, west.filing_pass, west.closing_pass) == (False, False, False, False)
    assert west.passed is False
    assert west.unmatched == ("西镇9",)

    # County: 30 violations, 28 found, 28 stopped, 27 filed (90 %), 25 closed.
    total = result.total
    assert (total.township, total.violations, total.found, total.filed, total.closed) == ("合计", 30, 28, 27, 25)
    assert total.discovery_rate == pytest.approx(28 / 30)
    assert total.closing_rate == pytest.approx(25 / 30)
    assert (total.discovery_pass, total.filing_pass, total.closing_pass) == (False, False, False)
    assert total.unmatched == ("东镇19", "西镇9")


def test_one_closed_case_more_flips_the_closing_target():
    patches, clues = _township("东镇", 0, 10, 10, 10, 10, 8)
    assert grade(patches, clues).total.closing_pass is False  # 80 %
    patches, clues = _township("东镇", 0, 10, 10, 10, 10, 9)
    assert grade(patches, clues).total.closing_pass is True  # 90 %


def test_no_patches():
    result = grade([], [clue("c", Point(0, 0))])
    assert result.townships == ()
    assert result.total.violations == 0 and result.total.discovery_rate is None
    assert result.total.passed is None


def test_unknown_source_and_config_roundtrip():
    with pytest.raises(ValueError):
        clue("c", Point(0, 0), source="电话")
    cfg = GradingConfig(max_distance_m=30.0, closing_target=0.85)
    assert GradingConfig.from_dict({**cfg.to_dict(), "extra": True}) == cfg
