"""The roster problem of a job (pins, re-rostering against a base version) and what changed between rosters."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pandas as pd

from api.schemas import team_from_mapping
from api.service.codec import availability_entries, roster_from_dicts
from api.service.params import RosterJobParams
from api.service.roster_checks import roster_as_shown
from common.errors import InvalidInput
from common.timegrid import DAYS_PER_WEEK, PlanningWeek, clock_to_minute, wall_to_utc, zone
from scheduler import (
    Change,
    Problem,
    Roster,
    Shift,
    Team,
    WorkChange,
    planning_week,
    problem_from_requirements,
    repair_only,
    roster_changes,
    work_changes,
)


def build_problem(params: RosterJobParams, requirements: pd.DataFrame, source: str | None = None) -> Problem:
    """The roster problem a job's parameters describe (team and availability as they were at submission).

    A re-roster (`base_shifts` set) treats the base version as the roster in force: its pinned
    shifts are kept, shifts starting before `locked_before_utc` stay as they are, each later
    change costs `Weights.change_per_shift`, an agent absent this week works none of its days
    off unless `absent_may_work_days_off`, and only the agents whose base week breaks a rule now are
    re-rostered unless `reoptimize` (`repair_only`). The async contacts of the requirements' rows before the
    week (`lead_in`) are carried into it, as `wfm roster` carries them.

    Raises:
        InvalidInput: the team, the week or the requirements do not fit together.
    """
    team = team_from_mapping(params.team)
    week = planning_week(team, params.first_day)
    previous = None
    if params.previous_shifts:
        known = {a.id for a in team.agents}
        kept = [s for s in params.previous_shifts if s["agent_id"] in known]
        previous = roster_from_dicts(team.name, params.first_day - timedelta(days=DAYS_PER_WEEK), kept)
    problem = replace(
        problem_from_requirements(
            team, week, requirements, availability_entries(params.availability), source=source
        ),
        previous=previous,
        pinned=pinned_shifts(params),
        published=base_roster(params),
        locked_before_utc=params.locked_before_utc,
        absent_may_work_days_off=params.absent_may_work_days_off,
    )
    return problem if params.reoptimize else repair_only(problem)


def requested_week(team: Team, first_day: date, field: str = "week") -> PlanningWeek:
    """The team's planning week from a request's `field` (`planning_week`: its years, its weekday),
    checked before anything counts days from it; a refusal names the field and its value.

    Raises:
        InvalidInput: the day is not a week the team can plan.
    """
    try:
        return planning_week(team, first_day)
    except InvalidInput as exc:
        raise InvalidInput(
            [replace(i, column=field, value=first_day.isoformat()) for i in exc.issues]
        ) from exc


def base_roster(params: RosterJobParams) -> Roster | None:
    """The version a re-roster starts from, as shown (a shift the lead moved is where it was moved to:
    the roster in force, which a shift already worked was worked as), or None for a fresh roster."""
    if params.base_shifts is None:
        return None
    roster = roster_from_dicts(str(params.team["name"]), params.first_day, params.base_shifts)
    shown = roster_as_shown(roster, pinned_shifts(params))
    return replace(roster, shifts=shown.shifts, absent=frozenset(params.base_absent))


def pinned_shifts(params: RosterJobParams) -> tuple[Shift, ...]:
    """The shifts a job must keep."""
    return roster_from_dicts("", date.min, params.pins).shifts


def moved_shift(shift: Shift, agent_tz: str, start_hhmm: str) -> Shift:
    """`shift` moved to start at local `start_hhmm` on its local day, its breaks and queue stretches
    moved by the same elapsed time.

    Raises:
        InvalidInput: that wall time does not exist in the agent's zone (a DST jump skips it).
    """
    start = wall_to_utc(shift.local_date, clock_to_minute(start_hhmm), zone(agent_tz))
    if start is None:
        raise InvalidInput(
            f"{start_hhmm} does not exist on {shift.local_date} in {agent_tz} (the clocks jump past it)"
        )
    delta = start - shift.start_utc
    return replace(
        shift,
        start_utc=shift.start_utc + delta,
        end_utc=shift.end_utc + delta,
        breaks=tuple(
            replace(b, start_utc=b.start_utc + delta, end_utc=b.end_utc + delta) for b in shift.breaks
        ),
        work=tuple(replace(w, start_utc=w.start_utc + delta, end_utc=w.end_utc + delta) for w in shift.work),
    )


def _brief(s: Shift) -> dict[str, Any]:
    return {
        "agent_id": s.agent_id,
        "local_date": s.local_date.isoformat(),
        "start_utc": s.start_utc.isoformat().replace("+00:00", "Z"),
        "end_utc": s.end_utc.isoformat().replace("+00:00", "Z"),
        "queue": s.queue,
    }


def describe(change: Change | WorkChange, teams: tuple[Team, ...]) -> str:
    """A lead's sentence for a change, from the first team that still knows the agent."""
    for team in teams:
        try:
            return change.describe(team)
        except InvalidInput:
            continue
    day = change.local_date if isinstance(change, Change) else change.before.local_date
    agent = change.agent_id if isinstance(change, Change) else change.before.agent_id
    return f"{agent}, {day:%a %d %b}: changed"


def change_dicts(before: Roster, after: Roster, *teams: Team) -> list[dict[str, Any]]:
    """What changed from `before` to `after`, an agent-day a mapping: the shift before and after (None:
    off) and a sentence. `kind` is "added", "removed" or "moved" (`roster_changes`), or "requeued" for
    a shift that keeps its hours but not its queues or breaks (`work_changes`)."""
    out = [
        {
            "agent_id": c.agent_id,
            "local_date": c.local_date.isoformat(),
            "kind": "added" if c.before is None else "removed" if c.after is None else "moved",
            "before": None if c.before is None else _brief(c.before),
            "after": None if c.after is None else _brief(c.after),
            "description": describe(c, teams),
        }
        for c in roster_changes(before, after)
    ]
    out += [
        {
            "agent_id": w.before.agent_id,
            "local_date": w.before.local_date.isoformat(),
            "kind": "requeued",
            "before": _brief(w.before),
            "after": _brief(w.after),
            "description": describe(w, teams),
        }
        for w in work_changes(before, after)
    ]
    return sorted(out, key=lambda c: (c["agent_id"], c["local_date"]))


def compare_rosters(before: Roster, after: Roster, *teams: Team) -> dict[str, Any]:
    """What changed from `before` to `after` (`change_dicts`): shifts added, removed, moved, shifts
    that keep their hours on other queues or breaks, and hours per agent."""
    as_dicts = change_dicts(before, after, *teams)
    hours: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for i, roster in enumerate((before, after)):
        for s in roster.shifts:
            hours[s.agent_id][i] += s.hours
    common = {(s.agent_id, s.local_date) for s in before.shifts} & {
        (s.agent_id, s.local_date) for s in after.shifts
    }
    changed_days = sum(1 for c in as_dicts if c["kind"] in ("moved", "requeued"))
    return {
        "added": [c["after"] for c in as_dicts if c["kind"] == "added"],
        "removed": [c["before"] for c in as_dicts if c["kind"] == "removed"],
        "changed": [{"before": c["before"], "after": c["after"]} for c in as_dicts if c["kind"] == "moved"],
        "requeued": [
            {"before": c["before"], "after": c["after"]} for c in as_dicts if c["kind"] == "requeued"
        ],
        "unchanged": len(common) - changed_days,
        "changes": [c["description"] for c in as_dicts],
        "hours_by_agent": {
            agent: {"base": round(h[0], 4), "other": round(h[1], 4)} for agent, h in sorted(hours.items())
        },
    }
