"""Deadlines of docs/DOMAIN.md §7: determination, 月清, clue steps in working days, major violations."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from weipian_plugin.core.schedule.deadlines import (
    ClueDeadlines,
    DeadlineConfig,
    DeadlineState,
    determination_due,
    is_major_violation,
    is_overdue,
    major_violation_reasons,
    monthly_clear_due,
)
from weipian_plugin.core.schedule.workdays import WorkCalendar
from weipian_plugin.core.units import mu_to_m2

# 10-01 (Thu) .. 10-07 (Wed) off; Sat 10-10 is a make-up working day.
CAL = WorkCalendar(
    holidays=[date(2026, 10, 1) + timedelta(days=k) for k in range(7)],
    extra_workdays=[date(2026, 10, 10)],
)


# --- determination and 月清 ---------------------------------------------------------------------

def test_determination_20_days_after_receipt():
    assert determination_due(date(2026, 3, 5)) == date(2026, 3, 25)
    assert determination_due(date(2026, 3, 31)) == date(2026, 4, 20)  # both rules give 04-20


def test_monthly_clear_binds_for_a_batch_received_late():
    # Issued in January, received 02-10: 20 days -> 03-02, 月清 of January -> 02-20 (earlier).
    assert determination_due(date(2026, 2, 10), issued=date(2026, 1, 28)) == date(2026, 2, 20)
    off = DeadlineConfig(use_monthly_clear=False)
    assert determination_due(date(2026, 2, 10), off, issued=date(2026, 1, 28)) == date(2026, 3, 2)


def test_monthly_clear_across_year_end():
    assert monthly_clear_due(date(2026, 12, 5)) == date(2027, 1, 20)
    assert monthly_clear_due(date(2026, 11, 30)) == date(2026, 12, 20)
    # Issued 12-28, received 01-05: 20 days -> 01-25, 月清 of December -> 2027-01-20.
    assert determination_due(date(2027, 1, 5), issued=date(2026, 12, 28)) == date(2027, 1, 20)
    # A province with 30 days: received 12-25 -> 2027-01-24, 月清 -> 2027-01-20.
    assert determination_due(date(2026, 12, 25), DeadlineConfig(determination_days=30)) == date(2027, 1, 20)


def test_monthly_clear_day_clamped_to_short_month():
    assert monthly_clear_due(date(2027, 1, 10), DeadlineConfig(monthly_clear_day=31)) == date(2027, 2, 28)
    assert monthly_clear_due(date(2028, 1, 10), DeadlineConfig(monthly_clear_day=31)) == date(2028, 2, 29)


def test_is_overdue():
    due = date(2026, 3, 25)
    assert not is_overdue(due, date(2026, 3, 25), today=date(2026, 4, 30))  # done on the day
    assert is_overdue(due, date(2026, 3, 26), today=date(2026, 4, 30))  # done a day late
    assert not is_overdue(due, None, today=date(2026, 3, 25))
    assert is_overdue(due, None, today=date(2026, 3, 26))


# --- major violations: at, just below and just above each threshold -------------------------------

@pytest.mark.parametrize("arg, mu", [(0, 20), (1, 10), (2, 5)])
def test_major_thresholds(arg, mu):
    def major(m2):
        areas = [0.0, 0.0, 0.0]
        areas[arg] = m2
        return is_major_violation(*areas, is_mining=False)

    assert not major(mu_to_m2(mu) - 0.01)
    assert not major(mu_to_m2(mu))  # "超过": exactly at the threshold is not major
    assert major(mu_to_m2(mu) + 0.01)


def test_major_mining_and_reasons():
    assert is_major_violation(0.0, 0.0, 0.0, is_mining=True)
    assert major_violation_reasons(mu_to_m2(21), mu_to_m2(11), 0.0, False) == [
        "违法占地超过20亩", "占用耕地超过10亩",
    ]
    assert major_violation_reasons(mu_to_m2(21), 0.0, 0.0, True) == ["违法占地超过20亩", "违法勘查、开采矿产资源"]


def test_major_thresholds_configurable():
    cfg = DeadlineConfig(major_land_mu=15)
    assert is_major_violation(mu_to_m2(16), 0.0, 0.0, False, cfg)
    assert not is_major_violation(mu_to_m2(16), 0.0, 0.0, False)


# --- clue deadlines --------------------------------------------------------------------------------

def test_clue_deadlines_ordinary_case():
    d = ClueDeadlines.compute(
        date(2026, 9, 28), today=date(2026, 10, 20), calendar=CAL,
        started=date(2026, 9, 24), stop_notice=date(2026, 9, 30), filed=date(2026, 10, 16),
    )
    assert d.discovery.due == date(2026, 9, 27) and d.discovery.state is DeadlineState.LATE
    assert d.stop_notice.due == date(2026, 9, 30) and d.stop_notice.state is DeadlineState.ON_TIME
    assert d.report.due == date(2026, 9, 30) and d.report.state is DeadlineState.OVERDUE
    assert d.major_report is None
    # 10 working days: 09-29, 09-30, 10-08, 10-09, 10-10 (make-up Sat), 10-12 .. 10-16.
    assert d.filing.due == date(2026, 10, 16) and d.filing.state is DeadlineState.ON_TIME
    # 15 working days after 10-16: 10-19 .. 11-06.
    assert d.closing.due == date(2026, 11, 6) and d.closing.state is DeadlineState.PENDING
    assert d.stage == "待结案"
    assert [i.name for i in d.overdue] == ["报告"]
    assert d.closing.state.value == "未到期"


def test_clue_filed_a_day_late_and_unknown_start():
    d = ClueDeadlines.compute(date(2026, 9, 28), today=date(2026, 10, 20), calendar=CAL, filed=date(2026, 10, 17))
    assert d.filing.state is DeadlineState.LATE
    assert d.discovery.due is None and d.discovery.state is DeadlineState.DONE


def test_clue_not_filed_yet():
    d = ClueDeadlines.compute(date(2026, 9, 28), today=date(2026, 10, 17), calendar=CAL)
    assert d.filing.state is DeadlineState.OVERDUE
    assert d.closing.due is None and d.closing.state is DeadlineState.NOT_STARTED
    assert d.stage == "待制止"


def test_clue_major_case():
    d = ClueDeadlines.compute(
        date(2026, 9, 28), today=date(2026, 10, 2), calendar=CAL, major=True,
        stop_notice=date(2026, 9, 29), reported=date(2026, 9, 29), filed=date(2026, 10, 16),
    )
    assert d.major_report.due == date(2026, 10, 3) and d.major_report.state is DeadlineState.PENDING
    # 30 working days after 10-16: six full weeks 10-19 .. 11-27.
    assert d.closing.due == date(2026, 11, 27)
    assert ClueDeadlines.compute(
        date(2026, 9, 28), today=date(2026, 10, 2), calendar=CAL, major=True, filed=date(2026, 10, 16),
        extension_workdays=10,
    ).closing.due == date(2026, 12, 11)


def test_clue_extension_limits():
    with pytest.raises(ValueError):
        ClueDeadlines.compute(date(2026, 9, 28), today=date(2026, 10, 2), calendar=CAL, major=True,
                              filed=date(2026, 10, 16), extension_workdays=11)
    with pytest.raises(ValueError):
        ClueDeadlines.compute(date(2026, 9, 28), today=date(2026, 10, 2), calendar=CAL,
                              filed=date(2026, 10, 16), extension_workdays=5)


def test_clue_stages():
    def stage(**kw):
        return ClueDeadlines.compute(date(2026, 9, 28), today=date(2026, 9, 28), calendar=CAL, **kw).stage

    assert stage() == "待制止"
    assert stage(stop_notice=date(2026, 9, 29)) == "待报告"
    assert stage(stop_notice=date(2026, 9, 29), reported=date(2026, 9, 29)) == "待立案"
    # A major case is not past 报告 until the 专项报告 is made too.
    assert stage(stop_notice=date(2026, 9, 29), reported=date(2026, 9, 29), major=True) == "待报告"
    assert stage(reported=date(2026, 9, 29), major_reported=date(2026, 9, 30), major=True) == "待立案"
    assert stage(filed=date(2026, 10, 8), closed=date(2026, 10, 20)) == "已结案"


def test_config_roundtrip_and_validation():
    cfg = replace(DeadlineConfig(), filing_workdays=7, use_monthly_clear=False)
    data = cfg.to_dict()
    assert data["filing_workdays"] == 7
    assert DeadlineConfig.from_dict({**data, "from_a_newer_version": 1}) == cfg
    with pytest.raises(ValueError):
        DeadlineConfig(closing_workdays=-1)
    with pytest.raises(ValueError):
        DeadlineConfig(monthly_clear_day=0)
