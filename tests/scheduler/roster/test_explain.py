"""Infeasible weeks are explained in a lead's words, naming the agent and the rules in conflict."""

from __future__ import annotations

import time
from datetime import date

import numpy as np
import pytest

from common.errors import Infeasible
from common.timegrid import PlanningWeek
from scheduler.domain import Agent, AvailabilityEntry, LabourRules, QueueSpec, ShiftRules, Team
from scheduler.roster.explain import conflicting_rules, explain_infeasible
from scheduler.roster.problem import Problem
from scheduler.roster.solve import solve
from tests.scheduler.roster.factories import QUICK

WEEK = PlanningWeek(date(2026, 11, 2), "Europe/Berlin", 30)
FAST = QUICK


def problem(agent: Agent, entries: tuple[AvailabilityEntry, ...] = (), **labour: float) -> Problem:
    team = Team(
        "T",
        "Europe/Berlin",
        (QueueSpec("chat", "chat"),),
        (agent, Agent("ok", "Ok Agent", "Europe/Berlin", ("chat",), 0, 40)),
        30,
        0.0,
        ShiftRules((8.0,), 60, 8 * 60, 12 * 60),
        LabourRules(**labour),  # type: ignore[arg-type]
    )
    return Problem(team, WEEK, {"chat": np.ones(WEEK.grid.n_intervals)}, entries)


def test_contract_against_days_off_names_both() -> None:
    maya = Agent("maya", "Maya Lopez", "Europe/Berlin", ("chat",), 40, 40)
    p = problem(maya, min_days_off_per_week=3)  # 4 days of 8 h cannot make 40 h
    with pytest.raises(Infeasible) as caught:
        solve(p, FAST)
    text = " ".join(caught.value.conflicts)
    assert "Maya Lopez" in text
    assert "Ok Agent" not in text


def test_deletion_filter_keeps_only_rules_in_the_conflict() -> None:
    maya = Agent("maya", "Maya Lopez", "Europe/Berlin", ("chat",), 40, 40)
    p = problem(maya, max_consecutive_days=1)  # one day in a row allows 4 days: 32 h, not 40
    assert sorted(conflicting_rules(p, maya) or []) == ["add_max_consecutive_days", "add_weekly_hours"]
    assert conflicting_rules(p, p.team.agents[1]) == []
    with pytest.raises(Infeasible, match=r"Maya Lopez .*at most 1 days in a row"):
        solve(p, FAST)


def test_time_off_in_the_conflict_is_named() -> None:
    maya = Agent("maya", "Maya Lopez", "Europe/Berlin", ("chat",), 16, 40)
    p = problem(
        maya,
        tuple(AvailabilityEntry("maya", "unavailable", 0, 24 * 60, weekday=d) for d in range(6)),
    )
    assert "availability" in (conflicting_rules(p, maya) or [])


def test_an_agent_whose_start_times_miss_the_grid_is_told_so() -> None:
    """Kathmandu is UTC+5:45: starts on the hour there are never on Berlin's 30-minute grid."""
    kaji = Agent("kaji", "Kaji Kathmandu", "Asia/Kathmandu", ("chat",), 30, 40)
    text = " ".join(explain_infeasible(problem(kaji)))
    assert "Kaji Kathmandu (kaji) cannot work on Mon 02 Nov" in text
    assert "(their start times (08:00–12:00 Asia/Kathmandu) never fall on the team's 30-minute grid)" in text


def test_an_agent_whose_start_times_the_clocks_skip_is_told_so() -> None:
    """New York skips 02:00-02:59 on Sunday 8 March 2026: a shift starting at 02:00 or 02:30 cannot
    start that day."""
    week = PlanningWeek(date(2026, 3, 2), "America/New_York", 30)
    gina = Agent(
        "gina",
        "Gina Gap",
        "America/New_York",
        ("chat",),
        56,
        56,
        shift_rules=ShiftRules((8.0,), 30, 120, 150),
    )
    team = Team(
        "T", "America/New_York", (QueueSpec("chat", "chat"),), (gina,), 30, 0.0, ShiftRules((8.0,), 60, 480, 720),
        LabourRules(min_rest_hours=8, max_consecutive_days=7, min_days_off_per_week=0),
    )  # fmt: skip
    p = Problem(team, week, {"chat": np.ones(week.grid.n_intervals)})
    text = " ".join(explain_infeasible(p))
    assert (
        "cannot work on Sun 08 Mar (the clocks skip 02:00–02:59 that day in America/New_York, where all "
        "their start times fall)" in text
    )


def test_a_contract_the_shifts_cannot_make_names_availability_only_where_there_is_some() -> None:
    """A reviewer's 48-h contract on 8-h shifts and 5 days: the message blamed an availability file
    that was never given."""
    ana = Agent("ana", "Ana", "Europe/Berlin", ("chat",), 48, 48)
    with pytest.raises(Infeasible) as caught:
        solve(problem(ana), FAST)
    (text,) = caught.value.conflicts
    assert text.startswith("Ana (ana) works at most 5 days a week")
    assert "availability" not in text
    late = (AvailabilityEntry("ana", "available", 8 * 60, 20 * 60, weekday=0),)
    with pytest.raises(Infeasible) as again:
        solve(problem(ana, late), FAST)
    assert "has few shifts that fit the availability, works at most 5 days" in " ".join(again.value.conflicts)


def test_hours_no_mix_of_shift_lengths_makes_are_said_with_the_nearest_weeks() -> None:
    """A lead's part-timer had 15.2 h left after paid leave: 8-h shifts make 8 or 16 h, never 15.2.
    Said at once, without a solve that may time out and blame rules the team does not have."""
    jack = Agent("jack", "Jack", "Europe/Berlin", ("chat",), 15.2, 15.2)
    (reason,) = explain_infeasible(problem(jack))
    assert reason == (
        "Jack (jack) must work 15.2 h this week, which no week of their 8-h shifts makes (the nearest: "
        "8 h or 16 h); give a shift length that does, or change the contract hours"
    )


def test_agents_not_checked_by_the_deadline_are_named_and_nothing_is_blamed_unproven() -> None:
    """The account of an impossible roster keeps the solve's time: a solve that could not tell by the
    deadline blames no rule; the agents it did not reach are named, the one the search found first."""
    maya = Agent("maya", "Maya Lopez", "Europe/Berlin", ("chat",), 40, 40)
    p = problem(maya, max_consecutive_days=1)
    assert conflicting_rules(p, maya, deadline=time.monotonic()) is None
    (said,) = explain_infeasible(p, deadline=time.monotonic(), first="maya")
    assert said == (
        "no rule in conflict was found in the time; not checked: Maya Lopez (maya) and Ok Agent (ok): allow "
        "more time to find which"
    )
