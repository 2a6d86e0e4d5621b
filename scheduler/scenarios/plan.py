"""The plan scenarios change (team, week, forecast, availability, roster, pay), with its forecast
prepared once on the week grid as arrays."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from common.errors import InvalidInput
from common.timegrid import PlanningWeek
from scheduler.domain import WEEKDAYS, AvailabilityEntry, Roster, Team
from scheduler.roster.problem import carried_in_from
from scheduler.staffing.queues import QueueRequirement
from scheduler.staffing.requirements import compute_requirements


@dataclass(frozen=True)
class Contract:
    """A contract: weekly hours and an hourly rate."""

    min_hours_per_week: float = 0.0
    max_hours_per_week: float = 40.0
    hourly_rate: float | None = None


@dataclass(frozen=True)
class Pay:
    """Hourly rates for the cost column: an agent's own rate, else its contract's, else the default."""

    default_hourly_rate: float | None = None
    agent_rates: Mapping[str, float] = field(default_factory=dict)
    contracts: Mapping[str, Contract] = field(default_factory=dict)
    agent_contracts: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        rates = [self.default_hourly_rate, *self.agent_rates.values()]
        rates += [c.hourly_rate for c in self.contracts.values()]
        if any(r is not None and (not math.isfinite(r) or r < 0) for r in rates):
            raise InvalidInput("hourly rates must be numbers >= 0")
        unknown = sorted(set(self.agent_contracts.values()) - set(self.contracts))
        if unknown:
            raise InvalidInput(f"agents name contracts that are not defined: {', '.join(unknown)}")

    def rate_of(self, agent_id: str) -> float | None:
        """The hourly rate of an agent, or None when nothing sets it."""
        if agent_id in self.agent_rates:
            return self.agent_rates[agent_id]
        contract = self.agent_contracts.get(agent_id)
        if contract is not None and self.contracts[contract].hourly_rate is not None:
            return self.contracts[contract].hourly_rate
        return self.default_hourly_rate


@dataclass(frozen=True)
class QueueSeries:
    """One queue's base forecast on the week grid: per region and interval, over `start:stop`."""

    start: int
    stop: int
    regions: tuple[str, ...]
    volume: dict[str, np.ndarray]  # statistic -> (regions, stop - start)
    aht_s: np.ndarray  # (regions, stop - start), NaN where the forecast leaves it to the queue default
    present: np.ndarray  # (regions, stop - start): a forecast row exists


@dataclass(frozen=True, eq=False)
class LeadIn:
    """An async queue's contacts from before the forecast (the `lead_in` rows of `wfm requirements
    --history`), on the week grid's positions from `start` on, in time order: the requirement model
    works them off in the week, so they are part of its need."""

    start: int  # the grid position of the first (negative: before the week)
    volume: np.ndarray
    aht_s: np.ndarray


@dataclass(frozen=True, eq=False)
class BasePlan:
    """The plan scenarios change: team, week, forecast (the forecast contract), availability, roster, pay.

    `roster` is the roster in force (the staffing depth measures it under each scenario); without
    one, the re-roster depth solves the base too and the staffing depth reports requirements only.
    """

    team: Team
    week: PlanningWeek
    forecast: pd.DataFrame
    statistic: str = "mean"
    availability: tuple[AvailabilityEntry, ...] = ()
    roster: Roster | None = None
    pay: Pay = field(default_factory=Pay)
    # the async contacts waiting when the week starts, by the interval they fall due
    # (`scheduler.roster.problem.carried_in_from`); the same in every scenario: they have arrived
    carried_in: Mapping[str, np.ndarray] = field(default_factory=dict)
    # the same contacts as arrivals, which the async need counts as `compute_requirements` does
    # (`lead_in_from`); without them the need is the forecast's own contacts alone
    lead_in: Mapping[str, LeadIn] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.week.tz != self.team.tz or self.week.interval_minutes != self.team.interval_minutes:
            raise InvalidInput("the plan's week must be in the team's zone and on its grid")
        known = {a.id for a in self.team.agents}
        strangers = sorted({s.agent_id for s in self.roster.shifts} - known) if self.roster else []
        if strangers:
            raise InvalidInput(f"the base roster names agents not in the team: {', '.join(strangers)}")
        self.series  # noqa: B018  (validates the forecast now, not in a worker later)

    @cached_property
    def series(self) -> dict[str, QueueSeries]:
        """Each forecast queue's base volume and handle time on the week grid, as arrays."""
        return _prepare(self)

    @cached_property
    def local_weekday(self) -> np.ndarray:
        """The team-local weekday (0 = Monday) of each grid interval."""
        starts = self.week.grid.starts().tz_convert(self.week.zone)
        return np.asarray(starts.day_of_week, dtype=np.int64)

    @cached_property
    def local_date(self) -> np.ndarray:
        """The team-local date (as YYYY-MM-DD) of each grid interval."""
        starts = self.week.grid.starts().tz_convert(self.week.zone)
        return np.asarray(starts.strftime("%Y-%m-%d"), dtype=object)

    @cached_property
    def requirement_cache(self) -> dict[tuple[Any, ...], QueueRequirement]:
        """Requirements already computed for a queue and its inputs (sweeps repeat them)."""
        return {}


def _statistic_columns(forecast: pd.DataFrame) -> list[str]:
    return [
        c for c in forecast.columns if c == "mean" or (c.startswith("q") and c[1:].replace(".", "").isdigit())
    ]


def _prepare(plan: BasePlan) -> dict[str, QueueSeries]:
    """The forecast on the week grid as arrays, checked by the requirements step itself."""
    compute_requirements(plan.forecast, plan.team, statistic=plan.statistic)  # validates, names bad rows
    grid = plan.week.grid
    frame = plan.forecast
    stats = _statistic_columns(frame)
    region = (
        frame["region"].astype(str) if "region" in frame.columns else pd.Series(plan.team.tz, frame.index)
    )
    ds = pd.to_datetime(frame["ds"], utc=True)
    index = ((ds - pd.Timestamp(grid.start_utc)).dt.total_seconds() / grid.interval_s).to_numpy()
    inside = (index >= 0) & (index < grid.n_intervals)
    if not inside.any():
        local = ds.dt.tz_convert(plan.team.tz).dt.date
        first, last = local.min(), local.max()
        their_week = first - timedelta(days=(first.weekday() - WEEKDAYS.index(plan.team.week_start)) % 7)
        raise InvalidInput(
            f"the base's forecast or requirements have no interval in the week of {plan.week.first_day} "
            f"({plan.team.tz}): they cover {first:%A %Y-%m-%d} .. {last:%A %Y-%m-%d}; plan the week of "
            f"{their_week}, or give the base a forecast or requirements for the week of {plan.week.first_day}"
        )
    aht = (
        pd.to_numeric(frame["aht_s"], errors="coerce").to_numpy(dtype=float)
        if "aht_s" in frame.columns
        else np.full(len(frame), np.nan)
    )
    out: dict[str, QueueSeries] = {}
    for spec in plan.team.queues:
        mask = inside & (frame["queue"].astype(str) == spec.name).to_numpy()
        if not mask.any():
            continue
        positions = np.round(index[mask]).astype(np.int64)
        start, stop = (
            (0, grid.n_intervals) if spec.is_live else (int(positions.min()), int(positions.max()) + 1)
        )
        regions = tuple(sorted(set(region[mask])))
        r_index = {r: i for i, r in enumerate(regions)}
        rows = np.array([r_index[r] for r in region[mask]], dtype=np.int64)
        cols = positions - start
        shape = (len(regions), stop - start)
        volume = {}
        for stat in stats:
            values = np.zeros(shape)
            np.add.at(values, (rows, cols), pd.to_numeric(frame[stat], errors="coerce").to_numpy(float)[mask])
            volume[stat] = values
        aht_s = np.full(shape, np.nan)
        aht_s[rows, cols] = np.where(np.isnan(aht[mask]), spec.aht_s, aht[mask])
        present = np.zeros(shape, dtype=bool)
        present[rows, cols] = True
        out[spec.name] = QueueSeries(start, stop, regions, volume, aht_s, present)
    return out


def forecast_from_requirements(requirements: pd.DataFrame, team: Team) -> pd.DataFrame:
    """A forecast-contract frame (statistic `mean`, one region: the team's zone) from requirements rows,
    for a plan whose base is requirements rather than a forecast. Lead-in rows (contacts from before
    the week) are left out: they reach the plan as its `carried_in`."""
    if "lead_in" in requirements.columns:
        requirements = requirements[~requirements["lead_in"].astype(bool)]
    return pd.DataFrame(
        {
            "queue": requirements["queue"].astype(str),
            "region": team.tz,
            "ds": requirements["ds"],
            "mean": pd.to_numeric(requirements["volume"]),
            "aht_s": pd.to_numeric(requirements["aht_s"]),
        }
    )


def lead_in_from(requirements: pd.DataFrame, team: Team, week: PlanningWeek) -> dict[str, LeadIn]:
    """The async queues' lead-in (the rows of `requirements` marked `lead_in`, before its forecast) on
    the week grid, so a scenario's need counts the contacts carried in as the requirements file does."""
    if "lead_in" not in requirements.columns:
        return {}
    rows = requirements[requirements["lead_in"].astype(bool)]
    grid = week.grid
    ds = pd.to_datetime(rows["ds"], utc=True)
    positions = np.round(
        ((ds - pd.Timestamp(grid.start_utc)).dt.total_seconds() / grid.interval_s).to_numpy()
    ).astype(np.int64)
    out: dict[str, LeadIn] = {}
    for spec in team.queues:
        mask = (rows["queue"].astype(str) == spec.name).to_numpy()
        if spec.is_live or not mask.any():
            continue
        start = int(positions[mask].min())
        size = int(positions[mask].max()) + 1 - start
        volume, aht = np.zeros(size), np.full(size, float(spec.aht_s))
        volume[positions[mask] - start] = pd.to_numeric(rows["volume"]).to_numpy(float)[mask]
        aht[positions[mask] - start] = pd.to_numeric(rows["aht_s"]).to_numpy(float)[mask]
        out[spec.name] = LeadIn(start, volume, aht)
    return out


def carried_into_the_week(
    requirements: pd.DataFrame | None, team: Team, week: PlanningWeek
) -> tuple[dict[str, np.ndarray], dict[str, LeadIn]]:
    """A plan's `carried_in` and `lead_in` from requirements whose rows marked `lead_in` hold the
    contacts carried into the week (none without requirements)."""
    if requirements is None:
        return {}, {}
    return carried_in_from(requirements, team, week), lead_in_from(requirements, team, week)
