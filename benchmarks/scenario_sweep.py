"""Scenario sweeps: 50 staffing-only scenarios (target: under 1 s in all), and 12 re-roster scenarios
with 1 and 2 local worker processes (and a local Ray instance when Ray is installed).

The sample Creator Support team (14 agents, email + chat, 15-minute grid) on a forecast week. Each
re-roster is a short CP-SAT solve (`--time-limit`, default 5 s, one search worker), so the figures
measure throughput of the sweep machinery, not roster quality. Run:
`.venv/bin/python benchmarks/scenario_sweep.py [--time-limit 5]`.
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from datetime import date

from api.sweeps import RayRunner, shutdown_ray
from common.timegrid import PlanningWeek
from forecasting import forecast_week
from scheduler.roster.problem import Problem, requirements_to_arrays
from scheduler.roster.solve import SolveSettings, solve
from scheduler.sample import sample_availability, sample_history, sample_team
from scheduler.scenarios import BasePlan, LocalRunner, Pay, Runner, compare, sweep
from scheduler.staffing.requirements import compute_requirements

WEEK = date(2026, 11, 2)


def _timed(plan: BasePlan, runner: Runner, settings: SolveSettings, n: int) -> float:
    scenarios = sweep({"volume": [0.9, 1.0, 1.1, 1.2], "headcount": [12, 13, 14]})[:n]
    started = time.perf_counter()
    compare(plan, scenarios, "reroster", settings=settings, runner=runner)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=5.0, help="seconds per re-roster solve")
    args = parser.parse_args()
    team = sample_team()
    week = PlanningWeek(WEEK, team.tz, team.interval_minutes)
    forecast = forecast_week(sample_history(WEEK, weeks=3), week)
    availability = sample_availability(team, WEEK)
    required = requirements_to_arrays(compute_requirements(forecast, team), team, week)
    roster = solve(
        Problem(team, week, required, availability), SolveSettings(time_limit_s=10, workers=2)
    ).roster
    plan = BasePlan(
        team, week, forecast, availability=availability, roster=roster, pay=Pay(default_hourly_rate=30)
    )

    grid = sweep(
        {"volume": [0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7], "headcount": [12, 13, 14, 15, 16]}
    )
    started = time.perf_counter()
    table = compare(plan, grid, "staffing")
    staffing_s = time.perf_counter() - started
    print(f"staffing-only sweep: {len(grid)} scenarios in {staffing_s * 1000:.0f} ms "
          f"({staffing_s / len(grid) * 1000:.1f} ms each; target under 1 s in all: "
          f"{'met' if staffing_s < 1 else 'NOT met'})")  # fmt: skip
    print(table.frame().iloc[:4, :8].to_string(index=False))

    settings = SolveSettings(time_limit_s=args.time_limit, workers=1)
    n = 12
    print(
        f"\nre-roster sweep: {n} scenarios (volume 0.9-1.2 x headcount 12-14), {args.time_limit:g} s per solve"
    )
    one = _timed(plan, LocalRunner(1), settings, n)
    print(f"  1 local worker : {one:6.1f} s  {n / one * 60:5.1f} scenarios/min  speed-up 1.00")
    two = _timed(plan, LocalRunner(2), settings, n)
    print(f"  2 local workers: {two:6.1f} s  {n / two * 60:5.1f} scenarios/min  speed-up {one / two:.2f}")
    if importlib.util.find_spec("ray") is None:
        print("  local Ray      : skipped (ray is not installed: pip install -e '.[ray]')")
        return
    ray_s = _timed(plan, RayRunner("local", num_cpus=2), settings, n)
    shutdown_ray()
    print(f"  local Ray (2)  : {ray_s:6.1f} s  {n / ray_s * 60:5.1f} scenarios/min  speed-up {one / ray_s:.2f} "
          "(includes starting Ray)")  # fmt: skip


if __name__ == "__main__":
    main()
