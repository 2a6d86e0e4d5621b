"""The column-generation bound: it prices a roster as the model does, and never exceeds the optimum."""

from __future__ import annotations

import time
from datetime import date

import numpy as np
import pytest
from ortools.sat.python import cp_model

from scheduler.bound import relaxation_bound
from scheduler.column_bound import CoverageMaster, WeekPricer, column_generation_bound, week_cost
from scheduler.construct import agent_weeks, seed_from_weeks, seed_values
from scheduler.domain import (
    Agent,
    AvailabilityEntry,
    BreakRule,
    LabourRules,
    QueueSpec,
    ShiftRules,
    Team,
    Weights,
)
from scheduler.errors import Infeasible
from scheduler.model import build_model, model_objective
from scheduler.problem import Problem
from scheduler.solve import COLUMN_BOUND_MIN_TIME_S, SolveSettings, solve
from scheduler.timegrid import PlanningWeek
from tests.scheduler.random_problems import random_problem

FAIR_SHARES = (
    "weekend days: most minus fewest",
    "late shifts: most minus fewest",
    "night shifts: most minus fewest",
)
NO_FAIR_SHARES = Weights(weekend_spread_per_day=0, late_spread_per_shift=0, night_spread_per_shift=0)


def tiny_problem(seed: int, weights: Weights = NO_FAIR_SHARES) -> Problem:
    """Two agents on an hourly grid, three working days, few shifts: CP-SAT proves the optimum in seconds."""
    rng = np.random.default_rng(seed)
    queues = (QueueSpec("chat", "chat"), QueueSpec("email", "email"))
    skills = [("chat",), ("chat", "email"), ("email",)]
    agents = tuple(
        Agent(f"a{i}", f"Agent {i}", "Europe/London", skills[(seed + i) % 3], 6.0 * (i % 2), 24.0)
        for i in range(2)
    )
    rules = ShiftRules(
        lengths_hours=(6.0,),
        start_step_minutes=120,
        earliest_start_minute=8 * 60,
        latest_start_minute=12 * 60,
        breaks=(BreakRule("break", 60, 120, 180, min_shift_hours=6),),
    )
    team = Team("Tiny", "Europe/London", queues, agents, 60, 0.0, rules, LabourRules(11.0, 4, 2))
    week = PlanningWeek(date(2026, 6, 15), "Europe/London", 60)
    hours = np.arange(week.grid.n_intervals) % 24
    open_hours = (hours >= 8) & (hours < 20)
    required = {q.name: np.where(open_hours, rng.integers(0, 2, hours.size), 0).astype(float) for q in queues}
    # three working days: small enough for CP-SAT to prove its optimum
    entries = (
        AvailabilityEntry(agents[0].id, "avoid", 8 * 60, 10 * 60, weekday=int(rng.integers(3))),
        *(AvailabilityEntry(a.id, "time_off", weekday=d) for a in agents for d in range(3, 7)),
    )
    return Problem(team, week, required, entries, weights)


def roster_points(p: Problem, weeks_seed: object) -> tuple[int, dict[str, int]]:
    """The whole-team model's objective of a seed roster, and its penalties by name."""
    model, v, penalties = build_model(p)
    for index, value in seed_values(p, v, weeks_seed).items():  # type: ignore[arg-type]
        model.add(model.get_int_var_from_proto_index(index) == value)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model) == cp_model.OPTIMAL
    return int(solver.value(model_objective(penalties))), {
        pen.name: int(pen.weight * solver.value(pen.expr)) for pen in penalties
    }


@pytest.mark.parametrize("seed", [0, 1, 3])
def test_the_master_prices_a_roster_as_the_model_does(seed: int) -> None:
    p = random_problem(seed)
    found = agent_weeks(p, 2.0)
    if found is None:
        pytest.skip("no roster for this seed")
    objective, penalties = roster_points(p, seed_from_weeks(found.weeks))
    master = CoverageMaster(p)
    lp = master.solve(list(found.weeks), list(found.weeks.values()))
    assert lp is not None
    # one column per agent: the master is that roster, less the fair shares it leaves out
    fair = sum(penalties.get(name, 0) for name in FAIR_SHARES)
    assert lp.objective == pytest.approx(objective - fair, abs=1e-4)


@pytest.mark.parametrize("seed", range(4))
def test_the_bound_never_exceeds_the_proven_optimum(seed: int) -> None:
    p = tiny_problem(seed)
    best = solve(p, SolveSettings(time_limit_s=30.0, workers=2))
    assert best.status == "OPTIMAL"
    bound = column_generation_bound(p, time.monotonic() + 30.0, workers=2)
    assert bound.converged
    assert bound.lower_bound <= best.objective
    # the convex hull of each agent's weeks lies inside the compact relaxation: at least its bound
    model, _, _ = build_model(p)
    lp = relaxation_bound(model)
    assert lp is not None
    assert bound.lower_bound >= lp


def test_fair_shares_count_zero_in_the_bound() -> None:
    p = tiny_problem(
        1, Weights(weekend_spread_per_day=500, late_spread_per_shift=500, night_spread_per_shift=500)
    )
    best = solve(p, SolveSettings(time_limit_s=30.0, workers=2))
    bound = column_generation_bound(p, time.monotonic() + 30.0, workers=2)
    assert bound.lower_bound <= best.objective


@pytest.mark.parametrize("seed", [0, 2, 5, 7])
def test_the_bound_stays_below_rosters_of_random_teams(seed: int) -> None:
    p = random_problem(seed)
    try:
        result = solve(p, SolveSettings(time_limit_s=1.5, workers=2))
    except Infeasible:
        pytest.skip("this random team has no roster")
    bound = column_generation_bound(p, time.monotonic() + 3.0, workers=2)
    assert bound.lower_bound <= result.objective
    if bound.converged:
        assert bound.lower_bound <= bound.lp_objective + 1


def test_pricing_bounds_the_weeks_it_finds() -> None:
    p = tiny_problem(2)
    agent = p.team.agents[0]
    rng = np.random.default_rng(0)
    for _ in range(3):
        value = rng.uniform(-5, 150, p.week.grid.n_intervals)
        priced = WeekPricer(p, agent).price(value, 5.0)
        assert priced.weeks
        assert priced.lower <= priced.best + 1e-9
        assert priced.best == pytest.approx(min(week_cost(w, value) for w in priced.weeks))


def test_the_solve_setting_proves_a_tiny_week_optimal() -> None:
    p = tiny_problem(0)
    settings = SolveSettings(time_limit_s=COLUMN_BOUND_MIN_TIME_S, workers=2, column_bound=True)
    result = solve(p, settings)
    assert result.bound <= result.objective
    # the tiny week is solved to optimality: the bound proves it
    assert result.bound == result.objective
