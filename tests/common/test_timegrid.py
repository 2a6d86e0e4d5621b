"""The time model: week lengths around DST, wall-clock mapping, grids."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from common.errors import InvalidInput
from common.timegrid import (
    UTC,
    PlanningWeek,
    clock_to_minute,
    local_day_start_utc,
    minute_to_clock,
    wall_to_utc,
    zone,
)


@pytest.mark.parametrize(
    ("tz", "first_day", "quarter_hours"),
    [
        ("America/Phoenix", date(2026, 3, 2), 672),  # no DST while New York springs forward
        ("America/Phoenix", date(2026, 10, 26), 672),
        ("America/New_York", date(2026, 3, 2), 668),  # clocks forward on Sun 8 Mar
        ("America/New_York", date(2026, 10, 26), 676),  # clocks back on Sun 1 Nov
        ("America/New_York", date(2026, 6, 1), 672),
        ("Europe/London", date(2026, 3, 23), 668),  # forward on Sun 29 Mar
        ("Europe/London", date(2026, 10, 19), 676),  # back on Sun 25 Oct
        ("Australia/Sydney", date(2026, 3, 30), 676),  # back on Sun 5 Apr
        ("Australia/Sydney", date(2026, 9, 28), 668),  # forward on Sun 4 Oct
    ],
)
def test_week_has_quarter_hours_of_its_local_days(tz: str, first_day: date, quarter_hours: int) -> None:
    week = PlanningWeek(first_day, tz, 15)
    assert week.grid.n_intervals == quarter_hours
    assert week.grid.end_utc == week.end_utc


@pytest.mark.parametrize(("interval", "expected"), [(30, 334), (60, 167)])
def test_week_grid_at_coarser_intervals(interval: int, expected: int) -> None:
    assert PlanningWeek(date(2026, 3, 2), "America/New_York", interval).grid.n_intervals == expected


def test_week_starts_at_local_midnight() -> None:
    week = PlanningWeek(date(2026, 11, 2), "America/Phoenix")
    assert week.start_utc == datetime(2026, 11, 2, 7, 0, tzinfo=UTC)
    assert week.days[-1] == date(2026, 11, 8)


def test_missing_wall_time_is_none_and_repeated_takes_first() -> None:
    ny = zone("America/New_York")
    assert wall_to_utc(date(2026, 3, 8), 2 * 60 + 30, ny) is None
    first = wall_to_utc(date(2026, 11, 1), 60 + 30, ny)
    assert first == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT, not 01:30 EST


def test_day_start_where_midnight_is_skipped() -> None:
    # Chile springs forward at 00:00: the day begins at 01:00 local
    santiago = zone("America/Santiago")
    start = local_day_start_utc(date(2026, 9, 6), santiago)
    assert start.astimezone(santiago).hour == 1


def test_shift_across_dst_is_elapsed_hours() -> None:
    ny = zone("America/New_York")
    start = wall_to_utc(date(2026, 3, 7), 22 * 60, ny)
    assert start is not None
    end = start + timedelta(hours=8)
    assert end.astimezone(ny).hour == 7  # 8 elapsed hours end at 07:00 after the jump


@pytest.mark.parametrize(
    "name", ["Eastern Time", "Mars/Olympus", "", " Europe/London", "localtime", "posixrules", "Factory"]
)
def test_unknown_zone_is_a_clear_error(name: str) -> None:
    with pytest.raises(InvalidInput, match="unknown time zone"):
        zone(name)


def test_interval_length_must_be_allowed() -> None:
    with pytest.raises(InvalidInput, match="not allowed"):
        PlanningWeek(date(2026, 3, 2), "UTC", 20)


def test_grid_index_rejects_off_grid_instants() -> None:
    grid = PlanningWeek(date(2026, 3, 2), "UTC", 15).grid
    assert grid.index_of(datetime(2026, 3, 2, 0, 30, tzinfo=UTC)) == 2
    with pytest.raises(InvalidInput, match="not the start"):
        grid.index_of(datetime(2026, 3, 2, 0, 20, tzinfo=UTC))


@pytest.mark.parametrize(("text", "minute"), [("00:00", 0), ("9:05", 545), (" 23:59 ", 1439), ("07:30", 450)])
def test_a_time_of_day_reads_as_minutes_and_back(text: str, minute: int) -> None:
    assert clock_to_minute(text) == minute
    assert clock_to_minute(minute_to_clock(minute)) == minute


@pytest.mark.parametrize("text", ["24:00", "12:60", "9am", "9:5", "", "12:00:00", "-1:00"])
def test_a_time_of_day_out_of_range_or_badly_written_is_refused_in_words(text: str) -> None:
    with pytest.raises(ValueError, match="not a time of day; write HH:MM between 00:00 and 23:59"):
        clock_to_minute(text)


@pytest.mark.parametrize("first_day", [date(9999, 12, 27), date(1, 1, 1), date(2263, 1, 1)])
def test_a_week_beyond_the_years_instants_can_hold_is_refused(first_day: date) -> None:
    with pytest.raises(InvalidInput, match="starts in the years"):
        PlanningWeek(first_day, "UTC")
