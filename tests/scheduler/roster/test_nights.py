"""Night shifts (at least three hours between 23:00 and 06:00 on the agent's clock, DST included)
and their fair share across the team."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from common.timegrid import UTC, PlanningWeek
from scheduler.domain import Agent, AvailabilityEntry, QueueSpec, Roster, Shift, ShiftRules, Team, Weights
from scheduler.roster.candidates import build_candidates
from scheduler.roster.problem import Problem, night_minutes
from scheduler.roster.report import summarize
from scheduler.roster.solve import SolveSettings, solve
from scheduler.roster.validate import check_roster
from tests.scheduler.roster.factories import QUICK


def utc(day: date, hour: float) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(hours=hour)


JAN = date(2026, 1, 12)  # London on GMT (UTC+0)


@pytest.mark.parametrize(
    ("start_hour", "hours", "minutes"),
    [
        (22, 8, 420),  # 22:00-06:00: all of night time
        (14, 8, 0),
        (20, 8, 300),  # 23:00-04:00
        (19, 6, 120),  # 23:00-01:00: two hours, not a night shift
        (5, 8, 60),  # 05:00-06:00
        (-2, 8, 420),  # from 22:00 the evening before
    ],
)
def test_night_minutes_on_a_plain_day(start_hour: float, hours: float, minutes: float) -> None:
    start = utc(JAN, start_hour)
    assert night_minutes("Europe/London", start, start + timedelta(hours=hours)) == minutes


def test_night_minutes_across_both_dst_changes() -> None:
    # spring forward, 29 March 2026: 23:00 GMT (23:00 UTC) to 06:00 BST (05:00 UTC) is six hours
    spring = utc(date(2026, 3, 28), 22)
    assert night_minutes("Europe/London", spring, spring + timedelta(hours=8)) == 360
    # fall back, 25 October 2026: 23:00 BST (22:00 UTC) to 06:00 GMT (06:00 UTC) is eight hours
    autumn = utc(date(2026, 10, 24), 21)  # 22:00 BST
    assert night_minutes("Europe/London", autumn, autumn + timedelta(hours=8)) == 420
    # the same wall-clock hours in New York, which had changed on 8 March
    assert night_minutes("America/New_York", utc(date(2026, 3, 29), 3), utc(date(2026, 3, 29), 11)) == 420


def test_nights_are_shared_when_the_weight_asks() -> None:
    """Four nights and four days to cover, two agents who each work four shifts, starting at 10:00
    or 22:00: two nights each. Fair shares couple agents; each agent's week is chosen knowing the
    most and the fewest nights the others have, so the search shares them out."""
    week = PlanningWeek(date(2026, 11, 2), "UTC", 60)
    agents = tuple(
        Agent(i, i.title(), "UTC", ("chat",), 32, 32, min_shifts_per_week=4, max_shifts_per_week=4)
        for i in ("maya", "ravi")
    )
    rules = ShiftRules((8.0,), 12 * 60, 10 * 60, 22 * 60)
    team = Team("T", "UTC", (QueueSpec("chat", "chat"),), agents, 60, 0.0, rules)
    need = np.zeros(week.grid.n_intervals)
    for day in range(4):  # Monday to Thursday, 10:00-18:00 and 22:00-06:00
        need[day * 24 + 10 : day * 24 + 18] = 1
        need[day * 24 + 22 : day * 24 + 30] = 1
    weights = Weights(night_spread_per_shift=500, late_spread_per_shift=0, weekend_spread_per_day=0)
    p = Problem(team, week, {"chat": need}, weights=weights)
    # enough solver work for the whole-team model at the end, which trades nights for days
    result = solve(p, SolveSettings(time_limit_s=60.0, workers=1, deterministic_time_limit_s=3.0))
    assert summarize(p, result.roster).night_shifts_by_agent == {"maya": 2, "ravi": 2}
    assert result.penalties["night shifts: most minus fewest"] == 0


def test_a_start_window_across_midnight_allows_the_evening_and_the_small_hours() -> None:
    rules = ShiftRules((8.0,), 60, 22 * 60, 2 * 60)
    assert rules.starts_across_midnight
    assert rules.start_minutes() == (0, 60, 120, 22 * 60, 23 * 60)
    assert ShiftRules((8.0,), 30, 22 * 60, 22 * 60).start_minutes() == (22 * 60,)  # one start, not a day


def test_a_night_crew_across_the_change_of_clocks_keeps_its_start_window() -> None:
    """A London night crew starting 22:00–02:00 in the week the clocks go back (Sunday 25 October
    2026 has 01:00 twice): every shift starts in the window on the agent's clock, on the day it
    starts, and the independent checker finds nothing; the small hours' starts are offered and used
    where the need runs on to 10:00."""
    week = PlanningWeek(date(2026, 10, 19), "Europe/London", 60)
    agents = tuple(Agent(f"n{i}", f"Night {i}", "Europe/London", ("chat",), 24, 40) for i in range(3))
    rules = ShiftRules((8.0,), 60, 22 * 60, 2 * 60)
    team = Team("Nights", "Europe/London", (QueueSpec("chat", "chat"),), agents, 60, 0.0, rules)
    hours = [
        (week.grid.start_utc + timedelta(hours=i)).astimezone(ZoneInfo("Europe/London")).hour
        for i in range(week.grid.n_intervals)
    ]
    need = np.array([1.0 if h >= 22 or h < 10 else 0.0 for h in hours])
    p = Problem(team, week, {"chat": need})
    offered = {c.start_utc.astimezone(ZoneInfo("Europe/London")).hour for c in build_candidates(p)["n0"]}
    assert offered == {22, 23, 0, 1, 2}
    result = solve(p, QUICK)
    assert check_roster(p, result.roster.shifts) == []
    starts = [s.start_utc.astimezone(ZoneInfo("Europe/London")) for s in result.roster.shifts]
    assert {t.hour for t in starts} <= {22, 23, 0, 1, 2}
    assert all(t.date() == s.local_date for t, s in zip(starts, result.roster.shifts, strict=True))
    assert any(t.hour in (0, 1, 2) for t in starts)


def test_a_night_shift_is_ended_by_a_sick_call_from_a_time_of_the_next_day_not_by_its_whole_day() -> None:
    """Wednesday's 22:00–06:00: a sick row for Thursday from 02:00 (sent home) ends it at 02:00; a whole
    day's row for Thursday is Thursday's own sick day and leaves Wednesday night as worked."""
    week = PlanningWeek(date(2026, 11, 2), "Europe/London", 30)
    agent = Agent("n", "Night", "Europe/London", ("chat",), 0, 40)
    team = Team(
        "Nights",
        "Europe/London",
        (QueueSpec("chat", "chat"),),
        (agent,),
        30,
        0.0,
        ShiftRules((8.0,), 60, 22 * 60, 2 * 60),
    )
    wednesday, thursday = date(2026, 11, 4), date(2026, 11, 5)
    night = Shift("n", wednesday, utc(wednesday, 22), utc(wednesday, 30), "chat")
    published = Roster("Nights", week.first_day, (night,))
    sent_home = AvailabilityEntry("n", "absence", start_minute=2 * 60, on_date=thursday)
    thursday_off = AvailabilityEntry("n", "absence", on_date=thursday)
    p = Problem(
        team,
        week,
        {"chat": np.zeros(week.grid.n_intervals)},
        published=published,
        locked_before_utc=utc(thursday, 12),
    )
    assert replace_availability(p, sent_home).worked() == (replace(night, end_utc=utc(thursday, 2)),)
    assert replace_availability(p, thursday_off).worked() == (night,)


def replace_availability(p: Problem, *entries: AvailabilityEntry) -> Problem:
    return replace(p, availability=entries)
