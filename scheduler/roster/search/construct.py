"""A good first roster, fast: agents one at a time, each fitted to the demand still uncovered.

Every hard rule belongs to one agent, so a roster built agent by agent keeps them all.
Each agent's week is the full roster model for a team of one against the residual
requirement (the same rules, the same code), solved in a fraction of a second. `TeamWeeks`
holds such a roster as every agent's week, for the descent here and the ruin-and-recreate
moves of `improve.py`; the result seeds the whole-team solve as a complete hint.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping, Sequence

import numpy as np
from ortools.sat.python import cp_model

from scheduler.domain import Agent, BreakRule, Roster
from scheduler.roster.candidates import Candidate, break_offsets
from scheduler.roster.coverage_cost import queue_costs
from scheduler.roster.model import build_model
from scheduler.roster.objective import AGENT_SOFT_RULES, model_objective
from scheduler.roster.problem import Problem
from scheduler.roster.rules import HARD_RULES, add_breaks
from scheduler.roster.variables import (
    BreakSlot,
    RosterVars,
    SkillGroup,
    matching_candidate,
    queue_sets,
    skill_group,
)

MAX_SWEEPS = 12  # rounds of the agent-by-agent descent; it usually settles in three to five
AGENT_WEEK_GAP = 0.01  # one agent's week within 1 % of their best is plenty for a seed
# once the descent settles at AGENT_WEEK_GAP, the improvement phase asks for each agent's best week
EXACT_WEEK_GAP = 0.0
DESCENT_WEEK_LIMIT_S = 0.2  # per agent's week in the descent
ShiftKey = tuple[str, object, object, int]  # agent, local date, UTC start, length minutes


def shift_key(agent_id: str, local_date: object, start_utc: object, length_minutes: int) -> ShiftKey:
    """How a shift is known across models of the same week: agent, day, start and length."""
    return (agent_id, local_date, start_utc, length_minutes)


@dataclasses.dataclass(frozen=True)
class Seed:
    """The shifts and break places of a roster, by key, to hint a larger model with."""

    shifts: frozenset[ShiftKey]
    breaks: frozenset[BreakSlot]


def _order(p: Problem) -> list[Agent]:
    """Least flexible first: fewest skills, then fewest hours."""
    return sorted(p.team.agents, key=lambda a: (len(skill_group(p, a)), a.max_hours_per_week, a.id))


def best_covers(
    points: Mapping[str, np.ndarray],
    caps: Mapping[str, np.ndarray],
    groups: Sequence[SkillGroup],
    counts: np.ndarray,
) -> dict[str, np.ndarray]:
    """Agents to count on each queue, in each of many intervals, given how many of each skill group work.

    Row k is one interval: `counts[k, i]` agents of `groups[i]` work, and `points[q][k, c]` are
    queue q's points with c agents counted on it (convex in c), for c up to `caps[q][k]`.
    The counts Hall's condition allows form a polymatroid and the points are convex, so
    counting one agent at a time where it saves most is optimal (ties: the first queue by name).
    """
    queues = sorted(points)
    sets = [frozenset(s) for s in queue_sets(queues)]
    reach = np.array([[int(bool(g & s)) for g in groups] for s in sets], dtype=np.int64)
    holds = np.array([[int(q in s) for q in queues] for s in sets], dtype=np.int64)
    rows = np.arange(counts.shape[0])
    room = reach.reshape(len(sets), len(groups)) @ counts.T  # per set of queues: agents it may still count
    cover = np.zeros((len(queues), rows.size), dtype=np.int64)
    while True:
        saved = np.full(cover.shape, -np.inf)
        for j, q in enumerate(queues):
            opens = (cover[j] < caps[q]) & np.all(room[holds[:, j] == 1] > 0, axis=0)
            more = np.minimum(cover[j] + 1, points[q].shape[1] - 1)
            saved[j] = np.where(opens, points[q][rows, cover[j]] - points[q][rows, more], -np.inf)
        counting = np.isfinite(saved).any(axis=0)
        if not counting.any():
            return {q: cover[j] for j, q in enumerate(queues)}
        best = saved.argmax(axis=0)  # the first of equal savings
        cover[best[counting], rows[counting]] += 1
        room -= holds[:, best] * counting


class CoverageCost:
    """The coverage points of each interval as a function of how many of each skill group work."""

    def __init__(self, p: Problem, groups: list[SkillGroup]) -> None:
        self.costs = queue_costs(p)
        self.groups = groups
        self.over = p.weights.over_per_agent_interval

    def cover(self, ts: np.ndarray, counts: np.ndarray) -> dict[str, np.ndarray]:
        """`best_covers` in intervals `ts`, `counts[k, i]` agents of `groups[i]` at work in `ts[k]`."""
        points = {q: c.points[ts] for q, c in self.costs.items()}
        return best_covers(points, {q: c.cap[ts] for q, c in self.costs.items()}, self.groups, counts)

    def points(self, ts: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """The points of intervals `ts` with these counts (see `cover`): each queue's, and idle agents'."""
        cover = self.cover(ts, counts)
        idle = counts.sum(axis=1) - sum(cover.values(), np.zeros(ts.size, dtype=np.int64))
        total = sum(
            (c.points[ts, cover[q]] for q, c in self.costs.items()), np.zeros(ts.size, dtype=np.int64)
        )
        out: np.ndarray = total + self.over * idle
        return out


@dataclasses.dataclass(frozen=True)
class BreakPattern:
    """Shifts of one agent whose breaks may start at the same offsets (same length, same break rules).

    `shifts` are positions in the agent's list of shifts and `starts` their first intervals;
    each break is (rule index, rule, intervals long, offsets from the shift's start), the
    offsets in the order ties are broken: nearest the window's middle first, then earliest.
    """

    shifts: np.ndarray
    starts: np.ndarray
    breaks: tuple[tuple[int, BreakRule, int, np.ndarray], ...]


def break_patterns(p: Problem, agent: Agent, shifts: Sequence[Candidate]) -> tuple[BreakPattern, ...]:
    """The agent's shifts grouped by where their breaks may start."""
    step = p.week.grid.interval_minutes
    rules = p.team.shift_rules_of(agent).breaks
    members: dict[tuple[int, tuple[int, ...]], list[int]] = {}
    for k, c in enumerate(shifts):
        key = (c.length_minutes, tuple(r for r, rule in enumerate(rules) if rule in c.break_rules))
        members.setdefault(key, []).append(k)
    out = []
    for (length_minutes, used), positions in members.items():
        breaks = []
        for r in used:
            offsets = np.array(break_offsets(rules[r], length_minutes, step), dtype=int)
            if offsets.size:
                middle = offsets[offsets.size // 2]
                order = np.lexsort((np.arange(offsets.size), np.abs(offsets - middle)))
                breaks.append((r, rules[r], -(-rules[r].duration_minutes // step), offsets[order]))
        starts = np.array([shifts[k].start_index for k in positions], dtype=int)
        out.append(BreakPattern(np.array(positions, dtype=int), starts, tuple(breaks)))
    return tuple(out)


@dataclasses.dataclass(frozen=True)
class PlacedBreaks:
    """Where each shift's breaks cost least against a value per interval, and what they cost."""

    patterns: tuple[BreakPattern, ...]
    cost: np.ndarray  # per shift position: the value its breaks take away
    starts: tuple[np.ndarray, ...]  # per pattern: the start interval of each break (shift × break)

    def slots(self, agent_id: str, c: Candidate, position: int) -> tuple[BreakSlot, ...]:
        """The breaks of shift `c`, at `position` in the agent's list, as the model's slots."""
        for pattern, starts in zip(self.patterns, self.starts, strict=True):
            row = np.flatnonzero(pattern.shifts == position)
            if row.size:
                return tuple(
                    BreakSlot(agent_id, c.local_date, r, rule, int(first), length)
                    for (r, rule, length, _), first in zip(pattern.breaks, starts[row[0]], strict=True)
                )
        raise KeyError(position)


def place_breaks(patterns: tuple[BreakPattern, ...], n_shifts: int, padded: np.ndarray) -> PlacedBreaks:
    """The breaks of every shift, `padded` the running sum of the value per interval from 0: each
    break where it takes least value away (then nearest its window's middle, then earliest) among
    the places clear of the shift's earlier breaks, one break after another."""
    n = padded.size - 1
    cost = np.zeros(n_shifts)
    placed = []
    for pattern in patterns:
        rows = np.arange(pattern.shifts.size)
        chosen = np.zeros((pattern.shifts.size, len(pattern.breaks)), dtype=int)
        total = np.zeros(pattern.shifts.size)
        for j, (_, _, length, options) in enumerate(pattern.breaks):
            starts = pattern.starts[:, None] + options[None, :]
            worth = padded[np.clip(starts + length, 0, n)] - padded[np.clip(starts, 0, n)]
            free: np.ndarray = np.ones(starts.shape, dtype=bool)
            for i, (_, _, earlier, _) in enumerate(pattern.breaks[:j]):
                first = chosen[:, i, None]
                free &= (starts + length <= first) | (starts >= first + earlier)
            free |= ~np.any(free, axis=1, keepdims=True)  # no place clear of the others: any place
            k = np.where(free, worth, np.inf).argmin(axis=1)
            total += worth[rows, k]
            chosen[:, j] = starts[rows, k]
        cost[pattern.shifts] = total
        placed.append(chosen)
    return PlacedBreaks(patterns, cost, tuple(placed))


@dataclasses.dataclass
class AgentWeek:
    """One agent's week: the chosen shifts and their breaks."""

    shifts: list[Candidate]
    breaks: list[BreakSlot]
    own_points: int = (
        0  # the agent's own soft rules (preferences, changes, days off, starts); a reward is positive
    )

    def at_work(self, n: int) -> np.ndarray:
        """1 in each interval of the week the agent works (on a shift, not on a break)."""
        out = np.zeros(n + 1, dtype=int)
        for c in self.shifts:
            out[max(c.start_index, 0) : max(min(c.start_index + c.n_intervals, n), 0)] += 1
        for b in self.breaks:
            out[max(b.start_index, 0) : max(min(b.start_index + b.n_intervals, n), 0)] -= 1
        return out[:n]


class AgentWeekModel:
    """The hard rules of one agent (the roster model's rule functions for a team of one),
    to find the agent's most valuable week against a value per interval."""

    def __init__(self, p: Problem, agent: Agent, seed: int, deterministic: bool = False) -> None:
        zeros = {q.name: np.zeros(p.week.grid.n_intervals) for q in p.team.queues}
        alone = p.for_agent(agent, zeros)
        self.p, self.agent, self.seed, self.deterministic = p, agent, seed, deterministic
        rules = tuple(r for r in HARD_RULES if r is not add_breaks) + AGENT_SOFT_RULES
        self.model, self.v, penalties = build_model(alone, rules)
        self.own_cost = model_objective(penalties)
        self.shifts = self.v.all_candidates()
        self.fixed_breaks = self._fixed_breaks()
        self._patterns = break_patterns(p, agent, self.shifts)
        self._position = {c.index: k for k, c in enumerate(self.shifts)}
        self._starts = np.array([c.start_index for c in self.shifts], dtype=int)
        self._ends = self._starts + np.array([c.n_intervals for c in self.shifts], dtype=int)

    def _fixed_breaks(self) -> dict[int, tuple[BreakSlot, ...]]:
        """The breaks of pinned shifts and of shifts already worked, which stay where they are."""
        p = self.p
        fixed = [s for s in p.pinned if s.agent_id == self.agent.id]
        if p.published is not None:
            fixed += [s for s in p.published.shifts_of(self.agent.id) if p.is_locked(s.start_utc)]
        step = p.week.grid.interval_minutes
        out: dict[int, tuple[BreakSlot, ...]] = {}
        for shift in fixed:
            c = matching_candidate(self.v, shift)
            if c is None or not shift.breaks:
                continue
            slots = []
            for b in shift.breaks:
                start = c.start_index + round((b.start_utc - c.start_utc).total_seconds() / 60 / step)
                slot = next(
                    (
                        x
                        for x in self.v.breaks
                        if x.local_date == c.local_date and x.rule.kind == b.kind and x.start_index == start
                    ),
                    None,
                )
                if slot is not None:
                    slots.append(slot)
            out[c.index] = tuple(slots)
        return out

    def week_of(self, roster: Roster) -> AgentWeek | None:
        """The agent's week in `roster`, if every shift and break of it is one the rules allow
        (hours and rest are not checked here; the caller's seed is checked by the model)."""
        by_key = {(c.local_date, c.start_utc, c.length_minutes): c for c in self.shifts}
        slots = {(b.local_date, b.rule.kind, b.start_index): b for b in self.v.breaks}
        step = self.p.week.grid.interval_minutes
        shifts: list[Candidate] = []
        breaks: list[BreakSlot] = []
        for s in roster.shifts_of(self.agent.id):
            c = by_key.get((s.local_date, s.start_utc, round(s.hours * 60)))
            if c is None:
                return None
            shifts.append(c)
            for b in s.breaks:
                offset = round((b.start_utc - c.start_utc).total_seconds() / 60 / step)
                slot = slots.get((c.local_date, b.kind, c.start_index + offset))
                if slot is None:
                    return None
                breaks.append(slot)
        points = self._own_points_if_allowed(shifts)
        return None if points is None else AgentWeek(shifts, breaks, points)

    def _own_points_if_allowed(self, shifts: list[Candidate]) -> int | None:
        """The agent's own points for these shifts, or None if they break a hard rule (hours, rest, ...)."""
        fixed = self.model.clone()
        fixed.minimize(self.own_cost)
        chosen = {c.index for c in shifts}
        for c in self.shifts:
            fixed.add(
                fixed.get_bool_var_from_proto_index(self.v.works[c.index].index) == int(c.index in chosen)
            )
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = 5.0
        if solver.solve(fixed) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        return -round(solver.objective_value)

    def _breaks_of(self, placed: PlacedBreaks, position: int) -> tuple[BreakSlot, ...]:
        """The breaks of the shift at `position`: where they were fixed, else where `placed` put them."""
        c = self.shifts[position]
        fixed = self.fixed_breaks.get(c.index)
        return fixed if fixed is not None else placed.slots(self.agent.id, c, position)

    def breaks_for(self, shifts: Sequence[Candidate], value: np.ndarray) -> list[BreakSlot]:
        """The breaks of these shifts of the agent's, each where it takes least of `value` (per
        interval) away, or where it was fixed."""
        placed = place_breaks(self._patterns, len(self.shifts), np.concatenate([[0.0], np.cumsum(value)]))
        return [b for c in shifts for b in self._breaks_of(placed, self._position[c.index])]

    def best(
        self,
        value: np.ndarray,
        time_limit_s: float,
        hint: AgentWeek | None = None,
        gap: float = AGENT_WEEK_GAP,
    ) -> AgentWeek | None:
        """The week worth most: `value[t]` per interval worked, plus preferences; None if none found.

        `hint` (e.g. the agent's current week) is where the solver starts looking; the week is
        within `gap` (relative) of the best.
        """
        n = value.size
        padded = np.concatenate([[0.0], np.cumsum(np.round(value))])  # whole points, as the model's

        def worth(first: int, count: int) -> float:
            return float(padded[min(max(first + count, 0), n)] - padded[min(max(first, 0), n)])

        placed = place_breaks(self._patterns, len(self.shifts), padded)
        on_shift = padded[np.clip(self._ends, 0, n)] - padded[np.clip(self._starts, 0, n)]
        off_shift = placed.cost.copy()
        for index, slots in self.fixed_breaks.items():
            off_shift[self._position[index]] = sum(worth(b.start_index, b.n_intervals) for b in slots)
        self.model.clear_hints()  # type: ignore[no-untyped-call]
        if hint is not None:
            hinted = {c.index for c in hint.shifts}
            for c in self.shifts:
                self.model.add_hint(self.v.works[c.index], c.index in hinted)
        coverage_worth = cp_model.LinearExpr.weighted_sum(
            [self.v.works[c.index] for c in self.shifts], np.round(on_shift - off_shift).astype(int).tolist()
        )
        self.model.maximize(cp_model.LinearExpr.weighted_sum([coverage_worth, self.own_cost], [1, -1]))
        for limit in (time_limit_s, max(1.0, 4 * time_limit_s)):  # a second, longer try before giving up
            solver = cp_model.CpSolver()
            solver.parameters.num_workers = 1
            solver.parameters.random_seed = self.seed
            solver.parameters.relative_gap_limit = gap
            solver.parameters.cp_model_presolve = False  # twice as fast on a team of one, same weeks
            if self.deterministic:  # work units instead of seconds: same input, same week
                solver.parameters.max_deterministic_time = max(0.05, limit)
                solver.parameters.max_time_in_seconds = 60.0
            else:
                solver.parameters.max_time_in_seconds = max(0.05, limit)
            status = solver.solve(self.model)
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                positions = [
                    k for k, c in enumerate(self.shifts) if solver.boolean_value(self.v.works[c.index])
                ]
                chosen = [self.shifts[k] for k in positions]
                own = -round(solver.value(self.own_cost))
                if status == cp_model.FEASIBLE:  # stopped early: the soft rules' counts may be high
                    exact = self._own_points_if_allowed(chosen)
                    own = own if exact is None else exact
                breaks = [b for k in positions for b in self._breaks_of(placed, k)]
                return AgentWeek(chosen, breaks, own)
        return None


def greedy_seed(
    p: Problem, time_limit_s: float, seed: int = 0, start: Roster | None = None, deterministic: bool = False
) -> Seed | None:
    """The roster of `agent_weeks` as a seed for the whole-team model (None if it found none)."""
    found = agent_weeks(p, time_limit_s, seed, start, deterministic)
    return None if found is None else seed_from_weeks(found.weeks)


@dataclasses.dataclass
class AgentWeeks:
    """Every agent's week of a roster built agent by agent, and the per-agent models that built it."""

    weeks: dict[str, AgentWeek]
    models: dict[str, AgentWeekModel]


class TeamWeeks:
    """A roster held as every agent's week, with the team's agents at work per interval kept up to date.

    `points` are the coverage points and every agent's own soft rules, as the roster model
    counts them (the fair shares, which couple agents, are left out).
    """

    def __init__(self, p: Problem, models: Mapping[str, AgentWeekModel]) -> None:
        self.p = p
        self.n = p.week.grid.n_intervals
        self.agents = [a for a in _order(p) if skill_group(p, a)]
        groups = sorted({skill_group(p, a) for a in self.agents}, key=sorted)
        self._group = {a.id: groups.index(skill_group(p, a)) for a in self.agents}
        self.cost = CoverageCost(p, groups)
        self.counts = np.zeros((self.n, len(groups)), dtype=int)
        # the coverage points per interval, and with one more agent of each group, kept up to
        # date lazily: only the intervals a week put in or taken out changed are recomputed
        self._now = np.zeros(self.n, dtype=int)
        self._more = np.zeros((len(groups), self.n), dtype=int)
        self._stale_now = np.ones(self.n, dtype=bool)
        self._stale_more = np.ones((len(groups), self.n), dtype=bool)
        self.models = dict(models)
        self.weeks: dict[str, AgentWeek] = {}
        self.gap = AGENT_WEEK_GAP  # how close to their best each agent's new week must be

    def put(self, agent: Agent, week: AgentWeek) -> None:
        """Give the agent this week (they have none)."""
        self.weeks[agent.id] = week
        self._count(agent, week.at_work(self.n))

    def take(self, agent: Agent) -> AgentWeek:
        """Take the agent's week out of the roster, and return it."""
        week = self.weeks.pop(agent.id)
        self._count(agent, -week.at_work(self.n))
        return week

    def _count(self, agent: Agent, change: np.ndarray) -> None:
        """Add `change` to the agent's group's count per interval; the points there are stale."""
        self.counts[:, self._group[agent.id]] += change
        changed = change != 0
        self._stale_now |= changed
        self._stale_more[:, changed] = True

    def _points_now(self) -> np.ndarray:
        """The coverage points per interval."""
        stale = np.flatnonzero(self._stale_now)
        self._now[stale] = self.cost.points(stale, self.counts[stale])
        self._stale_now[:] = False
        return self._now

    def gain(self, agent: Agent) -> np.ndarray:
        """Points saved per interval by this agent at work, against everyone else's weeks."""
        group = self._group[agent.id]
        stale = np.flatnonzero(self._stale_more[group])
        more = self.counts[stale]
        more[:, group] += 1
        self._more[group, stale] = self.cost.points(stale, more)
        self._stale_more[group] = False
        gain: np.ndarray = (self._points_now() - self._more[group]).astype(float)
        return gain

    def points(self) -> int:
        """The roster's coverage points less the agents' own (a reward is positive)."""
        return int(self._points_now().sum()) - sum(w.own_points for w in self.weeks.values())

    def snapshot(self) -> dict[str, AgentWeek]:
        """Every agent's week, to restore later."""
        return dict(self.weeks)

    def restore(self, weeks: Mapping[str, AgentWeek]) -> None:
        """Back to these weeks (every agent's)."""
        for agent in self.agents:
            if agent.id in self.weeks:
                self.take(agent)
            self.put(agent, weeks[agent.id])

    def improve(self, agent: Agent, time_limit_s: float) -> bool:
        """Give the agent their best week against everyone else's if that lowers the points; True if it did."""
        before = self.points()
        old = self.take(agent)
        week = self.models[agent.id].best(self.gain(agent), time_limit_s, old, self.gap)
        self.put(agent, week or old)
        if week is None or self.points() < before:
            return week is not None
        self.take(agent)
        self.put(agent, old)
        return False

    def descend(self, deadline: float, deterministic: bool = False) -> None:
        """Each agent in turn takes their best week against everyone else's, until no one's improves
        (at most `MAX_SWEEPS` rounds) or, unless `deterministic`, the deadline."""
        improved, sweeps = True, 0
        while improved and sweeps < MAX_SWEEPS:
            improved, sweeps = False, sweeps + 1
            for agent in self.agents:
                if not deterministic and time.monotonic() > deadline:
                    return
                improved = self.improve(agent, DESCENT_WEEK_LIMIT_S) or improved

    def found(self) -> AgentWeeks:
        """The weeks and the per-agent models."""
        return AgentWeeks(dict(self.weeks), dict(self.models))


def agent_weeks(
    p: Problem,
    time_limit_s: float,
    seed: int = 0,
    start: Roster | None = None,
    deterministic: bool = False,
    start_weeks: Mapping[str, AgentWeek] | None = None,
    models: Mapping[str, AgentWeekModel] | None = None,
) -> AgentWeeks | None:
    """A roster keeping every hard rule, built agent by agent, then improved agent by agent.

    First each agent's week is taken from `start_weeks` or `start` (a warm start) when it fits
    the rules, else chosen, under their own hard rules, to be worth most against what the agents
    before them left uncovered. Then, while time remains, each agent in turn
    is taken out and given the best week against everyone else's (block coordinate descent);
    a change is kept only when the team's coverage and preference points improve.
    Returns None when some agent's rules leave no week within the time.

    With `deterministic`, limits count solver work units, not seconds, and the descent runs
    to the end (at most `MAX_SWEEPS` rounds), so the same input always gives the same seed.
    """
    team = team_weeks(p, time_limit_s, seed, start, deterministic, start_weeks, models)
    return None if team is None else team.found()


def team_weeks(
    p: Problem,
    time_limit_s: float,
    seed: int = 0,
    start: Roster | None = None,
    deterministic: bool = False,
    start_weeks: Mapping[str, AgentWeek] | None = None,
    models: Mapping[str, AgentWeekModel] | None = None,
) -> TeamWeeks | None:
    """`agent_weeks`, as a `TeamWeeks` to improve further."""
    started = time.monotonic()
    team = TeamWeeks(p, models or {})
    for k, agent in enumerate(team.agents):
        if agent.id not in team.models:
            team.models[agent.id] = AgentWeekModel(p, agent, seed, deterministic)
        model = team.models[agent.id]
        left = time_limit_s / 2 - (0.0 if deterministic else time.monotonic() - started)
        week = model.week_of(start) if start is not None else None
        week = week or (start_weeks or {}).get(agent.id)
        week = week or model.best(team.gain(agent), left / (len(team.agents) - k))
        if week is None:
            return None
        team.put(agent, week)
    team.descend(started + time_limit_s, deterministic)
    return team


def seed_from_weeks(weeks: Mapping[str, AgentWeek]) -> Seed:
    """The shifts and breaks of these weeks, as a seed for the whole-team model."""
    return Seed(
        frozenset(
            shift_key(c.agent_id, c.local_date, c.start_utc, c.length_minutes)
            for w in weeks.values()
            for c in w.shifts
        ),
        frozenset(b for w in weeks.values() for b in w.breaks),
    )


def seed_values(p: Problem, v: RosterVars, seed: Seed) -> dict[int, int]:
    """The seed as a value for every variable of the whole-team model (a complete hint)."""
    out: dict[int, int] = {}
    n = p.week.grid.n_intervals
    at_work: dict[SkillGroup, np.ndarray] = {g: np.zeros(n + 1, dtype=int) for g in v.working}
    group_of = {a.id: skill_group(p, a) for a in p.team.agents}
    for c in v.all_candidates():
        on = shift_key(c.agent_id, c.local_date, c.start_utc, c.length_minutes) in seed.shifts
        out[v.works[c.index].index] = int(on)
        if on and group_of[c.agent_id] in at_work:
            at_work[group_of[c.agent_id]][
                max(c.start_index, 0) : max(min(c.start_index + c.n_intervals, n), 0)
            ] += 1
    for slot, x in v.breaks.items():
        out[x.index] = int(slot in seed.breaks)
        if slot in seed.breaks and group_of[slot.agent_id] in at_work:
            at_work[group_of[slot.agent_id]][
                max(slot.start_index, 0) : max(min(slot.start_index + slot.n_intervals, n), 0)
            ] -= 1
    for (agent_id, day), x in v.day_worked.items():
        out[x.index] = int(any(key[0] == agent_id and key[1] == day for key in seed.shifts))
    for g, counts in v.working.items():
        for t, x in enumerate(counts):
            out[x.index] = int(at_work[g][t])
    groups = sorted(at_work, key=sorted)
    cost = CoverageCost(p, groups)
    ts = np.arange(n)
    cover = cost.cover(
        ts, np.array([at_work[g][:n] for g in groups], dtype=np.int64).reshape(len(groups), n).T
    )
    for q, counted in cover.items():
        for t in range(n):
            out[v.cover[q][t].index] = int(counted[t])
            if (q, t) in v.points:
                out[v.points[(q, t)].index] = int(cost.costs[q].points[t, counted[t]])
    return out
