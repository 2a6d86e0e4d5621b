"""DST benchmark: the same model on each region's wall clock (ours) against it on the UTC clock.

Synthetic history, so the true rate is known: three regions whose users keep their local
clock (New York, London, Sydney) change to or from DST on different dates, and a Phoenix
team (no DST) plans on the UTC grid. After each change, interval WAPE over the two following
weeks (each forecast from the history up to its week) is scored against the true rate and
against the actual counts, for ours and for the UTC-clock model. The history is
generated here (no shared data needed).

Run: `.venv/bin/python benchmarks/forecast_dst.py`
"""

from __future__ import annotations

import sys
import time
import warnings
from datetime import date, timedelta

import numpy as np
import pandas as pd

from common.timegrid import PlanningWeek
from forecasting import ForecastWarning, forecast_week
from forecasting.core import Clock

TEAM_TZ = "America/Phoenix"
INTERVAL_MINUTES = 15
REGIONS: tuple[tuple[str, float, date], ...] = (
    ("America/New_York", 1200.0, date(2024, 3, 10)),
    ("Europe/London", 900.0, date(2024, 3, 31)),
    ("Australia/Sydney", 600.0, date(2024, 4, 7)),
    ("America/New_York", 1200.0, date(2024, 11, 3)),
    ("Europe/London", 900.0, date(2024, 10, 27)),
    ("Australia/Sydney", 600.0, date(2024, 10, 6)),
)
WEEKDAY_FACTOR = np.array([1.15, 1.05, 1.0, 1.0, 0.95, 0.6, 0.5])


def rate(local: pd.DatetimeIndex, per_day: float) -> np.ndarray:
    """Expected contacts per 15 minutes at local wall times: open 07:00-22:00, peak at 13:00."""
    hour = np.asarray(local.hour + local.minute / 60.0, dtype=np.float64)
    shape = np.where((hour >= 7) & (hour < 22), np.exp(-(((hour - 13.0) / 3.5) ** 2)), 0.0)
    hours = np.arange(96) / 4.0
    day_total = np.where((hours >= 7) & (hours < 22), np.exp(-(((hours - 13.0) / 3.5) ** 2)), 0.0).sum()
    return np.asarray(shape * per_day / day_total * WEEKDAY_FACTOR[np.asarray(local.day_of_week)])


def history(seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(observed counts, true rates) for every region, 2024, at 15 minutes on the UTC grid."""
    rng = np.random.default_rng(seed)
    ds = pd.date_range("2024-01-01", "2025-01-01", freq="15min", inclusive="left", tz="UTC")
    frames = []
    for region, per_day in {(r, v) for r, v, _ in REGIONS}:
        lam = rate(ds.tz_convert(region).tz_localize(None), per_day)
        day = np.asarray(
            (ds.tz_convert(region).normalize().tz_localize(None) - pd.Timestamp("2023-12-31")).days
        )
        level = np.exp(rng.normal(0, 0.05, day.max() + 1))[day]
        y = rng.poisson(lam * level).astype(np.float64)
        frames.append(
            pd.DataFrame(
                {"ds": ds, "queue": "social-dm", "y": y, "region": region, "aht_s": np.nan, "rate": lam}
            )
        )
    full = pd.concat(frames, ignore_index=True)
    return full.drop(columns=["rate"]), full[["ds", "region", "rate", "y"]]


def score(
    observed: pd.DataFrame, truth: pd.DataFrame, region: str, change: date, clock: Clock
) -> tuple[float, float, float]:
    """(WAPE vs true rate, WAPE vs actuals, seconds) over the two team weeks after `change`."""
    first_monday = change + timedelta(days=(7 - change.weekday()) % 7 or 7)
    errors_rate = errors_y = total_rate = total_y = 0.0
    seconds = 0.0
    for k in range(2):
        week = PlanningWeek(first_monday + timedelta(weeks=k), TEAM_TZ, INTERVAL_MINUTES)
        past = observed[observed["ds"] < pd.Timestamp(week.start_utc)]
        started = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ForecastWarning)
            out = forecast_week(past[past["region"] == region], week, clock=clock)
        seconds += time.perf_counter() - started
        actual = truth[(truth["region"] == region) & truth["ds"].isin(out["ds"])]
        merged = out.merge(actual, on=["ds", "region"])
        errors_rate += float(np.abs(merged["mean"] - merged["rate"]).sum())
        errors_y += float(np.abs(merged["mean"] - merged["y"]).sum())
        total_rate += float(merged["rate"].sum())
        total_y += float(merged["y"].sum())
    return errors_rate / total_rate, errors_y / total_y, seconds


def main() -> int:
    observed, truth = history()
    print(
        f"DST benchmark: team in {TEAM_TZ}, {INTERVAL_MINUTES}-minute grid; interval WAPE over the two "
        "team weeks after each change"
    )
    header = (
        f"{'region':18} {'change':10} {'ours vs rate':>12} {'UTC vs rate':>12} {'UTC/ours':>9} "
        f"{'ours vs y':>10} {'UTC vs y':>9} {'floor':>7}"
    )
    print(header)
    print("-" * len(header))
    ratios = []
    for region, _, change in REGIONS:
        ours_rate, ours_y, _ = score(observed, truth, region, change, "local")
        utc_rate, utc_y, _ = score(observed, truth, region, change, "utc")
        ratios.append(utc_rate / ours_rate)
        lam = truth.loc[truth["region"] == region, "rate"].to_numpy()
        floor = float(np.sqrt(2 * lam[lam > 0] / np.pi).sum() / lam.sum())
        print(
            f"{region:18} {change!s:10} {ours_rate:12.2%} {utc_rate:12.2%} {utc_rate / ours_rate:9.2f} "
            f"{ours_y:10.2%} {utc_y:9.2%} {floor:7.2%}"
        )
    print(f"UTC-clock model's WAPE against the true rate is {np.mean(ratios):.1f}× ours on average")
    return 0


if __name__ == "__main__":
    sys.exit(main())
