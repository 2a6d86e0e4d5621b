"""A roster built agent by agent, then improved agent by agent: the roster search's state.

Every hard rule belongs to one agent, so a roster built agent by agent keeps them all. Each
agent's week is the roster model for a team of one (the same hard rules and the agent's own
soft rules, `scheduler.roster.rules` and `scheduler.roster.objective`), solved by CP-SAT against
the value of the agent on each queue in each interval given everyone else's weeks. Inside each
shift the agent's queue stretches are the best the queue-block rules allow
(`scheduler.roster.stretches`), and the breaks go where they take least away. A shift's time for an
async queue (on it, or given by blending from a live queue) is worth what it saves through the
queue's backlog (`coverage.BacklogSavings`), not each interval's value added up: those count the
same overdue work once per interval, and an agent priced that way chases a backlog an hour clears.

`TeamWeeks` holds a roster as every agent's week, with the agents on each queue per interval that
`scheduler.roster.coverage` prices, for the descent here and the ruin-and-recreate moves of
`improve.py`; its points are the roster objective, exactly: coverage, every agent's own soft
rules, the fair shares of weekends, late and night shifts, and cover by shift type.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta

import numpy as np
from ortools.sat.python import cp_model

from scheduler.cpsat import new_solver
from scheduler.domain import Agent, BreakRule, QueueSpan, Roster, Shift
from scheduler.roster.candidates import (
    Candidate,
    apart,
    break_activity,
    break_intervals,
    break_placements,
    break_reach,
    breaks_spaced,
    intervals_between,
    offsets_by_preference,
)
from scheduler.roster.coverage import (
    BacklogSavings,
    Demand,
    Outcome,
    blend_shares,
    carried_on,
    coverage_penalties,
    gains,
    outcome,
    planning_demand,
)
from scheduler.roster.model import build_model
from scheduler.roster.objective import AGENT_SOFT_RULES, model_objective
from scheduler.roster.problem import Problem, is_late, is_night, skill_group
from scheduler.roster.rules import HARD_RULES, add_breaks
from scheduler.roster.stretches import best_stretches, min_stretch_intervals, sequence_problems
from scheduler.roster.variables import BreakSlot, break_slots, matching_candidate

MAX_SWEEPS = 12  # rounds of the agent-by-agent descent; it usually settles in three to five
AGENT_WEEK_GAP = 0.01  # one agent's week within 1 % of their best is plenty while the roster takes shape
# once the descent settles at AGENT_WEEK_GAP, the improvement phase asks for each agent's best week
EXACT_WEEK_GAP = 0.0
DESCENT_WEEK_LIMIT_S = 0.2  # per agent's week in the descent
# ways to place a shift's breaks all together kept per break pattern, for the shifts where placing
# them one after another leaves a break no place (the first ones, nearest their windows' middles)
MAX_BREAK_PLACEMENTS = 2000
ShiftKey = tuple[str, object, object, int]  # agent, local date, UTC start, length minutes
# the soft rule of re-rostering the search counts beside the model's: published shifts kept at their
# hours but worked on other stretches or breaks
PLAN_CHANGES = "published shifts with other queues or breaks"


def shift_key(agent_id: str, local_date: object, start_utc: object, length_minutes: int) -> ShiftKey:
    """How a shift is known across models of the same week: agent, day, start and length."""
    return (agent_id, local_date, start_utc, length_minutes)


def _order(p: Problem) -> list[Agent]:
    """Least flexible first: fewest skills, then fewest hours."""
    return sorted(p.team.agents, key=lambda a: (len(skill_group(p, a)), a.max_hours_per_week, a.id))


@dataclasses.dataclass(frozen=True)
class BreakPattern:
    """Shifts of one agent whose breaks may start at the same offsets (same length, same break rules).

    `shifts` are positions in the agent's list of shifts and `starts` their first intervals;
    each break is (rule index, rule, intervals long, offsets from the shift's start), the
    offsets in the order ties are broken: nearest the window's middle first, then earliest. `reach`
    is each break's `break_reach` (spaced as `breaks_spaced` says), and `placements` (ways × breaks)
    up to `MAX_BREAK_PLACEMENTS` offsets of every break at once that keep clear of each other's.
    """

    shifts: np.ndarray
    starts: np.ndarray
    breaks: tuple[tuple[int, BreakRule, int, np.ndarray], ...]
    reach: tuple[int, ...] = ()
    placements: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros((0, 0), dtype=int))


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
            offsets = np.array(offsets_by_preference(rules[r], length_minutes, step), dtype=int)
            if offsets.size:
                breaks.append((r, rules[r], break_intervals(rules[r], step), offsets))
        starts = np.array([shifts[k].start_index for k in positions], dtype=int)
        placed = tuple(rules[r] for r, *_ in breaks)
        spaced = breaks_spaced(tuple(rules[r] for r in used), length_minutes, step)
        reach = tuple(break_reach(rule, step, spaced) for rule in placed)
        ways = (
            break_placements(placed, length_minutes, step, spaced, MAX_BREAK_PLACEMENTS)
            if len(breaks) > 1
            else ()
        )
        placements = np.array(ways, dtype=int).reshape(len(ways), len(breaks))
        out.append(BreakPattern(np.array(positions, dtype=int), starts, tuple(breaks), reach, placements))
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


def _chosen(values: np.ndarray, queue: np.ndarray, working: np.ndarray) -> np.ndarray:
    """Per shift row, `values` (rows, steps, queues) summed at the queue column `queue` (rows, steps)
    gives each working step."""
    picked = np.take_along_axis(values, np.clip(queue, 0, None)[:, :, None], axis=2)[:, :, 0]
    return np.asarray(np.where(working & (queue >= 0), picked, 0.0).sum(axis=1), dtype=np.float64)


@dataclasses.dataclass(frozen=True)
class BacklogPart:
    """The time shifts give one backlog queue (on it, or by blending): the queue, each step's value
    of a whole agent's time there (shift rows, steps), and per shift that time priced interval by
    interval, added up (as `gains` would), and what it saves through the queue's backlog."""

    queue: int
    unit: np.ndarray
    summed: np.ndarray
    saving: np.ndarray


def _correction(parts: list[BacklogPart]) -> np.ndarray | float:
    """What to add to each shift's summed values for its backlog time to be worth what it saves."""
    return sum((part.saving - part.summed for part in parts), 0.0)


# a multi-queue shift's stretches are chosen again when a backlog's values fall by this share for it
MIN_BACKLOG_SCALING = 0.05


def _scaled_to_backlogs(
    values: np.ndarray, skills: np.ndarray, parts: list[BacklogPart], backlogs: BacklogSavings, at: np.ndarray
) -> np.ndarray | None:
    """`values` (shift rows, steps, the agent's queues `skills`) with each backlog queue's part, on it
    and by blending, scaled per shift to what it saves through the backlog (`at`: the week's
    interval of each step; never up); None when no shift's falls by `MIN_BACKLOG_SCALING`."""
    out = None
    for part in parts:
        summed = np.where(part.summed > 0, part.summed, 1.0)
        share = np.where(part.summed > 0, np.clip(part.saving / summed, 0.0, 1.0), 1.0)
        if (1.0 - share).max() < MIN_BACKLOG_SCALING:
            continue
        out = values.copy() if out is None else out
        for j, q in enumerate(skills.tolist()):
            if q == part.queue:
                out[:, :, j] *= share[:, None]
            else:
                out[:, :, j] -= backlogs.blend[at, q, part.queue] * part.unit * (1.0 - share[:, None])
    return out


def place_breaks(patterns: tuple[BreakPattern, ...], n_shifts: int, padded: np.ndarray) -> PlacedBreaks:
    """The breaks of every shift, `padded` the running sum of the value per interval from 0: each
    break where it takes least value away (then nearest its window's middle, then earliest) among
    the places clear of the shift's earlier breaks' reach (and they of its), one after another. Where that leaves
    a break no place, the shift's breaks go all together where they take least away among the
    pattern's `placements` (the first of them on a tie)."""
    n = padded.size - 1
    cost = np.zeros(n_shifts)
    placed = []
    for pattern in patterns:
        rows = np.arange(pattern.shifts.size)
        chosen = np.zeros((pattern.shifts.size, len(pattern.breaks)), dtype=int)
        total = np.zeros(pattern.shifts.size)
        stuck = np.zeros(pattern.shifts.size, dtype=bool)
        for j, (_, _, length, options) in enumerate(pattern.breaks):
            starts = pattern.starts[:, None] + options[None, :]
            worth = padded[np.clip(starts + length, 0, n)] - padded[np.clip(starts, 0, n)]
            free: np.ndarray = np.ones(starts.shape, dtype=bool)
            for i in range(j):
                first = chosen[:, i, None]
                free &= (starts + pattern.reach[j] <= first) | (starts >= first + pattern.reach[i])
            nowhere = ~np.any(free, axis=1)
            stuck |= nowhere
            free |= nowhere[:, None]  # no place clear of the others: any place (unless placed together below)
            k = np.where(free, worth, np.inf).argmin(axis=1)
            total += worth[rows, k]
            chosen[:, j] = starts[rows, k]
        if stuck.any() and pattern.placements.size:
            _place_together(pattern, np.flatnonzero(stuck), padded, chosen, total)
        cost[pattern.shifts] = total
        placed.append(chosen)
    return PlacedBreaks(patterns, cost, tuple(placed))


def _place_together(
    pattern: BreakPattern, rows: np.ndarray, padded: np.ndarray, chosen: np.ndarray, total: np.ndarray
) -> None:
    """The breaks of the shifts at `rows` where, all together among the pattern's placements, they
    take least value away (written into `chosen` and `total`)."""
    n = padded.size - 1
    lengths = np.array([length for _, _, length, _ in pattern.breaks], dtype=int)
    starts = pattern.starts[rows, None, None] + pattern.placements[None, :, :]  # (rows, ways, breaks)
    worth = (padded[np.clip(starts + lengths, 0, n)] - padded[np.clip(starts, 0, n)]).sum(axis=2)
    best = worth.argmin(axis=1)
    chosen[rows] = starts[np.arange(rows.size), best]
    total[rows] = worth[np.arange(rows.size), best]


def _present(at: np.ndarray, given: np.ndarray, n: int) -> np.ndarray:
    """(rows, the `n` intervals of the week and its lead-out): `given` (rows, steps into each shift)
    at the intervals `at` (rows, steps)."""
    out = np.zeros((at.shape[0], n))
    r, k = np.nonzero(given)
    out[r, at[r, k]] = given[r, k]
    return out


@dataclasses.dataclass
class AgentWeek:
    """One agent's week: the chosen shifts, their breaks, and the queue of each interval of each shift.

    `queues[c.index]` holds the team queue index of every interval of shift c (breaks included:
    a break belongs to the stretch it interrupts).
    """

    shifts: list[Candidate]
    breaks: list[BreakSlot]
    own_points: int = (
        0  # the agent's own soft rules (preferences, changes, days off, starts); a reward is positive
    )
    queues: dict[int, np.ndarray] = dataclasses.field(default_factory=dict)
    # `on_queue` by (intervals, queues), made once (a move puts and takes the same week many times)
    _on_queue: dict[tuple[int, int], np.ndarray] = dataclasses.field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # shifts counting towards each fair share, by the share's name, counted once
    _shares: dict[str, int] = dataclasses.field(default_factory=dict, init=False, repr=False, compare=False)

    def share_count(self, name: str, counting: set[int]) -> int:
        """The week's shifts among `counting` (candidate indexes), the shifts of the fair share `name`
        (the same set each time the share is asked for)."""
        found = self._shares.get(name)
        if found is None:
            found = self._shares[name] = sum(1 for c in self.shifts if c.index in counting)
        return found

    @functools.cached_property
    def queue_changes(self) -> int:
        """Changes of queue inside the week's shifts (counted once: a week's queues are never changed
        in place; a new week is made instead)."""
        return sum(
            int(np.count_nonzero(np.diff(self.queues[c.index])))
            for c in self.shifts
            if c.index in self.queues
        )

    def on_queue(self, n: int, n_queues: int) -> np.ndarray:
        """(intervals, queues): 1 where the agent is on the queue (on a shift, not on a break); read-only."""
        found = self._on_queue.get((n, n_queues))
        if found is None:
            found = self._on_queue[(n, n_queues)] = self._count_on_queue(n, n_queues)
            found.setflags(write=False)
        return found

    def _count_on_queue(self, n: int, n_queues: int) -> np.ndarray:
        out = np.zeros((n, n_queues), dtype=np.int64)
        off = np.zeros(n + 1, dtype=bool)
        for b in self.breaks:
            off[max(b.start_index, 0) : max(min(b.start_index + b.n_intervals, n), 0)] = True
        for c in self.shifts:
            first, last = max(c.start_index, 0), min(c.start_index + c.n_intervals, n)
            if last <= first:
                continue
            ts = np.arange(first, last)
            sequence = self.queues[c.index][ts - c.start_index]
            keep = ~off[ts]
            out[ts[keep], sequence[keep]] += 1
        return out


@dataclasses.dataclass(frozen=True)
class PublishedPlan:
    """A published shift not yet worked, as published: its breaks and the team queue of each of its
    intervals."""

    breaks: frozenset[BreakSlot]
    queues: np.ndarray

    def kept_in(self, week: AgentWeek, c: Candidate) -> bool:
        """Whether `week` works candidate `c` (this plan's shift) on its published breaks and stretches."""
        queues = week.queues.get(c.index)
        return (
            queues is not None
            and self.breaks == frozenset(b for b in week.breaks if b.local_date == c.local_date)
            and np.array_equal(queues, self.queues)
        )


class AgentWeekModel:
    """The hard rules of one agent (the roster model's rule functions for a team of one), to find
    the agent's most valuable week against a value of the agent on each queue in each interval."""

    def __init__(self, p: Problem, agent: Agent, seed: int, deterministic: bool = False) -> None:
        zeros = {q.name: np.zeros(p.week.grid.n_intervals) for q in p.team.queues}
        alone = p.for_agent(agent, zeros)
        self.p, self.agent, self.seed, self.deterministic = p, agent, seed, deterministic
        rules = tuple(r for r in HARD_RULES if r is not add_breaks) + AGENT_SOFT_RULES
        # breaks are placed outside the model (`place_breaks`): no break variables
        self.model, self.v, self.penalties = build_model(alone, rules, break_vars=False)
        self.own_cost = model_objective(self.penalties)
        self.last_status = cp_model.UNKNOWN  # of the last search for a week
        self._counting: cp_model.CpModel | None = None  # a copy to count the own soft rules on
        self.shifts = self.v.all_candidates()
        self._slots: list[BreakSlot] | None = None  # every place a break may start, when needed
        self.fixed_breaks = self._fixed_breaks()
        self._patterns = break_patterns(p, agent, self.shifts)
        self._position = {c.index: k for k, c in enumerate(self.shifts)}
        self._works_vars = np.array([self.v.works[c.index].index for c in self.shifts], dtype=np.int64)
        self._starts = np.array([c.start_index for c in self.shifts], dtype=int)
        self._lengths = np.array([c.n_intervals for c in self.shifts], dtype=int)
        names = [q.name for q in p.team.queues]
        self.skills = np.array(sorted(names.index(q) for q in skill_group(p, agent)), dtype=np.int64)
        shift_rules = p.team.shift_rules_of(agent)
        self._stretch = min_stretch_intervals(
            shift_rules.min_queue_stretch_minutes, p.week.grid.interval_minutes
        )
        self._changes = shift_rules.max_queue_changes
        self._change_cost = float(p.weights.queue_change)
        self._fair = self._fair_terms()
        self._fixed_cost = self._fixed_objective()
        self.fixed_queues = self._fixed_queues()
        self._plan_change_cost = float(p.weights.queue_or_break_change_per_shift)
        self.published_plans = self._published_plans()

    def _fixed_queues(self) -> dict[int, np.ndarray]:
        """The queue of each interval of the shifts already worked (re-rostering: published, started
        before the lock time), which keep their published stretches."""
        p = self.p
        if p.published is None:
            return {}
        out = {}
        for shift in (s for s in p.worked() if s.agent_id == self.agent.id):
            c = matching_candidate(self.v, shift)
            queues = None if c is None else self._queues_of(shift, c, check_blocks=False)
            if c is not None and queues is not None:
                out[c.index] = queues
        return out

    def _fair_terms(self) -> dict[str, tuple[int, cp_model.IntVar, cp_model.IntVar, cp_model.LinearExprT]]:
        """Per fair share the agent takes part in: its weight, the most and the fewest the others
        have (variables fixed before each search), and the gap the agent's week leaves."""
        out: dict[str, tuple[int, cp_model.IntVar, cp_model.IntVar, cp_model.LinearExprT]] = {}
        days = len(self.p.week.days)
        for name, (weight, counts_in) in fair_kinds(self.p).items():
            chosen = [self.v.works[c.index] for c in self.shifts if counts_in(c)]
            if weight == 0 or not chosen:
                continue
            most = self.model.new_int_var(0, days, f"others_most[{name}]")
            fewest = self.model.new_int_var(0, days, f"others_fewest[{name}]")
            high = self.model.new_int_var(0, days, f"most[{name}]")
            low = self.model.new_int_var(0, days, f"fewest[{name}]")
            mine = cp_model.LinearExpr.sum(chosen)
            self.model.add(high >= mine)
            self.model.add(high >= most)
            self.model.add(low <= mine)
            self.model.add(low <= fewest)
            out[name] = (weight, most, fewest, high - low)
        return out

    def _fixed_objective(self) -> tuple[np.ndarray, int]:
        """What the week costs whatever its coverage is worth: the agent's own soft rules and the
        fair shares' gaps, as a coefficient per model variable and an offset (read off the proto
        once, so each search writes its objective in one go)."""
        fair_cost = cp_model.LinearExpr.weighted_sum(
            [gap for _, _, _, gap in self._fair.values()], [w for w, _, _, _ in self._fair.values()]
        )
        self.model.minimize(cp_model.LinearExpr.sum([self.own_cost, fair_cost]))
        objective = self.model.proto.objective
        dense = np.zeros(len(self.model.proto.variables), dtype=np.int64)
        np.add.at(dense, np.array(objective.vars, dtype=np.int64), np.array(objective.coeffs, dtype=np.int64))
        return dense, int(objective.offset)

    def _set_objective(self, worth: np.ndarray) -> None:
        """Minimise the fixed costs less `worth` (points per shift, rounded) of the shifts chosen."""
        dense, offset = self._fixed_cost
        coeffs = dense.copy()
        coeffs[self._works_vars] -= np.round(worth).astype(np.int64)
        used = np.flatnonzero(coeffs)
        self.model.clear_objective()  # type: ignore[no-untyped-call]
        objective = self.model.proto.objective
        objective.vars.extend(used.tolist())
        objective.coeffs.extend(coeffs[used].tolist())
        objective.offset = offset
        objective.scaling_factor = 1.0

    def _set_fair(self, others: Mapping[str, tuple[int, int]] | None) -> None:
        """Fix the others' most and fewest of each share (none known: no gap to weigh)."""
        days = len(self.p.week.days)
        for name, (_, most, fewest, _) in self._fair.items():
            high, low = (others or {}).get(name, (0, days))
            for var, value in ((most, high), (fewest, low)):
                domain = self.model.proto.variables[var.index].domain  # [low, high] since made
                domain[0], domain[1] = value, value

    def break_slots(self) -> list[BreakSlot]:
        """Every place one of the agent's breaks may start (made on first use)."""
        if self._slots is None:
            self._slots = break_slots(self.p, self.agent, self.shifts)
        return self._slots

    def _fixed_breaks(self) -> dict[int, tuple[BreakSlot, ...]]:
        """The breaks of pinned shifts and of shifts already worked, which stay where they are."""
        p = self.p
        fixed = [s for s in p.pinned if s.agent_id == self.agent.id]
        if p.published is not None:
            fixed += [s for s in p.worked() if s.agent_id == self.agent.id]
        out: dict[int, tuple[BreakSlot, ...]] = {}
        for shift in fixed:
            c = matching_candidate(self.v, shift)
            if c is None or not shift.breaks:
                continue
            out[c.index] = tuple(slot for slot in self._slots_of(shift, c) if slot is not None)
        return out

    def _slots_of(self, shift: Shift, c: Candidate) -> list[BreakSlot | None]:
        """The break slot of each of the shift's breaks (None for a break no slot of candidate `c` has)."""
        step = self.p.week.grid.interval_minutes
        out: list[BreakSlot | None] = []
        for b in shift.breaks:
            start = c.start_index + intervals_between(c.start_utc, b.start_utc, step)
            out.append(
                next(
                    (
                        x
                        for x in self.break_slots()
                        if x.local_date == c.local_date and x.rule.kind == b.kind and x.start_index == start
                    ),
                    None,
                )
            )
        return out

    def _published_plans(self) -> dict[int, PublishedPlan | None]:
        """Re-rostering: the agent's published shifts not yet worked nor pinned, by candidate, each
        with its published breaks and stretches (None where today's rules no longer allow them:
        every way to work the shift then changes it)."""
        p = self.p
        if p.published is None or self._plan_change_cost == 0:
            return {}
        pinned = {(s.start_utc, s.end_utc) for s in p.pinned if s.agent_id == self.agent.id}
        out: dict[int, PublishedPlan | None] = {}
        for shift in p.published.shifts_of(self.agent.id):
            kept = p.is_locked(shift.start_utc, shift.agent_id) or (shift.start_utc, shift.end_utc) in pinned
            c = None if kept else matching_candidate(self.v, shift)
            if c is None:
                continue
            slots = [x for x in self._slots_of(shift, c) if x is not None]
            queues = self._queues_of(shift, c)
            usable = queues is not None and len(slots) == len(shift.breaks)
            out[c.index] = PublishedPlan(frozenset(slots), queues) if usable and queues is not None else None
        return out

    def plan_changes(self, week: AgentWeek) -> int:
        """The week's shifts that keep a published shift's hours but not its stretches or breaks."""
        if not self.published_plans:
            return 0
        changed = 0
        for c in week.shifts:
            if c.index in self.published_plans:
                plan = self.published_plans[c.index]
                changed += plan is None or not plan.kept_in(week, c)
        return changed

    def week_of(self, roster: Roster) -> AgentWeek | None:
        """The agent's week in `roster`, if every shift and break of it is one the rules allow
        (hours and rest are not checked here; the caller's seed is checked by the model)."""
        by_key = {(c.local_date, c.start_utc, c.length_minutes): c for c in self.shifts}
        slots = {(b.local_date, b.rule.kind, b.start_index): b for b in self.break_slots()}
        step = self.p.week.grid.interval_minutes
        shifts: list[Candidate] = []
        breaks: list[BreakSlot] = []
        for s in roster.shifts_of(self.agent.id):
            c = by_key.get((s.local_date, s.start_utc, round(s.hours * 60)))
            if c is None:
                return None
            shifts.append(c)
            mine = []
            for b in s.breaks:
                offset = intervals_between(c.start_utc, b.start_utc, step)
                slot = slots.get((c.local_date, b.kind, c.start_index + offset))
                if slot is None:
                    return None
                mine.append(slot)
            spaced = breaks_spaced(c.break_rules, c.length_minutes, step)
            if not all(
                apart(
                    a.start_index,
                    break_reach(a.rule, step, spaced),
                    b.start_index,
                    break_reach(b.rule, step, spaced),
                )
                for a, b in itertools.combinations(mine, 2)
            ):
                return None  # breaks closer than the rules now allow: the search finds the week again
            breaks += mine
        points = self.own_points(shifts)
        if points is None:
            return None
        queues = {
            c.index: self._queues_of(s, c)
            for s, c in zip(roster.shifts_of(self.agent.id), shifts, strict=True)
        }
        return AgentWeek(shifts, breaks, points, {k: q for k, q in queues.items() if q is not None})

    def _queues_of(self, shift: Shift, c: Candidate, check_blocks: bool = True) -> np.ndarray | None:
        """The team queue of each interval of the shift, from its stretches (None when it names a
        queue the agent may not work, or, with `check_blocks`, breaks the queue-block rules: the search
        then chooses)."""
        names = [q.name for q in self.p.team.queues]
        step = timedelta(minutes=self.p.week.grid.interval_minutes)
        out = np.full(c.n_intervals, -1, dtype=np.int64)
        for span in shift.queue_spans():
            if span.queue not in names or names.index(span.queue) not in self.skills:
                return None
            first = round((span.start_utc - c.start_utc) / step)
            last = -(-(span.end_utc - c.start_utc) // step)
            out[max(first, 0) : last] = names.index(span.queue)
        if (out < 0).any():
            return None
        on_break = np.zeros(c.n_intervals, dtype=bool)
        for b in shift.breaks:
            first = round((b.start_utc - c.start_utc) / step)
            on_break[max(first, 0) : -(-(b.end_utc - c.start_utc) // step)] = True
        if check_blocks and sequence_problems(out.tolist(), on_break, self._stretch, self._changes):
            return None
        return out

    def _count_own(self, shifts: list[Candidate]) -> cp_model.CpSolver | None:
        """A solver holding the agent's own soft rules at their least for exactly these shifts (the
        shift variables fixed on a copy of the model kept for counting), or None if the shifts
        break a hard rule (hours, rest, ...)."""
        if self._counting is None:
            self._counting = self.model.clone()
            self._counting.clear_hints()  # type: ignore[no-untyped-call]
            self._counting.minimize(self.own_cost)
        chosen = {c.index for c in shifts}
        for c in self.shifts:
            domain = self._counting.proto.variables[self.v.works[c.index].index].domain
            domain[0] = domain[1] = int(c.index in chosen)
        solver = new_solver(5.0)
        return solver if solver.solve(self._counting) in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None

    def own_points(self, shifts: list[Candidate]) -> int | None:
        """The agent's own points for these shifts (a reward is positive), or None if they break a
        hard rule (hours, rest, ...)."""
        solver = self._count_own(shifts)
        return None if solver is None else -round(solver.value(self.own_cost))

    def own_penalties(self, shifts: list[Candidate]) -> dict[str, float]:
        """What each of the agent's own soft rules costs for these shifts (points)."""
        solver = self._count_own(shifts)
        if solver is None:
            return {}
        return {pen.name: float(pen.weight * solver.value(pen.expr)) for pen in self.penalties}

    def _breaks_of(self, placed: PlacedBreaks, position: int) -> tuple[BreakSlot, ...]:
        """The breaks of the shift at `position`: where they were fixed, else where `placed` put them."""
        c = self.shifts[position]
        fixed = self.fixed_breaks.get(c.index)
        return fixed if fixed is not None else placed.slots(self.agent.id, c, position)

    def _chosen_breaks(
        self, placed: PlacedBreaks, position: int, as_published: np.ndarray
    ) -> list[BreakSlot]:
        """The breaks of the shift at `position`: its published ones where it keeps them, else `_breaks_of`."""
        plan = self.published_plans.get(self.shifts[position].index) if as_published[position] else None
        if plan is not None:
            return sorted(plan.breaks, key=lambda b: (b.start_index, b.rule_index))
        return list(self._breaks_of(placed, position))

    def breaks_for(self, shifts: Sequence[Candidate], value: np.ndarray) -> list[BreakSlot]:
        """The breaks of these shifts of the agent's, each where it takes least of `value` (per
        interval) away, or where it was fixed."""
        placed = place_breaks(self._patterns, len(self.shifts), np.concatenate([[0.0], np.cumsum(value)]))
        return [b for c in shifts for b in self._breaks_of(placed, self._position[c.index])]

    def _shift_values(
        self,
        value: np.ndarray,
        placed: PlacedBreaks,
        positions: np.ndarray | None = None,
        backlogs: BacklogSavings | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each shift's worth (its queue stretches at their best, its breaks earning nothing) and the
        queue (a team queue index) of each of its intervals, for the shifts at `positions` (all).

        With `backlogs`, the shift's time for each async queue (on it, and what it gives by blending)
        is worth what it saves through the queue's backlog, not the sum of `value` over its
        intervals (`_backlog_parts`). A multi-queue shift's stretches are chosen twice: against
        `value`, and against `value` with each backlog's part scaled to what those stretches save
        (`_scaled_to_backlogs`); the shift keeps whichever saves more."""
        n = value.shape[0]
        rows = np.arange(len(self.shifts)) if positions is None else positions
        longest = int(self._lengths[rows].max()) if rows.size else 0
        steps = np.arange(longest)
        at = self._starts[rows, None] + steps[None, :]
        inside = (steps[None, :] < self._lengths[rows, None]) & (at >= 0) & (at < n)
        at = np.clip(at, 0, n - 1)
        values = np.where(inside[:, :, None], value[:, self.skills][at], 0.0)
        on_break = self._on_break(placed, rows, longest)
        working = inside & ~on_break
        if self.skills.size == 1:
            worth = np.where(working, values[:, :, 0], 0.0).sum(axis=1)
            if backlogs is not None:
                worth = worth + _correction(
                    self._backlog_parts(np.zeros(at.shape, int), working, at, backlogs)
                )
            return worth, np.where(steps[None, :] < self._lengths[rows, None], self.skills[0], -1)
        found = best_stretches(
            values, on_break, self._lengths[rows], self._stretch, self._changes, self._change_cost
        )
        worth, queue = found.value, found.queue
        if backlogs is not None:
            parts = self._backlog_parts(queue, working, at, backlogs)
            worth = worth + _correction(parts)
            scaled = _scaled_to_backlogs(values, self.skills, parts, backlogs, at)
            if scaled is not None:
                again = best_stretches(
                    scaled, on_break, self._lengths[rows], self._stretch, self._changes, self._change_cost
                )
                unscaled = (
                    again.value
                    - _chosen(scaled, again.queue, working)
                    + _chosen(values, again.queue, working)
                )
                worth_again = unscaled + _correction(self._backlog_parts(again.queue, working, at, backlogs))
                better = worth_again > worth
                worth = np.where(better, worth_again, worth)
                queue = np.where(better[:, None], again.queue, queue)
        return worth, self._keep_fixed_queues(
            rows, np.where(queue >= 0, self.skills[np.clip(queue, 0, None)], -1)
        )

    def _keep_fixed_queues(self, rows: np.ndarray, queues: np.ndarray) -> np.ndarray:
        """`queues` (team queue per step of the shifts at `rows`) with the shifts already worked on their
        published stretches (their worth stays as found: such a shift is in every week of the agent's)."""
        if not self.fixed_queues:  # not re-rostering past a lock: the search's hot path
            return queues
        for r, k in enumerate(rows.tolist()):
            fixed = self.fixed_queues.get(self.shifts[k].index)
            if fixed is not None:
                queues[r, : fixed.size] = fixed
        return queues

    def _prefer_published(
        self,
        value: np.ndarray,
        rows: np.ndarray,
        priced: tuple[np.ndarray, np.ndarray],
        backlogs: BacklogSavings | None,
        plans: Mapping[int, PublishedPlan | None],
    ) -> np.ndarray:
        """Re-rostering: each shift at `rows` that keeps a published shift's hours keeps its published
        breaks and stretches unless others are worth more than `queue_or_break_change_per_shift`
        more. `priced` (each row's worth and queues, as `_shift_values` found them) is updated in
        place: the worth of a shift worked otherwise is less that cost. True per row kept as published."""
        kept = np.zeros(rows.size, dtype=bool)
        if not plans:  # not re-rostering: the search's hot path
            return kept
        mine = [r for r, k in enumerate(rows.tolist()) if self.shifts[k].index in plans]
        if not mine:
            return kept
        worth, queues = priced
        worth[mine] -= self._plan_change_cost
        usable = [(r, plan) for r in mine if (plan := plans[self.shifts[rows[r]].index]) is not None]
        if not usable:
            return kept
        shifts = [self.shifts[rows[r]] for r, _ in usable]
        as_published = self._published_worth(value, [plan for _, plan in usable], shifts, backlogs)
        for (r, plan), published in zip(usable, as_published.tolist(), strict=True):
            if published >= worth[r]:
                worth[r], kept[r] = published, True
                queues[r, :] = -1
                queues[r, : plan.queues.size] = plan.queues
        return kept

    def _published_worth(
        self,
        value: np.ndarray,
        plans: Sequence[PublishedPlan],
        shifts: Sequence[Candidate],
        backlogs: BacklogSavings | None,
    ) -> np.ndarray:
        """What each of `shifts` is worth on its published breaks and stretches (`plans`), priced as `_shift_values` prices a shift: its stretches less their changes of queue, async
        time through the backlog."""
        n = value.shape[0]
        longest = max(c.n_intervals for c in shifts)
        steps = np.arange(longest)
        lengths = np.array([c.n_intervals for c in shifts])
        at = np.array([c.start_index for c in shifts])[:, None] + steps[None, :]
        inside = (steps[None, :] < lengths[:, None]) & (at >= 0) & (at < n)
        at = np.clip(at, 0, n - 1)
        column = np.full(at.shape, -1, dtype=np.int64)  # of the agent's queues
        on_break = np.zeros(at.shape, dtype=bool)
        for i, (plan, c) in enumerate(zip(plans, shifts, strict=True)):
            column[i, : c.n_intervals] = np.searchsorted(self.skills, plan.queues)
            for slot in plan.breaks:
                first = slot.start_index - c.start_index
                on_break[i, max(first, 0) : first + slot.n_intervals] = True
        working = inside & ~on_break
        changes = np.array([np.count_nonzero(np.diff(plan.queues)) for plan in plans])
        worth = _chosen(value[:, self.skills][at], column, working) - self._change_cost * changes
        if backlogs is not None:
            worth = worth + _correction(self._backlog_parts(column, working, at, backlogs))
        return np.asarray(worth, dtype=np.float64)

    def _backlog_parts(
        self, queue: np.ndarray, working: np.ndarray, at: np.ndarray, backlogs: BacklogSavings
    ) -> list[BacklogPart]:
        """For each backlog queue that shifts with stretches `queue` (column of the agent's queues per
        step; `working`: not on a break; `at`: the week's interval of each step) give time, on it or
        by blending, what that time is worth interval by interval and through the backlog."""
        out = []
        for r in backlogs.queues():
            given = np.zeros(queue.shape)  # the share of a present agent's time going to queue r
            for j, q in enumerate(self.skills.tolist()):
                on_j = working & (queue == j)
                given[on_j] = 1.0 if q == r else backlogs.blend[at, q, r][on_j]
            if not given.any():
                continue
            unit = backlogs.unit(r)[at]
            out.append(
                BacklogPart(
                    r,
                    unit,
                    (given * unit).sum(axis=1),
                    backlogs.saving(r, _present(at, given, backlogs.demand.n_intervals)),
                )
            )
        return out

    def _on_break(self, placed: PlacedBreaks, rows: np.ndarray, longest: int) -> np.ndarray:
        """(rows, longest): the intervals of each shift at `rows` its breaks take, where `placed`
        put them (or where they were fixed)."""
        row_of = np.full(len(self.shifts), -1, dtype=np.int64)
        row_of[rows] = np.arange(rows.size)
        out = np.zeros((rows.size, longest + 1), dtype=bool)
        steps = np.arange(longest + 1)
        for pattern, starts in zip(placed.patterns, placed.starts, strict=True):
            mine = row_of[pattern.shifts]
            keep = mine >= 0
            for k, (_, _, length, _) in enumerate(pattern.breaks):
                first = starts[keep, k] - pattern.starts[keep]
                covered = (steps[None, :] >= first[:, None]) & (steps[None, :] < first[:, None] + length)
                out[mine[keep]] |= covered
        for index, slots in self.fixed_breaks.items():
            row = row_of[self._position[index]]
            if row < 0:
                continue
            out[row] = False
            c = self.shifts[self._position[index]]
            for slot in slots:
                first = slot.start_index - c.start_index
                out[row, max(first, 0) : first + slot.n_intervals] = True
        return out[:, :longest]

    def _placed(self, value: np.ndarray) -> PlacedBreaks:
        """Breaks where they take least of the agent's best value per interval away."""
        best = value[:, self.skills].max(axis=1)
        return place_breaks(self._patterns, len(self.shifts), np.concatenate([[0.0], np.cumsum(best)]))

    def requeue(
        self,
        week: AgentWeek,
        value: np.ndarray,
        keep: bool = False,
        backlogs: BacklogSavings | None = None,
    ) -> AgentWeek:
        """The same shifts and breaks, with the queue stretches worth most against `value` and
        `backlogs` (with `keep`, only for the shifts that have none yet)."""
        if keep and all(c.index in week.queues for c in week.shifts):
            return week
        if not week.shifts or self.skills.size == 1:
            return self._single_queue(week)
        positions = np.array([self._position[c.index] for c in week.shifts], dtype=np.int64)
        placed = self._placed(value)
        fixed = {c.index: tuple(b for b in week.breaks if b.local_date == c.local_date) for c in week.shifts}
        saved = self.fixed_breaks
        self.fixed_breaks = {**saved, **fixed}
        try:
            priced = self._shift_values(value, placed, positions, backlogs)
        finally:
            self.fixed_breaks = saved
        plans = {  # published shifts this week can still work as published: on their own breaks
            index: plan
            for index, plan in self.published_plans.items()
            if index in fixed and (plan is None or plan.breaks == frozenset(fixed[index]))
        }
        self._prefer_published(value, positions, priced, backlogs, plans)
        queues = priced[1]
        found = {c.index: queues[i, : c.n_intervals] for i, c in enumerate(week.shifts)}
        return dataclasses.replace(week, queues={**found, **week.queues} if keep else found)

    def _single_queue(self, week: AgentWeek) -> AgentWeek:
        return dataclasses.replace(
            week, queues={c.index: np.full(c.n_intervals, self.skills[0]) for c in week.shifts}
        )

    def best(
        self,
        value: np.ndarray,
        time_limit_s: float,
        hint: AgentWeek | None = None,
        gap: float = AGENT_WEEK_GAP,
        bonus: np.ndarray | None = None,
        fair: Mapping[str, tuple[int, int]] | None = None,
        deadline: float | None = None,
        backlogs: BacklogSavings | None = None,
    ) -> AgentWeek | None:
        """The week worth most: `value[t, q]` per interval on queue q (queue stretches at their best
        in each shift), plus `bonus` per shift (e.g. cover by shift type), less the agent's own soft
        rules and, given the most and fewest the others have of each fair share (`fair`), the gap
        the agent's week leaves; None if none found. With `backlogs`, time for an async queue is
        worth what it saves through the queue's backlog (`_shift_values`). When the first try finds
        none, a second, longer one runs, but not past `deadline` (a `time.monotonic()` instant).
        `hint` (e.g. the agent's current week) is where the solver starts looking; the week is
        within `gap` (relative) of the best.
        """
        placed = self._placed(value)
        worth, queues = self._shift_values(value, placed, backlogs=backlogs)
        as_published = self._prefer_published(
            value, np.arange(len(self.shifts)), (worth, queues), backlogs, self.published_plans
        )
        if bonus is not None:
            worth = worth + bonus
        self.model.clear_hints()  # type: ignore[no-untyped-call]
        if hint is not None:  # written to the proto at once (an add_hint per shift took a tenth of a solve)
            hinted = {c.index for c in hint.shifts}
            solution = self.model.proto.solution_hint
            solution.vars.extend(self._works_vars.tolist())
            solution.values.extend([int(c.index in hinted) for c in self.shifts])
        self._set_fair(fair)
        self._set_objective(worth)
        second = max(1.0, 4 * time_limit_s)
        if deadline is not None:
            second = min(second, deadline - time.monotonic() - time_limit_s)
        for limit in (time_limit_s, second):  # a second, longer try before giving up
            if limit <= 0:
                break
            # presolve off: twice as fast on a team of one, the same weeks; the small-model settings:
            # about a third less time again
            solver = new_solver(
                60.0 if self.deterministic else max(0.05, limit),
                seed=self.seed,
                work_units=max(0.05, limit) if self.deterministic else None,
                relative_gap=gap,
                presolve=False,
                small_model=True,
            )
            status = solver.solve(self.model)
            self.last_status = status
            if status == cp_model.INFEASIBLE:
                return None
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                solution = np.array(solver.response_proto.solution, dtype=np.int64)
                positions = np.flatnonzero(solution[self._works_vars]).tolist()
                chosen = [self.shifts[k] for k in positions]
                # a search stopped early (or within its gap) may leave the soft rules' counts high
                exact = self.own_points(chosen) if status == cp_model.FEASIBLE or gap > 0 else None
                own = -round(solver.value(self.own_cost)) if exact is None else exact
                breaks = [b for k in positions for b in self._chosen_breaks(placed, k, as_published)]
                return AgentWeek(
                    chosen,
                    breaks,
                    own,
                    {self.shifts[k].index: queues[k, : self.shifts[k].n_intervals] for k in positions},
                )
        return None


class NoWeek(Exception):
    """No week was found for an agent: their rules allow none (`infeasible`), or none in the time."""

    def __init__(self, agent_id: str, agents_done: int, infeasible: bool) -> None:
        super().__init__(agent_id)
        self.agent_id, self.agents_done, self.infeasible = agent_id, agents_done, infeasible


@dataclasses.dataclass
class AgentWeeks:
    """Every agent's week of a roster built agent by agent, and the per-agent models that built it."""

    weeks: dict[str, AgentWeek]
    models: dict[str, AgentWeekModel]


@dataclasses.dataclass(frozen=True)
class _Shares:
    """Which candidate shifts count towards each fair share, per agent (weekend days, late and
    night shifts), and who takes part (agents who could work any of them at all)."""

    counts: dict[str, dict[str, set[int]]]  # kind -> agent id -> candidate indexes that count
    weights: dict[str, int]


def fair_kinds(p: Problem) -> dict[str, tuple[int, Callable[[Candidate], bool]]]:
    """The shares kept fair across the team (as `objective.add_fair_shares` defines them): each
    one's weight per shift of difference, and which shifts count towards it."""
    w = p.weights
    return {
        "weekend days": (w.weekend_spread_per_day, lambda c: c.local_date.weekday() >= 5),
        "late shifts": (w.late_spread_per_shift, lambda c: is_late(p, c.agent_id, c.local_date, c.end_utc)),
        "night shifts": (w.night_spread_per_shift, lambda c: is_night(p, c.agent_id, c.start_utc, c.end_utc)),
    }


def _fair_shares(p: Problem, models: Mapping[str, AgentWeekModel]) -> _Shares:
    kinds = fair_kinds(p)
    counts: dict[str, dict[str, set[int]]] = {}
    for name, (weight, counts_in) in kinds.items():
        if weight == 0:
            continue
        per_agent = {a: {c.index for c in m.shifts if counts_in(c)} for a, m in models.items()}
        counts[name] = {a: found for a, found in per_agent.items() if found}
    return _Shares(counts, {name: kinds[name][0] for name in counts})


class TeamWeeks:
    """A roster held as every agent's week, with the agents on each queue per interval kept up to date.

    `points` are the roster objective: the coverage points (`coverage.outcome`), every agent's own
    soft rules, the fair shares and the cover by shift type.
    """

    def __init__(
        self, p: Problem, models: Mapping[str, AgentWeekModel], demand: Demand | None = None
    ) -> None:
        self.p = p
        self.demand = demand or planning_demand(p)
        self.n = self.demand.n_intervals  # the week's and its lead-out's
        self.agents = [a for a in _order(p) if skill_group(p, a)]
        # the agents a move may change: a repair keeps the others' weeks as published
        self.movable = [a for a in self.agents if a.id not in p.kept_agents]
        groups = list(self.demand.groups)
        self._group = {a.id: groups.index(skill_group(p, a)) for a in self.agents}
        self.on = carried_on(p, self.demand)  # last week's shifts that run on into this one
        self._outcome: Outcome | None = None
        self._blends: dict[int, np.ndarray] = {}  # `blend_shares` by skill group, for the weeks as they are
        self.models = dict(models)
        self.weeks: dict[str, AgentWeek] = {}
        self.gap = AGENT_WEEK_GAP  # how close to their best each agent's new week must be
        self.week_s = 0.0  # seconds an agent's first week took to find, on average
        self._shares: _Shares | None = None

    def put(self, agent: Agent, week: AgentWeek) -> None:
        """Give the agent this week (they have none)."""
        self.weeks[agent.id] = week
        self.on[:, self._group[agent.id], :] += week.on_queue(self.n, self.on.shape[2])
        self._outcome = None
        self._blends.clear()

    def take(self, agent: Agent) -> AgentWeek:
        """Take the agent's week out of the roster, and return it."""
        week = self.weeks.pop(agent.id)
        self.on[:, self._group[agent.id], :] -= week.on_queue(self.n, self.on.shape[2])
        self._outcome = None
        self._blends.clear()
        return week

    def outcome(self) -> Outcome:
        """What the agents on each queue give, as the objective counts it."""
        if self._outcome is None:
            self._outcome = outcome(self.demand, self.on)
        return self._outcome

    def gain(self, agent: Agent) -> np.ndarray:
        """Points saved per interval (rows) by this agent on each queue (columns; -inf where they may
        not work it), against everyone else's weeks."""
        return gains(self.demand, self.on, self.outcome(), self._group[agent.id], self._blend(agent))

    def backlogs(self, agent: Agent) -> BacklogSavings:
        """What the agent's time on each async queue saves through its backlog, against the weeks in
        the roster."""
        return BacklogSavings(self.demand, self.outcome(), self._blend(agent))

    def _blend(self, agent: Agent) -> np.ndarray:
        """`blend_shares` for the agent's skill group, against the weeks in the roster."""
        g = self._group[agent.id]
        found = self._blends.get(g)
        if found is None:
            found = self._blends[g] = blend_shares(self.demand, self.on, g)
        return found

    def cover_bonus(self, agent: Agent) -> np.ndarray | None:
        """Points each candidate shift of the agent saves in the cover by shift type, against
        everyone else's weeks (None when there is no such cover)."""
        if not self.p.shift_cover:
            return None
        working = self._type_counts(exclude=agent.id)
        model = self.models[agent.id]
        out = np.zeros(len(model.shifts))
        for c_row in self.p.shift_cover:
            on = working.get((c_row.day, c_row.shift_type), 0)
            saves = c_row.under_weight if on < c_row.required else -c_row.over_weight
            for k, c in enumerate(model.shifts):
                if c.local_date == c_row.day and c.shift_type == c_row.shift_type:
                    out[k] += saves
        return out

    def fair_context(self, agent: Agent) -> dict[str, tuple[int, int]]:
        """For each fair share, the most and the fewest the other agents taking part have."""
        if self._shares is None:
            self._shares = _fair_shares(self.p, self.models)
        out = {}
        for name, per_agent in self._shares.counts.items():
            counts = [
                self.weeks[a].share_count(name, found)
                for a, found in per_agent.items()
                if a != agent.id and a in self.weeks
            ]
            if counts:
                out[name] = (max(counts), min(counts))
        return out

    def _type_counts(self, exclude: str | None = None) -> dict[tuple[date, str], int]:
        out: dict[tuple[date, str], int] = {}
        for agent_id, week in self.weeks.items():
            if agent_id == exclude:
                continue
            for c in week.shifts:
                if c.shift_type:
                    out[(c.local_date, c.shift_type)] = out.get((c.local_date, c.shift_type), 0) + 1
        return out

    def team_points(self) -> dict[str, float]:
        """The soft rules the agents' own models do not count: changes of queue, published shifts
        with other stretches or breaks, the fair shares (most minus fewest) and the cover by shift
        type."""
        changes = sum(week.queue_changes for week in self.weeks.values())
        out: dict[str, float] = {"changes of queue": float(self.p.weights.queue_change * changes)}
        if self.p.published is not None and self.p.weights.queue_or_break_change_per_shift:
            changed = sum(self.models[a].plan_changes(week) for a, week in self.weeks.items())
            out[PLAN_CHANGES] = float(self.p.weights.queue_or_break_change_per_shift * changed)
        if self._shares is None:
            self._shares = _fair_shares(self.p, self.models)
        for name, per_agent in self._shares.counts.items():
            if len(per_agent) < 2:
                continue
            counts = [
                self.weeks[a].share_count(name, found) if a in self.weeks else 0
                for a, found in per_agent.items()
            ]
            out[f"{name}: most minus fewest"] = self._shares.weights[name] * float(max(counts) - min(counts))
        if self.p.shift_cover:
            working = self._type_counts()
            under = sum(
                r.under_weight * max(r.required - working.get((r.day, r.shift_type), 0), 0)
                for r in self.p.shift_cover
            )
            over = sum(
                r.over_weight * max(working.get((r.day, r.shift_type), 0) - r.required, 0)
                for r in self.p.shift_cover
            )
            out["agents missing from shift-type cover (points)"] = float(under)
            out["agents over shift-type cover (points)"] = float(over)
        return out

    def points(self) -> float:
        """The roster objective: coverage, the agents' own soft rules (a reward lowers it) and the
        soft rules that couple agents."""
        own = sum(w.own_points for w in self.weeks.values())
        return self.outcome().points - own + sum(self.team_points().values())

    def penalties(self) -> dict[str, float]:
        """What each soft rule costs in the roster (points; a reward is negative)."""
        out: dict[str, float] = {}
        for name, value in coverage_penalties(self.outcome(), self.demand).items():
            out[name] = out.get(name, 0.0) + value
        for agent_id, week in self.weeks.items():
            for name, value in self.models[agent_id].own_penalties(week.shifts).items():
                out[name] = out.get(name, 0.0) + value
        for name, value in self.team_points().items():
            out[name] = out.get(name, 0.0) + value
        return out

    def snapshot(self) -> dict[str, AgentWeek]:
        """Every agent's week, to restore later."""
        return dict(self.weeks)

    def restore(self, weeks: Mapping[str, AgentWeek]) -> None:
        """Back to these weeks (every agent's; an agent who has that very week keeps it)."""
        for agent in self.agents:
            if self.weeks.get(agent.id) is weeks[agent.id]:
                continue
            if agent.id in self.weeks:
                self.take(agent)
            self.put(agent, weeks[agent.id])

    def improve(self, agent: Agent, time_limit_s: float) -> bool:
        """Give the agent their best week against everyone else's if that lowers the points; True if it did."""
        before = self.points()
        old = self.take(agent)
        week = self.models[agent.id].best(
            self.gain(agent),
            time_limit_s,
            old,
            self.gap,
            self.cover_bonus(agent),
            backlogs=self.backlogs(agent),
        )
        self.put(agent, week or old)
        if week is None or self.points() < before:
            return week is not None
        self.take(agent)
        self.put(agent, old)
        return False

    def requeue(self, agent: Agent) -> bool:
        """The agent's queue stretches at their best against everyone else's, shifts kept; True if
        that lowered the points."""
        before = self.points()
        old = self.take(agent)
        self.put(agent, self.models[agent.id].requeue(old, self.gain(agent), backlogs=self.backlogs(agent)))
        if self.points() < before:
            return True
        self.take(agent)
        self.put(agent, old)
        return False

    def descend(self, deadline: float, deterministic: bool = False, max_sweeps: int = MAX_SWEEPS) -> None:
        """Each agent a repair may change (`movable`) in turn takes their best week against everyone
        else's, until no one's improves (at most `max_sweeps` rounds) or, unless `deterministic`, the
        deadline."""
        improved, sweeps = True, 0
        while improved and sweeps < max_sweeps:
            improved, sweeps = False, sweeps + 1
            for agent in self.movable:
                if not deterministic and time.monotonic() > deadline:
                    return
                improved = self.improve(agent, DESCENT_WEEK_LIMIT_S) or improved

    def found(self) -> AgentWeeks:
        """The weeks and the per-agent models."""
        return AgentWeeks(dict(self.weeks), dict(self.models))


def team_weeks(
    p: Problem,
    time_limit_s: float,
    seed: int = 0,
    start: Roster | None = None,
    deterministic: bool = False,
    start_weeks: Mapping[str, AgentWeek] | None = None,
    models: Mapping[str, AgentWeekModel] | None = None,
    deadline: float | None = None,
    max_sweeps: int = MAX_SWEEPS,
    give_up: float | None = None,
    descent_deadline: float | None = None,
) -> TeamWeeks:
    """A roster keeping every hard rule, built agent by agent, then improved agent by agent.

    First each agent's week is taken from `start_weeks` or `start` (a warm start) when it fits
    the rules, else chosen, under their own hard rules, to be worth most against what the agents
    before them left uncovered. Then, while time remains, each agent in turn is taken out and
    given the best week against everyone else's (block coordinate descent); a change is kept
    only when the roster's points improve.

    With `deterministic`, limits count solver work units, not seconds, and the descent runs to
    the end (at most `MAX_SWEEPS` rounds), so the same input always gives the same roster.
    Otherwise the descent stops at `descent_deadline` (default: `deadline`), and the first weeks
    share the time until `deadline` and are looked for until `give_up` (default: the deadline; all
    three `time.monotonic()` instants).

    Raises:
        NoWeek: an agent's rules leave no week, or none was found within the time.
    """
    started = time.monotonic()
    end = deadline if deadline is not None else started + time_limit_s
    last = max(end, give_up or end)
    team = TeamWeeks(p, models or {})
    for k, agent in enumerate(team.agents):
        if not deterministic and time.monotonic() >= last:
            raise NoWeek(agent.id, k, infeasible=False)  # out of time before every agent had a week
        if agent.id not in team.models:
            team.models[agent.id] = AgentWeekModel(p, agent, seed, deterministic)
        model = team.models[agent.id]
        if deterministic:
            share = time_limit_s / 2 / (len(team.agents) - k)
        else:  # what is left of the first half (once it is gone: of the search, then of all)
            now = time.monotonic()
            until = next((t for t in (min(end, started + time_limit_s / 2), end, last) if t > now), last)
            share = (until - now) / (len(team.agents) - k)
        week = model.week_of(start) if start is not None else None
        week = week or (start_weeks or {}).get(agent.id)
        if week is not None:
            week = model.requeue(week, team.gain(agent), keep=True, backlogs=team.backlogs(agent))
        week = week or model.best(
            team.gain(agent),
            share,
            bonus=team.cover_bonus(agent),
            deadline=None if deterministic else last,
            backlogs=team.backlogs(agent),
        )
        if week is None:
            raise NoWeek(agent.id, k, model.last_status == cp_model.INFEASIBLE)
        team.put(agent, week)
    team.week_s = (time.monotonic() - started) / max(1, len(team.agents))
    team.descend(end if descent_deadline is None else min(end, descent_deadline), deterministic, max_sweeps)
    return team


def shift_of(p: Problem, c: Candidate, week: AgentWeek) -> Shift:
    """One chosen shift: its breaks as activities and its queue stretches (a stretch runs until the
    next one starts, so a break inside it is part of it)."""
    grid = p.week.grid
    step = timedelta(minutes=grid.interval_minutes)
    mine = sorted((b for b in week.breaks if b.local_date == c.local_date), key=lambda b: b.start_index)
    activities = tuple(
        break_activity(b.rule, c.start_utc, (b.start_index - c.start_index) * grid.interval_minutes)
        for b in mine
    )
    names = [q.name for q in p.team.queues]
    sequence = week.queues[c.index]
    starts = [k for k in range(c.n_intervals) if k == 0 or sequence[k] != sequence[k - 1]]
    ends = [*(c.start_utc + k * step for k in starts[1:]), c.end_utc]
    spans = [
        QueueSpan(names[int(sequence[k])], c.start_utc + k * step, end)
        for k, end in zip(starts, ends, strict=True)
    ]
    seconds: dict[str, float] = {}
    for span in spans:
        seconds[span.queue] = seconds.get(span.queue, 0.0) + (span.end_utc - span.start_utc).total_seconds()
    main = max(sorted(seconds), key=lambda q: seconds[q])
    work = tuple(spans) if len(spans) > 1 else ()
    return Shift(c.agent_id, c.local_date, c.start_utc, c.end_utc, main, activities, work, c.shift_type)


def roster_of(p: Problem, weeks: Mapping[str, AgentWeek]) -> Roster:
    """The roster these weeks describe: each shift with its breaks and its queue stretches, and a
    shift already worked as it was worked (`Problem.worked`: one a sick call cut short keeps the
    breaks taken before it, which its candidate does not place)."""
    worked = {(s.agent_id, s.start_utc, s.end_utc): s for s in p.worked()}
    chosen = (shift_of(p, c, week) for week in weeks.values() for c in week.shifts)
    shifts = [worked.get((s.agent_id, s.start_utc, s.end_utc), s) for s in chosen]
    return Roster(
        p.team.name, p.week.first_day, tuple(sorted(shifts, key=lambda s: (s.agent_id, s.start_utc)))
    )
