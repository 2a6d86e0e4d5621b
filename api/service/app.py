"""The app factory: `create_app(settings)` wires storage, jobs, access and routes under /v1."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import Depends, FastAPI

from api.service.db import make_engine, session_factory, transaction, upgrade
from api.service.deps import API_PREFIX, AccessBeforeBody, AppState, DatabaseTurns, known_query
from api.service.errors import COMMON_ANSWERS, install_handlers, json_keys_once
from api.service.job_watch import JobWatch
from api.service.jobs import JobRunner
from api.service.routes import (
    availability,
    health,
    jobs,
    page,
    planning,
    rosters,
    scenarios,
    teams,
    tokens,
    web,
)
from api.service.settings import Settings
from api.service.slow_clients import BodyPace, BodyReadTimeout
from api.service.storage import fail_interrupted_jobs

log = logging.getLogger("wfm.service")
_MULTIPART_OVERHEAD_BYTES = 64 * 1024  # an upload's form boundaries and headers around the file
POOL_RESERVE = 10  # connections beyond the request threads': the job watch's reads, the runner's, /ready


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service. On start-up it migrates the database, fails jobs a previous run left active, and
    starts the job runner; on shut-down it stops running jobs (they are marked failed)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # requests' blocking work runs on these threads; the pool has a connection for each, and a few
        # more for the job watch and the runner, and at most as many requests use the database at once
        to_thread.current_default_thread_limiter().total_tokens = settings.request_threads
        engine = make_engine(
            settings.database_url,
            pool_size=settings.request_threads,
            pool_overflow=POOL_RESERVE,
            pool_timeout_s=settings.database_wait_s,
        )
        if settings.migrate_on_start:
            upgrade(engine)
        sessions = session_factory(engine)
        with transaction(sessions) as session:
            interrupted = fail_interrupted_jobs(session)
        if interrupted:
            log.warning("marked %d interrupted job(s) failed; they can be resubmitted", interrupted)
        watch = JobWatch(sessions)
        runner = JobRunner(settings.worker_options(), sessions, settings.job_workers, on_ended=watch.poke)
        turns = DatabaseTurns(settings.request_threads, settings.database_wait_s)
        app.state.wfm = AppState(
            settings=settings, engine=engine, sessions=sessions, runner=runner, watch=watch, turns=turns
        )
        # what start-up loaded (the libraries' modules, some 300,000 objects) lives as long as the
        # service: kept out of the garbage collector, a full collection no longer walks it (0.3 s)
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            runner.shutdown()
            engine.dispose()

    app = FastAPI(
        title="wfm-optimizer",
        summary="Forecasting, staffing and rostering for support teams.",
        version="0.1.0",
        lifespan=lifespan,
    )
    # a request with a body is refused (401, 403, 404) from its headers, before the body is read
    app.add_middleware(AccessBeforeBody)
    # outside it, so that the body's clock starts once access is checked (a slow token lookup is not the
    # client's): a body too slow is answered 408, whatever error the app made of the read that failed
    pace = BodyPace(settings.request_read_timeout_s, settings.request_min_body_rate_bytes_s)
    app.add_middleware(BodyReadTimeout, pace=pace)
    install_handlers(app)
    app.include_router(health.router, max_body_size=0)
    # a body above the limit is refused (413) before any of it is parsed
    upload_limit = settings.max_upload_bytes + _MULTIPART_OVERHEAD_BYTES
    for router, limit in (
        (tokens.router, settings.max_json_bytes),
        (teams.router, settings.max_json_bytes),
        (availability.router, upload_limit),
        (availability.typed_router, settings.max_json_bytes),
        (planning.router, upload_limit),
        (planning.json_router, settings.max_json_bytes),
        (jobs.router, settings.max_json_bytes),
        (rosters.router, settings.max_json_bytes),
        (page.router, settings.max_json_bytes),
        (scenarios.router, settings.max_json_bytes),
    ):
        app.include_router(
            router,
            prefix=API_PREFIX,
            responses=COMMON_ANSWERS,
            max_body_size=limit,
            dependencies=[Depends(known_query), Depends(json_keys_once)],
        )
    web.install(app)
    return app
