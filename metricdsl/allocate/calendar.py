"""Working-day calendars for `spread: … by workdays(cal)` (LANGUAGE.md §9).

With a country, holidays and make-up workdays (调休, weekend days that are worked) come from the
`holidays` package. A year is *published* when the package carries that country's official
schedule for it: for countries whose schedule is decreed yearly (the package keeps it in
`special_public_holidays`, by year), a year past the last one in that table — or before the
first — is not published, and the package's computed holidays are used without make-up workdays,
with a warning. `closed` and `open` override everything. Without a country: Monday–Friday.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from functools import cached_property
from importlib.metadata import version
from typing import TYPE_CHECKING

from metricdsl.errors import CalendarError
from metricdsl.ir.targets import CalendarSpec

if TYPE_CHECKING:
    import holidays  # imported when a calendar first needs a year: `metricdsl sql` stays light

SATURDAY = 5


def days_between(start: date, end: date) -> Iterator[date]:
    """Every day from start to end, both inclusive."""
    for offset in range((end - start).days + 1):
        yield start + timedelta(days=offset)


class WorkCalendar:
    """Answers "is this a working day?" for one `calendar` declaration."""

    def __init__(self, spec: CalendarSpec | None = None) -> None:
        self.spec = spec or CalendarSpec(name="weekdays")
        self._closed = frozenset(d for r in self.spec.closed for d in days_between(r.start, r.end))
        self._open = frozenset(self.spec.open)
        self._by_year: dict[int, holidays.HolidayBase] = {}
        self._years_seen: set[int] = set()

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def country(self) -> str | None:
        return self.spec.country

    def is_workday(self, day: date) -> bool:
        self._years_seen.add(day.year)
        if day in self._open:
            return True
        if day in self._closed:
            return False
        if self.country is None:
            return day.weekday() < SATURDAY
        return bool(self._holidays(day.year).is_working_day(day))

    def workdays(self, start: date, end: date) -> int:
        """Working days from start to end, both inclusive (0 when end < start)."""
        return sum(self.is_workday(day) for day in days_between(start, end))

    def is_published(self, year: int) -> bool:
        """Whether the package holds the official schedule (holidays and 调休) for `year`."""
        if self.country not in YEARLY_SCHEDULES:
            return True  # rule-based holidays (DE, US, GB …): every year is as known as it will be
        published = self._published_years
        return not published or min(published) <= year <= max(published)

    def warnings_for(self, start: date, end: date) -> list[str]:
        return [self._unpublished_warning(y) for y in range(start.year, end.year + 1) if not self.is_published(y)]

    @property
    def warnings(self) -> list[str]:
        """Warnings for every year this calendar has been asked about so far."""
        return [self._unpublished_warning(y) for y in sorted(self._years_seen) if not self.is_published(y)]

    def _unpublished_warning(self, year: int) -> str:
        # Make-up workdays (调休) are a Chinese practice: other countries' warnings do not mention them.
        missing = " without make-up workdays (调休)" if self.country == "CN" else ""
        return (
            f"calendar {self.name}: the official {self.country} holiday schedule for {year} is not "
            f"in the holidays package ({version('holidays')}); using its computed holidays"
            f"{missing}, plus this calendar's closed/open days"
        )

    @cached_property
    def _published_years(self) -> frozenset[int]:
        schedule = getattr(self._holidays(date.today().year), "special_public_holidays", {})
        return frozenset(schedule)

    def _holidays(self, year: int) -> holidays.HolidayBase:
        if year not in self._by_year:
            self._by_year[year] = _country_holidays(str(self.country), year)
        return self._by_year[year]


YEARLY_SCHEDULES = frozenset({"CN"})
"""Countries whose holidays and make-up workdays are announced year by year (China's State Council);
only for these can a year be "not published yet" (W003)."""


def _country_holidays(country: str, year: int) -> holidays.HolidayBase:
    import holidays

    try:
        return holidays.country_holidays(country, years=year)
    except NotImplementedError as error:
        raise CalendarError(f"unknown country code {country!r} (the holidays package has no such country)") from error
