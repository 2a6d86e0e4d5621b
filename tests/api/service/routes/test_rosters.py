"""Roster versions: exports, pins and re-roster, compare, publish."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from openpyxl import load_workbook

from api.formats import ROSTER_COLUMNS, ROSTER_CSV_COLUMNS
from tests.api.service.conftest import WEEK, Tokens, requirements_csv, solve_roster


@pytest.fixture
def version(client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int) -> dict[str, Any]:
    job = solve_roster(client, team_id, requirements_id, lead)
    assert job["state"] == "succeeded", job
    detail: dict[str, Any] = client.get(f"/v1/teams/{team_id}/rosters/{job['version']}", headers=lead).json()
    return detail


def test_csv_export_has_the_contract_columns(
    client: TestClient, lead: dict[str, str], team_id: str, version: dict[str, Any]
) -> None:
    response = client.get(f"/v1/teams/{team_id}/rosters/1/roster.csv", headers=lead)
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbfagent_id,")  # a byte-order mark: Excel reads UTF-8
    frame = pd.read_csv(io.BytesIO(response.content), dtype=str, keep_default_na=False)
    assert tuple(frame.columns) == ROSTER_CSV_COLUMNS
    assert frame[list(ROSTER_COLUMNS)].to_dict("records") == version["rows"]
    assert (frame["local_start"] == frame["start"].str.slice(0, 16).str.replace("T", " ")).all()


def test_xlsx_export_has_a_grid_and_a_coverage_sheet(
    client: TestClient, lead: dict[str, str], team_id: str, version: dict[str, Any]
) -> None:
    response = client.get(f"/v1/teams/{team_id}/rosters/1/roster.xlsx", headers=lead)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Roster", "Coverage by day", "Coverage", "Shifts"]
    grid = book["Roster"]
    assert [c.value for c in grid[1]][:4] == [
        "Agent",
        "Name",
        "Zone\n(each agent's times are in it)",
        "Mon 02 Nov",
    ]
    assert [grid.cell(row=r, column=1).value for r in (2, 3)] == ["a1", "a2"]
    assert grid.freeze_panes == "D2"
    # printed landscape, a page wide, the header row on every page
    assert grid.page_setup.orientation == "landscape"
    assert (grid.page_setup.fitToWidth, grid.page_setup.fitToHeight) == (1, 0)
    assert grid.sheet_properties.pageSetUpPr.fitToPage
    assert grid.print_title_rows == "$1:$1"
    coverage = book["Coverage"]
    assert coverage.max_row == 1 + 7 * 24


def test_ics_export_is_in_the_agents_zone(
    client: TestClient, lead: dict[str, str], team_id: str, version: dict[str, Any]
) -> None:
    agent = next(r["agent_id"] for r in version["rows"])
    response = client.get(f"/v1/teams/{team_id}/rosters/1/calendars/{agent}.ics", headers=lead)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == sum(1 for r in version["rows"] if r["agent_id"] == agent)
    first = next(r for r in version["rows"] if r["agent_id"] == agent)
    assert events[0].decoded("dtstart").isoformat() == first["start"]
    assert client.get(f"/v1/teams/{team_id}/rosters/1/calendars/nobody.ics", headers=lead).status_code == 404
    assert client.get(f"/v1/teams/{team_id}/rosters/9/roster.csv", headers=lead).status_code == 404


def test_every_agents_calendar_comes_in_one_zip_as_each_comes_alone(
    client: TestClient, lead: dict[str, str], team_id: str, version: dict[str, Any]
) -> None:
    import io
    import zipfile

    response = client.get(f"/v1/teams/{team_id}/rosters/1/calendars.zip", headers=lead)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert f'filename="{team_id}-v1-calendars.zip"' in response.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    agents = {a["id"] for a in client.get(f"/v1/teams/{team_id}/agents", headers=lead).json()}
    assert set(archive.namelist()) == {f"{a}.ics" for a in agents}
    for agent in agents:
        alone = client.get(f"/v1/teams/{team_id}/rosters/1/calendars/{agent}.ics", headers=lead).content
        zipped = archive.read(f"{agent}.ics")
        events = [e.decoded("dtstart") for e in Calendar.from_ical(zipped).walk("VEVENT")]
        assert events == [e.decoded("dtstart") for e in Calendar.from_ical(alone).walk("VEVENT")]
    assert client.get(f"/v1/teams/{team_id}/rosters/9/calendars.zip", headers=lead).status_code == 404


def test_pins_survive_a_re_roster_and_compare_shows_the_changes(
    client: TestClient, lead: dict[str, str], team_id: str, version: dict[str, Any]
) -> None:
    shift = next(r for r in version["rows"] if r["activity"] == "shift")
    pins = {"pins": [{"agent_id": shift["agent_id"], "local_date": shift["local_date"]}]}
    pinned = client.put(f"/v1/teams/{team_id}/rosters/1/pins", json=pins, headers=lead)
    assert pinned.status_code == 200
    assert len(pinned.json()["pins"]) == 1
    job = client.post(
        f"/v1/teams/{team_id}/roster-jobs", json={"base_version": 1, "time_limit_s": 2}, headers=lead
    )
    assert job.status_code == 202, job.text
    from tests.api.service.conftest import wait_for_job

    done = wait_for_job(client, job.json()["id"], lead)
    assert done["state"] == "succeeded", done
    second = client.get(f"/v1/teams/{team_id}/rosters/2", headers=lead).json()
    assert second["based_on"] == 1
    kept = [
        r
        for r in second["rows"]
        if (r["agent_id"], r["local_date"]) == (shift["agent_id"], shift["local_date"])
    ]
    assert [(r["start_utc"], r["end_utc"]) for r in kept if r["activity"] == "shift"] == [
        (shift["start_utc"], shift["end_utc"])
    ]
    compared = client.get(f"/v1/teams/{team_id}/rosters/1/compare/2", headers=lead).json()
    assert set(compared) >= {"added", "removed", "changed", "unchanged", "hours_by_agent", "summary"}
    same = client.get(f"/v1/teams/{team_id}/rosters/1/compare/1", headers=lead).json()
    assert (same["added"], same["removed"], same["changed"]) == ([], [], [])
    assert same["unchanged"] == version["summary"]["shifts"]


def test_pins_must_name_shifts_of_the_version(
    client: TestClient, lead: dict[str, str], team_id: str, version: dict[str, Any]
) -> None:
    response = client.put(
        f"/v1/teams/{team_id}/rosters/1/pins",
        json={"pins": [{"agent_id": "a1", "local_date": "2031-01-01"}]},
        headers=lead,
    )
    assert response.status_code == 422
    (issue,) = response.json()["issues"]
    assert issue["column"] == "pins.0"
    assert "version 1 has no shift of a1 on 2031-01-01 (its week starts 2026-11-02)" in issue["reason"]


@pytest.mark.parametrize(
    "starts",
    [(None, None), ("07:00", "10:00"), (None, "10:00")],
    ids=["kept twice", "moved twice", "kept and moved"],
)
def test_two_pins_for_one_agent_day_are_refused_naming_both(
    client: TestClient,
    lead: dict[str, str],
    team_id: str,
    version: dict[str, Any],
    starts: tuple[str | None, str | None],
) -> None:
    shift = next(r for r in version["rows"] if r["activity"] == "shift" and r["agent_id"] == "a1")
    pin = {"agent_id": "a1", "local_date": shift["local_date"]}
    pins = [pin if start is None else {**pin, "start": start} for start in starts]
    response = client.put(f"/v1/teams/{team_id}/rosters/1/pins", json={"pins": pins}, headers=lead)
    assert response.status_code == 422
    (issue,) = response.json()["issues"]
    assert issue["column"] == "pins.1"
    assert f"pins 0 and 1 are both for a1 on {shift['local_date']}" in issue["reason"]
    assert client.get(f"/v1/teams/{team_id}/rosters/1", headers=lead).json()["pins"] == []


def test_a_pin_of_an_agent_no_longer_in_the_team_is_refused(
    client: TestClient, lead: dict[str, str], team_id: str, version: dict[str, Any]
) -> None:
    shift = next(r for r in version["rows"] if r["activity"] == "shift")
    removed = shift["agent_id"]
    assert client.delete(f"/v1/teams/{team_id}/agents/{removed}", headers=lead).status_code == 204
    pins = {"pins": [{"agent_id": removed, "local_date": shift["local_date"]}]}
    response = client.put(f"/v1/teams/{team_id}/rosters/1/pins", json=pins, headers=lead)
    assert response.status_code == 422
    assert f"{removed} is no longer in the team" in response.json()["issues"][0]["reason"]


def test_publish_one_version_per_week(
    client: TestClient,
    lead: dict[str, str],
    tokens: Tokens,
    team_id: str,
    version: dict[str, Any],
    requirements_id: int,
) -> None:
    hr = tokens.make("hr", team_id)
    assert client.post(f"/v1/teams/{team_id}/rosters/1/publish", headers=hr).status_code == 403
    published = client.post(f"/v1/teams/{team_id}/rosters/1/publish", headers=lead)
    assert published.json()["published"] is True
    assert client.post(f"/v1/teams/{team_id}/rosters/1/publish", headers=lead).status_code == 409
    assert solve_roster(client, team_id, requirements_id, lead)["state"] == "succeeded"
    client.post(f"/v1/teams/{team_id}/rosters/2/publish", headers=lead)
    listed = {
        v["number"]: v["published"] for v in client.get(f"/v1/teams/{team_id}/rosters", headers=hr).json()
    }
    assert listed == {1: False, 2: True}


def test_a_real_pin_holds_even_where_the_new_requirement_needs_nobody(
    client: TestClient, lead: dict[str, str], team_id: str, version: dict[str, Any]
) -> None:
    from tests.api.service.conftest import WEEK, requirements_csv, wait_for_job

    monday = next(
        r for r in version["rows"] if r["activity"] == "shift" and r["local_date"] == WEEK.isoformat()
    )
    pins = {"pins": [{"agent_id": monday["agent_id"], "local_date": monday["local_date"]}]}
    assert client.put(f"/v1/teams/{team_id}/rosters/1/pins", json=pins, headers=lead).status_code == 200
    quiet = pd.read_csv(io.StringIO(requirements_csv()))
    quiet = quiet[~quiet["ds"].str.startswith(WEEK.isoformat())]  # nobody needed on Monday any more
    upload = client.post(
        f"/v1/teams/{team_id}/requirements/upload",
        files={"file": ("quiet.csv", quiet.to_csv(index=False))},
        headers=lead,
    )
    body = {"base_version": 1, "requirements_id": upload.json()["id"], "time_limit_s": 2}
    job = client.post(f"/v1/teams/{team_id}/roster-jobs", json=body, headers=lead).json()
    done = wait_for_job(client, job["id"], lead)
    assert done["state"] == "succeeded", done
    second = client.get(f"/v1/teams/{team_id}/rosters/2", headers=lead).json()
    assert [
        (r["start_utc"], r["end_utc"])
        for r in second["rows"]
        if r["activity"] == "shift"
        and (r["agent_id"], r["local_date"]) == (monday["agent_id"], WEEK.isoformat())
    ] == [(monday["start_utc"], monday["end_utc"])]
    assert second["pins"][0]["start_utc"] == monday["start_utc"]


def test_a_re_roster_with_a_lock_time_keeps_the_past_and_lists_its_changes(
    client: TestClient, lead: dict[str, str], team_id: str, version: dict[str, Any], requirements_id: int
) -> None:
    from tests.api.service.conftest import WEEK, availability_csv, wait_for_job

    assert client.post(f"/v1/teams/{team_id}/rosters/1/publish", headers=lead).status_code == 200
    thursday = WEEK.toordinal() + 3
    off = [
        {"agent_id": "a1", "date": date.fromordinal(thursday + d).isoformat(), "kind": "time_off"}
        for d in range(4)
    ]
    imported = client.post(
        f"/v1/teams/{team_id}/availability/imports",
        files={"file": ("off.csv", availability_csv(off))},
        headers=lead,
    )
    assert imported.status_code == 200, imported.text
    lock = "2026-11-04T12:00:00Z"  # Wednesday noon: Monday, Tuesday and Wednesday morning have happened
    naive = {
        "week": WEEK.isoformat(),
        "requirements_id": requirements_id,
        "locked_before": "2026-11-04T12:00:00",
    }
    refused = client.post(f"/v1/teams/{team_id}/roster-jobs", json=naive, headers=lead)
    assert refused.status_code == 422
    assert "offset" in refused.json()["detail"]
    body = {
        "week": WEEK.isoformat(),
        "requirements_id": requirements_id,
        "locked_before": lock,
        "time_limit_s": 2,
    }
    job = client.post(f"/v1/teams/{team_id}/roster-jobs", json=body, headers=lead)
    assert job.status_code == 202, job.text
    done = wait_for_job(client, job.json()["id"], lead)
    assert done["state"] == "succeeded", done
    result = client.get(f"/v1/jobs/{done['id']}/result", headers=lead).json()
    assert result["based_on"] == 1
    second = client.get(f"/v1/teams/{team_id}/rosters/2", headers=lead).json()

    def shifts(detail: dict[str, Any], before: bool) -> set[tuple[str, str, str]]:
        return {
            (r["agent_id"], r["start_utc"], r["end_utc"])
            for r in detail["rows"]
            if r["activity"] == "shift" and (r["start_utc"] < lock) == before
        }

    assert shifts(second, True) == shifts(version, True)
    after_sick_call = [r for r in second["rows"] if r["agent_id"] == "a1" and r["local_date"] >= "2026-11-05"]
    assert {r["activity"] for r in after_sick_call} == {"time_off"}  # no shift: the days away, named
    changed = {(c["agent_id"], c["local_date"]) for c in result["changes"]}
    dropped = {
        (r["agent_id"], r["local_date"])
        for r in version["rows"]
        if r["agent_id"] == "a1" and r["local_date"] >= "2026-11-05"
    }
    assert dropped <= changed
    assert all(c["description"].startswith(("Ann Example", "Bo Example")) for c in result["changes"])
    compared = client.get(f"/v1/teams/{team_id}/rosters/1/compare/2", headers=lead).json()
    assert len(compared["changes"]) == len(result["changes"])


def test_grid_shows_each_shift_in_the_chosen_zone(
    client: TestClient, lead: dict[str, str], team_id: str, version: dict[str, Any]
) -> None:
    from zoneinfo import ZoneInfo

    shifts = [r for r in version["rows"] if r["activity"] == "shift"]
    tz_of = {"a1": "Europe/London", "a2": "America/New_York"}
    for mode in ("team", "agent"):
        response = client.get(f"/v1/teams/{team_id}/rosters/1/grid", params={"zone": mode}, headers=lead)
        assert response.status_code == 200, response.text
        grid = response.json()
        assert grid["days"][0] == "2026-11-02"
        for row in shifts:
            zone = ZoneInfo(tz_of[row["agent_id"]] if mode == "agent" else "Europe/London")
            start = pd.Timestamp(row["start_utc"]).tz_convert(zone)
            end = pd.Timestamp(row["end_utc"]).tz_convert(zone)
            agent = next(a for a in grid["agents"] if a["id"] == row["agent_id"])
            cell = next(c for c in agent["cells"] if c["date"] == start.date().isoformat())
            assert f"{start:%H:%M}–{end:%H:%M}" in [s["label"] for s in cell["shifts"]]
    bad = client.get(f"/v1/teams/{team_id}/rosters/1/grid", params={"zone": "mars"}, headers=lead)
    assert bad.status_code == 422


def test_coverage_chart_covers_the_week(
    client: TestClient, lead: dict[str, str], team_id: str, version: dict[str, Any]
) -> None:
    chart = client.get(f"/v1/teams/{team_id}/rosters/1/coverage/chart", headers=lead).json()
    (queue,) = chart["queues"]
    assert len(queue["x_hours"]) == len(queue["required"]) == 7 * 24
    assert [t["label"] for t in chart["ticks"]][:2] == ["Mon 02 Nov", "Tue 03 Nov"]
    assert len(queue["daily_service_level"]) == 7
    assert queue["shortfall_hours"] == pytest.approx(version["summary"]["understaffed_agent_hours"], abs=0.05)
    # short only where service suffers: the stretches of the version's report, in its words
    assert [s["text"] for s in queue["short_stretches"]] == [
        s["words"] for s in version["report"]["short_stretches"]
    ]


def test_a_moved_shift_is_pinned_and_kept_by_the_re_roster(
    client: TestClient, lead: dict[str, str], team_id: str, version: dict[str, Any]
) -> None:
    from tests.api.service.conftest import wait_for_job

    shift = next(r for r in version["rows"] if r["activity"] == "shift" and r["agent_id"] == "a1")
    start = pd.Timestamp(shift["start"])
    new_start = "10:00" if start.hour != 10 else "08:00"
    pins = {"pins": [{"agent_id": "a1", "local_date": shift["local_date"], "start": new_start}]}
    response = client.put(f"/v1/teams/{team_id}/rosters/1/pins", json=pins, headers=lead)
    assert response.status_code == 200, response.text
    (pin,) = response.json()["pins"]
    moved_by = pd.Timestamp(pin["start_utc"]) - pd.Timestamp(shift["start_utc"])
    assert pd.Timestamp(pin["end_utc"]) - pd.Timestamp(shift["end_utc"]) == moved_by
    # the version changed in place: its spreadsheet and the agent's calendar say the new start
    csv = pd.read_csv(io.StringIO(client.get(f"/v1/teams/{team_id}/rosters/1/roster.csv", headers=lead).text))
    day_rows = csv[
        (csv["agent_id"] == "a1") & (csv["local_date"] == shift["local_date"]) & (csv["activity"] == "shift")
    ]
    assert list(day_rows["start_utc"].map(pd.Timestamp)) == [pd.Timestamp(pin["start_utc"])]
    ics = client.get(f"/v1/teams/{team_id}/rosters/1/calendars/a1.ics", headers=lead).text
    assert f"T{new_start.replace(':', '')}00" in ics
    job = client.post(
        f"/v1/teams/{team_id}/roster-jobs", json={"base_version": 1, "time_limit_s": 2}, headers=lead
    )
    done = wait_for_job(client, job.json()["id"], lead)
    assert done["state"] == "succeeded", done
    second = client.get(f"/v1/teams/{team_id}/rosters/2", headers=lead).json()
    kept = [r for r in second["rows"] if r["activity"] == "shift" and r["agent_id"] == "a1"]
    day = next(r for r in kept if r["local_date"] == shift["local_date"])
    assert pd.Timestamp(day["start"]).strftime("%H:%M") == new_start
    # once the moved shift has been worked, a re-roster keeps it as worked: where it was moved to
    locked = {"base_version": 1, "locked_before": pin["end_utc"], "time_limit_s": 2}
    done = wait_for_job(
        client, client.post(f"/v1/teams/{team_id}/roster-jobs", json=locked, headers=lead).json()["id"], lead
    )
    assert done["state"] == "succeeded", done


def test_a_shift_moved_outside_the_shift_rules_is_refused_in_words(
    client: TestClient, lead: dict[str, str], team_id: str, version: dict[str, Any]
) -> None:
    shift = next(r for r in version["rows"] if r["activity"] == "shift" and r["agent_id"] == "a1")
    pins = {
        "pins": [{"agent_id": "a1", "local_date": shift["local_date"], "start": "13:00"}]
    }  # latest is 10:00
    before = client.get(f"/v1/teams/{team_id}/rosters/1", headers=lead).json()["pins"]
    response = client.put(f"/v1/teams/{team_id}/rosters/1/pins", json=pins, headers=lead)
    assert response.status_code == 422
    issues = response.json()["issues"]  # (and, by the roster solved, maybe the rest before the next day)
    assert {i["column"] for i in issues} == {"pins.0.start"}
    reasons = [i["reason"] for i in issues]
    assert any("Ann Example" in r and "13:00 is not an allowed start time" in r for r in reasons), reasons
    assert client.get(f"/v1/teams/{team_id}/rosters/1", headers=lead).json()["pins"] == before
    bad = {"pins": [{"agent_id": "a1", "local_date": shift["local_date"], "start": "25:00"}]}
    assert client.put(f"/v1/teams/{team_id}/rosters/1/pins", json=bad, headers=lead).status_code == 422


def test_the_week_after_a_published_one_counts_it_as_last_week_unless_another_is_named(
    client: TestClient, lead: dict[str, str], team_id: str, version: dict[str, Any]
) -> None:
    """A roster job names no last week: the week before's published version is counted (rest and days
    in a row across the week's start, its shifts running on as cover); none is, until one is published."""
    next_week = WEEK + timedelta(days=7)
    files = {"file": ("requirements.csv", requirements_csv(next_week), "text/csv")}
    uploaded = client.post(f"/v1/teams/{team_id}/requirements/upload", files=files, headers=lead)
    assert uploaded.status_code == 201, uploaded.text
    requirements = int(uploaded.json()["id"])

    def counted_last_week(job: dict[str, Any]) -> bool:
        assert job["state"] == "succeeded", job
        detail = client.get(f"/v1/teams/{team_id}/rosters/{job['version']}", headers=lead).json()
        return any(line.startswith("last week's roster counted") for line in detail["report"]["lines"])

    assert not counted_last_week(
        solve_roster(client, team_id, requirements, lead, week=next_week.isoformat())
    )
    client.post(f"/v1/teams/{team_id}/rosters/{version['number']}/publish", headers=lead)
    assert counted_last_week(solve_roster(client, team_id, requirements, lead, week=next_week.isoformat()))


@pytest.mark.parametrize("reoptimize", [False, True])
def test_a_re_roster_with_no_week_broken_keeps_every_shift_unless_asked_to_reoptimize(
    client: TestClient, lead: dict[str, str], team_id: str, version: dict[str, Any], reoptimize: bool
) -> None:
    """Nothing in the availability breaks version 1, so a re-roster repairs nobody and keeps every
    shift, stretch and break; with `reoptimize`, every shift may change at its cost (the job runs)."""
    from tests.api.service.conftest import wait_for_job

    body = {"base_version": 1, "time_limit_s": 2, "reoptimize": reoptimize}
    job = client.post(f"/v1/teams/{team_id}/roster-jobs", json=body, headers=lead)
    assert job.status_code == 202, job.text
    assert wait_for_job(client, job.json()["id"], lead)["state"] == "succeeded"
    second = client.get(f"/v1/teams/{team_id}/rosters/2", headers=lead).json()
    if not reoptimize:
        assert second["rows"] == version["rows"]
        compared = client.get(f"/v1/teams/{team_id}/rosters/1/compare/2", headers=lead).json()
        assert (compared["added"], compared["removed"], compared["changed"]) == ([], [], [])


@pytest.mark.parametrize("other_requirements", [False, True])
def test_a_re_roster_against_other_requirements_than_the_bases_re_rosters_every_agent(
    client: TestClient, lead: dict[str, str], team_id: str, version: dict[str, Any], other_requirements: bool
) -> None:
    """A repair keeps everyone whose week breaks no rule, which is right for a sick call and wrong
    for a new forecast: against other requirements than the base version's, every agent is
    re-rostered (the report then has no repair line); against the base's own, nobody is."""
    from tests.api.service.conftest import wait_for_job

    body: dict[str, Any] = {"base_version": 1, "time_limit_s": 2}
    if other_requirements:
        files = {"file": ("requirements.csv", requirements_csv(agents=2), "text/csv")}
        uploaded = client.post(f"/v1/teams/{team_id}/requirements/upload", files=files, headers=lead)
        assert uploaded.status_code == 201, uploaded.text
        body["requirements_id"] = uploaded.json()["id"]
    job = client.post(f"/v1/teams/{team_id}/roster-jobs", json=body, headers=lead)
    assert job.status_code == 202, job.text
    assert wait_for_job(client, job.json()["id"], lead)["state"] == "succeeded"
    lines = client.get(f"/v1/teams/{team_id}/rosters/2", headers=lead).json()["report"]["lines"]
    repair_lines = [line for line in lines if line.startswith("re-rostered")]
    if other_requirements:
        assert repair_lines == [], repair_lines
    else:
        assert [line.split(":")[0] for line in repair_lines] == ["re-rostered nobody"]
