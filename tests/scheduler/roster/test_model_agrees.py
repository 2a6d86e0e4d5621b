"""The whole-team CP-SAT model and the agent-by-agent search agree: every roster the search
finds is a solution of the model, and the model prices it at most as the search does (the
model's coverage is a relaxation, so its LP bound and the polish stay sound)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from common.errors import Infeasible
from scheduler.roster.problem import Problem
from scheduler.roster.search.construct import NoWeek, team_weeks
from tests.scheduler.roster.factories import (
    blended_problem,
    model_takes_at_no_higher_price,
    random_problem,
    with_tight_breaks,
)


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
    assert model_takes_at_no_higher_price(p, team), (
        f"the model refuses the search's roster or prices it higher ({seed=})"
    )
