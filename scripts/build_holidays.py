"""Build step (not run by the plugin): regenerate weipian_plugin/core/schedule/holidays_cn.txt.

The State Council's holiday schedule (放假与调休) is taken from the maintained `chinese-calendar` package for
every year it covers; a later year it does not cover yet gets its statutory holidays only (from the
`holidays` package, without its guessed "observed" days), marked 暂定 so the plugin warns until a person
pastes the official notice. Neither package is a runtime dependency: install them for this step only,
e.g. ``pip install --target build/holiday-tools chinese-calendar holidays`` and run with that on
PYTHONPATH:  python scripts/build_holidays.py 2026 2027
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "weipian_plugin" / "core" / "schedule" / "holidays_cn.txt"
NAMES = {"New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
         "Dragon Boat Festival": "端午节", "Mid-autumn Festival": "中秋节", "National Day": "国庆节"}


def _runs(days):
    """Consecutive days as (first, last, name) runs."""
    runs = []
    for day, name in sorted(days):
        if runs and (day - runs[-1][1]).days == 1 and runs[-1][2] == name:
            runs[-1][1] = day
        else:
            runs.append([day, day, name])
    return runs


def official(year: int) -> list:
    import chinese_calendar as cc

    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    days = [(d, NAMES.get(cc.get_holiday_detail(d)[1], "")) for d in cc.get_holidays(first, last, include_weekends=True)
            if cc.get_holiday_detail(d)[1]]
    lines = [f"# {year}年（国务院办公厅通知，含调休）"]
    for lo, hi, name in _runs(days):
        lines.append(f"{lo.isoformat()}~{hi.isoformat()}  # {name}" if lo != hi else f"{lo.isoformat()}  # {name}")
    for d in cc.get_workdays(first, last, include_weekends=True):
        if d.weekday() >= 5:
            lines.append(f"+{d.isoformat()}  # 调休上班")
    return lines


def statutory(year: int) -> list:
    import holidays

    days = [(d, "") for d, name in holidays.country_holidays("CN", years=year).items()
            if "observed" not in name and "substituted" not in name.lower()]
    lines = [f"# 暂定 {year}：仅法定节日，调休安排待国务院办公厅通知发布后按通知修改"]
    for lo, hi, _ in _runs(days):
        lines.append(f"{lo.isoformat()}~{hi.isoformat()}" if lo != hi else lo.isoformat())
    return lines


def main(years) -> None:
    lines = ["# 中国法定节假日与调休。一行一个日期或日期范围；行首“+”为调休上班日；“#”后为说明。",
             "# 由 scripts/build_holidays.py 生成；可在“日常执法 → 节假日”中按当年通知修改（修改保存在工作库中）。"]
    for year in years:
        try:
            lines += official(year)
        except NotImplementedError:
            lines += statutory(year)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(OUT)


if __name__ == "__main__":
    main([int(y) for y in sys.argv[1:]] or [dt.date.today().year, dt.date.today().year + 1])
