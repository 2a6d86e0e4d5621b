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


def relaxation_bound(model: cp_model.CpModel, deadline: float | None = None) -> float | None:
    """The optimum of the model's LP relaxation, rounded up (the objective is integral), or None
    if the LP solver does not finish (by `deadline`, a `time.monotonic()` instant, when given)."""
    matrix, lo, hi = _linear_rows(model)
    equal = lo == hi
    upper = ~equal & (hi < INT64_LIMIT)
    lower = ~equal & (lo > -INT64_LIMIT)
    n = len(model.proto.variables)
    bounds = [(float(v.domain[0]), float(list(v.domain)[-1])) for v in model.proto.variables]
    cost = np.zeros(n)
    objective = model.proto.objective
    for var, coeff in zip(objective.vars, objective.coeffs, strict=True):
        cost[var] += coeff
    a_ub: sp.csr_matrix = sp.vstack([matrix[upper], -matrix[lower]]).tocsr()
    a_eq: sp.csr_matrix = matrix[equal]
    time_limit_s = None if deadline is None else deadline - time.monotonic()
    if time_limit_s is not None and time_limit_s <= 0:
        return None
    result = linprog(  # type: ignore[call-overload]  # the stubs omit sparse constraint matrices
        cost,
        A_ub=a_ub,
        b_ub=np.concatenate([hi[upper], -lo[lower]]),
        A_eq=a_eq,
        b_eq=lo[equal],
        bounds=bounds,
        method="highs-ipm",
        options={} if time_limit_s is None else {"time_limit": time_limit_s},
    )
    if result.status != 0:
        return None
    value = float(result.fun) + objective.offset
    return float(math.ceil(value - 1e-6 * max(1.0, abs(value))))


class BackgroundRelaxation:
    """`relaxation_bound` of a copy of a model, solved in a thread until `deadline` (monotonic).

    HiGHS releases the GIL, so the LP runs on a free core while the roster search goes on, and
    the bound comes within the search's own time limit or not at all. The thread is not a daemon:
    HiGHS stops at the deadline by itself, and a daemon thread still inside HiGHS when the
    interpreter exits would abort the process.
    """

    def __init__(self, model: cp_model.CpModel, deadline: float) -> None:
        self._model = model.clone()
        self._deadline = deadline
        self._bound: float | None = None
        self._thread = threading.Thread(target=self._solve, name="relaxation-bound")
        self._thread.start()

    def _solve(self) -> None:
        try:
            self._bound = relaxation_bound(self._model, self._deadline)
        except ValueError:  # a rule written as something other than linear rows: no LP bound
            self._bound = None

    def bound(self) -> float:
        """The bound, waiting for it until the deadline at most; -inf if the LP did not finish."""
        self._thread.join(timeout=max(0.0, self._deadline - time.monotonic()))
        return self._bound if self._bound is not None else float("-inf")
