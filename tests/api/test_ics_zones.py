"""api/ics_zones.py: each VTIMEZONE onset is the zone's real change, written in the offset before it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Component

from api.exports import agent_ics_bytes
from api.ics_zones import calendar_years, vtimezone
from api.schemas import team_from_mapping
from scheduler.domain import Roster, Shift
from tests.api.service.conftest import tiny_team

QUARTER = timedelta(minutes=15)
ZONES = (
    "Europe/Lisbon",  # EU: 01:00 UTC
    "Europe/London",
    "America/New_York",  # US: 02:00 local
    "Australia/Sydney",  # southern hemisphere: daylight time over the new year
    "Australia/Lord_Howe",  # a 30-minute change
    "America/Phoenix",  # no daylight time
    "Asia/Manila",
    "Africa/Casablanca",  # an hour back for Ramadan
)


def slow_changes(
    tz_name: str, first_year: int, last_year: int
) -> list[tuple[datetime, timedelta, timedelta]]:
    """The zone's changes in the years as (UTC instant, offset before, offset after), the slow way:
    every quarter-hour of UTC (every change of these zones falls on one)."""
    tz = ZoneInfo(tz_name)
    at = datetime(first_year, 1, 1, tzinfo=tz).astimezone(UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=tz).astimezone(UTC)
    before = at.astimezone(tz).utcoffset()
    out = []
    while at < end:
        at += QUARTER
        now = at.astimezone(tz).utcoffset()
        if now != before:
            assert before is not None
            assert now is not None
            out.append((at, before, now))
            before = now
    return out


def onsets(block: Component) -> list[tuple[datetime, timedelta, timedelta]]:
    """Every onset of the block as (UTC instant, TZOFFSETFROM, TZOFFSETTO), read as RFC 5545 says:
    a local time in the offset before the change."""
    out = []
    for part in block.walk():
        if part.name not in ("STANDARD", "DAYLIGHT"):
            continue
        before, after = part.decoded("tzoffsetfrom"), part.decoded("tzoffsetto")
        starts = [part.decoded("dtstart")]
        rdates = part.get("rdate", [])
        for rdate in rdates if isinstance(rdates, list) else [rdates]:
            starts += [d.dt for d in rdate.dts]
        out += [((s - before).replace(tzinfo=UTC), before, after) for s in starts]
    return sorted(out)


@pytest.mark.parametrize("tz_name", ZONES)
def test_every_onset_is_the_zones_change_in_the_offset_before_it(tz_name: str) -> None:
    block = vtimezone(tz_name, 2026, 2028)
    start = datetime(2026, 1, 1, tzinfo=ZoneInfo(tz_name)).astimezone(UTC)
    changes = [o for o in onsets(block) if o[1] != o[2] and o[0] >= start]
    assert changes == slow_changes(tz_name, 2026, 2028)


@pytest.mark.parametrize(
    ("tz_name", "kind", "onset", "before", "after"),
    [
        ("Europe/Lisbon", "DAYLIGHT", "20270328T010000", "+0000", "+0100"),  # 01:00 UTC
        ("Europe/Lisbon", "STANDARD", "20271031T020000", "+0100", "+0000"),
        ("America/New_York", "DAYLIGHT", "20270314T020000", "-0500", "-0400"),
        ("America/New_York", "STANDARD", "20271107T020000", "-0400", "-0500"),
        ("Australia/Sydney", "DAYLIGHT", "20271003T020000", "+1000", "+1100"),
        ("Australia/Sydney", "STANDARD", "20270404T030000", "+1100", "+1000"),
        ("Australia/Lord_Howe", "DAYLIGHT", "20271003T020000", "+1030", "+1100"),
        ("Australia/Lord_Howe", "STANDARD", "20270404T020000", "+1100", "+1030"),
    ],
)
def test_the_onsets_read_as_rfc_5545_writes_them(
    tz_name: str, kind: str, onset: str, before: str, after: str
) -> None:
    text = vtimezone(tz_name, 2027, 2027).to_ical().decode()
    parts = [p for p in text.split("BEGIN:")[2:] if p.startswith(kind)]
    assert any(onset in p and f"TZOFFSETFROM:{before}" in p and f"TZOFFSETTO:{after}" in p for p in parts), (
        text
    )


@pytest.mark.parametrize(
    "tz_name", ["Europe/Lisbon", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe"]
)
def test_a_calendar_program_reading_only_the_block_gets_every_offset_right(tz_name: str) -> None:
    """dateutil's reader of VTIMEZONE (what icalendar uses) stands in for a program without tzdata."""
    read = vtimezone(tz_name, 2027, 2027).to_tz(lookup_tzid=False)
    tz = ZoneInfo(tz_name)
    at = datetime(2027, 1, 1, tzinfo=tz).astimezone(UTC)
    wrong = []
    while at < datetime(2028, 1, 1, tzinfo=tz):
        if at.astimezone(read).utcoffset() != at.astimezone(tz).utcoffset():
            wrong.append(at)
        at += QUARTER
    assert wrong == []


def test_a_zone_without_daylight_time_has_one_observance() -> None:
    block = vtimezone("America/Phoenix", 2027, 2027)
    (part,) = [p for p in block.walk() if p.name in ("STANDARD", "DAYLIGHT")]
    assert part.name == "STANDARD"
    assert part.decoded("tzoffsetfrom") == part.decoded("tzoffsetto") == timedelta(hours=-7)


def test_the_years_of_a_calendar() -> None:
    assert calendar_years([date(2027, 12, 31), date(2028, 1, 1)], date(2020, 1, 1)) == (2027, 2028)
    assert calendar_years([], date(2020, 5, 1)) == (2020, 2020)


def test_an_agents_calendar_across_the_lisbon_change_carries_the_right_onset() -> None:
    mapping = tiny_team()
    mapping["agents"][0]["tz"] = "Europe/Lisbon"
    team = team_from_mapping(mapping)
    sunday = date(2027, 3, 28)
    shift = Shift(
        "a1", sunday, datetime(2027, 3, 28, 5, tzinfo=UTC), datetime(2027, 3, 28, 13, tzinfo=UTC), "email"
    )
    cal = Calendar.from_ical(agent_ics_bytes(Roster(team.name, date(2027, 3, 22), (shift,)), team, "a1"))
    (block,) = cal.walk("VTIMEZONE")
    assert block["tzid"] == "Europe/Lisbon"
    assert cal.subcomponents[0].name == "VTIMEZONE"  # before the events that use it
    assert (datetime(2027, 3, 28, 1, tzinfo=UTC), timedelta(0), timedelta(hours=1)) in onsets(block)
    assert not cal.get_missing_tzids()
    (event,) = cal.walk("VEVENT")
    assert event.decoded("dtstart").isoformat() == "2027-03-28T06:00:00+01:00"
