"""Solve a roster problem: the time budget, the search, progress, and a readable result.

A roster is built agent by agent and improved by block coordinate descent
(`search.construct.team_weeks`), then by ruin-and-recreate moves on a few agents at a time
(`search.improve.improve_weeks`) until the budget's search deadline. Every week keeps its agent's
hard rules, so every roster found does; its objective is counted exactly (`TeamWeeks.points`:
coverage as `coverage.outcome` prices it, every agent's own soft rules, the rules that couple
agents). Day-level problems (`scheduler.daylevel`) go to branch and price instead.

One `Budget` owns the time: the call's start, the limit, the time kept at the end to turn the
weeks into the roster, and (for tests and reproducible runs) solver work units instead of
seconds. With `SolveSettings.relaxation_bound`, the model's LP relaxation is solved in a thread
beside the search for a proven bound.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from common.defaults import ROSTER_TIME_LIMIT_S
from common.errors import Infeasible, TimeTooShort
from scheduler.daylevel.problem import day_level_reasons, solve_day_level
from scheduler.domain import Roster
from scheduler.roster.bounds.relaxation import BackgroundRelaxation
from scheduler.roster.explain import explain_infeasible
from scheduler.roster.model import build_model
from scheduler.roster.problem import Problem
from scheduler.roster.search.construct import MAX_SWEEPS, NoWeek, TeamWeeks, roster_of, team_weeks
from scheduler.roster.search.improve import improve_weeks
from scheduler.roster.search.polish import MIN_SEARCH_S, polish


@dataclass(frozen=True)
class SolveSettings:
    """Solver limits. With `deterministic_time_limit_s` set, the search counts solver work units
    instead of seconds (each agent's week gets work units, and the ruin-and-recreate phase a fixed
    number of moves), so the same problem, settings and seed give the same roster on any machine;
    the wall-clock `time_limit_s` then only guards against runaway runs."""

    time_limit_s: float = ROSTER_TIME_LIMIT_S
    workers: int = 8
    seed: int = 0
    deterministic_time_limit_s: float | None = None
    # also solve the LP relaxation (HiGHS interior point, in a thread beside the search and
    # within the time limit) for a proven bound
    relaxation_bound: bool = False


# kept at the end of the limit to turn the weeks into the roster and count its soft rules (each
# agent's own rules are counted by a small solve of their own): at least these seconds, and per
# agent at least this share of the time an agent's first week took (the machine's pace now, busy
# or not)
FINISH_RESERVE_S = 0.2
FINISH_RESERVE_S_PER_AGENT = 0.02
FINISH_WEEKS_PER_AGENT = 0.2
# from this limit (in deterministic mode, these work units) the last share of the search goes to
# the whole-team model (`search.polish`), for trades between agents that moves of one agent miss;
# building that model, and taking its roster, take about these shares of an agent's first week per
# agent: the polish is left out when they, and the least search worth it, do not fit its share
POLISH_MIN_TIME_S = 30.0
POLISH_MIN_WORK_UNITS = 3.0
POLISH_SHARE = 0.1
POLISH_BUILD_WEEKS_PER_AGENT = 0.5
POLISH_TAKING_WEEKS_PER_AGENT = 0.8
# the agent-by-agent descents (`TeamWeeks.descend`) stop by these shares of the search, however far
# they got: the first (each week within `AGENT_WEEK_GAP` of its best), then the one with each agent's
# best week. A round of them takes a solve per agent, so on a big team they would take the whole
# search; ruin-and-recreate moves get the rest
FIRST_DESCENT_SHARE = 0.3
EXACT_DESCENT_SHARE = 0.5
# in deterministic mode: ruin-and-recreate moves, and rounds of each descent, per work unit of
# `deterministic_time_limit_s`
MOVES_PER_WORK_UNIT = 10
# the least time given to saying why no roster can keep the rules, when the search found that late
EXPLAIN_MIN_S = 1.0
SWEEPS_PER_WORK_UNIT = 10


@dataclass(frozen=True)
class Budget:
    """The time of one solve: when it started, its limit, and the deadline of the search (the limit
    less what turning the weeks into a roster takes). In deterministic mode the search's phases run
    on work units and the deadline only guards against a runaway run.

    `week_s` is how long an agent's first week took to find (0 until the first roster is built): the
    pace of the machine now, which sets the time kept for the steps that must finish."""

    limit_s: float
    started: float
    work_units: float | None = None
    agents: int = 1
    week_s: float = 0.0

    @classmethod
    def starting_now(cls, settings: SolveSettings, agents: int) -> Budget:
        """The budget of a solve for a team of `agents` that starts now."""
        return cls(settings.time_limit_s, time.monotonic(), settings.deterministic_time_limit_s, agents)

    def paced(self, week_s: float) -> Budget:
        """This budget, knowing that an agent's first week took `week_s` seconds."""
        return replace(self, week_s=week_s)

    @property
    def deterministic(self) -> bool:
        """Whether the search counts work units instead of seconds."""
        return self.work_units is not None

    @property
    def search_deadline(self) -> float:
        """When the search stops (a `time.monotonic()` instant)."""
        per_agent_s = max(FINISH_RESERVE_S_PER_AGENT, FINISH_WEEKS_PER_AGENT * self.week_s)
        reserve = FINISH_RESERVE_S + per_agent_s * self.agents
        return self.started + max(0.0, self.limit_s - reserve)

    def elapsed_s(self) -> float:
        """Seconds since the solve started."""
        return time.monotonic() - self.started

    def explain_deadline(self) -> float:
        """When the account of an impossible roster stops (`explain_infeasible`): at the limit, or
        `EXPLAIN_MIN_S` from now if the limit is nearer."""
        return max(self.started + self.limit_s, time.monotonic() + EXPLAIN_MIN_S)

    @property
    def polish_taking_s(self) -> float:
        """Seconds kept at the end of the polish to take its roster."""
        return POLISH_TAKING_WEEKS_PER_AGENT * self.week_s * self.agents

    @property
    def polishes(self) -> bool:
        """Whether the search ends with the whole-team model."""
        if self.work_units is not None:
            return self.work_units >= POLISH_MIN_WORK_UNITS
        building_s = POLISH_BUILD_WEEKS_PER_AGENT * self.week_s * self.agents
        needed_s = building_s + self.polish_taking_s + MIN_SEARCH_S
        return self.limit_s >= POLISH_MIN_TIME_S and needed_s <= POLISH_SHARE * self.limit_s

    @property
    def first_descent_deadline(self) -> float:
        """When the first descent stops (a `time.monotonic()` instant): `FIRST_DESCENT_SHARE` of the search."""
        return self._search_share(FIRST_DESCENT_SHARE)

    @property
    def exact_descent_deadline(self) -> float:
        """When the descent with each agent's best week stops: `EXACT_DESCENT_SHARE` of the search."""
        return self._search_share(EXACT_DESCENT_SHARE)

    def _search_share(self, share: float) -> float:
        return self.started + share * (self.search_deadline - self.started)

    @property
    def moves_deadline(self) -> float:
        """When the ruin-and-recreate moves stop (before the whole-team model's share, if any)."""
        if self.deterministic:
            return math.inf
        share = POLISH_SHARE if self.polishes else 0.0
        return self.search_deadline - share * self.limit_s

    def sweeps(self) -> int:
        """Rounds of each descent: in deterministic mode as many as the work units pay for."""
        if self.work_units is None:
            return MAX_SWEEPS
        return max(1, min(MAX_SWEEPS, round(SWEEPS_PER_WORK_UNIT * self.work_units)))

    def moves(self) -> int | None:
        """Ruin-and-recreate moves in deterministic mode (None: until the deadline)."""
        return None if self.work_units is None else max(1, round(MOVES_PER_WORK_UNIT * self.work_units))


@dataclass(frozen=True)
class Progress:
    """What a running solve has found so far: the roster objective, the best proven bound (-inf
    while none is known) and the seconds elapsed; the first report of a solve also carries its
    first roster (`first_roster`), for a caller that shows a lead its figures early."""

    objective: float
    bound: float
    elapsed_s: float
    first_roster: Roster | None = None


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
    def gap(self) -> float | None:
        """Relative gap between the roster and the best proven bound (0 is optimal); None when no
        bound is known."""
        if not math.isfinite(self.bound):
            return None
        if self.objective == self.bound:
            return 0.0
        return abs(self.objective - self.bound) / max(1.0, abs(self.objective))


def solve(
    p: Problem,
    settings: SolveSettings | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    warm_start: Roster | None = None,
) -> RosterResult:
    """The best roster found within the settings' limits.

    `warm_start` (default: the published roster when re-rostering) is where the search starts;
    its agents' weeks are kept where the rules allow and improved from there, so the result is
    never worse than it.

    Raises:
        Infeasible: the hard rules cannot all hold (the error names the rules and agents in
            conflict), or no roster keeping them was found in the time (the error says how long
            the search would need).
    """
    settings = settings or SolveSettings()
    if p.shift_cover and not day_level_reasons(p):
        return _solve_day_level(p, settings, on_progress)
    budget = Budget.starting_now(settings, len(p.team.agents))
    relaxation = _relaxation(p, budget) if settings.relaxation_bound else None
    team = _first_roster(p, settings, budget, warm_start if warm_start is not None else p.published)
    budget = budget.paced(team.week_s)

    def report(points: float) -> None:
        if on_progress is not None:
            on_progress(Progress(points, float("-inf"), budget.elapsed_s()))

    if on_progress is not None:
        on_progress(Progress(team.points(), float("-inf"), budget.elapsed_s(), roster_of(p, team.weeks)))
    improve_weeks(
        team,
        budget.moves_deadline,
        settings.seed,
        max_moves=budget.moves(),
        on_improved=report,
        chains=1 if budget.deterministic else _cores(settings),
        max_sweeps=budget.sweeps(),
        descent_deadline=budget.exact_descent_deadline,
    )
    if budget.polishes and team.movable:
        workers = 1 if budget.deterministic else _cores(settings)
        taken = polish(
            team, budget.search_deadline, settings.seed, workers, budget.work_units, budget.polish_taking_s
        )
        if taken or budget.deterministic:
            report(team.points())
    for agent in team.agents:  # the queue stretches again, each against the final roster
        team.requeue(agent)
    bound = relaxation.bound() if relaxation is not None else float("-inf")
    result = _result(p, team, bound, budget)
    if on_progress is not None:
        on_progress(Progress(result.objective, result.bound, result.elapsed_s))
    return result


def _first_roster(p: Problem, settings: SolveSettings, budget: Budget, start: Roster | None) -> TeamWeeks:
    """The agent-by-agent roster after its descent, or Infeasible saying why there is none."""
    try:
        return team_weeks(
            p,
            budget.work_units if budget.work_units is not None else budget.limit_s,
            settings.seed,
            start,
            budget.deterministic,
            deadline=budget.search_deadline,
            max_sweeps=budget.sweeps(),
            give_up=budget.started + budget.limit_s,
            descent_deadline=budget.first_descent_deadline,
        )
    except NoWeek as exc:
        if exc.infeasible:  # the agent's own rules allow no week: say which rules conflict, theirs first
            raise Infeasible(explain_infeasible(p, budget.explain_deadline(), first=exc.agent_id)) from None
        elapsed_s = budget.elapsed_s()
        needed_s = math.ceil(
            max(elapsed_s / max(1, exc.agents_done) * len(p.team.agents) * 2, 2 * budget.limit_s)
        )
        raise TimeTooShort(
            f"No roster keeping every hard rule was found in {budget.limit_s:g} s: the first weeks of "
            f"{exc.agents_done} of {len(p.team.agents)} agents took {elapsed_s:.1f} s to find. Allow at least "
            f"{needed_s:.0f} s.",
            needed_s,
        ) from None


def _relaxation(p: Problem, budget: Budget) -> BackgroundRelaxation:
    """The model's LP relaxation, solved in a thread until the search's deadline."""
    model, _, _ = build_model(p)
    return BackgroundRelaxation(model, budget.search_deadline)


def _result(p: Problem, team: TeamWeeks, bound: float, budget: Budget) -> RosterResult:
    """The roster of the search's weeks, its objective counted exactly, with what each soft rule costs."""
    objective = team.points()
    penalties = team.penalties()
    status = "OPTIMAL" if math.isfinite(bound) and bound >= objective - 1e-6 else "FEASIBLE"
    return RosterResult(
        roster=roster_of(p, team.weeks),
        status=status,
        objective=objective,
        bound=min(bound, objective),
        elapsed_s=budget.elapsed_s(),
        penalties=penalties,
    )


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
        deadline = time.monotonic() + max(EXPLAIN_MIN_S, settings.time_limit_s)
        raise Infeasible(explain_infeasible(p, deadline)) from None
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


def _cores(settings: SolveSettings) -> int:
    """Threads for the parts that run in parallel: the settings' workers, at most one per core."""
    return max(1, min(settings.workers, os.cpu_count() or 1))
