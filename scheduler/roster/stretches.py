"""Queue blocks: an agent stays on one queue for a stretch, and changes queue only a few times a shift.

A stretch on a queue runs from the first interval the agent works that queue until they start
another queue or the shift ends; a break in between is part of the stretch it interrupts. Every
stretch lasts at least `ShiftRules.min_queue_stretch_minutes` (the whole shift, when it is
shorter), and a shift has at most `ShiftRules.max_queue_changes` changes of queue.

`best_stretches` finds, for many shifts at once, the queue of each interval worth most against a
value per queue and interval under these rules: a dynamic program over (queue, changes made,
intervals into the stretch, capped at the minimum), vectorised over the shifts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

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
    shifts, steps, queues = values.shape
    if shifts == 0 or steps == 0:
        return Stretches(np.zeros(shifts), np.full((shifts, steps), -1, dtype=np.int64))
    size, most = min_intervals, max_changes
    earn = np.where(np.isfinite(values), np.where(on_break[:, :, None], 0.0, values), NEG)
    shape = (shifts, queues, most + 1, size + 1)  # queue, changes made, intervals into the stretch
    best = np.full(shape, NEG)
    best[:, :, 0, 1] = earn[:, 0, :]
    # where each state came from: the queue (-1: the same), the changes and the run length before
    from_queue = np.full((steps, *shape), -1, dtype=np.int64)
    from_changes = np.broadcast_to(np.arange(most + 1)[None, None, :, None], (steps, *shape)).copy()
    from_run = np.zeros((steps, *shape), dtype=np.int64)
    for t in range(1, steps):
        new = np.full(shape, NEG)
        run = np.zeros(shape, dtype=np.int64)
        for into in range(1, size + 1):  # stay on the queue: one more interval into the stretch
            sources = [into - 1] if into < size else [size - 1, size]
            for source in (x for x in sources if x >= 1):
                better = best[..., source] > new[..., into]
                new[..., into] = np.where(better, best[..., source], new[..., into])
                run[..., into] = np.where(better, source, run[..., into])
        new = new + earn[:, t, :, None, None]
        queue_from = np.full(shape, -1, dtype=np.int64)
        changes_from = np.broadcast_to(np.arange(most + 1)[None, None, :, None], shape).copy()
        if most > 0 and queues > 1:
            full = best[:, :, :-1, size]  # (shifts, queues, changes) after a whole stretch
            for target in range(queues):  # change to queue `target` from the best other queue
                others = full.copy()
                others[:, target, :] = NEG
                source = others.argmax(axis=1)  # (shifts, changes)
                reach = (
                    np.take_along_axis(others, source[:, None, :], axis=1)[:, 0, :] + earn[:, t, target, None]
                )
                reach = np.where(on_break[:, t, None], NEG, reach)
                better = reach > new[:, target, 1:, 1]
                new[:, target, 1:, 1] = np.where(better, reach, new[:, target, 1:, 1])
                run[:, target, 1:, 1] = np.where(better, size, run[:, target, 1:, 1])
                queue_from[:, target, 1:, 1] = np.where(better, source, -1)
                changes_from[:, target, 1:, 1] = np.where(
                    better, np.arange(most)[None, :], changes_from[:, target, 1:, 1]
                )
        live = (t < lengths)[:, None, None, None]
        best = np.where(live, np.maximum(new, NEG), best)
        from_queue[t] = queue_from
        from_changes[t] = changes_from
        from_run[t] = run
    # a shift ends with a whole stretch, or is shorter than one and never changes queue
    finished = best.copy()
    short = (lengths < size)[:, None, None, None]
    finished[..., 1:size] = np.where(
        short & (np.arange(most + 1) == 0)[None, None, :, None], finished[..., 1:size], NEG
    )
    flat = finished.reshape(shifts, -1)
    pick = flat.argmax(axis=1)
    rows = np.arange(shifts)
    value = flat[rows, pick]
    j, k, r = (np.asarray(x, dtype=np.int64) for x in np.unravel_index(pick, shape[1:]))
    queue = np.full((shifts, steps), -1, dtype=np.int64)
    for t in range(steps - 1, -1, -1):
        live = t < lengths
        queue[live, t] = j[live]
        if t == 0:
            break
        qf, kf, rf = from_queue[t, rows, j, k, r], from_changes[t, rows, j, k, r], from_run[t, rows, j, k, r]
        j = np.where(live & (qf >= 0), qf, j)
        k = np.where(live, kf, k)
        r = np.where(live, rf, r)
    return Stretches(np.where(value <= NEG / 2, -np.inf, value), queue)


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
