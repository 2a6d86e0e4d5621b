"""What coverage is worth: the points of each queue and interval as a function of agents on it.

Two objectives, chosen by `Weights.objective`:

- `headcount`: every agent missing against the requirement costs, and each further missing
  agent in the same interval costs more than the one before (convex: shortage is spread).
- `service_level`: for live queues with a forecast volume, the expected contacts *not*
  answered within the target, from the staffing step's Erlang model, times
  `Weights.missed_contact`; more agents than the requirement still help. The Erlang curve
  is replaced by its upper concave hull, so the cost is convex in agents (exact wherever
  the curve is concave, which is around and above the requirement). Async queues keep the
  headcount cost, since their service level is not a sum over intervals.

Both are tables `points[t, c]` for c = 0..cap[t] agents, convex in c; the model turns them
into lines (`scheduler/model.add_coverage`) and the agent-by-agent seed reads them directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from scheduler.domain import QueueSpec, Weights
from scheduler.roster.problem import Problem
from scheduler.staffing.queues import service_metrics


@dataclass(frozen=True)
class QueueCost:
    """Points of one queue: `points[t, c]` with c agents counted in interval t (c <= cap[t])."""

    points: np.ndarray  # int64, shape (intervals, max cap + 1); flat beyond each cap
    cap: np.ndarray  # int64, shape (intervals,)
    name: str  # what the points measure, for the penalty report


def need_of(p: Problem, queue: str) -> np.ndarray:
    """Whole agents required on `queue` per interval."""
    n = p.week.grid.n_intervals
    return np.ceil(np.asarray(p.required.get(queue, np.zeros(n)), dtype=float) - 1e-9).astype(np.int64)


def headcount_points(need: np.ndarray, cap: int, w: Weights) -> np.ndarray:
    """Convex understaffing points for 0..cap agents against `need` (intervals on axis 0)."""
    counted = np.arange(cap + 1)[None, :]
    short = np.maximum(need[:, None] - counted, 0)
    points = w.under_per_agent_interval * short
    for k in range(1, w.under_tiers):
        deeper = np.maximum(short - k, 0) * (need[:, None] > k)
        points = points + w.under_step_per_agent_interval * deeper
    return points.astype(np.int64)


def _concave_hull(values: np.ndarray) -> np.ndarray:
    """The least concave majorant of `values` over 0..k-1, per row (rows are intervals)."""
    out = values.astype(float).copy()
    k = values.shape[1]
    for row in out:
        hull: list[int] = []
        for x in range(k):
            while len(hull) >= 2:
                a, b = hull[-2], hull[-1]
                if (row[b] - row[a]) * (x - a) <= (row[x] - row[a]) * (b - a):
                    hull.pop()
                else:
                    break
            hull.append(x)
        for a, b in pairwise(hull):
            row[a : b + 1] = row[a] + (row[b] - row[a]) * (np.arange(a, b + 1) - a) / (b - a)
    return out


def service_level_points(p: Problem, queue: QueueSpec, cap: int) -> np.ndarray:
    """Points of the contacts not answered within target with 0..cap scheduled agents."""
    volume = np.asarray(p.volume[queue.name], dtype=float)
    aht = p.aht_of(queue)
    agents = np.arange(cap + 1)[:, None] * np.ones((1, volume.size), dtype=np.int64)
    report = service_metrics(
        agents,
        np.broadcast_to(volume, agents.shape),
        np.broadcast_to(aht, agents.shape),
        queue,
        interval_s=p.week.grid.interval_s,
        shrinkage=p.team.shrinkage_of(queue),
    )
    answered = _concave_hull((report.service_level * volume[None, :]).T)
    missed = np.round(p.weights.missed_contact * (volume[:, None] - answered)).astype(np.int64)
    return convex_rows(missed)


def convex_rows(points: np.ndarray) -> np.ndarray:
    """Each row made convex after rounding: its steps never fall (the smallest such raise)."""
    steps = np.maximum.accumulate(np.diff(points, axis=1), axis=1)
    out: np.ndarray = np.concatenate([points[:, :1], points[:, :1] + np.cumsum(steps, axis=1)], axis=1)
    return out


def queue_costs(p: Problem) -> dict[str, QueueCost]:
    """The coverage points of every team queue."""
    out: dict[str, QueueCost] = {}
    for queue in p.team.queues:
        skilled = sum(1 for a in p.team.agents if queue.name in a.skills)
        need = need_of(p, queue.name)
        by_level = p.weights.objective == "service_level" and queue.is_live and queue.name in p.volume
        if by_level and skilled > 0:
            points = service_level_points(p, queue, skilled)
            cap = np.full(need.shape, skilled, dtype=np.int64)
            out[queue.name] = QueueCost(points, cap, "contacts not answered within target (points)")
        else:
            cap = np.minimum(need, skilled)
            points = headcount_points(need, int(max(skilled, 0)), p.weights)
            out[queue.name] = QueueCost(points, cap, "understaffed agent-intervals (convex points)")
    return out


def interval_points(costs: Mapping[str, QueueCost], t: int, cover: Mapping[str, int]) -> int:
    """Points of interval t with `cover[q]` agents counted on each queue."""
    return sum(int(c.points[t, cover[q]]) for q, c in costs.items())
