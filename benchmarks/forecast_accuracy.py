"""Forecast accuracy on real call-centre arrivals: our method against named baselines, in one run.

Data: `../shared/benchmarks/arrivals/bank_calls_2003_5min.csv` (see its README): 5-minute calls
of a North American bank, weekdays 07:00-21:00, March-October 2003. The timestamps carry a
`Z` but are local clock times; we read them as America/New_York wall time, which is what the
forecasting layer expects (UTC instants, the region's zone).

Rolling origin over the last 8 weeks: at each Monday, every method sees the history before it
and forecasts the week's open days (the series has weekdays only, so five days, or four when
one is missing). Methods: ours (model chosen per series by backtest), seasonal naive, the
4-week seasonal average, and statsforecast `MSTL` (daily + weekly seasons) and `AutoETS`
(daily season) on the series of open days, as installed reference models.

Run: `.venv/bin/python benchmarks/forecast_accuracy.py [--quick]` (needs `pip install
statsforecast`; without it, or with `--quick`, the statsforecast rows are skipped with a message).
"""

from __future__ import annotations

import math
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from forecasting.core import ForecastWarning, forecast_grid
from forecasting.models import DayModel, SeasonalAverage, SeasonalNaive, make_candidates
from scheduler.timegrid import PlanningWeek

DATA = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "arrivals" / "bank_calls_2003_5min.csv"
REGION = "America/New_York"
N_WEEKS = 8
INTERVALS_MINUTES = (15, 30)
LEVEL = 80


@dataclass
class Scores:
    """Pooled forecasts of one method over all origins."""

    actual: list[np.ndarray]
    mean: list[np.ndarray]
    lo: list[np.ndarray]
    hi: list[np.ndarray]
    day: list[np.ndarray]
    seconds: float = 0.0


def load_history() -> pd.DataFrame:
    """The bank series in the contact-history contract (UTC instants, region zone)."""
    raw = pd.read_csv(DATA)
    local = pd.to_datetime(raw["DateTime"].str.rstrip("Z"))
    ds = pd.DatetimeIndex(local).tz_localize(REGION).tz_convert("UTC")
    return pd.DataFrame(
        {
            "ds": ds,
            "queue": "bank",
            "y": raw["Calls"].astype(np.float64),
            "region": REGION,
            "aht_s": np.nan,
        }
    )


def local_counts(history: pd.DataFrame, interval_minutes: int) -> pd.DataFrame:
    """Calls per local interval: columns local (naive wall time), day, y."""
    local = pd.DatetimeIndex(history["ds"]).tz_convert(REGION).tz_localize(None)
    frame = pd.DataFrame({"local": local.floor(f"{interval_minutes}min"), "y": history["y"].to_numpy()})
    counts = frame.groupby("local")["y"].sum().reset_index()
    counts["day"] = counts["local"].dt.normalize()
    return counts


def empty_scores() -> Scores:
    return Scores([], [], [], [], [])


def run_ours(
    history: pd.DataFrame,
    origin: date,
    interval_minutes: int,
    actual: pd.DataFrame,
    candidates: Callable[[], Sequence[DayModel]],
    into: Scores,
) -> None:
    """Forecast the week from `origin` with our frame layer and keep the cells that have actuals."""
    week = PlanningWeek(origin, REGION, interval_minutes)
    past = history[history["ds"] < pd.Timestamp(week.start_utc)]
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ForecastWarning)
        frame, _ = forecast_grid(past, week.grid, team_tz=REGION, quantiles=(0.1, 0.9), candidates=candidates)
    into.seconds += time.perf_counter() - started
    frame["local"] = pd.DatetimeIndex(frame["ds"]).tz_convert(REGION).tz_localize(None)
    joined = actual.merge(frame, on="local", how="left")
    into.actual.append(joined["y"].to_numpy(np.float64))
    into.mean.append(joined["mean"].to_numpy(np.float64))
    into.lo.append(joined["q10"].to_numpy(np.float64))
    into.hi.append(joined["q90"].to_numpy(np.float64))
    into.day.append(joined["day"].to_numpy())


def run_statsforecast(
    counts: pd.DataFrame,
    origin: date,
    actual: pd.DataFrame,
    make_model: Callable[[int], object],
    into: Scores,
) -> None:
    """Fit a statsforecast model on the open days before `origin` (one series) and forecast the next."""
    past = counts[counts["day"] < pd.Timestamp(origin)]
    slots = int(past.groupby("day").size().mode().iloc[0])
    model = make_model(slots)
    h = len(actual)
    started = time.perf_counter()
    result = model.forecast(y=past["y"].to_numpy(np.float64), h=h, level=[LEVEL])  # type: ignore[attr-defined]
    into.seconds += time.perf_counter() - started
    into.actual.append(actual["y"].to_numpy(np.float64))
    into.mean.append(np.asarray(result["mean"]))
    into.lo.append(np.asarray(result[f"lo-{LEVEL}"]))
    into.hi.append(np.asarray(result[f"hi-{LEVEL}"]))
    into.day.append(actual["day"].to_numpy())


def summarise(scores: Scores) -> dict[str, float]:
    y = np.concatenate(scores.actual)
    m = np.nan_to_num(np.concatenate(scores.mean))
    lo, hi = np.concatenate(scores.lo), np.concatenate(scores.hi)
    days = np.concatenate(scores.day)
    daily = pd.DataFrame({"day": days, "y": y, "m": m}).groupby("day").sum()
    return {
        "wape": float(np.abs(y - m).sum() / y.sum()),
        "daily_wape": float((daily["y"] - daily["m"]).abs().sum() / daily["y"].sum()),
        "bias": float((m - y).sum() / y.sum()),
        "coverage": float(np.mean((y >= lo) & (y <= hi))),
        "seconds": scores.seconds,
    }


def poisson_floor(scores: Scores) -> float:
    """Σ√(2λ/π)/Σλ with the actual counts standing in for λ: the WAPE of a perfect rate forecast."""
    y = np.concatenate(scores.actual)
    return float(np.sqrt(2 * y / math.pi).sum() / y.sum())


def benchmark(history: pd.DataFrame, interval_minutes: int, *, references: bool) -> None:
    counts = local_counts(history, interval_minutes)
    last_day = counts["day"].max().date()
    last_monday = last_day - timedelta(days=last_day.weekday())
    origins = [last_monday - timedelta(weeks=k) for k in range(N_WEEKS - 1, -1, -1)]
    ours: dict[str, Callable[[], Sequence[DayModel]]] = {
        "ours (chosen per series)": make_candidates,
        "seasonal naive (last week)": lambda: [SeasonalNaive()],
        "seasonal average (4 weeks)": lambda: [SeasonalAverage(k_weeks=4)],
    }
    external: dict[str, Callable[[int], object]] = {}
    try:
        if not references:
            raise ImportError("--quick")
        from statsforecast.models import MSTL, AutoETS

        external = {
            "statsforecast MSTL (day+week)": lambda s: MSTL(season_length=[s, 5 * s]),
            "statsforecast AutoETS (day)": lambda s: AutoETS(season_length=s),
        }
        # Compile numba code before timing, so the times are of fitting, not compiling.
        warm = counts["y"].to_numpy(np.float64)[: 57 * 20]
        MSTL(season_length=[57, 285]).forecast(y=warm, h=57, level=[LEVEL])
        AutoETS(season_length=57).forecast(y=warm, h=57, level=[LEVEL])
    except ImportError as exc:
        why = "--quick given" if str(exc) == "--quick" else "statsforecast is not installed"
        print(f"{why}: skipping MSTL and AutoETS (pip install statsforecast)")
    results: dict[str, Scores] = {name: empty_scores() for name in [*ours, *external]}
    for origin in origins:
        end = pd.Timestamp(origin + timedelta(days=7))
        actual = counts[(counts["day"] >= pd.Timestamp(origin)) & (counts["day"] < end)].reset_index(
            drop=True
        )
        for name, candidates in ours.items():
            run_ours(history, origin, interval_minutes, actual, candidates, results[name])
        for name, make in external.items():
            run_statsforecast(counts, origin, actual, make, results[name])
    table = {name: summarise(s) for name, s in results.items()}
    floor = poisson_floor(results["ours (chosen per series)"])
    ours_row = table["ours (chosen per series)"]
    print(
        f"\n== bank calls, {interval_minutes}-minute intervals, {N_WEEKS} weekly origins "
        f"({origins[0]} .. {origins[-1]}), horizon = the week's open days =="
    )
    header = (
        f"{'method':32} {'int WAPE':>9} {'vs ours':>8} {'day WAPE':>9} {'bias':>7} "
        f"{'cov80':>6} {'seconds':>8} {'× ours':>7}"
    )
    print(header)
    print("-" * len(header))
    for name, row in table.items():
        print(
            f"{name:32} {row['wape']:9.2%} {row['wape'] / ours_row['wape']:8.3f} "
            f"{row['daily_wape']:9.2%} {row['bias']:+7.2%} {row['coverage']:6.1%} "
            f"{row['seconds']:8.2f} {row['seconds'] / ours_row['seconds']:7.1f}"
        )
    others = {n: r for n, r in table.items() if n != "ours (chosen per series)"}
    best_name = min(others, key=lambda n: others[n]["wape"])
    gain = 1 - ours_row["wape"] / others[best_name]["wape"]
    print(f"Poisson noise floor √(2/(πλ)) pooled: {floor:.2%}; ours / floor = {ours_row['wape'] / floor:.2f}")
    print(f"ours vs best other ({best_name}): {gain:+.1%} interval WAPE (target ≥ +3 %)")
    mstl = table.get("statsforecast MSTL (day+week)")
    if mstl is not None:
        print(f"speed: MSTL takes {mstl['seconds'] / ours_row['seconds']:.1f}× ours (target ≥ 10×)")


def main() -> int:
    if not DATA.is_file():
        print(f"skipped: {DATA} is absent (the shared benchmark data sits next to the repository)")
        return 0
    history = load_history()
    for interval_minutes in INTERVALS_MINUTES:
        benchmark(history, interval_minutes, references="--quick" not in sys.argv[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
