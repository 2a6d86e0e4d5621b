"""Liveness and readiness (no token needed)."""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.service.db import alembic_config
from api.service.deps import StateDep
from api.service.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> Health:
    """The process answers (on the event loop: no thread, nor the database, however busy they are)."""
    return Health(status="ok")


@router.get("/ready", response_model=Health, responses={503: {"model": Health}})
def ready(state: StateDep) -> Health | JSONResponse:
    """The database answers and its schema is the newest."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    try:
        with state.engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except Exception as exc:  # any database failure means not ready
        body = Health(status="unavailable", detail=f"database unreachable ({type(exc).__name__})")
        return JSONResponse(body.model_dump(), status_code=503)
    if current != head:
        body = Health(
            status="unavailable", detail=f"schema at {current}, newest is {head}; run the migrations"
        )
        return JSONResponse(body.model_dump(), status_code=503)
    return Health(status="ready", detail=f"schema {current}")
