"""What a roster gives, in a lead's words: need, agents on each queue, shortfall and the expected
service level per queue and day, the stretches where service suffers, hours against contract.

Everything is counted from the roster alone (its shifts, breaks and queue stretches on the
grid) with the same definitions the roster objective uses (`scheduler.roster.coverage`: the
fractional need, blended agents, the async backlog with the contacts carried in), so the report,
the checker's tests and the scenarios give the same figures for the same roster. Service is always
measured as the `service_level` objective counts it, backlog included, whichever objective built the
roster: the objective says what the search optimised, not how a lead's service is measured.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime

import numpy as np
import pandas as pd

from common.timegrid import minute_to_clock, zone
from scheduler.domain import Agent, AvailabilityEntry, QueueSpec, Roster, Shift, Team
from scheduler.roster.candidates import agent_calendar
from scheduler.roster.coverage import (
    Demand,
    Outcome,
    QueueDemand,
    QueueOutcome,
    arrived_work,
    carried_on,
    counted,
    demand_of,
    outcome,
)
from scheduler.roster.problem import Problem, is_late, is_night, rows_of_shift_day
from scheduler.staffing.erlang import whole_agents
from scheduler.staffing.queues import ServiceReport, service_metrics


def coverage(p: Problem, roster: Roster) -> dict[str, np.ndarray]:
    """Agents on each queue in each interval of the week (with last week's shifts that run on into it)."""
    demand = demand_of(p)
    on = counted(p, roster, demand) + carried_on(p, demand)
    return {q.name: on[:, :, k].sum(axis=1) for k, q in enumerate(p.team.queues)}


@dataclass(frozen=True)
class Measured:
    """A roster measured: the demand, the agents on each queue, what they give, and the service."""

    demand: Demand
    on: np.ndarray
    outcome: Outcome
    service: dict[str, ServiceReport]


def measured_demand(p: Problem) -> Demand:
    """The week's demand as the report measures it: as the `service_level` objective sees it, so an
    async queue's backlog (contacts past their deadline, the backlog left) is followed under the
    `headcount` objective too, which prices agents short instead and leaves the backlog out."""
    return demand_of(replace(p, weights=replace(p.weights, objective="service_level")))


def measure(p: Problem, roster: Roster, demand: Demand | None = None) -> Measured:
    """The roster's coverage and service per queue and interval (service only where the problem
    carries the queue's forecast volume), the same whichever objective the problem names.

    `demand` is an earlier measure's (`Measured.demand`) of the same problem, to measure another
    roster of it without building the demand again."""
    demand = demand or measured_demand(p)
    return measure_on(p, demand, counted(p, roster, demand) + carried_on(p, demand))


def measure_on(p: Problem, demand: Demand, on: np.ndarray) -> Measured:
    """`measure` of the agents `on[t, g, q]` of each skill group on each queue (`Measured.on`)."""
    result = outcome(demand, on)
    levels: dict[str, ServiceReport] = {}
    for d, o in zip(demand.queues, result.queues, strict=True):
        if d.volume is None:
            continue
        levels[d.queue.name] = service_metrics(
            o.agents.astype(np.int64),
            d.volume,
            d.aht_s,
            d.queue,
            interval_s=p.week.grid.interval_s,
            shrinkage=1.0 - d.keep,
            carried_in_contacts=d.carried_in,
            blended_agents=o.blended_agents * d.keep,
        )
    return Measured(demand, on, result, levels)


def service(p: Problem, roster: Roster) -> dict[str, ServiceReport]:
    """Expected service per queue (per interval and for the week) from the agents the roster puts
    on it and the time blended agents give async queues, with the contacts carried in."""
    return measure(p, roster).service


def coverage_frame(p: Problem, roster: Roster, measured: Measured | None = None) -> pd.DataFrame:
    """Per queue and interval: `ds` (UTC), `need` (fractional agents), `on_queue` (agents),
    `blended` (async: agent time from live queues), `shortfall` (agents short of the need),
    `over`, the forecast `volume`, the expected `service_level` and, for async queues, the contacts
    `overdue` at the interval's end (NaN where the problem has no forecast volume)."""
    m = measured or measure(p, roster)
    grid = p.week.grid
    nan = np.full(grid.n_intervals, np.nan)
    frames = []
    for d, o in zip(m.demand.queues, m.outcome.queues, strict=True):
        level = m.service.get(d.queue.name)
        overdue = nan
        if o.backlog is not None:
            overdue = o.overdue_work_s / np.maximum(d.aht_s, 1e-9)
        frames.append(
            pd.DataFrame(
                {
                    "queue": d.queue.name,
                    "ds": grid.starts(),
                    "need": d.need,
                    "on_queue": o.agents.astype(int),
                    "blended": o.blended_agents,
                    "shortfall": o.short_agents,
                    "over": np.maximum(o.agents + o.blended_agents - whole_agents(d.need), 0.0),
                    "volume": nan if d.volume is None else d.volume,
                    "service_level": nan if level is None else level.service_level,
                    "overdue": overdue,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class QueueDay:
    """One queue on one local day of the team: need and cover in agent-hours, the expected service
    level (volume-weighted; async: of the contacts arriving that day) against the target."""

    queue: str
    day: date
    need_hours: float
    on_queue_hours: float
    shortfall_hours: float
    volume: float
    service_level: float | None
    target: float
    # of `on_queue_hours`, an async queue's time given by agents on live queues between their contacts
    blended_hours: float = 0.0


@dataclass(frozen=True)
class ShortStretch:
    """A stretch of a queue's intervals where service suffers, in words."""

    queue: str
    start_utc: pd.Timestamp
    end_utc: pd.Timestamp
    when: str  # e.g. "Mon 02 Nov 01:00–05:00", the team's time
    words: str


def _local_days(p: Problem) -> np.ndarray:
    """The team's local date of each interval's start."""
    return np.asarray(p.week.grid.starts().tz_convert(zone(p.team.tz)).date)


def queue_days(p: Problem, m: Measured) -> list[QueueDay]:
    """Per queue and local day: need, agents on the queue and shortfall (agent-hours), and service."""
    hours = p.week.grid.interval_minutes / 60
    days = _local_days(p)
    out = []
    for d, o in zip(m.demand.queues, m.outcome.queues, strict=True):
        level = m.service.get(d.queue.name)
        for day in p.week.days:
            mask = days == day
            volume = float(d.volume[mask].sum()) if d.volume is not None else 0.0
            sl: float | None = None
            if level is not None:
                values, weights = level.service_level[mask], d.volume[mask] if d.volume is not None else None
                used = ~np.isnan(values) & (weights > 0) if weights is not None else np.zeros(0, dtype=bool)
                if weights is not None and used.any():
                    sl = float(np.average(values[used], weights=weights[used]))
            out.append(
                QueueDay(
                    d.queue.name,
                    day,
                    float(d.need[mask].sum()) * hours,
                    float((o.agents + o.blended_agents)[mask].sum()) * hours,
                    float(o.short_agents[mask].sum()) * hours,
                    volume,
                    sl,
                    d.queue.service_level,
                    float(o.blended_agents[mask].sum()) * hours,
                )
            )
    return out


def _hours(p: Problem) -> np.ndarray:
    """The team-local clock hour each interval falls in, numbered from 0 through the week (a DST
    change makes an hour of 0 or 2 intervals' worth of wall time; the numbering follows UTC)."""
    starts = p.week.grid.starts()
    return np.asarray((starts - starts[0]).total_seconds() // 3600, dtype=np.int64)


LATE_CONTACTS_SHOWN = 0.5  # an async queue's hour suffers from this many contacts past their deadline


def _suffers(p: Problem, m: Measured) -> dict[str, np.ndarray]:
    """Per queue, the intervals of the hours where service suffers: a live queue's expected service
    level over the hour below its target, an async queue's contacts past their deadline in the hour
    (half a contact or more); without a forecast volume, an agent or more short of the need in the
    hour."""
    hour = _hours(p)
    out = {}
    for d, o in zip(m.demand.queues, m.outcome.queues, strict=True):
        level = m.service.get(d.queue.name)
        if d.is_live and level is not None and d.volume is not None:
            answered = np.bincount(hour, weights=np.nan_to_num(level.service_level) * d.volume)
            volume = np.bincount(hour, weights=d.volume)
            with np.errstate(divide="ignore", invalid="ignore"):
                bad_hour = (volume > 0) & (answered / volume < d.queue.service_level - 1e-9)
        elif o.backlog is not None:  # half a contact or more past its deadline (less reads "0 contacts")
            late = o.overdue_work_s / np.maximum(d.aht_s, 1e-9) >= LATE_CONTACTS_SHOWN
            bad_hour = np.bincount(hour, weights=late.astype(float)) > 0
        else:
            bad_hour = np.bincount(hour, weights=(o.short_agents >= 1.0 - 1e-9).astype(float)) > 0
        out[d.queue.name] = bad_hour[hour]
    return out


def _who(d: QueueDemand, agents: np.ndarray, need: float) -> str:
    low, high = float(agents.min()), float(agents.max())
    if high < 1e-9:
        return f"nobody on {d.queue.name} ({need:.1f} needed)"
    count = f"{low:.0f}" if abs(high - low) < 0.05 else f"{low:.0f}–{high:.0f}"
    return f"{count} on {d.queue.name} ({need:.1f} needed)"


def _span_words(first: pd.Timestamp, last: pd.Timestamp) -> str:
    """'Mon 02 Nov 01:00–05:00', or with the end's day when it ends on a later day than it starts
    ('Mon 02 Nov 21:00–Tue 03 Nov 09:00'; midnight closes the day it ends)."""
    if last.date() == first.date() or (last - pd.Timedelta(minutes=1)).date() == first.date():
        end = "24:00" if last.date() != first.date() else f"{last:%H:%M}"
        return f"{first:%a %d %b %H:%M}–{end}"
    return f"{first:%a %d %b %H:%M}–{last:%a %d %b %H:%M}"


def short_stretches(p: Problem, m: Measured) -> list[ShortStretch]:
    """The stretches of whole hours where service suffers, per queue and local day of the team (a
    lead acts on a day at a time: a stretch of three days says nothing), in the team's time and a
    lead's words, e.g. 'Mon 02 Nov 01:00-05:00: nobody on creator-chat (0.9 needed); 35 %
    answered within 60 s'."""
    grid = p.week.grid
    starts = grid.starts()
    tz = zone(p.team.tz)
    step = pd.Timedelta(minutes=grid.interval_minutes)
    suffers = _suffers(p, m)
    day = _local_days(p)
    out = []
    for d, o in zip(m.demand.queues, m.outcome.queues, strict=True):
        bad = suffers[d.queue.name]
        level = m.service.get(d.queue.name)
        t = 0
        while t < bad.size:
            if not bad[t]:
                t += 1
                continue
            end = t
            while end + 1 < bad.size and bad[end + 1] and day[end + 1] == day[t]:  # cut at midnight
                end += 1
            span = slice(t, end + 1)
            first, last = starts[t].tz_convert(tz), (starts[end] + step).tz_convert(tz)
            who = _who(d, o.agents[span] + o.blended_agents[span], float(d.need[span].max()))
            if d.is_live and level is not None and d.volume is not None and d.volume[span].sum() > 0:
                sl = float(
                    np.average(
                        np.nan_to_num(level.service_level[span]), weights=np.maximum(d.volume[span], 1e-12)
                    )
                )
                how = f"{sl:.0%} answered within {d.queue.target_answer_s:g} s"
            elif o.backlog is not None:
                late = float((o.overdue_work_s[span] / np.maximum(d.aht_s[span], 1e-9)).max())
                how = f"up to {late:.0f} contacts past {d.queue.response_hours:g} h"
            else:
                how = f"up to {float(o.short_agents[span].max()):.1f} agents short"
            when = _span_words(first, last)
            out.append(
                ShortStretch(d.queue.name, starts[t], starts[end] + step, when, f"{when}: {who}; {how}")
            )
            t = end + 1
    return out


@dataclass(frozen=True)
class UnmetPreference:
    """An agent whose preferred times (`preferred` availability rows), or times to avoid (`avoid`
    rows), the roster mostly did not keep: of the days they work and asked about, those on which
    their shift covers at least half of that day's preferred time (works in less than half of the
    time to avoid) are fewer than half."""

    agent_id: str
    asked: str  # the times on the agent's clock, e.g. "21:00–24:00"
    working_days: int  # the days the agent works that have such times
    granted_days: int  # of those, the days the wish was kept
    words: (
        str  # e.g. "Marcus Lee asked for 21:00–24:00 (America/Los_Angeles time); got none of 5 working days"
    )
    kind: str = "preferred"  # or "avoid"


def unmet_preferences(p: Problem, roster: Roster) -> list[UnmetPreference]:
    """The agents whose preferred times, or times to avoid, the roster kept on fewer than half of
    the days they work and asked about them. Days off are not counted: such a time says when to
    work, or not, on a working day."""
    return [
        u
        for agent in p.team.agents
        for kind in ("preferred", "avoid")
        if (u := _unmet(p, roster, agent, kind))
    ]


def _unmet(p: Problem, roster: Roster, agent: Agent, kind: str) -> UnmetPreference | None:
    """The agent's wishes of `kind` as an unmet preference, if the roster kept fewer than half."""
    wishes = tuple(e for e in p.entries_of(agent.id) if e.kind == kind)
    asked: set[tuple[int, int]] = set()
    days = kept = 0
    for shift in roster.shifts_of(agent.id):
        todays = tuple(e for e in wishes if e.applies_to(shift.local_date))
        if not todays:
            continue
        calendar = agent_calendar(agent, todays, (shift.local_date,))
        spans = calendar.preferred if kind == "preferred" else calendar.avoided
        wanted = sum((end - start).total_seconds() / 60 for start, end in spans)
        overlap = abs(calendar.preference_minutes(shift.start_utc, shift.end_utc))
        asked |= {(e.start_minute, e.end_minute) for e in todays}
        days += 1
        kept += int(2 * overlap >= wanted) if kind == "preferred" else int(2 * overlap < wanted)
    if days == 0 or 2 * kept >= days:
        return None
    times = ", ".join(f"{minute_to_clock(a)}–{minute_to_clock(b)}" for a, b in sorted(asked))
    where = "" if agent.tz == p.team.tz else f" ({agent.tz} time)"
    of_days = f"of {days} working day{'s' * (days != 1)}"
    if kind == "preferred":
        words = f"{agent.name} asked for {times}{where}; got {'none' if kept == 0 else kept} {of_days}"
    else:
        words = f"{agent.name} asked to avoid {times}{where}; works in it on {days - kept} {of_days}"
    if not any(_rules_can_keep(p, agent, span, kind) for span in asked):
        words += (
            " (no shift the rules allow gives half of that time)"
            if kind == "preferred"
            else " (every shift the rules allow works half of that time or more)"
        )
    return UnmetPreference(agent.id, times, days, kept, words, kind)


def _rules_can_keep(p: Problem, agent: Agent, span: tuple[int, int], kind: str) -> bool:
    """Whether some shift the agent's shift rules allow (a start and length on their clock) covers
    half of the local time `span` or more (`preferred`), or less than half of it (`avoid`)."""
    first, last = span
    wanted = last - first
    for _, start, length in p.team.shift_rules_of(agent).shapes():
        covered = sum(max(0, min(start + length, last + day) - max(start, first + day)) for day in (0, 1440))
        if (2 * covered >= wanted) == (kind == "preferred"):
            return True
    return False


@dataclass(frozen=True)
class RosterSummary:
    """The headline figures of a roster, in a lead's terms."""

    agents: int
    agents_rostered: int
    shifts: int
    scheduled_hours: float
    required_agent_hours: float  # the fractional need, summed
    understaffed_agent_hours: float  # the shortfall against it
    overstaffed_agent_hours: float
    hours_by_agent: dict[str, float]
    contract_by_agent: dict[str, tuple[float, float]]  # least and most hours (`Problem.week_hours`)
    shifts_by_agent: dict[str, int]
    weekend_days_by_agent: dict[str, int]
    late_shifts_by_agent: dict[str, int]
    night_shifts_by_agent: dict[str, int]
    service_level_by_queue: dict[str, float]  # expected for the week, volume-weighted
    target_by_queue: dict[str, float]
    days: list[QueueDay] = field(default_factory=list)
    short: list[ShortStretch] = field(default_factory=list)
    carried_in: dict[str, tuple[float, float | None]] = field(default_factory=dict)  # contacts, on time
    backlog_left: dict[str, float] = field(default_factory=dict)  # async contacts waiting at the end
    # live queues with contacts forecast while nobody is on them
    unattended: dict[str, Unattended] = field(default_factory=dict)
    # the most hours the agents' contracts let them work in the horizon (less paid leave)
    contract_hours_most: float = 0.0
    # queues at their target planned at its edge: (level, level with `FRAGILE_VOLUME` of the contacts)
    fragile: dict[str, tuple[float, float]] = field(default_factory=dict)
    # local days of the team on which no queue needs anyone and no shift cover is asked: a file that
    # ends early (Monday to Wednesday) plans the rest of the week with nobody needed
    days_without_need: list[date] = field(default_factory=list)
    unmet_preferences: list[UnmetPreference] = field(default_factory=list)
    # each live queue below its target beside a queue above its own: what moving the time between
    # them would do (`queue_trades`)
    trades: list[QueueTrade] = field(default_factory=list)


# a queue counts as below (above) its target when its week's service level is this far under (over) it
TARGET_MARGIN = 0.05
# the agent-hours agents who could work a live queue below its target spent on a queue above its own,
# below which that queue is not what keeps them from the live one
MIN_SHARED_HOURS = 1.0


@dataclass(frozen=True)
class QueueTrade:
    """What giving a live queue below its target the time that agents skilled for it spend on a queue
    above its own, wherever the live queue takes contacts, would do to both (a measure of the roster
    with that time moved, not a new roster: the queue blocks are not kept)."""

    live: str
    other: str
    hours: float  # agent-hours moved
    live_level: float  # the live queue's service level for the week with them
    other_level: float  # the other queue's without them


def trade_pairs(team: Team, levels: Mapping[str, float]) -> list[tuple[QueueSpec, QueueSpec]]:
    """Each live queue below its target (`TARGET_MARGIN`) with each queue above its own."""
    return [
        (live, other)
        for live in team.queues
        if live.is_live and live.name in levels and levels[live.name] < live.service_level - TARGET_MARGIN
        for other in team.queues
        if other.name != live.name
        and other.name in levels
        and levels[other.name] >= other.service_level + TARGET_MARGIN
    ]


def queue_trades(p: Problem, m: Measured) -> list[QueueTrade]:
    """`QueueTrade` for each pair of `trade_pairs` where agents skilled for both spend at least
    `MIN_SHARED_HOURS` on the queue above its target while the live one takes contacts."""
    levels = {q: float(r.week.service_level) for q, r in m.service.items()}
    index = {d.queue.name: d.index for d in m.demand.queues}
    hours_per_interval = p.week.grid.interval_minutes / 60
    out = []
    for live, other in trade_pairs(p.team, levels):
        q, r = index[live.name], index[other.name]
        d = m.demand.queues[q]
        taking = d.need > 0 if d.volume is None else d.volume > 0
        both = [g for g in range(len(m.demand.groups)) if m.demand.skilled(g, q) and m.demand.skilled(g, r)]
        on = m.on.copy()
        moved = np.zeros(on.shape[0])
        for g in both:
            moved += np.where(taking, on[:, g, r], 0)
            on[:, g, q] += np.where(taking, on[:, g, r], 0)
            on[:, g, r] = np.where(taking, 0, on[:, g, r])
        hours = float(moved.sum()) * hours_per_interval
        if hours < MIN_SHARED_HOURS:
            continue
        after = measure_on(p, m.demand, on).service
        out.append(
            QueueTrade(
                live.name,
                other.name,
                hours,
                float(after[live.name].week.service_level),
                float(after[other.name].week.service_level),
            )
        )
    return out


def summarize(p: Problem, roster: Roster, measured: Measured | None = None) -> RosterSummary:
    """Headline figures of `roster` against the problem's need."""
    m = measured or measure(p, roster)
    hours_per_interval = p.week.grid.interval_minutes / 60
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
    days = queue_days(p, m)
    required = sum(float(d.need.sum()) for d in m.demand.queues) * hours_per_interval
    short = sum(float(o.short_agents.sum()) for o in m.outcome.queues) * hours_per_interval
    over = (
        sum(
            float(np.maximum(o.agents + o.blended_agents - whole_agents(d.need), 0.0).sum())
            for d, o in zip(m.demand.queues, m.outcome.queues, strict=True)
        )
        * hours_per_interval
    )
    carried = {
        q: (
            float(r.carried_in_contacts),
            None if np.isnan(r.carried_in_on_time) else float(r.carried_in_on_time),
        )
        for q, r in m.service.items()
        if float(r.carried_in_contacts) > 0
    }
    left = {
        d.queue.name: _waiting_at_end(d, o)
        for d, o in zip(m.demand.queues, m.outcome.queues, strict=True)
        if o.backlog is not None
    }
    return RosterSummary(
        agents=len(p.team.agents),
        agents_rostered=len(hours),
        shifts=len(roster.shifts),
        scheduled_hours=sum(hours.values()),
        required_agent_hours=required,
        understaffed_agent_hours=short,
        overstaffed_agent_hours=over,
        hours_by_agent={a.id: hours.get(a.id, 0.0) for a in p.team.agents},
        contract_by_agent={a.id: p.week_hours(a, 0) for a in p.team.agents},
        shifts_by_agent={a.id: shifts.get(a.id, 0) for a in p.team.agents},
        weekend_days_by_agent={a.id: weekend.get(a.id, 0) for a in p.team.agents},
        late_shifts_by_agent={a.id: late.get(a.id, 0) for a in p.team.agents},
        night_shifts_by_agent={a.id: night.get(a.id, 0) for a in p.team.agents},
        service_level_by_queue={q: float(r.week.service_level) for q, r in m.service.items()},
        target_by_queue={q.name: q.service_level for q in p.team.queues},
        days=days,
        short=short_stretches(p, m),
        carried_in=carried,
        backlog_left=left,
        unattended=unattended(m, hours_per_interval),
        contract_hours_most=sum(
            p.week_hours(a, week)[1] for a in p.team.agents for week in range(p.week.n_weeks)
        ),
        days_without_need=days_without_need(p, days),
        unmet_preferences=unmet_preferences(p, roster),
        trades=queue_trades(p, m) if p.weights.objective == "service_level" else [],
    )


@dataclass(frozen=True)
class Unattended:
    """A live queue whose contacts come while nobody is on it: the hours of the week that happens,
    the share of the week's contacts that arrive then (answered by nobody), and of those hours, the
    ones in which an agent skilled for it was on another queue, by that queue (an hour with agents on
    two other queues counts for both)."""

    hours: float
    share: float
    skilled_elsewhere_hours: dict[str, float] = field(default_factory=dict)
    skilled_busy_hours: float = 0.0  # hours in which some agent skilled for it was on another queue


def unattended(m: Measured, hours_per_interval: float) -> dict[str, Unattended]:
    """Per live queue whose contacts come while nobody is on it: how long, how many contacts, and
    where the agents who could have taken them were."""
    out = {}
    for d, o in zip(m.demand.queues, m.outcome.queues, strict=True):
        if not d.is_live or d.volume is None or d.volume.sum() <= 0:
            continue
        empty = (o.agents <= 0) & (d.volume > 0)
        if not empty.any():
            continue
        skilled = [g for g in range(len(m.demand.groups)) if m.demand.skilled(g, d.index)]
        elsewhere = m.on[:, skilled, :].sum(axis=1) > 0  # (intervals, queues): a skilled agent on it
        elsewhere[:, d.index] = False
        by_queue = {
            other.queue.name: float((empty & elsewhere[:, other.index]).sum()) * hours_per_interval
            for other in m.demand.queues
            if (empty & elsewhere[:, other.index]).any()
        }
        out[d.queue.name] = Unattended(
            float(empty.sum()) * hours_per_interval,
            float(d.volume[empty].sum() / d.volume.sum()),
            dict(sorted(by_queue.items(), key=lambda kv: -kv[1])),
            float((empty & elsewhere.any(axis=1)).sum()) * hours_per_interval,
        )
    return out


# a forecast's usual error: a plan should bear this many more contacts than forecast
FRAGILE_VOLUME = 1.05
# a queue whose service level falls this much with them is planned at the edge of its target
FRAGILE_DROP = 0.10


def fragile_queues(p: Problem, roster: Roster, levels: dict[str, float]) -> dict[str, tuple[float, float]]:
    """The queues at or above their target (`levels`: the week's service level by queue) whose
    service level falls by `FRAGILE_DROP` or more with `FRAGILE_VOLUME` times the forecast contacts
    on the same roster: (the level, the level then). An async queue answered just inside its response
    time has no room for a busier day than forecast."""
    targets = {q.name: q.service_level for q in p.team.queues}
    wanted = [q for q, level in levels.items() if level >= targets[q] - 1e-9]
    if not wanted:
        return {}
    busier = replace(p, volume={q: np.asarray(v, dtype=float) * FRAGILE_VOLUME for q, v in p.volume.items()})
    then = measure(busier, roster).service
    return {
        q: (levels[q], float(then[q].week.service_level))
        for q in wanted
        if q in then and levels[q] - float(then[q].week.service_level) >= FRAGILE_DROP
    }


def days_without_need(p: Problem, days: list[QueueDay]) -> list[date]:
    """The team's local days on which no queue needs anyone (and no shift cover is asked)."""
    needed = {d.day for d in days if d.need_hours > 0 or d.volume > 0}
    needed |= {c.day for c in p.shift_cover if c.required > 0}
    return [day for day in p.week.days if day not in needed]


def _waiting_at_end(d: QueueDemand, o: QueueOutcome) -> float:
    """Contacts still waiting when the week ends (async), at the queue's mean handle time."""
    if o.backlog is None or d.need.size == 0:
        return 0.0
    arrived = arrived_work(d)
    work = float(arrived[-1] - o.backlog.done_work_s[-1])
    contacts = float((d.volume.sum() if d.volume is not None else 0.0) + d.carried_in.sum())
    return work / (float(arrived[-1]) / contacts) if contacts > 0 and arrived[-1] > 0 else 0.0


@dataclass(frozen=True)
class Change:
    """One agent-day that differs between two rosters, in a lead's words."""

    agent_id: str
    local_date: date
    before: Shift | None
    after: Shift | None

    def describe(self, team: Team, availability: Iterable[AvailabilityEntry] = ()) -> str:
        """E.g. 'Maya Lopez, Tue 03 Nov: 08:00–16:00 email → 10:00–18:00 email': times in the agent's
        zone, named when it is not the team's; a day now off says why when `availability` does
        ('→ off sick' for an absence, '→ off on leave' for time off)."""
        agent = team.agent(self.agent_id)
        tz = zone(agent.tz)

        def span(s: Shift | None, off: str = "off") -> str:
            if s is None:
                return off
            return f"{s.start_utc.astimezone(tz):%H:%M}–{s.end_utc.astimezone(tz):%H:%M} {s.queue}"

        kinds = {e.kind for e in availability if e.agent_id == agent.id and e.applies_to(self.local_date)}
        off = "off sick" if "absence" in kinds else "off on leave" if "time_off" in kinds else "off"
        where = "" if agent.tz == team.tz else f" ({agent.tz} time)"
        return (
            f"{agent.name}, {self.local_date:%a %d %b}{where}: {span(self.before)} → {span(self.after, off)}"
            + (", then off sick" if self.cut_short() and self._sick_after(availability) else "")
        )

    def _sick_after(self, availability: Iterable[AvailabilityEntry]) -> bool:
        """Whether an absence row of the agent's day, or of the next day from a time of day (a night
        shift sent home after midnight), is what ended the shift."""
        mine = [e for e in availability if e.agent_id == self.agent_id]
        return any(e.kind == "absence" for e, _ in rows_of_shift_day(mine, self.local_date))

    def cut_short(self) -> bool:
        """Whether the shift kept its start and ended earlier (a sick call sent the agent home)."""
        a, b = self.before, self.after
        return a is not None and b is not None and a.start_utc == b.start_utc and b.end_utc < a.end_utc


@dataclass(frozen=True)
class WorkChange:
    """An agent-day whose shift keeps its hours but not its queue stretches or breaks, in a lead's words."""

    before: Shift
    after: Shift

    def describe(self, team: Team) -> str:
        """E.g. 'Maya Lopez, Wed 28 Oct, 07:00–15:00: voice 07:00–11:00, chat 11:00–15:00 → chat
        07:00–15:00; breaks 10:00, 12:30 → 10:30, 12:30' (times in the agent's zone)."""
        agent = team.agent(self.before.agent_id)
        tz = zone(agent.tz)

        def hhmm(t: datetime) -> str:
            return f"{t.astimezone(tz):%H:%M}"

        def queues(s: Shift) -> str:
            return ", ".join(f"{w.queue} {hhmm(w.start_utc)}–{hhmm(w.end_utc)}" for w in s.stretches())

        def breaks(s: Shift) -> str:
            return ", ".join(hhmm(b.start_utc) for b in sorted(s.breaks, key=lambda b: b.start_utc)) or "none"

        parts = []
        if self.before.stretches() != self.after.stretches():
            parts.append(f"{queues(self.before)} → {queues(self.after)}")
        if self.before.breaks != self.after.breaks:
            parts.append(f"breaks {breaks(self.before)} → {breaks(self.after)}")
        where = "" if agent.tz == team.tz else f" ({agent.tz} time)"
        s = self.before
        return f"{agent.name}, {s.local_date:%a %d %b}{where}, {hhmm(s.start_utc)}–{hhmm(s.end_utc)}: {'; '.join(parts)}"


def work_changes(before: Roster, after: Roster) -> list[WorkChange]:
    """The agent-days whose shift keeps its hours but is put on other queues or gets other breaks."""
    old = {(s.agent_id, s.local_date): s for s in before.shifts}
    out = []
    for s in sorted(after.shifts, key=lambda s: (s.agent_id, s.local_date)):
        a = old.get((s.agent_id, s.local_date))
        if a is None or a.start_utc != s.start_utc or a.end_utc != s.end_utc:
            continue
        if a.stretches() != s.stretches() or a.breaks != s.breaks:
            out.append(WorkChange(a, s))
    return out


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
