"""An agent's own labour rules and a contract in shifts: the engine keeps them, the others keep the team's."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import numpy as np
import pytest

from common.errors import Infeasible
from common.timegrid import PlanningWeek
from scheduler.domain import Agent, AvailabilityEntry, LabourRules, QueueSpec, ShiftRules, Team
from scheduler.roster.explain import conflicting_rules
from scheduler.roster.problem import Problem
from scheduler.roster.solve import solve
from scheduler.roster.validate import check_roster
from tests.scheduler.roster.factories import QUICK

WEEK = PlanningWeek(date(2026, 11, 2), "Europe/Berlin", 30)
FAST = QUICK
TEAM_RULES = LabourRules(min_rest_hours=11, max_consecutive_days=6, min_days_off_per_week=1)


def problem(*agents: Agent, entries: tuple[AvailabilityEntry, ...] = ()) -> Problem:
    team = Team(
        "T",
        "Europe/Berlin",
        (QueueSpec("chat", "chat"),),
        agents,
        30,
        0.0,
        ShiftRules((8.0,), 60, 8 * 60, 12 * 60),
        TEAM_RULES,
    )
    return Problem(team, WEEK, {"chat": np.full(WEEK.grid.n_intervals, 3.0)}, entries)


def agent(agent_id: str, **fields: Any) -> Agent:
    """An agent in Berlin on chat, up to six 8-h days unless `fields` say otherwise."""
    return replace(Agent(agent_id, agent_id.title(), "Europe/Berlin", ("chat",), 0, 48), **fields)


def shifts_by_agent(p: Problem) -> dict[str, list[int]]:
    result = solve(p, FAST)
    assert check_roster(p, result.roster.shifts) == []
    out: dict[str, list[int]] = {a.id: [] for a in p.team.agents}
    for s in result.roster.shifts:
        out[s.agent_id].append((s.local_date - WEEK.first_day).days)
    return {k: sorted(v) for k, v in out.items()}


def longest_run(days: list[int]) -> int:
    best = run = 0
    for d in range(7):
        run = run + 1 if d in days else 0
        best = max(best, run)
    return best


def test_own_labour_rules_bind_only_their_agent() -> None:
    """Demand wants everyone every day: the team allows six days in a row, Maya's own rules two."""
    maya = agent("maya", labour_rules=replace(TEAM_RULES, max_consecutive_days=2))
    worked = shifts_by_agent(problem(maya, agent("ravi")))
    assert longest_run(worked["maya"]) == 2
    assert longest_run(worked["ravi"]) == 6


def test_a_contract_in_shifts_is_kept() -> None:
    """Ravi works at most three shifts; Maya at least five even with Thursday off (so four)."""
    time_off = (AvailabilityEntry("maya", "time_off", on_date=date(2026, 11, 5)),)
    p = problem(
        agent("maya", min_shifts_per_week=5, max_hours_per_week=40), agent("ravi", max_shifts_per_week=3)
    )
    worked = shifts_by_agent(replace(p, required={"chat": np.zeros(WEEK.grid.n_intervals)}))
    assert len(worked["maya"]) == 5
    assert len(worked["ravi"]) == 0
    worked = shifts_by_agent(problem(*p.team.agents))
    assert len(worked["ravi"]) == 3
    with_leave = shifts_by_agent(
        replace(problem(*p.team.agents, entries=time_off), required={"chat": np.zeros(WEEK.grid.n_intervals)})
    )
    assert len(with_leave["maya"]) == 4


def test_a_shift_contract_in_conflict_is_named() -> None:
    """Six shifts a week cannot fit 40 h in 8-h shifts."""
    maya = agent("maya", min_shifts_per_week=6, max_hours_per_week=40)
    p = problem(maya)
    assert sorted(conflicting_rules(p, maya) or []) == ["add_weekly_hours", "add_weekly_shifts"]
    with pytest.raises(Infeasible, match="a contract of 6 shifts this week"):
        solve(p, FAST)
