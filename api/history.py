"""The contact-history contract's grid: which instants are interval starts, and adding rows up per interval.

History rows are counts per interval start `ds`. The planning grid is fixed-length UTC intervals
that start at the team's local midnight, so a 15-minute grid starts at :00, :15, :30 and :45 UTC
in every zone (all offsets in use are whole quarter-hours), while a 60-minute grid of a team in
India starts at half past the UTC hour.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import numpy.typing as npt
import pandas as pd

from common.timegrid import ALLOWED_INTERVAL_MINUTES, UTC, check_interval_minutes, zone

# the finest grid a forecast runs on: every history `ds` must lie on it unless rows are added up
HISTORY_GRID_MINUTES = min(ALLOWED_INTERVAL_MINUTES)
NS_PER_MINUTE = 60_000_000_000


def grid_anchor_minutes(tz: str, interval_minutes: int, at: datetime | None = None) -> int:
    """Where the team's grid starts within an interval: the zone's UTC offset modulo its length."""
    instant = at or datetime(2026, 1, 1, tzinfo=UTC)
    offset = instant.astimezone(zone(tz)).utcoffset()
    minutes = 0 if offset is None else int(offset.total_seconds() // 60)
    return minutes % interval_minutes


def floor_to_grid(ds_ns: npt.NDArray[np.int64], interval_minutes: int, tz: str) -> npt.NDArray[np.int64]:
    """The start of the grid interval holding each instant (nanoseconds since the epoch, UTC)."""
    step = check_interval_minutes(interval_minutes) * NS_PER_MINUTE
    anchor = grid_anchor_minutes(tz, interval_minutes) * NS_PER_MINUTE
    return np.asarray((ds_ns - anchor) // step * step + anchor, dtype=np.int64)


def off_grid(ds_ns: npt.NDArray[np.int64], tz: str) -> npt.NDArray[np.bool_]:
    """Which instants are not the start of a `HISTORY_GRID_MINUTES` interval of the team's grid."""
    return np.asarray(floor_to_grid(ds_ns, HISTORY_GRID_MINUTES, tz) != ds_ns)


def add_up_per_interval(frame: pd.DataFrame, interval_minutes: int, tz: str) -> pd.DataFrame:
    """History rows added up per queue, region and grid interval: `y` summed, `aht_s` weighted by `y`.

    `frame` has the history columns with `ds` UTC-aware; the result is sorted by queue, region, ds.
    """
    ds_ns = frame["ds"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    y = frame["y"].to_numpy(np.float64)
    aht = frame["aht_s"].to_numpy(np.float64)
    timed = np.isfinite(aht)
    parts = pd.DataFrame(
        {
            "ds": floor_to_grid(ds_ns, interval_minutes, tz),
            "queue": frame["queue"].to_numpy(),
            "region": frame["region"].to_numpy(),
            "y": y,
            "timed_y": np.where(timed, y, 0.0),
            "work_s": np.where(timed, y * np.where(timed, aht, 0.0), 0.0),
        }
    )
    sums = parts.groupby(["queue", "region", "ds"], sort=True, as_index=False)[
        ["y", "timed_y", "work_s"]
    ].sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        aht_s = np.where(sums["timed_y"] > 0, sums["work_s"] / sums["timed_y"], np.nan)
    return pd.DataFrame(
        {
            "ds": pd.to_datetime(sums["ds"].to_numpy(), unit="ns", utc=True),
            "queue": sums["queue"].to_numpy(),
            "region": sums["region"].to_numpy(),
            "y": sums["y"].to_numpy(np.float64),
            "aht_s": aht_s,
        }
    )


def iso_text(ds: pd.Series) -> pd.Series:
    """UTC instants as ISO-8601 text with Z (what every message shows, never an integer)."""
    text: pd.Series = ds.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return text
