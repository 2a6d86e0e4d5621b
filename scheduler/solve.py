"""Solve a roster problem: solver settings, progress, and a readable result."""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from ortools.sat.python import cp_model

from scheduler.assign import assign_interval
from scheduler.bound import relaxation_bound
from scheduler.candidates import Candidate, break_activity
from scheduler.column_bound import column_generation_bound
from scheduler.construct import Seed, agent_weeks, greedy_seed, seed_from_weeks, seed_values
from scheduler.domain import QueueSpan, Roster, Shift
from scheduler.errors import Infeasible
from scheduler.explain import explain_infeasible
from scheduler.model import BreakSlot, Penalty, RosterVars, build_model, model_objective, skill_group
from scheduler.problem import Problem


@dataclass(frozen=True)
class SolveSettings:
    """Solver limits. With `deterministic_time_limit_s` set, the search counts work units
    instead of seconds, so the same problem, settings and seed give the same roster (the
    wall-clock `time_limit_s` then only guards against runaway runs)."""

    time_limit_s: float = 30.0
    relative_gap: float = 0.0
    workers: int = 8
    seed: int = 0
    deterministic_time_limit_s: float | None = None
    # also solve the LP relaxation (HiGHS interior point, after the search; seconds) for a
    # bound CP-SAT's own LP cannot reach in time on big weeks
    relaxation_bound: bool = False
    # prove a bound by column generation (`column_bound.py`: one column per agent's week),
    # inside the time limit, between the agent-by-agent seed and the whole-team search
    column_bound: bool = False


CONSTRUCTION_SHARE = 0.5  # of the time limit, for the agent-by-agent roster that seeds the search
# with `column_bound`: the seed's share, then column generation's, then the search has the rest
BOUNDED_CONSTRUCTION_SHARE = 0.45
COLUMN_BOUND_SHARE = 0.4
# below this limit column generation finishes too few rounds on a 15-agent week (2 cores) to
# prove anything, and its time is worth more to the roster: the bound is then CP-SAT's alone
COLUMN_BOUND_MIN_TIME_S = 30.0


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
    """The roster the solver's values describe, with breaks placed and a queue per interval."""
    chosen = [c for c in v.all_candidates() if solver.boolean_value(v.works[c.index])]
    breaks: dict[tuple[str, date], list[BreakSlot]] = defaultdict(list)
    for slot, x in v.breaks.items():
        if solver.boolean_value(x):
            breaks[(slot.agent_id, slot.local_date)].append(slot)
    cover = {q: np.array([solver.value(x) for x in xs], dtype=int) for q, xs in v.cover.items()}
    queue_of = _queues_by_interval(p, chosen, breaks, cover)
    shifts = [_shift(p, c, breaks[(c.agent_id, c.local_date)], queue_of) for c in chosen]
    return Roster(
        p.team.name, p.week.first_day, tuple(sorted(shifts, key=lambda s: (s.agent_id, s.start_utc)))
    )


def _on_break(slots: list[BreakSlot]) -> set[int]:
    return {t for s in slots for t in range(s.start_index, s.start_index + s.n_intervals)}


def _queues_by_interval(
    p: Problem,
    chosen: list[Candidate],
    breaks: dict[tuple[str, date], list[BreakSlot]],
    cover: dict[str, np.ndarray],
) -> dict[tuple[str, int], str]:
    """The queue of each working agent in each interval of the week, meeting the model's counts."""
    n = p.week.grid.n_intervals
    at_work: dict[int, list[str]] = defaultdict(list)
    for c in chosen:
        off = _on_break(breaks[(c.agent_id, c.local_date)])
        for t in range(max(c.start_index, 0), min(c.start_index + c.n_intervals, n)):
            if t not in off:
                at_work[t].append(c.agent_id)
    skills = {a.id: skill_group(p, a) for a in p.team.agents}
    out: dict[tuple[str, int], str] = {}
    previous: dict[str, str] = {}
    for t in range(n):
        wanted = {q: int(counts[t]) for q, counts in cover.items()}
        assigned = assign_interval(at_work.get(t, []), skills, wanted, previous)
        for agent_id, queue in assigned.items():
            out[(agent_id, t)] = queue
        previous.update(assigned)
    return out


def _shift(p: Problem, c: Candidate, slots: list[BreakSlot], queue_of: dict[tuple[str, int], str]) -> Shift:
    """One chosen shift: its breaks as activities and its queue stretches."""
    grid = p.week.grid
    step = timedelta(minutes=grid.interval_minutes)
    activities = tuple(
        break_activity(s.rule, c.start_utc, (s.start_index - c.start_index) * grid.interval_minutes)
        for s in sorted(slots, key=lambda s: s.start_index)
    )
    spans: list[QueueSpan] = []
    current: str | None = None
    for k in range(c.n_intervals):
        queue = queue_of.get((c.agent_id, c.start_index + k), current)
        if queue is None or queue == current:
            continue
        at = c.start_utc + k * step
        if spans:
            spans[-1] = QueueSpan(spans[-1].queue, spans[-1].start_utc, at)
        spans.append(QueueSpan(queue, c.start_utc if not spans else at, c.end_utc))
        current = queue
    if not spans:  # the shift lies wholly outside the week's grid, or is all breaks
        spans.append(QueueSpan(min(skill_group(p, p.team.agent(c.agent_id))), c.start_utc, c.end_utc))
    minutes: dict[str, float] = defaultdict(float)
    for span in spans:
        minutes[span.queue] += (span.end_utc - span.start_utc).total_seconds()
    main = max(sorted(minutes), key=lambda q: minutes[q])
    work = tuple(spans) if len(spans) > 1 else ()
    return Shift(c.agent_id, c.local_date, c.start_utc, c.end_utc, main, activities, work)


def _solver(settings: SolveSettings, time_limit_s: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_time_in_seconds = max(0.1, time_limit_s)
    params.num_workers = settings.workers
    params.random_seed = settings.seed
    params.relative_gap_limit = settings.relative_gap
    if settings.deterministic_time_limit_s is not None:
        # work units, not seconds, and workers taking turns: the same input gives the same roster
        params.max_deterministic_time = settings.deterministic_time_limit_s
        params.interleave_search = True
        params.max_time_in_seconds = max(params.max_time_in_seconds, 10 * settings.deterministic_time_limit_s)
    return solver


def _hint(model: cp_model.CpModel, values: dict[int, int]) -> None:
    """Hint every variable; CP-SAT uses a complete, feasible hint as its first solution."""
    for index, value in values.items():
        model.add_hint(model.get_int_var_from_proto_index(index), value)


def _replay(model: cp_model.CpModel) -> cp_model.CpSolver:
    """A solver holding the hinted roster, for when the search ran out of time before reporting it."""
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 60.0
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # pragma: no cover - a bug
        raise Infeasible(["the agent-by-agent roster does not fit the model; please report this"])
    return solver


def solve(
    p: Problem,
    settings: SolveSettings | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    warm_start: Roster | None = None,
) -> RosterResult:
    """The best roster found within the settings' limits.

    `warm_start` (default: the published roster when re-rostering) is where the search
    starts; its agents' weeks are kept where the rules allow and improved from there.

    A roster built agent by agent (`construct.greedy_seed`, at most a quarter of the time)
    seeds the whole-team model as a complete hint; CP-SAT improves it for the rest of the time.

    Raises:
        Infeasible: the hard rules cannot all hold; the error names the rules and agents in conflict.
    """
    settings = settings or SolveSettings()
    started = time.monotonic()
    model, v, penalties = build_model(p)
    start = warm_start if warm_start is not None else p.published
    deterministic = settings.deterministic_time_limit_s is not None
    proven = float("-inf")
    if settings.column_bound and not deterministic and settings.time_limit_s >= COLUMN_BOUND_MIN_TIME_S:
        seed, proven = _seed_and_bound(p, settings, start, started)
        if proven > float("-inf"):
            model.add(model_objective(penalties) >= round(proven))
    else:
        seed = greedy_seed(p, settings.time_limit_s * CONSTRUCTION_SHARE, settings.seed, start, deterministic)
    seeded = seed_values(p, v, seed) if seed is not None else None
    if seeded is not None:
        _hint(model, seeded)
    solver = _solver(settings, settings.time_limit_s - (time.monotonic() - started))
    callback = _Reporter(on_progress) if on_progress is not None else None
    status = solver.solve(model, callback)
    if status == cp_model.INFEASIBLE:
        raise Infeasible(explain_infeasible(p))
    elapsed_s = time.monotonic() - started
    bound = max(solver.best_objective_bound, proven)  # valid even when the search reported no roster
    if settings.relaxation_bound and status != cp_model.OPTIMAL:
        bound = max(bound, relaxation_bound(model) or float("-inf"))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if seeded is None:
            raise Infeasible(
                [
                    f"no roster keeping every hard rule was found in {settings.time_limit_s:g} s; allow more time"
                ]
            )
        return _result(p, v, penalties, _replay(model), "FEASIBLE", bound, elapsed_s)
    return _result(p, v, penalties, solver, solver.status_name(status), bound, elapsed_s)


def _seed_and_bound(
    p: Problem, settings: SolveSettings, start: Roster | None, started: float
) -> tuple[Seed | None, float]:
    """The agent-by-agent seed, then a lower bound by column generation from its weeks (or -inf)."""
    limit_s = settings.time_limit_s
    found = agent_weeks(p, limit_s * BOUNDED_CONSTRUCTION_SHARE, settings.seed, start)
    if found is None:
        return None, float("-inf")
    workers = max(1, min(settings.workers, os.cpu_count() or 1))
    deadline = started + limit_s * (BOUNDED_CONSTRUCTION_SHARE + COLUMN_BOUND_SHARE)
    bound = column_generation_bound(p, deadline, workers, found, seed=settings.seed)
    return seed_from_weeks(found.weeks), bound.lower_bound


def _result(
    p: Problem,
    v: RosterVars,
    penalties: list[Penalty],
    solver: cp_model.CpSolver,
    status: str,
    bound: float,
    elapsed_s: float,
) -> RosterResult:
    return RosterResult(
        roster=_roster(p, v, solver),
        status=status,
        objective=float(solver.value(model_objective(penalties))),
        bound=bound,
        elapsed_s=elapsed_s,
        penalties={pen.name: pen.weight * solver.value(pen.expr) for pen in penalties},
    )
