"""The roster search: agent weeks, their points, ruin and recreate."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

import numpy as np
import pytest

from common.errors import Infeasible
from scheduler.domain import Agent
from scheduler.roster.candidates import (
    Candidate,
    apart,
    break_offsets,
    break_placements,
    break_reach,
    breaks_spaced,
)
from scheduler.roster.problem import Problem, skill_group
from scheduler.roster.search.construct import (
    MAX_BREAK_PLACEMENTS,
    AgentWeek,
    AgentWeekModel,
    NoWeek,
    TeamWeeks,
    break_patterns,
    place_breaks,
    roster_of,
    team_weeks,
)
from scheduler.roster.search.improve import improve_weeks, pick_agents, ruin_and_recreate
from scheduler.roster.solve import Progress, solve
from scheduler.roster.validate import check_roster
from scheduler.roster.variables import BreakSlot
from tests.scheduler.roster.factories import (
    QUICK,
    blended_problem,
    random_problem,
    roster_objective,
    with_tight_breaks,
)


def team_of(seed: int) -> tuple[Problem, TeamWeeks]:
    """A random problem and its agent-by-agent roster after the descent."""
    p = random_problem(seed)
    try:
        team = team_weeks(p, 2.0, deterministic=True)
    except (Infeasible, NoWeek):
        pytest.skip(f"seed {seed}: some agent has no week")
    return p, team


def recounted(p: Problem, team: TeamWeeks) -> float:
    """The objective of the team's roster recounted from the roster alone."""
    return sum(roster_objective(p, roster_of(p, team.weeks)).values())


def best_breaks(
    p: Problem, agent: Agent, c: Candidate, worth: Callable[[int, int], float]
) -> tuple[float, tuple[BreakSlot, ...]]:
    """The plain definition: the breaks of shift `c` where they cost least (one after another, each
    clear of the earlier ones' reach, and they of its, where it can be, then nearest its window's
    middle), and their cost; where one has no such place, all of them together where they cost least
    among the ways that keep them clear."""
    rules = p.team.shift_rules_of(agent).breaks
    step = p.week.grid.interval_minutes
    spaced = breaks_spaced(c.break_rules, c.length_minutes, step)
    cost = 0.0
    placed: list[BreakSlot] = []
    stuck = False
    mine = [
        (r, rule)
        for r, rule in enumerate(rules)
        if rule in c.break_rules and break_offsets(rule, c.length_minutes, step)
    ]
    for r, rule in mine:
        length = -(-rule.duration_minutes // step)
        options = [
            BreakSlot(agent.id, c.local_date, r, rule, c.start_index + k, length)
            for k in break_offsets(rule, c.length_minutes, step)
        ]
        free = [
            o
            for o in options
            if all(
                apart(
                    o.start_index,
                    break_reach(rule, step, spaced),
                    b.start_index,
                    break_reach(b.rule, step, spaced),
                )
                for b in placed
            )
        ]
        stuck = stuck or not free
        middle = options[len(options) // 2].start_index
        best = min(free or options, key=lambda o: (worth(o.start_index, length), abs(o.start_index - middle)))
        cost += worth(best.start_index, length)
        placed.append(best)
    ways = break_placements(
        tuple(rule for _, rule in mine), c.length_minutes, step, spaced, MAX_BREAK_PLACEMENTS
    )
    if stuck and len(mine) > 1 and ways:
        together = [
            [
                BreakSlot(
                    agent.id, c.local_date, r, rule, c.start_index + k, -(-rule.duration_minutes // step)
                )
                for (r, rule), k in zip(mine, way, strict=True)
            ]
            for way in ways
        ]
        costs = [sum(worth(b.start_index, b.n_intervals) for b in slots) for slots in together]
        k = costs.index(min(costs))
        return costs[k], tuple(together[k])
    return cost, tuple(placed)


@pytest.mark.parametrize(("seed", "tight"), [*((s, False) for s in range(8)), *((s, True) for s in range(4))])
def test_breaks_are_placed_as_the_reference_places_them(seed: int, tight: bool) -> None:
    p = with_tight_breaks(random_problem(seed)) if tight else random_problem(seed)
    rng = np.random.default_rng(seed)
    n = p.week.grid.n_intervals
    agent = next(a for a in p.team.agents if skill_group(p, a))
    model = AgentWeekModel(p, agent, 0)
    for draw in range(3):
        value = rng.random(n) * 20 - 5
        if draw < 2:  # whole points with many zeros: ties to break
            value = np.round(value) * (rng.random(n) < 0.6)
        padded = np.concatenate([[0.0], np.cumsum(value)])

        def worth(first: int, count: int, padded: np.ndarray = padded) -> float:
            lo, hi = min(max(first, 0), n), min(max(first + count, 0), n)
            return float(padded[hi] - padded[lo])

        placed = place_breaks(break_patterns(p, agent, model.shifts), len(model.shifts), padded)
        for k, c in enumerate(model.shifts):
            cost, slots = best_breaks(p, agent, c, worth)
            assert (placed.cost[k], placed.slots(agent.id, c, k)) == (cost, slots)
            if tight:  # the windows leave room for 30 minutes of work between them: always kept
                first, second = sorted(slots, key=lambda b: b.start_index)
                assert (second.start_index - first.start_index) * 15 >= first.rule.duration_minutes + 30


@pytest.mark.parametrize("seed", range(3))
def test_a_shifts_worth_is_what_it_saves_with_email_backlog_and_blending(seed: int) -> None:
    """What an agent week's model counts a shift worth (its queue stretches and breaks as chosen) is
    what the roster's coverage points fall by with it: email time and the time chat gives email by
    blending priced through the backlog, for the whole shift (changes of queue cost on top)."""
    p = blended_problem(seed)
    team = team_weeks(p, 2.0, deterministic=True)
    rng = np.random.default_rng(seed)
    repriced = 0  # shifts whose worth the backlog changed (else the test would prove nothing)
    for agent in team.agents:
        old = team.take(agent)
        model = team.models[agent.id]
        value = team.gain(agent)
        placed = model._placed(value)
        worth, queues = model._shift_values(value, placed, backlogs=team.backlogs(agent))
        repriced += int(np.sum(np.abs(model._shift_values(value, placed)[0] - worth) > 1e-6))
        before = team.outcome().points
        for k in rng.choice(len(model.shifts), size=min(6, len(model.shifts)), replace=False).tolist():
            c = model.shifts[k]
            week = AgentWeek(
                [c],
                model.breaks_for([c], value[:, model.skills].max(axis=1)),
                0,
                {c.index: queues[k, : c.n_intervals]},
            )
            team.put(agent, week)
            saved = before - team.outcome().points
            changes = int(np.count_nonzero(np.diff(queues[k, : c.n_intervals])))
            assert worth[k] + p.weights.queue_change * changes == pytest.approx(saved, rel=1e-6, abs=1e-6)
            team.take(agent)
        team.put(agent, old)
    assert repriced > 0


@pytest.mark.parametrize("seed", [0, 3, 5])
def test_team_points_are_the_roster_objective_recounted_from_the_roster(seed: int) -> None:
    p, team = team_of(seed)
    assert team.points() == pytest.approx(recounted(p, team))
    assert sum(team.penalties().values()) == pytest.approx(team.points())


@pytest.mark.parametrize("seed", [0, 3, 6])
def test_ruin_and_recreate_never_worsens_and_keeps_the_rules(seed: int) -> None:
    p, team = team_of(seed)
    rng = np.random.default_rng(seed)
    for _ in range(4):
        before = team.points()
        lowered = ruin_and_recreate(team, pick_agents(team, rng), rng)
        assert team.points() <= before
        assert lowered == (team.points() < before)
    assert check_roster(p, roster_of(p, team.weeks).shifts) == []
    assert team.points() == pytest.approx(recounted(p, team))


def test_improve_weeks_reports_each_improvement() -> None:
    _, team = team_of(0)
    heard: list[float] = []
    improved = improve_weeks(team, time.monotonic() + 60.0, seed=1, max_moves=6, on_improved=heard.append)
    assert improved == len(heard)
    assert heard == sorted(heard, reverse=True)
    if heard:
        assert heard[-1] == team.points()


@pytest.mark.parametrize("seed", [0, 3])
def test_two_chains_end_on_the_best_roster_and_keep_the_rules(seed: int) -> None:
    p, team = team_of(seed)
    before = team.points()
    heard: list[float] = []
    threads = threading.active_count()
    improved = improve_weeks(
        team, time.monotonic() + 60.0, seed=seed, max_moves=8, on_improved=heard.append, chains=2
    )
    assert threading.active_count() == threads, "the helper chain has stopped"
    assert team.points() <= before
    assert improved == len(heard)
    assert heard == sorted(heard, reverse=True)
    if heard:
        assert heard[-1] == team.points()
    assert check_roster(p, roster_of(p, team.weeks).shifts) == []


def test_picked_agents_share_a_queue_with_the_first() -> None:
    _, team = team_of(0)
    rng = np.random.default_rng(0)
    for _ in range(5):
        first, *others = pick_agents(team, rng)
        assert len({first.id, *(a.id for a in others)}) == 1 + len(others)
        assert all(skill_group(team.p, a) & skill_group(team.p, first) for a in others)


def test_solve_reports_progress_and_keeps_every_hard_rule() -> None:
    p = random_problem(0)
    heard: list[Progress] = []
    result = solve(p, QUICK, on_progress=heard.append)
    assert check_roster(p, result.roster.shifts) == []
    assert heard
    assert all(math.isfinite(x.objective) for x in heard)
    assert result.bound <= result.objective
    # the first report carries the first roster (a lead sees its figures early), and only the first
    first = heard[0].first_roster
    assert first is not None
    assert first.shifts
    assert check_roster(p, first.shifts) == []
    assert all(x.first_roster is None for x in heard[1:])
