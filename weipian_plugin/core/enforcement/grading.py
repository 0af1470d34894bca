"""Daily-enforcement grading (日常执法评价, seed 003; issue 6 §3).

The satellite is the "full check-up" of daily enforcement: each illegal satellite patch is looked up
among the clues (线索) that patrols, the 12336 hotline and WeChat tips produced. A patch counts as
found by daily enforcement when a clue lies on it or within ``max_distance_m`` of it **and** was
discovered on or before the patch's after-date (后时相): a clue logged after the satellite saw the
building is the satellite's finding, not the patrol's. The shares of satellite violations found,
stopped, filed and closed are graded per township against seed 004's targets (95 % / 90 %).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Iterable, Sequence

import numpy as np
from shapely import STRtree
from shapely.geometry.base import BaseGeometry

SOURCES = ("巡查", "12336", "微信", "其他")
TOTAL = "合计"


@dataclass(frozen=True)
class SatellitePatch:
    """An illegal satellite patch; ``geometry`` in a projected CRS (metres)."""

    patch_id: str
    township: str
    geometry: BaseGeometry
    after_date: date


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
class GradingConfig:
    max_distance_m: float = 50.0
    """A clue within this distance of a patch matches it (inclusive)."""
    require_overlap: bool = False
    """Match only clues that touch or overlap the patch; ``max_distance_m`` is then unused."""
    discovery_target: float = 0.95
    stop_target: float = 0.95
    filing_target: float = 0.95
    closing_target: float = 0.90

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> GradingConfig:
        """Build from saved settings; unknown keys are ignored."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


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

    @property
    def found(self) -> bool:
        return bool(self.clue_ids)


@dataclass(frozen=True)
class GradingRow:
    """One township (or :data:`TOTAL`): counts, shares of the satellite violations, and pass flags.

    Every share is against the number of satellite violations (issue 6: the share of satellite
    violations that daily enforcement found first, stopped, filed, closed). A pass flag is ``None``
    when there are no violations to grade.
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

    @property
    def passed(self) -> bool | None:
        flags = (self.discovery_pass, self.stop_pass, self.filing_pass, self.closing_pass)
        return None if self.violations == 0 else all(flags)


@dataclass(frozen=True)
class GradingResult:
    townships: tuple[GradingRow, ...]
    """Sorted by township."""
    total: GradingRow
    matches: tuple[PatchMatch, ...]
    """One per patch, in input order."""


def match_patches(
    patches: Sequence[SatellitePatch], clues: Sequence[Clue], cfg: GradingConfig | None = None
) -> tuple[PatchMatch, ...]:
    """Match every patch to the clues that found it first (one STRtree query for all patches)."""
    cfg = cfg or GradingConfig()
    tree = STRtree(np.array([c.geometry for c in clues], dtype=object))
    patch_geoms = np.array([p.geometry for p in patches], dtype=object)
    if cfg.require_overlap:
        pi, ci = tree.query(patch_geoms, predicate="intersects")
    else:
        pi, ci = tree.query(patch_geoms, predicate="dwithin", distance=cfg.max_distance_m)

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
            filed=any(c.filed is not None for c in matched),
            closed=any(c.closed is not None for c in matched),
        ))
    return tuple(matches)


def _reaches(count: int, total: int, target: float) -> bool:
    return count >= target * total - 1e-9


def _grading_row(township: str, matches: Sequence[PatchMatch], cfg: GradingConfig) -> GradingRow:
    n = len(matches)
    counts = [sum(getattr(m, k) for m in matches) for k in ("found", "stopped", "filed", "closed")]
    targets = (cfg.discovery_target, cfg.stop_target, cfg.filing_target, cfg.closing_target)
    rates = [k / n if n else None for k in counts]
    passes = [_reaches(k, n, t) if n else None for k, t in zip(counts, targets)]
    by_source = Counter(m.found_by for m in matches if m.found_by)
    return GradingRow(
        township, n, *counts, *rates, *passes,
        found_by_source=tuple((s, by_source[s]) for s in SOURCES if by_source[s]),
        unmatched=tuple(m.patch_id for m in matches if not m.found),
    )


def grade(
    patches: Iterable[SatellitePatch], clues: Iterable[Clue], cfg: GradingConfig | None = None
) -> GradingResult:
    """Per-township and county grading of daily enforcement against the illegal satellite patches."""
    cfg = cfg or GradingConfig()
    patches, clues = list(patches), list(clues)
    matches = match_patches(patches, clues, cfg)
    by_township: dict[str, list[PatchMatch]] = {}
    for m in matches:
        by_township.setdefault(m.township, []).append(m)
    rows = tuple(_grading_row(t, ms, cfg) for t, ms in sorted(by_township.items()))
    return GradingResult(townships=rows, total=_grading_row(TOTAL, matches, cfg), matches=matches)
