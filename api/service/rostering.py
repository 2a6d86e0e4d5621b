"""The roster problem of a job, pinned shifts, and the comparison of two roster versions."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import pandas as pd

from api.schemas import team_from_mapping
from api.service.codec import availability_entries, roster_from_dicts
from scheduler.domain import AvailabilityEntry, Roster, Shift
from scheduler.problem import Problem, requirements_to_arrays
from scheduler.timegrid import MINUTES_PER_DAY, PlanningWeek, zone

DAYS_PER_WEEK = 7


def build_problem(params: dict[str, Any], requirements: pd.DataFrame) -> Problem:
    """The roster problem a job's parameters describe (team and availability as they were at submission).

    Raises:
        InvalidInput: the team, the week or the requirements do not fit together.
    """
    team = team_from_mapping(params["team"])
    first_day = date.fromisoformat(params["first_day"])
    week = PlanningWeek(first_day, team.tz, team.interval_minutes)
    required = requirements_to_arrays(requirements, team, week)
    previous = None
    if params.get("previous_shifts"):
        known = {a.id for a in team.agents}
        kept = [s for s in params["previous_shifts"] if s["agent_id"] in known]
        previous = roster_from_dicts(team.name, first_day - timedelta(days=DAYS_PER_WEEK), kept)
    return Problem(team, week, required, availability_entries(params["availability"]), previous=previous)


def pinned_shifts(params: dict[str, Any]) -> tuple[Shift, ...]:
    """The shifts a job must keep."""
    return roster_from_dicts("", date.min, params.get("pins", [])).shifts


def _local_span(p: Problem, s: Shift) -> tuple[int, int]:
    tz = zone(p.team.agent(s.agent_id).tz)
    start, end = s.start_utc.astimezone(tz), s.end_utc.astimezone(tz)
    end_minute = MINUTES_PER_DAY if end.date() != s.local_date else end.hour * 60 + end.minute
    return start.hour * 60 + start.minute, max(end_minute, start.hour * 60 + start.minute + 1)


def with_pin_guidance(p: Problem, pins: tuple[Shift, ...]) -> Problem:
    """The problem with each pinned agent-day narrowed to the pinned span and that span preferred.

    The roster engine has no pins of its own, so this steers it towards shifts that the pinned
    ones can replace; `apply_pins` then puts the pinned shifts in and the checker has the last word.
    """
    if not pins:
        return p
    days = {(s.agent_id, s.local_date) for s in pins}
    kept = tuple(e for e in p.availability if not (e.kind == "available" and (e.agent_id, e.on_date) in days))
    extra: list[AvailabilityEntry] = []
    for s in pins:
        start, end = _local_span(p, s)
        extra.append(
            AvailabilityEntry(s.agent_id, "available", start, end, on_date=s.local_date, note="pinned")
        )
        extra.append(
            AvailabilityEntry(s.agent_id, "preferred", start, end, on_date=s.local_date, note="pinned")
        )
    return dataclasses.replace(p, availability=kept + tuple(extra))


def apply_pins(roster: Roster, pins: tuple[Shift, ...]) -> Roster:
    """The roster with every pinned shift in place of whatever the solver chose for that agent and day."""
    if not pins:
        return roster
    days = {(s.agent_id, s.local_date) for s in pins}
    shifts = [s for s in roster.shifts if (s.agent_id, s.local_date) not in days] + list(pins)
    return Roster(
        roster.team, roster.first_day, tuple(sorted(shifts, key=lambda s: (s.agent_id, s.start_utc)))
    )


def _key(s: dict[str, Any]) -> tuple[str, str]:
    return s["agent_id"], s["local_date"]


def compare_shifts(base: list[Any], other: list[Any]) -> dict[str, Any]:
    """What changed from `base` to `other`: shifts added, removed and changed, and hours per agent."""
    a = {_key(s): s for s in base}
    b = {_key(s): s for s in other}

    def brief(s: dict[str, Any]) -> dict[str, Any]:
        return {k: s[k] for k in ("agent_id", "local_date", "start_utc", "end_utc", "queue")}

    changed = [
        {"before": brief(a[k]), "after": brief(b[k])}
        for k in sorted(a.keys() & b.keys())
        if brief(a[k]) != brief(b[k])
    ]
    hours: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for i, shifts in enumerate((base, other)):
        for s in roster_from_dicts("", date.min, shifts).shifts:
            hours[s.agent_id][i] += s.hours
    return {
        "added": [brief(b[k]) for k in sorted(b.keys() - a.keys())],
        "removed": [brief(a[k]) for k in sorted(a.keys() - b.keys())],
        "changed": changed,
        "unchanged": sum(1 for k in a.keys() & b.keys() if brief(a[k]) == brief(b[k])),
        "hours_by_agent": {
            agent: {"base": round(h[0], 4), "other": round(h[1], 4)} for agent, h in sorted(hours.items())
        },
    }
