"""The two approval thresholds of docs/DOMAIN.md §4 rule 1, exactly at their boundary.

A 100 m square patch in EPSG:4527 with approval red lines covering a hand-computable share of it; the
overlay apportions ellipsoidal area by planar share (面积平差), so a red line over 95 m of the 100 covers
exactly 95 %. Rule 1 says "covers **at least** 95 %" and "leaves **less than** 0.5 亩 of cultivated land
uncovered": the first boundary is in, the second is out.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import shapely

from weipian_plugin.core.analysis.overlay import APPROVALS, LANDUSE, run_overlay
from weipian_plugin.core.analysis.rules import PatchInfo, RuleConfig, suggest
from weipian_plugin.core.geo.area import ellipsoidal_area
from weipian_plugin.core.intake.vector_io import VectorData

EPSG = 4527
X0, Y0 = 39_500_000.0, 3_300_000.0
HSX = dt.date(2022, 6, 1)
PATCH = shapely.box(X0, Y0, X0 + 100, Y0 + 100)


def layer(geoms, **columns):
    return VectorData(np.array(geoms, dtype=object), {k: np.array(v, dtype=object) for k, v in columns.items()}, EPSG)


def overlay(covered_m: float, dlbm: str):
    layers = {LANDUSE: layer([shapely.box(X0 - 10, Y0 - 10, X0 + 110, Y0 + 110)], DLBM=[dlbm], KCXS=[0.0]),
              APPROVALS: layer([shapely.box(X0 - 10, Y0 - 10, X0 + covered_m, Y0 + 110)],
                               PZWH=["渝府地〔2021〕12号"], PZRQ=["2021-03-01"])}
    patches = np.array([PATCH], dtype=object)
    return run_overlay(patches, ellipsoidal_area(patches, EPSG), layers, after_dates=[HSX], comparison_dates=[HSX])


def judge(result, config=None):
    return suggest(PatchInfo("5001012022001", "20", HSX, ""), result.row(0), config or RuleConfig())


def test_coverage_of_exactly_95_percent_is_enough_and_a_hair_less_is_not():
    exact = overlay(95.0, "0602")  # construction land before: the uncovered 5 % is not cultivated
    assert (judge(exact).result, judge(exact).subtype) == ("合法", "批文")
    assert judge(exact, dataclasses.replace(RuleConfig(), approval_coverage=0.950001)).result == "待核"
    assert judge(overlay(94.99, "0602")).result == "待核"


def test_uncovered_cultivated_land_of_exactly_the_limit_is_too_much():
    result = overlay(97.0, "0101")  # 3 % of the patch is cultivated land the red line leaves out
    uncovered = float(result.uncovered_cultivated_m2[APPROVALS][0])
    assert 0 < uncovered < RuleConfig().max_uncovered_cultivated_m2
    at_limit = dataclasses.replace(RuleConfig(), max_uncovered_cultivated_m2=uncovered)
    assert judge(result, at_limit).result != "合法"
    above = dataclasses.replace(RuleConfig(), max_uncovered_cultivated_m2=uncovered + 0.01)
    assert (judge(result, above).result, judge(result, above).subtype) == ("合法", "批文")
