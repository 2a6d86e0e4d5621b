"""Stored rows as the API shows them: one function per output schema, shared by every route.

A new field of a version, job or comparison is added to its schema (`api.service.schemas`) and
filled in here, once.
"""

from __future__ import annotations

from fastapi import status
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from api.schemas import team_from_mapping
from api.service.db import (
    DatasetRow,
    JobRow,
    RosterVersionRow,
    ScenarioRow,
    TeamRow,
    TokenRow,
    as_utc,
    utcnow,
)
from api.service.job_states import RUNNING
from api.service.job_watch import revision
from api.service.schemas import (
    DatasetOut,
    JobOut,
    LeadReportOut,
    ScenarioBrief,
    ScenarioOut,
    TeamOut,
    TokenOut,
    VersionOut,
)
from api.service.storage import team_mapping
from api.team_checks import team_warnings


def job_accepted(job: JobRow) -> JSONResponse:
    """The 202 a route answers when it hands its work to a job: the job, to follow."""
    return JSONResponse(job_out(job).model_dump(mode="json"), status_code=status.HTTP_202_ACCEPTED)


def job_out(job: JobRow) -> JobOut:
    """A job; while it runs, elapsed time is counted up to now."""
    started = as_utc(job.started_at)
    elapsed = job.elapsed_s
    if job.state == RUNNING and started is not None:
        elapsed = (utcnow() - started).total_seconds()
    return JobOut(
        id=job.id,
        team_id=job.team_id,
        kind=job.kind,
        state=job.state,  # type: ignore[arg-type]
        objective=job.objective,
        bound=job.bound,
        elapsed_s=elapsed,
        version=job.version_id,
        scenario_id=job.scenario_id,
        progress=job.progress,
        result=job.result,
        error=job.error,
        revision=revision(job),
        created_at=as_utc(job.created_at) or utcnow(),
        started_at=started,
        finished_at=as_utc(job.finished_at),
    )


def version_out(row: RosterVersionRow) -> VersionOut:
    """A roster version's headline (no rows)."""
    return VersionOut(
        number=row.number,
        first_day=row.first_day,
        job_id=row.job_id,
        based_on=row.based_on,
        status=row.status,
        objective=row.objective,
        bound=row.bound,
        elapsed_s=row.elapsed_s,
        published=row.published_at is not None,
        published_at=as_utc(row.published_at),
        created_at=as_utc(row.created_at) or utcnow(),
        summary=dict(row.summary),
        penalties=dict(row.penalties),
        pins=list(row.pins),
        changes=list(row.changes or []),
        report=LeadReportOut(**row.report) if row.report else None,
    )


def scenario_brief(row: ScenarioRow) -> ScenarioBrief:
    """A stored comparison's headline."""
    return ScenarioBrief(
        id=row.id,
        team_id=row.team_id,
        label=row.label,
        depth=row.depth,
        job_id=row.job_id,
        scenarios=max(0, len(row.rows) - 1),
        created_at=as_utc(row.created_at) or utcnow(),
    )


def scenario_out(row: ScenarioRow) -> ScenarioOut:
    """A stored comparison with its rows."""
    return ScenarioOut(**scenario_brief(row).model_dump(), rows=list(row.rows))


def team_out(session: Session, row: TeamRow) -> TeamOut:
    """A stored team with its agents, and what its rules cannot do."""
    mapping = team_mapping(session, row)
    return TeamOut(
        **mapping,
        id=row.id,
        created_at=as_utc(row.created_at) or utcnow(),
        updated_at=as_utc(row.updated_at) or utcnow(),
        warnings=tuple(team_warnings(team_from_mapping(mapping))),
    )


def token_out(row: TokenRow) -> TokenOut:
    """A stored token (never its secret)."""
    return TokenOut(
        id=row.id,
        role=row.role,
        teams=list(row.teams),
        label=row.label,
        created_at=as_utc(row.created_at) or utcnow(),
        revoked_at=as_utc(row.revoked_at),
    )


def dataset_out(row: DatasetRow) -> DatasetOut:
    """A stored history, forecast or requirements frame (without its rows)."""
    return DatasetOut(
        id=row.id,
        kind=row.kind,
        source_id=row.source_id,
        meta=dict(row.meta),
        created_at=as_utc(row.created_at) or utcnow(),
    )
