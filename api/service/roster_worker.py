"""A roster job in its worker process: solve, check with the independent checker, store the version."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from api.lead_report import (
    CLI_WORDS,
    LeadReport,
    ReportWords,
    advice_lines,
    lead_report,
    markdown,
    report_title,
    stretches_per_shift,
    summary_lines,
)
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
from api.service.storage import dataset_frame, dataset_label, dataset_row, next_version_number
from common.errors import Infeasible, TimeTooShort
from scheduler import (
    Problem,
    Progress,
    Roster,
    RosterResult,
    check_roster,
    solve,
    summarize,
)


def _beyond_this_service(exc: TimeTooShort, max_time_limit_s: float) -> TimeTooShort:
    """The advice of a solve that needs more time, with what this service allows when that is less."""
    if exc.needed_s <= max_time_limit_s:
        return exc
    return TimeTooShort(
        f"{exc.conflicts[0]} This service allows at most {max_time_limit_s:g} s a solve "
        "(WFM_MAX_TIME_LIMIT_S, set by whoever runs it): ask them for more, or roster the week with "
        f"`wfm roster --time-limit {exc.needed_s:g}`.",
        exc.needed_s,
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
            stored = dataset_row(session, team_id, "requirements", params.requirements_id)
            requirements, source = dataset_frame(stored), dataset_label(stored)
        problem = build_problem(params, requirements, source)
        result = solve(
            problem,
            options.solve_settings(params.time_limit_s, params.seed),
            on_progress=_progress_writer(sessions, job_id, problem),
            warm_start=problem.published,
        )
        violations = check_roster(problem, result.roster.shifts)
        if violations:  # never store a roster that breaks a hard rule
            raise Infeasible([str(v) for v in violations[:20]])
        changes = (
            [] if problem.published is None else change_dicts(problem.published, result.roster, problem.team)
        )
        report = roster_report(problem, result, params.base_version)
    except TimeTooShort as exc:
        fail(sessions, job_id, _beyond_this_service(exc, options.max_time_limit_s))
        return
    except Exception as exc:  # the job fails with the reason; the service goes on
        fail(sessions, job_id, exc)
        return
    store_outcome(
        sessions,
        job_id,
        lambda session: add_version(session, job_id, team_id, params, result, changes, report),
    )


def _progress_writer(
    sessions: sessionmaker[Session], job_id: str, problem: Problem
) -> Callable[[Progress], None]:
    """The solve's progress callback: the job's best objective, bound and time, every `PROGRESS_EVERY_S`;
    and, as soon as the first roster is found, its figures in a lead's terms (`first_roster_figures`).

    A solve that ends within the first interval writes no progress at all: its result follows at once.
    """
    throttle = Throttle(PROGRESS_EVERY_S)

    def write(progress: Progress) -> None:
        first = progress.first_roster
        if first is None and not throttle.due():
            return
        figures = (
            {} if first is None else {"progress": first_roster_figures(problem, first, progress.elapsed_s)}
        )
        write_progress(
            sessions,
            job_id,
            throttle,
            objective=finite(progress.objective),
            bound=finite(progress.bound),
            elapsed_s=progress.elapsed_s,
            **figures,
        )

    return write


def first_roster_figures(problem: Problem, roster: Roster, elapsed_s: float) -> dict[str, Any]:
    """The first roster of a solve in a lead's terms: when it was found, its agent-hours short of the
    need and the expected service level per queue (the job's `progress` while the solve goes on)."""
    summary = summarize(problem, roster)
    figures: dict[str, Any] = json_ready(
        {
            "first_roster_s": elapsed_s,
            "shortfall_hours": summary.understaffed_agent_hours,
            "service_level": summary.service_level_by_queue,
        }
    )
    return figures


SERVICE_MORE = "the version's report.md lists them all"


def roster_report(problem: Problem, result: RosterResult, base_version: int | None = None) -> dict[str, Any]:
    """What a roster version stores besides the solve's figures, as JSON: summary, coverage, shifts, and
    the lead's report as `wfm roster` gives it (`api.lead_report`): its summary lines, the Markdown of
    `--report`, each stretch where service suffers with who could cover it, and the queue stretches."""
    roster = result.roster
    words = ReportWords(
        base_roster=CLI_WORDS.base_roster if base_version is None else f"v{base_version}",
        next_week_counts_it="once published, next week's roster jobs count it",
        reoptimize='"re-rosters change every agent\'s shifts" in the Solve tab (reoptimize in the API)',
    )
    lead = lead_report(problem, roster, words)
    mean, p95, median = stretches_per_shift(roster)
    return {
        "summary": json_ready(asdict(lead.summary)),
        "coverage": frame_records(lead.coverage),
        "shifts": [shift_to_dict(s) for s in roster.shifts],
        "report": {
            "lines": summary_lines(lead, problem.team, roster, result, SERVICE_MORE),
            "advice": advice_lines(lead.summary, problem.team, roster),
            "markdown": markdown(lead, problem.team, roster, result, report_title(problem)),
            "short_stretches": short_stretch_dicts(lead),
            "queue_stretches": {"mean_per_shift": mean, "p95_per_shift": p95, "median_minutes": median},
        },
    }


def short_stretch_dicts(lead: LeadReport) -> list[dict[str, Any]]:
    """Each stretch where service suffers, in words, with who could cover it (least costly first)."""
    out = []
    for stretch in lead.summary.short:
        cover = [
            {k: v for k, v in asdict(o).items() if k != "stretch"} for o in lead.cover if o.stretch is stretch
        ]
        out.append(json_ready({**asdict(stretch), "cover": cover}))
    return out


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
