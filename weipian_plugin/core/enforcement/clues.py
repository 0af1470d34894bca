"""Clues: editing them, their working-day deadlines on a given day, and the rows shown and exported."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Optional, Sequence

from weipian_plugin.core.dates import DateError, parse_date
from weipian_plugin.core.enforcement.errors import EnforcementError
from weipian_plugin.core.enforcement.importing import _ZERO_WHEN_BLANK
from weipian_plugin.core.enforcement.settings import calendar, deadline_config
from weipian_plugin.core.enforcement.templates import CLUE_DATE_FIELDS, CLUE_FIELDS, _major_reasons, clean_clue
from weipian_plugin.core.schedule.deadlines import (
    ClueDeadlines,
    DeadlineItem,
    DeadlineState,
)
from weipian_plugin.core.statistics.ledger import NO_TOWNSHIP, Column
from weipian_plugin.core.store.workstore import WorkStore, now_iso


def save_clue(store: WorkStore, fid: int, values: dict) -> None:
    """Update a clue's status dates, areas and flags from form values (keys of :data:`CLUE_FIELDS`);
    blank clears a value (a flag to 否). Validated as on import."""
    current = clue_values(store, fid)
    merged = {**current, **values}
    errors: list = []
    row = clean_clue({k: merged.get(k) for k in CLUE_FIELDS}, store.epsg, deadline_config(store), errors)
    if errors:
        raise EnforcementError("；".join(errors))
    cols = [c for c in CLUE_FIELDS if c not in ("clue_no", "source")]
    row.update({c: row[c] or 0 for c in _ZERO_WHEN_BLANK})
    with store.transaction() as conn:
        conn.execute(f"UPDATE clues SET {', '.join(f'{c}=?' for c in cols)}, updated_at=? WHERE fid=?",
                     (*(row[c] for c in cols), now_iso(), fid))


def clue_values(store: WorkStore, fid: int) -> dict:
    cur = store.conn.execute(f"SELECT {', '.join(CLUE_FIELDS)} FROM clues WHERE fid=?", (fid,))
    row = cur.fetchone()
    if row is None:
        raise EnforcementError(f"线索不存在（fid={fid}）")
    return dict(zip(CLUE_FIELDS, row))


# -- deadlines ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClueStatus:
    """A clue with its deadlines on a given day."""

    fid: int
    clue_no: str
    source: str
    township: str
    location: Optional[str]
    description: Optional[str]
    received_at: Optional[str]
    discovered: date
    land_m2: Optional[float]
    cultivated_m2: Optional[float]
    basic_farmland_m2: Optional[float]
    major_reasons: tuple
    deadlines: ClueDeadlines

    @property
    def major(self) -> bool:
        return self.deadlines.major

    @property
    def overdue(self) -> bool:
        return bool(self.deadlines.overdue)

    @property
    def next_due(self) -> Optional[DeadlineItem]:
        """The earliest deadline still open (pending or overdue)."""
        open_items = [i for i in self.deadlines.items
                      if i.state in (DeadlineState.PENDING, DeadlineState.OVERDUE)]
        return min(open_items, key=lambda i: i.due, default=None)


_STATUS_COLUMNS = ("fid", "clue_no", "source", "township", "location", "description", "received_at",
                   "land_m2", "cultivated_m2", "basic_farmland_m2", "is_mining", "major", "started", "discovered",
                   "stop_notice", "reported", "major_reported", "filed", "closed", "extension_workdays")


def clue_deadlines(store: WorkStore, today: date) -> list:
    """Every clue's :class:`ClueStatus` on ``today`` with the store's calendar and deadline rules,
    ordered by discovery date and number."""
    cal, cfg = calendar(store), deadline_config(store)
    rows = store.conn.execute(
        f"SELECT {', '.join(_STATUS_COLUMNS)} FROM clues "
        f"ORDER BY {store.dialect.order_text('discovered')}, {store.dialect.order_text('clue_no')}").fetchall()
    out = []
    for values in rows:
        row = dict(zip(_STATUS_COLUMNS, values))
        try:
            days = {k: parse_date(row[k]) for k in CLUE_DATE_FIELDS}
            reasons = _major_reasons(row, cfg)
            deadlines = ClueDeadlines.compute(
                days["discovered"], today=today, calendar=cal, cfg=cfg, started=days["started"],
                stop_notice=days["stop_notice"], reported=days["reported"], major_reported=days["major_reported"],
                filed=days["filed"], closed=days["closed"], major=bool(reasons),
                extension_workdays=row["extension_workdays"] or 0)
        except (DateError, ValueError, TypeError) as exc:
            raise EnforcementError(f"线索 {row['clue_no']} 的数据有误：{exc}") from exc
        out.append(ClueStatus(
            row["fid"], row["clue_no"], row["source"], row["township"] or NO_TOWNSHIP, row["location"],
            row["description"], row["received_at"], days["discovered"], row["land_m2"], row["cultivated_m2"],
            row["basic_farmland_m2"], tuple(reasons), deadlines))
    return out


_STEPS = (("stop", "stop_notice", "制止"), ("report", "report", "报告"), ("major_report", "major_report", "专项报告"),
          ("filing", "filing", "立案"), ("closing", "closing", "结案"))
CLUE_COLUMNS = (
    Column("clue_no", "", "线索编号"), Column("source", "", "来源"), Column("township", "", "乡镇"),
    Column("location", "", "地点"), Column("description", "", "描述"), Column("received_at", "", "受理时间"),
    Column("land_mu", "", "占地面积", "亩", 2), Column("cultivated_mu", "", "耕地面积", "亩", 2),
    Column("basic_farmland_mu", "", "基本农田面积", "亩", 2),
    Column("major", "", "重大违法"), Column("major_reasons", "", "重大原因"),
    Column("discovered", "", "发现日期"), Column("stage", "", "当前环节"),
    *(c for key, _, label in _STEPS for c in (
        Column(f"{key}_due", "", f"{label}期限"),
        Column(f"{key}_done", "", "专项报告日期" if key == "major_report" else f"{label}日期"),
        Column(f"{key}_state", "", f"{label}状态"))),
    Column("overdue_items", "", "逾期事项"),
)


def _iso(d: Optional[date]) -> Optional[str]:
    return d.isoformat() if d else None


def clue_rows(statuses: Sequence[ClueStatus]) -> list:
    """Flat display rows of :data:`CLUE_COLUMNS` (dates ISO text; ``overdue`` for highlighting)."""
    out = []
    for s in statuses:
        d = s.deadlines
        row = dict(clue_no=s.clue_no, source=s.source, township=s.township, location=s.location,
                   description=s.description, received_at=s.received_at, land_m2=s.land_m2,
                   cultivated_m2=s.cultivated_m2, basic_farmland_m2=s.basic_farmland_m2, major=s.major,
                   major_reasons="、".join(s.major_reasons) or None, discovered=_iso(s.discovered),
                   stage=d.stage, overdue=s.overdue, fid=s.fid,
                   overdue_items="、".join(i.name for i in d.overdue) or None)
        for key, attr, _ in _STEPS:
            item = getattr(d, attr)
            row[f"{key}_due"] = _iso(item.due) if item else None
            row[f"{key}_done"] = _iso(item.done) if item else None
            row[f"{key}_state"] = item.state.value if item else None
        out.append(SimpleNamespace(**row))
    return out
