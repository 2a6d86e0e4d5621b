"""What-if scenarios: staffing answers at once; re-roster scenarios and sweeps are jobs; results are stored."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.cli_scenarios import comparison_xlsx_bytes
from api.service.db import RosterVersionRow, ScenarioRow
from api.service.deps import PrincipalDep, SessionDep, StateDep
from api.service.errors import NotFound
from api.service.routes.jobs import job_out, submit_job
from api.service.routes.rosters import XLSX
from api.service.routes.teams import visible_team
from api.service.scenario_plans import check, depth_of, scenario_brief, scenario_out, store_comparison
from api.service.schemas import JobOut, ScenarioBrief, ScenarioCreate, ScenarioOut
from api.service.storage import (
    availability_of,
    availability_snapshot,
    dataset_frame,
    dataset_row,
    scenario_row,
    team_mapping,
    team_row,
    version_row,
)
from common.errors import InputIssue, InvalidInput
from scheduler import compare

router = APIRouter(tags=["scenarios"])
_ANSWERS: dict[int | str, dict[str, Any]] = {
    202: {"model": JobOut, "description": "a re-roster or a sweep: a job (poll GET /jobs/{id})"},
    422: {"description": "invalid request: the body says what and where"},
}


def _bad(field: str, reason: str) -> InvalidInput:
    return InvalidInput([InputIssue(reason, column=field)])


def _roster_version(session: Session, body: ScenarioCreate) -> RosterVersionRow | None:
    if body.roster_version is not None:
        return version_row(session, body.team_id, body.roster_version)
    if body.week is None:
        return None
    return session.scalar(
        select(RosterVersionRow).where(
            RosterVersionRow.team_id == body.team_id,
            RosterVersionRow.first_day == body.week,
            RosterVersionRow.published_at.is_not(None),
        )
    )


def _params(session: Session, body: ScenarioCreate, state: StateDep) -> tuple[dict[str, Any], Any]:
    """The request with the team, availability and roster as they are now; checked whole."""
    if (body.forecast_id is None) == (body.requirements_id is None):
        raise _bad("forecast_id", "give either forecast_id or requirements_id as the base")
    kind, base_id = (
        ("forecast", body.forecast_id)
        if body.forecast_id is not None
        else ("requirements", body.requirements_id)
    )
    assert base_id is not None
    frame = dataset_frame(dataset_row(session, body.team_id, kind, base_id))
    version = _roster_version(session, body)
    first_day = body.week or (None if version is None else version.first_day)
    if first_day is None:
        raise _bad("week", "give the week's first local day (or a roster_version)")
    if version is not None and version.first_day != first_day:
        raise _bad("week", f"roster version {version.number} is the week of {version.first_day}")
    limit = body.time_limit_s or min(state.settings.default_time_limit_s, 10.0)
    if limit > state.settings.max_time_limit_s:
        raise _bad("time_limit_s", f"at most {state.settings.max_time_limit_s:g} s")
    params: dict[str, Any] = {
        "team_id": body.team_id,
        "label": body.label,
        "depth": body.depth,
        "base_kind": kind,
        "base_id": base_id,
        "statistic": body.statistic,
        "roster_version": None if version is None else version.number,
        "first_day": first_day.isoformat(),
        "scenarios": body.scenarios,
        "sweep": body.sweep,
        "pay": body.pay,
        "time_limit_s": limit,
        "team": team_mapping(session, team_row(session, body.team_id)),
        "availability": availability_snapshot(availability_of(session, body.team_id)),
        "roster_shifts": None if version is None else version.shifts,
        "ray_address": state.settings.ray_address,
    }
    plan, scenarios = check(params, frame, state.settings.max_sweep_scenarios)
    return params, (plan, scenarios)


@router.post("/scenarios", status_code=status.HTTP_201_CREATED, responses=_ANSWERS)
def post_scenarios(
    body: ScenarioCreate, session: SessionDep, principal: PrincipalDep, state: StateDep
) -> Any:
    """Compare scenarios with the base, base first. Staffing only: the stored comparison at once (201);
    a re-roster depth or a sweep: a job (202; its result is the stored comparison)."""
    visible_team(session, principal, body.team_id, "plan")
    params, (plan, scenarios) = _params(session, body, state)
    if depth_of(params) == "reroster" or params.get("sweep"):
        job = submit_job(session, state, principal, body.team_id, params, kind="scenario")
        return JSONResponse(job_out(job).model_dump(mode="json"), status_code=status.HTTP_202_ACCEPTED)
    table = compare(plan, scenarios, "staffing")
    stored = store_comparison(session, params, table.records(), None, principal.token_id)
    session.commit()
    return scenario_out(stored)


@router.get("/scenarios")
def list_scenarios(
    session: SessionDep,
    principal: PrincipalDep,
    team_id: Annotated[str | None, Query(description="only this team's")] = None,
) -> list[ScenarioBrief]:
    """Stored comparisons of the teams this token sees, newest first."""
    query = select(ScenarioRow).order_by(ScenarioRow.id.desc())
    if team_id is not None:
        visible_team(session, principal, team_id, "read")
        query = query.where(ScenarioRow.team_id == team_id)
    return [scenario_brief(r) for r in session.scalars(query) if principal.sees(r.team_id)]


def _visible(session: Session, principal: PrincipalDep, scenario_id: int) -> ScenarioRow:
    row = scenario_row(session, scenario_id)
    if not principal.sees(row.team_id):
        raise NotFound(f"scenario comparison {scenario_id} not found")
    return row


@router.get("/scenarios/{scenario_id}")
def get_scenarios(scenario_id: int, session: SessionDep, principal: PrincipalDep) -> ScenarioOut:
    """A stored comparison: one row per scenario, base first, with deltas and per-queue figures."""
    return scenario_out(_visible(session, principal, scenario_id))


@router.get("/scenarios/{scenario_id}/comparison.csv", responses={200: {"content": {"text/csv": {}}}})
def get_csv(scenario_id: int, session: SessionDep, principal: PrincipalDep) -> Response:
    """The comparison as CSV (metrics, then deltas against the base)."""
    import pandas as pd

    row = _visible(session, principal, scenario_id)
    flat = [{k: v for k, v in r.items() if k not in ("by_queue", "notes")} for r in row.rows]
    return Response(
        pd.DataFrame.from_records(flat).to_csv(index=False),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="scenarios-{scenario_id}.csv"'},
    )


@router.get("/scenarios/{scenario_id}/comparison.xlsx", responses={200: {"content": {XLSX: {}}}})
def get_xlsx(scenario_id: int, session: SessionDep, principal: PrincipalDep) -> Response:
    """The comparison as a workbook: the table, the deltas, and per-queue figures."""
    row = _visible(session, principal, scenario_id)
    return Response(
        comparison_xlsx_bytes(list(row.rows)),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="scenarios-{scenario_id}.xlsx"'},
    )
