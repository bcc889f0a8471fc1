"""W003 (calendar year not published) speaks of make-up workdays (调休) only for China: a German,
American or British calendar gets the same warning without China-specific words (issue 14)."""

from __future__ import annotations

from datetime import date

import pytest

from metricdsl.allocate import CalendarSpec, WorkCalendar


@pytest.mark.parametrize("country", ["DE", "US", "GB"])
def test_the_unpublished_year_warning_has_no_china_specific_words(country: str) -> None:
    calendar = WorkCalendar(CalendarSpec(name=country.lower(), country=country))
    warnings = calendar.warnings_for(date(2031, 1, 1), date(2031, 12, 31))
    for warning in warnings:
        assert f"official {country} holiday schedule for 2031" in warning
        assert "调休" not in warning and "make-up" not in warning
        assert warning.endswith("using its computed holidays, plus this calendar's closed/open days")


def test_the_chinese_warning_keeps_its_make_up_workdays() -> None:
    (warning,) = WorkCalendar(CalendarSpec(name="cn", country="CN")).warnings_for(date(2031, 1, 1), date(2031, 12, 31))
    assert "without make-up workdays (调休)" in warning
