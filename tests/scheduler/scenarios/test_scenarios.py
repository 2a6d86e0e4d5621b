"""What-if scenarios: the fast staffing path against the requirements step, validation, depths, sweeps."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest

from common.errors import InvalidInput
from common.timegrid import PlanningWeek
from scheduler.domain import Roster, ShiftRules, Team
from scheduler.roster.problem import carried_in_from, requirements_to_arrays
from scheduler.roster.report import measure
from scheduler.scenarios import (
    NO_ROSTER,
    NOTHING_MEASURED,
    AddAgents,
    AhtChange,
    BasePlan,
    Contract,
    Headcount,
    LocalRunner,
    MinAgentsChange,
    Pay,
    RemoveAgents,
    Scenario,
    ShiftRuleChange,
    StatisticChange,
    TargetChange,
    VolumeChange,
    apply,
    compare,
    evaluate,
    forecast_from_requirements,
    lead_in_from,
    requirement_arrays,
    scenario_from_mapping,
    sweep,
    variant_problem,
)
from scheduler.staffing.requirements import compute_requirements
from tests.scheduler.roster.factories import roster_objective
from tests.scheduler.scenarios.factories import FAST, small_plan


@pytest.fixture(scope="module")
def plan() -> BasePlan:
    return small_plan()


def reference(plan: BasePlan, fc: pd.DataFrame, team: Team, statistic: str = "mean") -> dict[str, np.ndarray]:
    return requirements_to_arrays(compute_requirements(fc, team, statistic=statistic), team, plan.week)


@pytest.mark.parametrize(
    ("changes", "edit"),
    [
        ((), lambda f: f),
        ((VolumeChange(1.3),), lambda f: f.assign(mean=f["mean"] * 1.3)),
        (
            (VolumeChange(2.0, queue="chat", region="America/New_York"),),
            lambda f: f.assign(
                mean=np.where((f["queue"] == "chat") & (f["region"] == "America/New_York"), 2, 1) * f["mean"]
            ),
        ),
        (
            (VolumeChange(0.5, day="wed"),),
            lambda f: f.assign(
                mean=np.where(f["ds"].dt.tz_convert("Europe/London").dt.day_of_week == 2, 0.5, 1) * f["mean"]
            ),
        ),
        (
            (AhtChange(add_s=30, queue="chat"),),
            lambda f: f.assign(aht_s=np.where(f["queue"] == "chat", f["aht_s"] + 30, f["aht_s"])),
        ),
    ],
)
def test_the_fast_path_matches_the_requirements_step(plan: BasePlan, changes: Any, edit: Any) -> None:
    variant = apply(plan, Scenario("s", changes))
    expected = reference(plan, edit(plan.forecast.copy()), plan.team)
    for queue, values in requirement_arrays(plan, variant).items():
        np.testing.assert_array_equal(values, expected[queue], err_msg=queue)


def test_a_stricter_target_and_the_q90_need_more_agents(plan: BasePlan) -> None:
    base = requirement_arrays(plan, apply(plan, Scenario("b")))
    stricter = apply(
        plan, Scenario("s", (TargetChange(service_level=0.95, target_answer_s=20, queue="chat"),))
    )
    assert stricter.team.queue("chat").service_level == 0.95
    assert requirement_arrays(plan, stricter)["chat"].sum() > base["chat"].sum()
    q90 = apply(plan, Scenario("q", (StatisticChange("q90"),)))
    expected = reference(plan, plan.forecast, plan.team, "q90")
    np.testing.assert_array_equal(requirement_arrays(plan, q90)["chat"], expected["chat"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (VolumeChange(1.1, queue="phone"), "unknown queue 'phone'"),
        (VolumeChange(-0.5), "multiplier must be >= 0"),
        (VolumeChange(1.1, region="Asia/Tokyo"), "no region 'Asia/Tokyo'"),
        (VolumeChange(1.1, day="2027-01-01"), "not in the week"),
        (VolumeChange(1.1, day="someday"), "neither a weekday"),
        (RemoveAgents(("zz",)), "no agent 'zz'"),
        (RemoveAgents(count=4), "leaves nobody"),
        (AddAgents(skills=("phone",)), "unknown queue 'phone'"),
        (AddAgents(contract="gold"), "unknown contract 'gold'"),
        (TargetChange(service_level=1.5), "service_level must be a share"),
        (AhtChange(add_s=-1000), "must stay > 0"),
        (StatisticChange("q75"), "no column 'q75'"),
        (ShiftRuleChange(latest_start="25:00"), "not a time of day"),
        (Headcount(0), "at least one agent"),
        (MinAgentsChange(1, queue="email"), "min_agents is for live queues"),
        (MinAgentsChange(-1), "min_agents must not be negative"),
    ],
)
def test_bad_changes_are_refused_with_the_reason(plan: BasePlan, change: Any, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as caught:
        apply(plan, Scenario("bad one", (change,)))
    assert "scenario 'bad one', change 1" in str(caught.value)


def test_a_bad_scenario_stops_the_comparison_before_anything_runs(plan: BasePlan) -> None:
    with pytest.raises(InvalidInput, match="unknown queue"):
        compare(plan, [Scenario("ok"), Scenario("bad", (VolumeChange(2, queue="x"),))], "reroster")
    with pytest.raises(InvalidInput, match="unique"):
        compare(plan, [Scenario("a"), Scenario("a")], "staffing")


def test_staffing_depth_measures_the_base_roster_under_each_scenario(plan: BasePlan) -> None:
    table = compare(
        plan,
        [Scenario("busier", (VolumeChange(1.5),)), Scenario("two leave", (RemoveAgents(("a1", "a2")),))],
        "staffing",
    )
    base, busier, fewer = table.rows
    assert [r.name for r in table.rows] == ["base", "busier", "two leave"]
    assert base.service_level is not None
    assert busier.service_level is not None
    assert busier.service_level < base.service_level
    assert busier.required_agent_hours > base.required_agent_hours
    assert busier.paid_hours == base.paid_hours
    assert fewer.headcount == base.headcount - 2
    assert fewer.paid_hours is not None
    assert base.paid_hours is not None
    assert fewer.paid_hours < base.paid_hours
    assert fewer.understaffed_agent_hours is not None
    assert base.understaffed_agent_hours is not None
    assert fewer.understaffed_agent_hours >= base.understaffed_agent_hours
    assert base.cost == pytest.approx(20.0 * base.paid_hours)
    frame = table.frame()
    assert frame.loc[0, "delta_service_level"] == 0
    assert frame.loc[1, "delta_volume"] == pytest.approx(0.5 * base.volume)
    json.dumps(table.records())  # JSON-ready
    assert table.to_csv().splitlines()[0].startswith("scenario,depth,service_level")


def test_pay_comes_from_the_agent_then_the_contract_then_the_default() -> None:
    pay = Pay(10.0, {"a1": 30.0}, {"part": Contract(10, 20, 15.0)}, {"a2": "part"})
    assert (pay.rate_of("a1"), pay.rate_of("a2"), pay.rate_of("a3")) == (30.0, 15.0, 10.0)
    with pytest.raises(InvalidInput, match="contracts that are not defined"):
        Pay(agent_contracts={"a1": "nope"})


def test_reroster_depth_solves_a_new_roster_with_the_added_agent(plan: BasePlan) -> None:
    pay = Pay(20.0, contracts={"part": Contract(8, 24, 12.0)})
    plan = BasePlan(plan.team, plan.week, plan.forecast, roster=plan.roster, pay=pay)
    hire = Scenario("hire", (RemoveAgents(("a4",)), AddAgents(1, ("chat",), contract="part")))
    row = evaluate(plan, hire, "reroster", FAST)
    assert row.roster is not None
    assert row.roster_status in ("OPTIMAL", "FEASIBLE")
    agents = {s.agent_id for s in row.roster.shifts}
    assert "a4" not in agents
    new_hours = sum(s.hours for s in row.roster.shifts if s.agent_id == "new-01")
    assert 8 <= new_hours <= 24
    assert row.cost == pytest.approx(
        sum(s.hours * (12.0 if s.agent_id == "new-01" else 20.0) for s in row.roster.shifts)
    )


def test_a_scenario_no_roster_can_be_found_for_says_why_and_the_others_still_come(plan: BasePlan) -> None:
    """Two hires of exactly 20 h on the team's 8-h shifts cannot be rostered: that row has no service
    figures and says why; the other scenario is measured as usual."""
    odd = Scenario("odd hours", (AddAgents(2, ("chat",), min_hours_per_week=20, max_hours_per_week=20),))
    table = compare(plan, [odd, Scenario("louder", (VolumeChange(1.1),))], "reroster", settings=FAST)
    base, stuck, louder = table.rows
    assert stuck.roster_status == NO_ROSTER
    assert stuck.service_level is None
    assert stuck.roster is None
    assert any(n.startswith("no roster: ") and "must work 20 h this week" in n for n in stuck.notes), (
        stuck.notes
    )
    assert louder.service_level is not None
    assert louder.roster_status in ("OPTIMAL", "FEASIBLE")
    assert base.service_level is not None


def test_a_headcount_copies_the_last_agent_on_the_usual_contract_with_their_own_rules(plan: BasePlan) -> None:
    """The last agent in the file is a 20-h part-timer on 4-h shifts of their own: two more agents are
    copies of the last full-timer; on a team of such part-timers, copies keep the 4-h shifts."""
    part = ShiftRules((4.0,), 60, 7 * 60, 10 * 60)
    agents = plan.team.agents
    last = replace(agents[-1], name="Sofia", min_hours_per_week=20, max_hours_per_week=20, shift_rules=part)
    mixed = BasePlan(replace(plan.team, agents=(*agents[:-1], last)), plan.week, plan.forecast)
    variant = apply(mixed, Scenario("two more", (Headcount(len(agents) + 2),)))
    copied = agents[-2]
    assert [(a.max_hours_per_week, a.shift_rules) for a in variant.added] == [(40, None)] * 2
    assert f"headcount 6: 2 copies of {copied.name} (email+chat, Europe/London, 0–40 h)" in variant.notes
    team = replace(
        plan.team, agents=tuple(replace(a, max_hours_per_week=20, shift_rules=part) for a in agents)
    )
    variant = apply(
        BasePlan(team, plan.week, plan.forecast), Scenario("one more", (Headcount(len(agents) + 1),))
    )
    assert [a.shift_rules for a in variant.added] == [part]
    assert any(n.endswith("0–20 h and own rules)") for n in variant.notes), variant.notes


def test_a_re_roster_starts_from_the_roster_in_force_and_is_never_worse_than_it(plan: BasePlan) -> None:
    """Under a busier week with an agent gone, the new roster's points are at most those of the roster
    in force less that agent's shifts (it starts there), as the roster objective counts them."""
    scenario = Scenario("busier, one fewer", (VolumeChange(1.3), RemoveAgents(("a2",))))
    row = evaluate(plan, scenario, "reroster", FAST)
    assert plan.roster is not None
    assert row.roster is not None
    variant = apply(plan, scenario)
    problem = variant_problem(plan, variant)
    kept = variant.keeps(plan.roster)
    assert "a2" not in {s.agent_id for s in kept.shifts}
    new_points = sum(roster_objective(problem, row.roster).values())
    assert new_points <= sum(roster_objective(problem, kept).values()) + 1e-6


def test_staffing_without_a_roster_reports_requirements_only(plan: BasePlan) -> None:
    bare = BasePlan(plan.team, plan.week, plan.forecast)
    table = compare(bare, [Scenario("more", (VolumeChange(1.2),))], "staffing")
    row = table.rows[1]
    assert row.service_level is None
    assert row.cost is None
    assert row.required_agent_hours > 0
    assert all(NOTHING_MEASURED in r.notes for r in table.rows)  # says why the figures are blank
    measured = compare(plan, [Scenario("more", (VolumeChange(1.2),))], "staffing")
    assert not any(NOTHING_MEASURED in r.notes for r in measured.rows)


def test_a_sweep_is_the_grid_of_its_axes() -> None:
    scenarios = sweep({"volume": [0.8, 1.0, 1.2], "headcount": [3, 4]})
    assert len(scenarios) == 6
    assert scenarios[0].name == "volume=0.8, headcount=3"
    assert scenarios[0].changes == (VolumeChange(0.8), Headcount(3))
    with pytest.raises(InvalidInput, match="unknown sweep axis"):
        sweep({"moon": [1]})
    with pytest.raises(InvalidInput, match="at most 5"):
        sweep({"volume": [1, 2, 3], "headcount": [1, 2]}, limit=5)


def test_a_local_process_pool_gives_the_same_table_and_reports_progress(plan: BasePlan) -> None:
    scenarios = sweep({"volume": [0.9, 1.1], "headcount": [3, 4]})
    seen: list[tuple[int, int]] = []
    pooled = compare(
        plan, scenarios, "staffing", runner=LocalRunner(2), on_progress=lambda d, t, _: seen.append((d, t))
    )
    serial = compare(plan, scenarios, "staffing")
    pd.testing.assert_frame_equal(pooled.frame(), serial.frame())
    assert sorted(seen) == [(i, 5) for i in range(1, 6)]


def test_scenarios_read_from_mappings_with_clear_errors() -> None:
    s = scenario_from_mapping(
        {
            "name": "busy",
            "changes": [
                {"kind": "volume", "multiplier": 1.2, "queue": "chat"},
                {"kind": "headcount", "agents": 3},
            ],
        }
    )
    assert s.changes == (VolumeChange(1.2, queue="chat"), Headcount(3))
    for bad, message in (
        ({"name": "x", "changes": [{"kind": "warp"}]}, "unknown change kind 'warp'"),
        ({"name": "x", "changes": [{"kind": "volume", "multiplier": "lots"}]}, "is not a number"),
        ({"name": "x", "changes": [{"kind": "volume", "multiplier": 1, "colour": 2}]}, "has no field colour"),
        ({"changes": []}, "needs a name"),
    ):
        with pytest.raises(InvalidInput, match=message):
            scenario_from_mapping(bad)


def test_requirements_can_be_the_base(plan: BasePlan) -> None:
    requirements = compute_requirements(plan.forecast, plan.team)
    fc = forecast_from_requirements(requirements, plan.team)
    from_req = BasePlan(plan.team, plan.week, fc, roster=plan.roster)
    np.testing.assert_array_equal(
        requirement_arrays(from_req, apply(from_req, Scenario("b")))["chat"],
        requirements_to_arrays(requirements, plan.team, plan.week)["chat"],
    )
    assert isinstance(plan.roster, Roster)


def test_contacts_carried_into_the_week_count_as_in_the_roster_report(plan: BasePlan) -> None:
    """Requirements with lead-in rows (email from the evening before the week): the scenario base
    shows the service level the roster report gives the same roster with the same backlog."""
    requirements = compute_requirements(plan.forecast, plan.team).assign(lead_in=False)
    email = requirements[requirements["queue"] == "email"]
    start = pd.Timestamp(plan.week.start_utc) - pd.Timedelta(hours=2)
    before = email.iloc[:8].assign(
        ds=[start + pd.Timedelta(minutes=15 * i) for i in range(8)], volume=40.0, lead_in=True
    )
    with_lead_in = pd.concat([before, requirements], ignore_index=True)
    carried = carried_in_from(with_lead_in, plan.team, plan.week)
    assert carried["email"].sum() == pytest.approx(8 * 40.0)
    base = BasePlan(
        plan.team,
        plan.week,
        forecast_from_requirements(with_lead_in, plan.team),
        roster=plan.roster,
        carried_in=carried,
    )
    row = compare(base, [Scenario("same")], "staffing").rows[0]
    assert plan.roster is not None
    problem = variant_problem(base, apply(base, Scenario("base")))
    report = measure(problem, plan.roster).service["email"].week
    without = measure(replace(problem, carried_in={}), plan.roster).service["email"].week
    assert row.by_queue["email"]["service_level"] == pytest.approx(float(report.service_level))
    assert float(report.service_level) < float(without.service_level)  # the backlog costs service


def test_the_need_counts_the_contacts_carried_in_as_the_requirements_file_does(plan: BasePlan) -> None:
    """Requirements made with a lead-in (`wfm requirements --history`): the scenario base needs the
    same agents as the file, Monday's email need working off the evening before's."""
    # email answered within a day: the evening's email falls due in the forecast's hours
    team = replace(
        plan.team,
        queues=tuple(replace(q, response_hours=24) if q.name == "email" else q for q in plan.team.queues),
    )
    plan = BasePlan(team, plan.week, plan.forecast, roster=plan.roster)
    email = plan.forecast[plan.forecast["queue"] == "email"]
    start = pd.Timestamp(plan.week.start_utc) - pd.Timedelta(hours=3)
    before = email.iloc[:3].assign(
        ds=[start + pd.Timedelta(hours=i) for i in range(3)], mean=30.0, lead_in=True
    )
    with_history = pd.concat([plan.forecast.assign(lead_in=False), before], ignore_index=True)
    requirements = compute_requirements(with_history, plan.team)
    base = BasePlan(
        plan.team,
        plan.week,
        plan.forecast,
        roster=plan.roster,
        carried_in=carried_in_from(requirements, plan.team, plan.week),
        lead_in=lead_in_from(requirements, plan.team, plan.week),
    )
    need = requirement_arrays(base, apply(base, Scenario("base")))
    from_file = requirements_to_arrays(requirements, plan.team, plan.week)
    np.testing.assert_allclose(need["email"], from_file["email"])
    without = requirement_arrays(plan, apply(plan, Scenario("base")))
    assert need["email"].sum() > without["email"].sum()


def test_a_base_whose_forecast_is_for_another_week_names_the_week_it_covers(plan: BasePlan) -> None:
    first = plan.week.first_day
    week = PlanningWeek(first + timedelta(days=7), plan.team.tz, plan.team.interval_minutes)
    with pytest.raises(InvalidInput) as caught:
        replace(plan, week=week)
    assert f"no interval in the week of {first + timedelta(days=7)}" in str(caught.value)
    assert f"plan the week of {first}" in str(caught.value)


def test_a_minimum_of_agents_goes_on_the_live_queues_and_is_read_from_a_mapping(plan: BasePlan) -> None:
    variant = apply(plan, Scenario("keep chat open", (MinAgentsChange(1),)))
    assert {q.name: q.min_agents for q in variant.team.queues} == {"email": 0, "chat": 1}
    scenario = scenario_from_mapping(
        {"name": "x", "changes": [{"kind": "min_agents", "min_agents": 2, "queue": "chat"}]}
    )
    assert scenario.changes == (MinAgentsChange(2, queue="chat"),)
