"""The comparison row's figures: one weighted mean, and a live queue nobody answers."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from common.timegrid import PlanningWeek
from scheduler.domain import BreakRule, Roster
from scheduler.scenarios.changes import AddAgents, Scenario
from scheduler.scenarios.measures import measure, weighted_mean
from scheduler.scenarios.plan import BasePlan
from scheduler.scenarios.variants import apply
from tests.scheduler.scenarios.factories import WEEK, forecast, small_plan, small_team


@pytest.mark.parametrize(
    ("pairs", "mean"),
    [
        ([(1.0, 1.0), (3.0, 3.0)], 2.5),
        ([(1.0, 2.0), (None, 5.0), (9.0, None), (7.0, 0.0), (math.inf, 1.0), (math.nan, 1.0)], 1.0),
        ([(2.0, -1.0), (4.0, 1.0)], 4.0),
        ([], None),
        ([(math.inf, 1.0), (1.0, 0.0)], None),
    ],
)
def test_the_weighted_mean_uses_finite_values_with_positive_weights(
    pairs: list[tuple[float | None, float | None]], mean: float | None
) -> None:
    assert weighted_mean(pairs) == (None if mean is None else pytest.approx(mean))


def test_a_live_queue_nobody_answers_has_no_asa_and_all_its_volume_overloaded() -> None:
    team = small_team()
    plan = BasePlan(
        team,
        PlanningWeek(WEEK, team.tz, team.interval_minutes),
        forecast(team),
        roster=Roster(team.name, WEEK, ()),
    )
    row = measure(plan, apply(plan, Scenario("base")), "base", "staffing", plan.roster)
    chat = row.by_queue["chat"]
    assert chat["asa_s"] is None
    assert chat["overloaded_volume_share"] == pytest.approx(1.0)
    assert row.asa_s is None
    assert row.service_level == pytest.approx(0.0)


@pytest.fixture(scope="module")
def plan() -> BasePlan:
    return small_plan()


def test_the_asa_leaves_out_overloaded_intervals_and_says_how_many_contacts(plan: BasePlan) -> None:
    row = measure(plan, apply(plan, Scenario("base")), "base", "staffing", plan.roster)
    chat = row.by_queue["chat"]
    share = chat["overloaded_volume_share"]
    assert share is not None
    assert 0.0 <= share <= 1.0
    assert row.overloaded_share == pytest.approx(share)  # chat: the one live queue


@pytest.mark.parametrize(("depth", "noted"), [("staffing", True), ("reroster", False)])
def test_agents_added_are_said_to_have_no_shifts_only_when_the_base_roster_is_measured(
    plan: BasePlan, depth: str, noted: bool
) -> None:
    hire = apply(plan, Scenario("hire", (AddAgents(1, ("chat",)),)))
    row = measure(plan, hire, "hire", depth, plan.roster)
    assert any("added ha" in n and "no shifts" in n for n in row.notes) == noted


def test_hires_without_shifts_are_paid_their_contract_at_the_staffing_depth(plan: BasePlan) -> None:
    """Two full-timers and a part-timer of 20-24 h hired: the roster in force has no shifts for them,
    so they serve nobody in its figures, but hiring them is not free."""
    base = measure(plan, apply(plan, Scenario("base")), "base", "staffing", plan.roster)
    hires = Scenario(
        "hires",
        (
            AddAgents(2, ("chat",), min_hours_per_week=40, max_hours_per_week=40, hourly_rate=30),
            AddAgents(1, ("chat",), min_hours_per_week=0, max_hours_per_week=24, hourly_rate=25),
        ),
    )
    row = measure(plan, apply(plan, hires), "hires", "staffing", plan.roster)
    assert base.paid_hours is not None
    assert row.paid_hours is not None
    assert base.cost is not None
    assert row.cost is not None
    assert row.paid_hours == pytest.approx(base.paid_hours + 2 * 40 + 24)
    assert row.cost == pytest.approx(base.cost + 2 * 40 * 30 + 24 * 25)
    assert row.scheduled_headcount == base.scheduled_headcount  # rostered: nobody new
    assert row.service_level == pytest.approx(base.service_level)
    assert any("3 agents added" in n and "24 h or 40 h" in n for n in row.notes)


def test_agents_needed_are_of_the_usual_contract_less_breaks_whoever_a_scenario_hires() -> None:
    """8-h shifts with an hour's lunch: an agent of 40 h gives the queues 35 h, and hiring part-timers
    does not change what an agent of the usual contract is."""
    lunch = BreakRule("lunch", 60, 3 * 60, 5 * 60, min_shift_hours=6)
    team = small_team()
    team = replace(team, shift_rules=replace(team.shift_rules, breaks=(lunch,)))
    plan = BasePlan(team, PlanningWeek(WEEK, team.tz, team.interval_minutes), forecast(team))
    base = measure(plan, apply(plan, Scenario("base")), "base", "staffing", None)
    assert base.required_headcount == pytest.approx(base.required_agent_hours / 35.0)
    part_timers = Scenario(
        "part-timers", (AddAgents(2, ("chat",), min_hours_per_week=20, max_hours_per_week=20),)
    )
    hired = measure(plan, apply(plan, part_timers), "part-timers", "staffing", None)
    assert hired.required_headcount == pytest.approx(base.required_headcount)
