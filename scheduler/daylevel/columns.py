"""Column generation for the Curtois benchmark: the pool, the pricers, dives and the restricted master.

The benchmark's rules and objective are the roster engine's (`scheduler/daylevel/engine.py` reads an
instance into the engine's problem, and `scheduler/roster/model.py` holds the rules); here the engine's
compact model is reformulated by employee schedules (Dantzig-Wolfe), for the bound and the search.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Protocol

from ortools.sat.python import cp_model

from common.errors import Infeasible
from scheduler.cpsat import new_solver
from scheduler.daylevel.engine import EngineModel, engine_model
from scheduler.daylevel.instance import Instance
from scheduler.daylevel.lagrangian import PRICE_SCALE, REDUCED_COST_EPS, SMOOTHING, ceil_bound, mix_prices
from scheduler.daylevel.master import MasterLP, PersistentMaster
from scheduler.daylevel.pricing import Column, DayOptions, ScheduleDP, fits
from scheduler.roster.rules import HARD_RULES

Roster = dict[tuple[str, int], str]  # (employee, day) -> shift type; a day not in it is off


# The compact model's LP bound is near zero on these instances: fractional shifts meet every cover.
# The Dantzig-Wolfe reformulation (choose one whole feasible schedule per employee) has the bound
# that branch-and-price uses, and its columns make a strong restricted integer program. Pricing an
# employee's schedule uses the engine's hard rules on a one-employee instance.

DIVE_FIX = 0.99  # a dive fixes at once every employee whose LP column is at least this whole
DIVE_STEP_SHARE = 0.5  # most of the dive's time left that one step's column generation may take


def _request_costs(instance: Instance) -> dict[str, tuple[int, dict[tuple[int, str], int]]]:
    """Per employee: the penalty of working nothing, and the change each (day, shift) makes to it."""
    out: dict[str, tuple[int, dict[tuple[int, str], int]]] = {s.id: (0, {}) for s in instance.staff}
    for r in instance.on_requests:
        base, delta = out[r.employee]
        delta[(r.day, r.shift)] = delta.get((r.day, r.shift), 0) - r.weight
        out[r.employee] = (base + r.weight, delta)
    for r in instance.off_requests:
        base, delta = out[r.employee]
        delta[(r.day, r.shift)] = delta.get((r.day, r.shift), 0) + r.weight
    return out


def make_column(instance: Instance, employee: str, assignment: Mapping[tuple[str, int], str]) -> Column:
    """The column of `employee` in a roster."""
    base, delta = _request_costs(instance)[employee]
    shifts = tuple(assignment.get((employee, d)) for d in range(instance.horizon_days))
    cost = base + sum(delta.get((d, s), 0) for d, s in enumerate(shifts) if s is not None)
    return Column(employee, shifts, cost)


class Pricer(Protocol):
    """Prices one employee's schedules: CP-SAT on their hard rules (below) or the exact recursion of
    `scheduler.daylevel.pricing`, which is 10-30x faster."""

    def price(
        self, dual: Mapping[tuple[int, str], float], time_limit_s: float, allowed: DayOptions | None = None
    ) -> tuple[list[Column], float, float]: ...


def make_pricer(instance: Instance, employee: str) -> Pricer:
    """The exact recursion where its table fits in memory, else CP-SAT on the employee's hard rules."""
    staff = next(s for s in instance.staff if s.id == employee)
    return ScheduleDP(instance, employee) if fits(instance, staff) else CpSatPricer(instance, employee)


class CpSatPricer:
    """One employee's hard rules as a CP-SAT model whose objective is reset to each round's prices."""

    def __init__(self, instance: Instance, employee: str) -> None:
        staff = next(s for s in instance.staff if s.id == employee)
        alone = replace(instance, staff=(staff,), cover=(), on_requests=(), off_requests=())
        self.instance = instance
        self.employee = employee
        self.engine = engine_model(alone, HARD_RULES)
        self.model = self.engine.model
        self.base, self.delta = _request_costs(instance)[employee]

    def price(
        self, dual: Mapping[tuple[int, str], float], time_limit_s: float, allowed: DayOptions | None = None
    ) -> tuple[list[Column], float, float]:
        """Columns of least reduced cost (before the convexity dual), their best value and a lower bound.

        The bound is the least value any schedule of this employee can have at these prices; it is
        valid even when the solver stops early, with an allowance for rounding the prices: a schedule
        works at most one shift a day, so it carries at most `horizon_days` rounded prices. With
        `allowed`, only schedules that keep to its options (a branch of the search tree).
        """
        coef: dict[tuple[str, int, str], int] = {}
        for who, day, shift in self.engine.x:
            c = self.delta.get((day, shift), 0) - dual.get((day, shift), 0.0)
            coef[(who, day, shift)] = round(c * PRICE_SCALE)
        self.model.clear_objective()  # type: ignore[no-untyped-call]
        self.model.minimize(sum(c * self.engine.x[k] for k, c in coef.items() if c))
        model = self.model
        if allowed and any(
            None not in options and (self.employee, day) not in self.engine.works
            for day, options in allowed.items()
        ):
            return [], math.inf, math.inf  # the branch works a day the employee cannot (a fixed day off)
        if allowed:
            model = self.model.clone()
            for (_, day, shift), x in self.engine.x.items():
                if day in allowed and shift not in allowed[day]:
                    model.add(x == 0)
            for (_, day), w in self.engine.works.items():
                if day in allowed and None not in allowed[day]:
                    model.add(w == 1)
        solver = new_solver(time_limit_s)
        solver.parameters.linearization_level = 2  # measured: 1.1-1.5x faster pricing than the default
        found = _Collector(self.engine, self.instance.horizon_days)
        status = solver.solve(model, found)
        if status == cp_model.INFEASIBLE:
            return [], math.inf, math.inf  # no schedule meets this employee's hard rules
        if status != cp_model.FEASIBLE and status != cp_model.OPTIMAL:
            return [], math.inf, -math.inf  # out of time before any schedule: no bound either
        allowance = 0.5 * self.instance.horizon_days / PRICE_SCALE
        columns = []
        for shifts in found.schedules:
            cost = self.base + sum(self.delta.get((d, s), 0) for d, s in enumerate(shifts) if s is not None)
            columns.append(Column(self.employee, shifts, cost))
        best = self.base + solver.objective_value / PRICE_SCALE
        bound = self.base + solver.best_objective_bound / PRICE_SCALE - allowance
        return columns, best, bound


class _Collector(cp_model.CpSolverSolutionCallback):
    """Keeps every schedule the pricing solver finds (each is a candidate column)."""

    def __init__(self, engine: EngineModel, horizon_days: int) -> None:
        super().__init__()
        self._by_day: list[list[tuple[str, cp_model.IntVar]]] = [[] for _ in range(horizon_days)]
        for (_, day, shift), x in engine.x.items():
            self._by_day[day].append((shift, x))
        self.schedules: list[tuple[str | None, ...]] = []

    def on_solution_callback(self) -> None:
        self.schedules.append(
            tuple(next((s for s, x in day if self.boolean_value(x)), None) for day in self._by_day)
        )


@dataclass
class ColumnPool:
    """Every distinct column found so far, and the cover rows they are priced against."""

    instance: Instance
    columns: list[Column] = field(default_factory=list)
    fixed: dict[str, Column] = field(default_factory=dict)
    # a branch of the search tree: each employee's options on the days it names (`Column.keeps`)
    allowed: dict[str, DayOptions] = field(default_factory=dict)
    _seen: set[tuple[str, tuple[str | None, ...]]] = field(default_factory=set)
    master: PersistentMaster = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.master = PersistentMaster(self.instance)

    def active(self) -> list[Column]:
        """The columns the master may use: an employee fixed by a dive keeps only their fixed column,
        and in a branch only the columns that keep to its options count."""
        free = [c for c in self.columns if c.employee not in self.fixed]
        if self.allowed:
            free = [c for c in free if c.keeps(self.allowed.get(c.employee, {}))]
        return free + list(self.fixed.values())

    def add(self, column: Column) -> bool:
        """Add a column unless it is already in the pool; True if it was new."""
        key = (column.employee, column.shifts)
        if key in self._seen:
            return False
        self._seen.add(key)
        self.columns.append(column)
        return True


def solve_master_lp(pool: ColumnPool) -> MasterLP:
    """Choose a convex combination of columns per employee to minimise requests and cover penalties."""
    return pool.master.solve(pool.columns, pool.fixed, pool.allowed)


@dataclass(frozen=True)
class ColumnGenerationResult:
    """The pool the rounds produced, the last master LP value and the best Lagrangian lower bound."""

    lp_objective: float
    lower_bound: float
    rounds: int
    converged: bool


def generate_columns(
    pool: ColumnPool,
    deadline: float,
    workers: int = 1,
    stop_at: float = math.inf,
    pricers: Mapping[str, Pricer] | None = None,
    max_rounds: int | None = None,
) -> ColumnGenerationResult:
    """Column generation until no column has a negative reduced cost, the deadline, or `stop_at`.

    The lower bound is the Lagrangian one, `sum(price * requirement) + sum(least schedule value)`,
    valid at every round's prices; the objective is integral, so it is rounded up. With employees
    fixed (`pool.fixed`, during a dive) it bounds the fixed problem only. Prices are smoothed
    towards those of the best bound so far (Wentges), which needs far fewer rounds.
    """
    instance = pool.instance
    pricers = pricers if pricers is not None else {s.id: make_pricer(instance, s.id) for s in instance.staff}
    lower = -math.inf
    best_prices: dict[tuple[int, str], float] | None = None
    rounds = 0
    converged = False
    free = [s.id for s in instance.staff if s.id not in pool.fixed]
    with ThreadPoolExecutor(max_workers=max(1, workers)) as executor:
        have = {c.employee for c in pool.active()}
        # an employee without a column makes the master infeasible: seed with request-only prices
        seeds = [e for e in free if e not in have]
        seeded = executor.map(lambda e: pricers[e].price({}, 1.0, pool.allowed.get(e)), seeds)
        for employee, (columns, _, bound) in zip(seeds, seeded, strict=True):
            if bound == math.inf:
                raise Infeasible([f"employee {employee} has no schedule that meets all their hard rules"])
            for c in columns[-1:]:
                pool.add(c)
        if {c.employee for c in pool.active()} != {s.id for s in instance.staff}:
            return ColumnGenerationResult(math.inf, -math.inf, 0, False)  # out of time before a start
        lp = solve_master_lp(pool)
        smoothing = SMOOTHING
        while time.monotonic() < deadline and (max_rounds is None or rounds < max_rounds):
            rounds += 1
            prices = lp.cover
            if best_prices is not None and smoothing > 0:
                prices = mix_prices(best_prices, lp.cover, smoothing)
            per_employee = max(0.05, min(2.0, (deadline - time.monotonic()) / 4))
            priced = list(executor.map(partial(_price, pricers, prices, per_employee, pool.allowed), free))
            lagrangian = sum(prices[(c.day, c.shift)] * c.requirement for c in instance.cover)
            lagrangian += sum(bound for _, _, bound in priced)
            lagrangian += sum(priced_value(c, prices) for c in pool.fixed.values())
            if lagrangian == math.inf:
                raise Infeasible(["an employee has no schedule that meets all their hard rules"])
            if lagrangian > lower:
                lower, best_prices = lagrangian, prices
            added = 0
            for employee, (columns, _, _) in zip(free, priced, strict=True):
                for c in columns:
                    if priced_value(c, lp.cover) - lp.convexity[employee] < -REDUCED_COST_EPS:
                        added += pool.add(c)
            if added == 0:
                if smoothing == 0:
                    converged = True
                    break
                smoothing = 0.0  # a mispricing: price at the LP's own duals before concluding
                continue
            smoothing = SMOOTHING
            lp = solve_master_lp(pool)
            if ceil_bound(lower) >= stop_at or ceil_bound(lower) >= ceil_bound(lp.objective):
                converged = ceil_bound(lower) >= ceil_bound(lp.objective)
                break
    return ColumnGenerationResult(lp.objective, ceil_bound(lower), rounds, converged)


def _price(
    pricers: Mapping[str, Pricer],
    prices: Mapping[tuple[int, str], float],
    time_limit_s: float,
    allowed: Mapping[str, DayOptions],
    employee: str,
) -> tuple[list[Column], float, float]:
    return pricers[employee].price(prices, time_limit_s, allowed.get(employee))


def priced_value(column: Column, dual: Mapping[tuple[int, str], float]) -> float:
    """A column's cost less the cover prices it earns."""
    return column.cost - sum(dual.get((d, s), 0.0) for d, s in enumerate(column.shifts) if s is not None)


def roster_objective(instance: Instance, assignment: Mapping[tuple[str, int], str]) -> int:
    """The objective of a roster by the model's own penalty definitions (requests and cover)."""
    total = sum(make_column(instance, s.id, assignment).cost for s in instance.staff)
    for c in instance.cover:
        x = sum(1 for s in instance.staff if assignment.get((s.id, c.day)) == c.shift)
        total += max(0, c.requirement - x) * c.under_weight + max(0, x - c.requirement) * c.over_weight
    return total


def _dive_choice(free: list[tuple[Column, float]], rng: random.Random | None) -> list[Column]:
    """The columns a dive step fixes: every (nearly) whole one, else one fractional column.

    Without `rng` the largest fractional column; with it, a column drawn with probability
    proportional to its square, so that repeated dives explore different rosters near the LP.
    """
    whole = [c for c, x in free if x >= DIVE_FIX]
    if whole:
        return whole
    if rng is None:
        return [max(free, key=lambda cx: cx[1])[0]]
    return rng.choices([c for c, _ in free], weights=[x * x for _, x in free])


def dive(
    pool: ColumnPool,
    deadline: float,
    workers: int,
    pricers: Mapping[str, Pricer],
    rng: random.Random | None = None,
    incumbent: float = math.inf,
) -> dict[tuple[str, int], str] | None:
    """Price-and-dive: fix the employees whose LP schedule is (nearly) whole, re-price, repeat.

    Each step fixes the columns `_dive_choice` picks, then runs column generation for the others
    until it converges (or `DIVE_STEP_SHARE` of the time left), so the next LP makes up for what
    was fixed. A dive whose converged LP can no longer beat `incumbent` is abandoned (None), as is
    one whose roster does not beat it.
    Past the deadline every employee left takes their largest column, so a dive that is not
    abandoned ends in a roster. The pool keeps the columns; `pool.fixed` is cleared at the end.
    """
    instance = pool.instance
    try:
        lp = solve_master_lp(pool)
        while len(pool.fixed) < len(instance.staff):
            free = [(c, x) for c, x in lp.values if c.employee not in pool.fixed]
            now = time.monotonic()
            if now >= deadline:
                chosen = [c for c, _ in sorted(free, key=lambda cx: cx[1])]  # the largest wins
            else:
                chosen = _dive_choice(free, rng)
            for c in chosen:
                pool.fixed[c.employee] = c
            if len(pool.fixed) < len(instance.staff) and now < deadline:
                step_deadline = now + DIVE_STEP_SHARE * (deadline - now)
                cg = generate_columns(pool, step_deadline, workers, stop_at=incumbent, pricers=pricers)
                if cg.lower_bound >= incumbent or (cg.converged and ceil_bound(cg.lp_objective) >= incumbent):
                    return None
            lp = solve_master_lp(pool)
        out: dict[tuple[str, int], str] = {}
        for col in pool.fixed.values():
            out.update({(col.employee, d): s for d, s in enumerate(col.shifts) if s is not None})
        return out if roster_objective(instance, out) < incumbent else None
    finally:
        pool.fixed.clear()


def solve_restricted_master(
    pool: ColumnPool, time_limit_s: float, workers: int, hint: Mapping[tuple[str, int], str] | None = None
) -> dict[tuple[str, int], str] | None:
    """The best roster made of whole columns from the pool (an integer program), or None."""
    instance = pool.instance
    m = cp_model.CpModel()
    pick = [m.new_bool_var(f"pick[{c.employee},{j}]") for j, c in enumerate(pool.columns)]
    by_employee: dict[str, list[cp_model.IntVar]] = {s.id: [] for s in instance.staff}
    covering: dict[tuple[int, str], list[cp_model.IntVar]] = {(c.day, c.shift): [] for c in instance.cover}
    for z, col in zip(pick, pool.columns, strict=True):
        by_employee[col.employee].append(z)
        for day, shift in enumerate(col.shifts):
            if shift is not None and (day, shift) in covering:
                covering[(day, shift)].append(z)
    for zs in by_employee.values():
        m.add_exactly_one(zs)
    terms: list[cp_model.LinearExprT] = [c.cost * z for z, c in zip(pick, pool.columns, strict=True)]
    for c in instance.cover:
        under = m.new_int_var(0, c.requirement, f"under[{c.day},{c.shift}]")
        over = m.new_int_var(0, len(instance.staff), f"over[{c.day},{c.shift}]")
        m.add(sum(covering[(c.day, c.shift)]) + under - over == c.requirement)
        terms += [c.under_weight * under, c.over_weight * over]
    m.minimize(sum(terms))
    if hint is not None:
        for z, col in zip(pick, pool.columns, strict=True):
            same = all(hint.get((col.employee, d)) == s for d, s in enumerate(col.shifts))
            m.add_hint(z, same)
    solver = new_solver(max(0.1, time_limit_s), workers=workers)
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    out: dict[tuple[str, int], str] = {}
    for z, col in zip(pick, pool.columns, strict=True):
        if solver.boolean_value(z):
            out.update({(col.employee, d): s for d, s in enumerate(col.shifts) if s is not None})
    return out


class SharedBest:
    """The best roster the search threads have found, shared under a lock, with a log of what they found."""

    def __init__(self, instance: Instance, roster: Roster | None, started: float) -> None:
        self.instance = instance
        self.roster = roster
        self.value = math.inf if roster is None else roster_objective(instance, roster)
        self.started = started
        self.bound = -math.inf  # proven by a search thread: no roster is better
        self.phases: list[str] = []
        self._lock = threading.Lock()

    @property
    def proven(self) -> bool:
        """Whether the best roster is proven optimal (the threads may stop)."""
        return self.value <= self.bound

    def prove(self, bound: float) -> None:
        """No roster is better than `bound`."""
        with self._lock:
            self.bound = max(self.bound, bound)

    def offer(self, candidate: Roster | None, phase: str) -> bool:
        """Keep `candidate` if it is better than the best; log it either way. True if it was kept."""
        with self._lock:
            at = f"at {time.monotonic() - self.started:.1f} s"
            if candidate is None:
                self.phases.append(f"{phase}: nothing better {at}")
                return False
            value = roster_objective(self.instance, candidate)
            self.phases.append(f"{phase}: {value} {at}")
            if value >= self.value:
                return False
            self.roster, self.value = candidate, value
            return True

    def note(self, line: str) -> None:
        """Add a line to the log."""
        with self._lock:
            self.phases.append(line)
