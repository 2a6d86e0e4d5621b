"""A job's worker process: started ahead of its job and warmed up, it runs that one job and stores the
result in one transaction.

A worker lives below the service: its OS priority is lowered (`WorkerOptions.niceness`), so that
the service's reads are answered first while solves run, and it ends with the process that started
it, even one killed with SIGKILL (`end_with_service`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterator
from datetime import date
from multiprocessing.connection import Connection
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.service.codec import frame_from_blob, frame_to_blob
from api.service.db import DatasetRow, JobRow, TeamRow, make_engine, session_factory, transaction, utcnow
from api.service.forecasts import run_forecast_job
from api.service.import_worker import run_import_job
from api.service.job_records import fail
from api.service.job_states import QUEUED, RUNNING
from api.service.params import (
    ForecastJobParams,
    ImportJobParams,
    JobParams,
    RosterJobParams,
    ScenarioJobParams,
    params_of,
)
from api.service.roster_worker import add_version, roster_report, run_roster_job
from api.service.rostering import build_problem
from api.service.scenario_worker import run_scenario_job
from api.service.settings import WorkerOptions
from api.service.storage import job_row, set_job_state
from scheduler import RosterResult, SolveSettings, check_roster, solve

log = logging.getLogger("wfm.service.worker")
WARM_UP = "warm-up"  # what the runner sends a spare worker to have it warm up (never a job id)
# The warm-up job: one agent, one queue, an hourly grid; CP-SAT proves it optimal in milliseconds.
_WARM_UP_WEEK = date(2026, 11, 2)  # a Monday
_WARM_UP_LIMIT_S = 0.2  # enough to run every step of a solve; the tiny problem needs far less
_WARM_UP_TEAM: dict[str, Any] = {
    "name": "Warm-up",
    "tz": "UTC",
    "interval_minutes": 60,
    "shrinkage": 0.0,
    "queues": [{"name": "email", "channel": "email", "response_hours": 8}],
    "shift_rules": {
        "lengths_hours": [8],
        "start_step_minutes": 60,
        "earliest_start": "08:00",
        "latest_start": "09:00",
        "breaks": [],
    },
    "agents": [
        {
            "id": "a1",
            "name": "Warm Up",
            "tz": "UTC",
            "skills": ["email"],
            "min_hours_per_week": 0,
            "max_hours_per_week": 40,
        }
    ],
}


def end_with_service(lifeline: Connection) -> None:
    """End this process as soon as the service that started it ends, however it ends.

    The service holds the only writing end of `lifeline` and never writes to it; when the service
    ends, even killed with SIGKILL, the kernel closes that end and a read here sees the end of the
    pipe. A daemon thread waits for that and ends the process (a solve releases the interpreter while
    it searches, so the thread runs at once). This works with every start method, and also frees the
    fork server, which lives as long as any process it started holds its own pipe.
    """

    def watch() -> None:
        with contextlib.suppress(EOFError, OSError):
            lifeline.recv()
        os._exit(1)

    threading.Thread(target=watch, name="wfm-lifeline", daemon=True).start()


def lower_priority(niceness: int) -> None:
    """Lower this process's OS priority by `niceness` (0: unchanged), so that the service is served first."""
    if niceness > 0:
        with contextlib.suppress(OSError, AttributeError):  # AttributeError: no os.nice (Windows)
            os.nice(niceness)


def worker_main(options: WorkerOptions, jobs: Connection, lifeline: Connection) -> None:
    """Entry point of a worker process: tied to the service's life and below it in priority, it serves one job."""
    end_with_service(lifeline)
    lower_priority(options.niceness)
    serve_one_job(options, jobs)


def serve_one_job(options: WorkerOptions, jobs: Connection) -> None:
    """Wait for the job's id, then run it (in a worker process started before its job).

    A fresh process pays for much on first use: its database connection, SQLAlchemy's compiled
    queries, pandas' and CP-SAT's first calls, the copy-on-write page faults after the fork. Told
    `WARM_UP` meanwhile, it pays all that at once, while no job waits. The runner closes `jobs` to
    stop a worker that has no job.
    """
    engine = make_engine(options.database_url)
    sessions = session_factory(engine)
    try:
        job_id = _next_job(sessions, jobs)
        if job_id is not None:
            run(sessions, job_id, options)
    finally:
        jobs.close()
        engine.dispose()


def _next_job(sessions: sessionmaker[Session], jobs: Connection) -> str | None:
    """The job id the runner sends (None if it stops first), warming up when it says so."""
    while True:
        try:
            message = str(jobs.recv())
        except EOFError:
            return None
        if message != WARM_UP:
            return message
        warm_up(sessions, jobs)


def run_job(options: WorkerOptions, job_id: str) -> None:
    """Run one queued job in this process, cold (no warm-up), with an engine of its own."""
    engine = make_engine(options.database_url)
    try:
        run(session_factory(engine), job_id, options)
    finally:
        engine.dispose()


def run(sessions: sessionmaker[Session], job_id: str, options: WorkerOptions) -> None:
    """Run one queued job (a roster, a scenario comparison, an import or a forecast) to its end."""
    with transaction(sessions) as session:
        if not set_job_state(session, job_id, RUNNING, only_from=(QUEUED,), started_at=utcnow()):
            return  # cancelled before it started
        job = job_row(session, job_id)
        team_id, token_id, kind, stored = job.team_id, job.token_id, job.kind, dict(job.params)
    try:
        params: JobParams = params_of(kind, stored)
    except Exception as exc:
        fail(sessions, job_id, exc)
        return
    if isinstance(params, RosterJobParams):
        run_roster_job(sessions, job_id, team_id, params, options)
    elif isinstance(params, ScenarioJobParams):
        run_scenario_job(sessions, job_id, token_id, params, options)
    elif isinstance(params, ImportJobParams):
        run_import_job(sessions, job_id, team_id, token_id, params, options)
    elif isinstance(params, ForecastJobParams):
        run_forecast_job(sessions, job_id, team_id, params, options)


def warm_up(sessions: sessionmaker[Session], jobs: Connection) -> None:
    """Go once through what a roster job does, on a built-in tiny problem, storing nothing.

    Stops between stages as soon as a job is waiting: the job's own run pays what is left. A
    failure is logged and otherwise ignored, since warming up only saves time.
    """
    try:
        for _stage in _warm_up_stages(sessions):
            if jobs.poll():
                return
    except Exception:
        log.exception("worker warm-up failed; the next job runs without it")


def _warm_up_stages(sessions: sessionmaker[Session]) -> Iterator[None]:
    """The warm-up job, stage by stage: read, decode and build, solve, check and report, write."""
    with transaction(sessions) as session:  # opens the pooled connection, compiles a job's first queries
        session.get(JobRow, "")
        session.get(DatasetRow, 0)
    yield
    params = warm_up_params()
    problem = build_problem(params, frame_from_blob(*frame_to_blob(warm_up_requirements())))
    yield
    result: RosterResult = solve(
        problem, SolveSettings(time_limit_s=_WARM_UP_LIMIT_S, workers=1), on_progress=lambda _p: None
    )
    yield
    check_roster(problem, result.roster.shifts)
    report = roster_report(problem, result)
    yield
    with sessions() as session:  # a job's writes, rolled back: the warm-up stores nothing
        try:
            set_job_state(session, "", RUNNING, only_from=(QUEUED,), started_at=utcnow())
            team_id = session.scalar(select(TeamRow.id).limit(1))
            if team_id is not None:  # a version needs a team
                add_version(session, "", team_id, params, result, [], report)
        finally:
            session.rollback()


def warm_up_params() -> RosterJobParams:
    """The warm-up job's parameters, as the route stores a job's."""
    return RosterJobParams(
        first_day=_WARM_UP_WEEK,
        time_limit_s=_WARM_UP_LIMIT_S,
        team=_WARM_UP_TEAM,
        availability=[],
        requirements_id=1,
    )


def warm_up_requirements() -> pd.DataFrame:
    """One agent on email 09:00-17:00 UTC, Monday to Friday of the warm-up week."""
    days = pd.date_range(pd.Timestamp(_WARM_UP_WEEK, tz="UTC"), periods=5, freq="D")
    return pd.DataFrame(
        {
            "queue": "email",
            "ds": [day + pd.Timedelta(hours=hour) for day in days for hour in range(9, 17)],
            "required": 1,
            "scheduled_needed": 1,
        }
    )
