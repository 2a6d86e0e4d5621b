"""Roster versions: read, pin shifts, compare, publish, and export (CSV, XLSX, iCalendar)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from api.exports import agent_ics_bytes, roster_csv_bytes, roster_xlsx_bytes
from api.formats import roster_rows
from api.schemas import team_from_mapping
from api.service.codec import coverage_from_records, roster_from_dicts, shift_from_dict, shift_to_dict
from api.service.db import RosterVersionRow, as_utc, utcnow
from api.service.deps import PrincipalDep, SessionDep
from api.service.errors import NotFound
from api.service.roster_checks import move_conflicts
from api.service.rostering import compare_rosters, moved_shift
from api.service.routes.teams import visible_team
from api.service.schemas import Comparison, PinsIn, VersionDetail, VersionOut
from api.service.storage import availability_of, publish_version, version_row, versions_of
from common.errors import InputIssue, InvalidInput
from scheduler import Roster, Team

router = APIRouter(tags=["rosters"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def version_out(row: RosterVersionRow) -> VersionOut:
    """A roster version's headline (no rows)."""
    return VersionOut(
        number=row.number,
        first_day=row.first_day,
        job_id=row.job_id,
        based_on=row.based_on,
        status=row.status,
        objective=row.objective,
        bound=row.bound,
        elapsed_s=row.elapsed_s,
        published=row.published_at is not None,
        published_at=as_utc(row.published_at),
        created_at=as_utc(row.created_at) or utcnow(),
        summary=dict(row.summary),
        penalties=dict(row.penalties),
        pins=list(row.pins),
        changes=list(row.changes or []),
    )


def _team_and_roster(row: RosterVersionRow) -> tuple[Team, Roster]:
    team = team_from_mapping(row.team_snapshot)
    return team, roster_from_dicts(team.name, row.first_day, row.shifts)


def _download(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@router.get("/teams/{team_id}/rosters")
def list_versions(team_id: str, session: SessionDep, principal: PrincipalDep) -> list[VersionOut]:
    """The team's roster versions, newest first."""
    visible_team(session, principal, team_id, "read")
    return [version_out(v) for v in versions_of(session, team_id)]


@router.get("/teams/{team_id}/rosters/{number}")
def get_version(team_id: str, number: int, session: SessionDep, principal: PrincipalDep) -> VersionDetail:
    """A roster version with its rows (the roster contract, times in each agent's zone and UTC)."""
    visible_team(session, principal, team_id, "read")
    row = version_row(session, team_id, number)
    team, roster = _team_and_roster(row)
    rows = [{str(k): v for k, v in r.items()} for r in roster_rows(roster, team).to_dict("records")]
    return VersionDetail(**version_out(row).model_dump(), rows=rows)


@router.get("/teams/{team_id}/rosters/{number}/coverage")
def get_coverage(
    team_id: str, number: int, session: SessionDep, principal: PrincipalDep
) -> list[dict[str, Any]]:
    """Required against scheduled agents per queue and UTC interval."""
    visible_team(session, principal, team_id, "read")
    return list(version_row(session, team_id, number).coverage)


@router.put(
    "/teams/{team_id}/rosters/{number}/pins", responses={422: {"description": "a move breaks a rule"}}
)
def put_pins(
    team_id: str, number: int, body: PinsIn, session: SessionDep, principal: PrincipalDep
) -> VersionOut:
    """Pin shifts of this version: a re-roster (POST roster-jobs with base_version) keeps them.

    A pin without `start` keeps the shift where it is now (where an earlier pin moved it, if one did);
    a pin with `start` moves it, and is refused if the move breaks a hard rule against the availability
    stored now (e.g. into the agent's time off), with the rule in words.
    """
    visible_team(session, principal, team_id, "roster")
    row = version_row(session, team_id, number)
    by_key = {(s["agent_id"], s["local_date"]): s for s in row.shifts}
    pinned_now = {(p["agent_id"], p["local_date"]): p for p in row.pins}
    missing = [p for p in body.pins if (p.agent_id, p.local_date.isoformat()) not in by_key]
    if missing:
        raise InvalidInput(
            [
                InputIssue(
                    f"version {number} has no shift of this agent on {p.local_date}",
                    column=f"pins.{body.pins.index(p)}",
                    value=p.agent_id,
                )
                for p in missing
            ]
        )
    team, roster = _team_and_roster(row)
    entries = availability_of(session, team_id)
    pins: list[dict[str, Any]] = []
    issues: list[InputIssue] = []
    for i, pin in enumerate(body.pins):
        key = (pin.agent_id, pin.local_date.isoformat())
        if pin.start is None:
            pins.append(pinned_now.get(key, by_key[key]))
            continue
        try:
            moved = moved_shift(shift_from_dict(by_key[key]), team.agent(pin.agent_id).tz, pin.start)
        except InvalidInput as exc:
            raise InvalidInput([InputIssue(str(exc), column=f"pins.{i}.start", value=pin.start)]) from exc
        issues.extend(
            InputIssue(
                f"moving the shift to {pin.start} breaks a rule: {c.text}",
                column=f"pins.{i}.start",
                value=pin.start,
            )
            for c in move_conflicts(team, roster, moved, entries)
        )
        pins.append(shift_to_dict(moved))
    if issues:
        raise InvalidInput(issues)
    row.pins = pins
    session.commit()
    return version_out(row)


@router.post("/teams/{team_id}/rosters/{number}/publish")
def post_publish(team_id: str, number: int, session: SessionDep, principal: PrincipalDep) -> VersionOut:
    """Publish this version (the team's other version of the same week, if published, is withdrawn)."""
    visible_team(session, principal, team_id, "publish")
    row = version_row(session, team_id, number)
    publish_version(session, row, principal.token_id)
    session.commit()
    return version_out(row)


@router.get("/teams/{team_id}/rosters/{number}/compare/{other}")
def compare(
    team_id: str, number: int, other: int, session: SessionDep, principal: PrincipalDep
) -> Comparison:
    """Two versions side by side: the agent-days whose shift was added, removed or moved (each also as a
    lead's sentence), hours per agent, headline figures."""
    visible_team(session, principal, team_id, "read")
    a, b = version_row(session, team_id, number), version_row(session, team_id, other)
    keys = (
        "covered_share",
        "understaffed_agent_hours",
        "overstaffed_agent_hours",
        "scheduled_hours",
        "shifts",
    )
    summary = {
        str(v.number): {"objective": v.objective, **{k: v.summary.get(k) for k in keys}} for v in (a, b)
    }
    (team_a, roster_a), (team_b, roster_b) = _team_and_roster(a), _team_and_roster(b)
    return Comparison(
        base=number, other=other, summary=summary, **compare_rosters(roster_a, roster_b, team_b, team_a)
    )


@router.get("/teams/{team_id}/rosters/{number}/roster.csv", responses={200: {"content": {"text/csv": {}}}})
def export_csv(team_id: str, number: int, session: SessionDep, principal: PrincipalDep) -> Response:
    """The roster contract CSV."""
    visible_team(session, principal, team_id, "read")
    team, roster = _team_and_roster(version_row(session, team_id, number))
    return _download(roster_csv_bytes(roster, team), "text/csv", f"{team_id}-v{number}.csv")


@router.get("/teams/{team_id}/rosters/{number}/roster.xlsx", responses={200: {"content": {XLSX: {}}}})
def export_xlsx(team_id: str, number: int, session: SessionDep, principal: PrincipalDep) -> Response:
    """A workbook: agents × days in each agent's local time, a coverage sheet and the shift rows."""
    visible_team(session, principal, team_id, "read")
    row = version_row(session, team_id, number)
    team, roster = _team_and_roster(row)
    content = roster_xlsx_bytes(team, roster, coverage_from_records(row.coverage))
    return _download(content, XLSX, f"{team_id}-v{number}.xlsx")


@router.get(
    "/teams/{team_id}/rosters/{number}/calendars/{agent_id}.ics",
    responses={200: {"content": {"text/calendar": {}}}},
)
def export_ics(
    team_id: str, number: int, agent_id: str, session: SessionDep, principal: PrincipalDep
) -> Response:
    """One agent's shifts as an iCalendar file, times in the agent's zone."""
    visible_team(session, principal, team_id, "read")
    team, roster = _team_and_roster(version_row(session, team_id, number))
    if agent_id not in {a.id for a in team.agents}:
        raise NotFound(f"agent {agent_id!r} not found in roster version {number}")
    return _download(
        agent_ics_bytes(roster, team, agent_id), "text/calendar", f"{team_id}-v{number}-{agent_id}.ics"
    )
