"""What the web page draws, computed here so that zones and DST are handled by zoneinfo and tested.

`roster_grid` lays a roster out as agents × days in a chosen zone (the team's, or each agent's
own): every shift, break and stretch of unavailability as a segment of its day cell, given as
fractions of that local day (a 23- or 25-hour day included). `coverage_view` turns a version's
stored coverage into chart series on an elapsed-hours axis with the local midnights as ticks (so a
DST week neither repeats nor skips an hour), the expected service level per local day, and the
stretches where service suffers in words.

A stretch is "short" only where service suffers: the views list the stretches the version's report
found (`scheduler.roster.report.short_stretches`, stored with the version), never their own count of
agents below the need; the need, on-queue and shortfall figures per interval are the chart's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from api.service.roster_checks import Conflict, roster_as_shown
from common.errors import InvalidInput
from common.timegrid import DAYS_PER_WEEK, PlanningWeek, local_day_start_utc, zone
from scheduler import Agent, AvailabilityEntry, Roster, Shift, Team, agent_calendar, entry_span_utc
from scheduler.domain import merge_overlapping

ZoneMode = Literal["team", "agent"]
BLOCKED_KINDS = ("unavailable", "time_off", "absence")
OUTSIDE_AVAILABLE = "outside available times"  # the note of the hours outside an agent's windows


@dataclass(frozen=True)
class Span:
    """A labelled UTC span to draw."""

    kind: str
    start_utc: datetime
    end_utc: datetime
    note: str = ""


def _hhmm(instant: datetime, tz: ZoneInfo) -> str:
    return f"{instant.astimezone(tz):%H:%M}"


def span_label(start_utc: datetime, end_utc: datetime, tz: ZoneInfo) -> str:
    """'09:00–17:00' within a local day, '00:00–24:00' for a whole day, else with weekdays
    ('Tue 23:00–Wed 23:00')."""
    start, end = start_utc.astimezone(tz), end_utc.astimezone(tz)
    if start.date() == end.date():
        return f"{start:%H:%M}–{end:%H:%M}"
    if end.date() == start.date() + timedelta(days=1) and (end.hour, end.minute) == (0, 0):
        return f"{start:%H:%M}–24:00"
    return f"{start:%a %H:%M}–{end:%a %H:%M}"


def day_bounds_utc(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants at which local day `day` begins and ends in `tz`."""
    return local_day_start_utc(day, tz), local_day_start_utc(day + timedelta(days=1), tz)


def clip_to_day(
    start_utc: datetime, end_utc: datetime, day: date, tz: ZoneInfo
) -> tuple[float, float] | None:
    """The part of [start, end) inside local day `day`, as fractions of that day's elapsed length."""
    day_start, day_end = day_bounds_utc(day, tz)
    lo, hi = max(start_utc, day_start), min(end_utc, day_end)
    if lo >= hi:
        return None
    length_s = (day_end - day_start).total_seconds()
    return (lo - day_start).total_seconds() / length_s, (hi - day_start).total_seconds() / length_s


def blocked_spans(agent: Agent, entries: tuple[AvailabilityEntry, ...], days: Sequence[date]) -> list[Span]:
    """The agent's time off, unavailability and the hours outside its `available` windows, as UTC spans
    (from the same calendar the roster engine uses); rows that overlap are one span."""
    calendar = agent_calendar(agent, entries, tuple(days))
    out: list[Span] = []
    for day in days:
        for e in merge_overlapping(entries):
            if e.kind in BLOCKED_KINDS and e.applies_to(day):
                start, end = entry_span_utc(e, day, agent.tz)
                out.append(Span(e.kind, start, end, e.note))
    for day_start, day_end, windows in calendar.windows:
        cursor = day_start
        for lo, hi in sorted(windows):
            if lo > cursor:
                out.append(Span("unavailable", cursor, lo, OUTSIDE_AVAILABLE))
            cursor = max(cursor, hi)
        if cursor < day_end:
            out.append(Span("unavailable", cursor, day_end, OUTSIDE_AVAILABLE))
    return out


def shift_spans(shift: Shift) -> list[Span]:
    """The shift's working stretches between its breaks, then its breaks."""
    out: list[Span] = []
    cursor = shift.start_utc
    for b in sorted(shift.breaks, key=lambda b: b.start_utc):
        if b.start_utc > cursor:
            out.append(Span("shift", cursor, b.start_utc))
        out.append(Span(b.kind, b.start_utc, b.end_utc))
        cursor = max(cursor, b.end_utc)
    if cursor < shift.end_utc:
        out.append(Span("shift", cursor, shift.end_utc))
    return out


def _segments(spans: Iterable[Span], day: date, tz: ZoneInfo, extra: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for span in spans:
        clipped = clip_to_day(span.start_utc, span.end_utc, day, tz)
        if clipped is None:
            continue
        label = span_label(span.start_utc, span.end_utc, tz)
        out.append(
            {
                "kind": span.kind,
                "start": round(clipped[0], 6),
                "end": round(clipped[1], 6),
                "label": label,
                "note": span.note,
                **extra,
            }
        )
    return out


def _shift_cell(
    shift: Shift,
    tz: ZoneInfo,
    agent_tz: ZoneInfo,
    pinned: bool,
    moved_from: Shift | None,
    problems: list[str],
) -> dict[str, Any]:
    return {
        "agent_id": shift.agent_id,
        "local_date": shift.local_date.isoformat(),
        "queue": shift.queue,
        "pinned": pinned,
        "moved": moved_from is not None,
        "moved_from": None
        if moved_from is None
        else span_label(moved_from.start_utc, moved_from.end_utc, tz),
        "label": f"{_hhmm(shift.start_utc, tz)}–{_hhmm(shift.end_utc, tz)}",
        # a shift that moves between queues: each stretch on the display clock (none: all on `queue`)
        "stretches": [
            {"queue": w.queue, "label": f"{_hhmm(w.start_utc, tz)}–{_hhmm(w.end_utc, tz)}"}
            for w in sorted(shift.work, key=lambda w: w.start_utc)
        ],
        "start_local": _hhmm(shift.start_utc, agent_tz),  # the agent's own clock, as moves are given
        "start_utc": _z(shift.start_utc),
        "end_utc": _z(shift.end_utc),
        "hours": round(shift.hours, 4),
        "conflicts": problems,
    }


def _z(instant: datetime) -> str:
    return instant.astimezone(ZoneInfo("UTC")).isoformat().replace("+00:00", "Z")


def roster_grid(
    team: Team,
    roster: Roster,
    entries: tuple[AvailabilityEntry, ...],
    zone_mode: ZoneMode,
    pinned: tuple[Shift, ...] = (),
    conflicts: Sequence[Conflict] = (),
) -> dict[str, Any]:
    """Agents × the week's seven dates, each cell the segments of that local day in the display zone
    (`team`: the team's zone for everyone; `agent`: each agent's own). A shift is listed in the cell
    of the day it starts on; its part after midnight is drawn in the next cell.

    An agent far from the team's zone may start a shift of the team's week on a local day before or
    after it (a Manila Monday that starts on the team's Sunday evening): in `columns`, that day comes
    with `in_week` false, as the workbook names it, and its cells draw only shifts (blank for the
    others, not a day off). `days` stays the team's week.

    The roster is drawn as shown to the lead: a pinned shift where it was pinned (a moved one at its
    new time, with where it was), each shift with the conflicts of its agent-day (`conflicts`, e.g.
    with the availability stored now), and under the days, the agents working and their hours.
    """
    week = PlanningWeek(roster.first_day, team.tz, team.interval_minutes)
    original = {(s.agent_id, s.local_date): s for s in roster.shifts}
    pinned_keys = {(s.agent_id, s.local_date) for s in pinned}
    shown = roster_as_shown(roster, pinned)
    by_agent: dict[str, list[Shift]] = defaultdict(list)
    for s in shown.shifts:
        by_agent[s.agent_id].append(s)
    problems: dict[tuple[str, date | None], list[str]] = defaultdict(list)
    for c in conflicts:
        problems[(c.agent_id, c.local_date)].append(c.text)

    def display_tz(agent: Agent) -> str:
        return agent.tz if zone_mode == "agent" else team.tz

    agent_of = {a.id: a for a in team.agents}
    in_week = set(week.days)
    started_on = {
        s.start_utc.astimezone(zone(display_tz(agent_of[s.agent_id]))).date()
        for s in shown.shifts
        if s.agent_id in agent_of
    }
    days = sorted(in_week | started_on)
    headcount = dict.fromkeys(days, 0)
    day_hours = dict.fromkeys(days, 0.0)
    agents = []
    for agent in team.agents:
        display = display_tz(agent)
        tz, own = zone(display), zone(agent.tz)
        mine = sorted(by_agent.get(agent.id, []), key=lambda s: s.start_utc)
        around = (days[0] - timedelta(days=1), *days, days[-1] + timedelta(days=1))
        blocked = blocked_spans(agent, tuple(e for e in entries if e.agent_id == agent.id), around)
        cells = []
        for day in days:
            segments = _segments(blocked, day, tz, {}) if day in in_week else []
            shifts = []
            runs_on_until = None  # the end, on this day's clock, of a shift that started the day before
            for s in mine:
                parts = _segments(
                    shift_spans(s), day, tz, {"agent_id": s.agent_id, "local_date": s.local_date.isoformat()}
                )
                segments.extend(parts)
                if parts and s.start_utc.astimezone(tz).date() < day:
                    runs_on_until = _hhmm(s.end_utc, tz)
                if s.start_utc.astimezone(tz).date() == day:  # listed once, on the day it starts
                    key = (s.agent_id, s.local_date)
                    before = original.get(key)
                    moved = before if before is not None and before.start_utc != s.start_utc else None
                    shifts.append(_shift_cell(s, tz, own, key in pinned_keys, moved, problems.get(key, [])))
                    headcount[day] += 1
                    day_hours[day] += s.hours
            cells.append(
                {
                    "date": day.isoformat(),
                    "in_week": day in in_week,
                    "segments": segments,
                    "shifts": shifts,
                    "runs_on_until": runs_on_until,
                }
            )
        rules = team.shift_rules_of(agent)
        agents.append(
            {
                "id": agent.id,
                "name": agent.name,
                "tz": agent.tz,
                "display_tz": display,
                "hours": round(sum(s.hours for s in mine), 4),
                "start_step_minutes": rules.start_step_minutes,
                "conflicts": problems.get((agent.id, None), []),
                "cells": cells,
            }
        )
    return {
        "zone_mode": zone_mode,
        "team_tz": team.tz,
        "days": [d.isoformat() for d in week.days],
        "columns": [{"date": d.isoformat(), "in_week": d in in_week} for d in days],
        "day_totals": [
            {"date": d.isoformat(), "headcount": headcount[d], "hours": round(day_hours[d], 2)} for d in days
        ],
        "agents": agents,
        "conflicts": [
            {
                "agent_id": c.agent_id,
                "local_date": None if c.local_date is None else c.local_date.isoformat(),
                "rule": c.rule,
                "text": c.text,
            }
            for c in conflicts
        ],
    }


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(str(text).replace("Z", "+00:00"))


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if number != number else number  # NaN


def need_of(r: dict[str, Any]) -> float:
    """Agents the queue needs in the interval: the report's fractional `need` where it gives one, else
    its `required` (whole agents)."""
    value = _number(r.get("need", r.get("required")))
    return 0.0 if value is None else value


def on_queue_of(r: dict[str, Any]) -> float:
    """Agents on the queue in the interval, as the roster's report counts them: the report's
    `on_queue` (else `scheduled`) and, for an async queue, the time agents on a live queue give it
    between contacts (`blended`): an email queue served that way is not "below the need"."""
    value = _number(r.get("on_queue", r.get("scheduled")))
    blended = _number(r.get("blended"))
    return (0.0 if value is None else value) + (0.0 if blended is None else blended)


def short_of(r: dict[str, Any]) -> float:
    """Agents missing in the interval: the report's `shortfall` where it gives one, else the need the
    agents on the queue leave uncovered (computed here from the two)."""
    given = _number(r.get("shortfall"))
    return max(need_of(r) - on_queue_of(r), 0.0) if given is None else given


def _agents(x: float) -> str:
    """'1 agent', '2 agents', '0.4 agents' (fractional need shows its fraction)."""
    text = f"{x:.1f}".rstrip("0").rstrip(".")
    return f"{text} agent" + ("" if text == "1" else "s")


def daily_figures(rows: list[dict[str, Any]], week: PlanningWeek, target: float) -> list[dict[str, Any]]:
    """Per local day of the team: need, on-queue and shortfall agent-hours, and the expected service
    level weighted by forecast volume (None where the stored coverage has no volume or service level),
    against the queue's target."""
    tz = week.zone
    hours_per_interval = week.interval_minutes / 60
    sums: dict[date, dict[str, float]] = {
        d: dict.fromkeys(("weighted", "scored", "volume", "need", "on_queue", "short"), 0.0)
        for d in week.days
    }
    for r in rows:
        day = _instant(r["ds"]).astimezone(tz).date()
        if day not in sums:
            continue
        totals = sums[day]
        totals["need"] += need_of(r) * hours_per_interval
        totals["on_queue"] += on_queue_of(r) * hours_per_interval
        totals["short"] += short_of(r) * hours_per_interval
        level, volume = _number(r.get("service_level")), _number(r.get("volume"))
        if volume is not None and volume > 0:
            totals["volume"] += volume  # every contact of the day, whether or not its interval is scored
            if level is not None:
                totals["weighted"] += level * volume
                totals["scored"] += volume
    out = []
    for d, t in sums.items():
        level = None if t["scored"] == 0 else round(t["weighted"] / t["scored"], 6)
        out.append(
            {
                "date": d.isoformat(),
                "service_level": level,
                "below_target": level is not None and level < target,
                "volume": round(t["volume"], 3),
                "need_hours": round(t["need"], 2),
                "on_queue_hours": round(t["on_queue"], 2),
                "shortfall_hours": round(t["short"], 2),
            }
        )
    return out


def daily_service_level(rows: list[dict[str, Any]], week: PlanningWeek) -> list[dict[str, Any]]:
    """Expected service level per local day of the team, weighted by forecast volume."""
    return [
        {"date": d["date"], "service_level": d["service_level"], "volume": d["volume"]}
        for d in daily_figures(rows, week, 0.0)
    ]


def stretches_of_queue(
    stretches: Sequence[Mapping[str, Any]], queue: str, rows: list[dict[str, Any]], week: PlanningWeek
) -> list[dict[str, Any]]:
    """The stored stretches where service suffers on `queue` (the version's report:
    `scheduler.roster.report.short_stretches`), each with its team-local day, its length in hours,
    the agent-hours it falls short of the need (from `rows`) and its words."""
    tz = week.zone
    hours_per_interval = week.interval_minutes / 60
    out = []
    for s in sorted((s for s in stretches if s["queue"] == queue), key=lambda s: _instant(s["start_utc"])):
        start, end = _instant(s["start_utc"]), _instant(s["end_utc"])
        inside = [r for r in rows if start <= _instant(r["ds"]) < end]
        out.append(
            {
                "start_utc": _z(start),
                "end_utc": _z(end),
                "local_date": start.astimezone(tz).date().isoformat(),
                "hours": round((end - start).total_seconds() / 3600, 4),
                "shortfall_hours": round(sum(short_of(r) for r in inside) * hours_per_interval, 4),
                "text": str(s["words"]),
            }
        )
    return out


def hourly(rows: list[dict[str, Any]], week: PlanningWeek) -> dict[str, list[Any]]:
    """Need, on-queue agents and shortfall averaged over each elapsed hour of the week (a DST week has
    167 or 169 hours), for a chart that reads as hours rather than as a barcode of intervals."""
    buckets: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        buckets[int((_instant(r["ds"]) - week.start_utc).total_seconds() // 3600)].append(r)
    hours = sorted(buckets)
    tz = week.zone

    def mean(values: list[float]) -> float:
        return round(sum(values) / len(values), 3)

    return {
        "x_hours": hours,
        "local": [f"{(week.start_utc + timedelta(hours=h)).astimezone(tz):%a %d %b %H:00}" for h in hours],
        "need": [mean([need_of(r) for r in buckets[h]]) for h in hours],
        "on_queue": [mean([on_queue_of(r) for r in buckets[h]]) for h in hours],
        "short": [mean([short_of(r) for r in buckets[h]]) for h in hours],
    }


def coverage_view(
    team: Team, first_day: date, records: list[Any], stretches: Sequence[Mapping[str, Any]] | None
) -> dict[str, Any]:
    """Chart series per queue (x: hours since the week began), local-midnight ticks, the figures per
    day (need, on-queue and shortfall hours, expected service level), and the stretches where service
    suffers (`stretches`, the version's report; None for a version stored without them).

    Need, on-queue agents and shortfall are read from the stored report (`need_of`, `on_queue_of`,
    `short_of`), whichever of its columns it has.
    """
    week = PlanningWeek(first_day, team.tz, team.interval_minutes)
    tz = week.zone
    by_queue: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        by_queue[str(r["queue"])].append(dict(r))
    queues = []
    for queue in team.queues:
        rows = sorted(by_queue.get(queue.name, []), key=lambda r: _instant(r["ds"]))
        starts = [_instant(r["ds"]) for r in rows]
        days = daily_figures(rows, week, queue.service_level)
        queues.append(
            {
                "queue": queue.name,
                "channel": queue.channel,
                "target_service_level": queue.service_level,
                "x_hours": [round((t - week.start_utc).total_seconds() / 3600, 4) for t in starts],
                "local": [f"{t.astimezone(tz):%a %d %b %H:%M}" for t in starts],
                "required": [round(need_of(r), 3) for r in rows],
                "scheduled": [round(on_queue_of(r), 3) for r in rows],
                "short": [round(short_of(r), 3) for r in rows],
                "hourly": hourly(rows, week),
                "daily": days,
                "daily_service_level": [
                    {"date": d["date"], "service_level": d["service_level"], "volume": d["volume"]}
                    for d in days
                ],
                "shortfall_hours": round(sum(d["shortfall_hours"] for d in days), 2),
                "short_stretches": None
                if stretches is None
                else stretches_of_queue(stretches, queue.name, rows, week),
            }
        )
    ticks = [
        {
            "x_hours": round((local_day_start_utc(d, tz) - week.start_utc).total_seconds() / 3600, 4),
            "label": f"{d:%a %d %b}",
        }
        for d in (*week.days, week.days[-1] + timedelta(days=DAYS_PER_WEEK - 6))
    ]
    return {"team_tz": team.tz, "interval_minutes": week.interval_minutes, "ticks": ticks, "queues": queues}


def _state_at(shift_parts: list[Span], blocked: list[Span], start: datetime, end: datetime) -> str:
    """What an agent does in [start, end): a break, a queue, 'shift', time off, unavailable, or ''."""
    for span in shift_parts:
        if span.start_utc < end and start < span.end_utc and span.kind != "shift":
            return span.kind
    for span in shift_parts:
        if span.start_utc < end and start < span.end_utc:
            return "queue:" + span.note
    for span in blocked:
        if span.start_utc < end and start < span.end_utc:
            return span.kind
    return ""


# the words of a day the agent is away, on the Day view's row heading
AWAY_WORDS = {"absence": "off sick", "time_off": "time off", "unavailable": "unavailable"}


def away_words(blocked: list[Span], day_start: datetime, day_end: datetime, tz: ZoneInfo) -> list[str]:
    """The agent's stored time off, sick calls and unavailability that touch the local day
    [day_start, day_end), in words ("off sick", "off sick from 13:00", "time off until 09:00"); the
    hours outside an agent's usual available times are left out (every day has them)."""
    out: list[str] = []
    for span in sorted(blocked, key=lambda s: s.start_utc):
        if span.note == OUTSIDE_AVAILABLE or not (span.start_utc < day_end and day_start < span.end_utc):
            continue
        words = AWAY_WORDS.get(span.kind, span.kind)
        if span.start_utc > day_start:
            words += f" from {_hhmm(span.start_utc, tz)}"
        if span.end_utc < day_end:
            words += f" until {_hhmm(span.end_utc, tz)}"
        if words not in out:
            out.append(words)
    return out


def _work_spans(shift: Shift) -> list[Span]:
    """The shift's breaks, then its on-queue stretches (the queue in `note`)."""
    out = [Span(b.kind, b.start_utc, b.end_utc) for b in shift.breaks]
    out.extend(Span("shift", w.start_utc, w.end_utc, w.queue) for w in shift.queue_spans())
    return out


def day_view(
    team: Team,
    roster: Roster,
    entries: tuple[AvailabilityEntry, ...],
    records: list[Any],
    stretches: Sequence[Mapping[str, Any]] | None,
    day: date,
) -> dict[str, Any]:
    """One local day of the team: agents as rows (those at work in the order they start, then the
    others) and the day's intervals as columns (what each agent does in each), and per queue the net staffing on the same intervals: need, agents on the queue,
    the shortfall, whether service suffers there, and the day's stretches where it does in words
    (`stretches`, the version's report; None for a version stored without them).

    Raises:
        InvalidInput: `day` is not a day of the roster's week.
    """
    week = PlanningWeek(roster.first_day, team.tz, team.interval_minutes)
    if day not in week.days:
        raise InvalidInput(
            f"{day} is not a day of the week of {roster.first_day}; pick one from {week.days[0]} to {week.days[-1]}"
        )
    tz = week.zone
    day_start, day_end = day_bounds_utc(day, tz)
    step = timedelta(minutes=week.interval_minutes)
    starts = []
    t = day_start
    while t < day_end:
        starts.append(t)
        t += step
    agents = []
    for agent in team.agents:
        mine = [
            s
            for s in roster.shifts
            if s.agent_id == agent.id and s.start_utc < day_end and day_start < s.end_utc
        ]
        parts = [span for s in mine for span in _work_spans(s)]
        blocked = blocked_spans(
            agent, tuple(e for e in entries if e.agent_id == agent.id), (day - timedelta(days=1), day)
        )
        states = [_state_at(parts, blocked, t, t + step) for t in starts]
        # a shift over midnight with its weekdays: Saturday night's and Sunday night's on Sunday's row
        # read "Sat 18:30–Sun 02:30" and "Sun 18:30–Mon 02:30", not twice "18:30–02:30"
        labels = [f"{span_label(s.start_utc, s.end_utc, tz)} {s.queue}" for s in mine]
        first = min((s.start_utc for s in mine), default=None)
        away = away_words(blocked, day_start, day_end, tz)
        agents.append(
            {
                "id": agent.id,
                "name": agent.name,
                "states": states,
                "shifts": labels,
                "away": away,
                "first": first,
            }
        )
    # who is at work that day, in the order they start, then the others in the team's order
    agents.sort(key=lambda a: (a["first"] is None, a["first"] or day_start))
    for a in agents:
        del a["first"]
    by_start: dict[tuple[str, datetime], dict[str, Any]] = {
        (str(r["queue"]), _instant(r["ds"])): dict(r) for r in records
    }
    queues = []
    for queue in team.queues:
        rows = [by_start.get((queue.name, t)) for t in starts]
        present = [r for r in rows if r is not None]
        figures = next(
            d for d in daily_figures(present, week, queue.service_level) if d["date"] == day.isoformat()
        )
        today = [
            s
            for s in stretches_of_queue(stretches or (), queue.name, present, week)
            if _instant(s["start_utc"]) < day_end and day_start < _instant(s["end_utc"])
        ]
        queues.append(
            {
                "queue": queue.name,
                "need": [None if r is None else round(need_of(r), 3) for r in rows],
                "on_queue": [None if r is None else round(on_queue_of(r), 3) for r in rows],
                "short": [None if r is None else round(short_of(r), 3) for r in rows],
                "target_service_level": queue.service_level,
                **{
                    k: figures[k]
                    for k in (
                        "service_level",
                        "below_target",
                        "need_hours",
                        "on_queue_hours",
                        "shortfall_hours",
                    )
                },
                "suffers": [
                    any(_instant(s["start_utc"]) <= t < _instant(s["end_utc"]) for s in today) for t in starts
                ],
                "short_stretches": None if stretches is None else [s["text"] for s in today],
            }
        )
    return {
        "date": day.isoformat(),
        "team_tz": team.tz,
        "interval_minutes": week.interval_minutes,
        "intervals": [{"start_utc": _z(t), "label": _hhmm(t, tz)} for t in starts],
        "agents": agents,
        "queues": queues,
    }
