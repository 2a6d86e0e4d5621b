"""Every roster the engine returns keeps every hard rule, on many random teams, zones and weeks."""

from __future__ import annotations

import pytest

from common.errors import Infeasible
from scheduler.roster.solve import solve
from scheduler.roster.validate import check_roster
from tests.scheduler.roster.factories import QUICK, random_problem, roster_objective

SEEDS = range(16)
FAST = QUICK


def test_random_rosters_keep_every_hard_rule() -> None:
    solved = 0
    unexplained: list[int] = []
    for seed in SEEDS:
        problem = random_problem(seed)
        try:
            result = solve(problem, FAST)
        except Infeasible as exc:
            if not exc.conflicts:
                unexplained.append(seed)
            continue
        solved += 1
        violations = check_roster(problem, result.roster.shifts)
        assert violations == [], f"seed {seed}: {violations[:3]}"
        assert result.roster.shifts, f"seed {seed}: a week with demand and agents gets shifts"
        # the objective the search reports is the roster's, recounted from the roster alone
        assert result.objective == pytest.approx(sum(roster_objective(problem, result.roster).values())), seed
    assert unexplained == [], "an infeasible problem must say why"
    assert solved >= len(SEEDS) * 0.6, f"only {solved} of {len(SEEDS)} random problems solved"
