"""What-if scenarios: a few staffing scenarios answer at once; re-roster scenarios, sweeps and many
scenarios are jobs; results are stored."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, status
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.exports import XLSX_MEDIA_TYPE, comparison_csv_bytes, comparison_xlsx_bytes
from api.schemas import TEAM_ID_PATTERN
from api.service.db import RosterVersionRow, ScenarioRow
from api.service.deps import Planner, PrincipalDep, SessionDep, StateDep
from api.service.downloads import download
from api.service.errors import JOB_LIMIT_ANSWER, NotFound
from api.service.params import BaseKind, ScenarioJobParams
from api.service.presenters import job_accepted, scenario_brief, scenario_out
from api.service.rostering import requested_week
from api.service.scenario_plans import base_frames, check, named_scenarios, store_comparison
from api.service.schemas import (
    MAX_DB_ID,
    AhtChangeIn,
    JobOut,
    ScenarioBrief,
    ScenarioCreate,
    ScenarioIn,
    ScenarioOut,
    VolumeChangeIn,
)
from api.service.settings import Settings
from api.service.storage import (
    availability_of,
    availability_snapshot,
    dataset_row,
    scenario_row,
    team_mapping,
    team_of,
    team_row,
    version_row,
)
from common.errors import InputIssue, InvalidInput
from scheduler import compare

router = APIRouter(tags=["scenarios"])
_ANSWERS: dict[int | str, dict[str, Any]] = {
    202: {"model": JobOut, "description": "a re-roster, a sweep or many scenarios: a job (GET /jobs/{id})"},
    404: {"description": "no such team, base or roster version"},
    **JOB_LIMIT_ANSWER,
    422: {"description": "invalid request: the body says what and where"},
}
ScenarioIdPath = Annotated[int, Path(ge=1, le=MAX_DB_ID, description="the stored comparison's id")]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such comparison"}}
# re-rosters without a time limit of their own solve this long at most
_DEFAULT_REROSTER_LIMIT_S = 10.0


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


def _params(session: Session, body: ScenarioCreate, settings: Settings) -> ScenarioJobParams:
    """The request with the team, availability and roster as they are now."""
    if (body.forecast_id is None) == (body.requirements_id is None):
        raise _bad("forecast_id", "give either forecast_id or requirements_id as the base")
    kind: BaseKind = "forecast" if body.forecast_id is not None else "requirements"
    base_id = body.forecast_id if body.forecast_id is not None else body.requirements_id
    assert base_id is not None
    dataset_row(session, body.team_id, kind, base_id)  # 404 now for a base that does not exist
    version = _roster_version(session, body)
    first_day = body.week or (None if version is None else version.first_day)
    if first_day is None:
        raise _bad("week", "give the week's first local day (or a roster_version)")
    requested_week(team_of(session, team_row(session, body.team_id)), first_day)
    if version is not None and version.first_day != first_day:
        raise _bad("week", f"roster version {version.number} is the week of {version.first_day}")
    default_s = min(settings.default_time_limit_s, _DEFAULT_REROSTER_LIMIT_S)
    return ScenarioJobParams(
        team_id=body.team_id,
        label=body.label,
        depth=body.depth,
        base_kind=kind,
        base_id=base_id,
        statistic=body.statistic,
        roster_version=None if version is None else version.number,
        first_day=first_day,
        scenarios=body.scenarios,
        sweep=body.sweep,
        pay=body.pay,
        time_limit_s=settings.time_limit(body.time_limit_s, default_s),
        team=team_mapping(session, team_row(session, body.team_id)),
        availability=availability_snapshot(availability_of(session, body.team_id)),
        roster_shifts=None if version is None else version.shifts,
        ray_address=settings.ray_address,
    )


# a scenario whose contacts or handle times grow past this many times today's (traffic times this)
# makes the staffing search long: a job, not an answer inside the request (3 scenarios of 100 times
# the volume and handle time took 40 s)
INLINE_MAX_TRAFFIC_GROWTH = 4.0
# handle time added that counts as doubling it, in that measure
_AHT_ADDED_AS_DOUBLING_S = 300.0


def traffic_growth(scenario: ScenarioIn) -> float:
    """How many times today's traffic (contacts times handle time) a scenario's changes could make it,
    at most: its volume and handle-time multipliers, and added handle time, multiplied together."""
    growth = 1.0
    for change in scenario.changes:
        if isinstance(change, VolumeChangeIn):
            growth *= max(change.multiplier, 1.0)
        elif isinstance(change, AhtChangeIn):
            growth *= max(change.multiplier, 1.0) + max(change.add_s, 0.0) / _AHT_ADDED_AS_DOUBLING_S
    return growth


def answers_at_once(params: ScenarioJobParams, settings: Settings) -> bool:
    """Whether the comparison is quick enough to make inside the request: staffing, a few named
    scenarios, none of them making the traffic many times today's."""
    return (
        params.depth == "staffing"
        and params.sweep is None
        and len(params.scenarios) <= settings.inline_scenarios
        and all(traffic_growth(s) <= INLINE_MAX_TRAFFIC_GROWTH for s in params.scenarios)
    )


@router.post(
    "/scenarios", status_code=status.HTTP_201_CREATED, response_model=ScenarioOut, responses=_ANSWERS
)
def post_scenarios(body: ScenarioCreate, session: SessionDep, principal: Planner, state: StateDep) -> Any:
    """Compare scenarios with the base, base first. A few staffing scenarios: the stored comparison at once
    (201); a re-roster depth, a sweep or more scenarios: a job (202; its result is the stored comparison)."""
    principal.require("plan", body.team_id)
    params = _params(session, body, state.settings)
    settings = state.settings
    frames = base_frames(session, params)
    plan = check(params, frames, settings.max_sweep_scenarios, max_solver_s=settings.max_job_solver_s)
    if not answers_at_once(params, state.settings):
        return job_accepted(state.submit(session, principal.token_id, body.team_id, params))
    table = compare(plan, named_scenarios(params), "staffing")
    stored = store_comparison(session, params, table.records(), None, principal.token_id)
    session.commit()
    return scenario_out(stored)


@router.get("/scenarios")
def list_scenarios(
    session: SessionDep,
    principal: PrincipalDep,
    team_id: Annotated[
        str | None, Query(pattern=TEAM_ID_PATTERN, max_length=64, description="only this team's")
    ] = None,
) -> list[ScenarioBrief]:
    """Stored comparisons of the teams this token sees, newest first."""
    query = select(ScenarioRow).order_by(ScenarioRow.id.desc())
    if team_id is not None:
        principal.require("read", team_id)
        team_row(session, team_id)
        query = query.where(ScenarioRow.team_id == team_id)
    return [scenario_brief(r) for r in session.scalars(query) if principal.sees(r.team_id)]


def _visible(session: Session, principal: PrincipalDep, scenario_id: int) -> ScenarioRow:
    row = scenario_row(session, scenario_id)
    if not principal.sees(row.team_id):
        raise NotFound(f"scenario comparison {scenario_id} not found")
    return row


@router.get("/scenarios/{scenario_id}", responses=_NOT_FOUND)
def get_scenarios(scenario_id: ScenarioIdPath, session: SessionDep, principal: PrincipalDep) -> ScenarioOut:
    """A stored comparison: one row per scenario, base first, with deltas and per-queue figures."""
    return scenario_out(_visible(session, principal, scenario_id))


@router.get(
    "/scenarios/{scenario_id}/comparison.csv", responses={200: {"content": {"text/csv": {}}}, **_NOT_FOUND}
)
def get_csv(scenario_id: ScenarioIdPath, session: SessionDep, principal: PrincipalDep) -> Response:
    """The comparison as CSV (metrics, then deltas against the base)."""
    row = _visible(session, principal, scenario_id)
    return download(comparison_csv_bytes(list(row.rows)), "text/csv", f"scenarios-{scenario_id}.csv")


@router.get(
    "/scenarios/{scenario_id}/comparison.xlsx",
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}, **_NOT_FOUND},
)
def get_xlsx(scenario_id: ScenarioIdPath, session: SessionDep, principal: PrincipalDep) -> Response:
    """The comparison as a workbook: the table, the deltas, and per-queue figures."""
    row = _visible(session, principal, scenario_id)
    return download(comparison_xlsx_bytes(list(row.rows)), XLSX_MEDIA_TYPE, f"scenarios-{scenario_id}.xlsx")
