"""A roster job's problem is the stored team's: its agents' own rules and its soft-rule weights."""

from __future__ import annotations

from api.service.rostering import build_problem
from api.service.worker import warm_up_params, warm_up_requirements


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
