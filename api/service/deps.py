"""Typed dependencies of the routes: the session, the caller, the app's state."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.service.auth import Principal, principal_for
from api.service.jobs import JobRunner
from api.service.settings import Settings


@dataclass
class AppState:
    """What the app holds for its lifetime."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    runner: JobRunner


def get_state(request: Request) -> AppState:
    """The app's state."""
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
