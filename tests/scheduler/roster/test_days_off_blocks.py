"""Days off in blocks (`LabourRules.min_consecutive_days_off`): the engine keeps the rule within the
week and across its boundary with last week's roster, and the checker agrees on random teams."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import numpy as np
import pytest

from common.errors import Infeasible
from common.timegrid import UTC, PlanningWeek
from scheduler.domain import Agent, AvailabilityEntry, LabourRules, QueueSpec, Roster, Shift, ShiftRules, Team
from scheduler.roster.bounds.relaxation import relaxation_bound
from scheduler.roster.explain import conflicting_rules
from scheduler.roster.model import build_model
from scheduler.roster.problem import Problem
from scheduler.roster.solve import solve
from scheduler.roster.validate import check_roster
from tests.scheduler.roster.factories import QUICK, random_problem

WEEK = PlanningWeek(date(2026, 11, 2), "Europe/Berlin", 30)  # Monday 2 November
FAST = QUICK


def problem(
    maya: Agent, entries: tuple[AvailabilityEntry, ...] = (), previous: Roster | None = None, **labour: int
) -> Problem:
    team = Team(
        "T",
        "Europe/Berlin",
        (QueueSpec("chat", "chat"),),
        (maya,),
        30,
        0.0,
        ShiftRules((8.0,), 60, 8 * 60, 12 * 60),
        LabourRules(**labour),
    )
    return Problem(team, WEEK, {"chat": np.full(WEEK.grid.n_intervals, 2.0)}, entries, previous=previous)


MAYA = Agent("maya", "Maya Lopez", "Europe/Berlin", ("chat",), 0, 48)  # up to six 8-h days
WEDNESDAY_OFF = (AvailabilityEntry("maya", "time_off", on_date=date(2026, 11, 4)),)


def days_worked(p: Problem) -> set[int]:
    result = solve(p, FAST)
    assert check_roster(p, result.roster.shifts) == []
    return {(s.local_date - WEEK.first_day).days for s in result.roster.shifts}


def test_a_fixed_day_off_gets_a_neighbour() -> None:
    """Wednesday is time off; with blocks of two, Tuesday or Thursday is off too (demand wants all days)."""
    assert days_worked(problem(MAYA, WEDNESDAY_OFF, min_days_off_per_week=1)) == {0, 1, 3, 4, 5, 6}
    worked = days_worked(problem(MAYA, WEDNESDAY_OFF, min_days_off_per_week=1, min_consecutive_days_off=2))
    assert len(worked) == 5
    assert 1 not in worked or 3 not in worked


def test_last_weeks_lone_day_off_goes_on_into_this_week() -> None:
    """Last week Maya worked Saturday and had Sunday off: with blocks of two, this Monday is off too."""
    saturday = datetime(2026, 10, 31, 8, tzinfo=UTC)  # 09:00 in Berlin
    last_week = Roster(
        "T",
        date(2026, 10, 26),
        (Shift("maya", saturday.date(), saturday, saturday + timedelta(hours=8), "chat"),),
    )
    worked = days_worked(
        problem(MAYA, previous=last_week, min_days_off_per_week=1, min_consecutive_days_off=2)
    )
    assert 0 not in worked
    assert len(worked) == 6


def test_a_day_both_weeks_share_counts_as_worked() -> None:
    """Maya in New York, team in Berlin: the week starts on her Sunday evening, so her Sunday belongs
    to both weeks. She worked that Sunday morning (last week's roster) and has Monday and Tuesday
    off: in blocks of three days off, Wednesday must be off too."""
    maya = replace(MAYA, tz="America/New_York")
    sunday = datetime(2026, 11, 1, 14, tzinfo=UTC)  # 09:00 in New York
    last_week = Roster(
        "T", date(2026, 10, 26), (Shift("maya", sunday.date(), sunday, sunday + timedelta(hours=8), "chat"),)
    )
    time_off = tuple(AvailabilityEntry("maya", "time_off", on_date=date(2026, 11, d)) for d in (2, 3))
    worked = days_worked(
        problem(maya, time_off, last_week, min_days_off_per_week=1, min_consecutive_days_off=3)
    )
    assert worked
    assert min(worked) >= 3


def test_the_rule_is_named_when_it_conflicts() -> None:
    """40 h in 8-h shifts needs five days; Wednesday off alone, in blocks of three, leaves four."""
    full_time = replace(MAYA, min_hours_per_week=40)
    p = problem(full_time, WEDNESDAY_OFF, min_days_off_per_week=1, min_consecutive_days_off=3)
    assert "add_min_consecutive_days_off" in (conflicting_rules(p, full_time) or [])
    with pytest.raises(Infeasible, match="blocks of at least 3 days"):
        solve(p, FAST)


def test_the_rule_keeps_the_model_linear_for_the_lp_bound() -> None:
    """Blocks of days off are linear rows, so the LP relaxation bound still reads the model."""
    p = problem(MAYA, WEDNESDAY_OFF, min_days_off_per_week=1, min_consecutive_days_off=3)
    model, _, _ = build_model(p)
    assert relaxation_bound(model) is not None


def next_week(p: Problem, roster: Roster) -> Problem:
    """The same team a week later, with `roster` as last week's and the demand carried over."""
    week = PlanningWeek(p.week.first_day + timedelta(days=7), p.week.tz, p.week.grid.interval_minutes)
    required = {q: np.resize(values, week.grid.n_intervals) for q, values in p.required.items()}
    return Problem(p.team, week, required, previous=roster)


def solved(p: Problem) -> Roster | None:
    """The roster, checked; None when the rules cannot hold (and the engine says why)."""
    try:
        result = solve(p, FAST)
    except Infeasible as exc:
        if not exc.conflicts:
            raise
        return None
    assert check_roster(p, result.roster.shifts) == []
    return result.roster


@pytest.mark.parametrize("seed", range(8))  # a seed per test, so that test workers share them out
def test_random_teams_keep_blocks_of_days_off_over_two_weeks(seed: int) -> None:
    """Random teams, zones and DST weeks with blocks of 2-3 days off, then the next week on top: both
    weeks are rostered (the solves count work, not seconds) and keep every rule."""
    rng = np.random.default_rng(1000 + seed)
    first = random_problem(seed)
    rules = replace(first.team.labour_rules, min_consecutive_days_off=int(rng.integers(2, 4)))
    first = replace(first, team=replace(first.team, labour_rules=rules))
    week1 = solved(first)
    assert week1 is not None
    assert solved(next_week(first, week1)) is not None
