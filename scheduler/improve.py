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
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from scheduler.construct import DESCENT_WEEK_LIMIT_S, EXACT_WEEK_GAP, TeamWeeks
from scheduler.domain import Agent
from scheduler.model import skill_group

RUIN_SIZE = 3  # agents taken out at once
NOISE = 0.1  # relative noise on the values an agent's week is put back against, to leave the old one


def neighbours(team: TeamWeeks, agent: Agent) -> list[Agent]:
    """The other agents sharing a queue with `agent`."""
    group = skill_group(team.p, agent)
    return [a for a in team.agents if a.id != agent.id and skill_group(team.p, a) & group]


def pick_agents(team: TeamWeeks, rng: np.random.Generator, size: int = RUIN_SIZE) -> list[Agent]:
    """A random agent and up to `size - 1` random agents sharing a queue with them."""
    first = team.agents[int(rng.integers(len(team.agents)))]
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
        noisy = gain * (1.0 + NOISE * rng.standard_normal(gain.size))
        week = team.models[agent.id].best(noisy, DESCENT_WEEK_LIMIT_S, saved[agent.id], team.gap)
        team.put(agent, week or saved[agent.id])
    for agent in agents:
        team.improve(agent, DESCENT_WEEK_LIMIT_S)
    after = team.points()
    if after > before:
        team.restore(saved)
        return False
    return after < before


def improve_weeks(
    team: TeamWeeks,
    deadline: float,
    seed: int = 0,
    max_moves: int | None = None,
    on_improved: Callable[[int], None] | None = None,
) -> int:
    """The descent again with each agent's exact best week (it settled within `AGENT_WEEK_GAP`),
    then ruin-and-recreate moves until the deadline (or `max_moves`); returns how many of these
    steps lowered the points.

    `on_improved` hears the new points after each move that lowered them.
    """
    before = team.points()
    team.gap = EXACT_WEEK_GAP
    team.descend(deadline)
    improved, moves = int(team.points() < before), 0
    if improved and on_improved is not None:
        on_improved(team.points())
    rng = np.random.default_rng(seed)
    while time.monotonic() < deadline and (max_moves is None or moves < max_moves):
        if ruin_and_recreate(team, pick_agents(team, rng), rng):
            improved += 1
            if on_improved is not None:
                on_improved(team.points())
        moves += 1
    return improved
