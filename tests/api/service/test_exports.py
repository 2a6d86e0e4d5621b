"""api/exports.py on a hand-built roster: local times per agent zone, across midnight, in every format."""

from __future__ import annotations

import io
import itertools
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from api.exports import agent_ics_bytes, roster_csv_bytes, roster_xlsx_bytes
from api.formats import ROSTER_COLUMNS
from api.schemas import team_from_mapping
from common.timegrid import PlanningWeek
from scheduler.domain import Activity, AvailabilityEntry, QueueSpan, Roster, Shift, Team
from scheduler.roster.problem import Problem
from scheduler.roster.report import coverage_frame
from tests.api.service.conftest import WEEK, tiny_team


def _roster() -> tuple[Problem, Roster]:
    team = team_from_mapping(tiny_team())
    week = PlanningWeek(WEEK, team.tz, team.interval_minutes)
    problem = Problem(
        team,
        week,
        {"email": np.ones(week.grid.n_intervals)},
        (AvailabilityEntry("a1", "time_off", on_date=date(2026, 11, 4)),),
    )
    shifts = (
        Shift("a1", WEEK, datetime(2026, 11, 2, 9, tzinfo=UTC), datetime(2026, 11, 2, 17, tzinfo=UTC), "email",
              (Activity("break", datetime(2026, 11, 2, 11, tzinfo=UTC), datetime(2026, 11, 2, 11, 15, tzinfo=UTC)),)),
        # New York: 20:00 local on Monday until 04:00 on Tuesday
        Shift("a2", WEEK, datetime(2026, 11, 3, 1, tzinfo=UTC), datetime(2026, 11, 3, 9, tzinfo=UTC), "email"),
    )  # fmt: skip
    return problem, Roster(team.name, WEEK, shifts)


def test_csv_bytes_are_the_contract_with_local_times_for_spreadsheets() -> None:
    problem, roster = _roster()
    data = roster_csv_bytes(roster, problem.team)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
    frame = pd.read_csv(io.BytesIO(data), dtype=str)
    assert tuple(frame.columns) == (*ROSTER_COLUMNS, "local_start", "local_end")
    assert list(frame["activity"]) == ["shift", "break", "shift"]
    assert frame.loc[2, "start"] == "2026-11-02T20:00:00-05:00"
    assert (frame.loc[2, "local_start"], frame.loc[2, "local_end"]) == (
        "2026-11-02 20:00",
        "2026-11-03 04:00",
    )


def test_xlsx_grid_shows_local_times_days_off_and_time_off() -> None:
    problem, roster = _roster()
    book = load_workbook(
        io.BytesIO(
            roster_xlsx_bytes(
                problem.team, roster, coverage_frame(problem, roster), availability=problem.availability
            )
        )
    )
    grid = book["Roster"]
    assert grid["D2"].value == "09:00–17:00\nemail\nbreak 11:00"
    assert grid["D3"].value == "20:00–04:00 (+1)\nemail"
    assert grid["E2"].value == "off"
    assert grid["F2"].value == "time off"
    assert grid.cell(row=2, column=grid.max_column).value == 8.0
    coverage = book["Coverage"]
    assert [c.value for c in coverage[1]][:2] == ["Queue", "Interval start (Europe/London)"]
    assert coverage["B2"].value == datetime(2026, 11, 2, 0, 0)


def test_xlsx_without_availability_shows_days_off_only() -> None:
    problem, roster = _roster()
    book = load_workbook(io.BytesIO(roster_xlsx_bytes(problem.team, roster, coverage_frame(problem, roster))))
    assert book["Roster"]["F2"].value == "off"


def test_ics_times_are_in_the_agents_zone() -> None:
    problem, roster = _roster()
    cal = Calendar.from_ical(agent_ics_bytes(roster, problem.team, "a2"))
    (event,) = cal.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start.isoformat() == "2026-11-02T20:00:00-05:00"
    assert str(start.tzinfo) == "America/New_York"
    assert b"TZID=America/New_York" in agent_ics_bytes(roster, problem.team, "a2")
    assert cal.walk("VTIMEZONE")
    assert event["uid"] == "tiny-desk-a2-2026-11-02@wfm-optimizer"


def test_a_sick_day_reads_sick_in_the_grid_and_the_calendar() -> None:
    problem, roster = _roster()
    sick = replace(
        problem, availability=(AvailabilityEntry("a1", "absence", on_date=date(2026, 11, 4), note="flu"),)
    )
    grid = load_workbook(
        io.BytesIO(
            roster_xlsx_bytes(sick.team, roster, coverage_frame(sick, roster), availability=sick.availability)
        )
    )["Roster"]
    assert grid["F2"].value == "sick"
    cal = Calendar.from_ical(agent_ics_bytes(roster, sick.team, "a1", availability=sick.availability))
    assert "Sick" in [str(e["summary"]) for e in cal.walk("VEVENT")]  # without HR's note ("flu")


def test_a_weeks_calendar_holds_the_days_away_of_that_week_only() -> None:
    """A week's calendar is the week's: time off in other years neither comes in nor widens its zone
    block (HR's days away of every year would make each download larger and slower)."""
    problem, roster = _roster()
    away = (
        AvailabilityEntry("a1", "time_off", on_date=date(2026, 11, 5), note="dentist"),
        AvailabilityEntry("a1", "time_off", on_date=date(2199, 12, 31), note="far"),
        AvailabilityEntry("a1", "time_off", on_date=date(1900, 1, 1), note="early"),
    )
    ics = agent_ics_bytes(roster, problem.team, "a1", availability=away)
    summaries = [str(e["summary"]) for e in Calendar.from_ical(ics).walk("VEVENT")]
    assert "Time off: dentist" in summaries
    assert not any("far" in t or "early" in t for t in summaries)
    assert len(ics) < 20_000


def test_a_calendar_after_a_re_roster_cancels_the_shifts_no_longer_worked() -> None:
    """An agent who imported the published calendar gets, with the new one, each dropped shift as a
    cancelled event of the same UID, and every event a SEQUENCE later than the earlier file's."""
    problem, published = _roster()
    mine = published.shifts_of("a1")
    dropped = mine[0]
    now = replace(published, shifts=tuple(s for s in published.shifts if s is not dropped))
    first = datetime(2026, 11, 1, 9, tzinfo=UTC)  # the re-roster is written 5 s later
    before = Calendar.from_ical(agent_ics_bytes(published, problem.team, "a1", stamp=first))
    after = Calendar.from_ical(
        agent_ics_bytes(
            now,
            problem.team,
            "a1",
            stamp=first + timedelta(seconds=5),
            replaces=published,
            availability=problem.availability,
        )
    )
    old = {str(e["uid"]): e for e in before.walk("VEVENT")}
    new = {str(e["uid"]): e for e in after.walk("VEVENT")}
    assert old.keys() <= new.keys()  # the same days, one of them now cancelled (and a day of time off)
    cancelled = [uid for uid, e in new.items() if str(e.get("status", "")) == "CANCELLED"]
    assert cancelled == [f"tiny-desk-a1-{dropped.local_date.isoformat()}@wfm-optimizer"]
    assert new[cancelled[0]].decoded("dtstart") == dropped.start_utc
    assert all(int(str(new[uid]["sequence"])) > int(str(old[uid]["sequence"])) for uid in old)
    assert len(new) == len(old) + 1
    assert all("sequence" in e for e in after.walk("VEVENT"))  # the day of time off too
    assert str(after["method"]) == "PUBLISH"


def test_a_local_day_outside_the_week_is_named_and_blank_for_the_others() -> None:
    """A New York agent's shift at 03:00 London on the week's first Monday starts on Sunday in New
    York: that Sunday gets a column, named as outside the week, and it is not a day off for anyone."""
    problem, roster = _roster()
    early = Shift(
        "a2",
        date(2026, 11, 1),
        datetime(2026, 11, 2, 3, tzinfo=UTC),
        datetime(2026, 11, 2, 11, tzinfo=UTC),
        "email",
    )
    roster = replace(roster, shifts=(*roster.shifts, early))
    grid = load_workbook(
        io.BytesIO(
            roster_xlsx_bytes(
                problem.team, roster, coverage_frame(problem, roster), availability=problem.availability
            )
        )
    )["Roster"]
    assert grid["D1"].value == "Sun 01 Nov\n(local day, outside the week)"
    assert grid["E1"].value == "Mon 02 Nov"
    assert grid["D3"].value.startswith("22:00–06:00 (+1)")
    assert grid["D2"].value is None  # London's agent: not a day off, not in the week
    assert grid["E2"].value.startswith("09:00–17:00")


def _one_agent_team(tz: str) -> Team:
    mapping = tiny_team()
    mapping["queues"].append({"name": "phone", "channel": "voice", "target_answer_s": 20, "aht_s": 300})
    mapping["agents"] = [{**mapping["agents"][0], "tz": tz, "skills": ["email", "phone"]}]
    return team_from_mapping(mapping)


def _utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("tz", "day", "stretches", "words", "lunch"),
    [
        pytest.param(  # +05:30 all year
            "Asia/Kolkata",
            date(2026, 11, 2),
            [("email", _utc(2026, 11, 2, 3, 30)), ("phone", _utc(2026, 11, 2, 7, 45)), ("email", _utc(2026, 11, 2, 9)),
             (None, _utc(2026, 11, 2, 11, 30))],
            "email 09:00–13:15, phone 13:15–14:30, email 14:30–17:00",
            "lunch: 13:00–13:30",
            id="half-hour zone",
        ),
        pytest.param(  # New York springs forward at 02:00 EST to 03:00 EDT
            "America/New_York",
            date(2027, 3, 14),
            [("email", _utc(2027, 3, 14, 5)), ("phone", _utc(2027, 3, 14, 7, 30)), (None, _utc(2027, 3, 14, 13))],
            "email 00:00–03:30, phone 03:30–09:00",
            "lunch: 05:00–05:30",
            id="clocks go forward",
        ),
        pytest.param(  # Berlin falls back at 03:00 CEST to 02:00 CET: 02:30 is on the wall twice
            "Europe/Berlin",
            date(2027, 10, 30),
            [("email", _utc(2027, 10, 30, 20)), ("phone", _utc(2027, 10, 31, 0, 30)), (None, _utc(2027, 10, 31, 4))],
            "email 22:00–02:30 CEST, phone 02:30 CEST–05:00",
            "lunch: 02:00 CEST–02:30 CEST",
            id="clocks go back",
        ),
    ],
)  # fmt: skip
def test_ics_description_lists_each_queue_stretch_in_the_agents_local_time(
    tz: str, day: date, stretches: list[tuple[str | None, datetime]], words: str, lunch: str
) -> None:
    """Each stretch runs until the next one starts; the last entry is the end of the shift."""
    team = _one_agent_team(tz)
    work = tuple(QueueSpan(q, a, b) for (q, a), (_, b) in itertools.pairwise(stretches) if q is not None)
    start, end = stretches[0][1], stretches[-1][1]
    at = start + timedelta(hours=4)
    shift = Shift("a1", day, start, end, "email", (Activity("lunch", at, at + timedelta(minutes=30)),), work)
    cal = Calendar.from_ical(agent_ics_bytes(Roster(team.name, day, (shift,)), team, "a1"))
    (event,) = cal.walk("VEVENT")
    assert str(event["summary"]) == "Shift: email, phone"
    assert str(event["description"]).split("\n") == [f"Tiny Desk, queues: {words}", lunch]
    assert event.decoded("dtstart") == start
    assert str(event.decoded("dtstart").tzinfo) == tz


def test_ics_of_a_shift_on_one_queue_names_it_alone() -> None:
    problem, roster = _roster()
    (event,) = Calendar.from_ical(agent_ics_bytes(roster, problem.team, "a1")).walk("VEVENT")
    assert str(event["summary"]) == "Shift: email"
    assert str(event["description"]) == "Tiny Desk, queue email\nbreak: 11:00–11:15"


def test_a_shift_ended_by_a_sick_call_reads_then_sick_in_the_grid() -> None:
    """Ann went home ill at 13:00 on Monday: her cell shows the hours worked and then the sick call."""
    problem, roster = _roster()
    ill = (AvailabilityEntry("a1", "absence", start_minute=13 * 60, on_date=WEEK, note="went home ill"),)
    cut = replace(roster.shifts[0], end_utc=datetime(2026, 11, 2, 13, tzinfo=UTC))
    book = roster_xlsx_bytes(
        problem.team,
        replace(roster, shifts=(cut, roster.shifts[1])),
        coverage_frame(problem, roster),
        availability=ill,
    )
    cell = str(load_workbook(io.BytesIO(book))["Roster"]["D2"].value)
    assert cell.startswith("09:00–13:00")
    assert cell.endswith("\nthen sick")


def test_a_sick_day_over_a_shift_not_yet_re_rostered_is_not_read_as_after_it() -> None:
    """A whole day's sick call over a shift still in the roster (a conflict, before the re-roster)
    does not read "then sick": the sick call did not begin after the shift."""
    problem, roster = _roster()
    sick = (AvailabilityEntry("a1", "absence", on_date=WEEK, note="flu"),)
    book = roster_xlsx_bytes(problem.team, roster, coverage_frame(problem, roster), availability=sick)
    assert "then" not in str(load_workbook(io.BytesIO(book))["Roster"]["D2"].value)
