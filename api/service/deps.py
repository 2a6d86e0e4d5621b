"""Typed dependencies of the routes: the session, the caller, the app's state, and access to a team.

Access is checked by dependencies, which FastAPI resolves before it validates a request's body: a
token whose role may not call a route gets its 403 (or its 404 for a team it may not see) without
learning what the body should have been.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.schemas import ID_PATTERN, MAX_ID_CHARS
from api.service.auth import Action, Principal, principal_for
from api.service.db import JobRow, TeamRow
from api.service.errors import NotFound
from api.service.job_watch import JobWatch
from api.service.jobs import JobRunner, submit_job
from api.service.params import ImportJobParams, JobParams, params_of
from api.service.schemas import JOB_ID_PATTERN, MAX_DB_ID, TEAM_ID_PATTERN
from api.service.settings import Settings
from api.service.storage import job_row, team_row


@dataclass
class AppState:
    """What the app holds for its lifetime."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    runner: JobRunner
    watch: JobWatch

    def submit(
        self,
        session: Session,
        token_id: int | None,
        team_id: str,
        params: JobParams,
        upload: bytes | None = None,
    ) -> JobRow:
        """`jobs.submit_job` on this app's runner, within the team's limit of active jobs."""
        return submit_job(
            session,
            self.runner,
            token_id,
            team_id,
            params,
            upload,
            max_active=self.settings.max_active_jobs_per_team,
            retry_after_s=self.settings.retry_after_s(),
            max_active_per_token=self.settings.max_active_jobs_per_token,
        )


async def get_state(request: Request) -> AppState:
    """The app's state (async: no thread is taken for it)."""
    state: AppState = request.app.state.wfm
    return state


def get_session(state: Annotated[AppState, Depends(get_state)]) -> Iterator[Session]:
    """A session for one request; routes commit what they change, the rest is rolled back."""
    with state.sessions() as session:
        yield session


_bearer = HTTPBearer(auto_error=False, description="a token from `wfm token create` or POST /v1/tokens")


def get_principal(
    session: Annotated[Session, Depends(get_session)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller, from the bearer token."""
    return principal_for(session, None if credentials is None else credentials.credentials)


StateDep = Annotated[AppState, Depends(get_state)]
SessionDep = Annotated[Session, Depends(get_session)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]
TeamIdPath = Annotated[str, Path(pattern=TEAM_ID_PATTERN, max_length=64, description="the team's id")]
JobIdPath = Annotated[str, Path(pattern=JOB_ID_PATTERN, max_length=32, description="the job's id")]
VersionPath = Annotated[int, Path(ge=1, le=MAX_DB_ID, description="the roster version's number")]
AgentIdPath = Annotated[str, Path(pattern=ID_PATTERN, max_length=MAX_ID_CHARS, description="the agent's id")]


def allowed_to(action: Action) -> Callable[[Principal], Principal]:
    """A dependency: the caller, if its role may do `action` (403 otherwise)."""

    def dependency(principal: PrincipalDep) -> Principal:
        principal.require(action)
        return principal

    return dependency


def team_for(action: Action) -> Callable[[str, Session, Principal], TeamRow]:
    """A dependency: the path's team, if the token may see it (404) and its role may do `action` (403)."""

    def dependency(team_id: TeamIdPath, session: SessionDep, principal: PrincipalDep) -> TeamRow:
        principal.require(action, team_id)
        return team_row(session, team_id)

    return dependency


Reader = Annotated[Principal, Depends(allowed_to("read"))]
Admin = Annotated[Principal, Depends(allowed_to("admin"))]
TeamCreator = Annotated[Principal, Depends(allowed_to("create_team"))]
Planner = Annotated[Principal, Depends(allowed_to("plan"))]
ReadTeam = Annotated[TeamRow, Depends(team_for("read"))]
EditTeam = Annotated[TeamRow, Depends(team_for("edit_team"))]
ImportTeam = Annotated[TeamRow, Depends(team_for("import_availability"))]
PlanTeam = Annotated[TeamRow, Depends(team_for("plan"))]
RosterTeam = Annotated[TeamRow, Depends(team_for("roster"))]
PublishTeam = Annotated[TeamRow, Depends(team_for("publish"))]


def imports_availability(job: JobRow) -> bool:
    """Whether the job imports availability (its result is then an import report)."""
    params = params_of(job.kind, job.params)
    return isinstance(params, ImportJobParams) and params.what == "availability"


# who may cancel or retry a job of each kind (an import: of availability, or of planning data)
JOB_ACTIONS: dict[str, Callable[[JobRow], Action]] = {
    "roster": lambda _job: "roster",
    "scenario": lambda _job: "plan",
    "import": lambda job: "import_availability" if imports_availability(job) else "plan",
    "forecast": lambda _job: "plan",
}


def readable_job(job_id: JobIdPath, session: SessionDep, principal: PrincipalDep) -> JobRow:
    """A dependency: the path's job, if the token may see it (404 otherwise)."""
    return visible_job(session, principal, job_id)


ReadJob = Annotated[JobRow, Depends(readable_job)]


def visible_job(session: Session, principal: Principal, job_id: str, *, to_change: bool = False) -> JobRow:
    """A job the token may see (404 otherwise); with `to_change`, one its role may cancel or retry (403)."""
    job = job_row(session, job_id)
    if not principal.sees(job.team_id):  # a job of a team the token may not see does not exist for it
        raise NotFound(f"job {job_id!r} not found")
    principal.require(JOB_ACTIONS[job.kind](job) if to_change else "read")
    return job
