"""A roster job in its worker process: solve, check with the independent checker, store the version."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from api.service.codec import frame_records, json_ready, shift_to_dict
from api.service.db import RosterVersionRow, transaction, utcnow
from api.service.job_records import (
    PROGRESS_EVERY_S,
    Throttle,
    fail,
    finite,
    store_outcome,
    write_progress,
)
from api.service.params import RosterJobParams
from api.service.rostering import build_problem, change_dicts
from api.service.settings import WorkerOptions
from api.service.storage import dataset_frame, dataset_row, next_version_number
from common.errors import Infeasible
from scheduler import (
    Problem,
    Progress,
    Roster,
    RosterResult,
    check_roster,
    coverage_frame,
    roster_changes,
    solve,
    summarize,
)


def run_roster_job(
    sessions: sessionmaker[Session],
    job_id: str,
    team_id: str,
    params: RosterJobParams,
    options: WorkerOptions,
) -> None:
    """Solve a running roster job and store its roster version, or fail it with the reason."""
    try:
        with transaction(sessions) as session:
            requirements = dataset_frame(
                dataset_row(session, team_id, "requirements", params.requirements_id)
            )
        problem = build_problem(params, requirements)
        result = solve(
            problem,
            options.solve_settings(params.time_limit_s, params.seed),
            on_progress=_progress_writer(sessions, job_id),
            warm_start=problem.published,
        )
        violations = check_roster(problem, result.roster.shifts)
        if violations:  # never store a roster that breaks a hard rule
            raise Infeasible([str(v) for v in violations[:20]])
        changes = (
            []
            if problem.published is None
            else change_dicts(roster_changes(problem.published, result.roster), problem.team)
        )
        report = roster_report(problem, result.roster)
    except Exception as exc:  # the job fails with the reason; the service goes on
        fail(sessions, job_id, exc)
        return
    store_outcome(
        sessions,
        job_id,
        lambda session: add_version(session, job_id, team_id, params, result, changes, report),
    )


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


def roster_report(problem: Problem, roster: Roster) -> dict[str, Any]:
    """What a roster version stores besides the solve's figures: summary, coverage and shifts, as JSON."""
    return {
        "summary": json_ready(asdict(summarize(problem, roster))),
        "coverage": frame_records(coverage_frame(problem, roster)),
        "shifts": [shift_to_dict(s) for s in roster.shifts],
    }


def add_version(
    session: Session,
    job_id: str,
    team_id: str,
    params: RosterJobParams,
    result: RosterResult,
    changes: list[dict[str, Any]],
    report: dict[str, Any],
) -> dict[str, Any]:
    """Add the job's roster version; the values its job row gets when it succeeds."""
    version = RosterVersionRow(
        team_id=team_id,
        number=next_version_number(session, team_id),
        first_day=params.first_day,
        job_id=job_id,
        based_on=params.base_version,
        status=result.status,
        objective=finite(result.objective),
        bound=finite(result.bound),
        elapsed_s=result.elapsed_s,
        penalties={k: float(v) for k, v in result.penalties.items()},
        team_snapshot=params.team,
        availability_snapshot=params.availability,
        requirements_id=params.requirements_id,
        pins=params.pins,
        changes=changes,
        created_at=utcnow(),
        **report,
    )
    session.add(version)
    session.flush()
    return {
        "version_id": version.number,
        "objective": finite(result.objective),
        "bound": finite(result.bound),
        "elapsed_s": result.elapsed_s,
    }
