"""A roster job's problem is the stored team's (its agents' own rules and its soft-rule weights), with the
contacts carried into the week and the lead's sick-call option, as `wfm roster` builds it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from api.service.rostering import build_problem
from api.service.worker import warm_up_params, warm_up_requirements
from scheduler import carried_in_from, planning_week


def test_a_jobs_problem_takes_the_teams_weights_and_agent_rules() -> None:
    params = warm_up_params()
    team = dict(params.team)
    team["weights"] = {"objective": "service_level", "extra_start_time": 0}
    team["agents"] = [
        {**team["agents"][0], "max_shifts_per_week": 3, "labour_rules": {"max_consecutive_days": 2}}
    ]
    problem = build_problem(params.model_copy(update={"team": team}), warm_up_requirements())
    assert (problem.weights.objective, problem.weights.extra_start_time) == ("service_level", 0)
    (agent,) = problem.team.agents
    assert agent.max_shifts_per_week == 3
    assert problem.team.labour_rules_of(agent).max_consecutive_days == 2


def test_a_jobs_problem_carries_in_the_lead_in_rows_and_takes_the_sick_call_option() -> None:
    """As `wfm roster` builds it: the email of the rows before the week waits at its start."""
    params = warm_up_params().model_copy(update={"absent_may_work_days_off": True})
    week = warm_up_requirements().assign(volume=2.0, aht_s=300.0, lead_in=False)
    sunday = pd.Timestamp(params.first_day, tz="UTC") - pd.Timedelta(hours=3)
    before = pd.DataFrame(
        {"queue": "email", "ds": [sunday, sunday + pd.Timedelta(hours=1)], "required": 0, "scheduled_needed": 0,
         "volume": 5.0, "aht_s": 300.0, "lead_in": True}
    )  # fmt: skip
    requirements = pd.concat([before, week], ignore_index=True)
    problem = build_problem(params, requirements)
    assert problem.absent_may_work_days_off
    team = problem.team
    expected = carried_in_from(requirements, team, planning_week(team, params.first_day))
    assert set(problem.carried_in) == {"email"}
    np.testing.assert_allclose(problem.carried_in["email"], expected["email"])
    assert problem.carried_in["email"].sum() == pytest.approx(10.0)  # all of them fall due in the week
    assert not build_problem(warm_up_params(), week).carried_in
