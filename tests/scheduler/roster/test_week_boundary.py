"""Last week's shifts that run on into this week (a Sunday evening shift ending after midnight)
are cover the week already has: the search, the whole-team model and the report count them."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import numpy as np
import pytest

from scheduler.domain import QueueSpan, Roster, Shift
from scheduler.roster.problem import Problem
from scheduler.roster.report import coverage, summarize
from scheduler.roster.search.construct import team_weeks
from scheduler.roster.solve import solve
from scheduler.roster.validate import check_roster
from tests.scheduler.roster.factories import QUICK, WEEK, blended_problem, model_takes_at_no_higher_price

RUNS_ON_H = 3  # the previous Sunday's shift ends three hours into the week


def with_sunday_evening(p: Problem, queue: str = "chat") -> tuple[Problem, str]:
    """`p` with last week's roster: one agent skilled for `queue` on it from 19:00 on the Sunday
    before the week until three hours into it (the team's zone is London, on GMT that week)."""
    agent = next(a for a in p.team.agents if queue in a.skills)
    start = WEEK.grid.starts()[0].to_pydatetime()
    sunday = (start - timedelta(hours=5), start + timedelta(hours=RUNS_ON_H))
    shift = Shift(
        agent.id,
        WEEK.days[0] - timedelta(days=1),
        *sunday,
        queue,
        work=(QueueSpan(queue, *sunday),),
    )
    return replace(p, previous=Roster(p.team.name, WEEK.days[0] - timedelta(days=7), (shift,))), agent.id


@pytest.mark.parametrize("seed", [0, 1])
def test_the_report_counts_a_shift_from_last_week_where_it_runs_on(seed: int) -> None:
    p, _ = with_sunday_evening(blended_problem(seed))
    nobody = Roster(p.team.name, WEEK.days[0], ())
    chat = coverage(p, nobody)["chat"]
    hours = int(RUNS_ON_H * 60 / WEEK.grid.interval_minutes)
    assert np.all(chat[:hours] == 1)
    assert np.all(chat[hours:] == 0)
    assert np.all(coverage(replace(p, previous=None), nobody)["chat"] == 0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_search_and_the_model_count_it_alike(seed: int) -> None:
    """The model accepts the search's roster and prices it no higher, as without a previous week."""
    p, _ = with_sunday_evening(blended_problem(seed))
    team = team_weeks(p, 2.0, deterministic=True)
    assert model_takes_at_no_higher_price(p, team)


def test_a_roster_after_a_late_sunday_keeps_the_rules_and_its_first_hours_are_not_reported_empty() -> None:
    p, agent_id = with_sunday_evening(blended_problem(0))
    result = solve(p, QUICK)
    assert check_roster(p, result.roster.shifts) == []
    first = min(s.start_utc for s in result.roster.shifts_of(agent_id))
    assert first >= WEEK.grid.starts()[0] + timedelta(hours=RUNS_ON_H)  # the rest rule held
    monday = WEEK.days[0]

    def chat_hours(problem: Problem) -> float:
        days = summarize(problem, result.roster).days
        return next(d.on_queue_hours for d in days if d.queue == "chat" and d.day == monday)

    assert chat_hours(p) == pytest.approx(chat_hours(replace(p, previous=None)) + RUNS_ON_H)
