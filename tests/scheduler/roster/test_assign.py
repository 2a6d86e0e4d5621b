"""Per-interval queue assignment and the best cover of an interval, against brute force."""

from __future__ import annotations

from itertools import product

import numpy as np
import pytest

from scheduler.domain import Weights
from scheduler.roster.assign import assign_interval
from scheduler.roster.coverage_cost import headcount_points
from scheduler.roster.search.construct import CoverageCost, best_covers
from scheduler.roster.variables import skill_group
from tests.scheduler.roster.factories import random_problem

QUEUES = ("chat", "email", "voice")


def _random_team(rng: np.random.Generator) -> dict[str, frozenset[str]]:
    out = {}
    for i in range(int(rng.integers(1, 7))):
        size = int(rng.integers(1, 4))
        out[f"a{i}"] = frozenset(str(q) for q in rng.choice(QUEUES, size=size, replace=False))
    return out


def _feasible(skills: dict[str, frozenset[str]], wanted: dict[str, int]) -> bool:
    """Brute force: some choice of one queue per agent meets every wanted count."""
    agents = sorted(skills)
    for choice in product(*(sorted(skills[a]) for a in agents)):
        if all(choice.count(q) >= k for q, k in wanted.items()):
            return True
    return not agents and all(k == 0 for k in wanted.values())


@pytest.mark.parametrize("seed", range(200))
def test_assignment_meets_the_counts_whenever_brute_force_can(seed: int) -> None:
    rng = np.random.default_rng(seed)
    skills = _random_team(rng)
    wanted = {q: int(rng.integers(0, 3)) for q in QUEUES}
    previous = {a: str(rng.choice(sorted(s))) for a, s in skills.items() if rng.random() < 0.5}
    if not _feasible(skills, wanted):
        with pytest.raises(ValueError, match="no agent left"):
            assign_interval(sorted(skills), skills, wanted, previous)
        return
    got = assign_interval(sorted(skills), skills, wanted, previous)
    assert set(got) == set(skills), "every agent at work gets a queue"
    assert all(q in skills[a] for a, q in got.items()), "only queues the agent is skilled for"
    assert all(list(got.values()).count(q) >= k for q, k in wanted.items())


def test_agents_stay_on_their_queue_when_they_can() -> None:
    skills = {"a": frozenset({"chat", "email"}), "b": frozenset({"chat", "email"})}
    got = assign_interval(["a", "b"], skills, {"chat": 1, "email": 1}, {"a": "email", "b": "chat"})
    assert got == {"a": "email", "b": "chat"}


def _points(cover: dict[str, int], need: dict[str, int], working: int, w: Weights) -> int:
    total = 0
    for q, required in need.items():
        short = required - cover[q]
        total += w.under_per_agent_interval * short
        total += w.under_step_per_agent_interval * sum(
            max(0, short - k) for k in range(1, min(required, w.under_tiers))
        )
    return total + w.over_per_agent_interval * (working - sum(cover.values()))


def _convex_table(rng: np.random.Generator, cap: int) -> list[int]:
    """Points for 0..cap agents: falling by less and less (convex), then flat."""
    drops = sorted((int(x) for x in rng.integers(0, 200, size=cap)), reverse=True)
    top = int(rng.integers(0, 1000))
    return [top - sum(drops[:c]) for c in range(cap + 1)]


@pytest.mark.parametrize("seed", range(50))
def test_best_covers_are_optimal(seed: int) -> None:
    """Three intervals at once, each with its own team at work and its own tables, against brute force."""
    rng = np.random.default_rng(seed)
    teams = [_random_team(rng) for _ in range(3)]
    groups = sorted({s for skills in teams for s in skills.values()}, key=sorted)
    counts = np.array([[list(skills.values()).count(g) for g in groups] for skills in teams], dtype=np.int64)
    tables = [{q: _convex_table(rng, int(rng.integers(0, 5))) for q in QUEUES} for _ in teams]
    width = 1 + max(len(t[q]) for t in tables for q in QUEUES)
    points = {q: np.array([t[q] + [t[q][-1]] * (width - len(t[q])) for t in tables]) for q in QUEUES}
    caps = {q: np.array([len(t[q]) - 1 for t in tables]) for q in QUEUES}
    over = 2
    got = best_covers(points, caps, groups, counts.reshape(len(teams), len(groups)))
    for k, (skills, table) in enumerate(zip(teams, tables, strict=True)):
        cover = {q: int(got[q][k]) for q in QUEUES}

        def worth(cover: dict[str, int], table: dict[str, list[int]] = table, n: int = len(skills)) -> int:
            return sum(table[q][c] for q, c in cover.items()) + over * (n - sum(cover.values()))

        best = min(
            worth(wanted)
            for counted in product(*(range(len(table[q])) for q in QUEUES))
            if _feasible(skills, wanted := dict(zip(QUEUES, counted, strict=True)))
        )
        assert _feasible(skills, cover)
        assert worth(cover) == best


@pytest.mark.parametrize("need", range(6))
def test_headcount_points_match_the_rule(need: int) -> None:
    w = Weights()
    table = headcount_points(np.array([need]), 6, w)[0]
    for c in range(7):
        cover = {"q": min(c, need)}
        assert table[c] == _points(cover, {"q": need}, cover["q"], w)


@pytest.mark.parametrize("seed", range(12))
def test_interval_points_are_their_best_covers_points(seed: int) -> None:
    p = random_problem(seed)
    groups = sorted({skill_group(p, a) for a in p.team.agents if skill_group(p, a)}, key=sorted)
    cost = CoverageCost(p, groups)
    rng = np.random.default_rng(seed)
    ts = rng.permutation(p.week.grid.n_intervals)[:200]
    counts = rng.integers(0, 6, size=(ts.size, len(groups)))
    cover = cost.cover(ts, counts)
    got = cost.points(ts, counts)
    for k, t in enumerate(ts):
        one = cost.cover(ts[k : k + 1], counts[k : k + 1])
        assert {q: int(c[0]) for q, c in one.items()} == {q: int(c[k]) for q, c in cover.items()}
        counted = sum(int(c[k]) for c in cover.values())
        expected = sum(int(cost.costs[q].points[t, c[k]]) for q, c in cover.items())
        assert got[k] == expected + cost.over * (int(counts[k].sum()) - counted)
