"""Every roster the engine returns keeps every hard rule, on many random teams, zones and weeks."""

from __future__ import annotations

from scheduler.errors import Infeasible
from scheduler.solve import SolveSettings, solve
from scheduler.validate import check_roster
from tests.scheduler.random_problems import random_problem

SEEDS = range(12)
FAST = SolveSettings(time_limit_s=2.0, workers=2)


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
    assert unexplained == [], "an infeasible problem must say why"
    assert solved >= len(SEEDS) * 0.6, f"only {solved} of {len(SEEDS)} random problems solved"
