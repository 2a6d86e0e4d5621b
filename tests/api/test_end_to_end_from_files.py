"""From the three files a team already has to a checked roster: a helpdesk export, HR's workbook and a
sheet of agents, through the commands the README shows."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from icalendar import Calendar
from openpyxl import Workbook
from typer.testing import CliRunner

from api.cli import app
from api.exports import calendar_files
from api.formats import read_availability, read_history, read_team
from common.timegrid import PlanningWeek
from forecasting import forecast_week
from scheduler import compute_requirements, problem_from_requirements
from scheduler.roster.solve import solve
from scheduler.roster.validate import check_roster
from tests.scheduler.roster.factories import QUICK

WEEK = date(2026, 10, 26)  # the Monday after three weeks of tickets
ZONES = ("Eastern Time (US & Canada)", "London", "")


def run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def zendesk_export(path: Path) -> int:
    """Three weeks of chats and emails in Zendesk's columns, busier in the users' daytime."""
    rng = np.random.default_rng(7)
    starts = pd.date_range("2026-10-05T00:00Z", "2026-10-25T23:45Z", freq="15min")
    local_hour = starts.tz_convert("America/New_York").hour
    rate = np.where((local_hour >= 8) & (local_hour < 20), 1.2, 0.1)
    counts = rng.poisson(rate)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Id", "Subject", "Created at", "Via", "Requester time zone"])
        ticket = 1000
        for start, n in zip(starts, counts, strict=True):
            for _ in range(int(n)):
                ticket += 1
                created = start + pd.Timedelta(seconds=int(rng.integers(0, 900)))
                writer.writerow(
                    [ticket, "Help, please", created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                     rng.choice(["Chat", "Web form"]), rng.choice(ZONES)]
                )  # fmt: skip
    return ticket - 1000


def agents_sheet(path: Path) -> None:
    book = Workbook()
    book.active.title = "Agents"
    book.active.append(["Name", "Zone", "Skills", "Contract hours"])
    for name, zone in (("Maya López", "America/Phoenix"), ("Sam Lee", ""), ("Ana Cruz", "Arizona"),
                       ("Joe Park", "America/Phoenix"), ("Kim Ito", "")):  # fmt: skip
        book.active.append([name, zone, "chat", 40])
    book.save(path)


def hr_workbook(path: Path) -> None:
    book = Workbook()
    book.active.title = "Read me"
    book.active.append(["Availability for the week of 26 October"])
    sheet = book.create_sheet("Availability")
    sheet.append(["Agent", "Date", "Weekday", "Start", "End", "Kind"])
    sheet.append(["maya lópez", "2026-10-27..2026-10-28", None, None, None, "Vacation"])
    sheet.append(["Sam Lee", None, "Sat, Sun", None, None, "unavailable"])
    book.save(path)


def test_three_files_to_a_checked_roster(tmp_path: Path) -> None:
    export, agents, hr = tmp_path / "zendesk.csv", tmp_path / "agents.xlsx", tmp_path / "hr.xlsx"
    n_tickets = zendesk_export(export)
    agents_sheet(agents)
    hr_workbook(hr)
    team_file, history_file, availability_file = (
        tmp_path / "team.yaml",
        tmp_path / "history.csv",
        tmp_path / "av.csv",
    )

    run("team", "init", "--agents", str(agents), "--name", "Creator Support", "--tz", "America/Phoenix",
        "--queues", "chat", "--out", str(team_file))  # fmt: skip
    report = run("import", "tickets", str(export), "--preset", "zendesk", "--tz", "America/Phoenix",
                 "--map-queue", "*=chat", "--out", str(history_file))  # fmt: skip
    assert f"{n_tickets:,} tickets kept" in report
    run("import", "availability", str(hr), "--team", str(team_file), "--sheet", "Availability",
        "--out", str(availability_file))  # fmt: skip

    team = read_team(team_file)
    history = read_history(history_file, default_region=team.tz)
    assert history["y"].sum() == n_tickets
    assert set(history["region"]) == {"America/New_York", "Europe/London", "America/Phoenix"}
    entries = read_availability(availability_file, team)
    assert len(entries) == 4  # two days of vacation, two weekend days
    week = PlanningWeek(WEEK, team.tz, team.interval_minutes)
    requirements = compute_requirements(forecast_week(history, week), team)
    problem = problem_from_requirements(team, week, requirements, entries)
    result = solve(problem, QUICK)
    assert check_roster(problem, result.roster.shifts) == []
    maya = next(a for a in team.agents if a.name == "Maya López")
    assert {s.local_date for s in result.roster.shifts_of(maya.id)}.isdisjoint(
        {date(2026, 10, 27), date(2026, 10, 28)}
    )

    files = calendar_files(result.roster, team, entries)
    calendar = Calendar.from_ical(files[f"{maya.id}.ics"])
    summaries = [str(e.get("summary")) for e in calendar.walk("VEVENT")]
    assert summaries.count("Time off") == 2
    assert sum(s.startswith("Shift") for s in summaries) == len(result.roster.shifts_of(maya.id))


def test_wfm_roster_writes_a_calendar_per_agent(tmp_path: Path) -> None:
    agents, hr = tmp_path / "agents.xlsx", tmp_path / "hr.xlsx"
    agents_sheet(agents)
    hr_workbook(hr)
    team_file = tmp_path / "team.yaml"
    run("team", "init", "--agents", str(agents), "--name", "Creator Support", "--tz", "America/Phoenix",
        "--queues", "chat", "--out", str(team_file))  # fmt: skip
    team = read_team(team_file)
    week = PlanningWeek(WEEK, team.tz, team.interval_minutes)
    requirements = pd.DataFrame(
        {
            "queue": "chat",
            "ds": week.grid.starts(),
            "volume": 4.0,
            "aht_s": 600.0,
            "required": 1.0,
            "scheduled_needed": 1.0,
        }
    )
    requirements["ds"] = requirements["ds"].map(lambda ts: ts.isoformat())
    requirements_file = tmp_path / "requirements.csv"
    requirements.to_csv(requirements_file, index=False)
    folder, availability = tmp_path / "calendars", tmp_path / "av.csv"
    run("import", "availability", str(hr), "--team", str(team_file), "--sheet", "Availability",
        "--out", str(availability))  # fmt: skip
    output = run("roster", "--team", str(team_file), "--requirements", str(requirements_file),
                 "--availability", str(availability), "--week", WEEK.isoformat(), "--out", str(tmp_path / "roster.csv"),
                 "--time-limit", "2", "--ics", str(folder))  # fmt: skip
    assert "calendars: 5 files" in output
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{a.id}.ics" for a in team.agents)
    maya = next(a for a in team.agents if a.name == "Maya López")
    events = Calendar.from_ical((folder / f"{maya.id}.ics").read_bytes()).walk("VEVENT")
    assert [str(e.get("summary")) for e in events].count("Time off") == 2
