"""Forecasts of a stored history: made inside the request for a small history, by a job for a big one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from api.service.db import DatasetRow, transaction
from api.service.job_records import fail, store_outcome
from api.service.params import ForecastJobParams
from api.service.presenters import dataset_out
from api.service.rostering import requested_week
from api.service.settings import WorkerOptions
from api.service.storage import dataset_frame, dataset_row, save_dataset, span_meta, team_of, team_row
from forecasting import forecast_notes, forecast_week
from scheduler import Team, planning_week


def check_forecast_week(team: Team, params: ForecastJobParams) -> None:
    """Refuse a week the team cannot plan (its years, its weekday), as a roster of it is refused.

    Raises:
        InvalidInput: naming the field `week`: the week's first day is outside the years a week may
            start in, or is another weekday (the message names the days to use).
    """
    requested_week(team, params.week)


@dataclass(frozen=True)
class MadeForecast:
    """A forecast frame and what it was made with less of than usual (`ForecastWarning`s, in words)."""

    frame: pd.DataFrame
    notes: tuple[str, ...]


def forecast_of(session: Session, team_id: str, params: ForecastJobParams) -> MadeForecast:
    """Seven local days per queue × region × interval from the team's stored history (nothing stored)."""
    team = team_of(session, team_row(session, team_id))
    history = dataset_frame(dataset_row(session, team_id, "history", params.history_id))
    with forecast_notes() as notes:
        frame = forecast_week(history, planning_week(team, params.week))
    return MadeForecast(frame, tuple(notes))


def store_forecast(
    session: Session, team_id: str, made: MadeForecast, params: ForecastJobParams
) -> DatasetRow:
    """Store a forecast of the team, with its notes in the dataset's `meta.notes`."""
    frame = made.frame
    meta = {
        "week": params.week.isoformat(),
        **span_meta(frame),
        **({"notes": list(made.notes)} if made.notes else {}),
    }
    return save_dataset(session, team_id, "forecast", frame, meta, params.history_id)


def lead_in_history(session: Session, team_id: str, forecast: DatasetRow) -> pd.DataFrame | None:
    """The stored history a forecast of the team was made from, or None (a forecast made elsewhere)."""
    source = None if forecast.source_id is None else session.get(DatasetRow, forecast.source_id)
    if source is None or source.team_id != team_id or source.kind != "history":
        return None
    return dataset_frame(source)


def history_rows(session: Session, team_id: str, history_id: int) -> int:
    """How many rows a stored history has (without reading them)."""
    return int(dataset_row(session, team_id, "history", history_id).meta.get("rows", 0))


def run_forecast_job(
    sessions: sessionmaker[Session],
    job_id: str,
    team_id: str,
    params: ForecastJobParams,
    _options: WorkerOptions,
) -> None:
    """Forecast a running job's week and store it, or fail the job with the reason."""
    try:
        with transaction(sessions) as session:
            made = forecast_of(session, team_id, params)
    except Exception as exc:
        fail(sessions, job_id, exc)
        return

    def write(session: Session) -> dict[str, Any]:
        return {"result": dataset_out(store_forecast(session, team_id, made, params)).model_dump(mode="json")}

    store_outcome(sessions, job_id, write)
