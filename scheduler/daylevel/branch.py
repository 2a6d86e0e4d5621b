"""A best-bound search tree over "employee e has shift s on day d", with a dive at every node.

Column generation at a node gives its LP bound. The node is branched on the employee-day-shift
whose LP share is most fractional: in one child the employee has shift s (or the day off,
s = None) that day, in the other they do not. Both are options of the employee's pricing problem
(`Column.keeps`, the pricer's `allowed`), so each child is priced exactly and its bound holds for
every roster below it. The open node of least bound is taken next, and a dive from it (the
dives of `curtois_model`, restricted to the node's options) looks for a roster there.

Dives from the root alone keep returning to the same few rosters near the root LP: on Instance 6
they found nothing better than 1,951 in 40 s where the tree's dives found 1,950 within 5 s, since
every branch moves the LP they start from to another part of the roster space. Proving a roster
optimal takes more: on Instance 7 (root LP 1,054.1, optimum 1,056) 2,900 nodes in 120 s left the
tree open.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from common.errors import Infeasible
from scheduler.daylevel.columns import (
    ColumnPool,
    Pricer,
    Roster,
    SharedBest,
    dive,
    generate_columns,
    solve_master_lp,
)
from scheduler.daylevel.instance import Instance
from scheduler.daylevel.lagrangian import ceil_bound
from scheduler.daylevel.master import MasterLP
from scheduler.daylevel.pricing import DayOptions

WHOLE = 1e-6  # an LP share within this of 0 or 1 counts as whole


@dataclass(frozen=True)
class Node:
    """A branch: each employee's options on the days it names, and a lower bound of its rosters."""

    allowed: dict[str, DayOptions]
    bound: float


@dataclass(frozen=True)
class TreeResult:
    """How far the search went: nodes solved, and the least bound of the rosters it has not ruled out
    (the best roster's value when the tree is exhausted)."""

    nodes: int
    bound: float
    exhausted: bool


def day_shares(lp: MasterLP) -> dict[tuple[str, int, str | None], float]:
    """The LP weight of each employee having each shift (or the day off, None) on each day."""
    shares: dict[tuple[str, int, str | None], float] = defaultdict(float)
    for column, x in lp.values:
        for day, shift in enumerate(column.shifts):
            shares[(column.employee, day, shift)] += x
    return shares


def branching_choice(lp: MasterLP) -> tuple[str, int, str | None] | None:
    """The employee, day and shift whose LP share is nearest one half; None if every employee's LP
    schedule is whole. Ties go to the first in employee, day and shift order, so a search repeats."""
    fractional = [(k, x) for k, x in day_shares(lp).items() if WHOLE < x < 1 - WHOLE]
    if not fractional:
        return None
    ordered = sorted(fractional, key=lambda kx: (kx[0][0], kx[0][1], kx[0][2] or ""))
    return min(ordered, key=lambda kx: abs(kx[1] - 0.5))[0]


def children(
    instance: Instance, node: Node, employee: str, day: int, shift: str | None, bound: float
) -> tuple[Node, Node]:
    """The two branches of `node` on "`employee` has `shift` on `day`": it does, and it does not."""
    everything: frozenset[str | None] = frozenset((*instance.shift_ids, None))
    options = node.allowed.get(employee, {}).get(day, everything)

    def keeping(kept: frozenset[str | None]) -> Node:
        return Node({**node.allowed, employee: {**node.allowed.get(employee, {}), day: kept}}, bound)

    return keeping(frozenset({shift})), keeping(options - {shift})


def whole_roster(lp: MasterLP) -> Roster | None:
    """The roster of an LP in which every employee has one whole schedule, else None."""
    if any(WHOLE < x < 1 - WHOLE for _, x in lp.values):
        return None
    return {
        (c.employee, d): s for c, x in lp.values if x > 0.5 for d, s in enumerate(c.shifts) if s is not None
    }


def tree_search(
    pool: ColumnPool,
    pricers: Mapping[str, Pricer],
    deadline: float,
    best: SharedBest,
    rng: random.Random,
    root_bound: float = -math.inf,
    name: str = "tree",
) -> TreeResult:
    """Search the tree until the deadline or until no open node can beat `best`, offering every
    roster found to `best`. Pricing runs in this thread; `pool.allowed` is cleared at the end."""
    order = itertools.count()
    open_nodes: list[tuple[float, int, Node]] = [(root_bound, next(order), Node({}, root_bound))]
    nodes = 0
    try:
        while open_nodes and time.monotonic() < deadline:
            node = heapq.heappop(open_nodes)[2]
            if ceil_bound(node.bound) >= best.value:
                continue
            pool.allowed = dict(node.allowed)
            try:
                cg = generate_columns(pool, deadline, 1, stop_at=best.value, pricers=pricers)
            except Infeasible:
                continue  # an employee has no schedule in this branch
            if not math.isfinite(cg.lp_objective):  # out of time before the branch had a master LP
                heapq.heappush(open_nodes, (node.bound, next(order), node))
                break
            nodes += 1
            bound = max(node.bound, cg.lower_bound)
            if cg.converged:
                bound = max(bound, ceil_bound(cg.lp_objective))
            if ceil_bound(bound) >= best.value:
                continue
            lp = solve_master_lp(pool)
            choice = branching_choice(lp)
            if choice is None:
                best.offer(whole_roster(lp), f"{name} node {nodes}")
                continue
            found = dive(pool, deadline, 1, pricers, rng if nodes > 1 else None, best.value)
            if found is not None:
                best.offer(found, f"{name} dive at node {nodes}")
            for child in children(pool.instance, node, *choice, bound):
                heapq.heappush(open_nodes, (child.bound, next(order), child))
        lower = min((n.bound for _, _, n in open_nodes), default=best.value)
        return TreeResult(nodes, min(ceil_bound(lower), best.value), not open_nodes)
    finally:
        pool.allowed = {}
