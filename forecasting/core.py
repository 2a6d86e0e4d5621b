"""The frame layer: long-format contact history in, wall-clock matrices to the models, forecast frame out.

Each series (queue × region) is laid out on its region's own local wall clock, one row per
local calendar day and one column per wall-clock slot, so "Monday 09:00 in London" is the
same column in winter and in summer. The models see only these matrices; this module maps
their forecasts back onto the team's UTC grid, where the regions add up.

Conventions for history:
- A local day with no row at all is missing (not zero): the model skips it.
- On a day that has rows, a slot without a row had no contacts (exports often skip zeros).
- A wall-clock slot that occurs twice (autumn fall-back) holds the mean of its two
  occurrences; a slot that does not occur (spring-forward) is missing. In the forecast the
  repeated slot's rate applies to both UTC intervals, and the skipped one gets none.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from common.errors import InvalidInput
from common.timegrid import (
    MINUTES_PER_DAY,
    Grid,
    PlanningWeek,
    check_interval_minutes,
    local_day_start_utc,
    zone,
)
from forecasting.calendar import HolidayChange, SpecialDay, holiday_calendar_of_zone, region_holidays
from forecasting.features import calendar_features, usually_open_types
from forecasting.intervals import (
    DEFAULT_DISPERSION,
    check_quantiles,
    count_quantiles,
    fit_dispersion,
    quantile_column,
)
from forecasting.models import (
    DayModel,
    FloatArray,
    IntArray,
    SeasonalNaive,
    make_candidates,
)

Clock = Literal["local", "utc"]
# the contact-history contract: `ds`, `queue`, `y`, and optionally `region` and `aht_s`, in the order written
HISTORY_COLUMNS: tuple[str, ...] = ("ds", "queue", "region", "y", "aht_s")
EPOCH_DAY = date(1970, 1, 1)
MIN_DAYS = 7
MIN_DAYS_FOR_SELECTION = 14
HORIZON_DAYS = 7
CLOSED_RATIO = 0.2
MAX_GAP_DAYS = 56
DEFAULT_N_ORIGINS = 4
AHT_PRIOR_CONTACTS = 20.0
AHT_WEEKS = 8


class ForecastWarning(UserWarning):
    """The forecast was made, but with less to go on than usual (the message says what)."""


@contextmanager
def forecast_notes() -> Iterator[list[str]]:
    """Collect the `ForecastWarning`s raised inside (their messages, in the list yielded, filled when
    the block ends), for a caller that shows them its own way; other warnings go on as usual."""
    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ForecastWarning)
        yield notes
    for w in caught:
        if issubclass(w.category, ForecastWarning):
            notes.append(str(w.message))
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)


def _warn_of_history_in_the_grid(history: pd.DataFrame, grid: Grid) -> None:
    """A history that runs into the days forecast (a week already past, or a file exported later than
    meant): the forecast is made from the history before them, as it would have been then; say so."""
    inside = history["ds"] >= pd.Timestamp(grid.start_utc)
    if inside.any():
        last = history.loc[inside, "ds"].max()
        warnings.warn(
            f"the history runs into the days forecast: {int(inside.sum())} of its rows are from "
            f"{grid.start_utc:%Y-%m-%d %H:%M} UTC on (the last {last:%Y-%m-%d %H:%M} UTC); the forecast "
            "uses only the history before them, as if made then",
            ForecastWarning,
            stacklevel=3,
        )


def forecast_columns(quantiles: Sequence[float]) -> list[str]:
    """The forecast contract's columns for these quantile levels."""
    return ["queue", "region", "ds", "mean", *(quantile_column(q) for q in quantiles), "aht_s"]


def day_number(day: date) -> int:
    """Days since 1970-01-01."""
    return (day - EPOCH_DAY).days


def day_of(number: int) -> date:
    """The date `number` days after 1970-01-01."""
    return EPOCH_DAY + timedelta(days=number)


def weekday_of(numbers: npt.NDArray[np.int64]) -> IntArray:
    """Monday=0 .. Sunday=6 of day numbers (1970-01-01 was a Thursday)."""
    return np.asarray((numbers + 3) % 7, dtype=np.int64)


def wall_clock(instants_utc: pd.DatetimeIndex, tz: str) -> tuple[IntArray, IntArray]:
    """Local day number and local minute of day of each instant, on the wall clock of `tz`."""
    local = instants_utc.tz_convert(zone(tz)).tz_localize(None)
    minutes = np.asarray(local.values.astype("datetime64[m]").astype(np.int64))
    return minutes // MINUTES_PER_DAY, minutes % MINUTES_PER_DAY


def _utc_index(values: pd.Series) -> pd.DatetimeIndex:
    index = pd.DatetimeIndex(values)
    return index.tz_convert("UTC")


@dataclass
class WallHistory:
    """One series on its wall clock: `rate[d, s]` contacts per interval (NaN = missing).

    `first_day` is the day number of row 0; `special[d]` marks days left out of fitting
    (holidays, events, closures); `holiday_days` names the region's public holidays, by day
    number, over the history and the days to forecast.
    """

    queue: str
    region: str
    clock_tz: str
    interval_minutes: int
    first_day: int
    rate: FloatArray
    aht_s: FloatArray
    special: npt.NDArray[np.bool_]
    holiday_days: dict[int, str] = field(default_factory=dict)
    closed_days: set[int] = field(default_factory=set)

    @property
    def n_days(self) -> int:
        return int(self.rate.shape[0])

    @property
    def slots_per_day(self) -> int:
        return int(self.rate.shape[1])

    def day_type(self, start: int = 0, stop: int | None = None) -> IntArray:
        """Day types (weekdays) of rows `start`..`stop`, which may run past the history."""
        stop = self.n_days if stop is None else stop
        return weekday_of(np.arange(self.first_day + start, self.first_day + stop, dtype=np.int64))

    def training(self) -> FloatArray:
        """The rate with special days blanked out, for fitting."""
        return np.where(self.special[:, None], np.nan, self.rate)

    def observed_days(self) -> int:
        return int(np.sum(~np.all(np.isnan(self.rate), axis=1)))


def source_step_minutes(ds: pd.DatetimeIndex) -> int:
    """The interval length of a history series: the smallest gap between its timestamps."""
    minutes = np.unique(np.asarray(ds.tz_convert(None).to_numpy().astype("datetime64[m]").astype(np.int64)))
    if minutes.size < 2:
        return 1
    return int(np.diff(minutes).min())


def series_step_minutes(ds: pd.DatetimeIndex, history_step_minutes: int | None) -> int:
    """The interval length of one series: the smallest gap between its timestamps, unless its rows
    are too far apart to tell and the history as a whole comes finer (`history_step_minutes`): a
    quiet region's calls, a few a week, are 165 minutes or a week apart on a 15-minute export. A
    series whose rows fill at least half of its own coarser grid keeps it (an hourly series beside
    a 15-minute one)."""
    own = source_step_minutes(ds)
    if history_step_minutes is None or own <= history_step_minutes:
        return own
    minutes = np.unique(np.asarray(ds.tz_convert(None).to_numpy().astype("datetime64[m]").astype(np.int64)))
    slots = (int(minutes[-1]) - int(minutes[0])) // own + 1
    return own if minutes.size >= 0.5 * slots else history_step_minutes


def build_wall_history(
    ds: pd.DatetimeIndex,
    y: FloatArray,
    aht_s: FloatArray,
    *,
    queue: str,
    region: str,
    clock_tz: str,
    interval_minutes: int,
    cutoff_utc: datetime,
    covered_utc: pd.DatetimeIndex | None = None,
    history_step_minutes: int | None = None,
) -> WallHistory:
    """Lay one series out on the wall clock of `clock_tz`, using only whole local days before `cutoff_utc`.

    A day with no row of the series is missing (NaN), unless the history as a whole has a row that
    day (`covered_utc`: the instants of every series' rows): then the series had no contacts that
    day, and it is a zero. A helpdesk export lists tickets, so a quiet region's Saturdays without a
    call have no row; counted as missing, its forecast rested on the Saturdays with one and came out
    at a call or two every Saturday where the history had three in ten. Its interval is the
    history's where its own rows are too far apart to tell (`series_step_minutes`).

    Raises:
        InvalidInput: the history's interval does not divide `interval_minutes`.
    """
    step = series_step_minutes(ds, history_step_minutes)
    if interval_minutes % step and step % interval_minutes:
        raise InvalidInput(
            f"queue {queue!r}, region {region!r}: history comes every {step} minutes, which does not add "
            f"up to {interval_minutes}-minute intervals; choose an interval that is a multiple of {step}"
        )
    if step > interval_minutes:
        raise InvalidInput(
            f"queue {queue!r}, region {region!r}: history comes every {step} minutes, coarser than the "
            f"{interval_minutes}-minute forecast; forecast at {step} minutes or give finer history"
        )
    slots = MINUTES_PER_DAY // interval_minutes
    cutoff_day, _ = wall_clock(pd.DatetimeIndex([cutoff_utc]).tz_convert("UTC"), clock_tz)
    # The local day holding the cutoff is only partly in the past: it is forecast, not history.
    last_day_excl = int(cutoff_day[0])
    day, minute = wall_clock(ds, clock_tz)
    keep = day < last_day_excl
    day, minute, y, aht_s = day[keep], minute[keep], y[keep], aht_s[keep]
    if day.size == 0:
        raise InvalidInput(
            f"queue {queue!r}, region {region!r}: no history before {cutoff_utc.isoformat()}; "
            "give at least two weeks of history before the week to forecast"
        )
    first_day = int(day.min())
    n_days = last_day_excl - first_day
    cell = (day - first_day) * slots + minute // interval_minutes
    size = n_days * slots
    volume = np.bincount(cell, weights=y, minlength=size)
    has_aht = np.isfinite(aht_s)
    aht_volume = np.bincount(cell[has_aht], weights=y[has_aht], minlength=size)
    aht_work = np.bincount(cell[has_aht], weights=(y * aht_s)[has_aht], minlength=size)
    # How often each wall-clock slot occurred, in source intervals: 0 in a skipped DST hour,
    # twice the usual in a repeated one.
    span = pd.date_range(
        local_day_start_utc(day_of(first_day), zone(clock_tz)),
        local_day_start_utc(day_of(last_day_excl), zone(clock_tz)),
        freq=f"{step}min",
        inclusive="left",
    )
    span_day, span_minute = wall_clock(span, clock_tz)
    span_cell = (span_day - first_day) * slots + span_minute // interval_minutes
    occurrences = np.bincount(span_cell, minlength=size)[:size] * (step / interval_minutes)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(occurrences > 0, volume / occurrences, np.nan).reshape(n_days, slots)
        aht = np.where(aht_volume > 0, aht_work / aht_volume, np.nan).reshape(n_days, slots)
    has_row = np.bincount(day - first_day, minlength=n_days) > 0
    if covered_utc is not None:
        covered_day, _ = wall_clock(covered_utc, clock_tz)
        inside = (covered_day >= first_day) & (covered_day < last_day_excl)
        has_row |= np.bincount(covered_day[inside] - first_day, minlength=n_days)[:n_days] > 0
    rate[~has_row] = np.nan
    return WallHistory(
        queue=queue,
        region=region,
        clock_tz=clock_tz,
        interval_minutes=interval_minutes,
        first_day=first_day,
        rate=rate,
        aht_s=np.where(np.isnan(rate), np.nan, aht),
        special=np.zeros(n_days, dtype=bool),
    )


def mark_special_days(
    series: WallHistory,
    *,
    holiday_country: str | None,
    last_day_excl: int,
    specials: Sequence[SpecialDay],
    team_tz: str,
    holiday_changes: Sequence[HolidayChange] = (),
) -> None:
    """Fill `series.holiday_days` up to `last_day_excl` and blank past holidays and special days."""
    holidays = region_holidays(
        series.region,
        day_of(series.first_day),
        day_of(last_day_excl),
        country=holiday_country,
        changes=holiday_changes,
    )
    series.holiday_days = {day_number(d): name for d, name in holidays.items()}
    for number in series.holiday_days:
        row = number - series.first_day
        if 0 <= row < series.n_days:
            series.special[row] = True
    tz = zone(series.clock_tz)
    for special in specials:
        if not special.applies_to(series.queue, series.region):
            continue
        start, end = special.span_utc(team_tz)
        first = day_number(start.astimezone(tz).date())
        last = day_number((end - timedelta(microseconds=1)).astimezone(tz).date())
        if special.kind == "closed" and (end - start) >= timedelta(hours=12):
            # Closed for most of a day: contacts come the day after (a catch-up day).
            series.closed_days.add(day_number((start + (end - start) / 2).astimezone(tz).date()))
        for number in range(first, last + 1):
            row = number - series.first_day
            if 0 <= row < series.n_days:
                series.special[row] = True


def clean_outliers(series: WallHistory) -> FloatArray:
    """The training matrix with outlying days blanked and spikes capped, judged on earlier days only.

    A day whose total is under 40 % or over 250 % of the median of the last four ordinary days
    of its type is left out (an outage, a partial export, an unannounced event). A slot above
    its median of those days by more than max(3×, 6 Poisson standard deviations) is capped there.
    """
    train = series.training()
    kinds = series.day_type()
    totals = np.where(np.all(np.isnan(train), axis=1), np.nan, np.nansum(train, axis=1))
    cleaned = train.copy()
    for kind in range(7):
        rows = np.flatnonzero((kinds == kind) & np.isfinite(totals))
        for i in range(2, rows.size):
            ref_rows = rows[max(0, i - 4) : i]
            ref_total = float(np.median(totals[ref_rows]))
            day = rows[i]
            if ref_total > 0 and not 0.4 * ref_total <= totals[day] <= 2.5 * ref_total:
                cleaned[day] = np.nan
                continue
            if ref_rows.size >= 3:
                with np.errstate(all="ignore"):
                    ref = np.nanmedian(train[ref_rows], axis=0)
                cap = np.maximum(3.0 * ref, ref + 6.0 * np.sqrt(ref + 1.0))
                over = np.isfinite(cap) & (cleaned[day] > cap)
                cleaned[day, over] = cap[over]
    return cleaned


@dataclass
class FittedSeries:
    """A series' chosen model, its dispersion and the backtest scores that chose it."""

    model: DayModel
    dispersion: float
    scores: dict[str, float]
    holiday_ratios: dict[str, float]
    features: FloatArray
    note: str | None = None


def rolling_origins(n_days: int, *, horizon_days: int, n_origins: int, min_train_days: int) -> list[int]:
    """Origins (row indices) of a rolling-origin backtest: the last `n_origins` weeks that fit."""
    origins = [n_days - horizon_days * i for i in range(1, n_origins + 1)]
    return sorted(o for o in origins if o >= min_train_days)


def mean_squared_error(actual: FloatArray, mean: FloatArray) -> float:
    """Mean squared error per interval over the values both have.

    Models are chosen by it, not by WAPE: the staffing need is a function of the rate, and squared
    error is least for the true mean, where absolute error is least for the median. On a queue with
    a few calls a day most intervals get none, their median is 0, and WAPE chose last week's scatter
    of calls (zero in nine intervals of ten) over a rate.
    """
    ok = np.isfinite(actual) & np.isfinite(mean)
    return float(np.mean((actual[ok] - mean[ok]) ** 2)) if ok.any() else math.nan


def fit_series(
    series: WallHistory,
    *,
    candidates: Sequence[DayModel] | None = None,
    n_origins: int = DEFAULT_N_ORIGINS,
    horizon_days: int = HORIZON_DAYS,
    future_days: int = 2 * HORIZON_DAYS,
) -> FittedSeries:
    """Choose a model for `series` by a rolling-origin backtest (interval mean squared error) and fit
    it on all of it.

    Calendar features are made for the history and `future_days` days after it.

    Raises:
        InvalidInput: fewer than 7 days of history.
    """
    observed = series.observed_days()
    where = f"queue {series.queue!r}, region {series.region!r}"
    if observed < MIN_DAYS:
        raise InvalidInput(
            f"{where}: only {observed} day(s) of history; give at least {MIN_DAYS} days "
            f"(two weeks or more for a tested model)"
        )
    clean = clean_outliers(series)
    kinds = series.day_type()
    actual = series.training()
    holiday_ratios = _holiday_ratios(series)
    x = day_features(series, holiday_ratios, series.n_days + future_days + HORIZON_DAYS)
    if observed < MIN_DAYS_FOR_SELECTION:
        note = (
            f"{where}: only {observed} days of history, shorter than two weeks; "
            "using last week's pattern (seasonal naive) with a default interval width"
        )
        warnings.warn(note, ForecastWarning, stacklevel=3)
        model: DayModel = SeasonalNaive().fit(clean, kinds)
        return FittedSeries(model, DEFAULT_DISPERSION, {}, holiday_ratios, x, note)
    models = list(candidates) if candidates is not None else make_candidates()
    origins = rolling_origins(
        series.n_days, horizon_days=horizon_days, n_origins=n_origins, min_train_days=MIN_DAYS
    )
    scores: dict[str, float] = {}
    pairs: dict[str, tuple[list[FloatArray], list[FloatArray]]] = {}
    for model in models:
        actuals: list[FloatArray] = []
        means: list[FloatArray] = []
        for origin in origins:
            stop = min(origin + horizon_days, series.n_days)
            model.fit(clean[:origin], kinds[:origin], x[:origin])
            means.append(model.predict(kinds[origin:stop], x[origin:stop]))
            actuals.append(actual[origin:stop])
        if origins:
            all_actual, all_mean = np.concatenate(actuals), np.concatenate(means)
            scores[model.name] = mean_squared_error(all_actual, all_mean)
            pairs[model.name] = ([all_actual], [all_mean])
    finite = {name: s for name, s in scores.items() if math.isfinite(s)}
    best_name = min(finite, key=lambda name: finite[name]) if finite else models[-1].name
    best = next(m for m in models if m.name == best_name)
    dispersion = (
        fit_dispersion(pairs[best_name][0][0], pairs[best_name][1][0])
        if best_name in pairs
        else DEFAULT_DISPERSION
    )
    best.fit(clean, kinds, x)
    return FittedSeries(best, dispersion, scores, holiday_ratios, x)


def day_features(series: WallHistory, holiday_ratios: dict[str, float], n_total_days: int) -> FloatArray:
    """Calendar features of the history's days and the days after it, up to `n_total_days` rows.

    A history day is open if it had contacts; a future day if its type usually is, unless it
    is a public holiday the queue has been closed on or a day the user closed.
    """
    days = series.first_day + np.arange(n_total_days, dtype=np.int64)
    kinds = weekday_of(days)
    n = series.n_days
    observed = ~np.all(np.isnan(series.rate), axis=1)
    is_open = np.zeros(n_total_days, dtype=bool)
    is_open[:n] = observed & (np.nansum(series.rate, axis=1) > 0)
    open_types = usually_open_types(kinds[:n], is_open[:n], observed)
    is_open[n:] = np.isin(kinds[n:], list(open_types))
    for row in range(n, n_total_days):
        number = int(days[row])
        name = series.holiday_days.get(number)
        if (
            name is not None and holiday_ratios.get(name, 1.0) < CLOSED_RATIO
        ) or number in series.closed_days:
            is_open[row] = False
    return calendar_features(days, is_open, open_types)


def _holiday_ratios(series: WallHistory) -> dict[str, float]:
    """Volume on each past public holiday relative to ordinary days of its type, by holiday name.

    Holidays differ (a bank closes on Independence Day, not always on Columbus Day), so each
    is learnt from its own past occurrences. A holiday with no rows at all while the same
    weekdays around it have rows counts as closed (0). A holiday not in the history is
    forecast as an ordinary day.
    """
    totals = np.where(np.all(np.isnan(series.rate), axis=1), np.nan, np.nansum(series.rate, axis=1))
    kinds = series.day_type()
    found: dict[str, list[float]] = {}
    for number, name in series.holiday_days.items():
        row = number - series.first_day
        if not 0 <= row < series.n_days:
            continue
        same = np.flatnonzero((kinds == kinds[row]) & ~series.special & np.isfinite(totals))
        near = same[np.abs(same - row) <= 21]
        if near.size == 0:
            continue
        usual = float(np.median(totals[near]))
        if usual <= 0:
            continue
        ratio = 0.0 if not math.isfinite(totals[row]) else float(totals[row]) / usual
        found.setdefault(name, []).append(ratio)
    return {name: float(np.median(r)) for name, r in found.items()}


def _aht_forecast(series: WallHistory, kinds_future: IntArray) -> FloatArray:
    """AHT per future day and slot: volume-weighted recent same-type slots, shrunk toward broader means."""
    recent = slice(max(0, series.n_days - 7 * AHT_WEEKS), series.n_days)
    aht = series.aht_s[recent]
    volume = np.nan_to_num(series.rate[recent])
    volume = np.where(np.isfinite(aht), volume, 0.0)
    work = np.where(np.isfinite(aht), aht * volume, 0.0)
    total_volume = float(volume.sum())
    if total_volume <= 0:
        return np.full((kinds_future.size, series.slots_per_day), np.nan)
    overall = float(work.sum()) / total_volume
    m = AHT_PRIOR_CONTACTS
    by_slot = (work.sum(axis=0) + m * overall) / (volume.sum(axis=0) + m)
    kinds = series.day_type(recent.start, recent.stop)
    out = np.empty((kinds_future.size, series.slots_per_day))
    for i, kind in enumerate(kinds_future.tolist()):
        rows = kinds == kind
        out[i] = (work[rows].sum(axis=0) + m * by_slot) / (volume[rows].sum(axis=0) + m)
    return out


@dataclass
class SeriesForecast:
    """A series' forecast on the grid, with what chose it."""

    queue: str
    region: str
    mean: FloatArray
    quantiles: FloatArray
    aht_s: FloatArray
    fitted: FittedSeries


def forecast_series_on_grid(
    series: WallHistory,
    fitted: FittedSeries,
    grid: Grid,
    *,
    quantiles: Sequence[float],
    specials: Sequence[SpecialDay],
    team_tz: str,
) -> SeriesForecast:
    """Predict the wall-clock days the grid touches and read them off at each UTC interval."""
    starts = grid.starts()
    day, minute = wall_clock(starts, series.clock_tz)
    first_future = series.first_day + series.n_days
    last_needed = int(day.max())
    h_days = last_needed - first_future + 1
    kinds_future = weekday_of(np.arange(first_future, last_needed + 1, dtype=np.int64))
    x_future = fitted.features[series.n_days : series.n_days + h_days]
    if x_future.shape[0] < h_days:
        x_future = np.vstack([x_future, np.zeros((h_days - x_future.shape[0], x_future.shape[1]))])
    mean_days = fitted.model.predict(kinds_future, x_future)
    for i in range(h_days):
        name = series.holiday_days.get(first_future + i)
        if name is not None:
            mean_days[i] *= fitted.holiday_ratios.get(name, 1.0)
    aht_days = _aht_forecast(series, kinds_future)
    row = day - first_future
    col = minute // series.interval_minutes
    if np.any(row < 0):
        raise InvalidInput(
            f"queue {series.queue!r}: the week starts before the end of the history; "
            "forecast a week after the history"
        )
    mean = np.clip(mean_days[row, col], 0.0, None)
    aht = aht_days[row, col]
    epoch_s = grid.starts_epoch_s()
    for special in specials:
        if not special.applies_to(series.queue, series.region):
            continue
        start, end = special.span_utc(team_tz)
        inside = (epoch_s >= start.timestamp()) & (epoch_s < end.timestamp())
        mean[inside] *= 0.0 if special.kind == "closed" else special.multiplier
    q = count_quantiles(mean, fitted.dispersion, quantiles)
    return SeriesForecast(series.queue, series.region, mean, q, aht, fitted)


def check_history(history: pd.DataFrame) -> pd.DataFrame:
    """The history with its columns checked, duplicates of the same value dropped.

    Raises:
        InvalidInput: a column is missing, `ds` is not timezone-aware, `y` is negative or
            missing, a region is not an IANA zone, or one interval has two different values.
    """
    missing = [c for c in ("ds", "queue", "y") if c not in history.columns]
    if missing:
        raise InvalidInput(f"history lacks column(s) {missing}; it needs ds, queue, y (and region, aht_s)")
    frame = history.copy()
    if "region" not in frame.columns:
        frame["region"] = "UTC"
    if "aht_s" not in frame.columns:
        frame["aht_s"] = np.nan
    if not isinstance(frame["ds"].dtype, pd.DatetimeTZDtype):
        raise InvalidInput(
            "history column 'ds' must be timezone-aware datetimes (UTC); name the zone at the edge"
        )
    frame["ds"] = frame["ds"].dt.tz_convert("UTC")
    frame["y"] = pd.to_numeric(frame["y"], errors="coerce").astype(np.float64)
    frame["aht_s"] = pd.to_numeric(frame["aht_s"], errors="coerce").astype(np.float64)
    bad_y = frame["y"].isna() | (frame["y"] < 0)
    if bad_y.any():
        raise InvalidInput(f"history has {int(bad_y.sum())} row(s) whose y is missing or negative; fix them")
    for region in frame["region"].astype(str).unique():
        zone(region)
    frame["queue"] = frame["queue"].astype(str)
    frame["region"] = frame["region"].astype(str)
    frame = frame.drop_duplicates(subset=["ds", "queue", "region", "y", "aht_s"])
    clash = frame.duplicated(subset=["ds", "queue", "region"], keep=False)
    if clash.any():
        first = frame[clash].iloc[0]
        raise InvalidInput(
            f"history has {int(clash.sum())} rows that give different values for the same interval "
            f"(first: queue {first['queue']!r}, region {first['region']!r}, ds {first['ds'].isoformat()}); "
            "keep one row per queue, region and interval"
        )
    return frame


def holiday_country_of(region: str, holiday_countries: dict[str, str | None] | None) -> str | None:
    """The public-holiday calendar a region keeps: given, or its zone's (`holiday_calendar_of_zone`:
    the country, or its subdivision such as 'GB-ENG')."""
    if holiday_countries is not None and region in holiday_countries:
        return holiday_countries[region]
    return holiday_calendar_of_zone(region)


def holidays_in_grid(
    regions: Sequence[str],
    grid: Grid,
    *,
    holiday_countries: dict[str, str | None] | None = None,
    holiday_changes: Sequence[HolidayChange] = (),
) -> dict[str, dict[date, str]]:
    """The holidays the forecast applies to each region on `grid`'s days (each on its own calendar)."""
    out: dict[str, dict[date, str]] = {}
    for region in regions:
        tz = zone(region)
        first = grid.start_utc.astimezone(tz).date()
        last = (grid.end_utc - timedelta(microseconds=1)).astimezone(tz).date()
        out[region] = region_holidays(
            region,
            first,
            last,
            country=holiday_country_of(region, holiday_countries),
            changes=holiday_changes,
        )
    return out


COVERAGE_STEP_MINUTES = 15  # the instants the history covers, to this step: every zone's day starts on one


def history_series(
    frame: pd.DataFrame,
    *,
    interval_minutes: int,
    cutoff_utc: datetime,
    team_tz: str,
    clock: Clock,
    specials: Sequence[SpecialDay],
    holiday_countries: dict[str, str | None] | None,
    last_day_utc: datetime,
    holiday_changes: Sequence[HolidayChange] = (),
) -> list[WallHistory]:
    """One `WallHistory` per queue × region of a checked history frame (a day with rows of other
    series but none of one is a day it had no contacts: `build_wall_history`)."""
    every = _utc_index(frame["ds"])
    covered = every.floor(f"{COVERAGE_STEP_MINUTES}min").unique()
    history_step = source_step_minutes(every)
    out: list[WallHistory] = []
    for (queue_key, region_key), part in frame.groupby(["queue", "region"], sort=True):
        queue, region = str(queue_key), str(region_key)
        ds = _utc_index(part["ds"])
        clock_tz = region if clock == "local" else "UTC"
        series = build_wall_history(
            ds,
            part["y"].to_numpy(np.float64),
            part["aht_s"].to_numpy(np.float64),
            queue=str(queue),
            region=str(region),
            clock_tz=clock_tz,
            interval_minutes=interval_minutes,
            cutoff_utc=cutoff_utc,
            covered_utc=covered,
            history_step_minutes=history_step,
        )
        country = holiday_country_of(region, holiday_countries)
        last_day = int(wall_clock(pd.DatetimeIndex([last_day_utc]).tz_convert("UTC"), clock_tz)[0][0]) + 1
        mark_special_days(
            series,
            holiday_country=country,
            last_day_excl=last_day,
            specials=specials,
            team_tz=team_tz,
            holiday_changes=holiday_changes,
        )
        out.append(series)
    return out


def forecast_grid(
    history: pd.DataFrame,
    grid: Grid,
    *,
    team_tz: str,
    quantiles: Sequence[float] = (0.1, 0.5, 0.9),
    specials: Sequence[SpecialDay] = (),
    holiday_countries: dict[str, str | None] | None = None,
    holiday_changes: Sequence[HolidayChange] = (),
    clock: Clock = "local",
    n_origins: int = DEFAULT_N_ORIGINS,
    candidates: Callable[[], Sequence[DayModel]] = make_candidates,
) -> tuple[pd.DataFrame, list[SeriesForecast]]:
    """Forecast every queue × region of `history` on `grid` (see `forecast_week`).

    `candidates` makes the models each series chooses from (one model: no choice, as for a
    baseline); the list also says what each series chose and why.
    """
    levels = check_quantiles(quantiles)
    check_interval_minutes(grid.interval_minutes)
    frame = check_history(history)
    _warn_of_history_in_the_grid(frame, grid)
    frame = frame[frame["ds"] < pd.Timestamp(grid.start_utc)]
    if frame.empty:
        raise InvalidInput(
            f"history has no rows before the week starts ({grid.start_utc.isoformat()}); "
            "give history that ends before the week to forecast"
        )
    last_ds = frame["ds"].max().to_pydatetime()
    gap_days = (grid.start_utc - last_ds).total_seconds() / 86400
    if gap_days > MAX_GAP_DAYS:
        raise InvalidInput(
            f"history ends {gap_days:.0f} days before the week starts; give history up to the last few weeks"
        )
    series_list = history_series(
        frame,
        interval_minutes=grid.interval_minutes,
        cutoff_utc=grid.start_utc,
        team_tz=team_tz,
        clock=clock,
        specials=specials,
        holiday_countries=holiday_countries,
        last_day_utc=grid.end_utc,
        holiday_changes=holiday_changes,
    )
    results: list[SeriesForecast] = []
    parts: list[pd.DataFrame] = []
    starts = grid.starts()
    for series in series_list:
        last_needed = int(
            wall_clock(pd.DatetimeIndex([grid.end_utc]).tz_convert("UTC"), series.clock_tz)[0][0]
        )
        future_days = max(HORIZON_DAYS, last_needed - (series.first_day + series.n_days) + 1)
        fitted = fit_series(series, candidates=candidates(), n_origins=n_origins, future_days=future_days)
        result = forecast_series_on_grid(
            series, fitted, grid, quantiles=levels, specials=specials, team_tz=team_tz
        )
        results.append(result)
        part = pd.DataFrame(
            {
                "queue": series.queue,
                "region": series.region,
                "ds": starts,
                "mean": result.mean,
                **{quantile_column(q): result.quantiles[i] for i, q in enumerate(levels)},
                "aht_s": result.aht_s,
            }
        )
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    return out[forecast_columns(levels)], results


def forecast_week(
    history: pd.DataFrame,
    week: PlanningWeek,
    *,
    quantiles: Sequence[float] = (0.1, 0.5, 0.9),
    specials: Sequence[SpecialDay] = (),
    holiday_countries: dict[str, str | None] | None = None,
    clock: Clock = "local",
    holiday_changes: Sequence[HolidayChange] = (),
) -> pd.DataFrame:
    """Forecast contacts and handle time per queue × region × interval of a planning week.

    Each queue × region is modelled on the region's own wall clock and chosen among seasonal
    naive, a k-week seasonal average and a level × profile model by a rolling-origin
    backtest; quantiles come from a negative binomial whose width the backtest sets.

    Args:
        history: the contact-history contract (`ds` UTC-aware, `queue`, `y`, `region`, `aht_s`).
        week: the team's planning week; its grid is the output's `ds`.
        quantiles: levels of the quantile columns (0.1 → `q10`).
        specials: the user's events and closures (team-local days).
        holiday_countries: region zone → ISO country ('GB') or subdivision ('GB-SCT') for public
            holidays (None: from the zone; a value None: no holidays for that region).
        holiday_changes: days the user adds to or removes from the regions' holidays.
        clock: "local" (the method) or "utc" (the same model on the UTC clock, for comparison).

    Returns:
        One row per queue × region × interval: `queue`, `region`, `ds`, `mean`, the quantile
        columns and `aht_s` (NaN where history has no handle time).

    Raises:
        InvalidInput: the history is unusable (too short, bad columns, ends long before the week).
    """
    frame, _ = forecast_grid(
        history,
        week.grid,
        team_tz=week.tz,
        quantiles=quantiles,
        specials=specials,
        holiday_countries=holiday_countries,
        holiday_changes=holiday_changes,
        clock=clock,
    )
    return frame
