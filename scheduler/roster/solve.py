"""Solve a roster problem: solver settings, progress, and a readable result."""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import overload

import numpy as np
from ortools.sat.python import cp_model

from common.errors import Infeasible
from scheduler.daylevel.problem import day_level_reasons, solve_day_level
from scheduler.domain import QueueSpan, Roster, Shift
from scheduler.roster.assign import assign_interval
from scheduler.roster.bounds.columns import ColumnBound, column_generation_bound, heaviest_weeks
from scheduler.roster.bounds.relaxation import BackgroundRelaxation
from scheduler.roster.candidates import Candidate, break_activity
from scheduler.roster.explain import explain_infeasible
from scheduler.roster.model import build_model
from scheduler.roster.objective import model_objective
from scheduler.roster.problem import Problem
from scheduler.roster.search.construct import (
    AgentWeeks,
    Seed,
    TeamWeeks,
    greedy_seed,
    seed_from_weeks,
    seed_values,
    team_weeks,
)
from scheduler.roster.search.improve import improve_weeks
from scheduler.roster.variables import BreakSlot, Penalty, RosterVars, skill_group


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
    # also solve the LP relaxation (HiGHS interior point, in a thread beside the search and
    # within the time limit) for a bound CP-SAT's own LP cannot reach in time on big weeks
    relaxation_bound: bool = False
    # prove a bound by column generation (`column_bound.py`: one column per agent's week),
    # inside the time limit, between the agent-by-agent seed and the whole-team search
    column_bound: bool = False


# deterministic: of the time limit, for the agent-by-agent roster that seeds the search
CONSTRUCTION_SHARE = 0.5
# else the agent-by-agent descent runs until it settles, then ruin-and-recreate moves
# (`improve.py`) improve its weeks, until this share of the time limit is left for the whole-team
# CP-SAT search (which rarely improves on them, but proves what bound it can)
SEARCH_SHARE = 0.1
# with cover by shift type beside the demand per interval: the agent-by-agent search prices only
# the intervals, so the whole-team search, which weighs the cover too, gets half the time
SHIFT_COVER_SEARCH_SHARE = 0.5
# a shorter search finds nothing on a 15-agent week (it is still presolving): the weeks are then
# read into the model as they are, and the bound is the least the objective's terms allow
SEARCH_MIN_S = 3.0
# kept at the end to read the weeks into the model (`_replay`)
REPLAY_RESERVE_S = 0.6
# with `column_bound`: the seed's share, then column generation's, then a restart of the descent
# from the master's solution and ruin-and-recreate moves until `SEARCH_SHARE` is left
BOUNDED_CONSTRUCTION_SHARE = 0.25
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
    return Shift(c.agent_id, c.local_date, c.start_utc, c.end_utc, main, activities, work, c.shift_type)


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


@overload
def _replay(model: cp_model.CpModel) -> cp_model.CpSolver: ...
@overload
def _replay(model: cp_model.CpModel, must_fit: bool) -> cp_model.CpSolver | None: ...
def _replay(model: cp_model.CpModel, must_fit: bool = True) -> cp_model.CpSolver | None:
    """A solver holding the hinted roster (when the search ran out of time before reporting it, or
    had none), or None if the hint breaks a rule of the model and not `must_fit`."""
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 60.0
    if solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return solver
    if not must_fit:
        return None
    raise Infeasible(["the agent-by-agent roster does not fit the model; please report this"])  # a bug


def _objective_floor(model: cp_model.CpModel) -> float:
    """The least value the objective's terms take over their variables' domains (a weak bound)."""
    objective = model.proto.objective
    if objective.scaling_factor not in (0.0, 1.0):
        return float("-inf")
    total = float(objective.offset)
    for ref, coefficient in zip(objective.vars, objective.coeffs, strict=True):
        domain = model.proto.variables[ref if ref >= 0 else -ref - 1].domain
        low, high = (domain[0], domain[-1]) if ref >= 0 else (-domain[-1], -domain[0])
        total += coefficient * (low if coefficient > 0 else high)
    return total


def solve(
    p: Problem,
    settings: SolveSettings | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    warm_start: Roster | None = None,
) -> RosterResult:
    """The best roster found within the settings' limits.

    `warm_start` (default: the published roster when re-rostering) is where the search
    starts; its agents' weeks are kept where the rules allow and improved from there.

    A roster is built agent by agent and improved by block coordinate descent
    (`construct.team_weeks`), then by ruin-and-recreate moves on a few agents at a time
    (`improve.improve_weeks`); with `column_bound`, column generation proves a bound in between
    and the descent restarts from the master LP's solution. The best roster seeds the
    whole-team model as a complete hint, and CP-SAT searches from it for the last
    `SEARCH_SHARE` of the time (`SHIFT_COVER_SEARCH_SHARE` with cover by shift type; below
    `SEARCH_MIN_S` the roster is taken as it is). With
    `deterministic_time_limit_s` the descent runs to its end and CP-SAT has the rest.

    Raises:
        Infeasible: the hard rules cannot all hold; the error names the rules and agents in conflict.
    """
    settings = settings or SolveSettings()
    if p.shift_cover and not day_level_reasons(p):
        return _solve_day_level(p, settings, on_progress)
    started = time.monotonic()
    model, v, penalties = build_model(p)
    # the LP stops in time for the roster to be read out within the limit
    lp_deadline = started + settings.time_limit_s - REPLAY_RESERVE_S
    relaxation = BackgroundRelaxation(model, lp_deadline) if settings.relaxation_bound else None
    start = warm_start if warm_start is not None else p.published
    deterministic = settings.deterministic_time_limit_s is not None
    proven = float("-inf")
    warm: Seed | None = None
    search_s = settings.time_limit_s * _search_share(p)
    if search_s < SEARCH_MIN_S:
        search_s = 0.0
    if deterministic:
        seed = greedy_seed(p, settings.time_limit_s * CONSTRUCTION_SHARE, settings.seed, start, deterministic)
    else:
        team, proven = _construct(p, settings, start, started, search_s + REPLAY_RESERVE_S, on_progress)
        warm = _warm_start_seed(team, start)
        if team is not None:
            # the first roster is there: say so now, not when a move first improves it (a re-roster
            # from a good published week may improve on it late or never)
            reporter = _points_reporter(on_progress, started)
            if reporter is not None:
                reporter(team.points())
            improve_weeks(
                team,
                started + settings.time_limit_s - search_s - REPLAY_RESERVE_S * (1 if warm is None else 2),
                settings.seed,
                on_improved=_points_reporter(on_progress, started),
                chains=_cores(settings),
            )
        seed = seed_from_weeks(team.weeks) if team is not None else None
        if proven > float("-inf"):
            model.add(model_objective(penalties) >= round(proven))
    seeded = seed_values(p, v, seed) if seed is not None else None
    if seeded is not None:
        _hint(model, seeded)
    if seeded is not None and not deterministic and search_s == 0.0:
        replayed = _replay(model, must_fit=False)
        if replayed is not None:
            bound = max(_objective_floor(model), proven)
            if relaxation is not None:
                bound = max(bound, relaxation.bound())
            result = _result(p, v, penalties, replayed, "FEASIBLE", bound, time.monotonic() - started)
            result = _no_worse_than(p, model, v, penalties, result, warm, started)
            if on_progress is not None:
                on_progress(Progress(result.objective, result.bound, result.elapsed_s))
            return result
    left_s = settings.time_limit_s - (time.monotonic() - started)
    solver = _solver(
        settings, left_s - (REPLAY_RESERVE_S if seeded is not None and not deterministic else 0.0)
    )
    callback = _Reporter(on_progress) if on_progress is not None else None
    status = solver.solve(model, callback)
    if status == cp_model.INFEASIBLE:
        raise Infeasible(explain_infeasible(p))
    bound = max(solver.best_objective_bound, proven)  # valid even when the search reported no roster
    if relaxation is not None and status != cp_model.OPTIMAL:
        bound = max(bound, relaxation.bound())
    elapsed_s = time.monotonic() - started
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if seeded is None:
            raise Infeasible(
                [
                    f"no roster keeping every hard rule was found in {settings.time_limit_s:g} s; allow more time"
                ]
            )
        result = _result(p, v, penalties, _replay(model), "FEASIBLE", bound, elapsed_s)
    else:
        result = _result(p, v, penalties, solver, solver.status_name(status), bound, elapsed_s)
    return _no_worse_than(p, model, v, penalties, result, warm, started)


# the day-level search's names for the objective's terms, and the roster model's (`model.py`)
DAY_LEVEL_PENALTIES = {
    "shift-on requests not granted": "shift requests not granted (points)",
    "shift-off requests not granted": "shifts worked against a request (points)",
    "under cover": "agents missing from shift-type cover (points)",
    "over cover": "agents over shift-type cover (points)",
}


def _solve_day_level(
    p: Problem, settings: SolveSettings, on_progress: Callable[[Progress], None] | None
) -> RosterResult:
    """A day-level problem (`scheduler/daylevel/problem.py`) by branch and price."""
    try:
        found = solve_day_level(p, settings.time_limit_s, _cores(settings), settings.seed)
    except Infeasible:
        raise Infeasible(explain_infeasible(p)) from None
    search = found.search
    if not search.assignment:
        raise Infeasible(
            [f"no roster keeping every hard rule was found in {settings.time_limit_s:g} s; allow more time"]
        )
    if on_progress is not None:
        on_progress(Progress(search.objective, search.bound, search.elapsed_s))
    return RosterResult(
        roster=Roster(p.team.name, p.week.first_day, found.shifts),
        status=search.status,
        objective=search.objective,
        bound=search.bound,
        elapsed_s=search.elapsed_s,
        penalties={DAY_LEVEL_PENALTIES.get(k, k): v for k, v in search.penalties.items()},
    )


def _search_share(p: Problem) -> float:
    """The share of the time limit for the whole-team CP-SAT search."""
    return SHIFT_COVER_SEARCH_SHARE if p.shift_cover else SEARCH_SHARE


def _cores(settings: SolveSettings) -> int:
    """Threads for the parts that run in parallel: the settings' workers, at most one per core."""
    return max(1, min(settings.workers, os.cpu_count() or 1))


def _warm_start_seed(team: TeamWeeks | None, start: Roster | None) -> Seed | None:
    """The warm start's weeks as a seed, when every agent's week in it keeps the agent's rules."""
    if team is None or start is None:
        return None
    weeks = {}
    for agent in team.agents:
        week = team.models[agent.id].week_of(start)
        if week is None:
            return None
        weeks[agent.id] = week
    return seed_from_weeks(weeks)


def _no_worse_than(
    p: Problem,
    model: cp_model.CpModel,
    v: RosterVars,
    penalties: list[Penalty],
    result: RosterResult,
    warm: Seed | None,
    started: float,
) -> RosterResult:
    """The warm start (e.g. the published roster) as it was, if the whole model scores it better
    than `result`: the agent-by-agent search does not see the fair shares, so it may trade them away."""
    if warm is None:
        return result
    kept = model.clone()
    kept.clear_hints()  # type: ignore[no-untyped-call]
    _hint(kept, seed_values(p, v, warm))
    replayed = _replay(kept, must_fit=False)
    if replayed is None or replayed.value(model_objective(penalties)) >= result.objective:
        return result
    return _result(p, v, penalties, replayed, "FEASIBLE", result.bound, time.monotonic() - started)


def _points_reporter(
    on_progress: Callable[[Progress], None] | None, started: float
) -> Callable[[int], None] | None:
    """Progress from the agent-by-agent search: its points (coverage and own soft rules, before
    the fair shares the whole-team model adds), with no bound yet."""
    if on_progress is None:
        return None
    report = on_progress

    def reported(points: int) -> None:
        report(Progress(float(points), float("-inf"), time.monotonic() - started))

    return reported


def _construct(
    p: Problem,
    settings: SolveSettings,
    start: Roster | None,
    started: float,
    kept_s: float,
    on_progress: Callable[[Progress], None] | None,
) -> tuple[TeamWeeks | None, float]:
    """The agent-by-agent roster after its descent, and a lower bound by column generation (or -inf).

    With `column_bound` (from `COLUMN_BOUND_MIN_TIME_S`), column generation starts from the
    descent's weeks; then the descent restarts from each agent's heaviest week in the master's
    solution, and the better roster is kept.
    """
    limit_s = settings.time_limit_s
    if not settings.column_bound or limit_s < COLUMN_BOUND_MIN_TIME_S:
        return team_weeks(p, limit_s - kept_s - (time.monotonic() - started), settings.seed, start), (
            float("-inf")
        )
    team = team_weeks(
        p, limit_s * BOUNDED_CONSTRUCTION_SHARE - (time.monotonic() - started), settings.seed, start
    )
    if team is None:
        return None, float("-inf")
    workers = _cores(settings)
    deadline = started + limit_s * (BOUNDED_CONSTRUCTION_SHARE + COLUMN_BOUND_SHARE)
    found = team.found()
    bound = column_generation_bound(p, deadline, workers, found, seed=settings.seed)
    restart = _lp_restart(p, bound, found, started + limit_s - kept_s)
    if restart is not None and restart.points() < team.points():
        reporter = _points_reporter(on_progress, started)
        if reporter is not None:
            reporter(restart.points())
        team = restart
    return team, bound.lower_bound


def _lp_restart(p: Problem, bound: ColumnBound, found: AgentWeeks, deadline: float) -> TeamWeeks | None:
    """The descent from each agent's heaviest week in the master LP's solution (None without one)."""
    heaviest = heaviest_weeks(bound)
    if heaviest is None or time.monotonic() >= deadline:
        return None
    restart = TeamWeeks(p, found.models)
    for agent in restart.agents:
        restart.put(agent, heaviest.get(agent.id, found.weeks[agent.id]))
    restart.descend(deadline)
    return restart


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
