"""The roster model's soft rules and its objective: each rule returns its penalty terms, and the
objective is their weighted sum.

Coverage counts agents per skill group and interval: agents with the same skills form a group, and
coverage needs only how many of a group work in each interval (a running sum of shifts and breaks
starting and ending) and how many of them are on each of their queues; the points are those of
`scheduler.roster.coverage`, relaxed (convex, queue blocks left out) so the model's LP bounds the
search's objective.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from itertools import pairwise

import numpy as np
from ortools.sat.python import cp_model

from scheduler.cpsat import upper_bound
from scheduler.domain import Agent
from scheduler.roster.candidates import Candidate, local_start_minute
from scheduler.roster.coverage import (
    Demand,
    QueueDemand,
    arrived_work,
    carried_on,
    live_points,
    next_weeks_own,
    planning_demand,
    short_points,
)
from scheduler.roster.problem import (
    Problem,
    SkillGroup,
    is_late,
    is_night,
    skill_group,
)
from scheduler.roster.variables import (
    Penalty,
    RosterVars,
    Rule,
    matching_candidate,
    shifts_by_day_and_type,
)
from scheduler.staffing.backlog import async_outcome


def _working_counts(m: cp_model.CpModel, v: RosterVars, p: Problem, n: int) -> None:
    """Agents of each skill group at work per interval, as a running sum of starts and ends.

    A shift adds one from its start to its end; a break takes one away while it lasts.
    Each variable thus appears in two rows rather than in one per interval it covers. Counted over
    the first `n` intervals from the week's start (the week and its lead-out).
    """
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


def _convex_lines(
    m: cp_model.CpModel, table: np.ndarray, x: cp_model.LinearExprT, x_most: int, name: str
) -> cp_model.LinearExprT:
    """A variable at least the lower convex hull of `table[c]` (points with c units) at `x`, for
    0 <= x <= `x_most`, or the constant when the table is flat.

    The table is floored to whole points first and the hull drawn through those integers, so every
    line is exact in integers (rounding a real hull would bend it: 212.5 and 137.5 rounded make
    a line above the table's start, and a model where nobody can be there infeasible) and the
    variable never exceeds the table: the model's objective stays a lower bound of the search's.
    """
    values = [math.floor(float(v) + 1e-9) for v in table]
    if min(values) == max(values):
        return values[0]
    hull = _hull_vertices(values)
    a, b = hull[-2], hull[-1]
    beyond = max(0, x_most - b) * max(0, math.ceil((values[b] - values[a]) / (b - a)))
    points = m.new_int_var(min(values), max(values) + beyond, name)
    for a, b in pairwise(hull):
        m.add((b - a) * points >= (b - a) * values[a] + (values[b] - values[a]) * (x - a))
    return points


def _hull_vertices(values: list[int]) -> list[int]:
    """The indices of the vertices of the lower convex hull of the points (c, values[c])."""
    hull: list[int] = []
    for x in range(len(values)):
        while len(hull) >= 2:
            a, b = hull[-2], hull[-1]
            if (values[b] - values[a]) * (x - a) >= (values[x] - values[a]) * (b - a):
                hull.pop()
            else:
                break
        hull.append(x)
    return hull


def add_coverage(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Soft: the coverage points of `scheduler.roster.coverage`, as a relaxation the LP bound can use.

    `on[g][q][t]` counts the agents of skill group g on queue q; every agent at work is on one of
    their queues. A live queue's points are the convex hull of its points table over the agents on
    it. An async queue's work is done oldest first by the agents on it and the time blended in from
    live queues (at most the live queue's spare time, and at most the blended agents' own), and its
    points count the work past its deadline at each interval's end. Queue blocks are left out (the
    search keeps them), so this is a lower bound on the search's objective, never above it.
    """
    demand = planning_demand(p)
    wanted = any(np.any(d.need > 0) or (d.volume is not None and d.volume.sum() > 0) for d in demand.queues)
    if not wanted and p.weights.over_per_agent_interval == 0:
        return []  # nothing to cover and idle agents are free (requirements by shift type alone)
    n = demand.n_intervals
    _working_counts(m, v, p, n)
    groups = [g for g in demand.groups if g in v.working]
    size = {g: sum(1 for a in p.team.agents if skill_group(p, a) == g) for g in groups}
    carried = carried_on(p, demand)  # last week's shifts running on into this one: fixed on their queues
    on: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    for gi, g in enumerate(groups):
        mine = [d.index for d in demand.queues if d.queue.name in g]
        fixed = carried[:, demand.groups.index(g), :]
        for q in mine:
            on[(gi, q)] = [
                m.new_int_var(
                    int(fixed[t, q]), size[g] + int(fixed[t, q]), f"on[{'+'.join(sorted(g))},{q},{t}]"
                )
                for t in range(n)
            ]
        for t in range(n):
            m.add(sum(on[(gi, q)][t] for q in mine) == v.working[g][t] + int(fixed[t, mine].sum()))
        for q in mine:
            carried[:, demand.groups.index(g), q] = 0
    # what is left: last week's agents on a queue their group no longer has (skills changed)
    elsewhere = carried.sum(axis=1)
    agents_on: dict[int, list[cp_model.LinearExprT]] = {
        d.index: [
            sum(on[(gi, d.index)][t] for gi in range(len(groups)) if (gi, d.index) in on)
            + int(elsewhere[t, d.index])
            for t in range(n)
        ]
        for d in demand.queues
    }
    by_name: dict[str, list[cp_model.LinearExprT]] = defaultdict(list)
    for d in demand.queues:
        if d.is_live:
            _live_coverage(m, d, agents_on[d.index], len(p.team.agents), demand, by_name)
    for d in demand.queues:
        if not d.is_live:
            blended = _blended_in(m, d, demand, groups, on, agents_on)
            _async_coverage(m, d, agents_on[d.index], blended, demand, by_name)
    return [Penalty(name, cp_model.LinearExpr.sum(terms), 1) for name, terms in by_name.items()]


def _live_coverage(
    m: cp_model.CpModel,
    d: QueueDemand,
    agents: list[cp_model.LinearExprT],
    most_agents: int,
    demand: Demand,
    by_name: dict[str, list[cp_model.LinearExprT]],
) -> None:
    """A live queue's points per interval, over the agents on it (at most `most_agents`)."""
    cap = int(d.missed.shape[1] - 1) if d.missed is not None else int(np.ceil(d.need.max() + 1)) + 1
    counts = np.arange(cap + 1, dtype=float)
    own = next_weeks_own(d, demand) if demand.lead_out else np.zeros(0)
    for t in range(d.need.size):
        if demand.lead_out and t >= demand.week_intervals:  # on top of next week's own agents
            table, _ = live_points(d, counts + own[t - demand.week_intervals], demand, t)
        else:
            table, _ = live_points(d, counts, demand, t)
        by_name["coverage of live queues (points)"].append(
            _convex_lines(m, table, agents[t], most_agents, f"live_points[{d.queue.name},{t}]")
        )


def _units(d: QueueDemand, demand: Demand) -> float:
    """Agent-seconds in one unit of an async queue's work in the model: one point per unit overdue
    at an interval's end (service level), or a quarter of an agent's interval (headcount)."""
    rate = demand.late_points_per_work_s.get(d.index)
    if demand.by_service and d.volume is not None and rate:
        return 1.0 / rate
    return d.keep * d.capacity_per_agent_s / HEADCOUNT_UNITS_PER_AGENT


HEADCOUNT_UNITS_PER_AGENT = 4


def _blended_in(
    m: cp_model.CpModel,
    d: QueueDemand,
    demand: Demand,
    groups: list[SkillGroup],
    on: dict[tuple[int, int], list[cp_model.IntVar]],
    agents_on: dict[int, list[cp_model.LinearExprT]],
) -> list[list[cp_model.IntVar]]:
    """Units of work agents on live queues give async queue `d`, per interval: from each group at
    most its agents' own time there, and from each live queue at most its spare time."""
    unit = _units(d, demand)
    n = d.need.size
    out: list[list[cp_model.IntVar]] = [[] for _ in range(n)]
    for live in (x for x in demand.queues if x.is_live):
        sources = [gi for gi, g in enumerate(groups) if live.queue.name in g and d.queue.name in g]
        if not sources:
            continue
        per_agent = math.ceil(live.keep * d.queue.max_occupancy * demand.interval_s / unit)
        for t in range(n):
            parts = []
            for gi in sources:
                most = per_agent * upper_bound(on[(gi, live.index)][t])
                b = m.new_int_var(0, most, f"blend[{live.index},{gi},{d.index},{t}]")
                m.add(b <= per_agent * on[(gi, live.index)][t])
                parts.append(b)
            _within_spare_time(
                m, parts, per_agent, agents_on[live.index][t], live, t, unit, demand.interval_s
            )
            out[t].extend(parts)
    return out


def _within_spare_time(
    m: cp_model.CpModel,
    parts: list[cp_model.IntVar],
    per_agent: int,
    agents: cp_model.LinearExprT,
    live: QueueDemand,
    t: int,
    unit: float,
    interval_s: float,
) -> None:
    """Work blended in from a live queue fits in its agents' time beyond its contacts' load:
    at most max(0, capacity - load). Where the load exceeds what the agents on the queue can take
    (short of agents, or nobody on it), nothing is blended, and the model stays feasible. A 0/1
    `blends` keeps it linear rows (`bounds/relaxation.py` reads them)."""
    blended = cp_model.LinearExpr.sum(parts)
    load = math.floor(float(live.load[t]) * interval_s / unit)
    if load <= 0:
        m.add(blended <= per_agent * agents)
        return
    most = sum(upper_bound(x) for x in parts)
    blends = m.new_bool_var(f"blends[{live.index},{t},{parts[0].name}]")
    m.add(blended <= most * blends)
    m.add(blended + load * blends <= per_agent * agents)


def _async_coverage(
    m: cp_model.CpModel,
    d: QueueDemand,
    agents: list[cp_model.LinearExprT],
    blended: list[list[cp_model.IntVar]],
    demand: Demand,
    by_name: dict[str, list[cp_model.LinearExprT]],
) -> None:
    """An async queue's points: work past its deadline (the backlog worked oldest first), or, in
    headcount mode or without a forecast, the agents short of the need."""
    unit = _units(d, demand)
    per_agent = math.ceil(d.keep * d.capacity_per_agent_s / unit)
    n = d.need.size
    capacity = [
        cp_model.LinearExpr.weighted_sum([agents[t], *blended[t]], [per_agent] + [1] * len(blended[t]))
        for t in range(n)
    ]
    if not (demand.by_service and d.volume is not None):
        for t in range(n):
            counts = np.arange(0, HEADCOUNT_UNITS_PER_AGENT * (int(np.ceil(d.need[t])) + 1) + 1, dtype=float)
            table = short_points(
                np.maximum(d.need[t] - counts / HEADCOUNT_UNITS_PER_AGENT, 0.0), d.need[t], demand.weights
            )
            shown = m.new_int_var(0, int(counts[-1]), f"equivalent[{d.queue.name},{t}]")
            m.add(shown <= capacity[t])
            by_name["coverage of async queues (points)"].append(
                _convex_lines(m, table, shown, int(counts[-1]), f"async_points[{d.queue.name},{t}]")
            )
        return
    outcome_now = async_outcome(
        np.zeros(n),
        d.volume,
        d.aht_s,
        interval_s=demand.interval_s,
        response_hours=d.queue.response_hours,
        service_level=d.queue.service_level,
        carried_in_contacts=d.carried_in,
    )
    arrived = np.ceil(arrived_work(d) / unit).astype(int)
    due = np.floor(outcome_now.due_work_s / unit).astype(int)
    top = int(arrived[-1]) if arrived.size else 0
    before: cp_model.IntVar | None = None
    for t in range(n):
        done = m.new_int_var(0, max(top, 0), f"done[{d.queue.name},{t}]")
        m.add(done <= int(arrived[t]))
        if before is None:
            m.add(done <= capacity[t])
        else:
            m.add(done <= cp_model.LinearExpr.sum([before, capacity[t]]))
            m.add(done >= before)
        overdue = m.new_int_var(0, max(int(due[t]), 0), f"overdue[{d.queue.name},{t}]")
        m.add(overdue + done >= int(due[t]))
        by_name["contact-hours past the deadline (points)"].append(overdue)
        before = done
    # what is left when the week ends is past its deadline after it, where nothing more is done
    for j, due_after in enumerate(np.floor(d.tail_due_work_s / unit).astype(int)):
        if before is None or due_after <= 0:
            continue
        overdue = m.new_int_var(0, int(due_after), f"overdue_after[{d.queue.name},{j}]")
        m.add(overdue + before >= int(due_after))
        by_name["contact-hours past the deadline (points)"].append(overdue)


def add_changes(m: cp_model.CpModel, v: RosterVars, p: Problem) -> list[Penalty]:
    """Soft (re-rostering): each published shift not kept as it was, and each new working day, costs."""
    if p.published is None:
        return []
    dropped: list[cp_model.LinearExprT] = []
    published_days = set()
    for shift in p.published.shifts:
        if p.is_locked(shift.start_utc, shift.agent_id) or shift.agent_id not in v.candidates:
            continue
        published_days.add((shift.agent_id, shift.local_date))
        c = matching_candidate(v, shift)
        dropped.append(1 - v.works[c.index] if c is not None else 1)
    locked_days = {
        (s.agent_id, s.local_date) for s in p.published.shifts if p.is_locked(s.start_utc, s.agent_id)
    }
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
    return local_start_minute(p.team.agent(c.agent_id).tz, c.start_utc)


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
