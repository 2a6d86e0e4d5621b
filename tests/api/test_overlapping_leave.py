"""Sick calls or time off entered more than once over the same hours (10:00–11:00, then 10:07–11:00,
then from 10:30) are one span wherever a lead or a calendar reads them: the report's line, the roster
CSV's rows and the agent's calendar events (whose UIDs would otherwise repeat)."""

from __future__ import annotations

from datetime import timedelta

from api.exports import agent_ics_bytes
from api.formats import leave_rows
from api.lead_report import absence_lines
from scheduler.domain import AvailabilityEntry, Roster, merge_overlapping
from tests.scheduler.roster.factories import VERIFY_WEEK, verify_agent, verify_problem

DAY = VERIFY_WEEK + timedelta(days=2)
CALLS = (
    AvailabilityEntry("a", "absence", 10 * 60, 11 * 60, on_date=DAY, note="flu"),
    AvailabilityEntry("a", "absence", 10 * 60 + 7, 11 * 60, on_date=DAY, note="flu"),
    AvailabilityEntry("a", "absence", 10 * 60 + 30, 24 * 60, on_date=DAY, note="sent home"),
)


def test_spans_that_overlap_or_touch_are_one_and_others_stay_apart() -> None:
    later = DAY + timedelta(days=1)
    entries = (
        *CALLS,
        AvailabilityEntry("a", "time_off", 8 * 60, 9 * 60, on_date=DAY),  # another kind
        AvailabilityEntry("a", "time_off", 9 * 60, 10 * 60, on_date=DAY),  # touches it
        AvailabilityEntry("a", "absence", 8 * 60, 9 * 60, on_date=later),  # another day
        AvailabilityEntry("b", "absence", 10 * 60, 11 * 60, on_date=DAY),  # another agent
        AvailabilityEntry("a", "absence", 13 * 60, 14 * 60, weekday=DAY.weekday()),  # every week
    )
    merged = merge_overlapping(entries)
    assert [(e.agent_id, e.kind, e.on_date, e.start_minute, e.end_minute) for e in merged] == [
        ("a", "absence", None, 13 * 60, 14 * 60),
        ("a", "absence", DAY, 10 * 60, 24 * 60),
        ("a", "absence", later, 8 * 60, 9 * 60),
        ("a", "time_off", DAY, 8 * 60, 10 * 60),
        ("b", "absence", DAY, 10 * 60, 11 * 60),
    ]
    assert merged[1].note == "flu; sent home"


def test_the_report_the_csv_and_the_calendar_show_one_sick_call() -> None:
    p = verify_problem(verify_agent("a", name="Seán"), availability=CALLS)
    assert absence_lines(p) == [f"off sick: Seán (a), {DAY:%a %d %b} from 10:00"]
    roster = Roster(p.team.name, VERIFY_WEEK, ())
    rows = leave_rows(roster, p.team, CALLS)
    assert len(rows) == 1
    assert rows.iloc[0]["activity"] == "absence"
    calendar = agent_ics_bytes(roster, p.team, "a", availability=CALLS).decode()
    assert calendar.count("BEGIN:VEVENT") == 1
    assert "DTSTART;TZID=" in calendar
