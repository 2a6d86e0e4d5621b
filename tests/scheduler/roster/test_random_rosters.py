"""Every roster the engine returns keeps every hard rule, on many random teams, zones and weeks.

A Hypothesis property: the random problems (`factories.random_problems`) are drawn from a seed and
cut down by drawn choices, so a failure shrinks to a small problem (fewer agents, no availability)
that still fails. Solves use work limits (`QUICK`), never the clock.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from common.errors import Infeasible
from scheduler.roster.problem import Problem
from scheduler.roster.solve import solve
from scheduler.roster.validate import check_roster
from tests.scheduler.roster.factories import QUICK, random_problems, roster_objective

EXAMPLES = 20


def test_random_rosters_keep_every_hard_rule() -> None:
    solved: list[bool] = []

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None)
    @given(problem=random_problems())
    def keeps_every_rule(problem: Problem) -> None:
        try:
            result = solve(problem, QUICK)
        except Infeasible as exc:
            conflicts = exc.conflicts
        else:
            violations = check_roster(problem, result.roster.shifts)
            assert violations == [], violations[:3]
            assert result.roster.shifts, "a week with demand and agents gets shifts"
            # the objective the search reports is the roster's, recounted from the roster alone
            assert result.objective == pytest.approx(sum(roster_objective(problem, result.roster).values()))
            solved.append(True)
            return
        assert conflicts, "an infeasible problem must say why"
        solved.append(False)

    keeps_every_rule()
    assert sum(solved) >= len(solved) * 0.6, f"only {sum(solved)} of {len(solved)} random problems solved"
