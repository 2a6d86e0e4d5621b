"""The roster model's soft rules and its objective: each rule returns its penalty terms, and the
objective is their weighted sum.

Coverage counts agents per skill group and interval: agents with the same skills form a group, and
coverage needs only how many of a group work in each interval (a running sum of shifts and breaks
starting and ending). Which queue a multi-skilled agent takes in an interval is then a
transportation problem that Hall's condition decides exactly: for every set of queues, the agents
counted on them cannot exceed the working agents skilled in at least one of them. `solve` turns
the counts back into a queue per agent and interval.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta

import numpy as np
from ortools.sat.python import cp_model

from common.timegrid import zone
from scheduler.domain import Agent
from scheduler.roster.candidates import Candidate
from scheduler.roster.coverage_cost import queue_costs
from scheduler.roster.problem import (
    Problem,
    is_late,
    is_night,
)
from scheduler.roster.variables import (
    Penalty,
    RosterVars,
    Rule,
    SkillGroup,
    matching_candidate,
    queue_sets,
    shifts_by_day_and_type,
    skill_group,
)


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


def add_shift_cover(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Soft: each agent missing from, or extra to, a day's cover of a shift type costs its weight."""
    if not p.shift_cover:
        return []
    shifts = shifts_by_day_and_type(v)
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
    shifts = shifts_by_day_and_type(v)
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


# the soft rules that concern one agent alone (the agent-by-agent seed applies them too)
AGENT_SOFT_RULES: tuple[Rule, ...] = (
    add_preferences,
    add_shift_requests,
    add_changes,
    add_consecutive_days_off,
    add_same_start_time,
)


SOFT_RULES: tuple[Rule, ...] = (add_coverage, add_shift_cover, *AGENT_SOFT_RULES, add_fair_shares)


def model_objective(penalties: list[Penalty]) -> cp_model.LinearExprT:
    """The weighted sum of the penalties, which the model minimises."""
    return cp_model.LinearExpr.weighted_sum(
        [pen.expr for pen in penalties], [pen.weight for pen in penalties]
    )
