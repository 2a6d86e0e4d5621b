"""The CP-SAT model of the Curtois benchmark: variables, one function per rule, and the objective.

A boolean `x[employee, day, shift]` per possible assignment and `works[employee, day]` for "has
any shift". Each rule adds its constraints and returns its penalty terms (empty for a hard rule);
`build_model` applies every rule and minimises the weighted sum of the penalties, which is the
published objective. Border conventions follow the benchmark README: the days just outside the
horizon are days off for rotations and maximum runs, while runs of shifts or of days off that
touch either border are exempt from the minimums.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Protocol

from ortools.sat.python import cp_model

from scheduler.curtois import Instance
from scheduler.curtois_master import MasterLP, PersistentMaster
from scheduler.curtois_pricing import Column, DayOptions, ScheduleDP, fits
from scheduler.day_rules import forbid_short_runs, limit_runs
from scheduler.errors import Infeasible
from scheduler.lagrangian import PRICE_SCALE, REDUCED_COST_EPS, SMOOTHING, ceil_bound, mix_prices
from scheduler.model import Penalty, apply_rules, model_objective

Roster = dict[tuple[str, int], str]  # (employee, day) -> shift type; a day not in it is off


@dataclass
class CurtoisVars:
    """The model's decision variables, named with their indices."""

    x: dict[tuple[str, int, str], cp_model.IntVar] = field(default_factory=dict)
    works: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)


Rule = Callable[[cp_model.CpModel, CurtoisVars, Instance], list[Penalty]]


def make_vars(m: cp_model.CpModel, instance: Instance) -> CurtoisVars:
    """A boolean per (employee, day, shift type) and per (employee, day) worked."""
    v = CurtoisVars()
    for staff in instance.staff:
        for day in range(instance.horizon_days):
            v.works[(staff.id, day)] = m.new_bool_var(f"works[{staff.id},{day}]")
            for shift in instance.shift_ids:
                v.x[(staff.id, day, shift)] = m.new_bool_var(f"x[{staff.id},{day},{shift}]")
    return v


def add_one_shift_a_day(m: cp_model.CpModel, v: CurtoisVars, instance: Instance) -> list[Penalty]:
    """Hard: an employee works at most one shift a day; `works` says whether they work at all."""
    for staff in instance.staff:
        for day in range(instance.horizon_days):
            shifts = [v.x[(staff.id, day, s)] for s in instance.shift_ids]
            m.add_exactly_one([*shifts, ~v.works[(staff.id, day)]])
    return []


def add_forbidden_successions(m: cp_model.CpModel, v: CurtoisVars, instance: Instance) -> list[Penalty]:
    """Hard: a shift listed as "cannot follow" is not worked the day after the shift it follows."""
    for staff in instance.staff:
        for day in range(instance.horizon_days - 1):
            for shift in instance.shifts:
                if not shift.forbidden_next:
                    continue
                # one clique per shift: at most one of "s today" and "any forbidden successor tomorrow"
                nxt = [v.x[(staff.id, day + 1, t)] for t in shift.forbidden_next]
                m.add_at_most_one([v.x[(staff.id, day, shift.id)], *nxt])
    return []


def add_max_shifts_per_type(m: cp_model.CpModel, v: CurtoisVars, instance: Instance) -> list[Penalty]:
    """Hard: each employee works each shift type at most their contract's maximum number of times."""
    for staff in instance.staff:
        for shift, limit in staff.max_shifts.items():
            days = [v.x[(staff.id, d, shift)] for d in range(instance.horizon_days)]
            if limit == 0:
                for x in days:
                    m.add(x == 0)
            elif limit < len(days):
                m.add(sum(days) <= limit)
    return []


def add_total_minutes(m: cp_model.CpModel, v: CurtoisVars, instance: Instance) -> list[Penalty]:
    """Hard: the minutes an employee works over the horizon lie within their minimum and maximum."""
    lengths = {s.id: s.length_minutes for s in instance.shifts}
    for staff in instance.staff:
        minutes = sum(
            lengths[s] * v.x[(staff.id, d, s)]
            for d in range(instance.horizon_days)
            for s in instance.shift_ids
        )
        m.add_linear_constraint(minutes, staff.min_total_minutes, staff.max_total_minutes)
    return []


def add_max_consecutive_shifts(m: cp_model.CpModel, v: CurtoisVars, instance: Instance) -> list[Penalty]:
    """Hard: no more than the contract's maximum shifts in a row (the horizon's outside counts as off)."""
    for staff in instance.staff:
        days = [v.works[(staff.id, d)] for d in range(instance.horizon_days)]
        limit_runs(m, days, staff.max_consecutive_shifts)
    return []


def add_min_consecutive_shifts(m: cp_model.CpModel, v: CurtoisVars, instance: Instance) -> list[Penalty]:
    """Hard: every run of shifts is at least the contract's minimum long, unless it touches a border
    (the benchmark assumes an unlimited run beyond the horizon: what came before is unknown)."""
    for staff in instance.staff:
        days = [v.works[(staff.id, d)] for d in range(instance.horizon_days)]
        forbid_short_runs(m, days, staff.min_consecutive_shifts, before=None)
    return []


def add_min_consecutive_days_off(m: cp_model.CpModel, v: CurtoisVars, instance: Instance) -> list[Penalty]:
    """Hard: every run of days off is at least the contract's minimum long, unless it touches a border
    (the team engine's blocks of days off, with nothing known before the horizon)."""
    for staff in instance.staff:
        days = [~v.works[(staff.id, d)] for d in range(instance.horizon_days)]
        forbid_short_runs(m, days, staff.min_consecutive_days_off, before=None)
    return []


def add_max_weekends(m: cp_model.CpModel, v: CurtoisVars, instance: Instance) -> list[Penalty]:
    """Hard: an employee works at most their maximum number of weekends (Saturday or Sunday worked)."""
    weekends = instance.weekends()
    for staff in instance.staff:
        if staff.max_weekends >= len(weekends):
            continue
        worked = []
        for w, days in enumerate(weekends):
            weekend = m.new_bool_var(f"weekend[{staff.id},{w}]")
            day_vars = [v.works[(staff.id, d)] for d in days]
            m.add_max_equality(weekend, day_vars)
            worked.append(weekend)
        m.add(sum(worked) <= staff.max_weekends)
    return []


def add_days_off(m: cp_model.CpModel, v: CurtoisVars, instance: Instance) -> list[Penalty]:
    """Hard: no shift on an employee's fixed days off."""
    for staff in instance.staff:
        for day in staff.days_off:
            m.add(v.works[(staff.id, day)] == 0)
    return []


def add_shift_requests(m: cp_model.CpModel, v: CurtoisVars, instance: Instance) -> list[Penalty]:
    """Soft: an on-request not granted costs its weight; an off-request not granted costs its weight."""
    on = [(r.weight, v.x[(r.employee, r.day, r.shift)]) for r in instance.on_requests]
    off = [(r.weight, v.x[(r.employee, r.day, r.shift)]) for r in instance.off_requests]
    return [
        Penalty("shift-on requests not granted", sum(w * (1 - x) for w, x in on), 1),
        Penalty("shift-off requests not granted", sum(w * x for w, x in off), 1),
    ]


def add_cover(m: cp_model.CpModel, v: CurtoisVars, instance: Instance) -> list[Penalty]:
    """Soft: each employee missing from a day's shift costs its under-weight, each extra its over-weight."""
    staff_count = len(instance.staff)
    under_terms = []
    over_terms = []
    for c in instance.cover:
        assigned = sum(v.x[(s.id, c.day, c.shift)] for s in instance.staff)
        under = m.new_int_var(0, c.requirement, f"under[{c.day},{c.shift}]")
        over = m.new_int_var(0, max(0, staff_count - c.requirement), f"over[{c.day},{c.shift}]")
        m.add(assigned + under - over == c.requirement)
        under_terms.append(c.under_weight * under)
        over_terms.append(c.over_weight * over)
    return [
        Penalty("under cover", sum(under_terms), 1),
        Penalty("over cover", sum(over_terms), 1),
    ]


HARD_RULES: tuple[Rule, ...] = (
    add_one_shift_a_day,
    add_forbidden_successions,
    add_max_shifts_per_type,
    add_total_minutes,
    add_max_consecutive_shifts,
    add_min_consecutive_shifts,
    add_min_consecutive_days_off,
    add_max_weekends,
    add_days_off,
)
SOFT_RULES: tuple[Rule, ...] = (add_shift_requests, add_cover)
RULES: tuple[Rule, ...] = HARD_RULES + SOFT_RULES


def build_model(
    instance: Instance, rules: tuple[Rule, ...] = RULES
) -> tuple[cp_model.CpModel, CurtoisVars, list[Penalty]]:
    """The model: variables, the given rules, and the objective (the benchmark's, to minimise)."""
    m = cp_model.CpModel()
    v = make_vars(m, instance)
    return m, v, apply_rules(m, v, instance, rules)


def objective_expr(penalties: list[Penalty]) -> cp_model.LinearExprT:
    """The weighted sum of the penalties: the benchmark's objective (as the roster engine's)."""
    return model_objective(penalties)


# --- Column generation --------------------------------------------------------------------------
# The compact model's LP bound is near zero on these instances: fractional shifts meet every cover.
# The Dantzig-Wolfe reformulation (choose one whole feasible schedule per employee) has the bound
# that branch-and-price uses, and its columns make a strong restricted integer program. Pricing an
# employee's schedule reuses the hard rules above on a one-employee instance.

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
    `scheduler.curtois_pricing`, which is 10-30x faster."""

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
        self.model, self.vars, _ = build_model(alone, HARD_RULES)
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
        for who, day, shift in self.vars.x:
            c = self.delta.get((day, shift), 0) - dual.get((day, shift), 0.0)
            coef[(who, day, shift)] = round(c * PRICE_SCALE)
        self.model.clear_objective()  # type: ignore[no-untyped-call]
        self.model.minimize(sum(c * self.vars.x[k] for k, c in coef.items() if c))
        model = self.model
        if allowed:
            model = self.model.clone()
            for (_, day, shift), x in self.vars.x.items():
                if day in allowed and shift not in allowed[day]:
                    model.add(x == 0)
            for (_, day), w in self.vars.works.items():
                if day in allowed and None not in allowed[day]:
                    model.add(w == 1)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.linearization_level = 2  # measured: 1.1-1.5x faster pricing than the default
        solver.parameters.max_time_in_seconds = max(0.01, time_limit_s)
        found = _Collector(self.vars, self.instance.horizon_days)
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

    def __init__(self, v: CurtoisVars, horizon_days: int) -> None:
        super().__init__()
        self._by_day: list[list[tuple[str, cp_model.IntVar]]] = [[] for _ in range(horizon_days)]
        for (_, day, shift), x in v.x.items():
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
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit_s)
    solver.parameters.num_workers = workers
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
