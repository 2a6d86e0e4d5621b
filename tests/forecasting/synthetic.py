"""Synthetic contact histories with a known rate, each region on its own wall clock."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

WEEKDAY_FACTOR = np.array([1.15, 1.05, 1.0, 1.0, 0.95, 0.6, 0.5])


def _shape(hour: np.ndarray) -> np.ndarray:
    """A bump around 13:00 local, zero (closed) before 07:00 and from 22:00."""
    return np.where((hour >= 7) & (hour < 22), np.exp(-(((hour - 13.0) / 3.5) ** 2)), 0.0)


def wall_rate(local: pd.DatetimeIndex, per_day: float, interval_minutes: int) -> np.ndarray:
    """Expected contacts per interval at naive local wall times (`per_day` on an average weekday)."""
    hour = np.asarray(local.hour + local.minute / 60.0, dtype=np.float64)
    day_total = _shape(np.arange(24 * 60 // interval_minutes) * interval_minutes / 60.0).sum()
    factor = WEEKDAY_FACTOR[np.asarray(local.day_of_week)]
    return np.asarray(_shape(hour) * per_day / day_total * factor, dtype=np.float64)


def make_history(
    regions: Sequence[tuple[str, float]],
    *,
    start: str,
    days: int,
    interval_minutes: int = 15,
    queue: str = "creator-email",
    day_noise: float = 0.05,
    seed: int = 0,
    aht_s: float | None = 300.0,
) -> pd.DataFrame:
    """History in the contract format: for each (zone, contacts per day), Poisson counts around the rate.

    Rows are the UTC intervals of the span; the rate is read off each instant's local wall clock.
    """
    rng = np.random.default_rng(seed)
    frames = []
    for region, per_day in regions:
        first = pd.Timestamp(start, tz=region).tz_convert("UTC")
        last = pd.Timestamp(start, tz=region) + pd.Timedelta(days=days)
        ds = pd.date_range(first, last.tz_convert("UTC"), freq=f"{interval_minutes}min", inclusive="left")
        local = ds.tz_convert(region).tz_localize(None)
        rate = wall_rate(local, per_day, interval_minutes)
        day_index = np.asarray((local.normalize() - local.normalize()[0]).days)
        level = np.exp(rng.normal(0.0, day_noise, size=day_index.max() + 1))[day_index]
        y = rng.poisson(rate * level).astype(np.float64)
        aht = np.full(len(ds), np.nan) if aht_s is None else rng.normal(aht_s, 20.0, len(ds))
        frames.append(pd.DataFrame({"ds": ds, "queue": queue, "y": y, "region": region, "aht_s": aht}))
    return pd.concat(frames, ignore_index=True)


def true_rate_on_grid(
    grid_starts: pd.DatetimeIndex,
    region: str,
    per_day: float,
    interval_minutes: int,
    history_interval_minutes: int = 15,
) -> np.ndarray:
    """The expected contacts of each UTC interval: the sum of the history-interval rates inside it."""
    total = np.zeros(len(grid_starts))
    for k in range(interval_minutes // history_interval_minutes):
        starts = grid_starts + pd.Timedelta(minutes=k * history_interval_minutes)
        total += wall_rate(starts.tz_convert(region).tz_localize(None), per_day, history_interval_minutes)
    return total
