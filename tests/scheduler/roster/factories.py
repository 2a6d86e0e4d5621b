"""Shared test factories: seeded random roster problems (teams, zones, rules, availability and
demand curves), a tiny problem CP-SAT solves to optimality, and a roster's points in the model."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
from ortools.sat.python import cp_model

from common.errors import Infeasible
from common.timegrid import PlanningWeek
from scheduler.domain import (
    Agent,
    AvailabilityEntry,
    BreakRule,
    LabourRules,
    QueueSpec,
    Roster,
    ShiftRules,
    Team,
    Weights,
)
from scheduler.roster.coverage import coverage_penalties, demand_of, outcome
from scheduler.roster.model import build_model
from scheduler.roster.objective import SOFT_RULES, add_coverage, model_objective
from scheduler.roster.problem import Problem, skill_group
from scheduler.roster.report import on_queue_intervals
from scheduler.roster.rules import HARD_RULES
from scheduler.roster.solve import SolveSettings, solve
from scheduler.roster.validate import check_roster

# Solver settings for tests: solver work units instead of seconds, so a problem gets the same roster
# on a busy machine as on an idle one (the wall-clock limit only guards against a runaway solve)
QUICK = SolveSettings(time_limit_s=60.0, workers=1, deterministic_time_limit_s=0.2)

ZONES = (
    "America/Phoenix",
    "America/New_York",
    "Europe/London",
    "Australia/Sydney",
    "Asia/Manila",
    "Asia/Kolkata",
)
# weeks that hold a DST change somewhere among ZONES, and a quiet one
WEEKS = (date(2026, 3, 2), date(2026, 3, 23), date(2026, 10, 26), date(2026, 9, 28), date(2026, 6, 15))


def own_rules(agents: list[Agent], team_rules: LabourRules, seed: int) -> list[Agent]:
    """Some agents with their own labour rules, some with a contract in shifts (drawn apart from
    the rest of the problem, so the other draws stay as they were)."""
    rng = np.random.default_rng(seed + 7919)
    out = []
    for agent in agents:
        if rng.random() < 0.3:
            own = replace(
                team_rules,
                min_rest_hours=float(rng.integers(8, 13)),
                max_consecutive_days=int(rng.integers(2, 7)),
                min_consecutive_days_off=int(rng.integers(1, 3)),
            )
            agent = replace(agent, labour_rules=own)
        if rng.random() < 0.3:
            least = int(rng.integers(0, 3))
            agent = replace(
                agent, min_shifts_per_week=least, max_shifts_per_week=least + int(rng.integers(2, 4))
            )
        out.append(agent)
    return out


def random_problem(seed: int) -> Problem:
    """A small random team and week; the team's own zone and the week are drawn too."""
    rng = np.random.default_rng(seed)
    team_tz = str(rng.choice(ZONES[:4]))
    queues: tuple[QueueSpec, ...] = (QueueSpec("chat", "chat", concurrency=2), QueueSpec("email", "email"))
    if rng.random() < 0.4:
        queues += (QueueSpec("voice", "voice"),)
    names = [q.name for q in queues]
    lengths = tuple(float(h) for h in rng.choice([6, 8, 9, 10], size=int(rng.integers(1, 3)), replace=False))
    breaks: tuple[BreakRule, ...] = (
        (BreakRule("lunch", 30, 120, 240, min_shift_hours=6),) if rng.random() < 0.7 else ()
    )
    if breaks and rng.random() < 0.5:  # a short break whose window overlaps the lunch window
        breaks += (BreakRule("break", 15, 60, 180, min_shift_hours=6),)
    rules = ShiftRules(
        lengths_hours=lengths,
        start_step_minutes=int(rng.choice([30, 60])),
        earliest_start_minute=int(rng.integers(0, 10)) * 60,
        latest_start_minute=int(rng.integers(12, 24)) * 60 - 30,
        breaks=breaks,
    )
    labour = LabourRules(
        min_rest_hours=float(rng.integers(8, 13)),
        max_consecutive_days=int(rng.integers(3, 7)),
        min_days_off_per_week=int(rng.integers(1, 4)),
    )
    agents = []
    for i in range(int(rng.integers(3, 7))):
        tz = team_tz if rng.random() < 0.6 else str(rng.choice(ZONES))
        count = int(rng.integers(1, len(names) + 1))
        skills = tuple(str(x) for x in rng.choice(names, size=count, replace=False))
        low = float(rng.choice([0, 8, 16, 24]))
        agents.append(Agent(f"a{i}", f"Agent {i}", tz, skills, low, low + float(rng.choice([8, 16, 24]))))
    team = Team("Random", team_tz, queues, tuple(own_rules(agents, labour, seed)), 15, 0.2, rules, labour)
    week = PlanningWeek(WEEKS[int(rng.integers(len(WEEKS)))], team_tz, 15)
    n = week.grid.n_intervals
    phase = rng.uniform(0, 2 * np.pi, size=len(queues))
    t = np.arange(n) / (96 / 1.0)
    required = {
        q.name: np.clip(np.round(1 + 1.5 * np.sin(2 * np.pi * t + ph) + rng.normal(0, 0.3, n)), 0, None)
        for q, ph in zip(queues, phase, strict=True)
    }
    entries = []
    for agent in agents:
        roll = rng.random()
        day = week.first_day + timedelta(days=int(rng.integers(0, 7)))
        if roll < 0.25:
            entries.append(AvailabilityEntry(agent.id, "time_off", on_date=day))
        elif roll < 0.45:
            start = int(rng.integers(0, 20)) * 60
            entries.append(
                AvailabilityEntry(agent.id, "unavailable", start, start + 240, weekday=int(rng.integers(7)))
            )
        elif roll < 0.6:
            entries.append(AvailabilityEntry(agent.id, "available", 6 * 60, 22 * 60, on_date=day))
        elif roll < 0.75:
            entries.append(AvailabilityEntry(agent.id, "avoid", 0, 9 * 60, weekday=int(rng.integers(7))))
    return Problem(team, week, required, tuple(entries))


def over_two_weeks(p: Problem) -> Problem:
    """The same team and rules over a two-week horizon, the week's demand curve repeated."""
    horizon = replace(p.week, n_days=14)
    required = {q: np.resize(values, horizon.grid.n_intervals) for q, values in p.required.items()}
    return replace(p, week=horizon, required=required)


def valid_or_explained(p: Problem, label: str) -> Roster | None:
    """The roster of a short solve, checked to keep every hard rule; None when the problem is
    infeasible, which must then say why."""
    try:
        result = solve(p, QUICK)
    except Infeasible as exc:
        conflicts = exc.conflicts
    else:
        assert check_roster(p, result.roster.shifts) == [], label
        return result.roster
    assert conflicts, f"{label}: an infeasible problem must say why"
    return None


FAIR_SHARES = (
    "weekend days: most minus fewest",
    "late shifts: most minus fewest",
    "night shifts: most minus fewest",
)
NO_FAIR_SHARES = Weights(weekend_spread_per_day=0, late_spread_per_shift=0, night_spread_per_shift=0)


def tiny_problem(seed: int, weights: Weights = NO_FAIR_SHARES) -> Problem:
    """Two agents on an hourly grid, three working days, few shifts: CP-SAT proves the optimum in seconds."""
    rng = np.random.default_rng(seed)
    queues = (QueueSpec("chat", "chat"), QueueSpec("email", "email"))
    skills = [("chat",), ("chat", "email"), ("email",)]
    agents = tuple(
        Agent(f"a{i}", f"Agent {i}", "Europe/London", skills[(seed + i) % 3], 6.0 * (i % 2), 24.0)
        for i in range(2)
    )
    rules = ShiftRules(
        lengths_hours=(6.0,),
        start_step_minutes=120,
        earliest_start_minute=8 * 60,
        latest_start_minute=12 * 60,
        breaks=(BreakRule("break", 60, 120, 180, min_shift_hours=6),),
    )
    team = Team("Tiny", "Europe/London", queues, agents, 60, 0.0, rules, LabourRules(11.0, 4, 2))
    week = PlanningWeek(date(2026, 6, 15), "Europe/London", 60)
    hours = np.arange(week.grid.n_intervals) % 24
    open_hours = (hours >= 8) & (hours < 20)
    required = {q.name: np.where(open_hours, rng.integers(0, 2, hours.size), 0).astype(float) for q in queues}
    # three working days: small enough for CP-SAT to prove its optimum
    entries = (
        AvailabilityEntry(agents[0].id, "avoid", 8 * 60, 10 * 60, weekday=int(rng.integers(3))),
        *(AvailabilityEntry(a.id, "time_off", weekday=d) for a in agents for d in range(3, 7)),
    )
    return Problem(team, week, required, entries, weights)


def roster_objective(p: Problem, roster: Roster) -> dict[str, float]:
    """The roster objective of a roster, recounted from the roster alone: coverage from the agents
    its shifts, breaks and queue stretches put on each queue in each interval (counted on the
    grid as the report does), every other soft rule from the roster model's own rule functions
    with the roster's shifts fixed, and the changes of queue from its stretches."""
    demand = demand_of(p)
    groups = list(demand.groups)
    names = [q.name for q in p.team.queues]
    on = np.zeros((p.week.grid.n_intervals, len(groups), len(names)), dtype=np.int64)
    for shift in roster.shifts:
        g = groups.index(skill_group(p, p.team.agent(shift.agent_id)))
        for queue, intervals in on_queue_intervals(shift, p.week.grid).items():
            np.add.at(on[:, g, names.index(queue)], intervals, 1)
    out = coverage_penalties(outcome(demand, on), demand)
    soft = tuple(r for r in SOFT_RULES if r is not add_coverage)
    model, v, penalties = build_model(p, HARD_RULES + soft)
    chosen = {(s.agent_id, s.local_date, s.start_utc, round(s.hours * 60)) for s in roster.shifts}
    for c in v.all_candidates():
        model.add(
            v.works[c.index] == int((c.agent_id, c.local_date, c.start_utc, c.length_minutes) in chosen)
        )
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    for pen in penalties:
        out[pen.name] = out.get(pen.name, 0.0) + float(pen.weight * solver.value(pen.expr))
    changes = sum(len(s.queue_spans()) - 1 for s in roster.shifts)
    out["changes of queue"] = float(p.weights.queue_change * changes)
    return out


def proven_optimum(p: Problem) -> float:
    """The objective of the whole-team model solved to proven optimality (small problems only)."""
    model, _, penalties = build_model(p)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model) == cp_model.OPTIMAL
    return float(solver.value(model_objective(penalties)))
