"""Working-day calendar: weekends, holidays, make-up working weekends (调休), pasted holiday lists."""
from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from weipian_plugin.core.schedule.workdays import WorkCalendar

# National Day 2026 as a test calendar: 10-01 (Thu) .. 10-07 (Wed) off,
# make-up working days Sun 09-20 and Sat 10-10.
NATIONAL_DAY = WorkCalendar(
    holidays=[date(2026, 10, 1) + timedelta(days=k) for k in range(7)],
    extra_workdays=[date(2026, 9, 20), date(2026, 10, 10)],
)


def test_is_workday():
    plain = WorkCalendar()
    assert plain.is_workday(date(2026, 9, 25))  # Friday
    assert not plain.is_workday(date(2026, 9, 26))  # Saturday
    assert not plain.is_workday(date(2026, 9, 27))  # Sunday
    assert not NATIONAL_DAY.is_workday(date(2026, 10, 5))  # Monday, holiday
    assert NATIONAL_DAY.is_workday(date(2026, 10, 10))  # Saturday, make-up
    assert NATIONAL_DAY.is_workday(date(2026, 9, 20))  # Sunday, make-up


def test_make_up_day_wins_over_holiday_listing():
    cal = WorkCalendar(holidays=[date(2026, 10, 10)], extra_workdays=[date(2026, 10, 10)])
    assert cal.is_workday(date(2026, 10, 10))


def test_add_workdays_across_weekend():
    plain = WorkCalendar()
    assert plain.add_workdays(date(2026, 9, 25), 0) == date(2026, 9, 25)
    assert plain.add_workdays(date(2026, 9, 25), 1) == date(2026, 9, 28)  # Fri -> Mon
    assert plain.add_workdays(date(2026, 9, 24), 2) == date(2026, 9, 28)  # Thu -> Fri, Mon
    assert plain.add_workdays(date(2026, 9, 26), 1) == date(2026, 9, 28)  # from a Saturday
    assert plain.add_workdays(date(2026, 9, 28), 10) == date(2026, 10, 12)  # two full weeks


def test_add_workdays_across_national_day():
    # Wed 09-30 + 1: 10-01..10-07 off -> Thu 10-08.
    assert NATIONAL_DAY.add_workdays(date(2026, 9, 30), 1) == date(2026, 10, 8)
    # + 3: Thu 10-08, Fri 10-09, Sat 10-10 (make-up).
    assert NATIONAL_DAY.add_workdays(date(2026, 9, 30), 3) == date(2026, 10, 10)
    # Filing deadline: discovered Mon 09-28, 10 working days:
    # 09-29, 09-30, 10-08, 10-09, 10-10(Sat), 10-12, 10-13, 10-14, 10-15, 10-16.
    assert NATIONAL_DAY.add_workdays(date(2026, 9, 28), 10) == date(2026, 10, 16)
    without_make_up = WorkCalendar(holidays=NATIONAL_DAY.holidays)
    assert without_make_up.add_workdays(date(2026, 9, 28), 10) == date(2026, 10, 19)


def test_add_workdays_rejects_negative():
    with pytest.raises(ValueError):
        WorkCalendar().add_workdays(date(2026, 1, 1), -1)


def test_workdays_between():
    assert NATIONAL_DAY.workdays_between(date(2026, 9, 28), date(2026, 10, 16)) == 10
    assert NATIONAL_DAY.workdays_between(date(2026, 10, 16), date(2026, 9, 28)) == -10
    assert NATIONAL_DAY.workdays_between(date(2026, 10, 3), date(2026, 10, 3)) == 0
    assert NATIONAL_DAY.workdays_between(date(2026, 9, 30), date(2026, 10, 7)) == 0  # all holiday
    # 2026 starts on a Thursday: 52 weeks + 1 weekday = 261 weekdays;
    # minus 5 weekday holidays (10-01, 02, 05, 06, 07) plus 2 make-up days = 258.
    assert WorkCalendar().workdays_between(date(2025, 12, 31), date(2026, 12, 31)) == 261
    assert NATIONAL_DAY.workdays_between(date(2025, 12, 31), date(2026, 12, 31)) == 258


def test_workdays_between_agrees_with_walking():
    rng = random.Random(7)
    for _ in range(300):
        a = date(2026, 9, 1) + timedelta(days=rng.randrange(60))
        n = rng.randrange(25)
        b = NATIONAL_DAY.add_workdays(a, n)
        assert NATIONAL_DAY.workdays_between(a, b) == n
        c = a + timedelta(days=rng.randrange(-40, 40))
        walked = sum(NATIONAL_DAY.is_workday(a + timedelta(days=k)) for k in range(1, (c - a).days + 1))
        walked -= sum(NATIONAL_DAY.is_workday(c + timedelta(days=k)) for k in range(1, (a - c).days + 1))
        assert NATIONAL_DAY.workdays_between(a, c) == walked


PASTED = """\
# 2026 holidays, as pasted from the notice
元旦（一日到三日）：2026-01-01~2026-01-03
国庆节 2026-10-01 至 2026-10-07   # seven days
+2026-09-20
+ 2026年10月10日
20260501
2026/05/04, 2026.5.5
"""


def test_from_text():
    cal = WorkCalendar.from_text(PASTED)
    assert cal.holidays == {
        date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3),
        *(date(2026, 10, d) for d in range(1, 8)),
        date(2026, 5, 1), date(2026, 5, 4), date(2026, 5, 5),
    }
    assert cal.extra_workdays == {date(2026, 9, 20), date(2026, 10, 10)}
    assert cal.add_workdays(date(2026, 9, 28), 10) == date(2026, 10, 16)


@pytest.mark.parametrize("sep", ["~", "～", "-", "到", " — "])
def test_from_text_range_separators(sep):
    cal = WorkCalendar.from_text(f"2026-10-01{sep}2026-10-03")
    assert cal.holidays == {date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 3)}


@pytest.mark.parametrize("text", ["国庆节", "2026-02-30", "2026-10-08~2026-10-01", "2026年10月1日至8日"])
def test_from_text_rejects_bad_lines(text):
    with pytest.raises(ValueError, match="第1行"):
        WorkCalendar.from_text(text)
