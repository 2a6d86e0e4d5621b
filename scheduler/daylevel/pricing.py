"""Pricing a Curtois employee's schedule exactly, by dynamic programming over the days.

Column generation asks, many hundreds of times a dive, for the employee schedule of least
reduced cost at the current dual prices. CP-SAT answers in 6-57 ms; this recursion (compiled with
numba) answers the same question exactly in 0.4-2.3 ms on Instances 1-7, 9, 11 and 12, and in
14-18 ms on 8 and 10, whose employees count two capped shift types and their weekends
(`benchmarks/curtois_pricing.py`).

A schedule is built day by day. The state after a day is

- a *control* part: off (and how long the run of days off is, up to the minimum that matters) or
  the shift type worked (and how long the run of shifts is, and whether it touched the start of
  the horizon, which exempts it from the minimum run), and
- a *resource* part, one mixed-radix index: minutes worked so far (in units of the greatest
  common divisor of the shift lengths), shifts of each type whose maximum can bind, and
  weekends worked when their maximum can bind.

Every hard rule of the benchmark (the roster engine's, `scheduler.roster.model.HARD_RULES`, the reference the tests
check this against) is a condition on a transition or on the last day: at most one shift a day
(a state holds one), forbidden successions, per-type maximums, total minutes (maximum on the
way, minimum at the end), maximum and minimum runs of shifts and minimum runs of days off with
the benchmark's border conventions, maximum weekends, and fixed days off. An employee whose
state space would exceed `MAX_STATE_CELLS` is priced by CP-SAT instead (`make_pricer`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numba as nb
import numpy as np

from scheduler.daylevel.instance import Instance, Staff

MAX_STATE_CELLS = 20_000_000  # days x control states x resource states kept for tracing back
TOP_COLUMNS = 3  # schedules returned per call: the best of each of the cheapest end states
FLOAT_ALLOWANCE = 1e-9  # per day, for the floating-point error in a schedule's summed prices
INF = math.inf


# What a branch of the search tree leaves an employee on some days: the shift types (None: a day
# off) they may have on each day named; a day not named is free.
DayOptions = Mapping[int, frozenset[str | None]]


@dataclass(frozen=True)
class Column:
    """One employee's whole schedule (shift type or None per day) and its request penalty."""

    employee: str
    shifts: tuple[str | None, ...]
    cost: int

    def keeps(self, allowed: DayOptions) -> bool:
        """Whether the schedule keeps to a branch's options on every day they name."""
        return all(self.shifts[day] in options for day, options in allowed.items())


@dataclass(frozen=True)
class Layout:
    """How one employee's states are numbered (see the module docstring)."""

    types: tuple[str, ...]  # the shift types the employee may work
    off_states: int  # runs of days off of length 1..off_states (the last: long enough)
    max_run: int  # runs of shifts of length 1..max_run
    min_run: int
    unit_minutes: int
    min_units: int
    units: tuple[int, ...]  # length of each type in units
    resource_sizes: tuple[int, ...]  # radix of each resource digit: minutes, binding types, weekends
    type_digit: tuple[int, ...]  # for each type, its digit among the resources (-1: not counted)
    weekend_digit: int  # -1: weekends not counted

    @property
    def control_states(self) -> int:
        return self.off_states + len(self.types) * self.max_run * 2

    @property
    def resource_states(self) -> int:
        return math.prod(self.resource_sizes)


def layout(instance: Instance, staff: Staff) -> Layout:
    """The state numbering of `staff`: only the rules that can bind take a digit."""
    horizon = instance.horizon_days
    lengths = {s.id: s.length_minutes for s in instance.shifts}
    types = tuple(t for t in instance.shift_ids if staff.max_shifts.get(t, horizon) > 0)
    if staff.max_consecutive_shifts <= 0:
        types = ()  # no run of shifts is allowed at all
    unit = 0
    for t in types:
        unit = math.gcd(unit, lengths[t])
    unit = max(unit, 1)
    max_units = staff.max_total_minutes // unit
    sizes = [max_units + 1]
    type_digit = []
    for t in types:
        limit = staff.max_shifts.get(t, horizon)
        if limit < min(horizon, staff.max_total_minutes // lengths[t]):
            type_digit.append(len(sizes))
            sizes.append(limit + 1)
        else:
            type_digit.append(-1)
    weekend_digit = -1
    if staff.max_weekends < len(instance.weekends()):
        weekend_digit = len(sizes)
        sizes.append(staff.max_weekends + 1)
    return Layout(
        types=types,
        off_states=max(1, staff.min_consecutive_days_off),
        max_run=max(1, min(staff.max_consecutive_shifts, horizon)),
        min_run=staff.min_consecutive_shifts,
        unit_minutes=unit,
        min_units=-(-staff.min_total_minutes // unit),
        units=tuple(lengths[t] // unit for t in types),
        resource_sizes=tuple(sizes),
        type_digit=tuple(type_digit),
        weekend_digit=weekend_digit,
    )


def fits(instance: Instance, staff: Staff) -> bool:
    """Whether the recursion's trace-back table for `staff` stays within `MAX_STATE_CELLS`."""
    lay = layout(instance, staff)
    return instance.horizon_days * lay.control_states * lay.resource_states <= MAX_STATE_CELLS


def _digits(lay: Layout) -> np.ndarray:
    """Every resource index's digits, shape (resource states, digits)."""
    grids = np.meshgrid(*[np.arange(n) for n in lay.resource_sizes], indexing="ij")
    return np.stack([g.reshape(-1, order="F") for g in grids], axis=1)


# The rules a transition obeys, packed for the compiled recursion: (forbid (types, types): True if
# the second may not follow the first; weekend (days,): 0 weekday, 1 first day of a weekend, 2 a
# later one; delta (types,): the resource index step of working a type; can_add (types,
# resources): whether a type may be worked once more from here; can_add_weekend (resources,);
# counts: weekend_delta, off_states, max_run, min_run).
Rules = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]

# An explicit signature makes numba compile when this module is first imported (then load its
# cache), not inside the first solve's time limit: the first compilation takes seconds.
_RULES = nb.types.Tuple(  # type: ignore[no-untyped-call]
    (nb.boolean[:, ::1], nb.int64[::1], nb.int64[::1], nb.boolean[:, ::1], nb.boolean[::1], nb.int64[::1])
)
_RECURSE = nb.types.Tuple((nb.float64[::1], nb.int64[::1]))(  # type: ignore[no-untyped-call]
    nb.float64[:, ::1],
    nb.boolean[::1],
    _RULES,
    nb.int64[::1],
    nb.int64,
    nb.int64,
    nb.int32[:, :, ::1],
    nb.int64,
)


@nb.njit(_RECURSE, cache=True, nogil=True)
def _recurse(
    price: np.ndarray,  # (days, types): a shift's cost, +inf where it may not be worked
    off_ok: np.ndarray,  # (days,): whether the day may be a day off
    rules: Rules,
    minutes: np.ndarray,  # (resources,): minutes worked, in units
    max_units_a_day: int,
    min_units: int,
    parent: np.ndarray,  # out (days, control, resources): the previous state's flat index (where reached)
    top: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The `top` cheapest states after the last day that meet the minimum minutes: their costs
    (ascending, +inf where there are fewer) and flat indexes.

    One loop nest on purpose: the same transitions through a helper function measured 5x slower.
    """
    forbid, weekend, delta, can_add, can_add_weekend, counts = rules
    weekend_delta, off_states, max_run, min_run = counts[0], counts[1], counts[2], counts[3]
    days, n_types = price.shape
    n_control, n_res = parent.shape[1], parent.shape[2]
    now = np.full((n_control, n_res), np.inf)
    before = np.full((n_control, n_res), np.inf)
    # the first day: the run that starts the horizon is exempt from the minimums
    if off_ok[0]:
        now[off_states - 1, 0] = 0.0
    for t in range(n_types):
        if price[0, t] == np.inf or not can_add[t, 0]:
            continue
        r = delta[t]
        if weekend[0] > 0:
            if not can_add_weekend[0]:
                continue
            r += weekend_delta
        if minutes[r] + (days - 1) * max_units_a_day >= min_units:
            now[off_states + (t * max_run) * 2 + 1, r] = price[0, t]
    for d in range(1, days):
        before, now = now, before
        now[:] = np.inf
        reach = (days - 1 - d) * max_units_a_day  # the most minutes still to come
        for k in range(n_control):
            for r in range(n_res):
                base = before[k, r]
                if base == np.inf:
                    continue
                here = k * n_res + r
                if k < off_states:  # a day off again, or (once the run is long enough) a shift
                    nk = min(k + 1, off_states - 1)
                    if off_ok[d] and base < now[nk, r] and minutes[r] + reach >= min_units:
                        now[nk, r] = base
                        parent[d, nk, r] = here
                    if k < off_states - 1:
                        continue
                    run, prev_type, exempt = 0, -1, 0
                else:  # a day off (once the run of shifts is long enough), or one more shift
                    w = k - off_states
                    prev_type, run, exempt = w // (max_run * 2), (w // 2) % max_run + 1, w % 2
                    ends = (run >= min_run or exempt == 1) and off_ok[d]
                    if ends and base < now[0, r] and minutes[r] + reach >= min_units:
                        now[0, r] = base
                        parent[d, 0, r] = here
                    if run >= max_run:
                        continue
                for t in range(n_types):
                    c = price[d, t]
                    if c == np.inf or not can_add[t, r] or (prev_type >= 0 and forbid[prev_type, t]):
                        continue
                    nr = r + delta[t]
                    if weekend[d] == 1 or (weekend[d] == 2 and prev_type < 0):
                        if not can_add_weekend[r]:
                            continue
                        nr += weekend_delta
                    if minutes[nr] + reach < min_units:
                        continue
                    nk = off_states + (t * max_run + run) * 2 + exempt
                    if base + c < now[nk, nr]:
                        now[nk, nr] = base + c
                        parent[d, nk, nr] = here
    best = np.full(top, np.inf)
    where = np.full(top, -1, dtype=np.int64)
    for k in range(n_control):
        for r in range(n_res):
            value = now[k, r]
            if value >= best[top - 1] or minutes[r] < min_units:
                continue
            i = top - 1
            while i > 0 and best[i - 1] > value:
                best[i], where[i] = best[i - 1], where[i - 1]
                i -= 1
            best[i], where[i] = value, k * n_res + r
    return best, where


class ScheduleDP:
    """One employee's pricing problem as the recursion above; the same answers as CP-SAT's pricer."""

    def __init__(self, instance: Instance, employee: str) -> None:
        staff = next(s for s in instance.staff if s.id == employee)
        self.employee = employee
        self.horizon = instance.horizon_days
        self.lay = lay = layout(instance, staff)
        n_types = len(lay.types)
        index = {t: i for i, t in enumerate(lay.types)}
        self.base, self.delta_cost = _request_penalties(instance, employee, index)
        self.open = np.ones((self.horizon, n_types), dtype=bool)
        for day in staff.days_off:
            self.open[day, :] = False
        forbid = np.zeros((n_types, n_types), dtype=bool)
        for s in instance.shifts:
            for nxt in s.forbidden_next:
                if s.id in index and nxt in index:
                    forbid[index[s.id], index[nxt]] = True
        weekend = np.zeros(self.horizon, dtype=np.int64)
        for days in instance.weekends():
            weekend[days[0]] = 1
            weekend[list(days[1:])] = 2
        digits = _digits(lay)
        strides = np.cumprod((1, *lay.resource_sizes[:-1]))
        self.minutes = digits[:, 0].astype(np.int64)
        step = np.zeros(n_types, dtype=np.int64)
        can_add = np.zeros((n_types, lay.resource_states), dtype=bool)
        top = np.array(lay.resource_sizes) - 1
        for i, units in enumerate(lay.units):
            step[i] = units
            ok = digits[:, 0] + units <= top[0]
            if lay.type_digit[i] >= 0:
                step[i] += strides[lay.type_digit[i]]
                ok &= digits[:, lay.type_digit[i]] < top[lay.type_digit[i]]
            can_add[i] = ok
        weekend_step = 0
        can_add_weekend = np.ones(lay.resource_states, dtype=bool)
        if lay.weekend_digit >= 0:
            weekend_step = int(strides[lay.weekend_digit])
            can_add_weekend = digits[:, lay.weekend_digit] < top[lay.weekend_digit]
        counts = np.array([weekend_step, lay.off_states, lay.max_run, lay.min_run], dtype=np.int64)
        self.rules: Rules = (forbid, weekend, step, can_add, can_add_weekend, counts)
        self.max_units_a_day = max(lay.units, default=0)

    def shift_prices(
        self, dual: Mapping[tuple[int, str], float], allowed: DayOptions | None = None
    ) -> np.ndarray:
        """Each (day, type)'s request change less its cover price; +inf where it may not be worked
        (a fixed day off, or a type `allowed` leaves out that day)."""
        price = self.delta_cost.copy()
        for i, t in enumerate(self.lay.types):
            for day in range(self.horizon):
                price[day, i] -= dual.get((day, t), 0.0)
        price[~self.open] = INF
        for day, options in (allowed or {}).items():
            for i, t in enumerate(self.lay.types):
                if t not in options:
                    price[day, i] = INF
        return price

    def price(
        self,
        dual: Mapping[tuple[int, str], float],
        time_limit_s: float = 0.0,
        allowed: DayOptions | None = None,
    ) -> tuple[list[Column], float, float]:
        """As `curtois_model.CpSatPricer.price`: the cheapest columns, their best value and a lower bound
        (exact here, less a floating-point allowance); `time_limit_s` is not needed. With `allowed`,
        only schedules that keep to its options on its days (a branch of the search tree)."""
        lay = self.lay
        off_ok = np.ones(self.horizon, dtype=bool)
        for day, options in (allowed or {}).items():
            off_ok[day] = None in options
        # only the reached states are written and read: an empty (untouched) table costs nothing
        parent = np.empty((self.horizon, lay.control_states, lay.resource_states), dtype=np.int32)
        values, where = _recurse(
            self.shift_prices(dual, allowed),
            off_ok,
            self.rules,
            self.minutes,
            self.max_units_a_day,
            lay.min_units,
            parent,
            TOP_COLUMNS,
        )
        if not np.isfinite(values[0]):
            return [], INF, INF  # no schedule meets this employee's hard rules
        columns = [self._trace(int(i), parent) for i, x in zip(where, values, strict=True) if np.isfinite(x)]
        best = self.base + float(values[0])
        return columns, best, best - FLOAT_ALLOWANCE * self.horizon

    def _trace(self, flat_index: int, parent: np.ndarray) -> Column:
        """The schedule that ends in the state `flat_index` of the last day, and its column."""
        n_res = self.lay.resource_states
        shifts: list[str | None] = [None] * self.horizon
        here = flat_index
        for day in range(self.horizon - 1, -1, -1):
            k = here // n_res
            if k >= self.lay.off_states:
                shifts[day] = self.lay.types[(k - self.lay.off_states) // (self.lay.max_run * 2)]
            here = int(parent[day, k, here % n_res]) if day > 0 else -1
        index = {t: i for i, t in enumerate(self.lay.types)}
        cost = self.base + sum(
            int(self.delta_cost[d, index[s]]) for d, s in enumerate(shifts) if s is not None
        )
        return Column(self.employee, tuple(shifts), cost)


def _request_penalties(instance: Instance, employee: str, index: Mapping[str, int]) -> tuple[int, np.ndarray]:
    """The employee's request penalty with no shift, and each (day, type)'s change to it."""
    base = 0
    delta = np.zeros((instance.horizon_days, len(index)))
    for r in instance.on_requests:
        if r.employee == employee:
            base += r.weight
            if r.shift in index:
                delta[r.day, index[r.shift]] -= r.weight
    for r in instance.off_requests:
        if r.employee == employee and r.shift in index:
            delta[r.day, index[r.shift]] += r.weight
    return base, delta
