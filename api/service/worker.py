"""A job's worker process: started ahead of its job and warmed up, it runs that one job and stores the
result in one transaction."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict
from datetime import date
from multiprocessing.connection import Connection
from typing import Any

import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from api.service.codec import frame_from_blob, frame_records, frame_to_blob, json_ready, shift_to_dict
from api.service.db import (
    DatasetRow,
    JobRow,
    RosterVersionRow,
    TeamRow,
    make_engine,
    session_factory,
    transaction,
    utcnow,
)
from api.service.errors import infeasible_body, invalid_body
from api.service.rostering import build_problem, change_dicts
from api.service.storage import dataset_frame, dataset_row, job_row, next_version_number, set_job_state
from common.errors import Infeasible, InvalidInput
from scheduler import (
    Problem,
    Progress,
    Roster,
    RosterResult,
    SolveSettings,
    check_roster,
    coverage_frame,
    roster_changes,
    solve,
    summarize,
)

log = logging.getLogger("wfm.service.worker")
PROGRESS_EVERY_S = 0.25  # a running job's progress is written at most this often (never in its first 0.25 s)
_STORE_ATTEMPTS = 5
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


class _CancelledMeanwhile(Exception):
    """The job was cancelled while its result was being written."""


class Throttle:
    """Lets an action through at most once every `every_s` seconds, the first time `every_s` after creation."""

    def __init__(self, every_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._every_s = every_s
        self._clock = clock
        self._last = clock()

    def due(self) -> bool:
        """True (and the interval starts again) when `every_s` have passed since the last time through."""
        now = self._clock()
        if now - self._last < self._every_s:
            return False
        self._last = now
        return True

    def again(self) -> None:
        """Let the next action through at once (the last one did not happen)."""
        self._last = -math.inf


def finite(x: float) -> float | None:
    """`x`, or None when it is not finite (JSON has no inf or NaN)."""
    return float(x) if math.isfinite(x) else None


def serve_one_job(database_url: str, solver_threads: int, jobs: Connection) -> None:
    """Entry point of a worker process started before its job: wait for the job's id, then run it.

    A fresh process pays for much on first use: its database connection, SQLAlchemy's compiled
    queries, pandas' and CP-SAT's first calls, the copy-on-write page faults after the fork. Told
    `WARM_UP` meanwhile, it pays all that at once, while no job waits. The runner closes `jobs` to
    stop a worker that has no job.
    """
    engine = make_engine(database_url)
    sessions = session_factory(engine)
    try:
        job_id = _next_job(sessions, jobs)
        if job_id is not None:
            run(sessions, job_id, solver_threads)
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


def run_job(database_url: str, job_id: str, solver_threads: int) -> None:
    """Run one queued job in this process, cold (no warm-up), with an engine of its own."""
    engine = make_engine(database_url)
    try:
        run(session_factory(engine), job_id, solver_threads)
    finally:
        engine.dispose()


run_roster_job = run_job  # the name the first job runner used


def run(sessions: sessionmaker[Session], job_id: str, solver_threads: int) -> None:
    """Run one queued job (a roster or a scenario comparison) to its end."""
    with transaction(sessions) as session:
        if not set_job_state(session, job_id, "running", only_from=("queued",), started_at=utcnow()):
            return  # cancelled before it started
        job = job_row(session, job_id)
        frame = dataset_frame(dataset_row(session, job.team_id, *input_dataset(job)))
    if job.kind == "scenario":
        from api.service.scenario_worker import run_scenario_job

        run_scenario_job(sessions, job, frame, solver_threads)
    else:
        _run_roster(sessions, job, frame, solver_threads)


def input_dataset(job: JobRow) -> tuple[str, int]:
    """The kind and id of the stored frame a job works from: its requirements, or a scenario's base."""
    if job.kind == "scenario":
        return str(job.params["base_kind"]), int(job.params["base_id"])
    return "requirements", int(job.params["requirements_id"])


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
    params = _warm_up_params()
    problem = build_problem(params, frame_from_blob(*frame_to_blob(_warm_up_requirements())))
    yield
    result = solve(
        problem, SolveSettings(time_limit_s=_WARM_UP_LIMIT_S, workers=1), on_progress=lambda _p: None
    )
    yield
    check_roster(problem, result.roster.shifts)
    report = roster_report(problem, result.roster)
    yield
    with sessions() as session:  # a job's writes, rolled back: the warm-up stores nothing
        try:
            set_job_state(session, "", "running", only_from=("queued",), started_at=utcnow())
            team_id = session.scalar(select(TeamRow.id).limit(1))
            if team_id is not None:  # a version needs a team
                add_version(session, "", team_id, params, problem, result, [], report)
        finally:
            session.rollback()


def _warm_up_params() -> dict[str, Any]:
    """The warm-up job's parameters, as the route stores a job's."""
    return {
        "first_day": _WARM_UP_WEEK.isoformat(),
        "team": _WARM_UP_TEAM,
        "availability": [],
        "requirements_id": 0,
    }


def _warm_up_requirements() -> pd.DataFrame:
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


def _run_roster(
    sessions: sessionmaker[Session], job: JobRow, requirements: pd.DataFrame, solver_threads: int
) -> None:
    """Solve a running roster job and store its roster version, or fail it with the reason."""
    job_id, team_id, params = job.id, job.team_id, dict(job.params)
    try:
        problem = build_problem(params, requirements)
        settings = SolveSettings(
            time_limit_s=float(params["time_limit_s"]),
            workers=solver_threads,
            seed=int(params.get("seed", 0)),
        )
        result = solve(
            problem,
            settings,
            on_progress=_progress_writer(sessions, job_id),
            warm_start=problem.published,
        )
        roster = result.roster
        violations = check_roster(problem, roster.shifts)
        if violations:  # never store a roster that breaks a hard rule
            raise Infeasible([str(v) for v in violations[:20]])
        changes = (
            []
            if problem.published is None
            else change_dicts(roster_changes(problem.published, roster), problem.team)
        )
    except Infeasible as exc:
        fail(sessions, job_id, {"status": 422, **infeasible_body(exc)})
        return
    except InvalidInput as exc:
        fail(sessions, job_id, {"status": 422, **invalid_body(exc)})
        return
    except Exception as exc:  # a bug or a solver crash: the job fails, the service goes on
        log.exception("job %s failed", job_id)
        fail(sessions, job_id, {"status": 500, "title": "internal error", "detail": type(exc).__name__})
        return
    _store(sessions, job_id, team_id, params, problem, result, changes)


def _progress_writer(sessions: sessionmaker[Session], job_id: str) -> Callable[[Progress], None]:
    """The solve's progress callback: the job's best objective, bound and time, every `PROGRESS_EVERY_S`.

    A solve that ends within the first interval writes no progress at all: its result follows at once.
    """
    throttle = Throttle(PROGRESS_EVERY_S)

    def write(progress: Progress) -> None:
        if throttle.due():
            write_progress(
                sessions,
                job_id,
                throttle,
                objective=finite(progress.objective),
                bound=finite(progress.bound),
                elapsed_s=progress.elapsed_s,
            )

    return write


def write_progress(sessions: sessionmaker[Session], job_id: str, throttle: Throttle, **values: Any) -> None:
    """Write `values` onto the job while it runs; a busy database only delays the next report."""
    try:
        with transaction(sessions) as session:
            session.execute(
                update(JobRow).where(JobRow.id == job_id, JobRow.state == "running").values(**values)
            )
    except OperationalError:
        throttle.again()


def fail(sessions: sessionmaker[Session], job_id: str, error: dict[str, Any]) -> None:
    """End a running job as failed with `error`."""
    with transaction(sessions) as session:
        set_job_state(session, job_id, "failed", only_from=("running",), finished_at=utcnow(), error=error)


def roster_report(problem: Problem, roster: Roster) -> dict[str, Any]:
    """What a roster version stores besides the solve's figures: summary, coverage and shifts, as JSON."""
    return {
        "summary": json_ready(asdict(summarize(problem, roster))),
        "coverage": frame_records(coverage_frame(problem, roster)),
        "shifts": [shift_to_dict(s) for s in roster.shifts],
    }


def _store(
    sessions: sessionmaker[Session],
    job_id: str,
    team_id: str,
    params: dict[str, Any],
    problem: Problem,
    result: RosterResult,
    changes: list[dict[str, Any]],
) -> None:
    """The roster version and the job's end, in one transaction (retried if another writer won)."""
    report = roster_report(problem, result.roster)
    for attempt in range(_STORE_ATTEMPTS):
        try:
            with transaction(sessions) as session:
                if not add_version(session, job_id, team_id, params, problem, result, changes, report):
                    raise _CancelledMeanwhile
                return
        except _CancelledMeanwhile:  # the rollback keeps nothing of a cancelled job
            return
        except (IntegrityError, OperationalError):
            if attempt == _STORE_ATTEMPTS - 1:
                raise
            time.sleep(0.1 * (attempt + 1))


def add_version(
    session: Session,
    job_id: str,
    team_id: str,
    params: dict[str, Any],
    problem: Problem,
    result: RosterResult,
    changes: list[dict[str, Any]],
    report: dict[str, Any],
) -> bool:
    """Add the job's roster version and mark the job succeeded; False if it was no longer running."""
    version = RosterVersionRow(
        team_id=team_id,
        number=next_version_number(session, team_id),
        first_day=problem.week.first_day,
        job_id=job_id,
        based_on=params.get("base_version"),
        status=result.status,
        objective=finite(result.objective),
        bound=finite(result.bound),
        elapsed_s=result.elapsed_s,
        penalties={k: float(v) for k, v in result.penalties.items()},
        team_snapshot=params["team"],
        availability_snapshot=params["availability"],
        requirements_id=params["requirements_id"],
        pins=params.get("pins", []),
        changes=changes,
        created_at=utcnow(),
        **report,
    )
    session.add(version)
    session.flush()
    return set_job_state(
        session,
        job_id,
        "succeeded",
        only_from=("running",),
        finished_at=utcnow(),
        version_id=version.number,
        objective=finite(result.objective),
        bound=finite(result.bound),
        elapsed_s=result.elapsed_s,
    )
