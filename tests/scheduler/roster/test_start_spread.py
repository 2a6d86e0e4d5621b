"""Regular hours: an agent's local start times in a week lie within `max_start_spread_minutes`."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from api.schemas import team_from_mapping, team_to_mapping
from common.errors import Infeasible
from common.timegrid import PlanningWeek, zone
from scheduler.domain import Agent, AvailabilityEntry, LabourRules, QueueSpec, Shift, ShiftRules, Team
from scheduler.roster.candidates import start_band
from scheduler.roster.explain import conflicting_rules
from scheduler.roster.problem import Problem
from scheduler.roster.solve import solve
from scheduler.roster.validate import check_roster
from tests.scheduler.roster.factories import QUICK

TZ = "Europe/Berlin"
WEEK = PlanningWeek(date(2026, 11, 2), TZ, 30)


def problem(spread: int | None, *agents: Agent, entries: tuple[AvailabilityEntry, ...] = ()) -> Problem:
    """Chat needed early on Monday to Wednesday and late on Thursday to Sunday: a roster free to
    start its agents anywhere follows the need from morning to evening starts."""
    rules = ShiftRules((8.0,), 60, 6 * 60, 14 * 60, max_start_spread_minutes=spread)
    team = Team("T", TZ, (QueueSpec("chat", "chat"),), agents, 30, 0.0, rules, LabourRules())
    local = WEEK.grid.starts().tz_convert(TZ)
    early = (local.hour >= 6) & (local.hour < 14) & (local.day_of_week < 3)
    late = (local.hour >= 14) & (local.hour < 22) & (local.day_of_week >= 3)
    need = np.where(early | late, 2.0, 0.0)
    return Problem(team, WEEK, {"chat": need}, entries)


def agent(agent_id: str) -> Agent:
    return Agent(agent_id, agent_id.title(), TZ, ("chat",), 32, 40)


def spreads(p: Problem, shifts: tuple[Shift, ...]) -> dict[str, int]:
    out = {}
    for a in p.team.agents:
        minutes = [
            t.hour * 60 + t.minute
            for s in shifts
            if s.agent_id == a.id
            for t in [s.start_utc.astimezone(zone(TZ))]
        ]
        out[a.id] = max(minutes) - min(minutes)
    return out


def test_each_agents_starts_stay_within_the_spread_where_the_need_would_pull_them_apart() -> None:
    agents = (agent("ana"), agent("bo"), agent("cy"))
    free = problem(None, *agents)
    free_roster = solve(free, QUICK).roster
    assert max(spreads(free, free_roster.shifts).values()) > 120  # the need pulls the starts apart
    regular = problem(120, *agents)
    roster = solve(regular, QUICK).roster
    assert check_roster(regular, roster.shifts) == []
    assert max(spreads(regular, roster.shifts).values()) <= 120


def shift(day: int, hour: int) -> Shift:
    start = datetime(2026, 11, 2 + day, hour - 1, tzinfo=UTC)  # Berlin is UTC+1 in November
    return Shift("ana", date(2026, 11, 2 + day), start, start.replace(hour=hour + 7), "chat")


def test_the_checker_names_starts_too_far_apart_and_only_when_a_spread_is_set() -> None:
    shifts = [shift(0, 6), shift(1, 9), shift(3, 14)]
    (found,) = [v for v in check_roster(problem(240, agent("ana")), tuple(shifts)) if v.rule == "start times"]
    assert found.message == "starts from 06:00 to 14:00 in a week, 480 min apart; at most 240 min allowed"
    assert [
        v for v in check_roster(problem(480, agent("ana")), tuple(shifts)) if v.rule == "start times"
    ] == []
    assert [
        v for v in check_roster(problem(None, agent("ana")), tuple(shifts)) if v.rule == "start times"
    ] == []


def test_days_that_force_far_apart_starts_are_named_with_the_spread() -> None:
    """Available only mornings on Monday to Wednesday and only evenings on Thursday and Friday (not at
    the weekend), for a contract of five shifts: the starts cannot lie within an hour of each other."""
    ana = replace(agent("ana"), min_hours_per_week=40)
    entries = tuple(AvailabilityEntry("ana", "available", 6 * 60, 14 * 60, weekday=d) for d in range(3))
    entries += tuple(AvailabilityEntry("ana", "available", 14 * 60, 22 * 60, weekday=d) for d in (3, 4))
    entries += tuple(AvailabilityEntry("ana", "unavailable", weekday=d) for d in (5, 6))
    p = problem(60, ana, entries=entries)
    assert "add_start_spread" in (conflicting_rules(p, ana) or [])
    with pytest.raises(Infeasible, match="start times at most 60 min apart in a week"):
        solve(p, QUICK)


def test_a_team_file_sets_the_spread_and_an_agent_may_lift_it() -> None:
    mapping = team_to_mapping(problem(120, agent("ana"), agent("bo")).team)
    assert mapping["shift_rules"]["max_start_spread_minutes"] == 120
    mapping["agents"][1]["shift_rules"] = {"max_start_spread_minutes": 1440}
    team = team_from_mapping(mapping)
    assert team.shift_rules_of(team.agents[0]).max_start_spread_minutes == 120
    assert team.shift_rules_of(team.agents[1]).max_start_spread_minutes == 1440
    again = team_to_mapping(team)
    assert again["agents"][1]["shift_rules"] == {"max_start_spread_minutes": 1440}
    assert "max_start_spread_minutes" not in team_to_mapping(problem(None, agent("ana")).team)["shift_rules"]


def eight_hours(day: date, start_utc: datetime) -> Shift:
    return Shift("ana", day, start_utc, start_utc + timedelta(hours=8), "chat")


def test_starts_either_side_of_midnight_are_as_far_apart_as_the_clock_says() -> None:
    """A night worker starting 23:30 one day and 00:30 another starts an hour apart, not 23 hours."""
    assert start_band([23 * 60 + 30, 30]) == (23 * 60 + 30, 60)
    assert start_band([6 * 60, 8 * 60, 7 * 60]) == (6 * 60, 120)
    assert start_band([]) == (0, 0)
    night = eight_hours(date(2026, 11, 2), datetime(2026, 11, 2, 22, 30, tzinfo=UTC))  # 23:30 Berlin
    late = eight_hours(date(2026, 11, 4), datetime(2026, 11, 3, 23, 30, tzinfo=UTC))  # 00:30 Berlin
    rules = ShiftRules((8.0,), 30, 0, 23 * 60 + 30, max_start_spread_minutes=60)
    team = Team("T", TZ, (QueueSpec("chat", "chat"),), (agent("ana"),), 30, 0.0, rules, LabourRules())
    p = Problem(team, WEEK, {"chat": np.zeros(WEEK.grid.n_intervals)})
    assert [v for v in check_roster(p, (night, late)) if v.rule == "start times"] == []  # 23:30 and 00:30
    tight = replace(p, team=replace(team, shift_rules=replace(rules, max_start_spread_minutes=30)))
    (found,) = [v for v in check_roster(tight, (night, late)) if v.rule == "start times"]
    assert found.message == "starts from 23:30 to 00:30 in a week, 60 min apart; at most 30 min allowed"


def test_a_night_crew_with_regular_hours_starts_round_midnight() -> None:
    """Starts allowed all day, need at night only: regular hours keep each agent's starts in one band
    of the clock, which may run across midnight."""
    rules = ShiftRules((8.0,), 60, 0, 23 * 60, max_start_spread_minutes=120)
    agents = (agent("ana"), agent("bo"))
    team = Team("T", TZ, (QueueSpec("chat", "chat"),), agents, 30, 0.0, rules, LabourRules())
    local = WEEK.grid.starts().tz_convert(TZ)
    need = np.where((local.hour >= 22) | (local.hour < 6), 1.0, 0.0)
    p = Problem(team, WEEK, {"chat": need})
    roster = solve(p, QUICK).roster
    assert check_roster(p, roster.shifts) == []
    for a in agents:
        minutes = [local_start(s) for s in roster.shifts if s.agent_id == a.id]
        assert start_band(minutes)[1] <= 120


def local_start(s: Shift) -> int:
    t = s.start_utc.astimezone(zone(TZ))
    return t.hour * 60 + t.minute
