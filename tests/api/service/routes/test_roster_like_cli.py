"""A service roster of a multi-skilled team with a vacation and a sick day has everything the CLI's has:
queue stretches in its rows, CSV, workbook and calendars; time off and sick days named; the report's
absence section. The CLI's own files, made from the same roster and the same input files, are the oracle."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from fastapi.testclient import TestClient
from icalendar import Calendar
from openpyxl import load_workbook
from sqlalchemy import select

from api.exports import calendar_files, roster_xlsx_bytes
from api.formats import (
    LEAVE_ACTIVITIES,
    ROSTER_COLUMNS,
    read_availability,
    read_requirements,
    read_roster,
    read_team,
    roster_rows,
)
from api.lead_report import absence_lines, lead_report
from api.service.db import RosterVersionRow, make_engine, session_factory, transaction
from scheduler import Problem, Roster, Team, planning_week, problem_from_requirements
from tests.api.service.conftest import WEEK, Tokens, availability_csv, solve_roster

VACATION = [WEEK + timedelta(days=d) for d in range(2)]  # Mon and Tue
SICK = WEEK + timedelta(days=3)  # Thu


def two_queue_team() -> dict[str, Any]:
    """One agent skilled for chat and phone, one for chat only; the day's need moves from chat to phone."""
    return {
        "name": "Two Queues",
        "tz": "Europe/London",
        "interval_minutes": 60,
        "shrinkage": 0.0,
        "queues": [
            {"name": "chat", "channel": "chat", "service_level": 0.8, "target_answer_s": 60, "aht_s": 600},
            {"name": "phone", "channel": "voice", "service_level": 0.8, "target_answer_s": 20, "aht_s": 300},
        ],
        "shift_rules": {
            "lengths_hours": [8],
            "start_step_minutes": 60,
            "earliest_start": "09:00",
            "latest_start": "09:00",
            "breaks": [],
        },
        "labour_rules": {"min_rest_hours": 11, "max_consecutive_days": 6, "min_days_off_per_week": 1},
        "agents": [
            {
                "id": "both",
                "name": "Bea Both",
                "tz": "Europe/London",
                "skills": ["chat", "phone"],
                "min_hours_per_week": 0,
                "max_hours_per_week": 48,
            },
            {
                "id": "chat1",
                "name": "Cy Chat",
                "tz": "Europe/London",
                "skills": ["chat"],
                "min_hours_per_week": 0,
                "max_hours_per_week": 48,
            },
        ],
    }


def two_queue_requirements() -> str:
    """Chat needs two agents 09:00-13:00 London time, phone one 13:00-17:00, every day of the week."""
    rows = []
    for d in range(7):
        day = pd.Timestamp(WEEK + timedelta(days=d)).tz_localize("Europe/London")
        for hour in range(9, 17):
            queue, agents = ("chat", 2) if hour < 13 else ("phone", 1)
            ds = (day + pd.Timedelta(hours=hour)).tz_convert("UTC").isoformat()
            rows.append({"queue": queue, "ds": ds, "volume": 20 * agents, "aht_s": 300, "required": agents,
                         "scheduled_needed": agents})  # fmt: skip
    return pd.DataFrame(rows).to_csv(index=False)


def two_queue_availability() -> str:
    """Cy's vacation on Mon and Tue, Bea off sick on Thursday."""
    rows = [
        {"agent_id": "chat1", "date": d.isoformat(), "kind": "time_off", "note": "vacation"} for d in VACATION
    ]
    rows.append({"agent_id": "both", "date": SICK.isoformat(), "kind": "absence", "note": "flu"})
    return availability_csv(rows)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """The input files, as a lead gives them to `wfm roster` and uploads them to the service."""
    paths = {"team": tmp_path / "team.yaml", "req": tmp_path / "req.csv", "avail": tmp_path / "avail.csv"}
    paths["team"].write_text(yaml.safe_dump(two_queue_team()), encoding="utf-8")
    paths["req"].write_text(two_queue_requirements(), encoding="utf-8")
    paths["avail"].write_text(two_queue_availability(), encoding="utf-8")
    return paths


@pytest.fixture
def served(
    client: TestClient, admin: dict[str, str], tokens: Tokens, files: dict[str, Path]
) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The team, its availability and requirements uploaded, one roster solved: (team id, lead, version)."""
    team_id = client.post("/v1/teams", json=two_queue_team(), headers=admin).json()["id"]
    lead = tokens.make("lead", team_id)
    imported = client.post(
        f"/v1/teams/{team_id}/availability/imports",
        files={"file": ("avail.csv", files["avail"].read_bytes())},
        headers=admin,
    )
    assert imported.status_code == 200, imported.text
    uploaded = client.post(
        f"/v1/teams/{team_id}/requirements/upload",
        files={"file": ("req.csv", files["req"].read_bytes())},
        headers=lead,
    )
    assert uploaded.status_code == 201, uploaded.text
    job = solve_roster(client, team_id, int(uploaded.json()["id"]), lead)
    assert job["state"] == "succeeded", job
    detail = client.get(f"/v1/teams/{team_id}/rosters/{job['version']}", headers=lead).json()
    return team_id, lead, detail


def _read_by_the_cli(roster_csv: bytes, team: Team, tmp_path: Path) -> Roster:
    """The service's roster CSV as the CLI reads a roster file (`--previous`, `--published`)."""
    (tmp_path / "service.csv").write_bytes(roster_csv)
    return read_roster(tmp_path / "service.csv", team)


def test_rows_and_csv_have_a_work_row_for_each_queue_stretch(
    client: TestClient,
    served: tuple[str, dict[str, str], dict[str, Any]],
    files: dict[str, Path],
    tmp_path: Path,
) -> None:
    team_id, lead, version = served
    rows = pd.DataFrame(version["rows"])
    switching = rows[(rows["agent_id"] == "both") & (rows["local_date"] == WEEK.isoformat())]
    assert list(switching["activity"]) == ["shift", "work", "work"]
    assert list(switching["queue"]) == ["chat", "chat", "phone"]
    assert list(switching["start"].str.slice(11, 16)) == ["09:00", "09:00", "13:00"]
    csv = client.get(f"/v1/teams/{team_id}/rosters/{version['number']}/roster.csv", headers=lead).content
    frame = pd.read_csv(io.BytesIO(csv), dtype=str, keep_default_na=False)
    assert frame[list(ROSTER_COLUMNS)].to_dict("records") == version["rows"]
    # after the shifts, the days away of the version's availability, named (the CLI writes them alike)
    away = frame["activity"].isin(LEAVE_ACTIVITIES)
    assert ("both", "2026-11-05", "absence") in set(
        zip(
            frame.loc[away, "agent_id"],
            frame.loc[away, "local_date"],
            frame.loc[away, "activity"],
            strict=True,
        )
    )
    # the CLI reads the service's CSV into the same shifts, stretches included, and writes the same rows
    team = read_team(files["team"])
    shifts = [r for r in version["rows"] if r["activity"] not in LEAVE_ACTIVITIES]
    assert roster_rows(_read_by_the_cli(csv, team, tmp_path), team).to_dict("records") == shifts


def _as_stored_long_ago(settings: Any) -> None:
    """Make every stored version look as one stored before versions kept queue stretches, and before
    the summary had its days."""
    engine = make_engine(settings.database_url)
    with transaction(session_factory(engine)) as session:
        for row in session.scalars(select(RosterVersionRow)):
            row.shifts = [{k: v for k, v in s.items() if k != "work"} for s in row.shifts]
            row.summary = {k: v for k, v in row.summary.items() if k != "days"}
    engine.dispose()


def test_a_version_stored_without_queue_stretches_still_reads_and_exports(
    client: TestClient, served: tuple[str, dict[str, str], dict[str, Any]], settings: Any
) -> None:
    team_id, lead, version = served
    _as_stored_long_ago(settings)
    url = f"/v1/teams/{team_id}/rosters/{version['number']}"
    rows = client.get(url, headers=lead).json()["rows"]
    # each shift on its main queue, as stored (then the days away, which come from the availability)
    assert {r["activity"] for r in rows} - set(LEAVE_ACTIVITIES) == {"shift"}
    for export in ("roster.csv", "roster.xlsx", "report.md", "calendars/both.ics", "grid"):
        assert client.get(f"{url}/{export}", headers=lead).status_code == 200, export
    book = load_workbook(io.BytesIO(client.get(f"{url}/roster.xlsx", headers=lead).content))
    assert book.sheetnames == ["Roster", "Coverage", "Shifts"]  # no days stored: no sheet of them


def _cli_problem(files: dict[str, Path]) -> Problem:
    """The problem `wfm roster --team --requirements --availability --week` builds from the same files."""
    team = read_team(files["team"])
    entries = read_availability(files["avail"], team)
    return problem_from_requirements(
        team, planning_week(team, WEEK), read_requirements(files["req"]), entries
    )


def test_report_names_who_is_off_sick_as_the_cli_report_does(
    client: TestClient, served: tuple[str, dict[str, str], dict[str, Any]], files: dict[str, Path]
) -> None:
    team_id, lead, version = served
    report = client.get(f"/v1/teams/{team_id}/rosters/{version['number']}/report.md", headers=lead).text
    absences = absence_lines(_cli_problem(files))
    assert absences == ["off sick: Bea Both (both), Thu 05 Nov"]
    assert f"## Absences and changes\n\n- {absences[0]}\n" in report
    assert absences[0] in version["report"]["lines"]


def _sheets(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    book = load_workbook(io.BytesIO(content))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_workbook_is_the_clis_with_stretches_time_off_and_sick_days(
    client: TestClient,
    served: tuple[str, dict[str, str], dict[str, Any]],
    files: dict[str, Path],
    tmp_path: Path,
) -> None:
    team_id, lead, version = served
    url = f"/v1/teams/{team_id}/rosters/{version['number']}"
    served_book = _sheets(client.get(f"{url}/roster.xlsx", headers=lead).content)
    grid = {row[0]: row for row in served_book["Roster"]}
    monday, tuesday, thursday = 3, 4, 6  # columns: agent, name, zone, then the days from Monday
    assert grid["both"][monday] == "09:00–17:00\nchat 09:00–13:00, phone 13:00–17:00"
    assert (grid["chat1"][monday], grid["chat1"][tuesday]) == ("time off", "time off")
    assert grid["both"][thursday] == "sick"
    # `wfm roster --xlsx` on the same files and the same roster writes the same workbook
    problem = _cli_problem(files)
    roster = _read_by_the_cli(client.get(f"{url}/roster.csv", headers=lead).content, problem.team, tmp_path)
    cli = lead_report(problem, roster)
    cli_book = roster_xlsx_bytes(problem.team, roster, cli.coverage, cli.summary.days, problem.availability)
    assert served_book == _sheets(cli_book)
    assert list(served_book) == ["Roster", "Coverage by day", "Coverage", "Shifts"]


def _events(content: bytes) -> list[tuple[str, str, str]]:
    return [
        (str(e["summary"]), str(e.get("description", "")), e.decoded("dtstart").isoformat())
        for e in Calendar.from_ical(content).walk("VEVENT")
    ]


@pytest.mark.parametrize("agent", ["both", "chat1"])
def test_calendars_are_the_clis_with_each_stretch_and_the_time_off(
    client: TestClient,
    served: tuple[str, dict[str, str], dict[str, Any]],
    files: dict[str, Path],
    tmp_path: Path,
    agent: str,
) -> None:
    team_id, lead, version = served
    url = f"/v1/teams/{team_id}/rosters/{version['number']}"
    events = _events(client.get(f"{url}/calendars/{agent}.ics", headers=lead).content)
    if agent == "both":
        monday = next(e for e in events if e[2].startswith(WEEK.isoformat()))
        assert monday[:2] == ("Shift: chat, phone", "Two Queues, queues: chat 09:00–13:00, phone 13:00–17:00")
        assert ("Sick", "", SICK.isoformat()) in events  # HR's note ("flu") stays out of the calendar
    else:
        assert [e for e in events if e[0].startswith("Time off")] == [
            ("Time off: vacation", "", d.isoformat()) for d in VACATION
        ]
    # `wfm roster --ics` on the same files and the same roster writes the same events
    problem = _cli_problem(files)
    roster = _read_by_the_cli(client.get(f"{url}/roster.csv", headers=lead).content, problem.team, tmp_path)
    assert events == _events(calendar_files(roster, problem.team, problem.availability)[f"{agent}.ics"])
