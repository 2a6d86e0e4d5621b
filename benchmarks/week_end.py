"""The week's last night: rosters that count their shifts' hours past the week's end, against rosters
that count nothing there (the baseline, as before the lead-out).

A shift that starts on the week's last evening runs on into next week. The roster objective counts
those hours against next week's first hours, taken to be like this week's (`coverage.planning_demand`);
the baseline is the same engine, limit and seed with no lead-out, so a Sunday night shift is worth
only its hours before midnight. Each run is a week in a run of weeks alike: the week is rostered,
then rostered again with the first roster as last week's (`previous`: its Sunday night shifts cover
the week's first hours), and the second roster is measured. Per run, for the live queues with
contacts in the week's last hours:
the expected service level in the week's last `--hours` hours, in the same hours of the other days
(together), and over the week; the hours worked past the week's end; the week's own coverage points
(the objective less the lead-out, comparable between the two). Every roster is checked by the
independent checker.

Run: `.venv/bin/python benchmarks/week_end.py [--instances sun-13-dst sun-60 week-15] [--hours 6]
[--time-limit 10] [--seeds 0 1] [--three-shifts]` (`--three-shifts`: every agent on early, late and
night shifts, as many 24/7 teams work)
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from unittest import mock

import numpy as np

from benchmarks.roster_instances import all_instances
from common.timegrid import DAYS_PER_WEEK
from scheduler.domain import Roster, ShiftType
from scheduler.roster.problem import Problem
from scheduler.roster.report import measure
from scheduler.roster.solve import SolveSettings, solve
from scheduler.roster.validate import check_roster

DEFAULT_INSTANCES = ("sun-13-dst", "sun-60", "week-15")
DAY_HOURS = 24


@contextmanager
def no_lead_out() -> Iterator[None]:
    """The baseline: nothing past the week's end is counted (the roster engine before the lead-out)."""
    with mock.patch.object(Problem, "lead_out_intervals", return_value=0):
        yield


@dataclass(frozen=True)
class Run:
    last_hours: dict[str, float]  # service level in the week's last hours, per live queue
    other_days: dict[str, float]  # in the same hours of the other days
    week: dict[str, float]
    hours_after: float  # shift hours past the week's end
    week_points: float
    violations: int


def _answered(missed: np.ndarray, volume: np.ndarray, rows: np.ndarray) -> float:
    contacts = float(volume[rows].sum())
    return float("nan") if contacts <= 0 else 1.0 - float(missed[rows].sum()) / contacts


def measured(p: Problem, roster: Roster, hours: int) -> Run:
    """The service where the week ends, on the other days at those hours, and over the week."""
    m = measure(p, roster)
    n = p.week.grid.n_intervals
    per_hour = 60 // p.week.grid.interval_minutes
    window = hours * per_hour
    last = np.arange(n - window, n)
    days = n // (DAY_HOURS * per_hour)
    others = np.concatenate([last - k * DAY_HOURS * per_hour for k in range(1, days)])
    out: tuple[dict[str, float], dict[str, float], dict[str, float]] = ({}, {}, {})
    for d, o in zip(m.demand.queues, m.outcome.queues, strict=True):
        if not d.is_live or d.volume is None or d.volume[last].sum() <= 0:
            continue
        out[0][d.queue.name] = _answered(o.missed_contacts, d.volume, last)
        out[1][d.queue.name] = _answered(o.missed_contacts, d.volume, others[others >= 0])
        out[2][d.queue.name] = _answered(o.missed_contacts, d.volume, np.arange(n))
    end = p.week.grid.end_utc
    after = sum((s.end_utc - max(s.start_utc, end)).total_seconds() for s in roster.shifts if s.end_utc > end)
    return Run(*out, after / 3600.0, m.outcome.points, len(check_roster(p, roster.shifts)))


THREE_SHIFTS = (
    ShiftType("early", 6 * 60, 8 * 60),
    ShiftType("late", 14 * 60, 8 * 60),
    ShiftType("night", 22 * 60, 8 * 60),
)


def in_three_shifts(p: Problem) -> Problem:
    """The problem with every agent on the three 8-hour shifts of a 24/7 team, on their own clock:
    early 06:00, late 14:00, night 22:00 (breaks as before)."""
    team = p.team
    agents = tuple(
        a if a.shift_rules is None else replace(a, shift_rules=replace(a.shift_rules, types=THREE_SHIFTS))
        for a in team.agents
    )
    return replace(
        p, team=replace(team, shift_rules=replace(team.shift_rules, types=THREE_SHIFTS), agents=agents)
    )


def a_week_before(roster: Roster) -> Roster:
    """`roster` moved back a week, as last week's roster."""
    week = timedelta(days=DAYS_PER_WEEK)
    shifts = tuple(
        replace(
            s,
            local_date=s.local_date - week,
            start_utc=s.start_utc - week,
            end_utc=s.end_utc - week,
            breaks=tuple(
                replace(b, start_utc=b.start_utc - week, end_utc=b.end_utc - week) for b in s.breaks
            ),
            work=tuple(replace(w, start_utc=w.start_utc - week, end_utc=w.end_utc - week) for w in s.work),
        )
        for s in roster.shifts
    )
    return Roster(roster.team, roster.first_day - week, shifts)


def run(p: Problem, time_limit_s: float, seed: int, hours: int) -> Run:
    """The week rostered after a week like it: once alone, then again with that roster as last week's
    (its shifts running on into the week count there), measured the second time."""
    settings = SolveSettings(time_limit_s=time_limit_s, seed=seed)
    first = solve(p, settings).roster
    again = replace(p, previous=a_week_before(first))
    return measured(again, solve(again, settings).roster, hours)


def _levels(levels: dict[str, float]) -> str:
    return ", ".join(f"{q} {100 * v:.1f} %" for q, v in levels.items()) or "—"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--instances", nargs="+", default=list(DEFAULT_INSTANCES))
    parser.add_argument("--hours", type=int, default=6, help="the week's last hours looked at (default 6)")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per solve (default 10)")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1])
    parser.add_argument(
        "--three-shifts", action="store_true", help="every agent on early, late and night shifts (06, 14, 22)"
    )
    args = parser.parse_args(argv)
    print(
        f"| instance | seed | past the week's end | last {args.hours} h | same hours, other days | week "
        "| hours into next week | week's coverage points | viol |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for inst in all_instances(tuple(args.instances)):
        p = in_three_shifts(inst.problem) if args.three_shifts else inst.problem
        for seed in args.seeds:
            with no_lead_out():
                before = run(p, args.time_limit, seed, args.hours)
            after = run(p, args.time_limit, seed, args.hours)
            for label, r in (("counted nothing (baseline)", before), ("counted (lead-out)", after)):
                print(
                    f"| {inst.name} | {seed} | {label} | {_levels(r.last_hours)} | {_levels(r.other_days)} "
                    f"| {_levels(r.week)} | {r.hours_after:.1f} | {r.week_points:,.0f} | {r.violations} |"
                )


if __name__ == "__main__":
    main()
