"""Typed dependencies of the routes: the session, the caller, the app's state, and access to a team.

Access is checked by dependencies, which FastAPI resolves before it validates a request's body but
after it has read it; so for a request with a body, `AccessBeforeBody` checks the same from the
headers first: a client without a valid token, or whose role may not call the route, gets its 401,
403 (or 404 for a team it may not see) before any of the body is read, and without learning what the
body should have been.

The database pool holds a connection for each of the threads that run requests, and at most as many
requests hold a session at once (`DatabaseTurns`): a request that holds a connection never waits for
a thread that is itself waiting for a connection. The others wait their turn in the event loop.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param
from sqlalchemy import Engine
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.schemas import ID_PATTERN, MAX_ID_CHARS, TEAM_ID_PATTERN
from api.service.asgi import HttpMiddleware
from api.service.auth import Action, Principal, principal_for, require_secret
from api.service.db import JobRow, TeamRow
from api.service.errors import InvalidQuery, NotFound, ServiceError, busy, service_error_response
from api.service.job_watch import JobWatch
from api.service.jobs import JobRunner, submit_job
from api.service.params import ImportJobParams, JobParams, params_of
from api.service.query_check import declared_query, query_issues
from api.service.schemas import JOB_ID_PATTERN, MAX_DB_ID
from api.service.settings import Settings
from api.service.storage import job_row, team_row
from common.errors import InvalidInput

API_PREFIX = "/v1"  # the API's routes: each checks its query (`known_query`)


class Turn:
    """One request's turn at the database: given back once, from the event loop or from any thread."""

    def __init__(self, semaphore: asyncio.Semaphore, loop: asyncio.AbstractEventLoop) -> None:
        self._semaphore = semaphore
        self._loop = loop
        self._lock = threading.Lock()
        self._held = True

    def give_back(self) -> None:
        """Let the next request waiting have the database (again: nothing)."""
        with self._lock:
            if not self._held:
                return
            self._held = False
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:  # a thread: the semaphore is the loop's
            running = None
        if running is self._loop:
            self._semaphore.release()
        elif not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._semaphore.release)


class DatabaseTurns:
    """At most `size` requests use the database at once; the others wait, in the event loop (holding no
    thread and no connection), for at most `wait_s`, then get a 503. Made in the event loop."""

    def __init__(self, size: int, wait_s: float) -> None:
        self.size = size
        self.wait_s = wait_s
        self._semaphore = asyncio.Semaphore(size)

    async def take(self) -> Turn:
        """The caller's turn, once a request gives one back.

        Raises:
            Busy: no turn came within `wait_s`.
        """
        try:
            async with asyncio.timeout(self.wait_s):
                await self._semaphore.acquire()
        except TimeoutError:
            raise busy() from None
        return Turn(self._semaphore, asyncio.get_running_loop())


class RequestSession(Session):
    """A request's session: closing it gives back the request's turn, so a long-poll or an event stream
    that closes its session before it waits lets other requests have the database meanwhile."""

    def __init__(self, *args: Any, turn: Turn, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._turn = turn

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._turn.give_back()


@dataclass
class AppState:
    """What the app holds for its lifetime."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    runner: JobRunner
    watch: JobWatch
    turns: DatabaseTurns

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


async def database_turn(state: Annotated[AppState, Depends(get_state)]) -> AsyncIterator[Turn]:
    """The request's turn at the database, given back when the request ends (or its session closes)."""
    turn = await state.turns.take()
    try:
        yield turn
    finally:
        turn.give_back()


def get_session(
    state: Annotated[AppState, Depends(get_state)], turn: Annotated[Turn, Depends(database_turn)]
) -> Iterator[Session]:
    """A session for one request; routes commit what they change, the rest is rolled back."""
    with RequestSession(turn=turn, **state.sessions.kw) as session:
        yield session


_bearer = HTTPBearer(auto_error=False, description="a token from `wfm token create` or POST /v1/tokens")
# where `AccessBeforeBody` leaves the caller it found for the route's dependencies
_PRINCIPAL_SCOPE_KEY = "wfm.principal"


def get_principal(
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller, from the bearer token (found already, before the body, for a request with one)."""
    known = request.scope.get(_PRINCIPAL_SCOPE_KEY)
    if isinstance(known, Principal):
        return known
    return principal_for(session, None if credentials is None else credentials.credentials)


StateDep = Annotated[AppState, Depends(get_state)]
SessionDep = Annotated[Session, Depends(get_session)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]
TeamIdPath = Annotated[str, Path(pattern=TEAM_ID_PATTERN, max_length=64, description="the team's id")]
JobIdPath = Annotated[str, Path(pattern=JOB_ID_PATTERN, max_length=32, description="the job's id")]
VersionPath = Annotated[int, Path(ge=1, le=MAX_DB_ID, description="the roster version's number")]
AgentIdPath = Annotated[str, Path(pattern=ID_PATTERN, max_length=MAX_ID_CHARS, description="the agent's id")]


# the action each access dependency checks, with the team of the path (True) or none: what
# `AccessBeforeBody` checks from the headers
_ACCESS_CHECKS: dict[Callable[..., Any], tuple[Action, bool]] = {}


def allowed_to(action: Action) -> Callable[[Principal], Principal]:
    """A dependency: the caller, if its role may do `action` (403 otherwise)."""

    def dependency(principal: PrincipalDep) -> Principal:
        principal.require(action)
        return principal

    _ACCESS_CHECKS[dependency] = (action, False)
    return dependency


def team_for(action: Action) -> Callable[[str, Session, Principal], TeamRow]:
    """A dependency: the path's team, if the token may see it (404) and its role may do `action` (403)."""

    def dependency(team_id: TeamIdPath, session: SessionDep, principal: PrincipalDep) -> TeamRow:
        principal.require(action, team_id)
        return team_row(session, team_id)

    _ACCESS_CHECKS[dependency] = (action, True)
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


@dataclass(frozen=True)
class _Access:
    """What a route asks of its caller: a token at all, and the actions its dependencies check."""

    needs_token: bool
    checks: tuple[tuple[Action, bool], ...]
    query: dict[str, bool]  # the query parameters it takes (`query_check.declared_query`)


def _access_of(dependant: Dependant) -> _Access:
    calls: list[Callable[..., Any]] = []
    pending = [dependant]
    while pending:
        node = pending.pop(0)
        if node.call is not None:
            calls.append(node.call)
        pending.extend(node.dependencies)
    checks = tuple(dict.fromkeys(_ACCESS_CHECKS[c] for c in calls if c in _ACCESS_CHECKS))
    return _Access(get_principal in calls, checks, declared_query(dependant))


def _has_body(headers: Headers) -> bool:
    return "transfer-encoding" in headers or headers.get("content-length", "0").strip() not in ("", "0")


def _lookup(state: AppState, secret: str) -> Principal:
    with state.sessions() as session:
        return principal_for(session, secret)


class AccessBeforeBody(HttpMiddleware):
    """For a request with a body: when the route first reads it (routing is done, the body not yet
    read), the caller from the Authorization header (401) and the checks of the route's access
    dependencies with the path's team (404, 403) if the route needs a token; refused, the request is
    answered that instead of whatever the app makes of the failed read, and the connection is closed
    (the body is left unread). The caller found is kept for the route's `get_principal`."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app)
        self._routes: dict[int, _Access] = {}

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        if not _has_body(headers):
            await self.app(scope, receive, send)
            return
        checked = False
        refused: ServiceError | None = None
        answered = False

        async def checked_receive() -> Message:
            nonlocal checked, refused
            if not checked:
                checked = True
                try:
                    await self._check(scope, headers)
                except ServiceError as exc:
                    refused = exc
                    raise
            return await receive()

        async def answer_refusal() -> None:
            nonlocal answered
            if not answered and refused is not None:
                answered = True
                await service_error_response(refused, close=True)(scope, receive, send)

        async def watched(message: Message) -> None:
            if refused is not None:  # the app's answer to the read that failed: ours instead
                await answer_refusal()
                return
            await send(message)

        try:
            await self.app(scope, checked_receive, watched)
        except ServiceError:
            if refused is None:
                raise
        await answer_refusal()

    async def _check(self, scope: Scope, headers: Headers) -> None:
        route = scope.get("route")
        if not isinstance(route, APIRoute):
            return
        access = self._routes.get(id(route))
        if access is None:
            access = self._routes[id(route)] = _access_of(route.dependant)
        await _require(scope, headers, access)
        issues = (
            [] if access.query is None else query_issues(QueryParams(scope["query_string"]), access.query)
        )
        if issues:
            raise InvalidQuery(InvalidInput(issues))


async def known_query(request: Request) -> None:
    """A dependency of every /v1 route: refuse a query parameter the route does not take, or one given
    more than once (422, each with its name and values), after the caller's access (a caller without
    it gets its 401, 404 or 403, and learns nothing of the route). A request with a body has had this
    checked before its body was read (`AccessBeforeBody`)."""
    route = request.scope.get("route")
    if not request.query_params or not isinstance(route, APIRoute):
        return
    issues = query_issues(request.query_params, declared_query(route.dependant))
    if issues:
        await check_access(request.scope)  # a caller without access is told that, and nothing more
        raise InvalidInput(issues)


async def check_access(scope: Scope) -> None:
    """What `AccessBeforeBody` checks, from the headers, for any request to a route (401, 404, 403): for
    a refusal that must not tell a caller without access more (e.g. of the route's query parameters).
    Nothing more is checked once the caller has been found."""
    route = scope.get("route")
    if isinstance(route, APIRoute):
        await _require(scope, Headers(scope=scope), _access_of(route.dependant))


async def _require(scope: Scope, headers: Headers, access: _Access) -> None:
    """The caller of the headers, if the route needs a token, through the route's access checks with
    the path's team; kept for the route's `get_principal`."""
    if not access.needs_token or isinstance(scope.get(_PRINCIPAL_SCOPE_KEY), Principal):
        return
    principal = await _caller(scope["app"].state.wfm, headers)
    team_id = scope.get("path_params", {}).get("team_id")
    for action, of_team in access.checks:
        principal.require(action, str(team_id) if of_team and team_id is not None else None)
    scope[_PRINCIPAL_SCOPE_KEY] = principal


async def _caller(state: AppState, headers: Headers) -> Principal:
    """The caller of the Authorization header, read in a thread in the request's turn at the database."""
    scheme, secret = get_authorization_scheme_param(headers.get("authorization"))
    secret = require_secret(secret if scheme.lower() == "bearer" else None)
    turn = await state.turns.take()
    try:
        return await run_in_threadpool(_lookup, state, secret)
    except PoolTimeout:
        raise busy() from None
    finally:
        turn.give_back()
