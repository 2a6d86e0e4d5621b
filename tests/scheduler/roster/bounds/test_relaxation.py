"""The LP relaxation bound: solved beside the search, within the solve's own time limit."""

from __future__ import annotations

import math
import time
from dataclasses import replace

import pytest

from scheduler.roster.bounds.relaxation import BackgroundRelaxation, relaxation_bound
from scheduler.roster.model import build_model
from scheduler.roster.solve import solve
from tests.scheduler.roster.factories import QUICK, random_problem, tiny_problem


@pytest.mark.parametrize("seed", [0, 2])
def test_the_background_bound_is_the_relaxation_bound(seed: int) -> None:
    model, _, _ = build_model(tiny_problem(seed))
    expected = relaxation_bound(model)
    assert expected is not None
    assert BackgroundRelaxation(model, time.monotonic() + 60.0).bound() == expected


def test_the_background_bound_reads_the_model_as_it_was_when_started() -> None:
    model, _, penalties = build_model(tiny_problem(0))
    expected = relaxation_bound(model)
    background = BackgroundRelaxation(model, time.monotonic() + 60.0)
    model.add(sum(p.expr for p in penalties) >= 10**6)  # a later change must not reach the LP
    assert background.bound() == expected


def test_a_bound_not_ready_by_the_deadline_is_no_bound_and_does_not_wait() -> None:
    model, _, _ = build_model(random_problem(5))
    background = BackgroundRelaxation(model, time.monotonic())  # the deadline has already come
    assert background.bound() == float("-inf")


@pytest.mark.parametrize("seed", [0, 2])
def test_a_solve_with_the_relaxation_bound_gives_a_valid_bound(seed: int) -> None:
    """The search counts work units; the LP of a small team finishes well within the wall-clock
    guard (the time a solve takes is measured in `benchmarks/roster_quality.py`)."""
    p = random_problem(seed)
    result = solve(p, replace(QUICK, relaxation_bound=True))
    assert math.isfinite(result.bound)
    assert result.bound <= result.objective
