"""A week off booked Thursday to Sunday, on a team whose HR counts leave on weekdays only: the weekend
is days off, not leave (a lead's agent got one shift in a week with three working days left)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np

from common.timegrid import PlanningWeek
from scheduler.domain import Agent, AvailabilityEntry, LabourRules, QueueSpec, ShiftRules, Team, Weekday
from scheduler.roster.problem import Problem
from scheduler.roster.solve import solve
from scheduler.roster.validate import check_roster
from tests.scheduler.roster.factories import QUICK

WEEK = PlanningWeek(date(2026, 9, 28), "America/Bogota", 60)


def _problem(leave_weekdays: tuple[Weekday, ...] = Team.leave_weekdays) -> Problem:
    camila = Agent("camila", "Camila", "America/Bogota", ("chat",), 40, 40)
    desk = Team(
        "Desk", "America/Bogota", (QueueSpec("chat", "chat"),), (camila,), 60, 0.0,
        ShiftRules((8.0,), 60, 8 * 60, 10 * 60), LabourRules(min_days_off_per_week=2), time_off_paid=True,
    )  # fmt: skip
    away = tuple(
        AvailabilityEntry("camila", "time_off", on_date=WEEK.days[3] + timedelta(days=k), note="holiday")
        for k in range(4)
    )  # Thu 1 to Sun 4 Oct
    return Problem(
        replace(desk, leave_weekdays=leave_weekdays), WEEK, {"chat": np.ones(WEEK.grid.n_intervals)}, away
    )


def test_by_default_every_day_of_leave_is_a_working_day() -> None:
    p = _problem()
    assert p.week_hours(p.team.agents[0], 0) == (8.0, 8.0)  # 40 less four days of 8 h


def test_leave_on_hrs_working_days_only_leaves_the_weekend_as_days_off() -> None:
    p = _problem(("mon", "tue", "wed", "thu", "fri"))
    assert p.week_hours(p.team.agents[0], 0) == (24.0, 24.0)  # Thursday and Friday are leave
    roster = solve(p, QUICK).roster
    assert check_roster(p, roster.shifts) == []
    assert sorted(s.local_date for s in roster.shifts) == list(WEEK.days[:3])  # Monday to Wednesday
