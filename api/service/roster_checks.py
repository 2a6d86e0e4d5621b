"""A roster version checked against what is stored now: the shifts as shown (moves included), the
conflicts with today's availability, and whether a shift moved by hand keeps the hard rules.

Both use the engine's independent checker (`check_roster`) on a problem with no requirement: the
hard rules of a roster do not depend on the demand.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from common.timegrid import PlanningWeek
from scheduler import AvailabilityEntry, Problem, Roster, Shift, Team, Violation, check_roster


@dataclass(frozen=True)
class Conflict:
    """A hard rule a shown roster breaks, in a lead's words."""

    agent_id: str
    local_date: date | None
    rule: str
    text: str


def roster_as_shown(roster: Roster, pinned: tuple[Shift, ...]) -> Roster:
    """The roster with each pinned shift where the lead put it (a moved pin replaces its agent-day)."""
    by_key = {(s.agent_id, s.local_date): s for s in pinned}
    kept = tuple(by_key.pop((s.agent_id, s.local_date), s) for s in roster.shifts)
    return replace(roster, shifts=kept)


def _rules_only(team: Team, shown: Roster, entries: tuple[AvailabilityEntry, ...]) -> Problem:
    """The week's problem with no requirement: what the checker needs for the hard rules. The shown
    roster is taken as the one in force and every shift of it as worked, so that a shift a sick call
    ended (a re-roster cut it) keeps its length and its day is paid as a sick day, as the engine that
    made it counted them; what that lock alone forbids is left out (`_LOCK_ONLY`)."""
    week = PlanningWeek(shown.first_day, team.tz, team.interval_minutes)
    zeros = {q.name: np.zeros(week.grid.n_intervals) for q in team.queues}
    return Problem(team, week, zeros, entries, published=shown, locked_before_utc=week.grid.end_utc)


_LOCK_ONLY = "locked"  # the checker's rule for a past changed: not a conflict of the roster shown


def _words(team: Team, v: Violation) -> Conflict:
    name = next((a.name for a in team.agents if a.id == v.agent_id), v.agent_id)
    day = "" if v.local_date is None else f", {v.local_date:%a %d %b}"
    return Conflict(v.agent_id, v.local_date, v.rule, f"{name}{day}: {v.message}")


def conflicts(team: Team, roster: Roster, entries: tuple[AvailabilityEntry, ...]) -> list[Conflict]:
    """Every hard rule the roster breaks against `entries` (the availability stored now)."""
    return [
        _words(team, v)
        for v in check_roster(_rules_only(team, roster, entries), roster.shifts)
        if v.rule != _LOCK_ONLY
    ]


def move_conflicts(
    team: Team, roster: Roster, moved: Shift, entries: tuple[AvailabilityEntry, ...]
) -> list[Conflict]:
    """The hard rules the agent breaks once `moved` replaces its shift of that day, and did not before
    (a conflict the week already had is not the move's doing)."""
    problem = _rules_only(team, roster, entries)
    before = {str(v) for v in check_roster(problem, roster.shifts) if v.agent_id == moved.agent_id}
    after = roster_as_shown(roster, (moved,))
    return [
        _words(team, v)
        for v in check_roster(problem, after.shifts)
        if v.agent_id == moved.agent_id and str(v) not in before and v.rule != _LOCK_ONLY
    ]
