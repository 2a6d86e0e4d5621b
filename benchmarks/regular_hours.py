"""What regular hours cost: each instance rostered with and without `max_start_spread_minutes`.

The same engine, limit and seed, once free to start an agent at any time the other rules allow (the
baseline) and once with each agent's local start times in a week at most `--spread` minutes apart.
Per run: the objective, each queue's service level, the widest and the median spread of an agent's
start times, and the objective against the baseline's. Every roster is checked by the independent
checker.

Run: `.venv/bin/python benchmarks/regular_hours.py [--instances sample-14 week-15 sun-13-dst]
[--spread 120] [--time-limit 10] [--seeds 0]`
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass, replace
from statistics import median

from api.lead_report import start_spread_minutes
from benchmarks.roster_instances import all_instances
from scheduler.domain import Team
from scheduler.roster.problem import Problem
from scheduler.roster.report import measure
from scheduler.roster.solve import SolveSettings, solve
from scheduler.roster.validate import check_roster

DEFAULT_INSTANCES = ("sample-14", "week-15", "sun-13-dst")


def with_spread(p: Problem, minutes: int | None) -> Problem:
    """The problem with every agent's start times at most `minutes` apart in a week (None: any)."""
    team: Team = p.team
    agents = tuple(
        a
        if a.shift_rules is None
        else replace(a, shift_rules=replace(a.shift_rules, max_start_spread_minutes=minutes))
        for a in team.agents
    )
    rules = replace(team.shift_rules, max_start_spread_minutes=minutes)
    return replace(p, team=replace(team, shift_rules=rules, agents=agents))


@dataclass(frozen=True)
class Run:
    objective: float
    levels: dict[str, float | None]
    spreads: list[int]
    violations: int


def run(p: Problem, time_limit_s: float, seed: int) -> Run:
    result = solve(p, SolveSettings(time_limit_s=time_limit_s, seed=seed))
    service = measure(p, result.roster).service
    levels: dict[str, float | None] = {
        q: (None if r.week.service_level is None else float(r.week.service_level)) for q, r in service.items()
    }
    return Run(
        result.objective,
        levels,
        list(start_spread_minutes(result.roster, p.team).values()),
        len(check_roster(p, result.roster.shifts)),
    )


def _levels(r: Run) -> str:
    return ", ".join(f"{q} {'—' if v is None else f'{100 * v:.1f} %'}" for q, v in r.levels.items())


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--instances", nargs="+", default=list(DEFAULT_INSTANCES))
    parser.add_argument("--spread", type=int, default=120, help="minutes (default 120)")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per solve (default 10)")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    args = parser.parse_args(argv)
    print(
        "| instance | seed | starts | objective | service level | widest / median spread h | × free | viol |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for inst in all_instances(tuple(args.instances)):
        for seed in args.seeds:
            free = run(with_spread(inst.problem, None), args.time_limit, seed)
            regular = run(with_spread(inst.problem, args.spread), args.time_limit, seed)
            for label, r in (("free (baseline)", free), (f"within {args.spread} min", regular)):
                print(
                    f"| {inst.name} | {seed} | {label} | {r.objective:,.0f} | {_levels(r)} "
                    f"| {max(r.spreads) / 60:.1f} / {median(r.spreads) / 60:.1f} "
                    f"| {r.objective / free.objective:.2f} | {r.violations} |"
                )


if __name__ == "__main__":
    main()
