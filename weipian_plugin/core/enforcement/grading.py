"""Daily-enforcement grading (日常执法评价, docs/DOMAIN.md §7).

The satellite is the "full check-up" of daily enforcement: each illegal satellite patch is looked up
among the clues (线索) that patrols, the 12336 hotline and WeChat tips produced. A patch counts as
found by daily enforcement when a clue lies on it or within ``max_distance_m`` of it **and** was
discovered on or before the patch's after-date (后时相): a clue logged after the satellite saw the
building is the satellite's finding, not the patrol's. A clue near no satellite patch is a violation
daily enforcement found on its own; a clue near a patch is that patch's violation, never a second one.

The four rates have the bases of docs/DOMAIN.md §7, per township, against its targets (95 % / 90 %):

- 发现率 = found ÷ all violations (satellite patches + violations only daily enforcement saw);
- 制止率 = stopped ÷ found;
- 立案率 = filed ÷ those that must be filed (found, less those with a recorded 不予立案 reason);
- 结案率 = closed ÷ filed.

A patch's own 查处 record counts as much as its clues: filed when its rectification records a case,
closed when it records 结案.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Sequence

import numpy as np
from shapely import STRtree
from shapely.geometry.base import BaseGeometry

from weipian_plugin.core.config import Config

SOURCES = ("巡查", "12336", "微信", "其他")
TOTAL = "合计"


@dataclass(frozen=True)
class SatellitePatch:
    """An illegal satellite patch; ``geometry`` in a projected CRS (metres)."""

    patch_id: str
    township: str
    geometry: BaseGeometry
    after_date: date
    filed: bool = False
    """Its 查处 record has a case (立案)."""
    closed: bool = False
    """Its 查处 record has a 结案 date."""
    no_case: bool = False
    """不予立案 with a recorded reason: it need not be filed."""


@dataclass(frozen=True)
class Clue:
    """A clue from daily enforcement; ``geometry`` (point or polygon) in the patches' CRS."""

    clue_id: str
    source: str
    """'巡查' | '12336' | '微信' | '其他'."""
    township: str
    geometry: BaseGeometry
    discovered: date
    stopped: date | None = None
    filed: date | None = None
    closed: date | None = None

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise ValueError(f"线索 {self.clue_id} 来源 {self.source!r} 不在 {'、'.join(SOURCES)} 之中")


@dataclass(frozen=True)
class GradingConfig(Config):
    max_distance_m: float = 50.0
    """A clue within this distance of a patch matches it (inclusive)."""
    require_overlap: bool = False
    """Match only clues that touch or overlap the patch; ``max_distance_m`` is then unused."""
    discovery_target: float = 0.95
    stop_target: float = 0.95
    filing_target: float = 0.95
    closing_target: float = 0.90


@dataclass(frozen=True)
class PatchMatch:
    """What daily enforcement had done about one satellite patch."""

    patch_id: str
    township: str
    clue_ids: tuple[str, ...]
    """Matching clues, earliest discovered first."""
    found_by: str | None
    """Source of the earliest matching clue."""
    stopped: bool
    filed: bool
    closed: bool
    no_case: bool = False

    @property
    def found(self) -> bool:
        return bool(self.clue_ids)

    @property
    def must_file(self) -> bool:
        return self.found and not self.no_case


@dataclass(frozen=True)
class GradingRow:
    """One township (or :data:`TOTAL`): counts, the four rates on their own bases, and pass flags.

    ``violations`` = ``satellite`` + ``daily_only``; a rate (and its pass flag) is ``None`` when its
    base is 0.
    """

    township: str
    violations: int
    found: int
    stopped: int
    filed: int
    closed: int
    discovery_rate: float | None
    stop_rate: float | None
    filing_rate: float | None
    closing_rate: float | None
    discovery_pass: bool | None
    stop_pass: bool | None
    filing_pass: bool | None
    closing_pass: bool | None
    found_by_source: tuple[tuple[str, int], ...]
    """(source, patches it found first), in :data:`SOURCES` order, sources with none left out."""
    unmatched: tuple[str, ...]
    """Patch ids daily enforcement did not find before the satellite."""
    satellite: int = 0
    """Illegal satellite patches."""
    daily_only: int = 0
    """Violations daily enforcement found that no satellite patch shows (clues near no patch)."""
    must_file: int = 0

    @property
    def passed(self) -> bool | None:
        flags = [f for f in (self.discovery_pass, self.stop_pass, self.filing_pass, self.closing_pass)
                 if f is not None]
        return None if self.violations == 0 else all(flags)


@dataclass(frozen=True)
class GradingResult:
    townships: tuple[GradingRow, ...]
    """Sorted by township."""
    total: GradingRow
    matches: tuple[PatchMatch, ...]
    """One per patch, in input order."""
    daily: tuple[PatchMatch, ...] = ()
    """One per violation only daily enforcement found (a clue near no satellite patch)."""


def match_patches(
    patches: Sequence[SatellitePatch], clues: Sequence[Clue], cfg: GradingConfig | None = None
) -> tuple[tuple[PatchMatch, ...], tuple[PatchMatch, ...]]:
    """(one match per patch: the clues that found it first, with its own 查处 record; one match per clue
    near no patch: a violation only daily enforcement saw), with one STRtree query for all patches."""
    cfg = cfg or GradingConfig()
    tree = STRtree(np.array([c.geometry for c in clues], dtype=object))
    patch_geoms = np.array([p.geometry for p in patches], dtype=object)
    if cfg.require_overlap:
        pi, ci = tree.query(patch_geoms, predicate="intersects")
    else:
        pi, ci = tree.query(patch_geoms, predicate="dwithin", distance=cfg.max_distance_m)
    near_a_patch = set(ci.tolist())

    discovered = np.array([c.discovered.toordinal() for c in clues], dtype=np.int64)
    after = np.array([p.after_date.toordinal() for p in patches], dtype=np.int64)
    keep = discovered[ci] <= after[pi]
    pi, ci = pi[keep], ci[keep]
    order = np.lexsort((ci, discovered[ci], pi))  # by patch, then discovery date, then clue order
    pi, ci = pi[order], ci[order]

    per_patch: list[list[int]] = [[] for _ in patches]
    for p, c in zip(pi.tolist(), ci.tolist()):
        per_patch[p].append(c)
    matches = []
    for patch, idx in zip(patches, per_patch):
        matched = [clues[i] for i in idx]
        matches.append(PatchMatch(
            patch_id=patch.patch_id,
            township=patch.township,
            clue_ids=tuple(c.clue_id for c in matched),
            found_by=matched[0].source if matched else None,
            stopped=any(c.stopped is not None for c in matched),
            filed=patch.filed or any(c.filed is not None for c in matched),
            closed=patch.closed or any(c.closed is not None for c in matched),
            no_case=patch.no_case,
        ))
    daily = tuple(
        PatchMatch(patch_id=c.clue_id, township=c.township, clue_ids=(c.clue_id,), found_by=c.source,
                   stopped=c.stopped is not None, filed=c.filed is not None, closed=c.closed is not None)
        for i, c in enumerate(clues) if i not in near_a_patch)
    return tuple(matches), daily


def _reaches(count: int, total: int, target: float) -> bool:
    return count >= target * total - 1e-9


def _rate(count: int, base: int, target: float) -> tuple:
    """(rate, pass) of ``count`` over ``base``; both ``None`` when the base is 0."""
    return (count / base, _reaches(count, base, target)) if base else (None, None)


def _grading_row(township: str, matches: Sequence[PatchMatch], daily: Sequence[PatchMatch],
                 cfg: GradingConfig) -> GradingRow:
    everything = list(matches) + list(daily)
    found = [m for m in everything if m.found]
    stopped = sum(m.stopped for m in found)
    must_file = [m for m in found if m.must_file]
    filed = sum(m.filed for m in must_file)
    closed = sum(m.closed for m in must_file if m.filed)
    (discovery, d_ok), (stop, s_ok), (filing, f_ok), (closing, c_ok) = (
        _rate(len(found), len(everything), cfg.discovery_target), _rate(stopped, len(found), cfg.stop_target),
        _rate(filed, len(must_file), cfg.filing_target), _rate(closed, filed, cfg.closing_target))
    by_source = Counter(m.found_by for m in matches if m.found_by)
    return GradingRow(
        township, len(everything), len(found), stopped, filed, closed, discovery, stop, filing, closing,
        d_ok, s_ok, f_ok, c_ok,
        found_by_source=tuple((s, by_source[s]) for s in SOURCES if by_source[s]),
        unmatched=tuple(m.patch_id for m in matches if not m.found),
        satellite=len(matches), daily_only=len(daily), must_file=len(must_file),
    )


def grade(
    patches: Iterable[SatellitePatch], clues: Iterable[Clue], cfg: GradingConfig | None = None
) -> GradingResult:
    """Per-township and county grading of daily enforcement (bases in the module docstring)."""
    cfg = cfg or GradingConfig()
    patches, clues = list(patches), list(clues)
    matches, daily = match_patches(patches, clues, cfg)
    by_township: dict[str, tuple[list, list]] = {}
    for m in matches:
        by_township.setdefault(m.township, ([], []))[0].append(m)
    for m in daily:
        by_township.setdefault(m.township, ([], []))[1].append(m)
    rows = tuple(_grading_row(t, ms, ds, cfg) for t, (ms, ds) in sorted(by_township.items()))
    return GradingResult(townships=rows, total=_grading_row(TOTAL, matches, daily, cfg), matches=matches,
                         daily=daily)
