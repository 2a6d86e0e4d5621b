"""Queue blocks: the dynamic program finds the best queue sequence that keeps the stretch rules,
checked against every sequence there is on small random shifts."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.roster.stretches import best_stretches, sequence_problems


def brute_force(
    values: np.ndarray, on_break: np.ndarray, length: int, min_intervals: int, max_changes: int
) -> float:
    """The best value over every queue sequence of the shift that keeps the rules."""
    best = -np.inf
    for sequence in itertools.product(range(values.shape[1]), repeat=length):
        if sequence_problems(list(sequence), on_break[:length], min_intervals, max_changes):
            continue
        total = sum(0.0 if on_break[t] else values[t, q] for t, q in enumerate(sequence))
        best = max(best, total)
    return best


@st.composite
def shifts(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
    count = draw(st.integers(1, 4))
    steps = draw(st.integers(1, 8))
    queues = draw(st.integers(1, 3))
    values = np.array(
        draw(st.lists(st.integers(-5, 9), min_size=count * steps * queues, max_size=count * steps * queues)),
        dtype=float,
    ).reshape(count, steps, queues)
    if queues > 1 and draw(st.booleans()):
        values[:, :, queues - 1] = -np.inf  # a queue the agent may not work
    on_break = np.array(
        draw(st.lists(st.booleans(), min_size=count * steps, max_size=count * steps)), dtype=bool
    ).reshape(count, steps)
    on_break[:, 0] = False  # a shift does not start on a break
    lengths = np.array(draw(st.lists(st.integers(1, steps), min_size=count, max_size=count)))
    return values, on_break, lengths, draw(st.integers(1, 4)), draw(st.integers(0, 2))


@settings(max_examples=150, deadline=None)
@given(shifts())
def test_the_program_finds_the_best_sequence_that_keeps_the_rules(
    case: tuple[np.ndarray, np.ndarray, np.ndarray, int, int],
) -> None:
    values, on_break, lengths, min_intervals, max_changes = case
    found = best_stretches(values, on_break, lengths, min_intervals, max_changes)
    for s, length in enumerate(lengths):
        expected = brute_force(values[s], on_break[s], int(length), min_intervals, max_changes)
        assert found.value[s] == pytest.approx(expected)
        if np.isfinite(expected):
            sequence = found.queue[s, :length].tolist()
            assert sequence_problems(sequence, on_break[s, :length], min_intervals, max_changes) == []
            earned = sum(0.0 if on_break[s, t] else values[s, t, q] for t, q in enumerate(sequence))
            assert earned == pytest.approx(expected)
            assert (found.queue[s, length:] == -1).all()


@pytest.mark.parametrize(
    ("sequence", "breaks", "problems"),
    [
        ([0, 0, 0, 0, 1, 1, 1, 1], [], []),
        ([0, 0, 1, 1, 1, 1], [], ["a stretch of 2 intervals on queue 0; at least 4"]),
        ([0, 0, 0, 0, 1, 1, 1, 1], [4], ["a break may not start a stretch"]),
        ([0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1], [], ["3 changes of queue; at most 2"]),
        ([1, 1], [], []),  # a shift shorter than a stretch is one stretch
    ],
)
def test_the_rules_on_a_sequence(sequence: list[int], breaks: list[int], problems: list[str]) -> None:
    on_break = np.zeros(len(sequence), dtype=bool)
    on_break[breaks] = True
    assert sequence_problems(sequence, on_break, 4, 2) == problems
