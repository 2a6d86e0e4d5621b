"""A proven lower bound on a roster model's objective from its linear relaxation.

CP-SAT's own LP runs dual simplex, which stalls on the highly degenerate relaxation of a
shift-scheduling model (minutes for a 14-agent week); an interior-point method (HiGHS,
through scipy) solves the same relaxation in seconds. Every roster costs at least the
relaxation's optimum, so it bounds the gap honestly.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from ortools.sat.python import cp_model
from scipy.optimize import linprog

INT64_LIMIT = 9e18  # CP-SAT writes "no bound" as +-2**63


def _linear_rows(model: cp_model.CpModel) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """Every constraint as lo <= A x <= hi; raises if one is not linear."""
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    lo: list[float] = []
    hi: list[float] = []
    n = len(model.proto.variables)
    for r, c in enumerate(model.proto.constraints):
        if not c.has_linear() or len(c.enforcement_literal):
            raise ValueError("the relaxation bound needs a model of plain linear constraints")
        for var, coeff in zip(c.linear.vars, c.linear.coeffs, strict=True):
            rows.append(r)
            cols.append(var)
            vals.append(coeff)
        domain = list(c.linear.domain)
        lo.append(domain[0])
        hi.append(domain[-1])
    shape = (len(model.proto.constraints), n)
    return sp.csr_matrix((vals, (rows, cols)), shape=shape), np.array(lo, float), np.array(hi, float)


@dataclass(frozen=True)
class LinearProgram:
    """A model's LP relaxation as arrays: minimise cost @ x + offset subject to the rows and bounds."""

    cost: np.ndarray
    offset: float
    a_ub: sp.csr_matrix
    b_ub: np.ndarray
    a_eq: sp.csr_matrix
    b_eq: np.ndarray
    bounds: list[tuple[float, float]]


def linear_program(model: cp_model.CpModel) -> LinearProgram:
    """The model's LP relaxation; raises ValueError if a constraint is not a plain linear row."""
    matrix, lo, hi = _linear_rows(model)
    equal = lo == hi
    upper = ~equal & (hi < INT64_LIMIT)
    lower = ~equal & (lo > -INT64_LIMIT)
    cost = np.zeros(len(model.proto.variables))
    objective = model.proto.objective
    for var, coeff in zip(objective.vars, objective.coeffs, strict=True):
        cost[var] += coeff
    return LinearProgram(
        cost=cost,
        offset=float(objective.offset),
        a_ub=sp.vstack([matrix[upper], -matrix[lower]]).tocsr(),
        b_ub=np.concatenate([hi[upper], -lo[lower]]),
        a_eq=matrix[equal],
        b_eq=lo[equal],
        bounds=[(float(v.domain[0]), float(list(v.domain)[-1])) for v in model.proto.variables],
    )


def solve_relaxation(lp: LinearProgram, deadline: float | None = None) -> float | None:
    """The LP's optimum, rounded up (the objective is integral), or None if HiGHS does not finish
    (by `deadline`, a `time.monotonic()` instant, when given)."""
    time_limit_s = None if deadline is None else deadline - time.monotonic()
    if time_limit_s is not None and time_limit_s <= 0:
        return None
    result = linprog(  # type: ignore[call-overload]  # the stubs omit sparse constraint matrices
        lp.cost,
        A_ub=lp.a_ub,
        b_ub=lp.b_ub,
        A_eq=lp.a_eq,
        b_eq=lp.b_eq,
        bounds=lp.bounds,
        method="highs-ipm",
        options={} if time_limit_s is None else {"time_limit": time_limit_s},
    )
    if result.status != 0:
        return None
    value = float(result.fun) + lp.offset
    return float(math.ceil(value - 1e-6 * max(1.0, abs(value))))


def relaxation_bound(model: cp_model.CpModel, deadline: float | None = None) -> float | None:
    """The optimum of the model's LP relaxation, rounded up, or None if it does not finish in time."""
    return solve_relaxation(linear_program(model), deadline)


class BackgroundRelaxation:
    """`relaxation_bound` of a model as it is now, solved in a thread until `deadline` (monotonic).

    The LP's arrays are read from the model here, in the caller's thread: that is Python work,
    which in a thread would hold the GIL against the roster search and make it overrun its
    deadlines. HiGHS then releases the GIL, so the LP runs on a free core while the search goes
    on, and the bound comes within the search's own time limit or not at all. A model with a rule
    that is not linear rows gets no bound. The thread is not a daemon: HiGHS stops at the
    deadline by itself, and a daemon thread still inside HiGHS when the interpreter exits would
    abort the process.
    """

    def __init__(self, model: cp_model.CpModel, deadline: float) -> None:
        self._deadline = deadline
        self._bound: float | None = None
        try:
            lp = linear_program(model)
        except ValueError:
            self._thread = None
            return
        self._thread = threading.Thread(target=self._solve, args=(lp,), name="relaxation-bound")
        self._thread.start()

    def _solve(self, lp: LinearProgram) -> None:
        self._bound = solve_relaxation(lp, self._deadline)

    def bound(self) -> float:
        """The bound, waiting for it until the deadline at most; -inf if the LP did not finish."""
        if self._thread is not None:
            self._thread.join(timeout=max(0.0, self._deadline - time.monotonic()))
        return self._bound if self._bound is not None else float("-inf")
