"""Contact history, forecasts and requirements of a team."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Path, Query, UploadFile, status
from fastapi.responses import Response

from api.exports import frame_csv_bytes
from api.importers.zones import zone_option
from api.lead_in import carried_in_note
from api.schemas import MAX_ZONE_CHARS
from api.service.codec import frame_records
from api.service.deps import PlanTeam, PrincipalDep, ReadTeam, SessionDep, StateDep
from api.service.errors import JOB_LIMIT_ANSWER
from api.service.forecasts import (
    check_forecast_week,
    forecast_of,
    history_rows,
    lead_in_history,
    store_forecast,
)
from api.service.params import ForecastJobParams, ImportJobParams
from api.service.presenters import dataset_out, job_accepted
from api.service.schemas import (
    MAX_DB_ID,
    DatasetOut,
    DatasetRows,
    ForecastCreate,
    JobOut,
    RequirementsCreate,
    TicketExportQuery,
)
from api.service.storage import (
    dataset_frame,
    dataset_row,
    datasets_of,
    delete_dataset,
    save_dataset,
    span_meta,
    team_of,
)
from api.service.upload_jobs import IMPORT_ANSWERS, import_upload
from api.service.uploads import ONE_FILE, read_upload, upload_name
from scheduler import compute_requirements, with_lead_in

router = APIRouter(tags=["planning"])  # uploads (and reads): the service's upload limit
json_router = APIRouter(tags=["planning"])  # JSON bodies: the JSON limit
_INVALID: dict[int | str, dict[str, Any]] = {
    422: {"description": "invalid input: the body says what and where"}
}
DatasetIdPath = Annotated[int, Path(ge=1, le=MAX_DB_ID, description="the stored frame's id")]


@router.post(
    "/teams/{team_id}/history",
    dependencies=[ONE_FILE],
    status_code=status.HTTP_201_CREATED,
    response_model=DatasetOut,
    responses=IMPORT_ANSWERS,
)
def post_history(
    team: PlanTeam,
    file: Annotated[
        UploadFile, File(description="contact history CSV or Parquet: ds, queue, y[, region, aht_s]")
    ],
    session: SessionDep,
    principal: PrincipalDep,
    state: StateDep,
    assume_tz: Annotated[
        str | None,
        Query(max_length=MAX_ZONE_CHARS, description="zone of timestamps written without an offset"),
    ] = None,
    aggregate: Annotated[
        bool, Query(description="a row per contact: add the rows up per queue, region and interval")
    ] = False,
) -> Any:
    """Store a contact history; the whole file is checked first (a big file: by a job, 202)."""
    if assume_tz is not None:
        zone_option("assume_tz", assume_tz)
    params = ImportJobParams(
        what="history", filename=upload_name(file), assume_tz=assume_tz, aggregate=aggregate
    )
    data = read_upload(file, state.settings.max_upload_bytes)
    return import_upload(session, state, principal, team, params, data)


@router.post(
    "/teams/{team_id}/history/tickets",
    dependencies=[ONE_FILE],
    status_code=status.HTTP_201_CREATED,
    response_model=DatasetOut,
    responses=IMPORT_ANSWERS,
)
def post_ticket_export(
    team: PlanTeam,
    file: Annotated[UploadFile, File(description="a helpdesk export, CSV (UTF-8) or XLSX: a row per ticket")],
    session: SessionDep,
    principal: PrincipalDep,
    state: StateDep,
    options: Annotated[TicketExportQuery, Query()],
) -> Any:
    """Store the history counted from a helpdesk export (`wfm import tickets`); `meta.report` says
    which rows were kept and dropped, and why. A bad export stores nothing (a big file: by a job, 202)."""
    params = ImportJobParams(what="tickets", filename=upload_name(file), tickets=options)
    data = read_upload(file, state.settings.max_upload_bytes)
    return import_upload(session, state, principal, team, params, data)


@json_router.post(
    "/teams/{team_id}/forecasts",
    status_code=status.HTTP_201_CREATED,
    response_model=DatasetOut,
    responses={
        **_INVALID,
        **JOB_LIMIT_ANSWER,
        202: {"model": JobOut, "description": "a big history: a forecast job"},
    },
)
def post_forecast(
    team: PlanTeam, body: ForecastCreate, session: SessionDep, principal: PrincipalDep, state: StateDep
) -> Any:
    """Forecast seven local days per queue × region × interval from a stored history (from a history of
    more rows than the service's inline limit: by a job, 202; its result is the stored forecast)."""
    params = ForecastJobParams(history_id=body.history_id, week=body.week)
    check_forecast_week(team_of(session, team), params)  # a Tuesday week is refused now, not by its job
    if history_rows(session, team.id, body.history_id) > state.settings.inline_forecast_rows:
        return job_accepted(state.submit(session, principal.token_id, team.id, params))
    stored = store_forecast(session, team.id, forecast_of(session, team.id, params), params)
    session.commit()
    return dataset_out(stored)


@json_router.post("/teams/{team_id}/requirements", status_code=status.HTTP_201_CREATED, responses=_INVALID)
def post_requirements(team: PlanTeam, body: RequirementsCreate, session: SessionDep) -> DatasetOut:
    """Agents needed per queue and interval for a stored forecast. With `lead_in` (the default) and the
    history the forecast was made from, the email and social contacts of its last response window
    before the week come first, as rows marked `lead_in`: a roster job carries them into the week (as
    `wfm requirements --history`)."""
    row = dataset_row(session, team.id, "forecast", body.forecast_id)
    forecast = dataset_frame(row)
    domain_team = team_of(session, team)
    history = lead_in_history(session, team.id, row) if body.lead_in else None
    note = None
    if history is not None:
        planned = with_lead_in(forecast, history, domain_team)
        note = carried_in_note(forecast, history, domain_team, planned)
        forecast = planned
    frame = compute_requirements(forecast, domain_team, statistic=body.statistic)
    meta = {"statistic": body.statistic, **span_meta(frame), **({"lead_in_note": note} if note else {})}
    stored = save_dataset(session, team.id, "requirements", frame, meta, body.forecast_id)
    session.commit()
    return dataset_out(stored)


@router.post(
    "/teams/{team_id}/requirements/upload",
    dependencies=[ONE_FILE],
    status_code=status.HTTP_201_CREATED,
    response_model=DatasetOut,
    responses=IMPORT_ANSWERS,
)
def upload_requirements(
    team: PlanTeam,
    file: Annotated[UploadFile, File(description="requirements CSV (the requirements contract)")],
    session: SessionDep,
    principal: PrincipalDep,
    state: StateDep,
) -> Any:
    """Store requirements made elsewhere (a big file: by a job, 202)."""
    params = ImportJobParams(what="requirements", filename=upload_name(file))
    data = read_upload(file, state.settings.max_upload_bytes)
    return import_upload(session, state, principal, team, params, data)


def _add_readers(path: str, kind: str) -> None:
    """GET list and GET one for a dataset kind, at fixed paths (no catch-all segment)."""

    def list_datasets(team: ReadTeam, session: SessionDep) -> list[DatasetOut]:
        return [dataset_out(r) for r in datasets_of(session, team.id, kind)]

    def get_dataset(
        team: ReadTeam,
        dataset_id: DatasetIdPath,
        session: SessionDep,
        format: Annotated[Literal["json", "csv"], Query()] = "json",
    ) -> DatasetRows | Response:
        row = dataset_row(session, team.id, kind, dataset_id)
        frame = dataset_frame(row)
        if format == "csv":
            return Response(frame_csv_bytes(frame), media_type="text/csv")
        return DatasetRows(**dataset_out(row).model_dump(), rows=frame_records(frame))

    router.add_api_route(
        f"/teams/{{team_id}}/{path}",
        list_datasets,
        methods=["GET"],
        summary=f"List stored {path}",
        description=f"The team's stored {path}, newest first.",
    )

    def remove_dataset(team: PlanTeam, dataset_id: DatasetIdPath, session: SessionDep) -> list[DatasetOut]:
        deleted = [dataset_out(r) for r in delete_dataset(session, team.id, kind, dataset_id)]
        session.commit()
        return deleted

    router.add_api_route(
        f"/teams/{{team_id}}/{path}/{{dataset_id}}",
        remove_dataset,
        methods=["DELETE"],
        response_model=list[DatasetOut],
        responses={409: {"description": "something stored still reads it: the body says what"}},
        summary=f"Delete one of the stored {path}",
        description="Delete a stored frame, e.g. a history imported from the wrong export, with the forecasts "
        "made from a history (requirements made from them are frames of their own and stay); the answer lists "
        "every frame deleted. Refused (409, nothing deleted) while something reads one: the roster versions "
        "made from requirements, a queued or running job.",
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
