"""Per-interval queue assignment and the best cover of an interval, against brute force."""

from __future__ import annotations

from itertools import product

import numpy as np
import pytest

from scheduler.assign import assign_interval
from scheduler.construct import CoverageCost, best_cover
from scheduler.coverage_cost import headcount_points
from scheduler.domain import Weights
from scheduler.model import SkillGroup, skill_group
from tests.scheduler.random_problems import random_problem

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


@pytest.mark.parametrize("seed", range(150))
def test_best_cover_is_optimal(seed: int) -> None:
    rng = np.random.default_rng(seed)
    skills = _random_team(rng)
    groups: dict[SkillGroup, int] = {}
    for s in skills.values():
        groups[s] = groups.get(s, 0) + 1
    tables = {q: _convex_table(rng, int(rng.integers(0, 5))) for q in QUEUES}
    over = 2
    got = best_cover(groups, tables)

    def points(cover: dict[str, int]) -> int:
        return sum(tables[q][c] for q, c in cover.items()) + over * (len(skills) - sum(cover.values()))

    best = min(
        points(wanted)
        for cover in product(*(range(len(tables[q])) for q in QUEUES))
        if _feasible(skills, wanted := dict(zip(QUEUES, cover, strict=True)))
    )
    assert _feasible(skills, got)
    assert points(got) == best


@pytest.mark.parametrize("need", range(6))
def test_headcount_points_match_the_rule(need: int) -> None:
    w = Weights()
    table = headcount_points(np.array([need]), 6, w)[0]
    for c in range(7):
        cover = {"q": min(c, need)}
        assert table[c] == _points(cover, {"q": need}, cover["q"], w)


@pytest.mark.parametrize("seed", range(12))
def test_interval_points_at_once_are_best_covers_one_at_a_time(seed: int) -> None:
    p = random_problem(seed)
    groups = sorted({skill_group(p, a) for a in p.team.agents if skill_group(p, a)}, key=sorted)
    cost = CoverageCost(p, groups)
    rng = np.random.default_rng(seed)
    ts = rng.permutation(p.week.grid.n_intervals)[:200]
    counts = rng.integers(0, 6, size=(ts.size, len(groups)))
    got = cost.points(ts, counts)
    for t, row, points in zip(ts, counts, got, strict=True):
        tables = cost.tables(int(t))
        cover = best_cover(dict(zip(groups, (int(x) for x in row), strict=True)), tables)
        idle = int(row.sum()) - sum(cover.values())
        assert points == sum(tables[q][c] for q, c in cover.items()) + cost.over * idle
