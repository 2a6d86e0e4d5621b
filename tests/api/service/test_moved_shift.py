"""Moving a shift by hand: its new start in the agent's zone, its breaks along, DST gaps refused."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from api.service.rostering import moved_shift
from common.errors import InvalidInput
from scheduler.domain import Activity, Shift


def _shift(day: date, start_hour_utc: int) -> Shift:
    start = datetime(day.year, day.month, day.day, start_hour_utc, tzinfo=UTC)
    lunch = start.replace(hour=start_hour_utc + 4)
    return Shift(
        "a1",
        day,
        start,
        start.replace(hour=start_hour_utc + 8),
        "email",
        breaks=(Activity("lunch", lunch, lunch.replace(minute=30)),),
    )


def test_a_shift_moves_with_its_breaks_on_a_dst_day() -> None:
    # Sunday 29 Mar 2026: London springs forward at 01:00; 07:00 BST is 06:00 UTC
    day = date(2026, 3, 29)
    moved = moved_shift(_shift(day, 9), "Europe/London", "07:00")
    assert moved.start_utc == datetime(2026, 3, 29, 6, tzinfo=UTC)
    assert moved.end_utc == datetime(2026, 3, 29, 14, tzinfo=UTC)
    assert moved.breaks[0].start_utc == datetime(2026, 3, 29, 10, tzinfo=UTC)
    assert moved.local_date == day


def test_a_start_the_clocks_skip_is_refused() -> None:
    with pytest.raises(InvalidInput, match="does not exist"):
        moved_shift(_shift(date(2026, 3, 29), 9), "Europe/London", "01:30")
