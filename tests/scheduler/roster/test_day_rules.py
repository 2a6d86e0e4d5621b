"""The run rules shared by the roster engine and the benchmark model, against their plain definitions.

Every pattern of worked and free days up to six days long, with some days given as constants, is
fixed in a model with the rule; the model must accept it exactly when the definition does.
"""

from __future__ import annotations

import itertools

import pytest
from ortools.sat.python import cp_model

from scheduler.roster.day_rules import Day, forbid_short_runs, limit_runs


def longest_run_ok(pattern: tuple[bool, ...], limit: int, before: int) -> bool:
    """No day of the pattern ends a run longer than `limit` (the `before` days count)."""
    run = before
    for day in pattern:
        run = run + 1 if day else 0
        if day and run > limit:
            return False
    return True


def short_runs_ok(pattern: tuple[bool, ...], minimum: int, before: int | None) -> bool:
    """Every run ended by a false day is at least `minimum` long; a run touching the end is exempt,
    one touching the start too unless `before` says what came before (a false day, then `before`
    true ones)."""
    known = before is not None
    days = ([False] + [True] * (before or 0) if known else []) + list(pattern)
    run_start: int | None = None
    for i, day in enumerate(days):
        if day and run_start is None:
            run_start = i
        if not day and run_start is not None:
            exempt = not known and run_start == 0
            if not exempt and i - run_start < minimum:
                return False
            run_start = None
    return True


def accepts(pattern: tuple[bool, ...], constant: tuple[bool, ...], add_rule: object) -> bool:
    """Whether a model holding the rule accepts the pattern (days marked constant are not variables)."""
    m = cp_model.CpModel()
    days: list[Day] = []
    for i, (value, is_constant) in enumerate(zip(pattern, constant, strict=True)):
        if is_constant:
            days.append(value)
        else:
            x = m.new_bool_var(f"d{i}")
            m.add(x == int(value))
            days.append(x)
    add_rule(m, days)  # type: ignore[operator]
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    return solver.solve(m) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def patterns(horizon: int) -> list[tuple[tuple[bool, ...], tuple[bool, ...]]]:
    """Every pattern of `horizon` days, once with variables only and once with every third day constant."""
    out = []
    for bits in itertools.product((False, True), repeat=horizon):
        out.append((bits, (False,) * horizon))
        out.append((bits, tuple(i % 3 == 1 for i in range(horizon))))
    return out


@pytest.mark.parametrize("horizon", [1, 3, 6])
@pytest.mark.parametrize("limit", [1, 2, 4])
@pytest.mark.parametrize("before", [0, 1, 3, 5])
def test_limit_runs_matches_its_definition(horizon: int, limit: int, before: int) -> None:
    for pattern, constant in patterns(horizon):
        got = accepts(pattern, constant, lambda m, d: limit_runs(m, d, limit, before))
        assert got == longest_run_ok(pattern, limit, before), (pattern, constant)


@pytest.mark.parametrize("horizon", [1, 3, 6])
@pytest.mark.parametrize("minimum", [1, 2, 3])
@pytest.mark.parametrize("before", [None, 0, 1, 2])
def test_forbid_short_runs_matches_its_definition(horizon: int, minimum: int, before: int | None) -> None:
    for pattern, constant in patterns(horizon):
        got = accepts(pattern, constant, lambda m, d: forbid_short_runs(m, d, minimum, before))
        assert got == short_runs_ok(pattern, minimum, before), (pattern, constant, before)


def test_a_run_of_last_week_longer_than_the_limit_does_not_bind_this_week() -> None:
    """Last week's excess is last week's: a day off first is still a valid week."""
    assert accepts((False, True, True), (False, False, False), lambda m, d: limit_runs(m, d, 2, before=5))
    assert not accepts((True, True), (False, False), lambda m, d: limit_runs(m, d, 2, before=5))
