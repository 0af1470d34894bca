from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from weipian_plugin.core.dates import DateError, parse_date

MARCH_5 = dt.date(2024, 3, 5)


@pytest.mark.parametrize(
    "value",
    [
        "2024-03-05",
        "2024-3-5",
        "20240305",
        "2024/03/05",
        "2024/3/5",
        "2024.03.05",
        "2024年03月05日",
        "2024年3月5日",
        " 2024 年 3 月 5 日 ",
        "2024年3月5",
        "2024-03-05 00:00:00",
        "2024-03-05T08:30:00",
        b"20240305",
        20240305,
        20240305.0,
        np.int64(20240305),
        dt.date(2024, 3, 5),
        dt.datetime(2024, 3, 5, 23, 59),
        np.datetime64("2024-03-05"),
        np.datetime64("2024-03-05T12:00:00"),
    ],
)
def test_accepted_layouts(value):
    result = parse_date(value)
    assert result == MARCH_5
    assert type(result) is dt.date


@pytest.mark.parametrize("value", [None, "", "   ", "00000000", "        ", float("nan"), np.datetime64("NaT")])
def test_blanks_are_none(value):
    assert parse_date(value) is None


@pytest.mark.parametrize(
    "value, fragment",
    [
        ("2024-02-30", "日期不存在"),
        ("2024年13月1日", "日期不存在"),
        ("20241301", "日期不存在"),
        ("abc", "无法识别"),
        ("2024-03/05", "无法识别"),  # mixed separators
        ("2024030", "无法识别"),
        ("2024-03-05 junk", "无法识别"),
        (2024.5, "无法识别"),
        (True, "无法识别"),
        ([2024, 3, 5], "无法识别"),
    ],
)
def test_garbage_raises_with_the_value_quoted(value, fragment):
    with pytest.raises(DateError) as info:
        parse_date(value)
    assert fragment in str(info.value)
    assert str(value).strip() in str(info.value)
    assert isinstance(info.value, ValueError)


def test_leap_day():
    assert parse_date("2024-02-29") == dt.date(2024, 2, 29)
    with pytest.raises(DateError):
        parse_date("2023-02-29")
