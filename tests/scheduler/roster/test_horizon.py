"""A roster horizon of several weeks: its grid across DST, weekly rules week by week, and solves."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import numpy as np
import pytest

from common.errors import Infeasible, InvalidInput
from common.timegrid import UTC, PlanningWeek
from scheduler.domain import Agent, AvailabilityEntry, LabourRules, QueueSpec, Shift, ShiftRules, Team
from scheduler.roster.problem import Problem
from scheduler.roster.solve import solve
from scheduler.roster.validate import check_roster
from tests.scheduler.roster.factories import QUICK, over_two_weeks, random_problem, valid_or_explained

BERLIN = "Europe/Berlin"


def test_a_two_week_horizon_spans_fourteen_local_days_across_dst() -> None:
    horizon = PlanningWeek(date(2026, 3, 23), BERLIN, 15, n_days=14)  # clocks go forward on Sunday 29 March
    assert len(horizon.days) == 14
    assert horizon.grid.n_intervals == 2 * 7 * 96 - 4
    assert horizon.end_utc == datetime(2026, 4, 5, 22, tzinfo=UTC)  # midnight CEST of 6 April
    assert horizon.week_of(date(2026, 3, 29)) == 0
    assert horizon.week_of(date(2026, 3, 30)) == 1
    assert horizon.week_of(date(2026, 3, 22)) == 0  # a day just before, on an agent's clock
    assert horizon.week_of(date(2026, 4, 6)) == 1
    assert horizon.days_of_week(1) == tuple(date(2026, 3, 30) + timedelta(days=k) for k in range(7))


@pytest.mark.parametrize("days", [0, 372])
def test_a_horizon_has_one_to_371_days(days: int) -> None:
    with pytest.raises(InvalidInput, match=r"1\.\.371 days"):
        PlanningWeek(date(2026, 3, 23), BERLIN, 15, n_days=days)


def two_week_problem(min_hours: float = 16.0) -> Problem:
    horizon = PlanningWeek(date(2026, 3, 23), BERLIN, 60, n_days=14)
    agent = Agent("ana", "Ana", BERLIN, ("chat",), min_hours, 24.0)
    team = Team(
        "T",
        BERLIN,
        (QueueSpec("chat", "chat"),),
        (agent,),
        60,
        0.2,
        ShiftRules((8.0,), 60, 8 * 60, 8 * 60),
        LabourRules(min_days_off_per_week=4),
    )
    return Problem(team, horizon, {"chat": np.ones(horizon.grid.n_intervals)})


def eight_to_four(day: date) -> Shift:
    """Ana's 08:00-16:00 on local `day` (CET before 29 March, CEST after)."""
    offset = 1 if day < date(2026, 3, 29) else 2
    start = datetime(day.year, day.month, day.day, 8, tzinfo=UTC) - timedelta(hours=offset)
    return Shift("ana", day, start, start + timedelta(hours=8), "chat")


def test_weekly_rules_hold_in_each_week_of_the_horizon() -> None:
    p = two_week_problem()
    spread = [eight_to_four(p.week.days[d]) for d in (0, 2, 8, 10)]
    assert check_roster(p, tuple(spread)) == []
    crowded = [
        eight_to_four(p.week.days[d]) for d in (0, 1, 2, 3)
    ]  # 32 h and 4 days in week 1, none in week 2
    rules = {(v.rule, v.message.split(";")[0]) for v in check_roster(p, tuple(crowded))}
    assert ("days off", "works 4 days in the week of 2026-03-23") in rules
    assert ("weekly hours", "32 h in the week of 2026-03-23, above the maximum of 24 h") in rules
    assert ("weekly hours", "0 h in the week of 2026-03-30, below the minimum of 16 h") in rules


def test_the_model_keeps_the_weekly_rules_in_each_week() -> None:
    p = two_week_problem()
    result = solve(p, QUICK)
    assert check_roster(p, result.roster.shifts) == []
    per_week = [sum(1 for s in result.roster.shifts if p.week.week_of(s.local_date) == w) for w in (0, 1)]
    assert per_week == [3, 3]  # 24 h a week at most, and all the demand it can meet


def test_a_week_that_cannot_meet_its_contract_is_explained() -> None:
    p = two_week_problem(min_hours=24.0)
    second_week_off = tuple(
        AvailabilityEntry("ana", "unavailable", on_date=d) for d in p.week.days_of_week(1)[:6]
    )
    with pytest.raises(Infeasible) as caught:
        solve(replace(p, availability=second_week_off), QUICK)
    assert any("Ana" in reason and "Sat 04 Apr" in reason for reason in caught.value.conflicts)


@pytest.mark.parametrize("seed", range(6))
def test_random_two_week_rosters_keep_every_hard_rule(seed: int) -> None:
    p = over_two_weeks(random_problem(seed))
    roster = valid_or_explained(p, f"seed {seed}")
    if roster is not None:
        assert {p.week.week_of(s.local_date) for s in roster.shifts} == {0, 1}, f"seed {seed}"
