"""Solving a Curtois instance within a time limit: how the time is spent, and on which threads.

1. A short solve of the roster engine's compact CP-SAT model of the instance
   (`curtois_problem.engine_model`: the engine's rules, the published objective) for a first roster.
2. Column generation at the root (`curtois_model.generate_columns`): the lower bound and a pool of
   schedules.
3. The search, one thread per worker, sharing the best roster (`curtois_model.SharedBest`): the
   first runs the best-bound tree with a dive at each node (`curtois_branch.tree_search`), the
   others dive from the root LP, each dive drawing the columns it fixes, and after a dive that
   improves the best roster combine the pool's columns in an integer program
   (`curtois_model.solve_restricted_master`). Each thread keeps its own pool, master LP and
   pricers: HiGHS and the compiled pricer release the interpreter, so two threads do 1.7x the
   dives of one on this 2-core machine (137 against 80 in 30 s on Instance 7).
4. The compact model again, hinted with the best roster and told the bound, then its
   neighbourhoods (`polish`) for the time left.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from common.errors import Infeasible
from scheduler.cpsat import new_solver
from scheduler.daylevel.branch import tree_search
from scheduler.daylevel.columns import (
    ColumnPool,
    Pricer,
    SharedBest,
    dive,
    generate_columns,
    make_column,
    make_pricer,
    roster_objective,
    solve_restricted_master,
)
from scheduler.daylevel.engine import EngineModel, engine_model
from scheduler.daylevel.instance import Instance
from scheduler.daylevel.lagrangian import ceil_bound
from scheduler.daylevel.pricing import Column
from scheduler.roster.objective import model_objective

NEIGHBOURHOOD_S = 2.0  # time for one large-neighbourhood move


@dataclass(frozen=True)
class CurtoisSettings:
    """Solver limits and strategy; `workers` (search threads) defaults to what this 2-core machine has.

    With `column_generation`, the time is split (see the module docstring): the first compact solve
    takes `first_solve_share` of it (at most `first_solve_max_s`), root column generation at most
    `column_generation_share`, the tree and the dives run until `search_until_share` of it is gone,
    an integer program over the pool after an improving dive takes `restricted_master_share` (at
    most `restricted_master_max_s`), and the compact model `compact_share_of_rest` of what is left
    before its neighbourhoods. Measured on Instances 5-7 at 60 s: the first solve and the integer
    programs found little that the dives did not, so they are kept short.
    """

    time_limit_s: float = 60.0
    workers: int = 2
    seed: int = 0
    column_generation: bool = True
    first_solve_share: float = 0.02
    first_solve_max_s: float = 10.0
    column_generation_share: float = 0.45
    search_until_share: float = 0.9
    restricted_master_share: float = 0.01
    restricted_master_max_s: float = 10.0
    polish: bool = True
    compact_share_of_rest: float = 0.6
    log: bool = False


@dataclass(frozen=True)
class CurtoisResult:
    """A solved instance: the roster, its objective, the proven bound and the time taken."""

    assignment: dict[tuple[str, int], str]
    status: str
    objective: float
    bound: float
    elapsed_s: float
    penalties: dict[str, float]
    phases: tuple[str, ...] = ()


@dataclass
class _Compact:
    """The engine's compact model of the instance, built once and re-solved with new hints and bounds."""

    instance: Instance
    settings: CurtoisSettings
    engine: EngineModel = field(init=False)

    def __post_init__(self) -> None:
        self.engine = engine_model(self.instance)

    def solve(
        self, time_limit_s: float, hint: Mapping[tuple[str, int], str] | None, lower_bound: float
    ) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
        m = self.engine.model.clone()
        if lower_bound > -math.inf:
            m.add(model_objective(self.engine.penalties) >= int(lower_bound))
        if hint is not None:
            for (who, day, shift), x in self.engine.x.items():
                m.add_hint(x, hint.get((who, day)) == shift)
            for (who, day), w in self.engine.works.items():
                m.add_hint(w, (who, day) in hint)
        solver = new_solver(max(0.1, time_limit_s), workers=self.settings.workers, seed=self.settings.seed)
        solver.parameters.log_search_progress = self.settings.log
        return solver, solver.solve(m)

    def assignment(self, solver: cp_model.CpSolver) -> dict[tuple[str, int], str]:
        return self.engine.assignment(solver)

    def solve_neighbourhood(
        self,
        best: Mapping[tuple[str, int], str],
        free: set[tuple[str, int]],
        time_limit_s: float,
        seed: int,
    ) -> tuple[dict[tuple[str, int], str] | None, bool]:
        """Re-optimise the (employee, day) pairs in `free` with the rest of `best` fixed.

        Returns the roster found (or None) and whether the neighbourhood was solved to optimality.
        """
        m = self.engine.model.clone()
        for (who, day, shift), x in self.engine.x.items():
            value = int(best.get((who, day)) == shift)
            if (who, day) in free:
                m.add_hint(x, value)
            else:
                domain = m.proto.variables[x.index].domain
                domain[0] = domain[1] = value
        for (who, day), w in self.engine.works.items():
            value = int((who, day) in best)
            if (who, day) in free:
                m.add_hint(w, value)
            else:
                domain = m.proto.variables[w.index].domain
                domain[0] = domain[1] = value
        solver = new_solver(max(0.05, time_limit_s), seed=seed)
        status = solver.solve(m)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None, False
        return self.assignment(solver), status == cp_model.OPTIMAL


def _neighbourhood(
    instance: Instance, best: Mapping[tuple[str, int], str], rng: random.Random, size: float
) -> set[tuple[str, int]]:
    """A random set of (employee, day) pairs to re-optimise; `size` in (0, 1] scales it.

    Either a few employees over the whole horizon, or every employee over a window of days
    around a badly covered day, or some employees over a longer window.
    """
    staff = [s.id for s in instance.staff]
    horizon = instance.horizon_days
    kind = rng.randrange(3)
    if kind == 0:
        who = rng.sample(staff, min(len(staff), max(2, round(size * len(staff) / 3))))
        return {(e, d) for e in who for d in range(horizon)}
    badly = [c.day for c in instance.cover if _cover_count(instance, best, c.day, c.shift) != c.requirement]
    centre = rng.choice(badly) if badly else rng.randrange(horizon)
    if kind == 1:
        width = max(2, round(size * horizon / 3))
        first = max(0, min(horizon - width, centre - rng.randrange(width)))
        return {(e, d) for e in staff for d in range(first, first + width)}
    width = max(4, round(size * horizon * 2 / 3))
    first = max(0, min(horizon - width, centre - rng.randrange(width)))
    who = rng.sample(staff, min(len(staff), max(3, round(size * len(staff) * 2 / 3))))
    return {(e, d) for e in who for d in range(first, first + width)}


def _cover_count(instance: Instance, roster: Mapping[tuple[str, int], str], day: int, shift: str) -> int:
    return sum(1 for s in instance.staff if roster.get((s.id, day)) == shift)


def polish(
    compact: _Compact,
    best: dict[tuple[str, int], str],
    deadline: float,
    lower: float,
    seed: int = 0,
) -> dict[tuple[str, int], str]:
    """Large-neighbourhood search on the compact model, one small neighbourhood per worker at a time.

    A neighbourhood solved to optimality quickly grows the next ones; one that runs out of time
    shrinks them. Stops at the deadline or when the roster reaches `lower`.
    """
    instance = compact.instance
    rng = random.Random(seed)
    size = 0.5
    best_value = roster_objective(instance, best)
    workers = max(1, compact.settings.workers)
    with ThreadPoolExecutor(max_workers=workers) as executor:
        while time.monotonic() < deadline - 0.05 and best_value > lower:
            limit = min(NEIGHBOURHOOD_S, deadline - time.monotonic())
            tasks = [
                executor.submit(
                    compact.solve_neighbourhood,
                    best,
                    _neighbourhood(instance, best, rng, size),
                    limit,
                    rng.randrange(1 << 30),
                )
                for _ in range(workers)
            ]
            for task in tasks:
                candidate, optimal = task.result()
                size = min(3.0, size * 1.1) if optimal else max(0.1, size / 1.2)
                if candidate is not None:
                    value = roster_objective(instance, candidate)
                    if value <= best_value:
                        best, best_value = candidate, value
    return best


def dive_from_root(
    pool: ColumnPool,
    pricers: Mapping[str, Pricer],
    deadline: float,
    best: SharedBest,
    rng: random.Random,
    settings: CurtoisSettings,
    name: str = "dives",
) -> int:
    """Dive from the root LP until the deadline, each dive drawing the columns it fixes; after a dive
    that improves the best roster, an integer program over the pool. Returns the dives made."""
    dives = 0
    while time.monotonic() < deadline and not best.proven:
        dives += 1
        if not best.offer(dive(pool, deadline, 1, pricers, rng, best.value), f"{name}: dive {dives}"):
            continue
        limit = min(
            deadline - time.monotonic(),
            settings.restricted_master_share * settings.time_limit_s,
            settings.restricted_master_max_s,
        )
        if limit > 0:
            combined = solve_restricted_master(pool, limit, 1, best.roster)
            best.offer(combined, f"{name}: restricted master")
    return dives


def _search_thread(
    instance: Instance,
    columns: list[Column],
    worker: int,
    deadline: float,
    best: SharedBest,
    settings: CurtoisSettings,
    root_bound: float,
    root: tuple[ColumnPool, dict[str, Pricer]] | None = None,
) -> float:
    """One search thread: the tree (worker 0) or dives from the root (the others), on its own pool
    (or `root`'s), master LP and pricers. Returns the tree's bound (-inf for the dives)."""
    if root is not None:
        pool, pricers = root
    else:
        pool, pricers = ColumnPool(instance), {s.id: make_pricer(instance, s.id) for s in instance.staff}
        for c in columns:
            pool.add(c)
    rng = random.Random(settings.seed * 1000 + worker)
    if worker == 0:
        tree = tree_search(pool, pricers, deadline, best, rng, root_bound)
        if tree.exhausted:
            best.prove(tree.bound)
        best.note(f"tree: {tree.nodes} nodes, bound {tree.bound:g}{' (exhausted)' if tree.exhausted else ''}")
        return tree.bound
    dives = dive_from_root(pool, pricers, deadline, best, rng, settings, f"dives {worker}")
    best.note(f"dives {worker}: {dives} dives")
    return -math.inf


def search(
    pool: ColumnPool,
    pricers: dict[str, Pricer],
    deadline: float,
    best: SharedBest,
    settings: CurtoisSettings,
    root_bound: float,
) -> float:
    """The tree and the dives on `settings.workers` threads until the deadline; returns the tree's bound."""
    columns = list(pool.columns)
    threads = max(1, settings.workers)
    with ThreadPoolExecutor(max_workers=threads) as executor:
        tasks = [
            executor.submit(
                _search_thread,
                pool.instance,
                columns,
                w,
                deadline,
                best,
                settings,
                root_bound,
                (pool, pricers) if w == 0 else None,
            )
            for w in range(threads)
        ]
        return max(task.result() for task in tasks)


def solve_instance(
    instance: Instance,
    settings: CurtoisSettings = CurtoisSettings(),
    hint: Mapping[tuple[str, int], str] | None = None,
) -> CurtoisResult:
    """Solve an instance and return the best roster found within the time limit."""
    started = time.monotonic()
    deadline = started + settings.time_limit_s
    compact = _Compact(instance, settings)
    best = SharedBest(instance, dict(hint) if hint is not None else None, started)
    lower = -math.inf

    def remaining() -> float:
        return deadline - time.monotonic()

    if settings.column_generation:
        first_s = min(settings.first_solve_max_s, settings.first_solve_share * settings.time_limit_s)
        solver, status = compact.solve(first_s, best.roster, lower)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            best.offer(compact.assignment(solver), "first compact solve")
            lower = max(lower, solver.best_objective_bound)
        elif status == cp_model.INFEASIBLE:
            raise Infeasible(["no roster meets every hard rule of the instance"])
        pool = ColumnPool(instance)
        pricers = {s.id: make_pricer(instance, s.id) for s in instance.staff}
        if best.roster is not None:
            for s in instance.staff:
                pool.add(make_column(instance, s.id, best.roster))
        if best.value > lower:
            cg_deadline = time.monotonic() + settings.column_generation_share * settings.time_limit_s
            cg = generate_columns(pool, cg_deadline, settings.workers, stop_at=best.value, pricers=pricers)
            lower = max(lower, cg.lower_bound)
            best.note(
                f"column generation: {cg.rounds} rounds, {len(pool.columns)} columns, "
                f"LP {cg.lp_objective:.1f}, bound {cg.lower_bound:.0f}"
                f"{' (converged)' if cg.converged else ''}"
            )
        search_deadline = started + settings.search_until_share * settings.time_limit_s
        covered = {c.employee for c in pool.columns} == {s.id for s in instance.staff}
        if covered and best.value > lower and time.monotonic() < search_deadline:
            lower = max(lower, search(pool, pricers, search_deadline, best, settings, lower))
    if best.value > lower and remaining() > 0.1:
        share = settings.compact_share_of_rest if settings.polish else 1.0
        solver, status = compact.solve(share * remaining(), best.roster, lower)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            best.offer(compact.assignment(solver), "compact solve")
            lower = max(lower, solver.best_objective_bound)
        elif status == cp_model.INFEASIBLE and best.roster is not None:
            lower = best.value  # nothing better than the best roster exists above the bound
    if best.roster is not None and best.value > lower and remaining() > 0.1 and settings.polish:
        best.offer(polish(compact, best.roster, deadline, lower, settings.seed), "polish")
    elapsed = time.monotonic() - started
    lower = ceil_bound(lower)  # the LP and Lagrangian bounds carry floating-point error
    if best.roster is None:
        return CurtoisResult({}, "UNKNOWN", math.inf, lower, elapsed, {}, tuple(best.phases))
    status_name = "OPTIMAL" if best.value <= lower else "FEASIBLE"
    return CurtoisResult(
        best.roster,
        status_name,
        best.value,
        max(lower, 0),
        elapsed,
        _breakdown(instance, best.roster),
        tuple(best.phases),
    )


def _breakdown(instance: Instance, assignment: Mapping[tuple[str, int], str]) -> dict[str, float]:
    """The penalty of each soft term, as the model names them."""
    on = sum(r.weight for r in instance.on_requests if assignment.get((r.employee, r.day)) != r.shift)
    off = sum(r.weight for r in instance.off_requests if assignment.get((r.employee, r.day)) == r.shift)
    under = over = 0
    for c in instance.cover:
        x = sum(1 for s in instance.staff if assignment.get((s.id, c.day)) == c.shift)
        under += max(0, c.requirement - x) * c.under_weight
        over += max(0, x - c.requirement) * c.over_weight
    return {
        "shift-on requests not granted": on,
        "shift-off requests not granted": off,
        "under cover": under,
        "over cover": over,
    }
