"""Coverage points: convex in agents, and the service-level objective values agents by contacts."""

from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np
import pytest

from common.errors import InvalidInput
from common.timegrid import PlanningWeek
from scheduler.domain import Agent, LabourRules, QueueSpec, ShiftRules, Team, Weights
from scheduler.roster.coverage_cost import convex_rows, queue_costs
from scheduler.roster.problem import Problem
from scheduler.roster.report import service
from scheduler.roster.solve import solve
from scheduler.roster.validate import check_roster
from tests.scheduler.roster.factories import QUICK

WEEK = PlanningWeek(date(2026, 3, 23), "Europe/London", 30)  # the UK changes clocks on the 29th


def problem(objective: str) -> Problem:
    n = WEEK.grid.n_intervals
    hour = (np.arange(n) % 48) / 2
    volume = np.where((hour >= 8) & (hour < 20), 30.0, 0.0)  # 30 calls an half-hour, 08-20 UTC
    voice = QueueSpec("voice", "voice", service_level=0.8, target_answer_s=20, aht_s=300)
    agents = tuple(Agent(f"a{i}", f"Agent {i}", "Europe/London", ("voice",), 0, 40) for i in range(8))
    team = Team(
        "T",
        "Europe/London",
        (voice,),
        agents,
        30,
        0.0,
        ShiftRules((8.0,), 60, 6 * 60, 12 * 60),
        LabourRules(),
    )
    required = {"voice": np.where(volume > 0, 6.0, 0.0)}
    return Problem(
        team,
        WEEK,
        required,
        weights=Weights(objective=objective),
        volume={"voice": volume},
        aht_s={"voice": np.full(n, 300.0)},
    )


@pytest.mark.parametrize("objective", ["headcount", "service_level"])
def test_points_are_convex_and_fall_with_agents(objective: str) -> None:
    cost = queue_costs(problem(objective))["voice"]
    steps = np.diff(cost.points, axis=1)
    assert np.all(steps <= 0), "more agents never cost more"
    assert np.all(np.diff(steps, axis=1) >= 0), "each agent saves no more than the one before"


def test_service_level_points_keep_valuing_agents_above_the_requirement() -> None:
    head = queue_costs(problem("headcount"))["voice"]
    level = queue_costs(problem("service_level"))["voice"]
    busy = int(np.flatnonzero(problem("headcount").volume["voice"])[0])
    assert head.cap[busy] == 6  # headcount stops counting at the requirement
    assert level.cap[busy] == 8
    assert level.points[busy, 7] < level.points[busy, 6], "a 7th agent still answers calls sooner"


def test_service_level_roster_is_valid_and_reports_its_level() -> None:
    p = problem("service_level")
    result = solve(p, QUICK)
    assert check_roster(p, result.roster.shifts) == []
    level = service(p, result.roster)["voice"].week.service_level
    assert 0.0 < float(level) <= 1.0
    assert any("contacts not answered" in name for name in result.penalties)


def test_rounded_rows_are_made_convex() -> None:
    rows = convex_rows(np.array([[100, 60, 41, 21, 20]]))
    assert np.all(np.diff(np.diff(rows, axis=1), axis=1) >= 0)
    assert rows[0, 0] == 100


def test_unknown_objective_is_refused() -> None:
    with pytest.raises(InvalidInput, match="objective"):
        dataclasses.replace(Weights(), objective="happiness")


def test_weights_must_not_be_negative() -> None:
    with pytest.raises(InvalidInput, match="isolated_day_off"):
        Weights(isolated_day_off=-1)
    with pytest.raises(InvalidInput, match="objective"):
        Weights(objective="fastest")
