"""The roster job's worker process: solve, check, and store the result in one transaction."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import asdict
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from api.service.codec import frame_records, shift_to_dict
from api.service.db import JobRow, RosterVersionRow, make_engine, session_factory, transaction, utcnow
from api.service.errors import infeasible_body, invalid_body
from api.service.rostering import build_problem, change_dicts
from api.service.storage import dataset_frame, dataset_row, job_row, next_version_number, set_job_state
from scheduler.domain import Roster
from scheduler.errors import Infeasible, InvalidInput
from scheduler.problem import Problem
from scheduler.report import coverage_frame, roster_changes, summarize
from scheduler.solve import Progress, RosterResult, SolveSettings, solve
from scheduler.validate import check_roster

log = logging.getLogger("wfm.service.worker")
_PROGRESS_EVERY_S = 0.25
_STORE_ATTEMPTS = 5


class _CancelledMeanwhile(Exception):
    """The job was cancelled while its result was being written."""


def finite(x: float) -> float | None:
    """`x`, or None when it is not finite (JSON has no inf or NaN)."""
    return float(x) if math.isfinite(x) else None


def run_job(database_url: str, job_id: str, solver_threads: int) -> None:
    """Entry point of a worker process: run one queued job (a roster or a scenario comparison) to its end."""
    engine = make_engine(database_url)
    sessions = session_factory(engine)
    try:
        with transaction(sessions) as session:
            kind = job_row(session, job_id).kind
        if kind == "scenario":
            from api.service.scenario_worker import run_scenario_job

            run_scenario_job(sessions, job_id, solver_threads)
        else:
            _run(sessions, job_id, solver_threads)
    finally:
        engine.dispose()


run_roster_job = run_job  # the name the first job runner used


def _run(sessions: sessionmaker[Session], job_id: str, solver_threads: int) -> None:
    with transaction(sessions) as session:
        if not set_job_state(session, job_id, "running", only_from=("queued",), started_at=utcnow()):
            return  # cancelled before it started
        job = job_row(session, job_id)
        params, team_id = dict(job.params), job.team_id
        requirements = dataset_frame(dataset_row(session, team_id, "requirements", params["requirements_id"]))
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
    _store(sessions, job_id, team_id, params, problem, result, roster, changes)


def _progress_writer(sessions: sessionmaker[Session], job_id: str) -> Any:
    last = [0.0]

    def write(progress: Progress) -> None:
        now = time.monotonic()
        if now - last[0] < _PROGRESS_EVERY_S:
            return
        last[0] = now
        try:
            with transaction(sessions) as session:
                session.execute(
                    update(JobRow)
                    .where(JobRow.id == job_id, JobRow.state == "running")
                    .values(
                        objective=finite(progress.objective),
                        bound=finite(progress.bound),
                        elapsed_s=progress.elapsed_s,
                    )
                )
        except OperationalError:  # a busy database only delays the next progress report
            last[0] = 0.0

    return write


def fail(sessions: sessionmaker[Session], job_id: str, error: dict[str, Any]) -> None:
    """End a running job as failed with `error`."""
    with transaction(sessions) as session:
        set_job_state(session, job_id, "failed", only_from=("running",), finished_at=utcnow(), error=error)


def _store(
    sessions: sessionmaker[Session],
    job_id: str,
    team_id: str,
    params: dict[str, Any],
    problem: Problem,
    result: RosterResult,
    roster: Roster,
    changes: list[dict[str, Any]],
) -> None:
    """The roster version and the job's end, in one transaction (retried if another writer won)."""
    summary = asdict(summarize(problem, roster))
    coverage = frame_records(coverage_frame(problem, roster))
    for attempt in range(_STORE_ATTEMPTS):
        try:
            with transaction(sessions) as session:
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
                    summary=summary,
                    team_snapshot=params["team"],
                    availability_snapshot=params["availability"],
                    requirements_id=params["requirements_id"],
                    shifts=[shift_to_dict(s) for s in roster.shifts],
                    coverage=coverage,
                    pins=params.get("pins", []),
                    changes=changes,
                    created_at=utcnow(),
                )
                session.add(version)
                session.flush()
                if not set_job_state(
                    session,
                    job_id,
                    "succeeded",
                    only_from=("running",),
                    finished_at=utcnow(),
                    version_id=version.number,
                    objective=finite(result.objective),
                    bound=finite(result.bound),
                    elapsed_s=result.elapsed_s,
                ):
                    raise _CancelledMeanwhile
                return
        except _CancelledMeanwhile:  # the rollback keeps nothing of a cancelled job
            return
        except (IntegrityError, OperationalError):
            if attempt == _STORE_ATTEMPTS - 1:
                raise
            time.sleep(0.1 * (attempt + 1))
