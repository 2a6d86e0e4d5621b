"""Better rosters after the agent-by-agent descent settles: ruin and recreate a few agents' weeks.

The descent (`construct.TeamWeeks.descend`) stops where no single agent's week can improve
against everyone else's. From there each move takes a few agents who share a queue out of the
roster at once, puts them back one after another, each with the best week against the demand
the others leave (the first sees all the holes), and lets each improve once more; the move is
kept when the team's points do not get worse (equal points let the search drift along a
plateau). Every week keeps its agent's hard rules, so every roster does.

A move costs a few single-agent solves (a fraction of a second each), so many fit where one
whole-team CP-SAT search would add little. Here each agent's week is their exact best
(`EXACT_WEEK_GAP`), where the descent settled for one within 1 %: that alone goes further.

With more than one chain, each runs its own moves on its own copy of the roster in a thread
(CP-SAT releases the GIL while it solves, so two chains make nearly twice the moves on two
cores); a chain that falls behind the best roster any chain has found takes it up every
`CATCH_UP_MOVES` moves.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

import numpy as np

from scheduler.domain import Agent
from scheduler.roster.problem import skill_group
from scheduler.roster.search.construct import (
    DESCENT_WEEK_LIMIT_S,
    EXACT_WEEK_GAP,
    MAX_SWEEPS,
    AgentWeek,
    AgentWeekModel,
    TeamWeeks,
)

RUIN_SIZE = 3  # agents taken out at once
NOISE = 0.1  # relative noise on the values an agent's week is put back against, to leave the old one
CATCH_UP_MOVES = 10  # a chain behind the best roster found takes it up after this many of its moves


def neighbours(team: TeamWeeks, agent: Agent) -> list[Agent]:
    """The other agents a move may change (`TeamWeeks.movable`) sharing a queue with `agent`."""
    group = skill_group(team.p, agent)
    return [a for a in team.movable if a.id != agent.id and skill_group(team.p, a) & group]


def pick_agents(team: TeamWeeks, rng: np.random.Generator, size: int = RUIN_SIZE) -> list[Agent]:
    """A random agent and up to `size - 1` random agents sharing a queue with them."""
    first = team.movable[int(rng.integers(len(team.movable)))]
    others = neighbours(team, first)
    chosen = rng.permutation(len(others))[: size - 1]
    return [first, *(others[int(k)] for k in chosen)]


def ruin_and_recreate(team: TeamWeeks, agents: list[Agent], rng: np.random.Generator) -> bool:
    """One move: take `agents` out, put them back one by one against noisy values, let each
    improve once; keep it unless the points got worse. True if the points went down."""
    before = team.points()
    saved = team.snapshot()
    for agent in agents:
        team.take(agent)
    for k in rng.permutation(len(agents)):
        agent = agents[int(k)]
        gain = team.gain(agent)
        noisy = gain * (1.0 + NOISE * rng.standard_normal(gain.shape))
        week = team.models[agent.id].best(
            noisy,
            DESCENT_WEEK_LIMIT_S,
            saved[agent.id],
            team.gap,
            team.cover_bonus(agent),
            team.fair_context(agent),
            backlogs=team.backlogs(agent),
        )
        team.put(agent, week or saved[agent.id])
    for agent in agents:
        team.improve(agent, DESCENT_WEEK_LIMIT_S)
    after = team.points()
    if after > before:
        team.restore(saved)
        return False
    return after < before


class BestWeeks:
    """The best roster any chain has found: its points and every agent's week (thread-safe)."""

    def __init__(self, team: TeamWeeks) -> None:
        self._lock = threading.Lock()
        self.points = team.points()
        self._weeks = team.snapshot()

    def offer(self, team: TeamWeeks) -> None:
        """Keep `team`'s roster if it is better than the best."""
        points = team.points()
        with self._lock:
            if points < self.points:
                self.points, self._weeks = points, team.snapshot()

    def weeks(self) -> tuple[float, Mapping[str, AgentWeek]]:
        """The best roster's points and weeks."""
        with self._lock:
            return self.points, dict(self._weeks)


def run_chain(
    team: TeamWeeks,
    best: BestWeeks,
    deadline: float,
    rng: np.random.Generator,
    max_moves: int | None = None,
    on_move: Callable[[], None] | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Ruin-and-recreate moves on `team` until the deadline, `max_moves` or `stop`, offering each
    better roster to `best` and taking up the best one when behind."""
    moves = 0
    while time.monotonic() < deadline and (max_moves is None or moves < max_moves):
        if stop is not None and stop.is_set():
            return
        if ruin_and_recreate(team, pick_agents(team, rng), rng):
            best.offer(team)
        moves += 1
        if moves % CATCH_UP_MOVES == 0:
            points, weeks = best.weeks()
            if points < team.points():
                team.restore(weeks)
        if on_move is not None:
            on_move()


def _copy(
    team: TeamWeeks, weeks: Mapping[str, AgentWeek], seed: int, stop: threading.Event
) -> TeamWeeks | None:
    """A roster of these weeks for `team`'s agents, with agent models of its own (a model is not
    shared between threads); None if `stop` is set while the models are built (a big team's take
    seconds)."""
    models = {}
    for a in team.agents:
        if stop.is_set():
            return None
        models[a.id] = AgentWeekModel(team.p, a, seed)
    copy = TeamWeeks(team.p, models, team.demand)
    copy.gap = team.gap
    copy.restore(weeks)
    return copy


def improve_weeks(
    team: TeamWeeks,
    deadline: float,
    seed: int = 0,
    max_moves: int | None = None,
    on_improved: Callable[[float], None] | None = None,
    chains: int = 1,
    max_sweeps: int = MAX_SWEEPS,
    descent_deadline: float | None = None,
) -> int:
    """The descent again with each agent's exact best week (it settled within `AGENT_WEEK_GAP`),
    until `descent_deadline` (default: the deadline), then ruin-and-recreate moves in `chains`
    chains (threads) until the deadline, or until this
    thread's chain has made `max_moves`; `team` ends as the best roster found. Returns how many
    times the best roster improved.

    `on_improved` hears the new points each time (from this thread only).
    """
    heard = [team.points()]

    def report() -> None:
        if best.points < heard[-1]:
            heard.append(best.points)
            if on_improved is not None:
                on_improved(best.points)

    team.gap = EXACT_WEEK_GAP
    until = deadline if descent_deadline is None else min(deadline, descent_deadline)
    team.descend(until, deterministic=max_moves is not None, max_sweeps=max_sweeps)
    best = BestWeeks(team)
    report()
    if not team.movable:  # a repair with nobody to re-roster: nothing a move could change
        return len(heard) - 1
    stop = threading.Event()
    helpers = [
        threading.Thread(target=_helper_chain, args=(team, best, deadline, seed + k, stop), daemon=True)
        for k in range(1, chains)
    ]
    for helper in helpers:
        helper.start()
    try:
        run_chain(team, best, deadline, np.random.default_rng(seed), max_moves, report)
    finally:
        stop.set()
        for helper in helpers:
            helper.join()
    points, weeks = best.weeks()
    if points < team.points():
        team.restore(weeks)
    report()
    return len(heard) - 1


def _helper_chain(
    team: TeamWeeks, best: BestWeeks, deadline: float, seed: int, stop: threading.Event
) -> None:
    """A chain of its own, from the best roster with agent models of its own, until the deadline or `stop`."""
    _, weeks = best.weeks()
    copy = _copy(team, weeks, seed, stop)
    if copy is not None:
        run_chain(copy, best, deadline, np.random.default_rng(seed), stop=stop)
