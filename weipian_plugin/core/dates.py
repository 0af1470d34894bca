"""Tolerant date parsing for imagery, approval and permit dates.

Dates arrive as text in several layouts, as DBF date fields, as numbers (20240305 in a numeric field)
or as date objects from other readers (docs/DOMAIN.md §3). Blank means "no date"; anything else that is not
a real calendar date is an error the user must see, never silently a None.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any, Optional

import numpy as np

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"  # a time of day some writers append; dropped
_PATTERNS = (
    re.compile(rf"(\d{{4}})([-/.])(\d{{1,2}})\2(\d{{1,2}}){_TIME}"),
    re.compile(rf"(\d{{4}})()(\d{{2}})(\d{{2}}){_TIME}"),  # YYYYMMDD, also the DBF date layout
    re.compile(r"(\d{4})\s*(年)\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?"),
)
_BLANK_DBF_DATES = {"00000000", "0000-00-00"}


class DateError(ValueError):
    """A value is not a recognisable date; the message is for the user (Chinese)."""


def parse_date(value: Any) -> Optional[dt.date]:
    """``value`` as a date; None for blanks (None, '', NaN, NaT, '00000000'), DateError for anything else."""
    if value is None:
        return None
    if isinstance(value, dt.date):  # also datetime and pandas Timestamp; NaT is one and unequal to itself
        if value != value:
            return None
        return value.date() if isinstance(value, dt.datetime) else value
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else value.astype("datetime64[D]").item()
    if isinstance(value, (float, np.floating)) and math.isnan(value):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        if float(value).is_integer():
            value = str(int(value))
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str):
        raise DateError(f"无法识别的日期：“{value}”")
    text = value.strip()
    if not text or text in _BLANK_DBF_DATES:
        return None
    for pattern in _PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            year, _, month, day = match.groups()
            try:
                return dt.date(int(year), int(month), int(day))
            except ValueError:
                raise DateError(f"日期不存在：“{text}”") from None
    raise DateError(f"无法识别的日期：“{text}”")
