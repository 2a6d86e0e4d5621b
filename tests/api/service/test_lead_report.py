"""A roster job's result speaks a lead's words, as `wfm roster` does for the same files: the contacts
carried into the week, service per queue and day, the stretches where it suffers and who could cover
them, hours; a re-roster after a sick call keeps the absent agent's days off unless the lead allows it."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app
from tests.api.service.conftest import (
    WEEK,
    Tokens,
    availability_csv,
    requirements_csv,
    solve_roster,
    tiny_team,
)

WEEK_END_UTC = "2026-11-09T00:00:00Z"  # Monday after the week, 00:00 London (GMT in November)


def lead_in_requirements_csv() -> str:
    """The tiny team's requirements with the email of Sunday evening before the week as `lead_in` rows:
    six emails an hour from 16:00 to 24:00 UTC, carried into Monday."""
    week = pd.read_csv(io.StringIO(requirements_csv())).assign(lead_in=False)
    sunday = [pd.Timestamp("2026-11-01T16:00Z") + pd.Timedelta(hours=h) for h in range(8)]
    lead_in = pd.DataFrame(
        {
            "queue": "email",
            "ds": [t.isoformat() for t in sunday],
            "volume": 6,
            "aht_s": 300,
            "required": 0,
            "scheduled_needed": 0,
            "lead_in": True,
        }
    )
    return pd.concat([lead_in, week], ignore_index=True).to_csv(index=False)


def compared(lines: list[str]) -> list[str]:
    """The lines of a lead's summary that depend on the roster and the problem alone: without the
    solver's line, the changes to the roster re-rostered and the line on next week (each edge names
    them in its own words: "v1" and "the published roster", "once published" and "--previous"), and who could cover (a re-roster that locks
    every shift, as the CLI run below does, offers nobody)."""
    out, in_cover = [], False
    for line in lines:
        if line.startswith("who could cover"):
            in_cover = True
            continue
        if in_cover and line.startswith("  "):
            continue
        in_cover = False
        if not line.startswith(("solver:", "changes to ", "into next week:")):
            out.append(line)
    return out


def test_a_roster_job_carries_the_lead_in_and_reports_what_wfm_roster_reports(
    client: TestClient, lead: dict[str, str], team_id: str, tmp_path: Path
) -> None:
    requirements = tmp_path / "requirements.csv"
    requirements.write_text(lead_in_requirements_csv(), encoding="utf-8")
    upload = client.post(
        f"/v1/teams/{team_id}/requirements/upload",
        files={"file": ("requirements.csv", requirements.read_bytes(), "text/csv")},
        headers=lead,
    )
    assert upload.status_code == 201, upload.text
    assert upload.json()["meta"]["lead_in_rows"] == 8
    job = solve_roster(client, team_id, upload.json()["id"], lead)
    assert job["state"] == "succeeded", job
    version = client.get(f"/v1/teams/{team_id}/rosters/{job['version']}", headers=lead).json()
    carried = version["summary"]["carried_in"]
    assert set(carried) == {"email"}
    assert carried["email"][0] > 0  # Sunday evening's email waits on Monday morning
    service_lines = version["report"]["lines"]
    assert any(line.startswith("carried in, email:") for line in service_lines)
    # the advice the page shows under the service levels is the summary's own lines
    assert all(line in service_lines for line in version["report"]["advice"])
    # an email day can be short of the interval need and still on time: the report says how
    report_md = client.get(f"/v1/teams/{team_id}/rosters/{job['version']}/report.md", headers=lead).text
    assert 'On email, "short" compares each interval\'s need with the agents on the queue then' in report_md

    # the CLI on the same files, measuring the service's roster (re-rostered with every shift locked)
    team_file = tmp_path / "team.json"
    team_file.write_text(json.dumps(tiny_team()), encoding="utf-8")
    published = tmp_path / "service-roster.csv"
    published.write_bytes(
        client.get(f"/v1/teams/{team_id}/rosters/{job['version']}/roster.csv", headers=lead).content
    )
    result = CliRunner().invoke(
        app,
        [
            "roster", "--team", str(team_file), "--week", WEEK.isoformat(), "--requirements", str(requirements),
            "--published", str(published), "--lock-before", WEEK_END_UTC, "--out", str(tmp_path / "cli" / "roster.csv"),
            "--time-limit", "2", "--reoptimize",  # every shift is locked: a measure, not a repair
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    cli_lines = [line for line in result.output.splitlines() if line]
    assert "changes to the published roster: 0" in cli_lines  # the same roster
    assert compared(service_lines) == compared(cli_lines)


def test_the_report_lists_each_short_stretch_with_who_could_cover_it_and_its_markdown(
    client: TestClient, admin: dict[str, str], tokens: Tokens
) -> None:
    """Two agents on chat, two needed every afternoon of the week: each works five days at most, so the
    days one of them is off are short, and that agent is offered as cover (overtime, here)."""
    team = tiny_team("Tiny Chat")
    team["queues"] = [{"name": "chat", "channel": "chat"}]
    for agent in team["agents"]:
        agent["skills"] = ["chat"]
    team_id = client.post("/v1/teams", json=team, headers=admin).json()["id"]
    lead = tokens.make("lead", team_id)
    rows = []
    for d in range(7):
        day = pd.Timestamp(WEEK + timedelta(days=d)).tz_localize("Europe/London")
        for hour in range(12, 17):  # both agents can work these hours (Bo's shifts start at 12:00 London)
            ds = (day + pd.Timedelta(hours=hour)).tz_convert("UTC").isoformat()
            rows.append({"queue": "chat", "ds": ds, "volume": 10, "aht_s": 300, "required": 2, "scheduled_needed": 2})  # fmt: skip
    upload = client.post(
        f"/v1/teams/{team_id}/requirements/upload",
        files={"file": ("r.csv", pd.DataFrame(rows).to_csv(index=False))},
        headers=lead,
    )
    job = solve_roster(client, team_id, upload.json()["id"], lead)
    assert job["state"] == "succeeded", job
    result = client.get(f"/v1/jobs/{job['id']}/result", headers=lead).json()
    report = result["report"]
    stretches = report["short_stretches"]
    assert stretches, "two agents cannot cover two a day for seven days"
    assert [s["words"] for s in stretches] == [s["words"] for s in result["summary"]["short"]]
    offered = [o for s in stretches for o in s["cover"]]
    assert offered
    for s in stretches:
        for option in s["cover"]:
            assert option["kind"] in ("extra shift", "move a day off", "work a day off", "overtime")
            assert (option["kind"] in ("extra shift", "move a day off")) == (option["gives_up"] == [])
            assert (option["kind"] == "move a day off") == (option["instead_of"] is not None)
            assert all(rule in option["words"] for rule in option["gives_up"])
            assert option["covered_hours"] > 0
            assert option["start_utc"] < s["end_utc"]
            assert s["start_utc"] < option["end_utc"]
    assert "who could cover them (least costly first):" in report["lines"]
    assert report["queue_stretches"]["mean_per_shift"] >= 1
    markdown = client.get(f"/v1/teams/{team_id}/rosters/{job['version']}/report.md", headers=lead)
    assert markdown.status_code == 200
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert "report.md" in markdown.headers["content-disposition"]
    text = markdown.text
    assert text.startswith("# Tiny Chat, week of 2026-11-02")
    assert "## Who could cover them" in text
    assert offered[0]["words"] in text
    assert '"short" compares' not in text  # no queue whose contacts wait


def _worked_days(version: dict[str, Any], agent_id: str) -> set[str]:
    return {
        r["local_date"] for r in version["rows"] if r["activity"] == "shift" and r["agent_id"] == agent_id
    }


def test_a_re_roster_after_a_sick_call_keeps_the_absent_agents_days_off_unless_allowed(
    client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int
) -> None:
    first = solve_roster(client, team_id, requirements_id, lead)
    assert first["state"] == "succeeded", first
    v1 = client.get(f"/v1/teams/{team_id}/rosters/{first['version']}", headers=lead).json()
    worked = sorted(_worked_days(v1, "a1"))
    assert worked, "Ann works this week"
    sick_day = worked[0]
    days_off = {(WEEK + timedelta(days=d)).isoformat() for d in range(7)} - set(worked)
    # HR's file says 'sick', as HR writes it: an absence
    files = {"file": ("sick.csv", availability_csv([{"agent_id": "a1", "date": sick_day, "start": "00:00", "end": "24:00", "kind": "sick", "note": "flu"}]))}  # fmt: skip
    imported = client.post(f"/v1/teams/{team_id}/availability/imports", files=files, headers=lead)
    assert imported.status_code == 200, imported.text
    lock = f"{sick_day}T00:00:00Z"
    kept = solve_roster(
        client, team_id, requirements_id, lead, base_version=first["version"], locked_before=lock
    )
    assert kept["state"] == "succeeded", kept
    v2 = client.get(f"/v1/teams/{team_id}/rosters/{kept['version']}", headers=lead).json()
    assert sick_day not in _worked_days(v2, "a1")
    assert not _worked_days(v2, "a1") & days_off, "the absent agent's hours went onto a day off"
    assert any(line.startswith(f"changes to v{first['version']}:") for line in v2["report"]["lines"])
    for stretch in v2["report"]["short_stretches"]:
        assert all(o["agent_id"] != "a1" or o["day"] != sick_day for o in stretch["cover"])
    # the lead may allow it: the job takes the option (and says so in its parameters)
    allowed = solve_roster(
        client, team_id, requirements_id, lead, base_version=first["version"], locked_before=lock,
        absent_may_work_days_off=True,
    )  # fmt: skip
    assert allowed["state"] == "succeeded", allowed
    v3 = client.get(f"/v1/teams/{team_id}/rosters/{allowed['version']}", headers=lead).json()
    assert sick_day not in _worked_days(v3, "a1")


def test_a_solve_shows_its_first_roster_in_a_leads_terms(
    client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int
) -> None:
    job = solve_roster(client, team_id, requirements_id, lead)
    assert job["state"] == "succeeded", job
    first = job["progress"]
    assert first is not None
    assert set(first) == {"first_roster_s", "shortfall_hours", "service_level"}
    assert first["first_roster_s"] >= 0
    assert first["shortfall_hours"] >= 0
    assert set(first["service_level"]) == {"email"}
    assert 0 <= first["service_level"]["email"] <= 1


def test_a_version_stored_before_reports_has_no_report(
    client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int, settings: Any
) -> None:
    from sqlalchemy import update

    from api.service.db import RosterVersionRow, make_engine, session_factory, transaction

    job = solve_roster(client, team_id, requirements_id, lead)
    engine = make_engine(settings.database_url)
    with transaction(session_factory(engine)) as session:
        session.execute(update(RosterVersionRow).values(report={}))
    engine.dispose()
    assert client.get(f"/v1/teams/{team_id}/rosters/{job['version']}", headers=lead).json()["report"] is None
    missing = client.get(f"/v1/teams/{team_id}/rosters/{job['version']}/report.md", headers=lead)
    assert missing.status_code == 404
    assert "re-roster" in missing.json()["detail"]


def test_requirements_with_a_bad_lead_in_column_are_refused_with_the_row(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    text = lead_in_requirements_csv().replace("True", "perhaps", 1)
    response = client.post(
        f"/v1/teams/{team_id}/requirements/upload", files={"file": ("r.csv", text)}, headers=lead
    )
    assert response.status_code == 422
    (issue,) = response.json()["issues"]
    assert (issue["row"], issue["column"], issue["value"]) == (2, "lead_in", "perhaps")
    assert client.get(f"/v1/teams/{team_id}/requirements", headers=lead).json() == []
