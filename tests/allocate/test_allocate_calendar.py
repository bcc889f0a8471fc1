"""Working-day calendars: CN statutory holidays and 调休 make-up days, unpublished years, overrides."""

from __future__ import annotations

from datetime import date

import holidays
import pytest
from holidays.countries.china import ChinaStaticHolidays
from pydantic import ValidationError

from metricdsl.allocate import CalendarError, CalendarSpec, DateRange, WorkCalendar

CN = CalendarSpec(name="cn", country="CN")


def days(start: date, end: date | None = None) -> DateRange:
    return DateRange(start=start, end=end or start)


def test_spring_festival_2025_is_off_and_its_make_up_weekend_days_are_worked() -> None:
    calendar = WorkCalendar(CN)
    spring_festival = [date(2025, 1, 28), date(2025, 1, 29), date(2025, 1, 31), date(2025, 2, 3), date(2025, 2, 4)]
    assert not any(calendar.is_workday(day) for day in spring_festival)
    assert calendar.is_workday(date(2025, 1, 26))  # Sunday, 调休 for 2 Feb
    assert calendar.is_workday(date(2025, 2, 8))  # Saturday, 调休 for 4 Feb
    assert not calendar.is_workday(date(2025, 2, 9))  # an ordinary Sunday


def test_the_other_2025_make_up_days_and_golden_week() -> None:
    calendar = WorkCalendar(CN)
    assert all(calendar.is_workday(day) for day in (date(2025, 4, 27), date(2025, 9, 28), date(2025, 10, 11)))
    assert calendar.workdays(date(2025, 10, 1), date(2025, 10, 8)) == 0


def test_workday_counts_of_2025() -> None:
    calendar = WorkCalendar(CN)
    # January: 23 weekdays − 1 Jan − 28..31 Jan + Sunday 26 Jan = 19.
    assert calendar.workdays(date(2025, 1, 1), date(2025, 1, 31)) == 19
    # February: 20 weekdays − 3, 4 Feb + Saturday 8 Feb = 19.
    assert calendar.workdays(date(2025, 2, 1), date(2025, 2, 28)) == 19
    assert calendar.workdays(date(2025, 1, 1), date(2025, 12, 31)) == 248
    assert calendar.workdays(date(2025, 2, 1), date(2025, 1, 31)) == 0


def test_published_years_do_not_warn_and_2027_does() -> None:
    calendar = WorkCalendar(CN)
    assert calendar.is_published(2025) and calendar.is_published(2026)
    assert calendar.warnings_for(date(2025, 1, 1), date(2026, 12, 31)) == []
    (warning,) = calendar.warnings_for(date(2027, 1, 1), date(2027, 12, 31))
    assert "2027" in warning and "without make-up workdays" in warning and "closed/open" in warning


def test_the_calendar_warns_for_every_year_it_was_asked_about() -> None:
    calendar = WorkCalendar(CN)
    calendar.workdays(date(2026, 12, 1), date(2027, 1, 31))
    assert len(calendar.warnings) == 1 and "2027" in calendar.warnings[0]


def test_publication_is_read_from_the_package_data(monkeypatch: pytest.MonkeyPatch) -> None:
    schedule = {**ChinaStaticHolidays.special_public_holidays, 2027: ((2, 12, 2, 20),)}
    monkeypatch.setattr(ChinaStaticHolidays, "special_public_holidays", schedule)
    calendar = WorkCalendar(CN)
    assert calendar.is_published(2027) and not calendar.is_published(2028)
    assert calendar.is_workday(date(2027, 2, 20))  # the make-up Saturday the patched data declares


def test_2027_uses_the_computed_holidays() -> None:
    calendar = WorkCalendar(CN)
    computed = holidays.country_holidays("CN", years=2027)
    new_year = date(2027, 2, 6)
    assert new_year in computed and not calendar.is_workday(date(2027, 2, 8))
    assert calendar.is_workday(date(2027, 2, 13)) is False  # no make-up Saturday without a schedule


def test_closed_and_open_override_the_country() -> None:
    spec = CalendarSpec(
        name="cn",
        country="CN",
        closed=[days(date(2027, 2, 15), date(2027, 2, 17)), days(date(2027, 10, 8))],
        open=[date(2027, 2, 20), date(2027, 10, 1)],
    )
    calendar = WorkCalendar(spec)
    assert not any(calendar.is_workday(date(2027, 2, day)) for day in (15, 16, 17))
    assert not calendar.is_workday(date(2027, 10, 8))
    assert calendar.is_workday(date(2027, 2, 20))  # a Saturday
    assert calendar.is_workday(date(2027, 10, 1))  # National Day, opened
    assert calendar.is_workday(date(2027, 2, 18))  # untouched Thursday


def test_without_a_country_weekdays_are_workdays() -> None:
    calendar = WorkCalendar(CalendarSpec(name="office", closed=[days(date(2027, 1, 4))], open=[date(2027, 1, 9)]))
    assert calendar.workdays(date(2027, 1, 4), date(2027, 1, 10)) == 5  # Mon closed, Sat opened
    assert WorkCalendar().workdays(date(2027, 1, 1), date(2027, 1, 31)) == 21
    assert WorkCalendar().warnings_for(date(2027, 1, 1), date(2030, 1, 1)) == []


def test_a_day_both_closed_and_open_is_rejected() -> None:
    with pytest.raises(ValidationError, match="both closed and open"):
        CalendarSpec(name="x", closed=[days(date(2027, 1, 1), date(2027, 1, 5))], open=[date(2027, 1, 3)])


def test_an_unknown_country_is_reported() -> None:
    with pytest.raises(CalendarError, match="unknown country code 'XX'"):
        WorkCalendar(CalendarSpec(name="x", country="XX")).is_workday(date(2027, 1, 1))
