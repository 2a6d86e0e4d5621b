"""A roster problem: team, week, requirement per queue and interval, availability, weights."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from scheduler.domain import Agent, AvailabilityEntry, Roster, Team
from scheduler.errors import InvalidInput
from scheduler.timegrid import MINUTES_PER_DAY, PlanningWeek


@dataclass(frozen=True)
class Weights:
    """Weights of the soft rules, in objective points; a lead may change them."""

    under_per_agent_interval: int = 100
    # each further missing agent in the same interval costs this much more than the one before,
    # for the first `under_tiers` missing agents (convex: shortage is spread thin)
    under_step_per_agent_interval: int = 50
    under_tiers: int = 4
    over_per_agent_interval: int = 2
    avoid_per_hour: int = 20
    preferred_per_hour: int = 5


@dataclass(frozen=True, eq=False)
class Problem:
    """Everything the roster engine needs for one team and one week.

    `required` maps each queue to the agents needed on it in every interval of `week.grid`
    (after shrinkage: agents scheduled, not counting those on a break).
    `previous` is last week's roster, used for rules that cross the week boundary.
    """

    team: Team
    week: PlanningWeek
    required: Mapping[str, np.ndarray]
    availability: tuple[AvailabilityEntry, ...] = ()
    weights: Weights = field(default_factory=Weights)
    previous: Roster | None = None

    def __post_init__(self) -> None:
        n = self.week.grid.n_intervals
        queue_names = {q.name for q in self.team.queues}
        for queue, values in self.required.items():
            if queue not in queue_names:
                raise InvalidInput(f"requirement for unknown queue {queue!r}")
            if values.shape != (n,):
                raise InvalidInput(
                    f"requirement of {queue!r} has {values.shape} values, the week has {n} intervals"
                )
            if np.any(values < 0) or not np.all(np.isfinite(values)):
                raise InvalidInput(f"requirement of {queue!r} must be finite and >= 0")
        known = {a.id for a in self.team.agents}
        unknown = sorted({e.agent_id for e in self.availability} - known)
        if unknown:
            raise InvalidInput(f"availability names agents not in the team: {', '.join(unknown)}")

    def entries_of(self, agent_id: str) -> tuple[AvailabilityEntry, ...]:
        """The availability rows of one agent."""
        return tuple(e for e in self.availability if e.agent_id == agent_id)


def time_off_hours(entries: tuple[AvailabilityEntry, ...], day: date) -> float:
    """Hours of time off the rows grant on local `day`."""
    minutes = sum(
        e.end_minute - e.start_minute for e in entries if e.kind == "time_off" and e.applies_to(day)
    )
    return min(minutes, MINUTES_PER_DAY) / 60


def min_hours_after_time_off(
    agent: Agent, min_days_off: int, entries: tuple[AvailabilityEntry, ...], days: tuple[date, ...]
) -> float:
    """The agent's weekly minimum hours, less the time off taken in the week.

    Each local day of time off is credited with at most one working day's share of the
    minimum (`min_hours_per_week / working days`), so a week's leave does not push hours
    into the other days.
    """
    working_days = max(1, len(days) - min_days_off)
    daily_share = agent.min_hours_per_week / working_days
    credit = sum(min(time_off_hours(entries, d), daily_share) for d in days)
    return max(0.0, agent.min_hours_per_week - credit)


def requirements_to_arrays(
    frame: pd.DataFrame, team: Team, week: PlanningWeek, column: str = "scheduled_needed"
) -> dict[str, np.ndarray]:
    """The requirement of each team queue on the week's grid, from a requirements-contract frame.

    Rows outside the week are ignored; intervals without a row need nobody.

    Raises:
        InvalidInput: unknown queues, times off the grid, or no row inside the week.
    """
    grid = week.grid
    names = {q.name for q in team.queues}
    unknown = sorted(set(frame["queue"]) - names)
    if unknown:
        raise InvalidInput(f"requirements name queues the team does not have: {', '.join(unknown)}")
    offset_s = (frame["ds"] - pd.Timestamp(grid.start_utc)).dt.total_seconds().to_numpy()
    index = offset_s / grid.interval_s
    inside = (index >= 0) & (index < grid.n_intervals)
    if not inside.any():
        raise InvalidInput(
            f"no requirement falls in the week {week.first_day} .. {week.days[-1]} ({week.tz}); check --week"
        )
    if np.any(np.abs(index[inside] - np.round(index[inside])) > 1e-9):
        raise InvalidInput(f"requirement times are not on the week's {grid.interval_minutes}-minute grid")
    out = {q.name: np.zeros(grid.n_intervals) for q in team.queues}
    rows = frame.loc[inside]
    positions = np.round(index[inside]).astype(int)
    for queue, values in out.items():
        mask = (rows["queue"] == queue).to_numpy()
        values[positions[mask]] = rows[column].to_numpy(dtype=float)[mask]
    return out
