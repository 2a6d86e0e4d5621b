"""forecasting/calendar.py: each region keeps its country's, or its subdivision's, public holidays."""

from __future__ import annotations

from datetime import date

import pytest

from common.errors import InvalidInput
from common.timegrid import PlanningWeek
from forecasting import holidays_in_grid
from forecasting.calendar import (
    ZONE_SUBDIVISIONS,
    country_of_zone,
    holiday_calendar_of_zone,
    public_holidays,
    split_calendar,
)
from forecasting.core import holiday_country_of

EASTER_MONDAY_2027 = date(2027, 3, 29)


def test_london_keeps_englands_bank_holidays_with_easter_monday() -> None:
    week = PlanningWeek(EASTER_MONDAY_2027, "Europe/Lisbon", 60)
    applied = holidays_in_grid(["Europe/London", "Europe/Lisbon"], week.grid)
    assert applied["Europe/London"][EASTER_MONDAY_2027] == "Easter Monday"
    assert EASTER_MONDAY_2027 not in applied["Europe/Lisbon"]  # not a public holiday in Portugal


@pytest.mark.parametrize(
    ("tz", "calendar"),
    [
        ("Europe/London", "GB-ENG"),
        ("Europe/Lisbon", "PT"),
        ("Atlantic/Madeira", "PT-30"),
        ("Australia/Sydney", "AU-NSW"),
        ("Australia/Lord_Howe", "AU-NSW"),
        ("Australia/Perth", "AU-WA"),
        ("America/Vancouver", "CA-BC"),
        ("America/Toronto", "CA"),  # Ontario and Quebec keep this clock: the federal list
        ("America/New_York", "US"),  # federal holidays: a zone spans many states
        ("America/Phoenix", "US"),
        ("Asia/Manila", "PH"),
        ("UTC", None),
    ],
)
def test_a_zones_holiday_calendar(tz: str, calendar: str | None) -> None:
    assert holiday_calendar_of_zone(tz) == calendar


@pytest.mark.parametrize("tz", sorted(ZONE_SUBDIVISIONS))
def test_every_mapped_zone_names_a_subdivision_with_holidays_of_its_own(tz: str) -> None:
    calendar = holiday_calendar_of_zone(tz)
    assert calendar is not None, f"{tz} is not in zone.tab"
    country, subdivision = split_calendar(calendar)
    assert country == country_of_zone(tz)
    assert subdivision == ZONE_SUBDIVISIONS[tz]
    year = (date(2027, 1, 1), date(2027, 12, 31))
    assert public_holidays(calendar, *year) != public_holidays(country, *year)  # the mapping matters


def test_a_region_can_keep_another_subdivisions_holidays() -> None:
    scotland = public_holidays("GB-SCT", date(2027, 1, 1), date(2027, 12, 31))
    assert EASTER_MONDAY_2027 not in scotland
    assert scotland[date(2027, 1, 4)].startswith("New Year Holiday")  # 2 January falls on a Saturday
    assert holiday_country_of("Europe/London", {"Europe/London": "GB-SCT"}) == "GB-SCT"
    assert holiday_country_of("Europe/London", None) == "GB-ENG"


def test_an_unknown_subdivision_is_refused_by_name() -> None:
    with pytest.raises(InvalidInput, match="subdivision 'XX' of GB"):
        public_holidays("GB-XX", date(2027, 1, 1), date(2027, 12, 31))
    assert public_holidays("ZZ", date(2027, 1, 1), date(2027, 12, 31)) == {}  # no such country: none
