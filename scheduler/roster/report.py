"""What a roster gives: coverage against requirement per queue and interval, hours, a summary."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from common.timegrid import Grid, zone
from scheduler.domain import Roster, Shift, Team
from scheduler.roster.problem import Problem, is_late, is_night
from scheduler.staffing.queues import ServiceReport, service_metrics


def on_queue_intervals(shift: Shift, grid: Grid) -> dict[str, np.ndarray]:
    """Per queue, the grid intervals the shift's agent is on it: inside its stretch, touching no break."""
    gaps = [(b.start_utc, b.end_utc) for b in shift.breaks]
    out: dict[str, np.ndarray] = {}
    for span in shift.queue_spans():
        found = grid.intervals_within(span.start_utc, span.end_utc, gaps)
        out[span.queue] = np.concatenate([out[span.queue], found]) if span.queue in out else found
    return out


def coverage(p: Problem, roster: Roster) -> dict[str, np.ndarray]:
    """Agents on each queue in each interval of the week."""
    grid = p.week.grid
    out = {q.name: np.zeros(grid.n_intervals, dtype=int) for q in p.team.queues}
    for shift in roster.shifts:
        for queue, intervals in on_queue_intervals(shift, grid).items():
            np.add.at(out[queue], intervals, 1)
    return out


def service(p: Problem, roster: Roster) -> dict[str, ServiceReport]:
    """Expected service per queue (per interval and for the week) from the agents the roster puts
    on it, for the queues whose forecast volume the problem carries.

    Agents counted are scheduled agents; the queue's shrinkage takes its share, as the
    requirement added it.
    """
    cov = coverage(p, roster)
    out: dict[str, ServiceReport] = {}
    for queue in p.team.queues:
        if queue.name not in p.volume:
            continue
        volume = np.asarray(p.volume[queue.name], dtype=float)
        aht = p.aht_of(queue)
        out[queue.name] = service_metrics(
            cov[queue.name],
            volume,
            aht,
            queue,
            interval_s=p.week.grid.interval_s,
            shrinkage=p.team.shrinkage_of(queue),
        )
    return out


def coverage_frame(p: Problem, roster: Roster) -> pd.DataFrame:
    """Per queue and interval: ds (UTC), required, scheduled, short (agents missing), over, and the
    forecast volume and expected service_level (NaN where the problem has no forecast volume)."""
    grid = p.week.grid
    cov = coverage(p, roster)
    levels = service(p, roster)
    frames = []
    for queue in p.team.queues:
        need = np.ceil(np.asarray(p.required.get(queue.name, np.zeros(grid.n_intervals)), dtype=float) - 1e-9)
        have = cov[queue.name]
        frames.append(
            pd.DataFrame(
                {
                    "queue": queue.name,
                    "ds": grid.starts(),
                    "required": need.astype(int),
                    "scheduled": have,
                    "short": np.maximum(need - have, 0).astype(int),
                    "over": np.maximum(have - need, 0).astype(int),
                    "volume": np.asarray(p.volume[queue.name], dtype=float)
                    if queue.name in p.volume
                    else np.full(grid.n_intervals, np.nan),
                    "service_level": levels[queue.name].service_level
                    if queue.name in levels
                    else np.full(grid.n_intervals, np.nan),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class RosterSummary:
    """The headline figures of a roster."""

    agents: int
    agents_rostered: int
    shifts: int
    scheduled_hours: float
    required_agent_hours: float
    covered_share: float  # share of required agent-intervals that are staffed
    understaffed_agent_hours: float
    overstaffed_agent_hours: float
    hours_by_agent: dict[str, float]
    shifts_by_agent: dict[str, int]
    weekend_days_by_agent: dict[str, int]
    late_shifts_by_agent: dict[str, int]
    night_shifts_by_agent: dict[str, int]
    service_level_by_queue: dict[str, float]  # expected for the week, volume-weighted

    def lines(self) -> list[str]:
        """The summary as short lines for a terminal."""
        return [
            f"agents: {self.agents} ({self.agents_rostered} rostered)",
            f"shifts: {self.shifts}",
            f"scheduled hours: {self.scheduled_hours:.1f}",
            f"required agent-hours: {self.required_agent_hours:.1f}",
            f"required agent-intervals covered: {self.covered_share:.1%}",
            f"understaffed agent-hours: {self.understaffed_agent_hours:.1f}",
            f"overstaffed agent-hours: {self.overstaffed_agent_hours:.1f}",
            *(f"expected service level, {q}: {sl:.1%}" for q, sl in self.service_level_by_queue.items()),
            f"hours per agent: {_range(self.hours_by_agent)}",
            f"weekend days per agent: {_range(self.weekend_days_by_agent)}",
            f"late shifts per agent: {_range(self.late_shifts_by_agent)}",
            f"night shifts per agent: {_range(self.night_shifts_by_agent)}",
        ]


def _range(values: dict[str, float] | dict[str, int]) -> str:
    if not values:
        return "-"
    low, high = min(values.values()), max(values.values())
    return f"{low:g}–{high:g}"


def summarize(p: Problem, roster: Roster) -> RosterSummary:
    """Headline figures of `roster` against the problem's requirement."""
    frame = coverage_frame(p, roster)
    hours_per_interval = p.week.grid.interval_minutes / 60
    required = float(frame["required"].sum())
    short = float(frame["short"].sum())
    hours: dict[str, float] = defaultdict(float)
    shifts: dict[str, int] = defaultdict(int)
    weekend: dict[str, int] = defaultdict(int)
    late: dict[str, int] = defaultdict(int)
    night: dict[str, int] = defaultdict(int)
    for s in roster.shifts:
        hours[s.agent_id] += s.hours
        shifts[s.agent_id] += 1
        weekend[s.agent_id] += int(s.local_date.weekday() >= 5)
        late[s.agent_id] += int(is_late(p, s.agent_id, s.local_date, s.end_utc))
        night[s.agent_id] += int(is_night(p, s.agent_id, s.start_utc, s.end_utc))
    levels = service(p, roster)
    return RosterSummary(
        agents=len(p.team.agents),
        agents_rostered=len(hours),
        shifts=len(roster.shifts),
        scheduled_hours=sum(hours.values()),
        required_agent_hours=required * hours_per_interval,
        covered_share=1.0 if required == 0 else (required - short) / required,
        understaffed_agent_hours=short * hours_per_interval,
        overstaffed_agent_hours=float(frame["over"].sum()) * hours_per_interval,
        hours_by_agent={a.id: hours.get(a.id, 0.0) for a in p.team.agents},
        shifts_by_agent={a.id: shifts.get(a.id, 0) for a in p.team.agents},
        weekend_days_by_agent={a.id: weekend.get(a.id, 0) for a in p.team.agents},
        late_shifts_by_agent={a.id: late.get(a.id, 0) for a in p.team.agents},
        night_shifts_by_agent={a.id: night.get(a.id, 0) for a in p.team.agents},
        service_level_by_queue={q: float(r.week.service_level) for q, r in levels.items()},
    )


@dataclass(frozen=True)
class Change:
    """One agent-day that differs between two rosters, in a lead's words."""

    agent_id: str
    local_date: date
    before: Shift | None
    after: Shift | None

    def describe(self, team: Team) -> str:
        """E.g. 'Maya Lopez, Tue 03 Nov: 08:00-16:00 -> 10:00-18:00' (times in the agent's zone)."""
        agent = team.agent(self.agent_id)

        def span(s: Shift | None) -> str:
            if s is None:
                return "off"
            tz = zone(agent.tz)
            return f"{s.start_utc.astimezone(tz):%H:%M}-{s.end_utc.astimezone(tz):%H:%M} {s.queue}"

        return f"{agent.name}, {self.local_date:%a %d %b}: {span(self.before)} -> {span(self.after)}"


def roster_changes(before: Roster, after: Roster) -> list[Change]:
    """The agent-days whose shift was added, dropped or moved (breaks and queues aside)."""
    old = {(s.agent_id, s.local_date): s for s in before.shifts}
    new = {(s.agent_id, s.local_date): s for s in after.shifts}
    out = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key), new.get(key)
        if a is None or b is None or a.start_utc != b.start_utc or a.end_utc != b.end_utc:
            out.append(Change(key[0], key[1], a, b))
    return out
