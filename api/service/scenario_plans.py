"""Scenario requests: the base plan and scenarios of a request (or its job), and the stored result."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from api.schemas import MAX_AGENTS, team_from_mapping
from api.service.codec import availability_entries, roster_from_dicts
from api.service.db import ScenarioRow, utcnow
from api.service.forecasts import lead_in_history
from api.service.params import ScenarioJobParams
from api.service.schemas import AddAgentsIn, HeadcountIn, RemoveAgentsIn
from api.service.storage import dataset_frame, dataset_row
from common.errors import InputIssue, InvalidInput
from scheduler import (
    BasePlan,
    Scenario,
    apply,
    carried_into_the_week,
    compute_requirements,
    forecast_from_requirements,
    pay_from_mapping,
    planning_week,
    scenario_from_mapping,
    sweep,
    with_lead_in,
)


def base_frames(session: Session, params: ScenarioJobParams) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The stored forecast or requirements a request names, and for a forecast the history it was made
    from (None when it was made elsewhere)."""
    row = dataset_row(session, params.team_id, params.base_kind, params.base_id)
    history = lead_in_history(session, params.team_id, row) if params.base_kind == "forecast" else None
    return dataset_frame(row), history


def build_plan(
    params: ScenarioJobParams, base_frame: pd.DataFrame, history: pd.DataFrame | None = None
) -> BasePlan:
    """The base plan of stored request parameters; `base_frame` is the stored forecast or requirements,
    `history` the history a forecast was made from. Its need counts the contacts carried into the week
    as the roster job's does: the requirements' rows marked `lead_in`, or those of the forecast's
    history (as POST /requirements makes them).

    Raises:
        InvalidInput: the team, week, forecast, roster or pay do not fit together.
    """
    team = team_from_mapping(params.team)
    week = planning_week(team, params.first_day)
    if params.base_kind == "forecast":
        forecast = base_frame
        lead_in_frame = (
            None if history is None else compute_requirements(with_lead_in(forecast, history, team), team)
        )
    else:
        forecast, lead_in_frame = forecast_from_requirements(base_frame, team), base_frame
    carried_in, lead_in = carried_into_the_week(lead_in_frame, team, week)
    roster = None
    if (
        params.roster_shifts is not None
    ):  # agents who left the team since the roster was made are not measured
        known = {a.id for a in team.agents}
        shifts = [s for s in params.roster_shifts if s["agent_id"] in known]
        roster = roster_from_dicts(team.name, params.first_day, shifts)
    return BasePlan(
        team,
        week,
        forecast,
        statistic=params.statistic,
        availability=availability_entries(params.availability),
        roster=roster,
        pay=pay_from_mapping(None if params.pay is None else params.pay.mapping()),
        carried_in=carried_in,
        lead_in=lead_in,
    )


def named_scenarios(params: ScenarioJobParams) -> list[Scenario]:
    """The request's named scenarios."""
    return [scenario_from_mapping(s.mapping(), f"scenarios[{i}]") for i, s in enumerate(params.scenarios)]


def scenarios_of(params: ScenarioJobParams, max_scenarios: int) -> list[Scenario]:
    """The named scenarios of a request, then its sweep's grid.

    Raises:
        InvalidInput: no scenario at all, or more than `max_scenarios`.
    """
    grid = sweep(params.sweep.axes(), limit=max_scenarios) if params.sweep is not None else []
    out = named_scenarios(params) + grid
    if not out:
        raise InvalidInput("give at least one scenario or a sweep")
    if len(out) > max_scenarios:
        raise InvalidInput(f"{len(out)} scenarios; at most {max_scenarios} are allowed")
    return out


def scenario_count(params: ScenarioJobParams) -> int:
    """How many scenarios the request has (without building the sweep's grid)."""
    return len(params.scenarios) + (0 if params.sweep is None else params.sweep.size())


def solves_of(params: ScenarioJobParams) -> int:
    """How many roster solves the comparison runs: none at the staffing depth; at the re-roster depth one
    a scenario, and one for the base when no roster is given."""
    if params.depth != "reroster":
        return 0
    return scenario_count(params) + (1 if params.roster_shifts is None else 0)


def check_solver_time(params: ScenarioJobParams, max_solver_s: float) -> None:
    """Refuse a comparison whose solves could take more than `max_solver_s` of solver time in all.

    Raises:
        InvalidInput: what was asked (solves times the time limit) and the limit.
    """
    solves = solves_of(params)
    asked_s = solves * params.time_limit_s
    if asked_s > max_solver_s:
        reason = (
            f"{solves} solves of up to {params.time_limit_s:g} s each: {asked_s:,.0f} s "
            f"({asked_s / 3600:.1f} h) of solver time; a job may take at most {max_solver_s:,.0f} s "
            "(WFM_MAX_JOB_SOLVER_S): compare fewer scenarios or give a lower time_limit_s"
        )
        raise InvalidInput([InputIssue(reason, column="time_limit_s", value=f"{params.time_limit_s:g}")])


def check_team_sizes(params: ScenarioJobParams, max_agents: int = MAX_AGENTS) -> None:
    """Refuse a named scenario whose team would have more than `max_agents` agents after any of its
    changes (a team's limit holds for the teams scenarios make too), before any team is built.

    Raises:
        InvalidInput: an issue for each such scenario, naming it, the change and the head count.
    """
    issues: list[InputIssue] = []
    for i, scenario in enumerate(params.scenarios):
        agents = len(params.team["agents"])
        for k, change in enumerate(scenario.changes):
            if isinstance(change, HeadcountIn):
                agents = change.agents
            elif isinstance(change, AddAgentsIn):
                agents += change.count
            elif isinstance(change, RemoveAgentsIn):
                agents = max(0, agents - len(change.agent_ids) - change.count)
            if agents > max_agents:
                reason = (
                    f"scenario {scenario.name!r} would have {agents} agents after change {k + 1} "
                    f"({change.kind}); a team has at most {max_agents}"
                )
                issues.append(InputIssue(reason, column=f"scenarios.{i}.changes.{k}", value=scenario.name))
                break
    if issues:
        raise InvalidInput(issues)


def check(
    params: ScenarioJobParams,
    frames: tuple[pd.DataFrame, pd.DataFrame | None],
    max_scenarios: int,
    *,
    max_solver_s: float,
) -> BasePlan:
    """Build the plan and apply each named scenario and the extremes of each sweep axis once (every value
    of a `statistic` axis), so that a bad request fails now with a 422; cheap whatever the grid's size.

    Raises:
        InvalidInput: no scenario, too many, more solver time than `max_solver_s`, a scenario's team
            above the team limit, or a bad scenario.
    """
    count = scenario_count(params)
    if count == 0:
        raise InvalidInput("give at least one scenario or a sweep")
    if count > max_scenarios:
        raise InvalidInput(f"{count} scenarios; at most {max_scenarios} are allowed")
    check_solver_time(params, max_solver_s)
    check_team_sizes(params)
    plan = build_plan(params, *frames)
    probes = named_scenarios(params)
    if params.sweep is not None:
        for axis, values in params.sweep.axes().items():
            extremes = sorted(set(values)) if axis == "statistic" else [min(values), max(values)]
            probes += sweep({axis: extremes})
    for scenario in probes:
        apply(plan, scenario)
    return plan


def public_request(params: ScenarioJobParams) -> dict[str, Any]:
    """The request as the caller gave it (without the snapshots stored for the job)."""
    keys = {"label", "depth", "base_kind", "base_id", "statistic", "roster_version", "first_day"}
    keys |= {"scenarios", "sweep", "pay", "time_limit_s"}
    return params.model_dump(mode="json", include=keys)


def store_comparison(
    session: Session,
    params: ScenarioJobParams,
    rows: list[dict[str, Any]],
    job_id: str | None,
    token_id: int | None,
) -> ScenarioRow:
    """Store a finished comparison."""
    row = ScenarioRow(
        team_id=params.team_id,
        job_id=job_id,
        label=params.label,
        depth=params.depth,
        request=public_request(params),
        rows=rows,
        token_id=token_id,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row
