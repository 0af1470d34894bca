"""Working-day calendar: weekends, public holidays and China's make-up working weekends (调休).

Case deadlines in docs/DOMAIN.md §7 are counted in working days (e.g. 立案 within 10 working days of discovery).
The State Council's holiday schedule moves working days onto weekends, so a calendar of plain
weekdays is wrong around every long holiday; the bureau pastes the year's list into the plugin.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date, timedelta
from typing import Iterable

# A date inside a pasted line: 2026-10-01, 2026/10/1, 2026.10.01, 2026年10月1日 or 20261001.
_DATE_RE = re.compile(
    r"(?<!\d)(?:(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?|(\d{4})(\d{2})(\d{2}))(?!\d)"
)
# What may stand between the two dates of a range.
_RANGE_SEP_RE = re.compile(r"^\s*(?:~|～|〜|至|到|—+|–|-{1,2})\s*$")
_DANGLING_RE = re.compile(r"\s*[~～〜至到]")


def _weekdays_before(d: date) -> int:
    """Monday–Friday days strictly before ``d`` since the proleptic epoch (ordinal 1 is a Monday)."""
    days = d.toordinal() - 1
    weeks, rest = divmod(days, 7)
    return weeks * 5 + min(rest, 5)


class WorkCalendar:
    """Which days are working days.

    A day in ``extra_workdays`` (调休上班) is a working day even on a weekend, and wins over
    ``holidays`` if a date is listed in both; otherwise holidays and Saturdays/Sundays are off.
    """

    def __init__(self, holidays: Iterable[date] = (), extra_workdays: Iterable[date] = ()) -> None:
        self.extra_workdays = frozenset(extra_workdays)
        self.holidays = frozenset(holidays) - self.extra_workdays
        # Sorted exceptions to the weekday rule, for counting long spans without walking them.
        self._lost = sorted(d for d in self.holidays if d.weekday() < 5)
        self._gained = sorted(d for d in self.extra_workdays if d.weekday() >= 5)

    def __repr__(self) -> str:
        return f"WorkCalendar({len(self.holidays)} holidays, {len(self.extra_workdays)} make-up workdays)"

    def is_workday(self, d: date) -> bool:
        if d in self.extra_workdays:
            return True
        return d.weekday() < 5 and d not in self.holidays

    def add_workdays(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``start`` itself is not counted; ``n=0`` → ``start``).

        This is how "within 10 working days of discovery" is read: the clock starts the next day.
        """
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        d = start
        while n:
            d += timedelta(days=1)
            if self.is_workday(d):
                n -= 1
        return d

    def workdays_between(self, a: date, b: date) -> int:
        """Working days ``d`` with ``a < d <= b``; negative when ``b < a``.

        The inverse of :meth:`add_workdays`: ``workdays_between(a, add_workdays(a, n)) == n``.
        """
        if b < a:
            return -self.workdays_between(b, a)
        plain = _weekdays_before(b + timedelta(days=1)) - _weekdays_before(a + timedelta(days=1))
        lost = bisect_right(self._lost, b) - bisect_right(self._lost, a)
        gained = bisect_right(self._gained, b) - bisect_right(self._gained, a)
        return plain - lost + gained

    @classmethod
    def from_text(cls, text: str) -> WorkCalendar:
        """Parse a holiday list as people paste it.

        One date or range per line (``2026-10-01~2026-10-08``; also ``～``, ``至``, ``到``, ``-``
        between two dates), several dates on a line are each taken, any date format of docs/DOMAIN.md §3.
        A line starting with ``+`` lists make-up working days (调休上班). ``#`` starts a comment.
        Text around the dates (``国庆节：``) is ignored, but a non-comment line without any date, or a
        range whose end lacks the year (``10月1日至8日``), raises ``ValueError`` naming the line, so
        nothing is silently dropped.
        """
        holidays: set[date] = set()
        extra: set[date] = set()
        for lineno, raw in enumerate(text.splitlines(), start=1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            target = holidays
            if line[0] in "+＋":
                target, line = extra, line[1:]
            matches = list(_DATE_RE.finditer(line))
            if not matches:
                raise ValueError(f"第{lineno}行没有可识别的日期: {raw.strip()!r}")
            dates = [_match_date(m, lineno) for m in matches]
            i = 0
            while i < len(dates):
                between = line[matches[i].end():matches[i + 1].start()] if i + 1 < len(dates) else ""
                if i + 1 < len(dates) and _RANGE_SEP_RE.match(between):
                    lo, hi = dates[i], dates[i + 1]
                    if hi < lo:
                        raise ValueError(f"第{lineno}行日期范围颠倒: {raw.strip()!r}")
                    target.update(lo + timedelta(days=k) for k in range((hi - lo).days + 1))
                    i += 2
                elif _DANGLING_RE.match(line, matches[i].end()):
                    # "10月1日至8日": the end has no year; taking one day would silently drop a week.
                    raise ValueError(f"第{lineno}行的日期范围两端都要写完整的年月日: {raw.strip()!r}")
                else:
                    target.add(dates[i])
                    i += 1
        return cls(holidays, extra)


def _match_date(m: re.Match, lineno: int) -> date:
    y, mo, d = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), m.group(6))
    try:
        return date(int(y), int(mo), int(d))
    except ValueError:
        raise ValueError(f"第{lineno}行日期无效: {m.group(0)!r}") from None
