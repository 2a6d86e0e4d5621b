"""Roster versions: read, pin shifts, compare, publish, and export (CSV, XLSX, iCalendar)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.exports import (
    XLSX_MEDIA_TYPE,
    agent_ics_bytes,
    calendar_files,
    roster_csv_bytes,
    roster_xlsx_bytes,
    zip_bytes,
)
from api.formats import roster_contract_rows
from api.schemas import team_from_mapping
from api.service.codec import (
    availability_entries,
    coverage_from_records,
    queue_days_from_summary,
    roster_from_dicts,
    shift_from_dict,
    shift_to_dict,
)
from api.service.db import RosterVersionRow
from api.service.deps import (
    AgentIdPath,
    PrincipalDep,
    PublishTeam,
    ReadTeam,
    RosterTeam,
    SessionDep,
    VersionPath,
)
from api.service.downloads import download
from api.service.errors import NotFound
from api.service.presenters import version_out
from api.service.roster_checks import move_conflicts, roster_as_shown
from api.service.rostering import compare_rosters, moved_shift
from api.service.schemas import Comparison, PinsIn, VersionDetail, VersionOut
from api.service.storage import (
    agent_mappings,
    availability_of,
    publish_version,
    version_roster,
    version_row,
    versions_of,
)
from common.errors import InputIssue, InvalidInput
from scheduler import Roster, Team

router = APIRouter(tags=["rosters"])
_NO_VERSION: dict[int | str, dict[str, Any]] = {404: {"description": "no such team or roster version"}}


def _team_and_roster(row: RosterVersionRow) -> tuple[Team, Roster]:
    team = team_from_mapping(row.team_snapshot)
    return team, version_roster(row, team.name)


def _team_and_shown(row: RosterVersionRow) -> tuple[Team, Roster]:
    """The version as the page shows it: each shift the lead moved where it was moved to (a move changes
    the version in place, so its exports, calendars and comparisons follow it)."""
    team, roster = _team_and_roster(row)
    return team, roster_as_shown(roster, roster_from_dicts(team.name, row.first_day, row.pins).shifts)


@router.get("/teams/{team_id}/rosters")
def list_versions(team: ReadTeam, session: SessionDep) -> list[VersionOut]:
    """The team's roster versions, newest first."""
    return [version_out(v) for v in versions_of(session, team.id)]


@router.get("/teams/{team_id}/rosters/{number}", responses=_NO_VERSION)
def get_version(team: ReadTeam, number: VersionPath, session: SessionDep) -> VersionDetail:
    """A roster version with its rows (the roster contract, times in each agent's zone and UTC)."""
    row = version_row(session, team.id, number)
    domain_team, roster = _team_and_roster(row)
    leave = availability_entries(row.availability_snapshot)
    contract = roster_contract_rows(roster, domain_team, leave)
    rows = [{str(k): v for k, v in r.items()} for r in contract.to_dict("records")]
    return VersionDetail(**version_out(row).model_dump(), rows=rows)


@router.get("/teams/{team_id}/rosters/{number}/coverage", responses=_NO_VERSION)
def get_coverage(team: ReadTeam, number: VersionPath, session: SessionDep) -> list[dict[str, Any]]:
    """Required against scheduled agents per queue and UTC interval."""
    return list(version_row(session, team.id, number).coverage)


@router.put(
    "/teams/{team_id}/rosters/{number}/pins",
    responses={**_NO_VERSION, 422: {"description": "a move breaks a rule"}},
)
def put_pins(team: RosterTeam, number: VersionPath, body: PinsIn, session: SessionDep) -> VersionOut:
    """Pin shifts of this version: a re-roster (POST roster-jobs with base_version) keeps them.

    A pin without `start` keeps the shift where it is now (where an earlier pin moved it, if one did);
    a pin with `start` moves it, and is refused if the move breaks a hard rule against the availability
    stored now (e.g. into the agent's time off), with the rule in words.
    """
    row = version_row(session, team.id, number)
    _check_pins_can_hold(body, row, {a["id"] for a in agent_mappings(session, team.id)})
    by_key = {(s["agent_id"], s["local_date"]): s for s in row.shifts}
    pinned_now = {(p["agent_id"], p["local_date"]): p for p in row.pins}
    snapshot, roster = _team_and_roster(row)
    entries = availability_of(session, team.id)
    pins: list[dict[str, Any]] = []
    issues: list[InputIssue] = []
    for i, pin in enumerate(body.pins):
        key = (pin.agent_id, pin.local_date.isoformat())
        if pin.start is None:
            kept = pinned_now.get(key, by_key[key])
            roster = roster_as_shown(roster, (shift_from_dict(kept),))
            pins.append(kept)
            continue
        try:
            moved = moved_shift(shift_from_dict(by_key[key]), snapshot.agent(pin.agent_id).tz, pin.start)
        except InvalidInput as exc:
            raise InvalidInput([InputIssue(str(exc), column=f"pins.{i}.start", value=pin.start)]) from exc
        found = move_conflicts(snapshot, roster, moved, entries)
        issues.extend(
            InputIssue(
                f"moving the shift to {pin.start} breaks a rule: {c.text}",
                column=f"pins.{i}.start",
                value=pin.start,
            )
            for c in found
        )
        if not found:  # the next move is checked against the week with this one made (e.g. rest between them)
            roster = roster_as_shown(roster, (moved,))
        pins.append(shift_to_dict(moved))
    if issues:
        raise InvalidInput(issues)
    row.pins = pins
    session.commit()
    return version_out(row)


def _check_pins_can_hold(body: PinsIn, row: RosterVersionRow, agents_now: set[str]) -> None:
    """Refuse pins that no re-roster could keep: two for one agent-day, a day the version has no shift of
    that agent on (outside its week, or a day off), an agent no longer in the team.

    Raises:
        InvalidInput: an issue for each such pin, naming the agent and the day.
    """
    shifts = {(s["agent_id"], s["local_date"]) for s in row.shifts}
    first: dict[tuple[str, str], int] = {}
    issues: list[InputIssue] = []
    for i, pin in enumerate(body.pins):
        key = (pin.agent_id, pin.local_date.isoformat())
        if key in first:
            issues.append(
                InputIssue(
                    f"pins {first[key]} and {i} are both for {pin.agent_id} on {pin.local_date}; "
                    "an agent has one shift a day: keep one of them",
                    column=f"pins.{i}",
                    value=pin.agent_id,
                )
            )
            continue
        first[key] = i
        if pin.agent_id not in agents_now:
            issues.append(
                InputIssue(
                    f"{pin.agent_id} is no longer in the team; a re-roster cannot keep their shift on "
                    f"{pin.local_date}",
                    column=f"pins.{i}",
                    value=pin.agent_id,
                )
            )
        elif key not in shifts:
            issues.append(
                InputIssue(
                    f"version {row.number} has no shift of {pin.agent_id} on {pin.local_date} "
                    f"(its week starts {row.first_day})",
                    column=f"pins.{i}",
                    value=pin.agent_id,
                )
            )
    if issues:
        raise InvalidInput(issues)


@router.post(
    "/teams/{team_id}/rosters/{number}/publish",
    responses={**_NO_VERSION, 409: {"description": "the version is already published"}},
)
def post_publish(
    team: PublishTeam, number: VersionPath, session: SessionDep, principal: PrincipalDep
) -> VersionOut:
    """Publish this version (the team's other version of the same week, if published, is withdrawn)."""
    row = version_row(session, team.id, number)
    publish_version(session, row, principal.token_id)
    session.commit()
    return version_out(row)


@router.get(
    "/teams/{team_id}/rosters/{number}/compare/{other}",
    responses={**_NO_VERSION, 422: {"description": "the versions are of different weeks"}},
)
def compare(team: ReadTeam, number: VersionPath, other: VersionPath, session: SessionDep) -> Comparison:
    """Two versions of one week side by side: the agent-days whose shift was added, removed or moved (each
    also as a lead's sentence), hours per agent, headline figures."""
    a, b = version_row(session, team.id, number), version_row(session, team.id, other)
    if a.first_day != b.first_day:  # every shift of each would show as added or removed
        raise InvalidInput(
            [
                InputIssue(
                    f"versions {number} and {other} are of different weeks ({a.first_day}, {b.first_day}); "
                    "compare two versions of one week",
                    column="other",
                    value=str(other),
                )
            ]
        )
    keys = (
        "service_level_by_queue",
        "target_by_queue",
        "understaffed_agent_hours",
        "overstaffed_agent_hours",
        "scheduled_hours",
        "shifts",
    )
    summary = {
        str(v.number): {"objective": v.objective, **{k: v.summary.get(k) for k in keys}} for v in (a, b)
    }
    (team_a, roster_a), (team_b, roster_b) = _team_and_shown(a), _team_and_shown(b)
    return Comparison(
        base=number, other=other, summary=summary, **compare_rosters(roster_a, roster_b, team_b, team_a)
    )


@router.get(
    "/teams/{team_id}/rosters/{number}/roster.csv",
    responses={200: {"content": {"text/csv": {}}}, **_NO_VERSION},
)
def export_csv(team: ReadTeam, number: VersionPath, session: SessionDep) -> Response:
    """The roster contract CSV."""
    row = version_row(session, team.id, number)
    domain_team, roster = _team_and_shown(row)
    leave = availability_entries(row.availability_snapshot)
    return download(roster_csv_bytes(roster, domain_team, leave), "text/csv", f"{team.id}-v{number}.csv")


@router.get(
    "/teams/{team_id}/rosters/{number}/report.md",
    responses={200: {"content": {"text/markdown": {}}}, **_NO_VERSION},
)
def export_report(team: ReadTeam, number: VersionPath, session: SessionDep) -> Response:
    """The lead's report in Markdown, as `wfm roster --report FILE.md` writes it: service by queue and day,
    need and cover, every stretch where service suffers and who could cover it, each agent's hours."""
    row = version_row(session, team.id, number)
    text = (row.report or {}).get("markdown")
    if not isinstance(text, str):
        raise NotFound(f"roster version {number} was stored before the service kept reports; re-roster it")
    return download(text.encode("utf-8"), "text/markdown", f"{team.id}-v{number}-report.md")


@router.get(
    "/teams/{team_id}/rosters/{number}/roster.xlsx",
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}, **_NO_VERSION},
)
def export_xlsx(team: ReadTeam, number: VersionPath, session: SessionDep) -> Response:
    """The workbook `wfm roster --xlsx` writes: agents × days in each agent's local time (queue stretches,
    time off and sick days named), coverage by day and by interval, and the shift rows."""
    row = version_row(session, team.id, number)
    domain_team, roster = _team_and_shown(row)
    content = roster_xlsx_bytes(
        domain_team,
        roster,
        coverage_from_records(row.coverage),
        queue_days_from_summary(row.summary),
        availability_entries(row.availability_snapshot),
    )
    return download(content, XLSX_MEDIA_TYPE, f"{team.id}-v{number}.xlsx")


def _replaced(session: Session, team_id: str, row: RosterVersionRow) -> Roster | None:
    """The roster a version re-rostered (its calendars cancel the shifts no longer worked), or None."""
    return None if row.based_on is None else _team_and_shown(version_row(session, team_id, row.based_on))[1]


@router.get(
    "/teams/{team_id}/rosters/{number}/calendars.zip",
    responses={200: {"content": {"application/zip": {}}}, **_NO_VERSION},
)
def export_calendars(team: ReadTeam, number: VersionPath, session: SessionDep) -> Response:
    """Every agent's iCalendar file of the version in one zip, named as `wfm roster --ics` names them."""
    row = version_row(session, team.id, number)
    domain_team, roster = _team_and_shown(row)
    files = calendar_files(
        roster,
        domain_team,
        availability_entries(row.availability_snapshot),
        replaces=_replaced(session, team.id, row),
        team_id=team.id,  # not the name: a renamed team's events keep their UIDs
    )
    return download(zip_bytes(files), "application/zip", f"{team.id}-v{number}-calendars.zip")


@router.get(
    "/teams/{team_id}/rosters/{number}/calendars/{agent_id}.ics",
    responses={
        200: {"content": {"text/calendar": {}}},
        404: {"description": "no such team, version or agent"},
    },
)
def export_ics(team: ReadTeam, number: VersionPath, agent_id: AgentIdPath, session: SessionDep) -> Response:
    """One agent's shifts as an iCalendar file, times in the agent's zone, with the agent's dated time off
    and sick days, as `wfm roster --ics` writes it."""
    row = version_row(session, team.id, number)
    domain_team, roster = _team_and_shown(row)
    if agent_id not in {a.id for a in domain_team.agents}:
        raise NotFound(f"agent {agent_id!r} not found in roster version {number}")
    content = agent_ics_bytes(
        roster,
        domain_team,
        agent_id,
        availability=availability_entries(row.availability_snapshot),
        replaces=_replaced(session, team.id, row),
        team_id=team.id,  # not the name: a renamed team's events keep their UIDs
    )
    return download(content, "text/calendar", f"{team.id}-v{number}-{agent_id}.ics")
