"""Queue blocks: an agent stays on one queue for a stretch, and changes queue only a few times a shift.

A stretch on a queue runs from the first interval the agent works that queue until they start
another queue or the shift ends; a break in between is part of the stretch it interrupts. Every
stretch lasts at least `ShiftRules.min_queue_stretch_minutes` (the whole shift, when it is
shorter), and a shift has at most `ShiftRules.max_queue_changes` changes of queue.

`best_stretches` finds, for many shifts at once, the queue of each interval worth most against a
value per queue and interval under these rules: a dynamic program over (queue, changes made,
intervals into the stretch, capped at the minimum), compiled with numba.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba as nb
import numpy as np

NEG = -1e18  # a state that cannot be reached


@dataclass(frozen=True)
class Stretches:
    """The best queue sequence of each shift: its value, and the queue (column of the values) of
    every interval of the shift, breaks included (a break belongs to the stretch it interrupts)."""

    value: np.ndarray  # (shifts,)
    queue: np.ndarray  # (shifts, longest shift in intervals); -1 past a shift's end


def min_stretch_intervals(min_minutes: int, interval_minutes: int) -> int:
    """Intervals a stretch must last (at least one)."""
    return max(1, math.ceil(min_minutes / interval_minutes))


def best_stretches(
    values: np.ndarray,
    on_break: np.ndarray,
    lengths: np.ndarray,
    min_intervals: int,
    max_changes: int,
    change_cost: float = 0.0,
) -> Stretches:
    """The queue of each interval of each shift, worth most under the queue-block rules.

    Args:
        values: (shifts, intervals, queues): the value of the agent on each queue in each interval
            of the shift (-inf where they may not work it); breaks earn nothing whatever the queue.
        on_break: (shifts, intervals): the intervals the agent is on a break.
        lengths: (shifts,): each shift's length in intervals (the arrays are padded beyond it).
        min_intervals: the shortest stretch; a shift shorter than it is one stretch.
        max_changes: the most changes of queue in a shift.
        change_cost: what each change of queue costs (so that, all else equal, an agent stays put).
    """
    shifts, steps, _ = values.shape
    if shifts == 0 or steps == 0:
        return Stretches(np.zeros(shifts), np.full((shifts, steps), -1, dtype=np.int64))
    earn = np.ascontiguousarray(
        np.where(np.isfinite(values), np.where(on_break[:, :, None], 0.0, values), NEG)
    )
    value, queue = _program(
        earn,
        np.ascontiguousarray(on_break, dtype=np.bool_),
        np.ascontiguousarray(np.minimum(lengths, steps), dtype=np.int64),
        int(min_intervals),
        int(max_changes),
        float(change_cost),
    )
    return Stretches(np.where(value <= NEG / 2, -np.inf, value), queue)


# An explicit signature makes numba compile when this module is first imported (then load its
# cache), not inside the first solve's time limit.
_PROGRAM = nb.types.Tuple((nb.float64[::1], nb.int64[:, ::1]))(  # type: ignore[no-untyped-call]
    nb.float64[:, :, ::1], nb.boolean[:, ::1], nb.int64[::1], nb.int64, nb.int64, nb.float64
)


@nb.njit(_PROGRAM, cache=True, nogil=True)
def _program(
    earn: np.ndarray,  # (shifts, steps, queues): value of each interval on each queue, NEG if not allowed
    on_break: np.ndarray,  # (shifts, steps)
    lengths: np.ndarray,  # (shifts,)
    size: int,  # intervals a stretch must last
    most: int,  # changes of queue allowed
    change_cost: float,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled; tested through best_stretches
    """The dynamic program over (queue, changes made, intervals into the stretch capped at `size`),
    one shift after another, with back-pointers to read the best sequence out."""
    shifts, steps, queues = earn.shape
    value = np.full(shifts, NEG)
    queue = np.full((shifts, steps), -1, dtype=np.int64)
    best = np.empty((queues, most + 1, size + 1))
    new = np.empty((queues, most + 1, size + 1))
    back_queue = np.empty((steps, queues, most + 1, size + 1), dtype=np.int64)
    back_run = np.empty((steps, queues, most + 1, size + 1), dtype=np.int64)
    for s in range(shifts):
        length = lengths[s]
        best[:] = NEG
        for j in range(queues):
            best[j, 0, 1] = earn[s, 0, j]
        for t in range(1, length):
            new[:] = NEG
            for j in range(queues):
                for k in range(most + 1):
                    for r in range(1, size + 1):  # stay: from r - 1, or a full stretch staying full
                        if r >= 2 and best[j, k, r - 1] > new[j, k, r]:
                            new[j, k, r] = best[j, k, r - 1]
                            back_queue[t, j, k, r] = -1
                            back_run[t, j, k, r] = r - 1
                        if r == size and best[j, k, size] > new[j, k, r]:
                            new[j, k, r] = best[j, k, size]
                            back_queue[t, j, k, r] = -1
                            back_run[t, j, k, r] = size
                    if k >= 1 and not on_break[s, t]:  # change to j after a full stretch on another
                        for i in range(queues):
                            if i != j and best[i, k - 1, size] - change_cost > new[j, k, 1]:
                                new[j, k, 1] = best[i, k - 1, size] - change_cost
                                back_queue[t, j, k, 1] = i
                                back_run[t, j, k, 1] = size
            for j in range(queues):
                for k in range(most + 1):
                    for r in range(1, size + 1):
                        best[j, k, r] = max(new[j, k, r] + earn[s, t, j], NEG)
        # a shift ends with a whole stretch, or is shorter than one and never changes queue
        pick_j, pick_k, pick_r, top = -1, 0, 0, NEG
        for j in range(queues):
            for k in range(most + 1):
                for r in range(1, size + 1):
                    if r < size and not (length < size and k == 0):
                        continue
                    if best[j, k, r] > top:
                        top, pick_j, pick_k, pick_r = best[j, k, r], j, k, r
        value[s] = top
        if pick_j < 0:
            continue
        j, k, r = pick_j, pick_k, pick_r
        for t in range(length - 1, -1, -1):
            queue[s, t] = j
            if t == 0:
                break
            came, before = back_queue[t, j, k, r], back_run[t, j, k, r]
            if came >= 0:
                j, k = came, k - 1
            r = before
    return value, queue


def sequence_problems(
    sequence: list[int], on_break: np.ndarray, min_intervals: int, max_changes: int
) -> list[str]:
    """The queue-block rules a shift's queue per interval breaks (the rules as `best_stretches`
    keeps them; the independent checker states them again on the roster's times)."""
    problems = []
    starts = [t for t in range(len(sequence)) if t == 0 or sequence[t] != sequence[t - 1]]
    if any(on_break[t] for t in starts):
        problems.append("a break may not start a stretch")
    if len(starts) - 1 > max_changes:
        problems.append(f"{len(starts) - 1} changes of queue; at most {max_changes}")
    shortest = min(min_intervals, len(sequence))  # a shift shorter than a stretch is one stretch
    for first, end in zip(starts, [*starts[1:], len(sequence)], strict=True):
        if end - first < shortest:
            problems.append(
                f"a stretch of {end - first} intervals on queue {sequence[first]}; at least {shortest}"
            )
    return problems
