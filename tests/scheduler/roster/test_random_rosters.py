"""Every roster the engine returns keeps every hard rule, on many random teams, zones and weeks."""

from __future__ import annotations

import numpy as np

from common.errors import Infeasible
from scheduler.domain import Roster
from scheduler.roster.problem import Problem
from scheduler.roster.report import coverage
from scheduler.roster.solve import solve
from scheduler.roster.validate import check_roster
from tests.scheduler.roster.factories import QUICK, random_problem

SEEDS = range(16)
FAST = QUICK


def roster_coverage_points(problem: Problem, roster: Roster) -> int:
    """The coverage penalty recomputed from the roster's own queue stretches and breaks."""
    w = problem.weights
    total = 0
    for queue, have in coverage(problem, roster).items():
        need = np.ceil(problem.required[queue] - 1e-9).astype(int)
        short = np.maximum(need - have, 0)
        total += w.under_per_agent_interval * int(short.sum())
        for k in range(1, w.under_tiers):
            total += w.under_step_per_agent_interval * int(np.maximum(short - k, 0)[need > k].sum())
        total += w.over_per_agent_interval * int(np.maximum(have - need, 0).sum())
    return total


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
        model_points = sum(v for k, v in result.penalties.items() if "staffed" in k)
        # the queue of each agent in each interval realises the model's counts (or better)
        assert roster_coverage_points(problem, result.roster) <= model_points, f"seed {seed}"
    assert unexplained == [], "an infeasible problem must say why"
    assert solved >= len(SEEDS) * 0.6, f"only {solved} of {len(SEEDS)} random problems solved"
