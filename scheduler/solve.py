"""Solve a roster problem: solver settings, progress, and a readable result."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.candidates import Candidate
from scheduler.domain import Roster, Shift
from scheduler.errors import Infeasible
from scheduler.explain import explain_infeasible
from scheduler.model import HARD_RULES, RosterVars, build_model, model_objective, primary_vars
from scheduler.problem import Problem


@dataclass(frozen=True)
class SolveSettings:
    """Solver limits. Same problem, settings and seed give the same roster when `workers` is 1
    or when the run stops on `deterministic_time_limit_s` rather than on wall time."""

    time_limit_s: float = 30.0
    relative_gap: float = 0.0
    workers: int = 8
    seed: int = 0
    deterministic_time_limit_s: float | None = None


@dataclass(frozen=True)
class Progress:
    """What a running solve has found so far."""

    objective: float
    bound: float
    elapsed_s: float


@dataclass(frozen=True)
class RosterResult:
    """A solved roster with how good it is and what its soft rules cost."""

    roster: Roster
    status: str
    objective: float
    bound: float
    elapsed_s: float
    penalties: dict[str, float]

    @property
    def gap(self) -> float:
        """Relative gap between the roster and the best proven bound (0 is optimal)."""
        if self.objective == self.bound:
            return 0.0
        return abs(self.objective - self.bound) / max(1.0, abs(self.objective))


class _Reporter(cp_model.CpSolverSolutionCallback):
    def __init__(self, on_progress: Callable[[Progress], None]) -> None:
        super().__init__()
        self._on_progress = on_progress

    def on_solution_callback(self) -> None:
        self._on_progress(Progress(self.ObjectiveValue(), self.BestObjectiveBound(), self.WallTime()))


def _roster(p: Problem, v: RosterVars, solver: cp_model.CpSolver) -> Roster:
    shifts: list[Shift] = []
    for c in v.all_candidates():
        if solver.boolean_value(v.works[c.index]):
            shifts.append(_shift(c, v, solver, p))
    return Roster(
        p.team.name, p.week.first_day, tuple(sorted(shifts, key=lambda s: (s.agent_id, s.start_utc)))
    )


def _shift(c: Candidate, v: RosterVars, solver: cp_model.CpSolver, p: Problem) -> Shift:
    queue = next(q for q in p.team.agent(c.agent_id).skills if solver.boolean_value(v.on_queue[(c.index, q)]))
    return Shift(c.agent_id, c.local_date, c.start_utc, c.end_utc, queue, c.breaks)


def _solver(settings: SolveSettings, time_limit_s: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_time_in_seconds = max(0.1, time_limit_s)
    params.num_workers = settings.workers
    params.random_seed = settings.seed
    params.relative_gap_limit = settings.relative_gap
    if settings.deterministic_time_limit_s is not None:
        params.max_deterministic_time = settings.deterministic_time_limit_s
    return solver


def _first_feasible(p: Problem, settings: SolveSettings) -> tuple[RosterVars, cp_model.CpSolver]:
    """A roster that keeps every hard rule, ignoring coverage (fast: it seeds the real solve)."""
    model, v, _ = build_model(p, HARD_RULES)
    solver = _solver(settings, settings.time_limit_s / 3)
    solver.parameters.stop_after_first_solution = True
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        raise Infeasible(explain_infeasible(p))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise Infeasible(
            [
                f"no roster keeping every hard rule was found within {settings.time_limit_s / 3:g} s; "
                "allow more time or relax the rules"
            ]
        )
    return v, solver


def _hint_everything(
    model: cp_model.CpModel, v: RosterVars, seed_v: RosterVars, seed: cp_model.CpSolver
) -> cp_model.CpSolver | None:
    """Hint every variable of `model` from the seed roster, and return the solver that holds it.

    CP-SAT uses a complete hint at once and a partial one hardly at all, so the seed's
    decisions are fixed in a copy of the model and the copy is solved for everything else.
    """
    fixed = model.clone()
    for mine, theirs in zip(primary_vars(v), primary_vars(seed_v), strict=True):
        fixed.add(fixed.get_int_var_from_proto_index(mine.index) == seed.value(theirs))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 60.0
    if solver.solve(fixed) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    for i, value in enumerate(solver.response_proto.solution):
        model.add_hint(model.get_int_var_from_proto_index(i), value)
    return solver


def solve(
    p: Problem,
    settings: SolveSettings | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> RosterResult:
    """The best roster found within the settings' limits.

    A first solve finds a roster that keeps the hard rules; it is handed to the full model as
    a complete hint, so the search starts from a valid roster and improves coverage from there.

    Raises:
        Infeasible: the hard rules cannot all hold; the error names the rules and agents in conflict.
    """
    settings = settings or SolveSettings()
    started = time.monotonic()
    seed_v, seed = _first_feasible(p, settings)
    model, v, penalties = build_model(p)
    hinted = _hint_everything(model, v, seed_v, seed)
    solver = _solver(settings, settings.time_limit_s - (time.monotonic() - started))
    callback = _Reporter(on_progress) if on_progress is not None else None
    status = solver.solve(model, callback)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if hinted is None:
            raise Infeasible([f"no roster was found ({solver.status_name(status)}); allow more time"])
        solver = hinted  # out of time: the seed roster keeps every hard rule
    return RosterResult(
        roster=_roster(p, v, solver),
        status=solver.status_name(status) if solver is not hinted else "FEASIBLE",
        objective=solver.objective_value
        if solver is not hinted
        else float(solver.value(model_objective(penalties))),
        bound=solver.best_objective_bound if solver is not hinted else float("-inf"),
        elapsed_s=time.monotonic() - started,
        penalties={pen.name: pen.weight * solver.value(pen.expr) for pen in penalties},
    )
