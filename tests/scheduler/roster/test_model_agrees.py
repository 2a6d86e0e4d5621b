"""The whole-team CP-SAT model and the agent-by-agent search agree: every roster the search
finds is a solution of the model, and the model prices it at most as the search does (the
model's coverage is a relaxation, so its LP bound and the polish stay sound)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from ortools.sat.python import cp_model

from common.errors import Infeasible
from scheduler.cpsat import new_solver
from scheduler.roster.model import build_model
from scheduler.roster.problem import Problem
from scheduler.roster.search.construct import NoWeek, team_weeks
from scheduler.roster.search.polish import hint_roster
from tests.scheduler.roster.factories import blended_problem, random_problem, with_tight_breaks


def tight_breaks(seed: int) -> Problem:
    """A random problem whose break windows leave room for half an hour between the breaks only
    where the break is not at its latest (`with_tight_breaks`)."""
    return with_tight_breaks(random_problem(seed))


PROBLEMS = [
    *(pytest.param(random_problem, seed, id=f"headcount-{seed}") for seed in range(6)),
    *(pytest.param(blended_problem, seed, id=f"service-{seed}") for seed in range(3)),
    *(pytest.param(tight_breaks, seed, id=f"tight-breaks-{seed}") for seed in range(3)),
]


@pytest.mark.parametrize(("make", "seed"), PROBLEMS)
def test_the_model_accepts_the_search_roster_and_prices_it_no_higher(
    make: Callable[[int], Problem], seed: int
) -> None:
    p = make(seed)
    try:
        team = team_weeks(p, 2.0, deterministic=True)
    except (Infeasible, NoWeek):
        pytest.skip(f"seed {seed}: some agent has no week")
    model, v, _ = build_model(p)
    hint_roster(model, v, team)
    solver = new_solver(600.0, work_units=2.0)
    solver.parameters.fix_variables_to_their_hinted_value = True
    status = solver.solve(model)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE), f"the model refuses the search's roster ({seed=})"
    assert solver.objective_value <= team.points() + 1e-6
