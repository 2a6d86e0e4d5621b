"""What the web page draws, computed here so that zones and DST are handled by zoneinfo and tested.

`roster_grid` lays a roster out as agents × days in a chosen zone (the team's, or each agent's
own): every shift, break and stretch of unavailability as a segment of its day cell, given as
fractions of that local day (a 23- or 25-hour day included). `coverage_view` turns a version's
stored coverage into chart series on an elapsed-hours axis with the local midnights as ticks (so a
DST week neither repeats nor skips an hour), the expected service level per local day, and the
understaffed stretches in words.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from common.timegrid import PlanningWeek, local_day_start_utc, zone
from scheduler import Agent, AvailabilityEntry, Roster, Shift, Team, agent_calendar, entry_span_utc

ZoneMode = Literal["team", "agent"]
BLOCKED_KINDS = ("unavailable", "time_off")
DAYS_PER_WEEK = 7


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
    (from the same calendar the roster engine uses)."""
    calendar = agent_calendar(agent, entries, tuple(days))
    out: list[Span] = []
    for day in days:
        for e in entries:
            if e.kind in BLOCKED_KINDS and e.applies_to(day):
                start, end = entry_span_utc(e, day, agent.tz)
                out.append(Span(e.kind, start, end, e.note))
    for day_start, day_end, windows in calendar.windows:
        cursor = day_start
        for lo, hi in sorted(windows):
            if lo > cursor:
                out.append(Span("unavailable", cursor, lo, "outside available times"))
            cursor = max(cursor, hi)
        if cursor < day_end:
            out.append(Span("unavailable", cursor, day_end, "outside available times"))
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


def _shift_cell(shift: Shift, tz: ZoneInfo, pinned: bool) -> dict[str, Any]:
    return {
        "agent_id": shift.agent_id,
        "local_date": shift.local_date.isoformat(),
        "queue": shift.queue,
        "pinned": pinned,
        "label": f"{_hhmm(shift.start_utc, tz)}–{_hhmm(shift.end_utc, tz)}",
        "hours": round(shift.hours, 4),
    }


def roster_grid(
    team: Team,
    roster: Roster,
    entries: tuple[AvailabilityEntry, ...],
    zone_mode: ZoneMode,
    pins: Iterable[tuple[str, date]] = (),
) -> dict[str, Any]:
    """Agents × the week's seven dates, each cell the segments of that local day in the display zone
    (`team`: the team's zone for everyone; `agent`: each agent's own). A shift is listed in the cell
    of the day it starts on; its part after midnight is drawn in the next cell."""
    week = PlanningWeek(roster.first_day, team.tz, team.interval_minutes)
    pinned = set(pins)
    by_agent: dict[str, list[Shift]] = defaultdict(list)
    for s in roster.shifts:
        by_agent[s.agent_id].append(s)
    agents = []
    for agent in team.agents:
        display = agent.tz if zone_mode == "agent" else team.tz
        tz = zone(display)
        mine = sorted(by_agent.get(agent.id, []), key=lambda s: s.start_utc)
        around = (week.days[0] - timedelta(days=1), *week.days, week.days[-1] + timedelta(days=1))
        blocked = blocked_spans(agent, tuple(e for e in entries if e.agent_id == agent.id), around)
        cells = []
        for day in week.days:
            segments = _segments(blocked, day, tz, {})
            shifts = []
            for s in mine:
                parts = _segments(
                    shift_spans(s), day, tz, {"agent_id": s.agent_id, "local_date": s.local_date.isoformat()}
                )
                segments.extend(parts)
                if s.start_utc.astimezone(tz).date() == day:  # listed once, on the day it starts
                    shifts.append(_shift_cell(s, tz, (s.agent_id, s.local_date) in pinned))
            cells.append({"date": day.isoformat(), "segments": segments, "shifts": shifts})
        agents.append(
            {
                "id": agent.id,
                "name": agent.name,
                "tz": agent.tz,
                "display_tz": display,
                "hours": round(sum(s.hours for s in mine), 4),
                "cells": cells,
            }
        )
    return {
        "zone_mode": zone_mode,
        "team_tz": team.tz,
        "days": [d.isoformat() for d in week.days],
        "agents": agents,
    }


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(str(text).replace("Z", "+00:00"))


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if number != number else number  # NaN


def daily_service_level(rows: list[dict[str, Any]], week: PlanningWeek) -> list[dict[str, Any]]:
    """Expected service level per local day of the team, weighted by forecast volume (None where the
    stored coverage has no volume or no service level)."""
    tz = week.zone
    totals: dict[date, list[float]] = {d: [0.0, 0.0] for d in week.days}
    for r in rows:
        level, volume = _number(r.get("service_level")), _number(r.get("volume"))
        if level is None or volume is None or volume <= 0:
            continue
        day = _instant(r["ds"]).astimezone(tz).date()
        if day in totals:
            totals[day][0] += level * volume
            totals[day][1] += volume
    return [
        {"date": d.isoformat(), "service_level": None if w == 0 else round(s / w, 6), "volume": round(w, 3)}
        for d, (s, w) in totals.items()
    ]


def understaffed_stretches(rows: list[dict[str, Any]], week: PlanningWeek) -> list[dict[str, Any]]:
    """Consecutive understaffed intervals of one queue, in the team's zone and in words."""
    tz = week.zone
    step = timedelta(minutes=week.interval_minutes)
    out: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for r in sorted(rows, key=lambda r: _instant(r["ds"])):
        short = int(r.get("short") or 0)
        start = _instant(r["ds"])
        if short <= 0:
            continue
        if current is not None and current["_end"] == start:
            current["_end"] = start + step
            current["max_short"] = max(current["max_short"], short)
            current["short_agent_intervals"] += short
            continue
        current = {"_start": start, "_end": start + step, "max_short": short, "short_agent_intervals": short}
        out.append(current)
    hours_per_interval = week.interval_minutes / 60
    for s in out:
        start, end = s.pop("_start"), s.pop("_end")
        s["start_utc"] = start.isoformat().replace("+00:00", "Z")
        s["end_utc"] = end.isoformat().replace("+00:00", "Z")
        s["short_agent_hours"] = round(s.pop("short_agent_intervals") * hours_per_interval, 4)
        s["local_date"] = start.astimezone(tz).date().isoformat()
        s["text"] = (
            f"{start.astimezone(tz):%a %d %b %H:%M}–{end.astimezone(tz):%H:%M}: "
            f"up to {s['max_short']} agent{'s' if s['max_short'] > 1 else ''} short"
        )
    return out


def coverage_view(team: Team, first_day: date, records: list[Any]) -> dict[str, Any]:
    """Chart series per queue (x: hours since the week began), local-midnight ticks, the expected service
    level per day, and the understaffed stretches."""
    week = PlanningWeek(first_day, team.tz, team.interval_minutes)
    tz = week.zone
    by_queue: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        by_queue[str(r["queue"])].append(dict(r))
    queues = []
    for queue in team.queues:
        rows = sorted(by_queue.get(queue.name, []), key=lambda r: _instant(r["ds"]))
        starts = [_instant(r["ds"]) for r in rows]
        queues.append(
            {
                "queue": queue.name,
                "x_hours": [round((t - week.start_utc).total_seconds() / 3600, 4) for t in starts],
                "local": [f"{t.astimezone(tz):%a %d %b %H:%M}" for t in starts],
                "required": [int(r["required"]) for r in rows],
                "scheduled": [int(r["scheduled"]) for r in rows],
                "short": [int(r.get("short") or 0) for r in rows],
                "daily_service_level": daily_service_level(rows, week),
                "understaffed": understaffed_stretches(rows, week),
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
