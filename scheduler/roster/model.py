"""The CP-SAT roster model: variables, one function per rule, and the objective.

Each rule takes the model, the variables and the problem, adds its constraints and returns
its penalty terms (empty for a hard rule). `build_model` applies every rule in `RULES` and
minimises the weighted sum of penalties.

Two modelling choices keep the model small and its bound tight:

- Breaks are variables per agent, local day and break rule (where in its window the break
  starts), linked to the chosen shift, rather than copies of every shift per break place.
- Agents with the same skills form a group; coverage needs only how many of a group work
  in each interval (a running sum of shifts and breaks starting and ending). Which queue a
  multi-skilled agent takes in an interval is then a transportation problem that Hall's
  condition decides exactly: for every set of queues, the agents counted on them cannot
  exceed the working agents skilled in at least one of them. `solve` turns the counts
  back into a queue per agent and interval.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations
from typing import TypeVar

import numpy as np
from ortools.sat.python import cp_model

from common.errors import Infeasible
from common.timegrid import DAYS_PER_WEEK, zone
from scheduler.domain import Agent, BreakRule, Shift
from scheduler.roster.candidates import Candidate, agent_local_days, break_offsets, build_candidates
from scheduler.roster.coverage_cost import queue_costs
from scheduler.roster.day_rules import Day, forbid_short_runs, limit_runs
from scheduler.roster.problem import (
    Problem,
    is_late,
    is_night,
    min_hours_after_time_off,
    min_shifts_after_time_off,
)

SkillGroup = frozenset[str]
VarsT = TypeVar("VarsT")
ProblemT = TypeVar("ProblemT")


@dataclass(frozen=True)
class Penalty:
    """A soft rule's cost: `weight` times the value of `expr`, reported under `name`."""

    name: str
    expr: cp_model.LinearExprT
    weight: int


@dataclass(frozen=True)
class BreakSlot:
    """One agent's break of one rule on one local day, starting in grid interval `start_index`."""

    agent_id: str
    local_date: date
    rule_index: int
    rule: BreakRule
    start_index: int
    n_intervals: int


@dataclass
class RosterVars:
    """The model's decision variables, named with their indices."""

    candidates: dict[str, list[Candidate]]
    by_index: dict[int, Candidate] = field(default_factory=dict)
    works: dict[int, cp_model.IntVar] = field(default_factory=dict)
    day_worked: dict[tuple[str, date], cp_model.IntVar] = field(default_factory=dict)
    breaks: dict[BreakSlot, cp_model.IntVar] = field(default_factory=dict)
    # agents of each skill group at work (on a shift, not on a break) per interval
    working: dict[SkillGroup, list[cp_model.IntVar]] = field(default_factory=dict)
    # agents counted on each queue per interval (headcount mode: at most the requirement)
    cover: dict[str, list[cp_model.IntVar]] = field(default_factory=dict)
    # (queue, interval): the coverage points of the interval (where more agents could help)
    points: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)

    def all_candidates(self) -> list[Candidate]:
        """Every candidate shift, agent by agent."""
        return [c for cs in self.candidates.values() for c in cs]

    def shifts_on(self, agent_id: str, day: date) -> list[Candidate]:
        """The agent's candidate shifts of one local day."""
        return [c for c in self.candidates[agent_id] if c.local_date == day]


Rule = Callable[[cp_model.CpModel, RosterVars, Problem], list[Penalty]]


def skill_group(p: Problem, agent: Agent) -> SkillGroup:
    """The team queues an agent may work."""
    names = {q.name for q in p.team.queues}
    return frozenset(s for s in agent.skills if s in names)


def _break_slots(p: Problem, agent: Agent, shifts: list[Candidate]) -> list[BreakSlot]:
    """Every (day, break rule, start interval) some candidate shift of the agent allows."""
    rules = p.team.shift_rules_of(agent).breaks
    step = p.week.grid.interval_minutes
    slots: set[BreakSlot] = set()
    for c in shifts:
        for r, rule in enumerate(rules):
            if rule not in c.break_rules:
                continue
            length = -(-rule.duration_minutes // step)
            for k in break_offsets(rule, c.length_minutes, step):
                slots.add(BreakSlot(agent.id, c.local_date, r, rule, c.start_index + k, length))
    return sorted(slots, key=lambda s: (s.local_date, s.rule_index, s.start_index))


def make_vars(m: cp_model.CpModel, p: Problem) -> RosterVars:
    """A boolean per candidate shift, per agent-day, and per place a break may start."""
    candidates = build_candidates(p)
    v = RosterVars(candidates, {c.index: c for cs in candidates.values() for c in cs})
    for agent in p.team.agents:
        for c in v.candidates[agent.id]:
            v.works[c.index] = m.new_bool_var(
                f"works[{agent.id},{c.local_date},{c.start_utc:%H%M}Z,{c.length_minutes}m]"
            )
        for day in sorted({c.local_date for c in v.candidates[agent.id]}):
            v.day_worked[(agent.id, day)] = m.new_bool_var(f"day_worked[{agent.id},{day}]")
        for slot in _break_slots(p, agent, v.candidates[agent.id]):
            v.breaks[slot] = m.new_bool_var(
                f"{slot.rule.kind}[{agent.id},{slot.local_date},r{slot.rule_index},t{slot.start_index}]"
            )
    return v


def add_one_shift_a_day(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: an agent works at most one shift on each of their local days."""
    for agent in p.team.agents:
        by_day: dict[date, list[cp_model.IntVar]] = defaultdict(list)
        for c in v.candidates[agent.id]:
            by_day[c.local_date].append(v.works[c.index])
        for day, shifts in by_day.items():
            m.add(sum(shifts) == v.day_worked[(agent.id, day)])
    return []


def add_breaks(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: every shift has each of its breaks once, starting inside the break's window; breaks never overlap."""
    by_rule: dict[tuple[str, date, int], list[BreakSlot]] = defaultdict(list)
    for slot in v.breaks:
        by_rule[(slot.agent_id, slot.local_date, slot.rule_index)].append(slot)
    step = p.week.grid.interval_minutes
    for (agent_id, day, _), slots in by_rule.items():
        shifts = [c for c in v.shifts_on(agent_id, day) if slots[0].rule in c.break_rules]
        m.add(sum(v.breaks[s] for s in slots) == sum(v.works[c.index] for c in shifts))
        allowed: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for c in shifts:
            for k in break_offsets(slots[0].rule, c.length_minutes, step):
                allowed[c.start_index + k].append(v.works[c.index])
        for s in slots:
            m.add(v.breaks[s] <= sum(allowed[s.start_index]))
    for agent in p.team.agents:
        _add_breaks_apart(m, v, agent.id, step)
    return []


def _add_breaks_apart(m: cp_model.CpModel, v: RosterVars, agent_id: str, step: int) -> None:
    """At most one break of an agent in any interval, where two rules' breaks could meet."""
    mine = [s for s in v.breaks if s.agent_id == agent_id]
    rules = {s.rule_index for s in mine}
    if len(rules) < 2:
        return
    busy: dict[int, list[BreakSlot]] = defaultdict(list)
    for s in mine:
        for t in range(s.start_index, s.start_index + s.n_intervals):
            busy[t].append(s)
    for slots in busy.values():
        if len({s.rule_index for s in slots}) > 1:
            m.add(sum(v.breaks[s] for s in slots) <= 1)


def add_min_rest(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: at least `min_rest_hours` elapsed between the end of one shift and the start of the next.

    Written as cliques: for each end time e of day d, at most one of "a shift of d ending at
    or after e" and "a later day's shift starting before e + rest".
    """
    for agent in p.team.agents:
        rest = timedelta(hours=p.team.labour_rules_of(agent).min_rest_hours)
        shifts = v.candidates[agent.id]
        if p.previous is not None:
            for prev in p.previous.shifts_of(agent.id):
                for c in shifts:
                    if c.start_utc < prev.end_utc + rest:
                        m.add(v.works[c.index] == 0)
        if not shifts:
            continue
        # the candidates come in start order, and a later start is never on an earlier local day
        starts = [c.start_utc for c in shifts]
        first_of: dict[date, int] = {}
        for i, c in enumerate(shifts):
            first_of.setdefault(c.local_date, i)
        days = sorted(first_of)
        for day, first_later in zip(days, [*(first_of[d] for d in days[1:]), len(shifts)], strict=True):
            today = shifts[first_of[day] : first_later]
            for end in sorted({c.end_utc for c in today}):
                ending = [v.works[c.index] for c in today if c.end_utc >= end]
                too_soon_end = bisect_left(starts, end + rest, lo=first_later)
                too_soon = [v.works[c.index] for c in shifts[first_later:too_soon_end]]
                if too_soon:
                    m.add(sum(ending) + sum(too_soon) <= 1)
    return []


def _days_worked_by_week(v: RosterVars, p: Problem) -> dict[tuple[str, int], list[cp_model.IntVar]]:
    """Each agent's working-day variables in each week of the horizon."""
    out: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    for (agent_id, day), x in v.day_worked.items():
        out[(agent_id, p.week.week_of(day))].append(x)
    return out


def add_days_off(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: each agent has at least `min_days_off_per_week` days off in each week of the horizon."""
    by_week = _days_worked_by_week(v, p)
    for agent in p.team.agents:
        working_days = DAYS_PER_WEEK - p.team.labour_rules_of(agent).min_days_off_per_week
        for week in range(p.week.n_weeks):
            m.add(sum(by_week.get((agent.id, week), [])) <= working_days)
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


def _days_off_before(p: Problem, agent_id: str, first_day: date, enough: int) -> int | None:
    """How many local days in a row the agent had off right before `first_day`, up to `enough`
    (from last week's roster; None without one: then nothing is known)."""
    if p.previous is None:
        return None
    worked = {s.local_date for s in p.previous.shifts_of(agent_id)}
    count = 0
    while count < enough and first_day - timedelta(days=count + 1) not in worked:
        count += 1
    return count


def agent_days(v: RosterVars, p: Problem, agent: Agent) -> tuple[date, list[Day]]:
    """The agent's first local day of the week and, for each local day from it, whether they work:
    a literal, True on a day last week's roster already has them working (the weeks' local days
    can overlap when the agent's zone is not the team's), or False on a day no shift can start."""
    days = agent_local_days(agent, p.week.grid)
    before = set() if p.previous is None else {s.local_date for s in p.previous.shifts_of(agent.id)}
    return days[0], [True if d in before else v.day_worked.get((agent.id, d), False) for d in days]


def add_max_consecutive_days(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: no more than `max_consecutive_days` working days in a row, counting last week's roster."""
    for agent in p.team.agents:
        limit = p.team.labour_rules_of(agent).max_consecutive_days
        first_day, worked = agent_days(v, p, agent)
        limit_runs(m, worked, limit, before=_days_worked_before(p, agent.id, first_day))
    return []


def add_min_consecutive_days_off(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: days off come in blocks of at least `min_consecutive_days_off` days.

    A block that reaches the end of the week may go on next week; one that began last week
    counts its days from last week's roster (and must go on if they were too few); without
    that roster a block at the start of the week is exempt.
    """
    for agent in p.team.agents:
        minimum = p.team.labour_rules_of(agent).min_consecutive_days_off
        if minimum <= 1:
            continue
        first_day, worked = agent_days(v, p, agent)
        off = [(not x) if isinstance(x, bool) else ~x for x in worked]
        forbid_short_runs(m, off, minimum, before=_days_off_before(p, agent.id, first_day, minimum))
    return []


def add_weekly_hours(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: paid hours in each week of the horizon within the agent's min (less time off) and max."""
    for agent in p.team.agents:
        by_week: dict[int, list[Candidate]] = defaultdict(list)
        for c in v.candidates[agent.id]:
            by_week[p.week.week_of(c.local_date)].append(c)
        for week in range(p.week.n_weeks):
            minutes = sum(c.length_minutes * v.works[c.index] for c in by_week[week])
            low = min_hours_after_time_off(
                agent,
                p.team.labour_rules_of(agent).min_days_off_per_week,
                p.entries_of(agent.id),
                p.week.days_of_week(week),
            )
            m.add(minutes <= round(agent.max_hours_per_week * 60))
            if low > 0:
                m.add(minutes >= round(low * 60))
    return []


def add_min_consecutive_days_worked(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: working days come in runs of at least `min_consecutive_days_worked` days.

    A run that reaches the end of the horizon may go on past it; one that began last week
    counts its days from last week's roster; without that roster a run at the start is exempt.
    """
    for agent in p.team.agents:
        minimum = p.team.labour_rules_of(agent).min_consecutive_days_worked
        if minimum <= 1:
            continue
        first_day, worked = agent_days(v, p, agent)
        before = None if p.previous is None else _days_worked_before(p, agent.id, first_day)
        forbid_short_runs(m, worked, minimum, before=before)
    return []


def weekends(p: Problem) -> list[tuple[date, ...]]:
    """The horizon's weekends: each local Saturday in it with the Sunday after (when in it too)."""
    days = set(p.week.days)
    return [
        tuple(d for d in (day, day + timedelta(days=1)) if d in days)
        for day in p.week.days
        if day.weekday() == 5
    ]


def add_max_weekends_worked(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: at most `max_weekends_worked` weekends with a shift on the Saturday or the Sunday
    (the agent's local days) in the horizon."""
    all_weekends = weekends(p)
    for agent in p.team.agents:
        limit = p.team.labour_rules_of(agent).max_weekends_worked
        if limit is None or limit >= len(all_weekends):
            continue
        worked = []
        for days in all_weekends:
            shifts = [x for d in days if (x := v.day_worked.get((agent.id, d))) is not None]
            if not shifts:
                continue
            weekend = m.new_bool_var(f"weekend[{agent.id},{days[0]}]")
            m.add_max_equality(weekend, shifts)
            worked.append(weekend)
        if len(worked) > limit:
            m.add(sum(worked) <= limit)
    return []


def add_forbidden_successions(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: a shift type is not followed on the next local day by a type it may not be followed
    by (`ShiftType.not_followed_by`), counting last week's roster."""
    shifts = _by_day_and_type(v)
    banned = {
        a.id: {t.name: t.not_followed_by for t in p.team.shift_rules_of(a).types} for a in p.team.agents
    }
    for (who, day, name), today in shifts.items():
        tomorrow = day + timedelta(days=1)
        following = [x for t in banned[who].get(name, ()) for x in shifts.get((who, tomorrow, t), [])]
        if following:  # one clique: today's shift of this type, or a banned one tomorrow
            m.add_at_most_one([*today, *following])
    for shift in () if p.previous is None else p.previous.shifts:
        for t in banned.get(shift.agent_id, {}).get(shift.shift_type, ()):
            for x in shifts.get((shift.agent_id, shift.local_date + timedelta(days=1), t), []):
                m.add(x == 0)
    return []


def add_max_shifts_by_type(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: at most the agent's `max_shifts_by_type` shifts of each named type in the horizon."""
    for agent in p.team.agents:
        for name, limit in agent.max_shifts_by_type:
            shifts = [v.works[c.index] for c in v.candidates[agent.id] if c.shift_type == name]
            if len(shifts) > limit:
                m.add(sum(shifts) <= limit)
    return []


def add_hours_in_horizon(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: paid hours over the whole horizon within the agent's `min_hours_in_horizon` and
    `max_hours_in_horizon` (time off is not credited here: a lead sets these for the horizon)."""
    for agent in p.team.agents:
        if agent.min_hours_in_horizon <= 0 and agent.max_hours_in_horizon is None:
            continue
        minutes = sum(c.length_minutes * v.works[c.index] for c in v.candidates[agent.id])
        if agent.max_hours_in_horizon is not None:
            m.add(minutes <= round(agent.max_hours_in_horizon * 60))
        if agent.min_hours_in_horizon > 0:
            m.add(minutes >= round(agent.min_hours_in_horizon * 60))
    return []


def add_weekly_shifts(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: shifts in each week of the horizon within the agent's contract, when it counts shifts
    (min less time off)."""
    by_week = _days_worked_by_week(v, p)
    for agent in p.team.agents:
        for week in range(p.week.n_weeks):
            shifts = by_week.get((agent.id, week), [])
            if agent.max_shifts_per_week is not None:
                m.add(sum(shifts) <= agent.max_shifts_per_week)
            low = min_shifts_after_time_off(agent, p.entries_of(agent.id), p.week.days_of_week(week))
            if low > 0:
                m.add(sum(shifts) >= low)
    return []


def _working_counts(m: cp_model.CpModel, v: RosterVars, p: Problem) -> None:
    """Agents of each skill group at work per interval, as a running sum of starts and ends.

    A shift adds one from its start to its end; a break takes one away while it lasts.
    Each variable thus appears in two rows rather than in one per interval it covers.
    """
    n = p.week.grid.n_intervals
    groups: dict[SkillGroup, list[Agent]] = defaultdict(list)
    for agent in p.team.agents:
        groups[skill_group(p, agent)].append(agent)
    for group, agents in groups.items():
        if not group:
            continue
        ids = {a.id for a in agents}
        change: dict[int, list[tuple[cp_model.IntVar, int]]] = defaultdict(list)
        for c in v.all_candidates():
            if c.agent_id in ids:
                change[c.start_index].append((v.works[c.index], 1))
                change[c.start_index + c.n_intervals].append((v.works[c.index], -1))
        for slot, x in v.breaks.items():
            if slot.agent_id in ids:
                change[slot.start_index].append((x, -1))
                change[slot.start_index + slot.n_intervals].append((x, 1))
        label = "+".join(sorted(group))
        counts: list[cp_model.IntVar] = []
        for t in range(n):
            now = m.new_int_var(0, len(agents), f"working[{label},{t}]")
            terms = change.get(t, [])
            arriving = cp_model.LinearExpr.weighted_sum([x for x, _ in terms], [w for _, w in terms])
            m.add(now == (counts[-1] + arriving if counts else arriving))
            counts.append(now)
        v.working[group] = counts


def queue_sets(queues: list[str]) -> Iterable[tuple[str, ...]]:
    for size in range(1, len(queues) + 1):
        yield from combinations(queues, size)


def add_coverage(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Soft: coverage points per queue and interval (`scheduler/roster/coverage_cost.py`: convex
    understaffing, or expected contacts missed); idle agents cost a little.

    `cover[q][t]` counts the agents on queue q. For every set of queues, their cover cannot
    exceed the working agents skilled in one of them (Hall's condition), so a queue for each
    agent exists and no agent is counted twice. The convex points table becomes lines:
    `points[q][t] >= table[c] + (table[c+1] - table[c]) * (cover - c)` for every c.
    """
    if p.weights.over_per_agent_interval == 0 and not any(np.any(r > 0) for r in p.required.values()):
        return []  # nothing to cover and idle agents are free (requirements by shift type alone)
    _working_counts(m, v, p)
    n = p.week.grid.n_intervals
    costs = queue_costs(p)
    for q, cost in costs.items():
        v.cover[q] = [m.new_int_var(0, int(cost.cap[t]), f"cover[{q},{t}]") for t in range(n)]
    for queue_set in queue_sets(list(costs)):
        groups = [g for g in v.working if g & set(queue_set)]
        for t in range(n):
            counted = [v.cover[q][t] for q in queue_set if costs[q].cap[t] > 0]
            if counted:
                m.add(sum(counted) <= sum(v.working[g][t] for g in groups))
    by_name: dict[str, list[cp_model.LinearExprT]] = defaultdict(list)
    for q, cost in costs.items():
        for t in range(n):
            table = [int(x) for x in cost.points[t, : int(cost.cap[t]) + 1]]
            if table[0] == table[-1]:  # nothing to gain here
                by_name[cost.name].append(table[0])
                continue
            points = m.new_int_var(min(table), max(table), f"points[{q},{t}]")
            for c in range(len(table) - 1):
                m.add(points >= table[c] + (table[c + 1] - table[c]) * (v.cover[q][t] - c))
            v.points[(q, t)] = points
            by_name[cost.name].append(points)
    idle = sum(sum(counts) for counts in v.working.values()) - sum(sum(c) for c in v.cover.values())
    return [
        *(Penalty(name, cp_model.LinearExpr.sum(terms), 1) for name, terms in by_name.items()),
        Penalty("overstaffed agent-intervals", idle, p.weights.over_per_agent_interval),
    ]


def matching_candidate(v: RosterVars, shift: Shift) -> Candidate | None:
    """The candidate that is exactly this shift (agent, local day, start, length, and shift type
    when the shift names one), if any."""
    length = round(shift.hours * 60)
    return next(
        (
            c
            for c in v.candidates.get(shift.agent_id, [])
            if c.local_date == shift.local_date
            and c.start_utc == shift.start_utc
            and c.length_minutes == length
            and (not shift.shift_type or c.shift_type == shift.shift_type)
        ),
        None,
    )


def _fix_shift(m: cp_model.CpModel, v: RosterVars, p: Problem, shift: Shift, why: str) -> None:
    """Work exactly `shift`, with its breaks where it has them; Infeasible if the rules forbid it."""
    c = matching_candidate(v, shift)
    if c is None:
        agent = p.team.agent(shift.agent_id)
        local = shift.start_utc.astimezone(zone(agent.tz))
        raise Infeasible(
            [
                f"the {why} shift of {agent.name} ({agent.id}) on {shift.local_date:%a %d %b} at "
                f"{local:%H:%M}, {shift.hours:g} h, breaks the shift rules or the availability"
            ]
        )
    m.add(v.works[c.index] == 1)
    step = p.week.grid.interval_minutes
    for b in shift.breaks:
        start_index = c.start_index + round((b.start_utc - c.start_utc).total_seconds() / 60 / step)
        slot = next(
            (
                s
                for s in v.breaks
                if s.agent_id == c.agent_id
                and s.local_date == c.local_date
                and s.rule.kind == b.kind
                and s.start_index == start_index
            ),
            None,
        )
        if slot is not None:
            m.add(v.breaks[slot] == 1)


def add_pinned(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard: shifts a lead pinned by hand are worked as pinned."""
    for shift in p.pinned:
        _fix_shift(m, v, p, shift, "pinned")
    return []


def add_locked(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Hard (re-rostering): what has happened stays; no new shift starts before the lock time."""
    if p.published is None or p.locked_before_utc is None:
        return []
    for shift in p.published.shifts:
        if p.is_locked(shift.start_utc) and shift.agent_id in v.candidates:
            _fix_shift(m, v, p, shift, "already worked")
    fixed = {
        c.index
        for shift in p.published.shifts
        if p.is_locked(shift.start_utc) and (c := matching_candidate(v, shift)) is not None
    }
    for c in v.all_candidates():
        if p.is_locked(c.start_utc) and c.index not in fixed:
            m.add(v.works[c.index] == 0)
    return []


def add_changes(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Soft (re-rostering): each published shift not kept as it was, and each new working day, costs."""
    if p.published is None:
        return []
    dropped: list[cp_model.LinearExprT] = []
    published_days = set()
    for shift in p.published.shifts:
        if p.is_locked(shift.start_utc) or shift.agent_id not in v.candidates:
            continue
        published_days.add((shift.agent_id, shift.local_date))
        c = matching_candidate(v, shift)
        dropped.append(1 - v.works[c.index] if c is not None else 1)
    locked_days = {(s.agent_id, s.local_date) for s in p.published.shifts if p.is_locked(s.start_utc)}
    added = [x for key, x in v.day_worked.items() if key not in published_days and key not in locked_days]
    return [
        Penalty("published shifts changed", cp_model.LinearExpr.sum(dropped), p.weights.change_per_shift),
        Penalty(
            "working days added to the published roster",
            cp_model.LinearExpr.sum(added),
            p.weights.change_per_shift,
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


def _by_day_and_type(v: RosterVars) -> dict[tuple[str, date, str], list[cp_model.IntVar]]:
    """Each agent's shifts of each named type on each local day."""
    out: dict[tuple[str, date, str], list[cp_model.IntVar]] = defaultdict(list)
    for c in v.all_candidates():
        if c.shift_type:
            out[(c.agent_id, c.local_date, c.shift_type)].append(v.works[c.index])
    return out


def add_shift_cover(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Soft: each agent missing from, or extra to, a day's cover of a shift type costs its weight."""
    if not p.shift_cover:
        return []
    shifts = _by_day_and_type(v)
    staff = len(p.team.agents)
    under_terms: list[cp_model.LinearExprT] = []
    over_terms: list[cp_model.LinearExprT] = []
    for c in p.shift_cover:
        on = [x for a in p.team.agents for x in shifts.get((a.id, c.day, c.shift_type), [])]
        under = m.new_int_var(0, c.required, f"under[{c.day},{c.shift_type}]")
        over = m.new_int_var(0, max(0, staff - c.required), f"over[{c.day},{c.shift_type}]")
        m.add(sum(on) + under - over == c.required)
        under_terms.append(c.under_weight * under)
        over_terms.append(c.over_weight * over)
    return [
        Penalty("agents missing from shift-type cover (points)", sum(under_terms), 1),
        Penalty("agents over shift-type cover (points)", sum(over_terms), 1),
    ]


def add_shift_requests(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Soft: a wish to work a shift type on a day not granted costs its weight; so does working
    one the agent asked not to work."""
    if not p.shift_requests:
        return []
    shifts = _by_day_and_type(v)
    wanted: list[cp_model.LinearExprT] = []
    unwanted: list[cp_model.LinearExprT] = []
    for r in p.shift_requests:
        worked = sum(shifts.get((r.agent_id, r.day, r.shift_type), []))
        if r.wanted:
            wanted.append(r.weight * (1 - worked))
        else:
            unwanted.append(r.weight * worked)
    return [
        Penalty("shift requests not granted (points)", sum(wanted), 1),
        Penalty("shifts worked against a request (points)", sum(unwanted), 1),
    ]


def add_consecutive_days_off(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Soft: days off come together; a lone day off between two working days costs."""
    if p.weights.isolated_day_off == 0:
        return []
    lone: list[cp_model.IntVar] = []
    for agent in p.team.agents:
        for day in p.week.days:
            before = v.day_worked.get((agent.id, day - timedelta(days=1)))
            after = v.day_worked.get((agent.id, day + timedelta(days=1)))
            today = v.day_worked.get((agent.id, day))
            if before is None or after is None:
                continue
            x = m.new_bool_var(f"lone_day_off[{agent.id},{day}]")
            m.add(x >= before + after - 1 - (today if today is not None else 0))
            lone.append(x)
    return [Penalty("lone days off", cp_model.LinearExpr.sum(lone), p.weights.isolated_day_off)]


def _local_start_minute(p: Problem, c: Candidate) -> int:
    local = c.start_utc.astimezone(zone(p.team.agent(c.agent_id).tz))
    return local.hour * 60 + local.minute


def add_same_start_time(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Soft: an agent starts at the same local time all week; each further start time costs."""
    if p.weights.extra_start_time == 0:
        return []
    extra: list[cp_model.LinearExprT] = []
    for agent in p.team.agents:
        by_start: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for c in v.candidates[agent.id]:
            by_start[_local_start_minute(p, c)].append(v.works[c.index])
        if len(by_start) < 2:
            continue
        used = []
        for minute, shifts in by_start.items():
            u = m.new_bool_var(f"starts_at[{agent.id},{minute // 60:02d}{minute % 60:02d}]")
            for x in shifts:
                m.add(x <= u)
            used.append(u)
        any_shift = m.new_bool_var(f"works_this_week[{agent.id}]")
        for u in used:  # linear rows only, so the LP relaxation (bound.py) sees the same model
            m.add(any_shift >= u)
        extra.append(sum(used) - any_shift)
    return [
        Penalty(
            "start times beyond each agent's first",
            cp_model.LinearExpr.sum(extra),
            p.weights.extra_start_time,
        )
    ]


def _spread(m: cp_model.CpModel, counts: list[cp_model.LinearExprT], top: int, name: str) -> cp_model.IntVar:
    """The gap between the largest and smallest of `counts`."""
    high = m.new_int_var(0, top, f"most_{name}")
    low = m.new_int_var(0, top, f"fewest_{name}")
    for x in counts:
        m.add(high >= x)
        m.add(low <= x)
    gap = m.new_int_var(0, top, f"spread_{name}")
    m.add(gap == high - low)
    return gap


def add_fair_shares(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Soft: weekends, late shifts and night shifts are shared: the gap between the agents with most
    and fewest of each costs.

    Only agents who could work them at all take part, so a part-timer who never works
    weekends does not force the others to zero.
    """
    w = p.weights
    kinds: tuple[tuple[str, str, int, Callable[[Candidate], bool]], ...] = (
        ("weekend_days", "weekend days", w.weekend_spread_per_day, lambda c: c.local_date.weekday() >= 5),
        (
            "late_shifts",
            "late shifts",
            w.late_spread_per_shift,
            lambda c: is_late(p, c.agent_id, c.local_date, c.end_utc),
        ),
        (
            "night_shifts",
            "night shifts",
            w.night_spread_per_shift,
            lambda c: is_night(p, c.agent_id, c.start_utc, c.end_utc),
        ),
    )
    out = []
    for label, name, weight, counts_in in kinds:
        if weight == 0:
            continue
        per_agent: list[cp_model.LinearExprT] = []
        for agent in p.team.agents:
            chosen = [v.works[c.index] for c in v.candidates[agent.id] if counts_in(c)]
            if chosen:
                per_agent.append(cp_model.LinearExpr.sum(chosen))
        if len(per_agent) > 1:
            gap = _spread(m, per_agent, len(p.week.days), label)
            out.append(Penalty(f"{name}: most minus fewest", gap, weight))
    return out


HARD_RULES: tuple[Rule, ...] = (
    add_pinned,
    add_locked,
    add_one_shift_a_day,
    add_breaks,
    add_min_rest,
    add_days_off,
    add_max_consecutive_days,
    add_min_consecutive_days_off,
    add_weekly_hours,
    add_weekly_shifts,
    add_min_consecutive_days_worked,
    add_max_weekends_worked,
    add_forbidden_successions,
    add_max_shifts_by_type,
    add_hours_in_horizon,
)
# the soft rules that concern one agent alone (the agent-by-agent seed applies them too)
AGENT_SOFT_RULES: tuple[Rule, ...] = (
    add_preferences,
    add_shift_requests,
    add_changes,
    add_consecutive_days_off,
    add_same_start_time,
)
SOFT_RULES: tuple[Rule, ...] = (add_coverage, add_shift_cover, *AGENT_SOFT_RULES, add_fair_shares)
RULES: tuple[Rule, ...] = HARD_RULES + SOFT_RULES


def build_model(
    p: Problem, rules: tuple[Rule, ...] = RULES
) -> tuple[cp_model.CpModel, RosterVars, list[Penalty]]:
    """The model: variables, the given rules, and the objective (minimise weighted penalties)."""
    m = cp_model.CpModel()
    v = make_vars(m, p)
    penalties = apply_rules(m, v, p, rules)
    return m, v, penalties


def apply_rules(
    m: cp_model.CpModel,
    v: VarsT,
    problem: ProblemT,
    rules: Sequence[Callable[[cp_model.CpModel, VarsT, ProblemT], list[Penalty]]],
) -> list[Penalty]:
    """Add every rule to the model and minimise the weighted sum of their penalties (any model
    built in the house style: this roster model, the Curtois benchmark's)."""
    penalties: list[Penalty] = []
    for rule in rules:
        penalties.extend(rule(m, v, problem))
    if penalties:
        m.minimize(model_objective(penalties))
    return penalties


def model_objective(penalties: list[Penalty]) -> cp_model.LinearExprT:
    """The weighted sum of the penalties, which the model minimises."""
    return cp_model.LinearExpr.weighted_sum(
        [pen.expr for pen in penalties], [pen.weight for pen in penalties]
    )


def primary_vars(v: RosterVars) -> list[cp_model.IntVar]:
    """The decisions that fix a roster: which shift each agent works, and where its breaks go."""
    return [*v.works.values(), *v.breaks.values()]
