"""Contact history, forecasts and requirements of a team."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, File, Query, UploadFile, status
from fastapi.responses import Response

from api.formats import read_history, read_requirements
from api.importers.tickets import import_tickets
from api.service.codec import frame_records
from api.service.db import DatasetRow, as_utc, utcnow
from api.service.deps import PrincipalDep, SessionDep, StateDep
from api.service.routes.teams import visible_team
from api.service.schemas import DatasetOut, DatasetRows, ForecastCreate, RequirementsCreate, TicketExportQuery
from api.service.storage import dataset_frame, dataset_row, datasets_of, save_dataset, team_of
from api.service.uploads import parse_upload, read_upload, upload_name
from common.errors import InputIssue, InvalidInput
from common.timegrid import PlanningWeek
from forecasting import forecast_week
from scheduler import compute_requirements

router = APIRouter(tags=["planning"])
_INVALID: dict[int | str, dict[str, Any]] = {
    422: {"description": "invalid input: the body says what and where"}
}


HISTORY_ORDER = ["ds", "queue", "y", "region", "aht_s"]  # the columns as read_history gives them


def _out(row: DatasetRow) -> DatasetOut:
    return DatasetOut(
        id=row.id,
        kind=row.kind,
        source_id=row.source_id,
        meta=dict(row.meta),
        created_at=as_utc(row.created_at) or utcnow(),
    )


def _span(ds: pd.Series) -> dict[str, str]:
    if ds.empty:
        return {}
    return {"first_ds": ds.min().isoformat(), "last_ds": ds.max().isoformat()}


@router.post("/teams/{team_id}/history", status_code=status.HTTP_201_CREATED, responses=_INVALID)
def post_history(
    team_id: str,
    file: Annotated[
        UploadFile, File(description="contact history CSV or Parquet: ds, queue, y[, region, aht_s]")
    ],
    session: SessionDep,
    principal: PrincipalDep,
    state: StateDep,
    assume_tz: Annotated[
        str | None, Query(description="zone of timestamps written without an offset")
    ] = None,
    aggregate: Annotated[
        bool, Query(description="add the rows up per interval of the team's grid (a row per contact)")
    ] = False,
) -> DatasetOut:
    """Store a contact history; the whole file is checked first."""
    row = visible_team(session, principal, team_id, "plan")
    team = team_of(session, row)
    name = upload_name(file)
    data = read_upload(file, state.settings.max_upload_bytes)
    frame = parse_upload(
        data,
        name,
        lambda path: read_history(
            path,
            default_region=team.tz,
            assume_tz=assume_tz,
            aggregate=aggregate,
            interval_minutes=team.interval_minutes,
        ),
        (".csv", ".parquet"),
    )
    meta = {"file": name, "queues": sorted(frame["queue"].unique()), **_span(frame["ds"])}
    stored = save_dataset(session, team_id, "history", frame, meta, None)
    session.commit()
    return _out(stored)


@router.post("/teams/{team_id}/history/tickets", status_code=status.HTTP_201_CREATED, responses=_INVALID)
def post_ticket_export(
    team_id: str,
    file: Annotated[UploadFile, File(description="a helpdesk export, CSV (UTF-8) or XLSX: a row per ticket")],
    session: SessionDep,
    principal: PrincipalDep,
    state: StateDep,
    options: Annotated[TicketExportQuery, Query()],
) -> DatasetOut:
    """Store the history counted from a helpdesk export (`wfm import tickets`); `meta.report` says
    which rows were kept and dropped, and why. A bad export stores nothing."""
    row = visible_team(session, principal, team_id, "plan")
    team = team_of(session, row)
    name = upload_name(file)
    data = read_upload(file, state.settings.max_upload_bytes)
    frame, report = parse_upload(
        data, name, lambda path: import_tickets(path, options.to_options(team)), (".csv", ".xlsx")
    )
    meta = {
        "file": name,
        "queues": sorted(frame["queue"].unique()),
        **_span(frame["ds"]),
        "report": {
            "rows_read": report.rows_read,
            "kept": report.kept,
            "dropped": {reason: count for reason, (count, _) in report.dropped.items()},
            "columns": report.columns,
            "warnings": report.warnings,
        },
    }
    stored = save_dataset(session, team_id, "history", frame[HISTORY_ORDER], meta, None)
    session.commit()
    return _out(stored)


@router.post("/teams/{team_id}/forecasts", status_code=status.HTTP_201_CREATED, responses=_INVALID)
def post_forecast(
    team_id: str, body: ForecastCreate, session: SessionDep, principal: PrincipalDep
) -> DatasetOut:
    """Forecast seven local days per queue × region × interval from a stored history."""
    row = visible_team(session, principal, team_id, "plan")
    team = team_of(session, row)
    history = dataset_frame(dataset_row(session, team_id, "history", body.history_id))
    week = PlanningWeek(body.week, team.tz, team.interval_minutes)
    frame = forecast_week(history, week)
    meta = {"week": body.week.isoformat(), **_span(frame["ds"])}
    stored = save_dataset(session, team_id, "forecast", frame, meta, body.history_id)
    session.commit()
    return _out(stored)


@router.post("/teams/{team_id}/requirements", status_code=status.HTTP_201_CREATED, responses=_INVALID)
def post_requirements(
    team_id: str, body: RequirementsCreate, session: SessionDep, principal: PrincipalDep
) -> DatasetOut:
    """Agents needed per queue and interval for a stored forecast."""
    row = visible_team(session, principal, team_id, "plan")
    team = team_of(session, row)
    forecast = dataset_frame(dataset_row(session, team_id, "forecast", body.forecast_id))
    frame = compute_requirements(forecast, team, statistic=body.statistic)
    meta = {"statistic": body.statistic, **_span(frame["ds"])}
    stored = save_dataset(session, team_id, "requirements", frame, meta, body.forecast_id)
    session.commit()
    return _out(stored)


@router.post("/teams/{team_id}/requirements/upload", status_code=status.HTTP_201_CREATED, responses=_INVALID)
def upload_requirements(
    team_id: str,
    file: Annotated[UploadFile, File(description="requirements CSV (the requirements contract)")],
    session: SessionDep,
    principal: PrincipalDep,
    state: StateDep,
) -> DatasetOut:
    """Store requirements made elsewhere."""
    row = visible_team(session, principal, team_id, "plan")
    team = team_of(session, row)
    name = upload_name(file)
    frame = parse_upload(
        read_upload(file, state.settings.max_upload_bytes), name, read_requirements, (".csv",)
    )
    unknown = sorted(set(frame["queue"]) - {q.name for q in team.queues})
    if unknown:
        raise InvalidInput(
            [InputIssue(f"queues not in the team: {', '.join(unknown)}", name, column="queue")]
        )
    meta = {"file": name, **_span(frame["ds"])}
    stored = save_dataset(session, team_id, "requirements", frame, meta, None)
    session.commit()
    return _out(stored)


def _add_readers(path: str, kind: str) -> None:
    """GET list and GET one for a dataset kind, at fixed paths (no catch-all segment)."""

    def list_datasets(team_id: str, session: SessionDep, principal: PrincipalDep) -> list[DatasetOut]:
        visible_team(session, principal, team_id, "read")
        return [_out(r) for r in datasets_of(session, team_id, kind)]

    def get_dataset(
        team_id: str,
        dataset_id: int,
        session: SessionDep,
        principal: PrincipalDep,
        format: Annotated[Literal["json", "csv"], Query()] = "json",
    ) -> DatasetRows | Response:
        visible_team(session, principal, team_id, "read")
        row = dataset_row(session, team_id, kind, dataset_id)
        records = frame_records(dataset_frame(row))
        if format == "csv":
            return Response(pd.DataFrame.from_records(records).to_csv(index=False), media_type="text/csv")
        return DatasetRows(**_out(row).model_dump(), rows=records)

    router.add_api_route(
        f"/teams/{{team_id}}/{path}",
        list_datasets,
        methods=["GET"],
        summary=f"List stored {path}",
        description=f"The team's stored {path}, newest first.",
    )
    router.add_api_route(
        f"/teams/{{team_id}}/{path}/{{dataset_id}}",
        get_dataset,
        methods=["GET"],
        response_model=DatasetRows,
        responses={200: {"content": {"text/csv": {}}}},
        summary=f"Get one of the stored {path}",
        description="A stored frame, as JSON rows or as CSV (instants in ISO-8601 UTC).",
    )


for _path, _kind in (("history", "history"), ("forecasts", "forecast"), ("requirements", "requirements")):
    _add_readers(_path, _kind)
