"""The Curtois column generation's master LP, kept in HiGHS from one solve to the next.

Rows: one per employee (their schedules' weights sum to 1), then one per cover (the schedules
that work it, plus under-cover, less over-cover, meet the requirement). Columns: the under- and
over-cover of each cover, then every schedule in the order it arrives.

Column generation re-solves this LP hundreds of times a dive, each time with a few new columns
or with some employees fixed to one schedule. Building it anew each time (and solving it cold)
took 90 ms a solve on Instance 7; kept in HiGHS, new schedules are appended, fixing is a change
of column bounds, and the dual simplex starts from the last basis.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import highspy
import numpy as np

from scheduler.daylevel.instance import Instance
from scheduler.daylevel.pricing import Column, DayOptions

INF = highspy.kHighsInf


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Standard output (the file descriptor, so C++ writes too) sent to /dev/null for a moment."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as sink:
            os.dup2(sink.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def quiet_highs() -> highspy.Highs:
    """A HiGHS instance that logs nothing (its constructor prints a banner on standard output)."""
    with _quiet_stdout():
        h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    return h


@dataclass(frozen=True)
class MasterLP:
    """The restricted master LP's value, its dual prices and the schedules it uses."""

    objective: float
    convexity: dict[str, float]
    cover: dict[tuple[int, str], float]
    values: list[tuple[Column, float]]


class PersistentMaster:
    """The master LP of one instance; `solve` brings it up to date with the pool and solves it."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.h = quiet_highs()
        self.h.setOptionValue("presolve", "off")  # measured: re-solves from the last basis are faster without
        self.staff_row = {s.id: i for i, s in enumerate(instance.staff)}
        self.cover_row = {(c.day, c.shift): len(self.staff_row) + i for i, c in enumerate(instance.cover)}
        n_rows = len(self.staff_row) + len(instance.cover)
        bounds = np.array([1.0] * len(self.staff_row) + [float(c.requirement) for c in instance.cover])
        self.h.addRows(n_rows, bounds, bounds, 0, np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0))
        for sign, weight in ((1.0, "under"), (-1.0, "over")):
            for c in instance.cover:
                cost = float(c.under_weight if weight == "under" else c.over_weight)
                row = np.array([self.cover_row[(c.day, c.shift)]], dtype=np.int32)
                self.h.addCol(cost, 0.0, INF, 1, row, np.array([sign]))
        self.first = 2 * len(instance.cover)  # LP index of the first schedule
        self.columns: list[Column] = []
        self.index: dict[tuple[str, tuple[str | None, ...]], int] = {}
        self.in_pool: list[bool] = []  # a schedule only fixed (a dive around a roster) is not in the pool
        # each schedule's employee and shift per day (index in `instance.shift_ids`, -1 off), for branches
        self.code = {shift: i for i, shift in enumerate(instance.shift_ids)}
        self.rows: list[list[int]] = []
        self.codes = np.zeros((0, instance.horizon_days), dtype=np.int16)
        self.employee_of: list[int] = []
        self.synced = 0  # how many of the pool's schedules the LP has seen
        self.lower = np.zeros(0)  # each schedule's column bounds as HiGHS has them now
        self.upper = np.zeros(0)
        self.under_weight = np.array([c.under_weight for c in instance.cover], dtype=float)
        self.over_weight = np.array([c.over_weight for c in instance.cover], dtype=float)

    def _add(self, column: Column) -> None:
        rows = [self.staff_row[column.employee]]
        rows += [
            self.cover_row[(day, shift)]
            for day, shift in enumerate(column.shifts)
            if shift is not None and (day, shift) in self.cover_row
        ]
        self.h.addCol(float(column.cost), 0.0, 0.0, len(rows), np.array(rows, np.int32), np.ones(len(rows)))
        self.index[(column.employee, column.shifts)] = len(self.columns)
        self.columns.append(column)
        self.rows.append([-1 if shift is None else self.code[shift] for shift in column.shifts])
        self.employee_of.append(self.staff_row[column.employee])
        self.in_pool.append(False)
        self.lower = np.append(self.lower, 0.0)
        self.upper = np.append(self.upper, 0.0)

    def _j(self, column: Column) -> int:
        """The LP index of a schedule, added to the LP if it is new."""
        j = self.index.get((column.employee, column.shifts))
        if j is None:
            self._add(column)
            j = len(self.columns) - 1
        return j

    def kept(self, allowed: Mapping[str, DayOptions]) -> np.ndarray:
        """Which schedules keep to a branch's options (`Column.keeps`), as a mask over the LP's schedules."""
        if len(self.rows) > len(self.codes):
            self.codes = np.vstack([self.codes, np.array(self.rows[len(self.codes) :], dtype=np.int16)])
        employee_of = np.array(self.employee_of, dtype=np.int32)
        ok = np.ones(len(self.columns), dtype=bool)
        for employee, days in allowed.items():
            mine = employee_of == self.staff_row[employee]
            for day, options in days.items():
                codes = [-1 if shift is None else self.code[shift] for shift in options]
                ok &= ~mine | np.isin(self.codes[:, day], codes)
        return ok

    def solve(
        self,
        pool: Sequence[Column],
        fixed: Mapping[str, Column],
        allowed: Mapping[str, DayOptions] | None = None,
    ) -> MasterLP:
        """The LP over `pool`'s schedules of the employees not in `fixed`, and each fixed one's schedule;
        in a branch (`allowed`), only over the schedules that keep to its options.

        `pool` only grows between calls (new schedules are appended). A fixed schedule gets a lower
        bound of 1, which its employee's row turns into "only this one": a change the dual simplex
        makes up for in a few iterations, where taking the employee's other columns out did not.

        Raises:
            RuntimeError: the LP has no solution (an employee without any schedule).
        """
        for column in pool[self.synced :]:
            self.in_pool[self._j(column)] = True
        self.synced = len(pool)
        fixed_j = [self._j(c) for c in fixed.values()]
        lower = np.zeros(len(self.columns))
        usable = np.array(self.in_pool, dtype=bool)
        if allowed:
            usable &= self.kept(allowed)
        upper = np.where(usable, INF, 0.0)
        lower[fixed_j] = 1.0
        upper[fixed_j] = INF
        changed = np.flatnonzero((lower != self.lower) | (upper != self.upper))
        if changed.size:
            self.h.changeColsBounds(
                changed.size, (changed + self.first).astype(np.int32), lower[changed], upper[changed]
            )
            self.lower, self.upper = lower, upper
        self.h.run()
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"the master LP failed: {self.h.modelStatusToString(self.h.getModelStatus())}")
        solution = self.h.getSolution()
        duals = np.asarray(solution.row_dual)
        n_staff = len(self.staff_row)
        cover = np.clip(duals[n_staff:], -self.over_weight, self.under_weight)
        x = np.asarray(solution.col_value)[self.first :]
        return MasterLP(
            float(self.h.getInfo().objective_function_value),
            dict(zip(self.staff_row, duals[:n_staff].tolist(), strict=True)),
            dict(zip(self.cover_row, cover.tolist(), strict=True)),
            [(self.columns[j], float(x[j])) for j in np.flatnonzero(x > 1e-9)],
        )
