"""A proven lower bound on the roster objective by column generation (Dantzig-Wolfe).

The compact model's LP relaxation (`bound.py`) lets fractions of shifts trace the demand
curve, so it is weak. Here a column is one agent's whole week, keeping all their hard rules
and priced with their own soft rules (preferences, changes, lone days off, start times); the
master LP takes a convex combination of weeks per agent and pays the coverage points of the
roster model (`model.add_coverage`: the same convex tables, Hall's condition over the skill
groups, idle agents). Pricing is one agent's week against the master's value of an agent of
their skill group at work in each interval (`construct.AgentWeekModel`, solved exactly).

The Lagrangian bound, master value plus every agent's least reduced cost, holds after every
round, so the loop may stop at any deadline. The fair-share terms (most minus fewest weekend
days and late shifts) couple agents; they are never negative, so the bound counts them as 0.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from ortools.sat.python import cp_model
from scipy.optimize import linprog

from scheduler.domain import Agent
from scheduler.lagrangian import PRICE_SCALE, REDUCED_COST_EPS, SMOOTHING, ceil_bound, mix_prices
from scheduler.roster.candidates import Candidate, break_offsets
from scheduler.roster.coverage_cost import queue_costs
from scheduler.roster.problem import Problem
from scheduler.roster.search.construct import AgentWeek, AgentWeekModel, AgentWeeks, ShiftKey, shift_key
from scheduler.roster.variables import BreakSlot, SkillGroup, queue_sets, skill_group

LP_TOLERANCE = 1e-6  # relative room for the LP solver's tolerances before rounding a bound up


def _rounded(bound: float) -> float:
    """The bound rounded up (the objective is integral), with room for the LP's tolerances."""
    return ceil_bound(bound, LP_TOLERANCE * max(1.0, abs(bound)) if math.isfinite(bound) else 0.0)


@dataclass(frozen=True)
class Pricing:
    """One agent's pricing: weeks found (best last), the best week's value and a lower bound on any week's."""

    weeks: list[AgentWeek]
    best: float
    lower: float


class _Collector(cp_model.CpSolverSolutionCallback):
    """Keeps the shifts of every week the pricing solver finds (each a candidate column)."""

    def __init__(
        self, works: Sequence[tuple[Candidate, cp_model.IntVar]], own_cost: cp_model.LinearExprT
    ) -> None:
        super().__init__()
        self._works = works
        self._own_cost = own_cost
        self.found: list[tuple[list[Candidate], int]] = []

    def on_solution_callback(self) -> None:
        shifts = [c for c, x in self._works if self.boolean_value(x)]
        self.found.append((shifts, int(self.value(self._own_cost))))


class WeekPricer:
    """One agent's best week against a value per interval at work: their hard rules and own soft rules
    (`construct.AgentWeekModel`), with breaks placed where the value is lowest."""

    def __init__(
        self, p: Problem, agent: Agent, seed: int = 0, week_model: AgentWeekModel | None = None
    ) -> None:
        self.week_model = week_model if week_model is not None else AgentWeekModel(p, agent, seed)
        self.p = p
        self._works = [(c, self.week_model.v.works[c.index]) for c in self.week_model.shifts]

    def _break_lower(self, c: Candidate, interval_value: np.ndarray) -> float:
        """The least value a shift's breaks can take away, each break rule on its own (a lower bound
        of any placement that keeps them apart; exact when their windows cannot meet)."""
        fixed = self.week_model.fixed_breaks.get(c.index)
        if fixed is not None:
            return sum(_span_sum(interval_value, b.start_index, b.n_intervals) for b in fixed)
        step = self.p.week.grid.interval_minutes
        total = 0.0
        for rule in c.break_rules:
            length = -(-rule.duration_minutes // step)
            options = break_offsets(rule, c.length_minutes, step)
            total += min(_span_sum(interval_value, c.start_index + k, length) for k in options)
        return total

    def week(self, shifts: list[Candidate], interval_value: np.ndarray, own_points: int) -> AgentWeek:
        """The week of these shifts, each with its breaks placed where they take least value away."""
        return AgentWeek(list(shifts), self.week_model.breaks_for(shifts, interval_value), own_points)

    def price(self, interval_value: np.ndarray, time_limit_s: float) -> Pricing:
        """The weeks of least `own cost - value at work`, and a lower bound on that over every week.

        Shift coefficients are rounded down to thousandths, so the solver's bound stays a bound.
        """
        coefficients = []
        for c in self.week_model.shifts:
            cost = -_span_sum(interval_value, c.start_index, c.n_intervals) + self._break_lower(
                c, interval_value
            )
            coefficients.append(math.floor(cost * PRICE_SCALE))
        model = self.week_model.model
        objective = cp_model.LinearExpr.weighted_sum(
            [x for _, x in self._works] + [self.week_model.own_cost], [*coefficients, PRICE_SCALE]
        )
        model.minimize(objective)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = self.week_model.seed
        solver.parameters.max_time_in_seconds = max(0.01, time_limit_s)
        found = _Collector(self._works, self.week_model.own_cost)
        status = solver.solve(model, found)
        if status == cp_model.INFEASIBLE:
            return Pricing([], math.inf, math.inf)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return Pricing([], math.inf, -math.inf)
        weeks = [self.week(shifts, interval_value, -own) for shifts, own in found.found]
        best = min((week_cost(w, interval_value) for w in weeks), default=math.inf)
        return Pricing(weeks, best, solver.best_objective_bound / PRICE_SCALE)


def _span_sum(values: np.ndarray, first: int, count: int) -> float:
    """Sum of `values` over intervals first..first+count-1 that lie in the week."""
    lo, hi = max(first, 0), min(first + count, values.size)
    return float(values[lo:hi].sum()) if hi > lo else 0.0


def week_cost(week: AgentWeek, interval_value: np.ndarray) -> float:
    """A week's own points less the value of its intervals at work."""
    return -week.own_points - float(interval_value @ week.at_work(interval_value.size))


@dataclass(frozen=True)
class MasterSolution:
    """The restricted master LP: its value, each agent's convexity price, the value of an agent of
    each skill group at work per interval, and the weight of each column."""

    objective: float
    convexity: dict[str, float]
    value: dict[SkillGroup, np.ndarray]
    weights: list[float]


class CoverageMaster:
    """The master LP: a convex combination of weeks per agent, the coverage points of the roster model.

    Variables: a weight per column; `working[g, t]`, agents of skill group g at work in interval
    t (0..group size); one `[0, 1]` segment per further agent counted on a queue in an interval,
    costing the step of the queue's convex points table (only steps that pay: a step that saves
    no more than an idle agent costs is never taken). An agent at work costs the idle weight and
    each counted agent earns it back, as in `model.add_coverage`. Hall's condition, for every
    set of queues, keeps the counted agents within the working agents skilled in one of them.

    Hall rows are kept only for sets of queues that all have a segment in the interval (the
    others are implied), and `working[g, t]` only where one of the group's queues has one;
    elsewhere an agent at work just costs the idle weight, which goes into the column's cost.
    """

    def __init__(self, p: Problem) -> None:
        self.p = p
        self.n = n = p.week.grid.n_intervals
        self.agents = list(p.team.agents)
        self.agent_row = {a.id: i for i, a in enumerate(self.agents)}
        self.group_of = {a.id: skill_group(p, a) for a in self.agents}
        self.groups = sorted({g for g in self.group_of.values() if g}, key=sorted)
        self.over = over = float(p.weights.over_per_agent_interval)
        costs = queue_costs(p)
        queues = list(costs)
        self.constant = 0.0
        segments: dict[tuple[str, int], list[float]] = {}
        for q, cost in costs.items():
            for t in range(n):
                table = cost.points[t, : int(cost.cap[t]) + 1].astype(float)
                self.constant += float(table[0])
                paying = [float(step) - over for step in np.diff(table) if step - over < 0]
                if paying:
                    segments[(q, t)] = paying
        # where working[g, t] exists: some queue of the group has a segment in interval t
        self.linked = {
            g: np.array([any((q, t) in segments for q in g) for t in range(n)]) for g in self.groups
        }
        self.link_index: dict[tuple[SkillGroup, int], int] = {}
        for g in self.groups:
            for linked_t in np.flatnonzero(self.linked[g]):
                self.link_index[(g, int(linked_t))] = len(self.link_index)
        n_link = len(self.link_index)
        seg_cost = [c for costs_ in segments.values() for c in costs_]
        self.n_static = n_link + len(seg_cost)
        size = {g: sum(1 for a in self.agents if self.group_of[a.id] == g) for g in self.groups}
        self.static_cost = np.concatenate([np.full(n_link, over), np.array(seg_cost)])
        self.static_bounds = [(0.0, float(size[g])) for (g, _) in self.link_index] + [(0.0, 1.0)] * len(
            seg_cost
        )
        self.n_eq = len(self.agents) + n_link
        self.eq_static = sp.csr_matrix(
            (np.ones(n_link), (len(self.agents) + np.arange(n_link), np.arange(n_link))),
            shape=(self.n_eq, self.n_static),
        )
        first_segment: dict[tuple[str, int], int] = {}
        position = n_link
        for key, costs_ in segments.items():
            first_segment[key] = position
            position += len(costs_)
        rows: list[int] = []
        cols: list[int] = []
        r = 0
        for queue_set in queue_sets(queues):
            meeting = [g for g in self.groups if g & set(queue_set)]
            for t in range(n):
                if not all((q, t) in segments for q in queue_set):
                    continue
                segs = [first_segment[(q, t)] + k for q in queue_set for k in range(len(segments[(q, t)]))]
                links = [self.link_index[(g, t)] for g in meeting]
                rows.extend([r] * (len(segs) + len(links)))
                cols.extend(segs + links)
                r += 1
        vals = [1.0 if c >= n_link else -1.0 for c in cols]
        self.ub_static = sp.csr_matrix((vals, (rows, cols)), shape=(r, self.n_static))

    def column_cost(self, agent_id: str, week: AgentWeek) -> float:
        """A week's cost in the master: its own points, and the idle weight where no queue of its group needs anyone."""
        group = self.group_of[agent_id]
        cost = float(-week.own_points)
        if group:
            cost += self.over * float(week.at_work(self.n)[~self.linked[group]].sum())
        return cost

    def column_block(self, agent_ids: Sequence[str], weeks: Sequence[AgentWeek]) -> sp.csc_matrix:
        """The equality-row entries of columns: 1 in the agent's convexity row, -1 per linked interval at work."""
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        base = len(self.agents)
        for j, (agent_id, week) in enumerate(zip(agent_ids, weeks, strict=True)):
            rows.append(self.agent_row[agent_id])
            cols.append(j)
            vals.append(1.0)
            group = self.group_of[agent_id]
            if not group:
                continue
            at = np.flatnonzero((week.at_work(self.n) != 0) & self.linked[group])
            rows.extend(base + self.link_index[(group, int(t))] for t in at)
            cols.extend([j] * at.size)
            vals.extend(-float(week.at_work(self.n)[t]) for t in at)
        return sp.csc_matrix((vals, (rows, cols)), shape=(self.n_eq, len(weeks)))

    def solve(self, agent_ids: Sequence[str], weeks: Sequence[AgentWeek]) -> MasterSolution | None:
        """The master LP over these columns (every agent needs at least one), or None if it fails."""
        k = len(weeks)
        a_eq = sp.csr_matrix(sp.hstack([self.column_block(agent_ids, weeks), self.eq_static]))
        a_ub = sp.csr_matrix(sp.hstack([sp.csr_matrix((self.ub_static.shape[0], k)), self.ub_static]))
        cost = np.concatenate(
            [
                np.array([self.column_cost(a, w) for a, w in zip(agent_ids, weeks, strict=True)]),
                self.static_cost,
            ]
        )
        b_eq = np.zeros(self.n_eq)
        b_eq[: len(self.agents)] = 1.0
        result = linprog(  # type: ignore[call-overload]  # the stubs omit sparse constraint matrices
            cost,
            A_ub=a_ub,
            b_ub=np.zeros(a_ub.shape[0]),
            A_eq=a_eq,
            b_eq=b_eq,
            bounds=[(0.0, None)] * k + self.static_bounds,
            method="highs-ipm",
        )
        if result.status != 0:
            return None
        duals = np.asarray(result.eqlin.marginals, dtype=float)
        base = len(self.agents)
        value: dict[SkillGroup, np.ndarray] = {}
        for g in self.groups:
            v = np.full(self.n, -self.over)
            for t in np.flatnonzero(self.linked[g]):
                v[t] = -duals[base + self.link_index[(g, int(t))]]
            value[g] = v
        return MasterSolution(
            float(result.fun) + self.constant,
            {a.id: float(duals[i]) for i, a in enumerate(self.agents)},
            value,
            [float(x) for x in result.x[:k]],
        )

    def value_of(self, agent_id: str, values: Mapping[SkillGroup, np.ndarray]) -> np.ndarray:
        """The value per interval of this agent at work (zero for an agent who counts on no queue)."""
        group = self.group_of[agent_id]
        return values[group] if group else np.zeros(self.n)


@dataclass
class ColumnPool:
    """Every distinct week found so far, agent by agent."""

    agent_ids: list[str] = field(default_factory=list)
    weeks: list[AgentWeek] = field(default_factory=list)
    _seen: set[tuple[str, frozenset[ShiftKey], frozenset[BreakSlot]]] = field(default_factory=set)

    def add(self, agent_id: str, week: AgentWeek) -> bool:
        """Add a week unless the pool holds it already; True if it was new."""
        shifts = frozenset(
            shift_key(c.agent_id, c.local_date, c.start_utc, c.length_minutes) for c in week.shifts
        )
        key = (agent_id, shifts, frozenset(week.breaks))
        if key in self._seen:
            return False
        self._seen.add(key)
        self.agent_ids.append(agent_id)
        self.weeks.append(week)
        return True


@dataclass(frozen=True)
class ColumnBound:
    """What column generation proved: the bound (rounded up), the last master value, and the work done."""

    lower_bound: float
    lp_objective: float
    rounds: int
    converged: bool
    pool: ColumnPool
    master: MasterSolution | None
    log: tuple[str, ...] = ()


def column_generation_bound(
    p: Problem,
    deadline: float,
    workers: int = 1,
    start: AgentWeeks | None = None,
    stop_at: float = math.inf,
    seed: int = 0,
) -> ColumnBound:
    """Column generation until no week has a negative reduced cost, the deadline, or a bound of `stop_at`.

    `start` gives agents a first week and their models (e.g. the agent-by-agent roster); other
    agents are priced at zero value first. After each round the Lagrangian bound
    `coverage part + sum of least week costs` holds for any prices; the coverage part at the
    master's own prices is the master value less its convexity prices (LP duality), and at a
    mix of prices at least the same mix of coverage parts (it is concave in the prices). Prices
    are smoothed towards those of the best bound so far (Wentges), which needs fewer rounds.
    Returns a bound of -inf when no round finished.
    """
    started = time.monotonic()
    master = CoverageMaster(p)
    models = dict(start.models) if start is not None else {}
    pricers = {a.id: WeekPricer(p, a, seed, models.get(a.id)) for a in master.agents}
    pool = ColumnPool()
    for agent_id, week in (start.weeks if start is not None else {}).items():
        pool.add(agent_id, week)
    log: list[str] = []
    with ThreadPoolExecutor(max_workers=max(1, workers)) as executor:

        def price_all(values: Mapping[SkillGroup, np.ndarray], limit_s: float) -> list[Pricing]:
            return list(
                executor.map(
                    lambda a: pricers[a.id].price(master.value_of(a.id, values), limit_s), master.agents
                )
            )

        have = set(pool.agent_ids)
        missing = [a for a in master.agents if a.id not in have]
        first = executor.map(lambda a: pricers[a.id].price(np.zeros(master.n), 5.0), missing)
        for agent, opening in zip(missing, first, strict=True):
            if not opening.weeks:
                return ColumnBound(-math.inf, math.inf, 0, False, pool, None, (f"{agent.id}: no week found",))
            pool.add(agent.id, opening.weeks[-1])
        lower, best_prices, best_coverage = -math.inf, None, -math.inf
        lp: MasterSolution | None = None
        rounds, converged, smoothing = 0, False, SMOOTHING
        while time.monotonic() < deadline:
            lp = master.solve(pool.agent_ids, pool.weeks)
            if lp is None:
                break
            if _rounded(lower) >= min(stop_at, _rounded(lp.objective)):
                converged = _rounded(lower) >= _rounded(lp.objective)
                break
            rounds += 1
            coverage = lp.objective - sum(lp.convexity.values())  # the coverage part at the master's prices
            prices: Mapping[SkillGroup, np.ndarray] = lp.value
            own_prices = best_prices is None or smoothing == 0
            if best_prices is not None and not own_prices:
                prices = mix_prices(best_prices, lp.value, smoothing)
                coverage = smoothing * best_coverage + (1 - smoothing) * coverage
            limit_s = max(0.05, min(2.0, deadline - time.monotonic()))
            priced = price_all(prices, limit_s)
            finished = all(math.isfinite(pr.lower) for pr in priced)  # else no bound at these prices
            bound = coverage + sum(pr.lower for pr in priced) if finished else -math.inf
            if bound > lower:
                lower, best_prices, best_coverage = bound, dict(prices), coverage
            added = 0
            for agent, pr in zip(master.agents, priced, strict=True):
                value = master.value_of(agent.id, lp.value)
                for week in pr.weeks:
                    if week_cost(week, value) - lp.convexity[agent.id] < -REDUCED_COST_EPS:
                        added += pool.add(agent.id, week)
            log.append(
                f"round {rounds}: LP {lp.objective:.1f}, bound {bound:.1f}, +{added} columns, "
                f"{time.monotonic() - started:.2f} s"
            )
            if added == 0:
                if own_prices and finished:
                    converged = True
                    break
                smoothing = 0.0  # no column at the smoothed prices: price at the master's own next
                continue
            smoothing = SMOOTHING
    return ColumnBound(
        _rounded(lower),
        lp.objective if lp else math.inf,
        rounds,
        converged,
        pool,
        lp,
        tuple(log),
    )


def heaviest_weeks(bound: ColumnBound) -> dict[str, AgentWeek] | None:
    """Each agent's week of most weight in the master LP's last solution (None without one):
    a whole roster that follows the relaxation, to restart the agent-by-agent descent from."""
    if bound.master is None:
        return None
    best: dict[str, tuple[float, AgentWeek]] = {}
    for agent_id, week, weight in zip(
        bound.pool.agent_ids, bound.pool.weeks, bound.master.weights, strict=False
    ):
        if agent_id not in best or weight > best[agent_id][0]:
            best[agent_id] = (weight, week)
    return {agent_id: week for agent_id, (_, week) in best.items()}
