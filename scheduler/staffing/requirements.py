"""Requirements: a forecast frame in, agents needed per queue and interval out.

The DataFrame layer of the staffing step (the formulas are in `scheduler.staffing.queues`). Input is the
forecast contract: `queue`, `region`, `ds` (UTC interval starts on the team grid), `mean`, optional
quantile columns (`q10`, `q50`, `q90`, ...) and `aht_s` (NaN: the queue's default `aht_s`). Regions are
summed per queue and interval; `aht_s` is averaged weighted by the staffed volume.

Output: one row per queue and interval, columns `REQUIREMENT_COLUMNS`:
`queue`, `ds` (UTC), `volume`, `aht_s`, `required` (whole agents productive on the queue),
`scheduled_needed` (`ceil(required / (1 - shrinkage))`, the queue's shrinkage or the team's),
`required_fractional` and `scheduled_needed_fractional` (`required_fractional / (1 - shrinkage)`; the
need the roster serves). With a lead-in (`with_lead_in`: the async contacts of the history's last
response window before the forecast), those rows come first, marked `lead_in`, with no need of their
own: they carry the backlog into the week.
Async queues (email, social) carry backlog from one interval to the next, so their series is filled
onto the full grid between its first and last interval (missing intervals have no contacts) and those
filled rows appear in the output too.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from common.errors import InvalidInput
from common.timegrid import local_minutes_of_day, local_weekdays
from scheduler.domain import QueueSpec, Team
from scheduler.staffing.queues import queue_requirement

REQUIREMENT_COLUMNS: tuple[str, ...] = (
    "queue",
    "ds",
    "volume",
    "aht_s",
    "required",
    "scheduled_needed",
    "required_fractional",
    "scheduled_needed_fractional",
)
_STATISTIC = re.compile(r"^(mean|q\d{1,2}(\.\d+)?)$")


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "queue": pd.Series([], dtype=object),
            "ds": pd.Series([], dtype="datetime64[ns, UTC]"),
            "volume": pd.Series([], dtype=np.float64),
            "aht_s": pd.Series([], dtype=np.float64),
            "required": pd.Series([], dtype=np.int64),
            "scheduled_needed": pd.Series([], dtype=np.int64),
            "required_fractional": pd.Series([], dtype=np.float64),
            "scheduled_needed_fractional": pd.Series([], dtype=np.float64),
        }
    )


def _utc_starts(ds: pd.Series) -> pd.Series:
    if not isinstance(ds.dtype, pd.DatetimeTZDtype):
        if pd.api.types.is_datetime64_any_dtype(ds):
            raise InvalidInput(
                "forecast column 'ds' has no time zone; give UTC interval starts (e.g. 2025-03-03T08:00:00Z)"
            )
        raise InvalidInput("forecast column 'ds' must hold timezone-aware datetimes (UTC interval starts)")
    return pd.Series(ds.dt.tz_convert("UTC"))


def _check_grid(ds: pd.Series, team: Team) -> None:
    if ds.empty:
        return
    interval = pd.Timedelta(minutes=team.interval_minutes)
    first = ds.min()
    off_grid = ((ds - first) % interval) != pd.Timedelta(0)
    local_first = first.tz_convert(team.tz)
    if off_grid.any() or (local_first.hour * 60 + local_first.minute) % team.interval_minutes:
        bad = ds[off_grid].iloc[0] if off_grid.any() else first
        raise InvalidInput(
            f"forecast interval {bad.isoformat()} is not on the team's {team.interval_minutes}-minute grid; "
            f"resample the forecast to {team.interval_minutes}-minute intervals"
        )


def _validated(forecast: pd.DataFrame, team: Team, statistic: str) -> pd.DataFrame:
    if not _STATISTIC.match(statistic):
        raise InvalidInput(f"statistic must be 'mean' or a quantile column such as 'q90', got {statistic!r}")
    missing = [c for c in ("queue", "ds", statistic) if c not in forecast.columns]
    if missing:
        raise InvalidInput(
            f"forecast lacks column(s) {', '.join(missing)}; it has {', '.join(map(str, forecast.columns))}"
        )
    queues = {q.name: q for q in team.queues}
    unknown = sorted(set(forecast["queue"].astype(str)) - set(queues))
    if unknown:
        raise InvalidInput(
            f"forecast has queue(s) {', '.join(unknown)} that team {team.name!r} does not have; "
            f"its queues are {', '.join(sorted(queues))}"
        )
    volume = pd.to_numeric(forecast[statistic], errors="coerce").astype(np.float64)
    bad = volume.isna() | ~np.isfinite(volume) | (volume < 0)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InvalidInput(
            f"forecast column {statistic!r} must hold contacts >= 0; {int(bad.sum())} row(s) do not, "
            f"the first is row {row + 2} (value {forecast[statistic].iloc[row]!r})"
        )
    queue = forecast["queue"].astype(str)
    default_aht = queue.map({name: q.aht_s for name, q in queues.items()}).astype(np.float64)
    if "aht_s" in forecast.columns:
        aht = pd.to_numeric(forecast["aht_s"], errors="coerce").astype(np.float64).fillna(default_aht)
    else:
        aht = default_aht
    if (aht <= 0).any() or not np.isfinite(aht).all():
        row = int(np.flatnonzero(((aht <= 0) | ~np.isfinite(aht)).to_numpy())[0])
        raise InvalidInput(
            f"forecast column 'aht_s' must be more than zero seconds (or empty for the queue default); "
            f"row {row + 2} has {aht.iloc[row]!r}"
        )
    ds = _utc_starts(forecast["ds"])
    _check_grid(ds, team)
    return pd.DataFrame(
        {"queue": queue.to_numpy(), "ds": ds.to_numpy(), "volume": volume.to_numpy(), "aht_s": aht.to_numpy()}
    ).assign(ds=lambda f: pd.to_datetime(f["ds"], utc=True))


def _queue_frame(spec: QueueSpec, rows: pd.DataFrame, team: Team) -> pd.DataFrame:
    rows = rows.sort_values("ds")
    if not spec.is_live:
        grid = pd.date_range(rows["ds"].iloc[0], rows["ds"].iloc[-1], freq=f"{team.interval_minutes}min")
        rows = (
            rows.set_index("ds")
            .reindex(grid)
            .rename_axis("ds")
            .reset_index()
            .fillna({"volume": 0.0, "aht_s": spec.aht_s})
        )
    volume = rows["volume"].to_numpy(dtype=np.float64)
    aht = rows["aht_s"].to_numpy(dtype=np.float64)
    req = queue_requirement(
        spec, volume, aht, interval_s=team.interval_minutes * 60.0, shrinkage=team.shrinkage_of(spec)
    )
    return pd.DataFrame(
        {
            "queue": spec.name,
            "ds": rows["ds"].to_numpy(),
            "volume": volume,
            "aht_s": aht,
            "required": req.required.astype(np.int64),
            "scheduled_needed": req.scheduled_needed.astype(np.int64),
            "required_fractional": req.required_fractional,
            "scheduled_needed_fractional": req.scheduled_needed_fractional,
        }
    )


def compute_requirements(forecast: pd.DataFrame, team: Team, *, statistic: str = "mean") -> pd.DataFrame:
    """Agents needed per queue and UTC interval to staff the forecast's `statistic` column.

    Voice uses Erlang C (Erlang A when the queue has `patience_s`), chat the slot model with the queue's
    `concurrency`, email and social the async backlog model with `response_hours` (see
    `scheduler.staffing.queues`). Zero volume needs 0 agents (an async queue may still work its backlog).

    Raises:
        InvalidInput: a missing column, an unknown queue, negative or missing volume, AHT not positive,
            naive or off-grid timestamps.
    """
    rows = _validated(forecast, team, statistic)
    if rows.empty:
        return _empty()
    rows["work"] = rows["volume"] * rows["aht_s"]
    grouped = rows.groupby(["queue", "ds"], sort=True).agg(
        volume=("volume", "sum"), work=("work", "sum"), aht_mean=("aht_s", "mean")
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        weighted = grouped["work"] / grouped["volume"]
    grouped["aht_s"] = weighted.where(grouped["volume"] > 0, grouped["aht_mean"])
    summed = _closed_to_zero(grouped[["volume", "aht_s"]].reset_index(), team)
    frames = [
        _queue_frame(team.queue(str(name)), part, team) for name, part in summed.groupby("queue", sort=True)
    ]
    out = pd.concat(frames, ignore_index=True)
    out["ds"] = pd.to_datetime(out["ds"], utc=True)
    out = out.loc[:, list(REQUIREMENT_COLUMNS)].sort_values(["queue", "ds"], ignore_index=True)
    if "lead_in" in forecast.columns and (~forecast["lead_in"].astype(bool)).any():
        out = _mark_lead_in(
            out, pd.to_datetime(forecast["ds"], utc=True)[~forecast["lead_in"].astype(bool)].min()
        )
    return out


def _closed_to_zero(summed: pd.DataFrame, team: Team) -> pd.DataFrame:
    """The volume of each live queue in its closed hours and days (`QueueSpec.open_hours`, `open_days`, on
    the team's clock) at
    zero: no contact is taken there, so none is staffed for."""
    instants = pd.DatetimeIndex(pd.to_datetime(summed["ds"], utc=True))
    minute, weekday = local_minutes_of_day(instants, team.tz), local_weekdays(instants, team.tz)
    volume = summed["volume"].to_numpy(dtype=float).copy()
    for q in team.queues:
        if not q.always_open:
            rows = (summed["queue"] == q.name).to_numpy()
            volume[rows & ~q.open_at(minute, weekday)] = 0.0
    return summed.assign(volume=volume)


NEED_COLUMNS = ("required", "scheduled_needed", "required_fractional", "scheduled_needed_fractional")


def _mark_lead_in(out: pd.DataFrame, start: pd.Timestamp) -> pd.DataFrame:
    """Rows before the forecast are its lead-in: they carry contacts into the week, and the need
    they would imply lies before it (0 here, so the file's need is the week's alone)."""
    lead_in = out["ds"] < start
    out = out.assign(lead_in=lead_in)
    for column in NEED_COLUMNS:
        out[column] = out[column].where(~lead_in, 0)
    return out


def with_lead_in(forecast: pd.DataFrame, history: pd.DataFrame, team: Team) -> pd.DataFrame:
    """The forecast with the async queues' contacts of the history's last response window before it
    prepended (as forecast rows: `mean` is the contacts that came), so the requirements carry the
    backlog that enters the week: Monday's need answers Sunday's email that falls due on Monday.

    History rows off the team's grid are left out; a queue without history before the forecast
    carries nothing in.
    """
    if forecast.empty or history.empty:
        return forecast
    first = pd.to_datetime(forecast["ds"], utc=True).min()
    frames = [forecast]
    ds = pd.to_datetime(history["ds"], utc=True)
    for spec in team.queues:
        if spec.is_live:
            continue
        since = first - pd.Timedelta(hours=spec.response_hours)
        rows = history[(history["queue"] == spec.name) & (ds >= since) & (ds < first)]
        if rows.empty:
            continue
        frames.append(
            pd.DataFrame(
                {
                    "queue": spec.name,
                    "region": rows["region"].to_numpy() if "region" in rows else team.tz,
                    "ds": pd.to_datetime(rows["ds"], utc=True).to_numpy(),
                    "mean": rows["y"].to_numpy(dtype=float),
                    "aht_s": rows["aht_s"].to_numpy(dtype=float) if "aht_s" in rows else np.nan,
                    "lead_in": True,
                }
            ).assign(ds=lambda f: pd.to_datetime(f["ds"], utc=True))
        )
    out = pd.concat([forecast.assign(lead_in=False), *frames[1:]], ignore_index=True)
    return out.sort_values(["queue", "ds"], kind="stable", ignore_index=True)
