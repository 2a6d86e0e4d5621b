"""Shared test factories: seeded random roster problems (teams, zones, rules, availability and
demand curves) and a Hypothesis strategy over them, a tiny problem CP-SAT solves to optimality, a
roster's points in the model, and the builders that check one rule at a time (a one-agent week,
shifts by hand, the model with one rule and every decision fixed to those shifts)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import numpy as np
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from common.errors import Infeasible
from common.timegrid import PlanningWeek, clock_to_minute, wall_to_utc, zone
from scheduler.cpsat import new_solver
from scheduler.domain import (
    Agent,
    AvailabilityEntry,
    BreakKind,
    BreakRule,
    LabourRules,
    QueueSpec,
    Roster,
    Shift,
    ShiftRules,
    ShiftType,
    Team,
    Weights,
)
from scheduler.roster.candidates import break_activity, intervals_between
from scheduler.roster.coverage import coverage_penalties, on_queue_intervals, outcome, planning_demand
from scheduler.roster.model import build_model
from scheduler.roster.objective import SOFT_RULES, add_coverage, model_objective
from scheduler.roster.problem import Problem, skill_group
from scheduler.roster.report import work_changes
from scheduler.roster.rules import HARD_RULES
from scheduler.roster.search.construct import PLAN_CHANGES, TeamWeeks
from scheduler.roster.search.polish import hint_roster
from scheduler.roster.solve import SolveSettings, solve
from scheduler.roster.validate import check_roster
from scheduler.roster.variables import Penalty, RosterVars, Rule, matching_candidate

# Solver settings for tests: solver work units instead of seconds, so a problem gets the same roster
# on a busy machine as on an idle one (the wall-clock limit only guards against a runaway solve). A tenth
# of a unit: one round of each descent and one move, enough for every rule and count the tests check
QUICK = SolveSettings(time_limit_s=60.0, workers=1, deterministic_time_limit_s=0.1)

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


MOST_RANDOM_AGENTS = 6


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
    for i in range(int(rng.integers(3, MOST_RANDOM_AGENTS + 1))):
        tz = team_tz if rng.random() < 0.6 else str(rng.choice(ZONES))
        count = int(rng.integers(1, len(names) + 1))
        skills = tuple(str(x) for x in rng.choice(names, size=count, replace=False))
        low = float(rng.choice([0, 8, 16, 24]))
        agents.append(Agent(f"a{i}", f"Agent {i}", tz, skills, low, low + float(rng.choice([8, 16, 24]))))
    # regular hours for some teams, drawn apart so the other draws stay as they were
    spread_roll = np.random.default_rng(seed + 1_000_003)
    if spread_roll.random() < 0.4:
        rules = replace(rules, max_start_spread_minutes=int(spread_roll.choice([0, 60, 120, 240])))
    night_roll = np.random.default_rng(seed + 2_000_003)
    if night_roll.random() < 0.25:  # a night crew's start window, across midnight
        rules = replace(
            rules,
            earliest_start_minute=int(night_roll.integers(20, 24)) * 60,
            latest_start_minute=int(night_roll.integers(0, 4)) * 60,
        )
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


# windows where a break placed at its cheapest leaves the lunch no place 30 minutes clear of it
TIGHT_BREAKS = (BreakRule("break", 15, 60, 120), BreakRule("lunch", 30, 90, 150))


def with_tight_breaks(p: Problem) -> Problem:
    """The problem with 8-hour shifts and `TIGHT_BREAKS` for every agent."""
    rules = replace(p.team.shift_rules, lengths_hours=(8.0,), breaks=TIGHT_BREAKS)
    agents = tuple(replace(a, shift_rules=None) for a in p.team.agents)
    return replace(p, team=replace(p.team, shift_rules=rules, agents=agents))


@st.composite
def random_problems(draw: st.DrawFn) -> Problem:
    """`random_problem` of a drawn seed, whole or cut down: to its first agents and with or without
    its availability rows. The cuts are drawn before the seed, so a failing problem shrinks first to
    fewer agents and no availability, then to the smallest seed that still fails."""
    whole = draw(st.booleans(), label="whole")
    most_agents = draw(st.integers(1, MOST_RANDOM_AGENTS), label="agents")
    with_availability = draw(st.booleans(), label="with availability")
    p = random_problem(draw(st.integers(0, 9_999), label="seed"))
    if whole:
        return p
    agents = p.team.agents[:most_agents]
    kept = {a.id for a in agents}
    entries = p.availability if with_availability else ()
    return replace(
        p, team=replace(p.team, agents=agents), availability=tuple(e for e in entries if e.agent_id in kept)
    )


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
    demand = planning_demand(p)
    groups = list(demand.groups)
    names = [q.name for q in p.team.queues]
    grid = replace(p.week.grid, n_intervals=demand.n_intervals)  # the week and its lead-out
    on = np.zeros((grid.n_intervals, len(groups), len(names)), dtype=np.int64)
    for shift in roster.shifts:
        g = groups.index(skill_group(p, p.team.agent(shift.agent_id)))
        for queue, intervals in on_queue_intervals(shift, grid).items():
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
    if p.published is not None and p.weights.queue_or_break_change_per_shift:
        pinned = {(s.agent_id, s.start_utc, s.end_utc) for s in p.pinned}
        changed = [
            c
            for c in work_changes(p.published, roster)
            if not p.is_locked(c.before.start_utc, c.before.agent_id)
            and (c.after.agent_id, c.after.start_utc, c.after.end_utc) not in pinned
        ]
        out[PLAN_CHANGES] = float(p.weights.queue_or_break_change_per_shift * len(changed))
    return out


class _StopAtOrBelow(cp_model.CpSolverSolutionCallback):
    """Stops the search at its first solution whose objective is at most `points`."""

    def __init__(self, points: float) -> None:
        super().__init__()
        self.points = points

    def on_solution_callback(self) -> None:
        if self.ObjectiveValue() <= self.points:
            self.StopSearch()


def model_takes_at_no_higher_price(p: Problem, team: TeamWeeks) -> bool:
    """Whether the whole-team model accepts the search's roster (its shifts, breaks and working days
    fixed; CP-SAT completes the rest) at no more than the search's points. The search stops at the
    first such solution, else after 2 work units (the model's price only falls as it searches)."""
    model, v, _ = build_model(p)
    hint_roster(model, v, team)
    solver = new_solver(600.0, work_units=2.0)
    solver.parameters.fix_variables_to_their_hinted_value = True
    points = team.points() + 1e-6
    status = solver.solve(model, _StopAtOrBelow(points))
    return status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and solver.objective_value <= points


def proven_optimum(p: Problem) -> float:
    """The objective of the whole-team model solved to proven optimality (small problems only)."""
    model, _, penalties = build_model(p)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model) == cp_model.OPTIMAL
    return float(solver.value(model_objective(penalties)))


WEEK = PlanningWeek(date(2026, 3, 23), "Europe/London", 30)  # the UK changes clocks on the 29th
CHAT = QueueSpec("chat", "chat", service_level=0.8, target_answer_s=60, concurrency=2, aht_s=600)
EMAIL = QueueSpec("email", "email", service_level=0.9, response_hours=4, aht_s=300, max_occupancy=0.9)


def blended_problem(seed: int = 0, objective: str = "service_level") -> Problem:
    """Quiet chat and email, agents skilled for both or for one, random volumes and counts."""
    rng = np.random.default_rng(seed)
    n = WEEK.grid.n_intervals
    skills = [("chat", "email"), ("chat", "email"), ("email",), ("chat",)]
    agents = tuple(Agent(f"a{i}", f"A{i}", "Europe/London", skills[i % 4], 0, 40) for i in range(6))
    team = Team("B", "Europe/London", (CHAT, EMAIL), agents, 30, 0.1, ShiftRules((8.0,), 60, 6 * 60, 12 * 60))
    volume = {"chat": rng.uniform(0, 3, n), "email": rng.uniform(0, 12, n)}
    need = {"chat": rng.uniform(0, 2, n), "email": rng.uniform(0, 2, n)}
    carried = np.zeros(n)
    carried[:8] = rng.uniform(0, 5, 8)
    return Problem(
        team,
        WEEK,
        need,
        weights=Weights(objective=objective),
        volume=volume,
        aht_s={"chat": np.full(n, 600.0), "email": np.full(n, 300.0)},
        carried_in={"email": carried},
    )


# ------------------------------------------------------------------ one rule at a time
# As Timefold's ConstraintVerifier: a week of one agent (or two) on an hourly grid, shifts written by
# hand, and the model with one rule alone and every decision fixed to those shifts.

VERIFY_WEEK = date(2026, 6, 15)  # a Monday, far from any change of clocks
VERIFY_TZ = "Europe/London"
# rules that let every hand-made roster through but the one a test is about
EASY_LABOUR = LabourRules(min_rest_hours=8, max_consecutive_days=7, min_days_off_per_week=0)
EIGHT_HOURS = ShiftRules((8.0,), 60, 6 * 60, 14 * 60)  # 8-h shifts starting 06:00..14:00
EARLY_AND_LATE = ShiftRules(
    types=(
        ShiftType("early", 6 * 60, 8 * 60),
        ShiftType("late", 14 * 60, 8 * 60, not_followed_by=("early",)),
    )
)


def verify_agent(agent_id: str = "a", **fields: Any) -> Agent:
    """An agent in London on chat, up to 56 hours a week, with `fields` changed."""
    return replace(Agent(agent_id, agent_id.title(), VERIFY_TZ, ("chat",), 0, 56), **fields)


def verify_problem(
    *agents: Agent,
    labour: LabourRules = EASY_LABOUR,
    rules: ShiftRules = EIGHT_HOURS,
    need: dict[tuple[int, int], float] | None = None,
    interval_minutes: int = 60,
    **fields: Any,
) -> Problem:
    """A week of `agents` (one `verify_agent` when none) on chat, on an hourly grid (or of
    `interval_minutes`); `need` maps (day, local hour) to agents needed (none elsewhere); `fields`
    are the problem's other fields."""
    team = Team(
        "Verify",
        VERIFY_TZ,
        (QueueSpec("chat", "chat"),),
        agents or (verify_agent(),),
        interval_minutes,
        0.0,
        rules,
        labour,
    )
    week = PlanningWeek(VERIFY_WEEK, VERIFY_TZ, interval_minutes)
    required = np.zeros(week.grid.n_intervals)
    for (day, hour), agents_needed in (need or {}).items():
        start = wall_to_utc(VERIFY_WEEK + timedelta(days=day), hour * 60, zone(VERIFY_TZ))
        assert start is not None
        required[week.grid.index_of(start)] = agents_needed
    return Problem(team, week, {"chat": required}, **fields)


def shift_at(
    p: Problem,
    day: int,
    start: str,
    hours: float = 8.0,
    *,
    agent_id: str = "a",
    breaks: Sequence[tuple[BreakKind, int]] = (),
    shift_type: str = "",
) -> Shift:
    """The agent's shift on day `day` of the week (0: its first; -1: the day before), from local
    `start` ("HH:MM") for `hours`, with breaks (kind, minutes after the start) of its shift rules."""
    agent = p.team.agent(agent_id)
    local_date = p.week.first_day + timedelta(days=day)
    begin = wall_to_utc(local_date, clock_to_minute(start), zone(agent.tz))
    assert begin is not None
    rules = {r.kind: r for r in p.team.shift_rules_of(agent).breaks}
    return Shift(
        agent_id,
        local_date,
        begin,
        begin + timedelta(hours=hours),
        agent.skills[0],
        breaks=tuple(break_activity(rules[kind], begin, offset) for kind, offset in breaks),
        shift_type=shift_type,
    )


def fix_to(m: cp_model.CpModel, v: RosterVars, p: Problem, shifts: Sequence[Shift]) -> None:
    """Fix every decision of the model to `shifts`: each candidate worked or not, each day worked
    or not, each break placed or not (a break where the model has no place for it stays unplaced)."""
    chosen: dict[int, Shift] = {}
    for s in shifts:
        c = matching_candidate(v, s)
        assert c is not None, f"no candidate is the shift {s}"
        chosen[c.index] = s
    for index, x in v.works.items():
        m.add(x == int(index in chosen))
    days = {(s.agent_id, s.local_date) for s in chosen.values()}
    for key, x in v.day_worked.items():
        m.add(x == int(key in days))
    step = p.week.grid.interval_minutes
    placed = {
        (
            s.agent_id,
            s.local_date,
            b.kind,
            v.by_index[index].start_index + intervals_between(s.start_utc, b.start_utc, step),
        )
        for index, s in chosen.items()
        for b in s.breaks
    }
    for slot, x in v.breaks.items():
        m.add(x == int((slot.agent_id, slot.local_date, slot.rule.kind, slot.start_index) in placed))


def _solve_fixed(
    p: Problem, rule: Rule, shifts: Sequence[Shift]
) -> tuple[Any, cp_model.CpSolver, list[Penalty]]:
    m, v, penalties = build_model(p, rules=(rule,))
    fix_to(m, v, p, shifts)
    solver = new_solver(60.0, work_units=10.0)
    return solver.solve(m), solver, penalties


def rule_holds(p: Problem, rule: Rule, shifts: Sequence[Shift]) -> bool:
    """Whether the model with `rule` alone accepts exactly `shifts`."""
    status, _, _ = _solve_fixed(p, rule, shifts)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE), status
    return bool(status != cp_model.INFEASIBLE)


def rule_penalties(p: Problem, rule: Rule, shifts: Sequence[Shift]) -> dict[str, float]:
    """The weighted penalties of `rule` alone when the roster is exactly `shifts`."""
    status, solver, penalties = _solve_fixed(p, rule, shifts)
    assert status == cp_model.OPTIMAL, status
    return {pen.name: float(pen.weight * solver.value(pen.expr)) for pen in penalties}
