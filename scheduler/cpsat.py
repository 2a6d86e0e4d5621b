"""One way to make a CP-SAT solver: its limits in seconds or in work units, its threads and seed.

Every solve in the scheduler (an agent's week, the whole-team polish, the explanations, the
day-level search) gets its solver here, so a limit always means the same thing: with
`work_units`, the solver counts deterministic work instead of seconds (the same input gives the
same answer on any machine) and `time_limit_s` only guards against a runaway.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

MIN_TIME_LIMIT_S = 0.01  # CP-SAT is given at least this long, whatever is left


def new_solver(
    time_limit_s: float,
    *,
    workers: int = 1,
    seed: int = 0,
    work_units: float | None = None,
    relative_gap: float = 0.0,
    presolve: bool = True,
    small_model: bool = False,
) -> cp_model.CpSolver:
    """A CP-SAT solver stopping after `time_limit_s` seconds (or `work_units` of deterministic work,
    with `time_limit_s` then a guard), on `workers` threads, within `relative_gap` of the best.
    With `small_model` (a model as small as one agent's week), no probing, no inprocessing, no
    Chvátal-Gomory cuts and no symmetry detection: there they cost more than they find (without
    probing and inprocessing a solve took three quarters of the time, without the other two a
    further 15-25 % less; the same optimum every time)."""
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_time_in_seconds = max(MIN_TIME_LIMIT_S, time_limit_s)
    params.num_workers = workers
    params.random_seed = seed
    params.relative_gap_limit = relative_gap
    params.cp_model_presolve = presolve
    if small_model:
        params.cp_model_probing_level = 0
        params.use_sat_inprocessing = False
        params.add_cg_cuts = False
        params.symmetry_level = 0
    if work_units is not None:
        params.max_deterministic_time = max(MIN_TIME_LIMIT_S, work_units)
        params.interleave_search = workers > 1  # workers taking turns: deterministic on any machine
    return solver


def upper_bound(x: cp_model.IntVar) -> int:
    """The largest value of a variable's domain. (Read through `list`: OR-Tools 9.15's proto
    fields answer 0 to a negative index, which once emptied every blend variable's domain.)"""
    return int(list(x.proto.domain)[-1])
