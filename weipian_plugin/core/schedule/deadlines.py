"""Deadlines of docs/DOMAIN.md §7: legality determination of patches, and the case steps of a clue (线索).

Day counts follow the wording of the plans: "N日内" is calendar days, "N个工作日内" is working days
(counted with a :class:`~weipian_plugin.core.workdays.WorkCalendar`, so 调休 and holidays are right).
A deadline day itself is still on time: done on ``due`` is 按时, done on ``due + 1`` is 逾期.
"""
from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass, fields
from datetime import date, timedelta
from enum import Enum

from weipian_plugin.core.config import Config
from weipian_plugin.core.schedule.workdays import WorkCalendar
from weipian_plugin.core.units import mu_to_m2

STAGES = ("发现", "制止", "报告", "立案", "结案")
"""The steps of a clue, in order (docs/DOMAIN.md §7: 发现、制止、报告、立案查处、结案)."""
CLOSED_STAGE = "已结案"
PENDING = "待"
"""A clue's stage is the step it waits for (待立案, 待结案) or 已结案: 「结案」 alone read as either."""


@dataclass(frozen=True)
class DeadlineConfig(Config):
    """Deadline rules; defaults are docs/DOMAIN.md §7 (determination) and docs/DOMAIN.md §7 (patrol cases)."""

    determination_days: int = 20
    """合法性判定 within this many calendar days of receipt (docs/DOMAIN.md §7)."""
    use_monthly_clear: bool = True
    """Also apply 月清 and take the earlier date (see :func:`determination_due`)."""
    monthly_clear_day: int = 20
    """月清: judged, filled in and confirmed by this day of the next month."""
    discovery_days: int = 3
    """A violation is discovered within this many days of its start (实际发生之日起3日内发现)."""
    stop_notice_days: int = 2
    """《责令停止违法行为通知书》 within this many days of discovery."""
    report_days: int = 2
    """Written report to the township and bureau within this many days of discovery."""
    major_report_days: int = 5
    """专项报告 of a major violation within this many days of discovery."""
    filing_workdays: int = 10
    """立案 within this many working days of discovery."""
    closing_workdays: int = 15
    """Ordinary case closed (办结) within this many working days of filing."""
    major_closing_workdays: int = 30
    """Major case closed within this many working days of filing."""
    max_extension_workdays: int = 10
    """Approved extension of a major case, at most this many working days."""
    major_land_mu: float = 20.0
    """Major when the illegally occupied land exceeds this many 亩."""
    major_cultivated_mu: float = 10.0
    """Major when the occupied cultivated land exceeds this many 亩."""
    major_basic_farmland_mu: float = 5.0
    """Major when the occupied basic farmland exceeds this many 亩."""

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, bool) and value < 0:
                raise ValueError(f"{f.name} must be >= 0, got {value}")
        if not 1 <= self.monthly_clear_day <= 31:
            raise ValueError(f"monthly_clear_day must be 1..31, got {self.monthly_clear_day}")


def monthly_clear_due(month_of: date, cfg: DeadlineConfig | None = None) -> date:
    """月清 date for a batch of ``month_of``'s month: ``monthly_clear_day`` of the next month.

    Clamped to the end of a short month (day 31 in February → 28/29).
    """
    cfg = cfg or DeadlineConfig()
    year, month = (month_of.year + 1, 1) if month_of.month == 12 else (month_of.year, month_of.month + 1)
    return date(year, month, min(cfg.monthly_clear_day, _calendar.monthrange(year, month)[1]))


def determination_due(received: date, cfg: DeadlineConfig | None = None, issued: date | None = None) -> date:
    """Legality determination deadline: the **earlier** of ``received + determination_days`` and 月清.

    Both rules bind the bureau at once (docs/DOMAIN.md §7 sets the 20 days, the 月清 schedule the month), so
    the earlier date is the one that must be met, and meeting it meets both. 月清 counts from the
    month the batch was issued (``issued``, 上月下发的图斑) when known, else from the month of receipt.
    With the defaults (20 days, 20th) and no ``issued``, ``received + 20`` is never after the 20th of
    the next month, so 月清 only decides for batches received late or for other provincial settings.
    ``use_monthly_clear=False`` keeps the day count alone.
    """
    cfg = cfg or DeadlineConfig()
    due = received + timedelta(days=cfg.determination_days)
    if cfg.use_monthly_clear:
        due = min(due, monthly_clear_due(issued or received, cfg))
    return due


def is_overdue(due: date, done: date | None, today: date) -> bool:
    """Late if done after ``due``, or not done and ``today`` is past ``due``."""
    return (done if done is not None else today) > due


def major_violation_reasons(
    land_m2: float,
    cultivated_m2: float,
    basic_farmland_m2: float,
    is_mining: bool,
    cfg: DeadlineConfig | None = None,
) -> list[str]:
    """Why a violation is 重大 (docs/DOMAIN.md §7: land > 20 亩, cultivated > 10 亩, basic farmland > 5 亩, any
    illegal mining); empty when it is not. "超过" is strict: exactly 20 亩 is not major."""
    cfg = cfg or DeadlineConfig()
    reasons = []
    if land_m2 > mu_to_m2(cfg.major_land_mu):
        reasons.append(f"违法占地超过{cfg.major_land_mu:g}亩")
    if cultivated_m2 > mu_to_m2(cfg.major_cultivated_mu):
        reasons.append(f"占用耕地超过{cfg.major_cultivated_mu:g}亩")
    if basic_farmland_m2 > mu_to_m2(cfg.major_basic_farmland_mu):
        reasons.append(f"占用基本农田超过{cfg.major_basic_farmland_mu:g}亩")
    if is_mining:
        reasons.append("违法勘查、开采矿产资源")
    return reasons


def is_major_violation(
    land_m2: float,
    cultivated_m2: float,
    basic_farmland_m2: float,
    is_mining: bool,
    cfg: DeadlineConfig | None = None,
) -> bool:
    """True when any threshold of :func:`major_violation_reasons` is met (then a 5-day report is due)."""
    return bool(major_violation_reasons(land_m2, cultivated_m2, basic_farmland_m2, is_mining, cfg))


class DeadlineState(str, Enum):
    """State of one deadline; the values are the Chinese words that go into the ledger."""

    ON_TIME = "按时完成"
    LATE = "逾期完成"
    PENDING = "未到期"
    OVERDUE = "已逾期"
    DONE = "已完成"
    """Done, but the deadline is unknown (e.g. the start date of the violation was not recorded)."""
    NOT_STARTED = "未开始"
    """The step the deadline counts from has not happened yet (closing before filing)."""


@dataclass(frozen=True)
class DeadlineItem:
    name: str
    due: date | None
    done: date | None
    state: DeadlineState


def _item(name: str, due: date | None, done: date | None, today: date) -> DeadlineItem:
    if due is None:
        state = DeadlineState.DONE if done is not None else DeadlineState.NOT_STARTED
    elif done is not None:
        state = DeadlineState.LATE if done > due else DeadlineState.ON_TIME
    else:
        state = DeadlineState.OVERDUE if today > due else DeadlineState.PENDING
    return DeadlineItem(name, due, done, state)


@dataclass(frozen=True)
class ClueDeadlines:
    """Every deadline of one clue and the stage it has reached (use :meth:`compute`)."""

    discovery: DeadlineItem
    stop_notice: DeadlineItem
    report: DeadlineItem
    major_report: DeadlineItem | None
    """Only for major violations."""
    filing: DeadlineItem
    closing: DeadlineItem
    major: bool
    stage: str
    """The step after the furthest one done (one of :data:`STAGES`, or :data:`CLOSED_STAGE`).
    A skipped earlier step shows in its own item's state, not here."""

    @property
    def items(self) -> tuple[DeadlineItem, ...]:
        steps = (self.discovery, self.stop_notice, self.report, self.major_report, self.filing, self.closing)
        return tuple(i for i in steps if i is not None)

    @property
    def overdue(self) -> tuple[DeadlineItem, ...]:
        """Deadlines passed and not done: what the dock highlights."""
        return tuple(i for i in self.items if i.state is DeadlineState.OVERDUE)

    @classmethod
    def compute(
        cls,
        discovered: date,
        *,
        today: date,
        calendar: WorkCalendar,
        cfg: DeadlineConfig | None = None,
        started: date | None = None,
        stop_notice: date | None = None,
        reported: date | None = None,
        major_reported: date | None = None,
        filed: date | None = None,
        closed: date | None = None,
        major: bool = False,
        extension_workdays: int = 0,
    ) -> ClueDeadlines:
        """Deadlines of a clue discovered on ``discovered``.

        ``started`` is when the violation began (discovery is judged against it, when known).
        ``extension_workdays`` is an approved extension of a major case's closing deadline.
        """
        cfg = cfg or DeadlineConfig()
        if extension_workdays and not major:
            raise ValueError("只有重大案件可以延长办结期限")
        if not 0 <= extension_workdays <= cfg.max_extension_workdays:
            raise ValueError(f"延长期限不得超过{cfg.max_extension_workdays}个工作日")
        discovery_due = started + timedelta(days=cfg.discovery_days) if started is not None else None
        closing_due = None
        if filed is not None:
            span = cfg.major_closing_workdays + extension_workdays if major else cfg.closing_workdays
            closing_due = calendar.add_workdays(filed, span)
        major_report = (
            _item("重大违法专项报告", discovered + timedelta(days=cfg.major_report_days), major_reported, today)
            if major else None
        )
        report_done = reported is not None and (not major or major_reported is not None)
        done = (True, stop_notice is not None, report_done, filed is not None, closed is not None)
        furthest = max(i for i, d in enumerate(done) if d)
        return cls(
            discovery=_item("发现", discovery_due, discovered, today),
            stop_notice=_item("制止", discovered + timedelta(days=cfg.stop_notice_days), stop_notice, today),
            report=_item("报告", discovered + timedelta(days=cfg.report_days), reported, today),
            major_report=major_report,
            filing=_item("立案", calendar.add_workdays(discovered, cfg.filing_workdays), filed, today),
            closing=_item("结案", closing_due, closed, today),
            major=major,
            stage=PENDING + STAGES[furthest + 1] if furthest + 1 < len(STAGES) else CLOSED_STAGE,
        )
