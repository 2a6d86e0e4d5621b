"""Jobs: start a roster solve (answered at once with its id), follow any job's progress, cancel, retry."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from fastapi.sse import EventSourceResponse, ServerSentEvent
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api.service.db import JobRow, RosterVersionRow, TeamRow, UploadRow
from api.service.deps import (
    JobIdPath,
    PrincipalDep,
    Reader,
    ReadJob,
    ReadTeam,
    RosterTeam,
    SessionDep,
    StateDep,
    imports_availability,
    visible_job,
)
from api.service.errors import JOB_LIMIT_ANSWER, Conflict, JobFailed, NotFound
from api.service.job_states import ACTIVE_STATES, FAILED, SUCCEEDED
from api.service.job_watch import is_final, revision
from api.service.params import (
    ForecastJobParams,
    JobParams,
    RosterJobParams,
    ScenarioJobParams,
    SnapshotParams,
    params_of,
)
from api.service.presenters import job_out, scenario_out, version_out
from api.service.rostering import build_problem, requested_week
from api.service.schemas import (
    MIN_TIME_LIMIT_S,
    DatasetOut,
    ImportReport,
    JobOut,
    RosterJobCreate,
    ScenarioOut,
    SolveLimits,
    VersionOut,
)
from api.service.settings import Settings
from api.service.storage import (
    availability_of,
    availability_snapshot,
    dataset_frame,
    dataset_label,
    dataset_row,
    published_version,
    scenario_row,
    team_mapping,
    team_of,
    version_absent_days,
    version_row,
)
from common.errors import InputIssue, InvalidInput
from common.timegrid import DAYS_PER_WEEK, FIRST_YEAR, LAST_YEAR

router = APIRouter(tags=["jobs"])
MAX_WAIT_S = 30.0  # a long-poll answers within this; proxies commonly cut idle requests at 60 s
REVISION_PATTERN = r"^[0-9a-f]{16}$"
_INVALID: dict[int | str, dict[str, Any]] = {
    422: {"description": "invalid request: the body says what and where"}
}


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


def _lock_time(body: RosterJobCreate) -> datetime | None:
    if body.locked_before is None:
        return None
    if body.locked_before.tzinfo is None:
        raise _bad(
            "locked_before",
            "the lock time has no offset; write it in ISO-8601 with Z or an offset",
            body.locked_before.isoformat(),
        )
    try:
        instant: datetime | None = body.locked_before.astimezone(UTC)
    except OverflowError:  # an offset past the edge of the datetime range
        instant = None
    if instant is None or not FIRST_YEAR <= instant.year <= LAST_YEAR:
        raise _bad(
            "locked_before",
            f"a lock time must lie in the years {FIRST_YEAR}..{LAST_YEAR}",
            body.locked_before.isoformat(),
        )
    return instant


def _last_week(
    session: Session, team_id: str, number: int | None, first_day: date
) -> RosterVersionRow | None:
    """Last week's roster: version `number` when the request names one (a version of the week before
    `first_day`), else the week before's published version (its shifts running on into the week are
    cover, and rest and days in a row hold across the boundary), else none."""
    week_before = first_day - timedelta(days=DAYS_PER_WEEK)
    if number is None:
        return published_version(session, team_id, week_before)
    previous = version_row(session, team_id, number)
    if previous.first_day != week_before:  # another week's shifts would be counted as last week's
        raise _bad(
            "previous_version",
            f"roster version {number} is the week of {previous.first_day}; last week's roster must be one "
            f"of the week of {week_before}, the week before {first_day}",
            number,
        )
    return previous


def _params(session: Session, team: TeamRow, body: RosterJobCreate, settings: Settings) -> RosterJobParams:
    team_id = team.id
    locked_before = _lock_time(body)  # the request's own fields first, then what they name
    base = _base(session, team_id, body)
    first_day = body.week or (None if base is None else base.first_day)
    if first_day is None:
        raise _bad("week", "give the week's first local day (or a base_version to re-roster)")
    requested_week(team_of(session, team), first_day)
    if base is not None and first_day != base.first_day:
        raise _bad("week", f"a re-roster keeps the base version's week, {base.first_day}", first_day)
    if base is not None:
        _refuse_agents_who_left(base, team_mapping(session, team))
    requirements_id = body.requirements_id or (None if base is None else base.requirements_id)
    if requirements_id is None:
        raise _bad("requirements_id", "give stored requirements (POST /teams/{id}/requirements)")
    previous = _last_week(session, team_id, body.previous_version, first_day)
    params = RosterJobParams(
        first_day=first_day,
        requirements_id=requirements_id,
        time_limit_s=settings.time_limit(body.time_limit_s, settings.default_time_limit_s),
        seed=body.seed,
        team=team_mapping(session, team),
        availability=availability_snapshot(availability_of(session, team_id)),
        previous_version=None if previous is None else previous.number,
        previous_shifts=None if previous is None else previous.shifts,
        base_version=None if base is None else base.number,
        base_shifts=None if base is None else base.shifts,
        locked_before_utc=locked_before,
        pins=[] if base is None else base.pins,
        absent_may_work_days_off=body.absent_may_work_days_off,
        # other requirements than the base's are a new demand to roster, not a repair
        reoptimize=body.reoptimize or (base is not None and requirements_id != base.requirements_id),
        base_absent=[] if base is None else sorted(version_absent_days(base)),
    )
    known = {a["id"] for a in params.team["agents"]}
    gone = sorted({p["agent_id"] for p in params.pins} - known)
    if gone:
        raise _bad("base_version", f"pinned shifts of agents no longer in the team: {', '.join(gone)}")
    # a request that cannot make a problem is a 422 now, not a failed job later
    stored = dataset_row(session, team_id, "requirements", requirements_id)
    build_problem(params, dataset_frame(stored), dataset_label(stored))
    return params


@router.get("/limits")
def get_limits(state: StateDep, _reader: Reader) -> SolveLimits:
    """The solve time limits this service takes (its settings), for a client to offer no more."""
    settings = state.settings
    return SolveLimits(
        min_time_limit_s=MIN_TIME_LIMIT_S,
        default_time_limit_s=settings.default_time_limit_s,
        max_time_limit_s=settings.max_time_limit_s,
        max_job_solver_s=settings.max_job_solver_s,
    )


@router.post(
    "/teams/{team_id}/roster-jobs",
    status_code=status.HTTP_202_ACCEPTED,
    responses={**_INVALID, **JOB_LIMIT_ANSWER},
)
def post_roster_job(
    team: RosterTeam, body: RosterJobCreate, session: SessionDep, principal: PrincipalDep, state: StateDep
) -> JobOut:
    """Start a roster solve; the answer comes at once with the job's id (GET /jobs/{id} follows it)."""
    params = _params(session, team, body, state.settings)
    return job_out(state.submit(session, principal.token_id, team.id, params))


@router.get("/teams/{team_id}/roster-jobs")
def list_jobs(team: ReadTeam, session: SessionDep) -> list[JobOut]:
    """The team's jobs, newest first."""
    rows = session.scalars(select(JobRow).where(JobRow.team_id == team.id).order_by(JobRow.created_at.desc()))
    return [job_out(j) for j in rows]


@router.get("/jobs/{job_id}")
async def get_job(
    job: ReadJob,
    session: SessionDep,
    state: StateDep,
    wait_s: Annotated[
        float,
        Query(
            ge=0,
            le=MAX_WAIT_S,
            description="long-poll: wait up to this long for the job to change from `seen`",
        ),
    ] = 0,
    seen: Annotated[
        str | None, Query(pattern=REVISION_PATTERN, description="the `revision` the client has already seen")
    ] = None,
) -> JobOut:
    """A job's state; while running: best objective so far, bound and elapsed seconds. With `wait_s` and
    `seen`, the answer comes when the job changes (or after `wait_s`): no need to poll."""
    if seen is not None and wait_s > 0:
        await run_in_threadpool(session.close)  # nothing of the database is held while it waits
        job = await state.watch.next_change(job, seen, wait_s)
    return job_out(job)


# the stream's errors are JSON, as every other route's (the route's own media type is the stream's)
_JSON_PROBLEMS: dict[int | str, dict[str, Any]] = {
    status_code: {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for status_code, description in (
        (401, "no token, or one unknown or revoked"),
        (403, "the token's role may not do this"),
        (404, "no such job, or one of a team the token may not see"),
        (422, "invalid request: the body says what and where"),
    )
}


@router.get("/jobs/{job_id}/events", response_class=EventSourceResponse, responses=_JSON_PROBLEMS)
async def job_events(job: ReadJob, session: SessionDep, state: StateDep) -> AsyncIterator[ServerSentEvent]:
    """Server-sent events (`text/event-stream`): the job (event `job`, data as GET /jobs/{id}) now and
    each time it changes, until it ends."""
    await run_in_threadpool(session.close)  # nothing of the database is held while it streams
    while True:
        yield ServerSentEvent(data=job_out(job).model_dump(mode="json"), event="job", id=revision(job))
        if is_final(job):
            return
        seen = revision(job)
        while revision(job) == seen and not is_final(job):
            job = await state.watch.next_change(job, seen, MAX_WAIT_S)


@router.get(
    "/jobs/{job_id}/result",
    responses={
        409: {"description": "still running, or cancelled"},
        503: {"description": "the job could not run"},
        **_INVALID,
    },
)
def get_result(
    job_id: JobIdPath, session: SessionDep, principal: PrincipalDep
) -> VersionOut | ScenarioOut | ImportReport | DatasetOut:
    """What a job made: a roster version, a scenario comparison, or what an import stored; a failed job
    answers with its stored error (422 if infeasible or invalid)."""
    job = visible_job(session, principal, job_id)
    if job.state == FAILED and job.error is not None:
        raise JobFailed(job.error)
    if job.state != SUCCEEDED:
        raise Conflict(f"job {job_id!r} is {job.state}; it has no result")
    if job.kind == "scenario" and job.scenario_id is not None:
        return scenario_out(scenario_row(session, job.scenario_id))
    if job.kind in ("import", "forecast") and job.result is not None:
        if imports_availability(job):
            return ImportReport(**job.result)
        return DatasetOut(**job.result)
    if job.version_id is None:
        raise Conflict(f"job {job_id!r} has no result")
    return version_out(version_row(session, job.team_id, job.version_id))


@router.post("/jobs/{job_id}/cancel", responses={409: {"description": "the job has already ended"}})
def cancel_job(job_id: JobIdPath, session: SessionDep, principal: PrincipalDep, state: StateDep) -> JobOut:
    """Cancel a queued or running job: its work stops and nothing of it is stored."""
    job = visible_job(session, principal, job_id, to_change=True)
    if job.state not in ACTIVE_STATES:
        raise Conflict(f"job {job_id!r} has already ended ({job.state})")
    state.runner.cancel(job_id)
    session.expire_all()
    return job_out(visible_job(session, principal, job_id))


@router.post(
    "/jobs/{job_id}/retry",
    status_code=status.HTTP_202_ACCEPTED,
    responses={
        409: {"description": "still active, succeeded, or what it reads changed or was deleted since"},
        **JOB_LIMIT_ANSWER,
    },
)
def retry_job(job_id: JobIdPath, session: SessionDep, principal: PrincipalDep, state: StateDep) -> JobOut:
    """Submit a failed or cancelled job again with the same request (e.g. one the service stopped
    during). A job that succeeded is not run again, nor one whose team or availability changed since
    it was submitted: its snapshot would roster agents who left, or miss time off HR imported since;
    nor one whose requirements, forecast or history were deleted since: it would fail on them."""
    job = visible_job(session, principal, job_id, to_change=True)
    if job.state in ACTIVE_STATES:
        raise Conflict(f"job {job_id!r} is still {job.state}")
    if job.state == SUCCEEDED:
        raise Conflict(f"job {job_id!r} succeeded; start a new job to run it again on today's team")
    params = params_of(job.kind, dict(job.params))
    if isinstance(params, SnapshotParams) and _changed_since(session, job.team_id, params):
        raise Conflict(
            f"the team or its availability changed since job {job_id!r} was submitted; start a new job, "
            "which reads them as they are now"
        )
    for kind, dataset_id in _datasets_read(params):
        try:
            dataset_row(session, job.team_id, kind, dataset_id)
        except NotFound as exc:  # the job would fail on it
            raise Conflict(
                f"{kind} {dataset_id}, which job {job_id!r} reads, was deleted since it was submitted; "
                f"start a new job with {kind} that is stored"
            ) from exc
    upload = None
    if job.kind == "import":
        row = session.get(UploadRow, job_id)
        if row is None:
            raise Conflict(
                f"job {job_id!r}'s file was imported, refused or cancelled and is gone; upload it again"
            )
        upload = row.content
        session.delete(row)  # the file moves to the new job: one copy is kept, not one a try
    return job_out(state.submit(session, principal.token_id, job.team_id, params, upload))


def _refuse_agents_who_left(base: RosterVersionRow, team: dict[str, Any]) -> None:
    """A re-roster keeps the base version's past: refuse one whose base rosters agents no longer in
    the team (the job would fail on them)."""
    known = {str(a["id"]) for a in team.get("agents", [])}
    gone = sorted({str(s["agent_id"]) for s in base.shifts} - known)
    if gone:
        raise _bad(
            "base_version",
            f"roster version {base.number} has shifts of {', '.join(gone)}, no longer in the team: put "
            f"{'them' if len(gone) > 1 else 'the agent'} back in the team to re-roster it, or start a roster "
            "of the week without a base version",
            base.number,
        )


def _datasets_read(params: JobParams) -> list[tuple[str, int]]:
    """The stored frames a job reads when it runs, as (kind, id): what its snapshot does not hold."""
    if isinstance(params, RosterJobParams):
        return [("requirements", params.requirements_id)]
    if isinstance(params, ScenarioJobParams):
        return [(params.base_kind, params.base_id)]
    if isinstance(params, ForecastJobParams):
        return [("history", params.history_id)]
    return []


def _changed_since(session: Session, team_id: str, params: SnapshotParams) -> bool:
    """Whether the team or its availability is no longer as the job's snapshot holds them."""
    team = session.get(TeamRow, team_id)
    if team is None:
        return True
    now = availability_snapshot(availability_of(session, team_id))
    return team_mapping(session, team) != params.team or now != params.availability
