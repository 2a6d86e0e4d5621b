"""Named shift types and the rules on them, and the run and weekend rules: the model keeps each,
the independent checker finds each broken, and random teams with all of them get valid rosters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

import numpy as np
import pytest

from common.errors import InvalidInput
from common.timegrid import UTC, PlanningWeek
from scheduler.domain import Agent, LabourRules, QueueSpec, Roster, Shift, ShiftRules, ShiftType, Team
from scheduler.roster.problem import Problem
from scheduler.roster.solve import solve
from scheduler.roster.validate import check_roster
from tests.scheduler.roster.factories import QUICK, over_two_weeks, random_problem, valid_or_explained

LONDON = "Europe/London"
FIRST = date(2026, 3, 23)  # British clocks go forward on Sunday 29 March
EARLY = ShiftType("E", 6 * 60, 8 * 60)
LATE = ShiftType("L", 14 * 60, 8 * 60, not_followed_by=("E",))
NIGHT = ShiftType("N", 22 * 60, 8 * 60, not_followed_by=("E", "L"))
TYPES = ShiftRules(types=(EARLY, LATE, NIGHT))
FAST = QUICK


def problem(
    agent: Agent | None = None,
    weeks: int = 1,
    labour: LabourRules | None = None,
    demand_hours: Sequence[int] = range(24),
) -> Problem:
    """One agent (by default free of weekly limits) under the three shift types, demand in `demand_hours`."""
    agent = agent or Agent("ana", "Ana", LONDON, ("chat",), 0, 7 * 24)
    labour = labour or LabourRules(min_rest_hours=0, max_consecutive_days=7, min_days_off_per_week=0)
    team = Team("T", LONDON, (QueueSpec("chat", "chat"),), (agent,), 60, 0.2, TYPES, labour)
    horizon = PlanningWeek(FIRST, LONDON, 60, n_days=7 * weeks)
    hours = np.array([s.astimezone(horizon.zone).hour for s in horizon.grid.starts()])
    return Problem(team, horizon, {"chat": np.isin(hours, list(demand_hours)).astype(float)})


def typed(kind: ShiftType, day: int) -> Shift:
    """Ana's shift of `kind` on local day FIRST + `day` (GMT before 29 March, BST after)."""
    local = FIRST + timedelta(days=day)
    offset = 0 if local < date(2026, 3, 29) else 1
    start = datetime(local.year, local.month, local.day, tzinfo=UTC) + timedelta(
        minutes=kind.start_minute, hours=-offset
    )
    return Shift(
        "ana", local, start, start + timedelta(minutes=kind.length_minutes), "chat", shift_type=kind.name
    )


def broken(p: Problem, shifts: list[Shift]) -> set[str]:
    return {v.rule for v in check_roster(p, tuple(shifts))}


def test_shift_types_are_the_only_shifts_and_carry_their_names() -> None:
    p = problem()
    result = solve(p, FAST)
    assert result.roster.shifts
    assert {s.shift_type for s in result.roster.shifts} <= {"E", "L", "N"}
    assert check_roster(p, result.roster.shifts) == []
    for s in result.roster.shifts:  # the start on the local clock is the type's, across the DST change
        local = s.start_utc.astimezone(p.week.zone)
        assert local.hour * 60 + local.minute == TYPES.shift_type(s.shift_type).start_minute


def test_the_checker_wants_a_shift_to_be_one_of_the_types() -> None:
    p = problem()
    assert broken(p, [typed(EARLY, 0)]) == set()
    assert "shift type" in broken(p, [replace(typed(EARLY, 0), shift_type="L")])
    assert "shift type" in broken(p, [replace(typed(EARLY, 0), shift_type="X")])


def test_shift_types_are_checked_when_made() -> None:
    with pytest.raises(InvalidInput, match="unknown types: Z"):
        ShiftRules(types=(ShiftType("E", 360, 480, not_followed_by=("Z",)),))
    with pytest.raises(InvalidInput, match="repeated: E"):
        ShiftRules(types=(EARLY, EARLY))
    with pytest.raises(InvalidInput, match="length_minutes"):
        ShiftType("long", 0, 17 * 60)


def late_then_early(p: Problem) -> Problem:
    """Demand in the late hours of the first day and the early hours of the second only."""
    local = [s.astimezone(p.week.zone) for s in p.week.grid.starts()]
    wanted = [
        (t.date() == FIRST and 14 <= t.hour < 22)
        or (t.date() == FIRST + timedelta(days=1) and 6 <= t.hour < 14)
        for t in local
    ]
    return replace(p, required={"chat": np.array(wanted, dtype=float)})


def test_a_banned_succession_is_never_rostered() -> None:
    p = late_then_early(problem())
    kinds = {s.local_date: s.shift_type for s in solve(p, FAST).roster.shifts}
    assert kinds.get(FIRST) != "L" or kinds.get(FIRST + timedelta(days=1)) != "E"
    free = replace(
        p,
        team=replace(p.team, shift_rules=ShiftRules(types=(EARLY, replace(LATE, not_followed_by=()), NIGHT))),
    )
    free_kinds = {s.local_date: s.shift_type for s in solve(free, FAST).roster.shifts}
    assert free_kinds[FIRST] == "L"
    assert free_kinds[FIRST + timedelta(days=1)] == "E", "without the rule the demand takes L then E"


def test_the_checker_finds_a_banned_succession_and_counts_last_week() -> None:
    p = problem()
    assert "shift succession" in broken(p, [typed(NIGHT, 2), typed(LATE, 3)])
    assert broken(p, [typed(EARLY, 2), typed(NIGHT, 3)]) == set()
    last_sunday = typed(NIGHT, -1)
    with_previous = replace(p, previous=Roster("T", FIRST - timedelta(days=7), (last_sunday,)))
    assert "shift succession" in broken(with_previous, [typed(EARLY, 0)])
    result = solve(replace(with_previous, required={"chat": np.ones(p.week.grid.n_intervals)}), FAST)
    assert "E" not in {s.shift_type for s in result.roster.shifts if s.local_date == FIRST}


def test_at_most_the_agents_shifts_of_a_type() -> None:
    ana = Agent("ana", "Ana", LONDON, ("chat",), 0, 7 * 24, max_shifts_by_type=(("N", 1), ("E", 0)))
    p = problem(ana, demand_hours=[0, 1, 2, 3, 4, 5, 6, 7, 23])
    kinds = [s.shift_type for s in solve(p, FAST).roster.shifts]
    assert kinds.count("N") == 1
    assert "E" not in kinds
    assert "shifts by type" in broken(p, [typed(NIGHT, 0), typed(NIGHT, 3)])
    assert "shifts by type" in broken(p, [typed(EARLY, 0)])


def test_hours_over_the_horizon() -> None:
    ana = Agent("ana", "Ana", LONDON, ("chat",), 0, 40, min_hours_in_horizon=16, max_hours_in_horizon=48)
    p = problem(ana, weeks=2)
    shifts = solve(p, FAST).roster.shifts
    assert sum(s.hours for s in shifts) == 48  # 40 a week would allow 80
    assert check_roster(p, shifts) == []
    assert "hours in horizon" in broken(p, [typed(EARLY, d) for d in (0, 2, 4, 8, 10, 12, 13)])
    assert "hours in horizon" in broken(p, [typed(EARLY, 0)])


def test_working_days_come_in_runs() -> None:
    labour = LabourRules(min_rest_hours=0, max_consecutive_days=7, min_consecutive_days_worked=3)
    p = problem(labour=labour, weeks=2)
    assert "working days in runs" in broken(p, [typed(EARLY, d) for d in (3, 4)])
    assert broken(p, [typed(EARLY, d) for d in (3, 4, 5)]) == set()
    assert broken(p, [typed(EARLY, d) for d in (0, 12, 13)]) == set()  # runs at either border go on past it
    worked_sunday = Roster("T", FIRST - timedelta(days=7), (typed(EARLY, -1),))
    assert "working days in runs" in broken(replace(p, previous=worked_sunday), [typed(EARLY, 0)])
    assert broken(replace(p, previous=worked_sunday), [typed(EARLY, 0), typed(EARLY, 1)]) == set()
    # demand on alternate days: without the rule, one day on and one off
    alternate = problem(labour=labour, weeks=2)
    days = np.array(
        [(s.astimezone(alternate.week.zone).date() - FIRST).days for s in alternate.week.grid.starts()]
    )
    alternate = replace(alternate, required={"chat": (days % 2 == 0).astype(float)})
    shifts = solve(alternate, FAST).roster.shifts
    assert shifts
    assert check_roster(alternate, shifts) == []


def test_at_most_the_weekends_allowed() -> None:
    labour = LabourRules(
        min_rest_hours=0, max_consecutive_days=7, min_days_off_per_week=0, max_weekends_worked=1
    )
    p = problem(labour=labour, weeks=3)
    shifts = solve(p, FAST).roster.shifts
    weekends = {
        s.local_date - timedelta(days=s.local_date.weekday() - 5)
        for s in shifts
        if s.local_date.weekday() >= 5
    }
    assert len(weekends) == 1
    assert check_roster(p, shifts) == []
    assert "weekends" in broken(p, [typed(EARLY, 6), typed(EARLY, 12)])  # a Sunday and the next Saturday
    assert broken(p, [typed(EARLY, 5), typed(EARLY, 6)]) == set()


def with_everything(seed: int) -> Problem:
    """A random team and week, made two weeks long, under three shift types with banned
    successions, and the run, weekend, per-type and horizon rules drawn at random."""
    base = over_two_weeks(random_problem(seed))
    rng = np.random.default_rng(seed + 104729)
    starts = sorted(int(x) * 60 for x in rng.choice(np.arange(0, 24), size=3, replace=False))
    names = ("A", "B", "C")
    types = tuple(
        ShiftType(name, start, int(rng.choice([6, 8, 10])) * 60, not_followed_by=names[:k])
        for k, (name, start) in enumerate(zip(names, starts, strict=True))
    )
    rules = replace(base.team.shift_rules, types=types, breaks=())
    labour = replace(
        base.team.labour_rules,
        min_consecutive_days_worked=int(rng.integers(1, 3)),
        max_weekends_worked=int(rng.integers(0, 3)),
    )
    agents = tuple(
        replace(
            a,
            labour_rules=None,
            max_shifts_by_type=(("C", int(rng.integers(0, 5))),),
            max_hours_in_horizon=a.max_hours_per_week * 2 - float(rng.integers(0, 9)),
        )
        for a in base.team.agents
    )
    return replace(base, team=replace(base.team, agents=agents, shift_rules=rules, labour_rules=labour))


@pytest.mark.parametrize("seed", range(8))
def test_random_teams_with_every_rule_get_valid_rosters(seed: int) -> None:
    valid_or_explained(with_everything(seed), f"seed {seed}")
