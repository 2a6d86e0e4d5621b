"""Times in the roster grid and calendars read the same for everyone, also on the night clocks change."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from api.exports import wall_clock


@pytest.mark.parametrize(
    ("tz", "utc", "shown"),
    [
        ("Europe/Berlin", datetime(2027, 10, 31, 0, 45, tzinfo=UTC), "02:45 CEST"),  # the first 02:45
        ("Europe/Berlin", datetime(2027, 10, 31, 1, 45, tzinfo=UTC), "02:45 CET"),  # an hour later, again
        ("Europe/Berlin", datetime(2027, 10, 31, 2, 0, tzinfo=UTC), "03:00"),
        ("America/New_York", datetime(2027, 11, 7, 5, 30, tzinfo=UTC), "01:30 EDT"),
        ("America/New_York", datetime(2027, 11, 7, 6, 30, tzinfo=UTC), "01:30 EST"),
        ("America/New_York", datetime(2027, 3, 14, 7, 0, tzinfo=UTC), "03:00"),  # spring: 02:xx never is
        ("Asia/Kolkata", datetime(2027, 10, 31, 0, 45, tzinfo=UTC), "06:15"),
    ],
)
def test_a_time_the_wall_shows_twice_names_its_zone(tz: str, utc: datetime, shown: str) -> None:
    assert wall_clock(utc.astimezone(ZoneInfo(tz))) == shown
