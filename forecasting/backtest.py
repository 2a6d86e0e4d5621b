"""Backtest report: how good the forecast has been, as data and as text.

Rolling origin over the last weeks of the history: at each origin the whole method (model
choice included) sees only the history before it and forecasts the team's next seven local
days; the forecast is scored against what came, next to seasonal naive run the same way and
to the Poisson noise floor √(2/(πλ)), the WAPE a forecast of the exact rate would still have.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from common.defaults import BACKTEST_WEEKS, INTERVAL_MINUTES
from common.errors import InvalidInput
from common.timegrid import Grid, PlanningWeek, local_day_start_utc, zone
from forecasting.calendar import HolidayChange, SpecialDay
from forecasting.core import (
    ForecastWarning,
    check_history,
    forecast_grid,
    holidays_in_grid,
    wall_clock,
)
from forecasting.intervals import check_quantiles, quantile_column
from forecasting.models import SeasonalNaive, poisson_wape_floor

HORIZON_BUCKETS: tuple[tuple[str, int, int], ...] = (("day 1", 0, 1), ("days 2-3", 1, 3), ("days 4-7", 3, 7))
MIN_TRAIN_WEEKS = 2


@dataclass(frozen=True)
class BacktestReport:
    """Scores per queue and horizon bucket (`summary`) and every scored interval (`cells`)."""

    summary: pd.DataFrame
    cells: pd.DataFrame
    origins: tuple[str, ...]
    band: tuple[float, float]
    # the holidays the forecasts applied in the weeks scored, per region
    holidays: dict[str, dict[date, str]] = field(default_factory=dict)

    def render(self, *, holidays: bool = True) -> str:
        """The summary as a fixed-width table a planner can read, then (`holidays`) the holidays of
        the weeks scored."""
        lo, hi = self.band
        lines = [
            f"Backtest: {len(self.origins)} weekly origins ({', '.join(self.origins)}), 7-day horizon",
            f"WAPE = Σ|actual - forecast| / Σ actual; bias = Σ(forecast - actual) / Σ actual; "
            f"coverage = share of actuals within q{lo * 100:g}-q{hi * 100:g} (target {hi - lo:.0%})",
            "",
            f"{'queue':18} {'horizon':9} {'WAPE':>7} {'naive':>7} {'vs naive':>9} {'floor':>7} "
            f"{'×floor':>7} {'bias':>7} {'day WAPE':>9} {'coverage':>9} {'model':>16}",
        ]
        for record in self.summary.to_dict("records"):
            wape, naive, floor = (
                float(record["wape"]),
                float(record["naive_wape"]),
                float(record["poisson_floor"]),
            )
            vs_naive = wape / naive - 1 if naive > 0 else math.nan
            lines.append(
                f"{record['queue']!s:18} {record['horizon']!s:9} {wape:7.1%} {naive:7.1%} {vs_naive:+9.1%} "
                f"{floor:7.1%} {wape / floor:7.2f} {float(record['bias']):+7.1%} "
                f"{float(record['daily_wape']):9.1%} {float(record['coverage']):9.1%} {record['model']!s:>16}"
            )
        if holidays:
            lines += ["", *holiday_lines(self.holidays)]
        return "\n".join(lines)


def _wape(actual: np.ndarray, forecast: np.ndarray) -> float:
    total = float(actual.sum())
    return float(np.abs(actual - forecast).sum() / total) if total > 0 else math.nan


def _actuals_on_grid(frame: pd.DataFrame, week: PlanningWeek) -> pd.DataFrame:
    """Contacts per queue × region × grid interval, with whether the region's local day had any rows."""
    grid = week.grid
    start = pd.Timestamp(grid.start_utc)
    inside = frame[(frame["ds"] >= start) & (frame["ds"] < pd.Timestamp(grid.end_utc))].copy()
    inside["ds"] = inside["ds"].dt.floor(f"{grid.interval_minutes}min")
    counts = inside.groupby(["queue", "region", "ds"], as_index=False)["y"].sum()
    rows: list[pd.DataFrame] = []
    starts = grid.starts()
    for queue, region in frame[["queue", "region"]].drop_duplicates().itertuples(index=False):
        mine = inside[inside["queue"].eq(queue) & inside["region"].eq(region)]
        seen_days, _ = wall_clock(pd.DatetimeIndex(mine["ds"]), str(region))
        local_day, _ = wall_clock(starts, str(region))
        known = np.isin(local_day, np.unique(seen_days))
        rows.append(pd.DataFrame({"queue": queue, "region": region, "ds": starts, "known": known}))
    full = pd.concat(rows, ignore_index=True)
    full = full.merge(counts, on=["queue", "region", "ds"], how="left")
    full["y"] = full["y"].fillna(0.0)
    return full


def backtest(
    history: pd.DataFrame,
    *,
    team_tz: str,
    interval_minutes: int = INTERVAL_MINUTES,
    n_origins: int = BACKTEST_WEEKS,
    quantiles: Sequence[float] = (0.1, 0.5, 0.9),
    specials: Sequence[SpecialDay] = (),
    holiday_countries: dict[str, str | None] | None = None,
    holiday_changes: Sequence[HolidayChange] = (),
    until: date | None = None,
) -> BacktestReport:
    """Score the forecast method on the last `n_origins` weeks of `history` (see the module docstring),
    or, with `until` (the first local day of the week to forecast), on the `n_origins` weeks before it:
    the history from `until` on is left out, as the forecast of that week leaves it out, and each week
    scored starts on the weekday `until` does.

    Raises:
        InvalidInput: the history is too short to hold back a week and still forecast from two.
    """
    levels = check_quantiles(quantiles)
    frame = check_history(history)
    tz = zone(team_tz)
    if until is not None:
        frame = frame[frame["ds"] < pd.Timestamp(local_day_start_utc(until, tz))]
        if frame.empty:
            raise InvalidInput(f"the history has no rows before {until}, the first day forecast")
    last_local = frame["ds"].max().to_pydatetime().astimezone(tz).date()
    first_local = frame["ds"].min().to_pydatetime().astimezone(tz).date()
    # The last week ends with the last full local day of the history; with `until`, on the last day
    # before a week that starts on its weekday
    end_day = last_local + timedelta(days=1)
    if until is not None:
        end_day = until - timedelta(weeks=-(-(until - end_day).days // 7))
    origins = [end_day - timedelta(weeks=k) for k in range(n_origins, 0, -1)]
    origins = [o for o in origins if (o - first_local).days >= 7 * MIN_TRAIN_WEEKS]
    if not origins:
        raise InvalidInput(
            f"history from {first_local} to {last_local} is too short to backtest; give at least "
            f"{MIN_TRAIN_WEEKS + 1} weeks"
        )
    lo_col, hi_col = quantile_column(levels[0]), quantile_column(levels[-1])
    cells: list[pd.DataFrame] = []
    for origin in origins:
        week = PlanningWeek(origin, team_tz, interval_minutes)
        past = frame[frame["ds"] < pd.Timestamp(week.start_utc)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ForecastWarning)
            ours, fitted = forecast_grid(
                past,
                week.grid,
                team_tz=team_tz,
                quantiles=levels,
                specials=specials,
                holiday_countries=holiday_countries,
                holiday_changes=holiday_changes,
            )
            naive, _ = forecast_grid(
                past,
                week.grid,
                team_tz=team_tz,
                quantiles=levels,
                specials=specials,
                holiday_countries=holiday_countries,
                holiday_changes=holiday_changes,
                candidates=lambda: [SeasonalNaive()],
            )
        chosen = {(f.queue, f.region): f.fitted.model.name for f in fitted}
        actual = _actuals_on_grid(frame, week)
        scored = actual.merge(ours, on=["queue", "region", "ds"], how="inner")
        scored = scored.merge(
            naive[["queue", "region", "ds", "mean"]].rename(columns={"mean": "naive_mean"}),
            on=["queue", "region", "ds"],
        )
        scored["origin"] = str(origin)
        local_day = pd.DatetimeIndex(scored["ds"]).tz_convert(tz).tz_localize(None).normalize()
        scored["horizon_day"] = (local_day - pd.Timestamp(origin)).days + 1
        scored["local_day"] = local_day
        scored["model"] = [
            chosen.get((q, r), "") for q, r in zip(scored["queue"], scored["region"], strict=True)
        ]
        cells.append(scored[scored["known"]])
    all_cells = pd.concat(cells, ignore_index=True)
    summary = _summarise(all_cells, lo_col, hi_col)
    first_week = PlanningWeek(origins[0], team_tz, interval_minutes).grid
    span = Grid(first_week.start_utc, interval_minutes, first_week.n_intervals * len(origins))
    holidays = holidays_in_grid(
        sorted(frame["region"].unique()),
        span,
        holiday_countries=holiday_countries,
        holiday_changes=holiday_changes,
    )
    return BacktestReport(
        summary, all_cells, tuple(str(o) for o in origins), (levels[0], levels[-1]), holidays
    )


HOLIDAYS_HEADING = (
    "Holidays applied (each region's public holidays, its country's or its state's, with --holidays changes):"
)


def holiday_lines(
    holidays: dict[str, dict[date, str]],
    *,
    heading: bool = True,
    indent: str = "  ",
    learnt: dict[str, dict[str, list[float]]] | None = None,
) -> list[str]:
    """The holidays applied per region, as a planner reads them (under `HOLIDAYS_HEADING`). With
    `learnt` (per region, each holiday's volume against an ordinary day in each of its queues' history),
    each holiday of a forecast week says what it does to the forecast (`holiday_effect`)."""
    lines = [HOLIDAYS_HEADING] if heading else []
    for region, days in sorted(holidays.items()):
        shown = (
            "; ".join(
                f"{day.isoformat()} {name}"
                + (
                    ""
                    if learnt is None
                    else f" ({holiday_effect(day, learnt.get(region, {}).get(name, []), region)})"
                )
                for day, name in days.items()
            )
            or "none"
        )
        lines.append(f"{indent}{region}: {shown}")
    return lines


def holiday_effect(day: date, ratios: list[float], region: str | None = None) -> str:
    """What a holiday of `region` does to a forecast: its volume against an ordinary day, learnt from
    its past occurrences in each queue's history, or nothing when the history has none."""
    if not ratios:
        where = "every region's" if region is None else "that region's alone"
        return (
            "not in the history: forecast as an ordinary day; "
            f"--event {day.isoformat()}:MULTIPLIER{'' if region is None else ':' + region} scales {where}"
        )
    low, high = min(ratios), max(ratios)
    level = f"{low:.0%}" if math.isclose(low, high, abs_tol=0.005) else f"{low:.0%}–{high:.0%}"
    return f"{level} of an ordinary day's volume, as in the history"


def _coverage(y: np.ndarray, mean: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> float:
    """Share of actuals inside [lo, hi] over open intervals (closed: 0 forecast and 0 actual)."""
    open_cells = (mean > 0) | (y > 0)
    if not np.any(open_cells):
        return math.nan
    inside = (y >= lo) & (y <= hi)
    return float(np.mean(inside[open_cells]))


def _summarise(cells: pd.DataFrame, lo_col: str, hi_col: str) -> pd.DataFrame:
    rows: list[dict[str, object]] = []
    for queue, part in cells.groupby("queue", sort=True):
        buckets = [*HORIZON_BUCKETS, ("all", 0, 7)]
        for name, first, last in buckets:
            sel = part[(part["horizon_day"] > first) & (part["horizon_day"] <= last)]
            if sel.empty:
                continue
            y = sel["y"].to_numpy(np.float64)
            mean = sel["mean"].to_numpy(np.float64)
            daily = sel.groupby(["origin", "local_day"])[["y", "mean"]].sum()
            models = sel["model"].value_counts()
            rows.append(
                {
                    "queue": str(queue),
                    "horizon": name,
                    "wape": _wape(y, mean),
                    "naive_wape": _wape(y, sel["naive_mean"].to_numpy(np.float64)),
                    "poisson_floor": poisson_wape_floor(mean),
                    "bias": float((mean - y).sum() / y.sum()) if y.sum() > 0 else math.nan,
                    "daily_wape": _wape(daily["y"].to_numpy(np.float64), daily["mean"].to_numpy(np.float64)),
                    "coverage": _coverage(y, mean, sel[lo_col].to_numpy(), sel[hi_col].to_numpy()),
                    "n_intervals": len(sel),
                    "model": str(models.index[0]) if len(models) else "",
                }
            )
    return pd.DataFrame(rows)
