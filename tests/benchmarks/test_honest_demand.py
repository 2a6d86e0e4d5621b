"""The honest-demand benchmark counts an agent as free for an empty queue only when the whole move
they would need (a queue stretch of an hour) takes them from intervals their queue can spare."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from benchmarks.honest_demand import could_move
from common.timegrid import PlanningWeek, wall_to_utc, zone
from scheduler.domain import Agent, QueueSpec, Shift, Team
from scheduler.roster.problem import Problem
from tests.scheduler.roster.factories import EASY_LABOUR, EIGHT_HOURS, VERIFY_TZ, VERIFY_WEEK


def _problem() -> Problem:
    """One agent skilled for voice and chat on a 15-minute grid (stretches of an hour, at most two
    changes of queue a shift: the team defaults)."""
    agent = Agent("a", "A", VERIFY_TZ, ("voice", "chat"), 0, 56)
    team = Team(
        "T",
        VERIFY_TZ,
        (QueueSpec("voice", "voice"), QueueSpec("chat", "chat")),
        (agent,),
        15,
        0.0,
        EIGHT_HOURS,
        EASY_LABOUR,
    )
    week = PlanningWeek(VERIFY_WEEK, VERIFY_TZ, 15)
    zeros = np.zeros(week.grid.n_intervals)
    return Problem(team, week, {"voice": zeros, "chat": zeros})


def _on_chat(p: Problem) -> Shift:
    """The agent on chat 09:00-17:00 local on the week's first day, no breaks."""
    start = wall_to_utc(VERIFY_WEEK, 9 * 60, zone(VERIFY_TZ))
    assert start is not None
    return Shift("a", VERIFY_WEEK, start, start + timedelta(hours=8), "chat")


@pytest.mark.parametrize(
    ("chat_short_at", "free"),
    [
        ((), True),  # chat can spare the agent all shift
        (("12:15",), True),  # an hour on voice from 11:15 keeps clear of 12:15
        (("11:15", "12:15"), False),  # every hour on voice holding 12:00 takes them from one of these
        (("12:00",), False),  # chat needs them in the very interval
    ],
)
def test_an_agent_is_free_only_when_the_whole_move_leaves_their_queue_enough(
    chat_short_at: tuple[str, ...], free: bool
) -> None:
    p = _problem()
    shift = _on_chat(p)
    grid = p.week.grid

    def at(clock: str) -> int:
        hour, minute = (int(x) for x in clock.split(":"))
        utc = shift.start_utc + timedelta(hours=hour - 9, minutes=minute)  # the shift starts at 09:00 local
        return grid.index_of(utc)

    spare = {"voice": np.ones(grid.n_intervals, dtype=bool), "chat": np.ones(grid.n_intervals, dtype=bool)}
    for clock in chat_short_at:
        spare["chat"][at(clock)] = False
    assert could_move(p, shift, at("12:00"), "voice", spare) is free
