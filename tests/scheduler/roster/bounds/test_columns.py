"""The column-generation bound: it prices a roster as the model does, and never exceeds the optimum."""

from __future__ import annotations

import time

import numpy as np
import pytest

from common.errors import Infeasible
from scheduler.domain import (
    Weights,
)
from scheduler.roster.bounds.columns import CoverageMaster, WeekPricer, column_generation_bound, week_cost
from scheduler.roster.bounds.relaxation import relaxation_bound
from scheduler.roster.model import build_model
from scheduler.roster.search.construct import agent_weeks, seed_from_weeks
from scheduler.roster.solve import COLUMN_BOUND_MIN_TIME_S, SolveSettings, solve
from tests.scheduler.roster.factories import (
    FAIR_SHARES,
    QUICK,
    proven_optimum,
    random_problem,
    roster_points,
    tiny_problem,
)


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
    best = proven_optimum(p)
    bound = column_generation_bound(p, time.monotonic() + 30.0, workers=2)
    assert bound.converged
    assert bound.lower_bound <= best
    # the convex hull of each agent's weeks lies inside the compact relaxation: at least its bound
    model, _, _ = build_model(p)
    lp = relaxation_bound(model)
    assert lp is not None
    assert bound.lower_bound >= lp


def test_fair_shares_count_zero_in_the_bound() -> None:
    p = tiny_problem(
        1, Weights(weekend_spread_per_day=500, late_spread_per_shift=500, night_spread_per_shift=500)
    )
    bound = column_generation_bound(p, time.monotonic() + 30.0, workers=2)
    assert bound.lower_bound <= proven_optimum(p)


@pytest.mark.parametrize("seed", [0, 2, 5, 7])
def test_the_bound_stays_below_rosters_of_random_teams(seed: int) -> None:
    p = random_problem(seed)
    try:
        result = solve(p, QUICK)
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
