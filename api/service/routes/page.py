"""Routes made for the web page: a version laid out as the lead sees it (moves included, conflicts
with the availability stored now marked), the coverage chart and the day view."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BeforeValidator

from api.schemas import team_from_mapping
from api.service.codec import shift_from_dict
from api.service.db import RosterVersionRow
from api.service.deps import ReadTeam, SessionDep, VersionPath
from api.service.roster_checks import conflicts, roster_as_shown
from api.service.storage import availability_of, version_roster, version_row
from api.service.views import ZoneMode, coverage_view, day_view, roster_grid
from common.errors import InputIssue, InvalidInput
from scheduler import Roster, Shift, Team

router = APIRouter(tags=["web page"])
_PLAIN_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _plain_day(value: object) -> object:
    """A path's day as a day is written: pydantic would read `2026-11-02T00:00` (with an offset or
    not), or a number of seconds, as a day."""
    if isinstance(value, str) and not _PLAIN_DAY.fullmatch(value):
        issue = InputIssue(
            "must be a day written YYYY-MM-DD, e.g. 2026-11-02 (no time, no other form)",
            column="path.day",
            value=value,
        )
        raise InvalidInput([issue])  # not a ValueError: pydantic lets it through, to the usual 422
    return value


DayPath = Annotated[
    date, BeforeValidator(_plain_day), Path(description="a local day of the team's zone, YYYY-MM-DD")
]


def _short_stretches(row: RosterVersionRow) -> list[Any] | None:
    """The stretches where service suffers, as the version's report found them (its stored lead's
    report, else its summary); None for a version stored before they were measured."""
    if row.report.get("short_stretches") is not None:
        return list(row.report["short_stretches"])
    short = row.summary.get("short")
    return None if short is None else list(short)


def _shown(row: RosterVersionRow) -> tuple[Team, Roster, tuple[Shift, ...]]:
    """The version's team, its roster as solved, and its pinned shifts (moved ones at their new time)."""
    team = team_from_mapping(row.team_snapshot)
    return team, version_roster(row, team.name), tuple(shift_from_dict(p) for p in row.pins)


@router.get("/teams/{team_id}/rosters/{number}/grid")
def get_grid(
    team: ReadTeam,
    number: VersionPath,
    session: SessionDep,
    zone: Annotated[ZoneMode, Query(description="times in the team's zone, or in each agent's own")] = "team",
) -> dict[str, Any]:
    """The roster as agents × days for the web page: shifts (pinned ones where they were pinned),
    breaks, time off and unavailability (as stored now) as segments of each local day (fractions of
    the day, DST days included) in the chosen zone; each conflict between a shift and the availability
    or the hard rules as they are stored now; agents working and hours per day."""
    row = version_row(session, team.id, number)
    snapshot, roster, pinned = _shown(row)
    entries = availability_of(session, team.id)
    found = conflicts(snapshot, roster_as_shown(roster, pinned), entries)
    return {
        "number": number,
        "published": row.published_at is not None,
        **roster_grid(snapshot, roster, entries, zone, pinned, found),
    }


@router.get("/teams/{team_id}/rosters/{number}/coverage/chart")
def get_coverage_chart(team: ReadTeam, number: VersionPath, session: SessionDep) -> dict[str, Any]:
    """Coverage for a chart: per queue, need and agents on the queue per interval and per hour on an
    elapsed-hours axis with the team's local midnights as ticks; per day need, on-queue and shortfall
    hours and the expected service level against the queue's target; the stretches where service
    suffers, as the version's report found them."""
    row = version_row(session, team.id, number)
    return {
        "number": number,
        **coverage_view(
            team_from_mapping(row.team_snapshot), row.first_day, row.coverage, _short_stretches(row)
        ),
    }


@router.get("/teams/{team_id}/rosters/{number}/day/{day}")
def get_day(team: ReadTeam, number: VersionPath, day: DayPath, session: SessionDep) -> dict[str, Any]:
    """One local day of the team's zone: each agent's activity per interval (the roster as shown) and,
    on the same intervals, each queue's need, agents on it and shortfall, and where service suffers
    (from the version's report)."""
    row = version_row(session, team.id, number)
    snapshot, roster, pinned = _shown(row)
    entries = availability_of(session, team.id)
    return {
        "number": number,
        "moved_shifts": sum(1 for p in pinned if p not in roster.shifts),
        **day_view(
            snapshot, roster_as_shown(roster, pinned), entries, row.coverage, _short_stretches(row), day
        ),
    }
