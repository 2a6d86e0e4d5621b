"""The CP-SAT roster model: variables, one function per rule, and the objective.

Each rule takes the model, the variables and the problem, adds its constraints and returns
its penalty terms (empty for a hard rule). `build_model` applies every rule in `RULES` and
minimises the weighted sum of penalties.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from ortools.sat.python import cp_model

from scheduler.candidates import Candidate, build_candidates
from scheduler.problem import Problem, min_hours_after_time_off


@dataclass(frozen=True)
class Penalty:
    """A soft rule's cost: `weight` times the value of `expr`, reported under `name`."""

    name: str
    expr: cp_model.LinearExprT
    weight: int


@dataclass
class RosterVars:
    """The model's decision variables, named with their indices."""

    candidates: dict[str, list[Candidate]]
    by_index: dict[int, Candidate] = field(default_factory=dict)
    works: dict[int, cp_model.IntVar] = field(default_factory=dict)
    on_queue: dict[tuple[int, str], cp_model.IntVar] = field(default_factory=dict)
    day_worked: dict[tuple[str, date], cp_model.IntVar] = field(default_factory=dict)

    def all_candidates(self) -> list[Candidate]:
        """Every candidate shift, agent by agent."""
        return [c for cs in self.candidates.values() for c in cs]


Rule = Callable[[cp_model.CpModel, RosterVars, Problem], list[Penalty]]


def make_vars(m: cp_model.CpModel, p: Problem) -> RosterVars:
    """A boolean per candidate shift, per (shift, queue) for multi-skilled agents, per agent-day."""
    candidates = build_candidates(p)
    v = RosterVars(candidates, {c.index: c for cs in candidates.values() for c in cs})
    for agent in p.team.agents:
        for c in v.candidates[agent.id]:
            x = m.new_bool_var(f"works[{agent.id},{c.local_date},{c.start_utc:%H%M}Z,{c.length_minutes}m]")
            v.works[c.index] = x
            if len(agent.skills) == 1:
                v.on_queue[(c.index, agent.skills[0])] = x
                continue
            for queue in agent.skills:
                v.on_queue[(c.index, queue)] = m.new_bool_var(f"on_queue[{c.index},{queue}]")
            m.add(sum(v.on_queue[(c.index, q)] for q in agent.skills) == x)
    return v


def add_one_shift_a_day(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: an agent works at most one shift on each of their local days."""
    for agent in p.team.agents:
        by_day: dict[date, list[cp_model.IntVar]] = defaultdict(list)
        for c in v.candidates[agent.id]:
            by_day[c.local_date].append(v.works[c.index])
        for day, shifts in by_day.items():
            worked = m.new_bool_var(f"day_worked[{agent.id},{day}]")
            m.add(sum(shifts) == worked)
            v.day_worked[(agent.id, day)] = worked
    return []


def add_min_rest(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: at least `min_rest_hours` elapsed between the end of one shift and the start of the next."""
    rest = timedelta(hours=p.team.labour_rules.min_rest_hours)
    for agent in p.team.agents:
        shifts = v.candidates[agent.id]
        if p.previous is not None:
            for prev in p.previous.shifts_of(agent.id):
                for c in shifts:
                    if c.start_utc < prev.end_utc + rest:
                        m.add(v.works[c.index] == 0)
        for a in shifts:
            too_close: dict[date, list[cp_model.IntVar]] = defaultdict(list)
            for b in shifts:
                if b.local_date > a.local_date and b.start_utc < a.end_utc + rest:
                    too_close[b.local_date].append(v.works[b.index])
            for later in too_close.values():
                m.add(v.works[a.index] + sum(later) <= 1)
    return []


def add_days_off(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: each agent has at least `min_days_off_per_week` days off in the week."""
    working_days = len(p.week.days) - p.team.labour_rules.min_days_off_per_week
    for agent in p.team.agents:
        days = [x for (aid, _), x in v.day_worked.items() if aid == agent.id]
        m.add(sum(days) <= working_days)
    return []


def _days_worked_before(p: Problem, agent_id: str, first_day: date) -> int:
    """How many local days in a row the agent worked right before `first_day` (from last week's roster)."""
    if p.previous is None:
        return 0
    worked = {s.local_date for s in p.previous.shifts_of(agent_id)}
    count = 0
    while first_day - timedelta(days=count + 1) in worked:
        count += 1
    return count


def add_max_consecutive_days(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: no more than `max_consecutive_days` working days in a row, counting last week's roster."""
    limit = p.team.labour_rules.max_consecutive_days
    for agent in p.team.agents:
        days = sorted(d for (aid, d) in v.day_worked if aid == agent.id)
        if not days:
            continue
        carried = _days_worked_before(p, agent.id, days[0])
        span = (days[-1] - days[0]).days + 1
        for first in range(-carried, span - limit):
            window = [days[0] + timedelta(days=first + k) for k in range(limit + 1)]
            already = sum(1 for d in window if d < days[0])
            inside = [v.day_worked[(agent.id, d)] for d in window if (agent.id, d) in v.day_worked]
            if already + len(inside) > limit:
                m.add(sum(inside) <= limit - already)
    return []


def add_weekly_hours(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: paid hours in the week within the agent's min (less time off) and max."""
    for agent in p.team.agents:
        minutes = sum(c.length_minutes * v.works[c.index] for c in v.candidates[agent.id])
        low = min_hours_after_time_off(
            agent, p.team.labour_rules.min_days_off_per_week, p.entries_of(agent.id), p.week.days
        )
        m.add(minutes <= round(agent.max_hours_per_week * 60))
        if low > 0:
            m.add(minutes >= round(low * 60))
    return []


def _segments(worked: np.ndarray) -> list[tuple[int, int]]:
    """Runs of consecutive grid intervals as (first, last + 1)."""
    if worked.size == 0:
        return []
    cuts = np.flatnonzero(np.diff(worked) != 1) + 1
    return [(int(run[0]), int(run[-1]) + 1) for run in np.split(worked, cuts)]


def add_coverage(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Soft: every missing agent in an interval costs much; every extra agent costs a little.

    Coverage is a running sum (agents arriving on the queue minus agents leaving it), so each
    shift appears in a handful of constraints rather than in one per interval it covers.
    """
    n = p.week.grid.n_intervals
    arrive: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    leave: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    for (index, queue_name), x in v.on_queue.items():
        for first, stop in _segments(v.by_index[index].work_intervals):
            arrive[(queue_name, first)].append(x)
            leave[(queue_name, stop)].append(x)
    under_terms: list[cp_model.IntVar] = []
    over_terms: list[cp_model.IntVar] = []
    for queue in p.team.queues:
        need = p.required.get(queue.name, np.zeros(n))
        skilled = sum(1 for a in p.team.agents if queue.name in a.skills)
        before: cp_model.LinearExpr | int = 0
        for t in range(n):
            cover = m.new_int_var(0, skilled, f"cover[{queue.name},{t}]")
            arriving = cp_model.LinearExpr.sum(arrive.get((queue.name, t), []))
            leaving = cp_model.LinearExpr.sum(leave.get((queue.name, t), []))
            m.add(cover == before + arriving - leaving)
            before = cover
            required = int(np.ceil(need[t] - 1e-9))
            under = m.new_int_var(0, required, f"under[{queue.name},{t}]")
            over = m.new_int_var(0, skilled, f"over[{queue.name},{t}]")
            m.add(cover + under - over == required)
            under_terms.append(under)
            over_terms.append(over)
    w = p.weights
    return [
        Penalty(
            "understaffed agent-intervals", cp_model.LinearExpr.sum(under_terms), w.under_per_agent_interval
        ),
        Penalty(
            "overstaffed agent-intervals", cp_model.LinearExpr.sum(over_terms), w.over_per_agent_interval
        ),
    ]


def add_preferences(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Soft: shifts in an agent's avoided times cost; shifts in preferred times earn a little."""
    w = p.weights
    cost = sum(
        round(w.avoid_per_hour * max(0, -c.preference_score) / 60) * v.works[c.index]
        for c in v.all_candidates()
    )
    reward = sum(
        round(w.preferred_per_hour * max(0, c.preference_score) / 60) * v.works[c.index]
        for c in v.all_candidates()
    )
    return [
        Penalty("hours in avoided times (points)", cost, 1),
        Penalty("hours in preferred times (points, a reward)", -reward, 1),
    ]


HARD_RULES: tuple[Rule, ...] = (
    add_one_shift_a_day,
    add_min_rest,
    add_days_off,
    add_max_consecutive_days,
    add_weekly_hours,
)
SOFT_RULES: tuple[Rule, ...] = (add_coverage, add_preferences)
RULES: tuple[Rule, ...] = HARD_RULES + SOFT_RULES


def build_model(
    p: Problem, rules: tuple[Rule, ...] = RULES
) -> tuple[cp_model.CpModel, RosterVars, list[Penalty]]:
    """The model: variables, the given rules, and the objective (minimise weighted penalties)."""
    m = cp_model.CpModel()
    v = make_vars(m, p)
    penalties: list[Penalty] = []
    for rule in rules:
        penalties.extend(rule(m, v, p))
    if penalties:
        m.minimize(model_objective(penalties))
    return m, v, penalties


def model_objective(penalties: list[Penalty]) -> cp_model.LinearExprT:
    """The weighted sum of the penalties, which the model minimises."""
    return cp_model.LinearExpr.weighted_sum(
        [pen.expr for pen in penalties], [pen.weight for pen in penalties]
    )


def primary_vars(v: RosterVars) -> list[cp_model.IntVar]:
    """The decisions that fix a roster: which shift each agent works, and on which queue."""
    return [*v.works.values(), *(x for (i, _), x in v.on_queue.items() if x is not v.works[i])]
