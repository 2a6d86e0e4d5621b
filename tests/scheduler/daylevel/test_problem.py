"""Day-level problems: which problems are, their exact benchmark form, and the engine's solve of them
by branch and price, checked by the engine's checker and priced by the engine's own model."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from ortools.sat.python import cp_model

from api.curtois_files import read_instance
from common.timegrid import PlanningWeek
from scheduler.daylevel.engine import to_problem
from scheduler.daylevel.instance import Instance
from scheduler.daylevel.problem import day_level_instance, day_level_reasons
from scheduler.domain import (
    ONLY_SHIFT_COVER_AND_REQUESTS,
    Agent,
    AvailabilityEntry,
    BreakRule,
    LabourRules,
    QueueSpec,
    Roster,
    ShiftCover,
    ShiftRequest,
    ShiftRules,
    ShiftType,
    Team,
    Weights,
)
from scheduler.roster.model import build_model
from scheduler.roster.objective import model_objective
from scheduler.roster.problem import Problem
from scheduler.roster.solve import SolveSettings, solve
from scheduler.roster.validate import check_roster
from tests.scheduler.roster.factories import QUICK

INSTANCES = Path(__file__).resolve().parents[3] / ".." / "shared" / "benchmarks" / "curtois" / "instances"
LONDON = "Europe/London"
FIRST = date(2026, 3, 23)  # two weeks over the spring-forward Sunday
EARLY = ShiftType("E", 6 * 60, 8 * 60)
MIDDLE = ShiftType("M", 10 * 60, 8 * 60)
LATE = ShiftType("L", 14 * 60, 8 * 60, not_followed_by=("E",))
NIGHT = ShiftType("N", 22 * 60, 8 * 60, not_followed_by=("E", "L"))  # runs past midnight


def team_problem(seed: int = 0) -> Problem:
    """Five agents over two weeks with cover by shift type, requests, days off and labour rules."""
    rng = np.random.default_rng(seed)
    labour = LabourRules(
        min_rest_hours=11, max_consecutive_days=5, min_days_off_per_week=0, min_consecutive_days_off=2
    )
    agents = tuple(
        Agent(
            f"a{i}",
            f"Agent {i}",
            LONDON,
            ("chat",),
            0,
            56,
            max_shifts_by_type=(("M", 4),),
            min_hours_in_horizon=48,
            max_hours_in_horizon=80,
        )
        for i in range(5)
    )
    team = Team(
        "Night and day",
        LONDON,
        (QueueSpec("chat", "chat"),),
        agents,
        60,
        0.2,
        ShiftRules(types=(EARLY, MIDDLE, LATE)),
        replace(labour, max_weekends_worked=1),
        ONLY_SHIFT_COVER_AND_REQUESTS,
    )
    horizon = PlanningWeek(FIRST, LONDON, 60, n_days=14)
    cover = tuple(
        ShiftCover(day, t, 1 if day.weekday() >= 5 else 2 - (t == "M"), 100, 1)
        for day in horizon.days
        for t in ("E", "M", "L")
    )
    requests = tuple(
        ShiftRequest(
            f"a{int(rng.integers(5))}",
            FIRST + timedelta(days=int(rng.integers(14))),
            str(rng.choice(["E", "M", "L"])),
            bool(rng.random() < 0.5),
            int(rng.integers(1, 4)),
        )
        for _ in range(12)
    )
    days_off = tuple(
        AvailabilityEntry(f"a{i}", "unavailable", on_date=FIRST + timedelta(days=int(rng.integers(14))))
        for i in range(5)
    )
    return Problem(
        team,
        horizon,
        {"chat": np.zeros(horizon.grid.n_intervals)},
        days_off,
        ONLY_SHIFT_COVER_AND_REQUESTS,
        shift_cover=cover,
        shift_requests=requests,
    )


def engine_objective(p: Problem, roster: Roster) -> int:
    """The roster model's objective with every shift fixed to the roster's."""
    model, v, penalties = build_model(p)
    chosen = {(s.agent_id, s.local_date, s.shift_type) for s in roster.shifts}
    for c in v.all_candidates():
        model.add(v.works[c.index] == int((c.agent_id, c.local_date, c.shift_type) in chosen))
    model.minimize(model_objective(penalties))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model) == cp_model.OPTIMAL
    return round(solver.objective_value)


@pytest.mark.parametrize("seed", range(3))
def test_the_engine_solves_a_day_level_team_by_branch_and_price(seed: int) -> None:
    p = team_problem(seed)
    assert day_level_reasons(p) == []
    result = solve(p, SolveSettings(time_limit_s=20, workers=2))
    assert check_roster(p, result.roster.shifts) == []
    assert engine_objective(p, result.roster) == result.objective
    assert sum(result.penalties.values()) == result.objective
    model, _, penalties = build_model(p)
    model.minimize(model_objective(penalties))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 20
    solver.solve(model)
    assert result.bound <= solver.objective_value  # the bound holds against the whole model's roster
    assert result.objective <= solver.objective_value  # and the roster is no worse than CP-SAT's alone
    if result.status == "OPTIMAL":
        assert result.bound == result.objective


def test_a_problem_that_is_not_day_level_is_solved_on_the_interval_grid() -> None:
    p = replace(team_problem(), weights=Weights())  # idle agent-intervals cost: not day-level
    assert day_level_reasons(p) == ["idle agent-intervals cost (over_per_agent_interval)", *_spreads()]
    result = solve(p, QUICK)  # solver work units: a busy machine gives the same roster
    assert check_roster(p, result.roster.shifts) == []


def _spreads() -> list[str]:
    return [
        "soft rules other than cover and requests weigh in (isolated_day_off, extra_start_time, "
        "weekend_spread_per_day, late_spread_per_shift, night_spread_per_shift)"
    ]


def _with_agent(p: Problem, **changes: object) -> Problem:
    agents = (replace(p.team.agents[0], **changes), *p.team.agents[1:])  # type: ignore[arg-type]
    return replace(p, team=replace(p.team, agents=agents))


def _with_rules(p: Problem, rules: ShiftRules) -> Problem:
    return replace(p, team=replace(p.team, shift_rules=rules))


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda p: replace(p, previous=Roster("T", FIRST - timedelta(days=7), ())), "last week's roster"),
        (lambda p: _with_agent(p, tz="Europe/Paris"), "a0 is not on the team's clock"),
        (lambda p: _with_agent(p, min_hours_per_week=8), "a0 has a weekly minimum"),
        (lambda p: _with_agent(p, max_shifts_per_week=4), "a0 has a weekly maximum that could bind"),
        (
            lambda p: replace(
                p, availability=(AvailabilityEntry("a1", "unavailable", 0, 600, on_date=FIRST),)
            ),
            "availability other than whole days off (a1)",
        ),
        (
            lambda p: _with_rules(p, ShiftRules(types=(EARLY, MIDDLE, replace(LATE, not_followed_by=())))),
            "rest could bind between 'L' and 'E'",
        ),
        (
            lambda p: _with_rules(
                p, ShiftRules(types=(EARLY, MIDDLE, LATE), breaks=(BreakRule("lunch", 30, 180, 240),))
            ),
            "shift type 'E' has breaks",
        ),
        (
            lambda p: _with_rules(p, ShiftRules(types=(EARLY, MIDDLE, LATE, ShiftType("X", 90, 480)))),
            "shift type 'X' starts in a clock change's gap",
        ),
        (lambda p: replace(p, required={"chat": np.ones(p.week.grid.n_intervals)}), "demand per interval"),
        (
            lambda p: _with_rules(p, ShiftRules(types=(EARLY, MIDDLE, LATE, NIGHT))),
            "shift types 'N' run past midnight into days off",
        ),
        (
            lambda p: replace(
                p,
                week=replace(p.week, first_day=FIRST + timedelta(days=2)),
                shift_cover=(),
                shift_requests=(),
                availability=(),
            ),
            "does not start on a Monday",
        ),
    ],
    ids=[
        "history",
        "zone",
        "weekly minimum",
        "weekly maximum",
        "partial day",
        "rest",
        "breaks",
        "gap",
        "demand",
        "overnight",
        "wednesday",
    ],
)
def test_what_is_not_day_level_is_named(change: object, reason: str) -> None:
    p = change(team_problem())  # type: ignore[operator]
    assert any(reason in r for r in day_level_reasons(p)), day_level_reasons(p)


@pytest.mark.parametrize("number", range(1, 25))
def test_every_benchmark_instance_is_day_level_and_comes_back_as_it_was(number: int) -> None:
    path = INSTANCES / f"Instance{number}.txt"
    if not path.is_file():
        pytest.skip(f"{path} is absent: the shared Curtois benchmark is not checked out beside the repo")
    instance = read_instance(path)
    p = to_problem(instance)
    assert day_level_reasons(p) == []
    assert _normalised(day_level_instance(p)) == _normalised(instance)


def _normalised(instance: Instance) -> tuple[object, ...]:
    """An instance's content, with minimums of 0 written as 1 (the same rule: no minimum)."""
    staff = tuple(
        replace(
            s,
            max_shifts=dict(sorted(s.max_shifts.items())),
            min_consecutive_shifts=max(1, s.min_consecutive_shifts),
            min_consecutive_days_off=max(1, s.min_consecutive_days_off),
        )
        for s in instance.staff
    )
    return (
        instance.horizon_days,
        instance.shifts,
        tuple((s, s.max_shifts) for s in staff),
        sorted(instance.on_requests, key=repr),
        sorted(instance.off_requests, key=repr),
        sorted(instance.cover, key=repr),
    )
