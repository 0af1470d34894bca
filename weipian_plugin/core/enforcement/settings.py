"""The store's daily-enforcement settings: the holiday and 调休 list, deadline rules and grading options
(keys ``holidays``, ``deadlines``, ``grading`` of core/store/keys.py)."""
from __future__ import annotations

from datetime import date
from typing import Optional

from weipian_plugin.core.enforcement.grading import (
    GradingConfig,
)
from weipian_plugin.core.schedule import holidays
from weipian_plugin.core.schedule.deadlines import (
    DeadlineConfig,
)
from weipian_plugin.core.schedule.workdays import WorkCalendar
from weipian_plugin.core.store import keys
from weipian_plugin.core.store.workstore import WorkStore


# -- settings ----------------------------------------------------------------------------------------
def holidays_text(store: WorkStore) -> str:
    """The holiday list in force: the store's (setting ``holidays``, once saved) or the shipped one."""
    return holidays.calendar_text(keys.HOLIDAYS.read(store))


def calendar(store: WorkStore) -> WorkCalendar:
    """The store's working-day calendar (weekends plus :func:`holidays_text`)."""
    return WorkCalendar.from_text(holidays_text(store))


def store_year(store: WorkStore) -> int:
    """The store's year (its metadata, else the latest batch's, else this year)."""
    meta = (store.meta("year") or "").strip()
    if meta.isdigit():
        return int(meta)
    latest = store.conn.execute("SELECT max(substr(received_date, 1, 4)) FROM batches").fetchone()[0]
    return int(latest) if latest and latest.isdigit() else date.today().year


def holiday_warning(store: WorkStore) -> Optional[str]:
    """A warning when the store's year has no (or only a provisional) holiday and 调休 list."""
    return holidays.year_warning(holidays_text(store), store_year(store))


def set_holidays(store: WorkStore, text: str) -> WorkCalendar:
    """Check and save the holiday list (ValueError naming the bad line, nothing saved)."""
    cal = WorkCalendar.from_text(text)
    keys.HOLIDAYS.write(store, text)
    return cal


def deadline_config(store: WorkStore) -> DeadlineConfig:
    return DeadlineConfig.load(store, keys.DEADLINES)


def grading_config(store: WorkStore) -> GradingConfig:
    return GradingConfig.load(store, keys.GRADING)
