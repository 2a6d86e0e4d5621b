"""The week's boundary. Last week's shifts that run on into this week (a Sunday evening shift ending
after midnight) are cover the week already has: the search, the whole-team model and the report
count them. This week's shifts that run on into next week are worth their hours there too, counted
against next week's first hours taken to be like this week's (the lead-out)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import numpy as np
import pytest

from scheduler.domain import QueueSpan, Roster, Shift, ShiftRules
from scheduler.roster.coverage import (
    counted,
    demand_of,
    live_outcome,
    live_points,
    outcome,
    planning_demand,
)
from scheduler.roster.problem import Problem
from scheduler.roster.report import coverage, summarize
from scheduler.roster.search.construct import roster_of, team_weeks
from scheduler.roster.solve import solve
from scheduler.roster.validate import check_roster
from scheduler.staffing.erlang import whole_agents
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


def round_the_clock(seed: int) -> Problem:
    """`blended_problem` with contacts only in the evening and at night (18:00-06:00 UTC) and 8-hour
    shifts that may start at any hour: the week's last ones run on into next week."""
    p = blended_problem(seed)
    hour = WEEK.grid.starts().hour.to_numpy()
    night = (hour >= 18) | (hour < 6)
    return replace(
        p,
        team=replace(p.team, shift_rules=ShiftRules((8.0,), 60, 0, 23 * 60)),
        required={q: np.where(night, need, 0.0) for q, need in p.required.items()},
        volume={q: np.where(night, volume, 0.0) for q, volume in p.volume.items()},
    )


def test_a_shift_into_next_week_is_worth_what_the_last_agent_needed_there_is_worth() -> None:
    """The lead-out: next week's first hours need what this week's first hours need, next week's own
    roster is taken to give them one agent fewer than that, and this week's agents still there count on
    top. The week's own points are as they were without it."""
    p = round_the_clock(0)
    n = WEEK.grid.n_intervals
    lead_out = p.lead_out_intervals()
    assert lead_out == 8 * 60 // WEEK.grid.interval_minutes
    week, planned = demand_of(p), planning_demand(p)
    assert planned.n_intervals == n + lead_out
    chat = next(d for d in week.queues if d.queue.name == "chat")
    assert np.array_equal(planned.queues[chat.index].need[n:], chat.need[:lead_out])

    agent = next(a for a in p.team.agents if "chat" in a.skills)
    start = WEEK.grid.starts()[-1].to_pydatetime() - timedelta(hours=3, minutes=30)  # Sunday 20:30
    shift = Shift(agent.id, WEEK.days[-1], start, start + timedelta(hours=8), "chat")
    roster = Roster(p.team.name, WEEK.days[0], (shift,))
    points = outcome(planned, counted(p, roster, planned)).queues[chat.index].points
    assert np.allclose(points[:n], outcome(week, counted(p, roster, week)).queues[chat.index].points)
    after = (start + timedelta(hours=8) - WEEK.grid.end_utc) // timedelta(minutes=WEEK.grid.interval_minutes)
    for t in range(lead_out):
        own, there = max(int(whole_agents(chat.need[t])) - 1, 0), int(t < after)
        assert points[n + t] == pytest.approx(
            live_points(chat, np.array([float(own + there)]), week, t)[0][0]
        )
    nobody = outcome(planned, counted(p, replace(roster, shifts=()), planned)).queues[chat.index].points
    assert points[n:].sum() < nobody[n:].sum()  # the hours after midnight save points


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_one_more_agent_is_worth_what_the_points_fall_by_in_the_week_and_its_lead_out(seed: int) -> None:
    """The search prices one more agent interval by interval (`gains`): exact in the lead-out too."""
    p = round_the_clock(seed)
    planned = planning_demand(p)
    d = next(q for q in planned.queues if q.queue.name == "chat")
    agents = np.random.default_rng(seed).integers(0, 3, planned.n_intervals).astype(float)
    points, _ = live_outcome(d, agents, planned)
    gain = points - live_outcome(d, agents + 1, planned)[0]
    n = planned.week_intervals
    for t in [0, 3, n - 1, n, n + 5, planned.n_intervals - 1]:
        more = agents.copy()
        more[t] += 1
        assert gain[t] == pytest.approx(points.sum() - live_outcome(d, more, planned)[0].sum())


@pytest.mark.parametrize("seed", [0, 1])
def test_the_search_and_the_model_count_the_lead_out_alike(seed: int) -> None:
    """The model accepts the search's roster, shifts into next week included, and prices it no higher."""
    p = round_the_clock(seed)
    team = team_weeks(p, 2.0, deterministic=True)
    roster = roster_of(p, team.weeks)
    assert max(s.end_utc for s in roster.shifts) > WEEK.grid.end_utc  # into next week
    assert check_roster(p, roster.shifts) == []  # across London's change of clocks that week
    assert model_takes_at_no_higher_price(p, team)
