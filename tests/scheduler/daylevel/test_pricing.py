"""The Curtois pricer's recursion against its reference (CP-SAT on the model's hard rules) and the
persistent master LP against a master built anew and solved by scipy.

The recursion must find the same least price as CP-SAT on every employee of many random
instances that use every hard rule, and every schedule it returns must pass the independent
evaluator.
"""

from __future__ import annotations

import math
import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.optimize import linprog

from api.curtois_files import read_instance
from benchmarks.curtois_eval import evaluate
from scheduler.daylevel import columns as cm
from scheduler.daylevel import pricing as cp
from scheduler.daylevel.instance import Cover, Instance, ShiftRequest, ShiftType, Staff
from scheduler.daylevel.master import PersistentMaster
from scheduler.daylevel.pricing import Column, ScheduleDP

DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "benchmarks" / "curtois"
Prices = dict[tuple[int, str], float]


@st.composite
def one_employee(draw: st.DrawFn) -> Instance:
    """A random instance of one employee over one to three weeks that can bind every hard rule."""
    horizon = 7 * draw(st.integers(1, 3)) - draw(st.integers(0, 1))  # also a horizon ending on a Saturday
    n_types = draw(st.integers(1, 3))
    ids = ("E", "D", "L")[:n_types]
    shifts = tuple(
        ShiftType(
            t,
            draw(st.sampled_from([240, 480, 600, 720])),
            tuple(u for u in ids if draw(st.booleans()) and draw(st.booleans())),
        )
        for t in ids
    )
    max_minutes = draw(st.integers(0, horizon)) * 480
    staff = Staff(
        id="A",
        max_shifts={t: draw(st.integers(0, horizon)) for t in ids if draw(st.booleans())},
        max_total_minutes=max_minutes,
        min_total_minutes=draw(st.integers(0, max(0, max_minutes))) // 2,
        max_consecutive_shifts=draw(st.integers(0, 7)),
        min_consecutive_shifts=draw(st.integers(0, 4)),
        min_consecutive_days_off=draw(st.integers(0, 4)),
        max_weekends=draw(st.integers(0, 3)),
        days_off=frozenset(draw(st.sets(st.integers(0, horizon - 1), max_size=4))),
    )
    requests = [
        ShiftRequest(
            "A", draw(st.integers(0, horizon - 1)), draw(st.sampled_from(ids)), draw(st.integers(1, 3))
        )
        for _ in range(draw(st.integers(0, 6)))
    ]
    cut = draw(st.integers(0, len(requests)))
    return Instance(
        name="random",
        horizon_days=horizon,
        shifts=shifts,
        staff=(staff,),
        on_requests=tuple(requests[:cut]),
        off_requests=tuple(requests[cut:]),
        cover=tuple(Cover(d, t, 1, 100, 1) for d in range(horizon) for t in ids),
    )


def _whole_prices(instance: Instance, seed: int) -> Prices:
    """Integral prices, which CP-SAT's pricer represents exactly."""
    rng = random.Random(seed)
    return {(c.day, c.shift): float(rng.randint(-60, 120)) for c in instance.cover}


def _check_columns(instance: Instance, staff: Staff, columns: list[Column]) -> None:
    alone = replace(instance, staff=(staff,), cover=(), on_requests=(), off_requests=())
    for column in columns:
        roster = {(staff.id, d): s for d, s in enumerate(column.shifts) if s is not None}
        assert evaluate(alone, roster).hard_violations == []
        assert column == cm.make_column(instance, staff.id, roster)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(one_employee(), st.integers(0, 10**6))
def test_the_recursion_finds_cp_sats_least_price_and_only_feasible_schedules(
    instance: Instance, seed: int
) -> None:
    staff = instance.staff[0]
    prices = _whole_prices(instance, seed)
    columns, best, bound = ScheduleDP(instance, staff.id).price(prices)
    reference, reference_best, reference_bound = cm.CpSatPricer(instance, staff.id).price(prices, 30.0)
    if reference_bound == math.inf:  # CP-SAT proves no schedule meets the rules
        assert (columns, best, bound) == ([], math.inf, math.inf)
        return
    assert reference, "CP-SAT found no schedule in its time"
    assert best == pytest.approx(reference_best, abs=1e-6)
    assert bound <= best
    assert cm.priced_value(columns[0], prices) == pytest.approx(best, abs=1e-6)
    assert len({c.shifts for c in columns}) == len(columns) <= cp.TOP_COLUMNS
    _check_columns(instance, staff, columns)


@st.composite
def day_options(draw: st.DrawFn, instance: Instance) -> dict[int, frozenset[str | None]]:
    """A branch's options for one employee: on a few days, a random subset of the shifts and the day off."""
    everything: list[str | None] = [*instance.shift_ids, None]
    days = draw(st.sets(st.integers(0, instance.horizon_days - 1), max_size=4))
    return {d: frozenset(draw(st.sets(st.sampled_from(everything), min_size=1))) for d in days}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), one_employee(), st.integers(0, 10**6))
def test_both_pricers_keep_to_a_branchs_options_and_agree(
    data: st.DataObject, instance: Instance, seed: int
) -> None:
    staff = instance.staff[0]
    allowed = data.draw(day_options(instance))
    prices = _whole_prices(instance, seed)
    columns, best, bound = ScheduleDP(instance, staff.id).price(prices, allowed=allowed)
    reference, reference_best, reference_bound = cm.CpSatPricer(instance, staff.id).price(
        prices, 30.0, allowed
    )
    if reference_bound == math.inf:  # no schedule keeps the rules and the options
        assert (columns, best, bound) == ([], math.inf, math.inf)
        return
    assert best == pytest.approx(reference_best, abs=1e-6)
    assert all(c.keeps(allowed) for c in columns + reference)
    _check_columns(instance, staff, columns)


@pytest.mark.parametrize("number", [5, 7, 8, 10, 12])
def test_the_recursion_agrees_with_cp_sat_on_benchmark_employees(number: int) -> None:
    path = DATA / "instances" / f"Instance{number}.txt"
    if not path.is_file():
        pytest.skip(f"{path} is absent: the shared Curtois benchmark is not checked out beside the repo")
    instance = read_instance(path)
    rng = random.Random(number)
    fitting = [s for s in instance.staff if cp.fits(instance, s)]
    assert fitting, "the recursion should price some employee of every instance up to 12"
    for staff in rng.sample(fitting, min(3, len(fitting))):
        prices = _whole_prices(instance, rng.randrange(10**6))
        columns, best, _ = ScheduleDP(instance, staff.id).price(prices)
        _, reference_best, _ = cm.CpSatPricer(instance, staff.id).price(prices, 30.0)
        assert best == pytest.approx(reference_best, abs=1e-6)
        _check_columns(instance, staff, columns)


def test_an_employee_too_large_for_the_table_is_priced_by_cp_sat(monkeypatch: pytest.MonkeyPatch) -> None:
    instance = Instance(
        "big",
        14,
        (ShiftType("E", 480),),
        (Staff("A", {}, 14 * 480, 0, 14, 1, 1, 2),),
        (),
        (),
        tuple(Cover(d, "E", 1, 100, 1) for d in range(14)),
    )
    assert isinstance(cm.make_pricer(instance, "A"), ScheduleDP)
    monkeypatch.setattr(cp, "MAX_STATE_CELLS", 10)
    assert isinstance(cm.make_pricer(instance, "A"), cm.CpSatPricer)


def _scipy_master(instance: Instance, active: list[Column]) -> float:
    """The master LP's value built from scratch: the reference for the persistent one."""
    staff_row = {s.id: i for i, s in enumerate(instance.staff)}
    cover_row = {(c.day, c.shift): len(staff_row) + i for i, c in enumerate(instance.cover)}
    n, r = len(active), len(instance.cover)
    a = sparse.lil_matrix((len(staff_row) + r, n + 2 * r))
    for j, col in enumerate(active):
        a[staff_row[col.employee], j] = 1
        for day, shift in enumerate(col.shifts):
            if shift is not None:
                a[cover_row[(day, shift)], j] = 1
    for i in range(r):
        a[len(staff_row) + i, n + i] = 1
        a[len(staff_row) + i, n + r + i] = -1
    cost = (
        [c.cost for c in active]
        + [c.under_weight for c in instance.cover]
        + [c.over_weight for c in instance.cover]
    )
    b = [1.0] * len(staff_row) + [float(c.requirement) for c in instance.cover]
    res = linprog(np.array(cost, float), A_eq=a.tocsr(), b_eq=np.array(b), bounds=(0, None), method="highs")  # type: ignore[call-overload]
    assert res.status == 0
    return float(res.fun)


def test_the_persistent_master_matches_a_master_built_anew_as_columns_come_employees_are_fixed_and_branches_taken() -> (
    None
):
    path = DATA / "instances" / "Instance3.txt"
    if not path.is_file():
        pytest.skip(f"{path} is absent: the shared Curtois benchmark is not checked out beside the repo")
    instance = read_instance(path)
    rng = random.Random(4)
    pricers = {s.id: cm.make_pricer(instance, s.id) for s in instance.staff}
    pool: list[Column] = []
    master = PersistentMaster(instance)
    outside = Column(instance.staff[0].id, (None,) * instance.horizon_days, 0)  # fixed, never in the pool
    for step in range(8):
        prices = {(c.day, c.shift): rng.uniform(-20, 120) for c in instance.cover}
        for s in instance.staff:
            for column in pricers[s.id].price(prices, 5.0)[0]:
                if column not in pool:
                    pool.append(column)
        fixed = {c.employee: c for c in rng.sample(pool, 3)} if step % 2 else {}
        if step == 5:
            fixed[outside.employee] = outside
        allowed: dict[str, dict[int, frozenset[str | None]]] = {}
        if step % 3 == 2:  # a branch: one employee's day limited to what one of their columns has there
            chosen = rng.choice(pool)
            day = rng.randrange(instance.horizon_days)
            allowed = {chosen.employee: {day: frozenset({chosen.shifts[day]})}}
        lp = master.solve(pool, fixed, allowed)
        free = [c for c in pool if c.employee not in fixed]
        active = [c for c in free if c.keeps(allowed.get(c.employee, {}))] + list(fixed.values())
        assert list(master.kept(allowed)[: len(master.columns)]) == [
            c.keeps(allowed.get(c.employee, {})) for c in master.columns
        ]
        assert lp.objective == pytest.approx(_scipy_master(instance, active), abs=1e-6)
        used = {c.employee for c, _ in lp.values}
        assert used == {s.id for s in instance.staff}
        for column, x in lp.values:
            if column.employee in fixed:
                assert column == fixed[column.employee]
                assert x == pytest.approx(1.0)
            else:
                assert column in pool
