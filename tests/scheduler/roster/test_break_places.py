"""Where a shift's breaks may go together: half an hour of work between them where their windows
leave room for that, found exactly, and the checker's own count agrees."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from scheduler.domain import BreakRule
from scheduler.roster.candidates import (
    apart,
    break_offsets,
    break_placements,
    break_reach,
    breaks_spaced,
)
from scheduler.roster.validate import _can_be_apart


def brute_force_spaced(rules: tuple[BreakRule, ...], length: int, step: int) -> bool:
    """Every combination of places, tried."""
    reach = [break_reach(r, step, True) for r in rules]
    for way in itertools.product(*(break_offsets(r, length, step) for r in rules)):
        if all(
            apart(way[i], reach[i], way[j], reach[j]) for i, j in itertools.combinations(range(len(way)), 2)
        ):
            return True
    return False


@pytest.mark.parametrize("seed", range(40))
def test_spacing_is_found_exactly_and_the_checker_agrees(seed: int) -> None:
    rng = np.random.default_rng(seed)
    step = int(rng.choice([15, 30]))
    length = int(rng.choice([6, 8, 10])) * 60
    rules = []
    for _ in range(int(rng.integers(2, 5))):
        start = int(rng.integers(0, length // 60 - 1)) * 60 + int(rng.choice([0, 15, 30]))
        rules.append(
            BreakRule("break", int(rng.choice([10, 15, 30, 45])), start, start + int(rng.integers(0, 5)) * 30)
        )
    spaced = brute_force_spaced(tuple(rules), length, step)
    assert breaks_spaced(tuple(rules), length, step) is spaced
    assert _can_be_apart(tuple(rules), length, step) is spaced
    for way in break_placements(tuple(rules), length, step, spaced, 50):
        reach = [break_reach(r, step, spaced) for r in rules]
        assert all(
            apart(way[i], reach[i], way[j], reach[j]) for i, j in itertools.combinations(range(len(way)), 2)
        )
        assert all(k in break_offsets(r, length, step) for r, k in zip(rules, way, strict=True))


def test_a_way_is_found_where_the_search_over_places_runs_out_of_steps() -> None:
    """Nine breaks nearest their window's middle leave the tenth, whose window is the shift's
    start, no room: looked for in that order, every way fails after many steps; packed from the
    start, one fits."""
    wide = tuple(BreakRule("break", 15, 0, 660) for _ in range(9))
    rules = (*wide, BreakRule("lunch", 30, 0, 0))
    ways = break_placements(rules, 720, 15, True, 10)
    assert len(ways) >= 1
    assert ways[0][-1] == 0
    assert breaks_spaced(rules, 720, 15)
