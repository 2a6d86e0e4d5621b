"""Which queue each multi-skilled agent works in each interval, given how many each queue gets.

The roster model decides how many agents each queue counts per interval (Hall's condition
guarantees an assignment exists); this module finds one, keeping agents on the queue they
were on in the interval before wherever it can, so the roster has few queue changes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence


def assign_interval(
    agents: Sequence[str],
    skills: Mapping[str, frozenset[str]],
    wanted: Mapping[str, int],
    previous: Mapping[str, str],
) -> dict[str, str]:
    """A queue for every agent in `agents` so that each queue q gets at least `wanted[q]`.

    Agents keep their `previous` queue where that helps; the others are moved along
    augmenting paths (a shortest chain of moves ending at a free agent). Agents not needed
    anywhere stay on their previous queue, or go where their skills are scarcest.

    Raises:
        ValueError: no assignment meets `wanted` (the counts break Hall's condition).
    """
    on: dict[str, str | None] = dict.fromkeys(agents)
    count: dict[str, int] = dict.fromkeys(wanted, 0)
    for a in agents:
        q = previous.get(a)
        if q is not None and q in skills[a] and count.get(q, 0) < wanted.get(q, 0):
            on[a] = q
            count[q] += 1
    for q in sorted(wanted, key=lambda name: wanted[name]):
        while count[q] < wanted[q]:
            if not _augment(q, agents, skills, on):
                raise ValueError(f"no agent left for queue {q!r}")
            count[q] += 1
    for a in agents:
        if on[a] is None:
            keep = previous.get(a)
            on[a] = keep if keep is not None and keep in skills[a] else min(skills[a])
    return {a: q for a, q in on.items() if q is not None}


def _augment(
    target: str, agents: Sequence[str], skills: Mapping[str, frozenset[str]], on: dict[str, str | None]
) -> bool:
    """Move agents along a shortest chain so `target` gains one agent; False if no chain exists.

    Breadth-first over queues: from a queue that needs one more agent, any agent skilled
    in it may move in; a free agent ends the chain, a busy one leaves its own queue short,
    which is searched next.
    """
    moves_to: dict[str, str] = {}  # agent -> the queue it would move to
    reached_by: dict[str, str] = {}  # queue -> the agent that would leave it
    frontier: deque[str] = deque([target])
    while frontier:
        queue = frontier.popleft()
        for a in agents:
            if a in moves_to or queue not in skills[a] or on[a] == queue:
                continue
            moves_to[a] = queue
            left = on[a]
            if left is None:
                _apply(a, target, moves_to, reached_by, on)
                return True
            if left != target and left not in reached_by:
                reached_by[left] = a
                frontier.append(left)
    return False


def _apply(
    free: str, target: str, moves_to: dict[str, str], reached_by: dict[str, str], on: dict[str, str | None]
) -> None:
    """Carry out the chain: the free agent fills a queue, whose leaving agent fills the next, up to `target`."""
    agent = free
    while True:
        queue = moves_to[agent]
        on[agent] = queue
        if queue == target:
            return
        agent = reached_by[queue]
