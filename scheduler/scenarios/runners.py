"""Running scenarios: one at a depth, many through a runner (this process, a local process pool, or
any object with the same `map`), and the comparison table."""

from __future__ import annotations

import math
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol, get_args

import pandas as pd

from common.errors import Infeasible, InvalidInput
from scheduler.roster.solve import SolveSettings, solve
from scheduler.scenarios.changes import Scenario
from scheduler.scenarios.measures import METRICS, ScenarioMetrics, measure, variant_problem
from scheduler.scenarios.plan import BasePlan
from scheduler.scenarios.variants import apply

Depth = Literal["staffing", "reroster"]
DEPTHS: tuple[str, ...] = get_args(Depth)
BASE_NAME = "base"
# the status of a re-rostered scenario no roster was found for (its notes say why)
NO_ROSTER = "no roster"


def evaluate(
    plan: BasePlan, scenario: Scenario, depth: Depth, settings: SolveSettings | None = None
) -> ScenarioMetrics:
    """One scenario at one depth. A re-roster that finds no roster keeping the hard rules (the
    scenario's team cannot keep them, or not in the time) gives a row without service figures, its
    status `NO_ROSTER` and the reasons in its notes, so the other scenarios' rows still come.

    Raises:
        InvalidInput: a bad change (see `apply`).
    """
    if depth not in DEPTHS:
        raise InvalidInput(f"depth must be one of {', '.join(DEPTHS)}, got {depth!r}")
    variant = apply(plan, scenario)
    if depth == "staffing":
        return measure(plan, variant, scenario.name, depth, plan.roster)
    problem = variant_problem(plan, variant)
    try:
        result = solve(
            problem,
            settings or SolveSettings(time_limit_s=5.0, workers=1),
            warm_start=None if plan.roster is None else variant.keeps(plan.roster),
        )
    except Infeasible as exc:
        found = measure(plan, variant, scenario.name, depth, None, roster_status=NO_ROSTER)
        why = tuple(f"no roster: {c}" for c in exc.conflicts)
        return replace(found, notes=found.notes + why)
    return measure(plan, variant, scenario.name, depth, result.roster, roster_status=result.status)


Task = tuple[BasePlan, Scenario, Depth, SolveSettings | None]


class Runner(Protocol):
    """Maps a picklable function over items, calling `on_done(index, result)` as each ends."""

    def map(
        self,
        fn: Callable[[Any], Any],
        items: Sequence[Any],
        on_done: Callable[[int, Any], None] | None = None,
    ) -> list[Any]:
        """Results in the order of `items`."""
        ...


@dataclass(frozen=True)
class LocalRunner:
    """In this process (`workers` 1), or a local process pool of `workers` processes."""

    workers: int = 1

    def map(
        self,
        fn: Callable[[Any], Any],
        items: Sequence[Any],
        on_done: Callable[[int, Any], None] | None = None,
    ) -> list[Any]:
        """Results in the order of `items`."""
        if self.workers <= 1 or len(items) <= 1:
            out = []
            for i, item in enumerate(items):
                out.append(fn(item))
                if on_done is not None:
                    on_done(i, out[-1])
            return out
        results: dict[int, Any] = {}
        context = multiprocessing.get_context(
            "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        )
        with ProcessPoolExecutor(max_workers=min(self.workers, len(items)), mp_context=context) as pool:
            pending: dict[Future[Any], int] = {pool.submit(fn, item): i for i, item in enumerate(items)}
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    i = pending.pop(future)
                    results[i] = future.result()
                    if on_done is not None:
                        on_done(i, results[i])
        return [results[i] for i in range(len(items))]


def run_task(task: Task) -> ScenarioMetrics:
    """Evaluate one (plan, scenario, depth, settings) task; the unit a runner ships to a worker."""
    plan, scenario, depth, settings = task
    return evaluate(plan, scenario, depth, settings)


@dataclass(frozen=True)
class ScenarioComparison:
    """The comparison table, base first, with deltas against the base."""

    rows: tuple[ScenarioMetrics, ...]

    def frame(self) -> pd.DataFrame:
        """One row per scenario: the metrics, then `delta_<metric>` against the base row."""
        records = [
            {"scenario": r.name, "depth": r.depth, **{m: getattr(r, m) for m in METRICS}} for r in self.rows
        ]
        frame = pd.DataFrame.from_records(records, columns=["scenario", "depth", *METRICS])
        for m in METRICS:
            values = pd.to_numeric(frame[m], errors="coerce").astype(float)
            frame[f"delta_{m}"] = values - values.iloc[0]
        return frame

    def records(self) -> list[dict[str, Any]]:
        """JSON-ready rows (None for missing figures), with deltas, per-queue figures and notes."""
        out = []
        frame = self.frame()
        for row, metrics in zip(frame.to_dict("records"), self.rows, strict=True):
            clean = {
                str(k): (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in row.items()
            }
            clean.update(
                by_queue=metrics.by_queue,
                roster_status=metrics.roster_status,
                shifts=metrics.shifts,
                notes=list(metrics.notes),
            )
            out.append(clean)
        return out

    def to_csv(self) -> str:
        """The table as CSV (metrics and deltas)."""
        return self.frame().to_csv(index=False)


def compare(
    plan: BasePlan,
    scenarios: Sequence[Scenario],
    depth: Depth,
    *,
    settings: SolveSettings | None = None,
    runner: Runner | None = None,
    on_progress: Callable[[int, int, ScenarioMetrics], None] | None = None,
) -> ScenarioComparison:
    """The base and every scenario at `depth`, base first.

    All scenarios are applied once here first, so a bad one fails before any solve starts. The base row
    measures the plan's roster; at the re-roster depth without one, the base is solved like a scenario.

    Raises:
        InvalidInput: a bad scenario (none is run), repeated names.
    """
    names = [s.name for s in scenarios]
    repeated = sorted({n for n in names if names.count(n) > 1 or n == BASE_NAME})
    if repeated:
        raise InvalidInput(f"scenario names must be unique and not {BASE_NAME!r}: {', '.join(repeated)}")
    for scenario in scenarios:
        apply(plan, scenario)
    base = Scenario(BASE_NAME)
    tasks: list[Task] = []
    if depth == "reroster" and plan.roster is None:
        tasks.append((plan, base, depth, settings))
    tasks += [(plan, s, depth, settings) for s in scenarios]
    total = len(tasks) + (0 if tasks and tasks[0][1] is base else 1)

    done = [0]

    def progress(_i: int, result: ScenarioMetrics) -> None:
        done[0] += 1
        if on_progress is not None:
            on_progress(done[0], total, result)

    rows: list[ScenarioMetrics] = []
    if not (tasks and tasks[0][1] is base):
        first = measure(plan, apply(plan, base), BASE_NAME, "staffing", plan.roster)
        rows.append(first)
        progress(0, first)
    rows += (runner or LocalRunner()).map(run_task, tasks, progress)
    return ScenarioComparison(tuple(rows))
