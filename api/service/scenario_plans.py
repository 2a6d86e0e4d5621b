"""Scenario requests: the base plan and scenarios as stored with a request (or its job), and the stored result."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from api.schemas import team_from_mapping
from api.service.codec import availability_entries, roster_from_dicts
from api.service.db import ScenarioRow, as_utc, utcnow
from api.service.schemas import ScenarioBrief, ScenarioOut
from common.errors import InvalidInput
from scheduler import (
    DEPTHS,
    BasePlan,
    Depth,
    Scenario,
    SolveSettings,
    apply,
    forecast_from_requirements,
    pay_from_mapping,
    planning_week,
    scenario_from_mapping,
    sweep,
)


def build_plan(params: dict[str, Any], base_frame: pd.DataFrame) -> BasePlan:
    """The base plan of stored request parameters; `base_frame` is the stored forecast or requirements.

    Raises:
        InvalidInput: the team, week, forecast, roster or pay do not fit together.
    """
    team = team_from_mapping(params["team"])
    first_day = date.fromisoformat(params["first_day"])
    week = planning_week(team, first_day)
    forecast = (
        base_frame if params["base_kind"] == "forecast" else forecast_from_requirements(base_frame, team)
    )
    shifts = params.get("roster_shifts")
    roster = None
    if shifts is not None:  # agents who left the team since the roster was made are not measured
        known = {a.id for a in team.agents}
        roster = roster_from_dicts(team.name, first_day, [s for s in shifts if s["agent_id"] in known])
    return BasePlan(
        team,
        week,
        forecast,
        statistic=params.get("statistic", "mean"),
        availability=availability_entries(params["availability"]),
        roster=roster,
        pay=pay_from_mapping(params.get("pay")),
    )


def scenarios_of(params: dict[str, Any], max_scenarios: int) -> list[Scenario]:
    """The named scenarios of a request, then its sweep's grid."""
    named = [scenario_from_mapping(s, f"scenarios[{i}]") for i, s in enumerate(params.get("scenarios") or [])]
    grid = sweep(params["sweep"], limit=max_scenarios) if params.get("sweep") else []
    out = named + grid
    if not out:
        raise InvalidInput("give at least one scenario or a sweep")
    if len(out) > max_scenarios:
        raise InvalidInput(f"{len(out)} scenarios; at most {max_scenarios} are allowed")
    return out


def depth_of(params: dict[str, Any]) -> Depth:
    """The request's depth."""
    depth = params.get("depth", "staffing")
    if depth not in DEPTHS:
        raise InvalidInput(f"depth must be one of {', '.join(DEPTHS)}")
    return depth  # type: ignore[no-any-return]


def solve_settings(params: dict[str, Any], solver_threads: int) -> SolveSettings:
    """Solver limits of one re-roster of the request."""
    return SolveSettings(time_limit_s=float(params["time_limit_s"]), workers=solver_threads, seed=0)


def check(
    params: dict[str, Any], base_frame: pd.DataFrame, max_scenarios: int
) -> tuple[BasePlan, list[Scenario]]:
    """Build the plan and apply every scenario once, so a bad request fails now with a 422."""
    plan = build_plan(params, base_frame)
    scenarios = scenarios_of(params, max_scenarios)
    for scenario in scenarios:
        apply(plan, scenario)
    depth_of(params)
    return plan, scenarios


def scenario_brief(row: ScenarioRow) -> ScenarioBrief:
    """A stored comparison's headline."""
    return ScenarioBrief(
        id=row.id,
        team_id=row.team_id,
        label=row.label,
        depth=row.depth,
        job_id=row.job_id,
        scenarios=max(0, len(row.rows) - 1),
        created_at=as_utc(row.created_at) or utcnow(),
    )


def scenario_out(row: ScenarioRow) -> ScenarioOut:
    """A stored comparison with its rows."""
    return ScenarioOut(**scenario_brief(row).model_dump(), rows=list(row.rows))


def public_request(params: dict[str, Any]) -> dict[str, Any]:
    """The request as the caller gave it (without the snapshots stored for the job)."""
    keys = ("label", "depth", "base_kind", "base_id", "statistic", "roster_version", "first_day")
    return {k: params.get(k) for k in (*keys, "scenarios", "sweep", "pay", "time_limit_s")}


def store_comparison(
    session: Session,
    params: dict[str, Any],
    rows: list[dict[str, Any]],
    job_id: str | None,
    token_id: int | None,
) -> ScenarioRow:
    """Store a finished comparison."""
    row = ScenarioRow(
        team_id=params["team_id"],
        job_id=job_id,
        label=params.get("label") or "",
        depth=params["depth"],
        request=public_request(params),
        rows=rows,
        token_id=token_id,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row
