"""Roster jobs: start one (answered at once with its id), follow its progress, cancel, retry."""

from __future__ import annotations

import uuid
from datetime import UTC
from typing import Any

from fastapi import APIRouter, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.service.auth import Action, Principal
from api.service.db import JobRow, RosterVersionRow, as_utc, utcnow
from api.service.deps import PrincipalDep, SessionDep, StateDep
from api.service.errors import Conflict, JobFailed, NotFound
from api.service.rostering import build_problem
from api.service.routes.rosters import version_out
from api.service.routes.teams import visible_team
from api.service.scenario_plans import scenario_out
from api.service.schemas import JobOut, RosterJobCreate, ScenarioOut, VersionOut
from api.service.storage import (
    ACTIVE_STATES,
    availability_of,
    availability_snapshot,
    dataset_frame,
    dataset_row,
    job_row,
    scenario_row,
    team_mapping,
    team_row,
    version_row,
)
from common.errors import InputIssue, InvalidInput

router = APIRouter(tags=["jobs"])
_INVALID: dict[int | str, dict[str, Any]] = {
    422: {"description": "invalid request: the body says what and where"}
}


def job_out(job: JobRow) -> JobOut:
    """A job as the API shows it; while it runs, elapsed time is counted up to now."""
    started = as_utc(job.started_at)
    elapsed = job.elapsed_s
    if job.state == "running" and started is not None:
        elapsed = (utcnow() - started).total_seconds()
    return JobOut(
        id=job.id,
        team_id=job.team_id,
        kind=job.kind,
        state=job.state,  # type: ignore[arg-type]
        objective=job.objective,
        bound=job.bound,
        elapsed_s=elapsed,
        version=job.version_id,
        scenario_id=job.scenario_id,
        progress=job.progress,
        error=job.error,
        created_at=as_utc(job.created_at) or utcnow(),
        started_at=started,
        finished_at=as_utc(job.finished_at),
    )


def _bad(field: str, reason: str, value: Any = None) -> InvalidInput:
    return InvalidInput([InputIssue(reason, column=field, value=None if value is None else str(value))])


def _base(session: Session, team_id: str, body: RosterJobCreate) -> RosterVersionRow | None:
    """The version a re-roster starts from: the one named, else (with a lock time) the week's published one."""
    if body.base_version is not None:
        return version_row(session, team_id, body.base_version)
    if body.locked_before is None:
        return None
    if body.week is None:
        raise _bad("week", "give the week (or a base_version) whose published roster a lock time keeps")
    published = session.scalar(
        select(RosterVersionRow).where(
            RosterVersionRow.team_id == team_id,
            RosterVersionRow.first_day == body.week,
            RosterVersionRow.published_at.is_not(None),
        )
    )
    if published is None:
        raise _bad(
            "locked_before",
            f"no roster of the week of {body.week} is published; publish one or name a base_version",
        )
    return published


def _lock_time(body: RosterJobCreate) -> str | None:
    if body.locked_before is None:
        return None
    if body.locked_before.tzinfo is None:
        raise _bad(
            "locked_before",
            "the lock time has no offset; write it in ISO-8601 with Z or an offset",
            body.locked_before.isoformat(),
        )
    return body.locked_before.astimezone(UTC).isoformat()


def _params(session: Session, team_id: str, body: RosterJobCreate, state: StateDep) -> dict[str, Any]:
    row = team_row(session, team_id)
    base = _base(session, team_id, body)
    first_day = body.week or (None if base is None else base.first_day)
    if first_day is None:
        raise _bad("week", "give the week's first local day (or a base_version to re-roster)")
    if base is not None and first_day != base.first_day:
        raise _bad("week", f"a re-roster keeps the base version's week, {base.first_day}", first_day)
    requirements_id = body.requirements_id or (None if base is None else base.requirements_id)
    if requirements_id is None:
        raise _bad("requirements_id", "give stored requirements (POST /teams/{id}/requirements)")
    limit = body.time_limit_s or state.settings.default_time_limit_s
    if limit > state.settings.max_time_limit_s:
        raise _bad("time_limit_s", f"at most {state.settings.max_time_limit_s:g} s", limit)
    previous = None if body.previous_version is None else version_row(session, team_id, body.previous_version)
    params: dict[str, Any] = {
        "first_day": first_day.isoformat(),
        "requirements_id": requirements_id,
        "time_limit_s": limit,
        "seed": body.seed,
        "team": team_mapping(session, row),
        "availability": availability_snapshot(availability_of(session, team_id)),
        "previous_version": body.previous_version,
        "previous_shifts": None if previous is None else previous.shifts,
        "base_version": None if base is None else base.number,
        "base_shifts": None if base is None else base.shifts,
        "locked_before_utc": _lock_time(body),
        "pins": [] if base is None else base.pins,
    }
    known = {a["id"] for a in params["team"]["agents"]}
    gone = sorted({p["agent_id"] for p in params["pins"]} - known)
    if gone:
        raise _bad("base_version", f"pinned shifts of agents no longer in the team: {', '.join(gone)}")
    # a request that cannot make a problem is a 422 now, not a failed job later
    build_problem(params, dataset_frame(dataset_row(session, team_id, "requirements", requirements_id)))
    return params


def submit_job(
    session: Session,
    state: StateDep,
    principal: Principal,
    team_id: str,
    params: dict[str, Any],
    kind: str = "roster",
) -> JobRow:
    """Store a queued job and hand it to the runner."""
    job = JobRow(
        id=uuid.uuid4().hex,
        team_id=team_id,
        kind=kind,
        state="queued",
        params=params,
        token_id=principal.token_id,
        created_at=utcnow(),
    )
    session.add(job)
    session.commit()
    state.runner.submit(job.id)
    return job


@router.post("/teams/{team_id}/roster-jobs", status_code=status.HTTP_202_ACCEPTED, responses=_INVALID)
def post_roster_job(
    team_id: str, body: RosterJobCreate, session: SessionDep, principal: PrincipalDep, state: StateDep
) -> JobOut:
    """Start a roster solve; the answer comes at once with the job's id (poll GET /jobs/{id})."""
    visible_team(session, principal, team_id, "roster")
    return job_out(submit_job(session, state, principal, team_id, _params(session, team_id, body, state)))


@router.get("/teams/{team_id}/roster-jobs")
def list_jobs(team_id: str, session: SessionDep, principal: PrincipalDep) -> list[JobOut]:
    """The team's roster jobs, newest first."""
    visible_team(session, principal, team_id, "read")
    rows = session.scalars(select(JobRow).where(JobRow.team_id == team_id).order_by(JobRow.created_at.desc()))
    return [job_out(j) for j in rows]


def job_kind(session: Session, job_id: str) -> str:
    """A job's kind (roster or scenario), or NotFound."""
    return job_row(session, job_id).kind


def _job(session: Session, principal: Principal, job_id: str, action: Action) -> JobRow:
    job = job_row(session, job_id)
    if not principal.sees(job.team_id):  # a job of a team the token may not see does not exist for it
        raise NotFound(f"job {job_id!r} not found")
    principal.require(action)
    return job


@router.get("/jobs/{job_id}")
def get_job(job_id: str, session: SessionDep, principal: PrincipalDep) -> JobOut:
    """A job's state; while running: best objective so far, bound and elapsed seconds."""
    return job_out(_job(session, principal, job_id, "read"))


@router.get(
    "/jobs/{job_id}/result", responses={409: {"description": "still running, or cancelled"}, **_INVALID}
)
def get_result(job_id: str, session: SessionDep, principal: PrincipalDep) -> VersionOut | ScenarioOut:
    """The roster version a job made (a scenario job: its comparison); a failed job answers with its stored
    error (422 if infeasible)."""
    job = _job(session, principal, job_id, "read")
    if job.state == "failed" and job.error is not None:
        raise JobFailed(job.error)
    if job.kind == "scenario":
        if job.state != "succeeded" or job.scenario_id is None:
            raise Conflict(f"job {job_id!r} is {job.state}; it has no comparison")
        return scenario_out(scenario_row(session, job.scenario_id))
    if job.state != "succeeded" or job.version_id is None:
        raise Conflict(f"job {job_id!r} is {job.state}; it has no roster")
    return version_out(version_row(session, job.team_id, job.version_id))


@router.post("/jobs/{job_id}/cancel", responses={409: {"description": "the job has already ended"}})
def cancel_job(job_id: str, session: SessionDep, principal: PrincipalDep, state: StateDep) -> JobOut:
    """Cancel a queued or running job: its solve stops and nothing of it is stored."""
    job = _job(session, principal, job_id, "plan" if job_kind(session, job_id) == "scenario" else "roster")
    if job.state not in ACTIVE_STATES:
        raise Conflict(f"job {job_id!r} has already ended ({job.state})")
    state.runner.cancel(job_id)
    session.expire_all()
    return job_out(job_row(session, job_id))


@router.post("/jobs/{job_id}/retry", status_code=status.HTTP_202_ACCEPTED)
def retry_job(job_id: str, session: SessionDep, principal: PrincipalDep, state: StateDep) -> JobOut:
    """Submit an ended job again with the same request (e.g. one the service stopped during)."""
    job = _job(session, principal, job_id, "plan" if job_kind(session, job_id) == "scenario" else "roster")
    if job.state in ACTIVE_STATES:
        raise Conflict(f"job {job_id!r} is still {job.state}")
    return job_out(submit_job(session, state, principal, job.team_id, dict(job.params), job.kind))
