"""W003 (calendar year not published) belongs to calendars announced year by year (China, with its
make-up workdays, 调休); rule-based calendars (DE, US, GB) never get it (issue 14)."""

from __future__ import annotations

from datetime import date

import pytest

from metricdsl.allocate import CalendarSpec, WorkCalendar


@pytest.mark.parametrize("country", ["DE", "US", "GB"])
def test_rule_based_calendars_never_warn(country: str) -> None:
    """Their holidays follow fixed rules (a one-off like DE's 2017 Reformation Day is no schedule), so no
    year is "unpublished": W003 used to fire for every year but 2017 on a German calendar."""
    calendar = WorkCalendar(CalendarSpec(name=country.lower(), country=country))
    assert calendar.warnings_for(date(2026, 1, 1), date(2031, 12, 31)) == []
    assert calendar.is_workday(date(2031, 12, 25)) is False


def test_the_chinese_warning_keeps_its_make_up_workdays() -> None:
    (warning,) = WorkCalendar(CalendarSpec(name="cn", country="CN")).warnings_for(date(2031, 1, 1), date(2031, 12, 31))
    assert "without make-up workdays (调休)" in warning
