"""Time grains and every piece of calendar arithmetic the compiler does on buckets.

One place for: the grain names, `time.<grain>` names, months and days per unit, bucket starts,
month steps clamped at month end, year shifts that respect 29 February, and the rules that say
whether an offset or a window is a whole number of a query's buckets (LANGUAGE.md §5).
"""

from __future__ import annotations

import datetime
from typing import Literal, TypeGuard

Grain = Literal["day", "week", "month", "quarter", "year"]
Unit = Literal["day", "week", "month", "quarter", "year", "period"]

TIME_GRAINS: tuple[Grain, ...] = ("day", "week", "month", "quarter", "year")
TIME_PREFIX = "time."
MONTHS_PER_UNIT: dict[str, int] = {"month": 1, "quarter": 3, "year": 12}
DAYS_PER_UNIT: dict[str, int] = {"day": 1, "week": 7}
GRAIN_RANK: dict[str, int] = {grain: rank for rank, grain in enumerate(TIME_GRAINS)}


def is_grain(name: str) -> TypeGuard[Grain]:
    return name in TIME_GRAINS


def time_name(grain: str) -> str:
    """`month` → `time.month`."""
    return TIME_PREFIX + grain


def is_time_name(name: str) -> bool:
    """`time.month`, or `time.<anything>` (an unknown grain is still a time reference)."""
    return name.startswith(TIME_PREFIX)


def parse_time_name(name: str) -> Grain | None:
    """`time.month` → `month`; None for a name that is not a known time dimension."""
    if not is_time_name(name):
        return None
    grain = name[len(TIME_PREFIX):]
    return grain if is_grain(grain) else None


def grain_rank(grain: str) -> int:
    """Finer grains rank lower: day 0 … year 4."""
    return GRAIN_RANK[grain]


def whole_buckets(unit: str, count: int, grain: str) -> bool:
    """Is an offset of `count` `unit`s a whole number of `grain` buckets?"""
    if grain in MONTHS_PER_UNIT:
        return unit in MONTHS_PER_UNIT and (MONTHS_PER_UNIT[unit] * count) % MONTHS_PER_UNIT[grain] == 0
    if grain == "week":
        return unit in DAYS_PER_UNIT and (DAYS_PER_UNIT[unit] * count) % 7 == 0
    return True  # day grain: every offset lands on a day


def window_covers(unit: str, count: int, grain: str) -> bool:
    """Is a rolling window of `count` `unit`s a whole number (at least one) of `grain` buckets?"""
    if grain == "day":
        return True
    if grain == "week":
        return unit in DAYS_PER_UNIT and (DAYS_PER_UNIT[unit] * count) % 7 == 0
    return unit in MONTHS_PER_UNIT and (MONTHS_PER_UNIT[unit] * count) % MONTHS_PER_UNIT[grain] == 0


def bucket_start(value: datetime.date, grain: str) -> datetime.date:
    """The first day of the bucket that holds `value` (ISO weeks start on Monday)."""
    if grain == "day":
        return value
    if grain == "week":
        return value - datetime.timedelta(days=value.weekday())
    if grain == "month":
        return value.replace(day=1)
    if grain == "quarter":
        return value.replace(month=(value.month - 1) // 3 * 3 + 1, day=1)
    return value.replace(month=1, day=1)


def month_end(day: datetime.date) -> datetime.date:
    next_month = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return next_month - datetime.timedelta(days=1)


def shift_months(month: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after `month`'s month."""
    index = month.year * 12 + month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_before(value: datetime.date, months: int) -> datetime.date:
    """The same day `months` earlier; the day must exist there (callers pass first days of months)."""
    index = value.year * 12 + value.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, value.day)


def shift_year(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (29 February becomes 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
