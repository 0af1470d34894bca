"""The shipped holiday calendar (2026 official with 调休, 2027 statutory only, marked 暂定), the store's own
list replacing it, and the warning in the daily-enforcement workbook when the store's year has none."""
from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from weipian_plugin.core.enforcement import records as enforcement
from weipian_plugin.core.schedule import holidays
from weipian_plugin.core.schedule.workdays import WorkCalendar
from weipian_plugin.core.store.workstore import WorkStore


def test_shipped_2026_calendar_has_the_official_days_and_make_up_workdays():
    cal = WorkCalendar.from_text(holidays.shipped_text())
    assert all(not cal.is_workday(date(2026, 2, d)) for d in range(15, 24))  # 春节 2月15日至23日
    assert cal.is_workday(date(2026, 2, 14)) and cal.is_workday(date(2026, 2, 28))  # 调休上班 (Saturdays)
    assert not cal.is_workday(date(2026, 10, 7)) and cal.is_workday(date(2026, 10, 10))
    # 立案 within 10 working days of a discovery on 2026-09-28: across 国庆 and its 调休 it is 10月16日;
    # plain weekdays would say 10月12日.
    assert cal.add_workdays(date(2026, 9, 28), 10) == date(2026, 10, 16)
    assert WorkCalendar().add_workdays(date(2026, 9, 28), 10) == date(2026, 10, 12)


@pytest.mark.parametrize("year, warning", [
    (2026, None),
    (2027, "2027年的节假日为暂定（仅法定节日，未含调休）"),
    (2028, "节假日表中没有2028年的放假和调休安排"),
])
def test_year_warning_of_the_shipped_list(year, warning):
    text = holidays.year_warning(holidays.shipped_text(), year)
    assert text == warning if warning is None else text.startswith(warning)


def test_the_stores_own_list_replaces_the_shipped_one_and_the_workbook_warns(tmp_path):
    from weipian_plugin.exporters.enforcement_xlsx import write_enforcement

    with WorkStore.create(tmp_path / "s.gpkg", 4527, "青禾县", "500199", 2028) as store:
        assert enforcement.holidays_text(store) == holidays.shipped_text()
        assert enforcement.holiday_warning(store).startswith("节假日表中没有2028年")
        out = write_enforcement(store, tmp_path / "日常执法.xlsx", date(2028, 3, 1))
        cells = [c for row in openpyxl.load_workbook(out)["线索与期限"].iter_rows(values_only=True) for c in row if c]
        assert any(str(c).startswith("节假日表中没有2028年") for c in cells)

        enforcement.set_holidays(store, "2028-01-01  # 元旦\n+2028-01-02")  # a person pastes the notice
        assert enforcement.holiday_warning(store) is None
        assert not enforcement.calendar(store).is_workday(date(2028, 1, 1))
        assert enforcement.calendar(store).is_workday(date(2026, 10, 7))  # the shipped list no longer applies
        out = write_enforcement(store, tmp_path / "日常执法2.xlsx", date(2028, 3, 1))
        cells = [c for row in openpyxl.load_workbook(out)["线索与期限"].iter_rows(values_only=True) for c in row if c]
        assert not any("节假日" in str(c) for c in cells)
