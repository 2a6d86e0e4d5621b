"""Hostile input, one test (or case) per finding of the adversarial review (issue 20): exports that
cannot run formulas, bounded inputs, no integer overflow, safe ids and download names, unreadable
bodies, length limits, big work as jobs, the role before the body, and workers below the service.
SIGTERM and SIGKILL of `wfm serve` are in test_serve_process.py.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.cells import is_formula_like
from api.schemas import team_from_mapping
from api.service import Settings, create_app
from api.service.db import JobRow, make_engine, session_factory, transaction, utcnow
from api.service.downloads import content_disposition
from api.service.storage import import_availability
from common.errors import InvalidInput
from scheduler import AvailabilityEntry
from tests.api.service.conftest import (
    WEEK,
    Tokens,
    availability_csv,
    requirements_csv,
    service_as_admin,
    solve_roster,
    tiny_team,
    wait_for_job,
)

FORMULA_NAME = '=HYPERLINK("http://evil.example","click")'
HUGE = [2**31, 2**63, 2**64 + 1, 10**30]


def _team_with(**agent: Any) -> dict[str, Any]:
    team = tiny_team()
    team["agents"][0] = {**team["agents"][0], **agent}
    return team


def _issue_columns(response: Any) -> set[str]:
    return {str(i["column"]) for i in response.json()["issues"]}


# --- 20.1 formula injection ------------------------------------------------------------------


@pytest.fixture
def evil_roster(client: TestClient, admin: dict[str, str]) -> tuple[str, dict[str, str]]:
    """A solved roster of a team whose agent is named like a formula: the team id and an admin token."""
    team_id = client.post("/v1/teams", json=_team_with(name=FORMULA_NAME), headers=admin).json()["id"]
    files = {"file": ("r.csv", requirements_csv())}
    upload = client.post(f"/v1/teams/{team_id}/requirements/upload", files=files, headers=admin)
    assert solve_roster(client, team_id, upload.json()["id"], admin)["state"] == "succeeded"
    return team_id, admin


def _csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_roster_exports_hold_no_live_formula(
    client: TestClient, evil_roster: tuple[str, dict[str, str]]
) -> None:
    team_id, admin = evil_roster
    roster_csv = client.get(f"/v1/teams/{team_id}/rosters/1/roster.csv", headers=admin).text
    cells = _csv_cells(roster_csv)
    assert "'" + FORMULA_NAME in cells
    assert not any(is_formula_like(c) for c in cells)
    book = load_workbook(
        io.BytesIO(client.get(f"/v1/teams/{team_id}/rosters/1/roster.xlsx", headers=admin).content)
    )
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    if is_formula_like(cell.value):  # text that shows as written and is never calculated
                        assert cell.data_type == "s", (sheet.title, cell.coordinate)
                        assert cell.quotePrefix, (sheet.title, cell.coordinate)
    assert FORMULA_NAME in texts
    coverage = book["Coverage"]
    assert isinstance(coverage["D2"].value, int)  # numbers stay numbers


def test_comparison_exports_hold_no_live_formula_and_negative_numbers_stay_numbers(
    client: TestClient, evil_roster: tuple[str, dict[str, str]]
) -> None:
    team_id, admin = evil_roster
    requirements_id = client.get(f"/v1/teams/{team_id}/requirements", headers=admin).json()[0]["id"]
    body = {
        "team_id": team_id,
        "requirements_id": requirements_id,
        "week": WEEK.isoformat(),
        "scenarios": [
            {"name": "-2+3", "changes": [{"kind": "volume", "multiplier": 0.5}]},
            {"name": "@SUM(A1:A9)", "changes": [{"kind": "volume", "multiplier": 2}]},
        ],
    }
    stored = client.post("/v1/scenarios", json=body, headers=admin)
    assert stored.status_code == 201, stored.text
    scenario_id = stored.json()["id"]
    text = client.get(f"/v1/scenarios/{scenario_id}/comparison.csv", headers=admin).text
    assert not any(is_formula_like(c) for c in _csv_cells(text))
    table = pd.read_csv(io.StringIO(text))
    assert list(table["scenario"]) == ["base", "'-2+3", "'@SUM(A1:A9)"]
    assert table["delta_volume"].dtype == float
    assert table["delta_volume"].iloc[1] < 0  # a negative delta is still a number
    book = load_workbook(
        io.BytesIO(client.get(f"/v1/scenarios/{scenario_id}/comparison.xlsx", headers=admin).content)
    )
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)
    assert book["Deltas"]["C2"].value is None or isinstance(book["Deltas"]["C2"].value, float | int)


def test_formula_like_ids_and_keys_are_refused(client: TestClient, admin: dict[str, str]) -> None:
    for agent, column in (({"id": "=cmd"}, "agents.0.id"), ({"skills": ["=email"]}, "agents.0.skills.0")):
        response = client.post("/v1/teams", json=_team_with(**agent), headers=admin)
        assert response.status_code == 422
        assert f"body.{column}" in _issue_columns(response)
    team = tiny_team()
    team["queues"] = [{"name": "@email", "channel": "email"}]
    response = client.post("/v1/teams", json=team, headers=admin)
    assert "body.queues.0.name" in _issue_columns(response)


# --- 20.3 bounded scenario inputs, big work as jobs -----------------------------------------


def _scenario_body(team_id: str, requirements_id: int, **extra: Any) -> dict[str, Any]:
    return {"team_id": team_id, "requirements_id": requirements_id, "week": WEEK.isoformat(), **extra}


def test_scenario_changes_and_counts_are_bounded(
    client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int
) -> None:
    for change in (
        {"kind": "add_agents", "count": 1e9},
        {"kind": "add_agents", "count": 20000},
        {"kind": "headcount", "agents": 10**6},
        {"kind": "remove_agents", "count": 2**63},
        {"kind": "volume", "multiplier": 1e308},
        {"kind": "aht", "add_s": -1e12},
        {"kind": "shift_rules", "lengths_hours": [8] * 49},
    ):
        body = _scenario_body(team_id, requirements_id, scenarios=[{"name": "big", "changes": [change]}])
        response = client.post("/v1/scenarios", json=body, headers=lead)
        assert response.status_code == 422, (change, response.text)
        assert response.json()["issues"]
    for extra in (
        {"sweep": {"volume": [1.0 + i / 100 for i in range(50)], "headcount": list(range(1, 51))}},  # 2,500
        {"sweep": {"volume": [1.0] * 51}},
        {"scenarios": [{"name": f"s{i}"} for i in range(51)]},
        {"scenarios": [{"name": "x", "changes": [{"kind": "volume", "multiplier": 1}] * 21}]},
    ):
        body = _scenario_body(team_id, requirements_id, **extra)
        response = client.post("/v1/scenarios", json=body, headers=lead)
        assert response.status_code == 422, (extra, response.text)


def test_more_scenarios_than_answer_at_once_run_as_a_job(
    client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int, settings: Settings
) -> None:
    many = [
        {"name": f"volume x{i}", "changes": [{"kind": "volume", "multiplier": 1 + i / 10}]}
        for i in range(settings.inline_scenarios + 1)
    ]
    response = client.post(
        "/v1/scenarios", json=_scenario_body(team_id, requirements_id, scenarios=many), headers=lead
    )
    assert response.status_code == 202, response.text
    job = wait_for_job(client, response.json()["id"], lead)
    assert job["state"] == "succeeded", job
    result = client.get(f"/v1/jobs/{job['id']}/result", headers=lead).json()
    assert len(result["rows"]) == len(many) + 1


def test_a_scenario_that_grows_the_traffic_many_times_runs_as_a_job(
    client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int
) -> None:
    """One scenario of a hundred times the volume and the handle time took 14 s inside the request."""
    heavy = [
        {
            "name": "a hundred times busier",
            "changes": [{"kind": "volume", "multiplier": 100}, {"kind": "aht", "multiplier": 100}],
        }
    ]
    response = client.post(
        "/v1/scenarios", json=_scenario_body(team_id, requirements_id, scenarios=heavy), headers=lead
    )
    assert response.status_code == 202, response.text
    light = [{"name": "a fifth busier", "changes": [{"kind": "volume", "multiplier": 1.2}]}]
    response = client.post(
        "/v1/scenarios", json=_scenario_body(team_id, requirements_id, scenarios=light), headers=lead
    )
    assert response.status_code == 201, response.text


# --- 20.4 integer overflow -------------------------------------------------------------------


ID_PATHS = [
    "/v1/teams/{team}/rosters/{n}",
    "/v1/teams/{team}/rosters/1/compare/{n}",
    "/v1/teams/{team}/rosters/{n}/roster.csv",
    "/v1/teams/{team}/requirements/{n}",
    "/v1/teams/{team}/history/{n}",
    "/v1/teams/{team}/forecasts/{n}",
    "/v1/scenarios/{n}",
    "/v1/scenarios/{n}/comparison.csv",
]


def test_huge_ids_in_paths_are_refused(client: TestClient, admin: dict[str, str], team_id: str) -> None:
    for path in ID_PATHS:
        for number in HUGE:
            response = client.get(path.format(team=team_id, n=number), headers=admin)
            assert response.status_code == 422, (path, number, response.text)


@pytest.mark.parametrize("number", [2**31, 2**64 + 1])
def test_huge_ids_and_seeds_in_bodies_are_refused(
    client: TestClient, admin: dict[str, str], team_id: str, requirements_id: int, number: int
) -> None:
    jobs = f"/v1/teams/{team_id}/roster-jobs"
    week = WEEK.isoformat()
    for body, field in (
        ({"week": week, "requirements_id": number}, "requirements_id"),
        ({"week": week, "requirements_id": requirements_id, "seed": number}, "seed"),
        ({"base_version": number}, "base_version"),
        ({"week": week, "requirements_id": requirements_id, "previous_version": number}, "previous_version"),
    ):
        response = client.post(jobs, json=body, headers=admin)
        assert response.status_code == 422, response.text
        assert f"body.{field}" in _issue_columns(response)
    forecast = client.post(
        f"/v1/teams/{team_id}/forecasts", json={"history_id": number, "week": week}, headers=admin
    )
    assert forecast.status_code == 422
    scenario = {"team_id": team_id, "requirements_id": number, "week": week, "scenarios": [{"name": "x"}]}
    assert client.post("/v1/scenarios", json=scenario, headers=admin).status_code == 422
    assert client.delete(f"/v1/tokens/{number}", headers=admin).status_code == 422


def test_huge_numbers_in_a_team_are_refused(client: TestClient, admin: dict[str, str]) -> None:
    for change in (
        {"interval_minutes": 2**63},
        {"queues": [{"name": "email", "channel": "email", "concurrency": 10**30}]},
        {"labour_rules": {"max_consecutive_days": 2**70}},
        {"weights": {"under_tiers": 10**9}},
        {"shrinkage": float("nan")},
    ):
        body = json.dumps({**tiny_team(), **change})  # NaN as JavaScript's NaN, which Python's JSON reads
        response = client.post(
            "/v1/teams", content=body, headers={**admin, "Content-Type": "application/json"}
        )
        assert response.status_code == 422, (change, response.text)


# --- 20.5 ids and download names -------------------------------------------------------------

BAD_IDS = ['a"b', "a;b", "a\r\nb", "агент", "a/b", "", "x" * 65, ".hidden", "a b"]


def test_unsafe_agent_ids_are_refused_where_they_are_made(
    client: TestClient, admin: dict[str, str], team_id: str
) -> None:
    for agent_id in BAD_IDS:
        created = client.post("/v1/teams", json=_team_with(id=agent_id), headers=admin)
        assert created.status_code == 422, agent_id
        assert "body.agents.0.id" in _issue_columns(created)
        agent = {**tiny_team()["agents"][1], "id": agent_id}
        assert client.post(f"/v1/teams/{team_id}/agents", json=agent, headers=admin).status_code == 422
        with pytest.raises(InvalidInput) as refused:  # the team file reader
            team_from_mapping(_team_with(id=agent_id))
        assert [i.column for i in refused.value.issues] == ["agents.0.id"]


@pytest.mark.parametrize(
    "name", ['x";filename="evil.exe', "a;b=c", "x\r\nSet-Cookie: a=b", "календарь.ics", "a/../b.ics", ""]
)
def test_download_names_cannot_break_their_header(name: str) -> None:
    header = content_disposition(name)
    assert "\r" not in header
    assert "\n" not in header
    assert header.isascii()
    disposition, plain, encoded = header.split("; ")  # exactly two parameters
    assert disposition == "attachment"
    assert plain.startswith('filename="')
    assert '"' not in plain.removeprefix('filename="').removesuffix('"')
    assert unquote(encoded.removeprefix("filename*=UTF-8''")) == name


def test_downloads_name_their_file_twice(client: TestClient, evil_roster: tuple[str, dict[str, str]]) -> None:
    team_id, admin = evil_roster
    response = client.get(f"/v1/teams/{team_id}/rosters/1/calendars/a1.ics", headers=admin)
    assert response.status_code == 200
    assert response.headers["content-disposition"] == (
        f"attachment; filename=\"{team_id}-v1-a1.ics\"; filename*=UTF-8''{team_id}-v1-a1.ics"
    )


# --- 20.6 the smaller points -----------------------------------------------------------------


def test_unreadable_bodies_get_the_usual_error_with_issues(client: TestClient, admin: dict[str, str]) -> None:
    for body in (b'\xff\xfe{"name": "x"}', b"[" * 5000 + b"]" * 5000, b'{"name": "\xc3"}'):
        response = client.post(
            "/v1/teams", content=body, headers={**admin, "Content-Type": "application/json"}
        )
        assert response.status_code == 422, body[:20]
        assert response.json()["title"] == "invalid request"
        assert response.json()["issues"][0]["column"].startswith("body")


def test_names_labels_and_notes_have_length_limits(
    client: TestClient, admin: dict[str, str], lead: dict[str, str], team_id: str
) -> None:
    long_name = client.post("/v1/teams", json={**tiny_team(), "name": "x" * 1_000_000}, headers=admin)
    assert long_name.status_code == 422
    assert "body.name" in _issue_columns(long_name)
    long_label = client.post("/v1/tokens", json={"role": "admin", "label": "x" * 201}, headers=admin)
    assert long_label.status_code == 422
    rows = [{"agent_id": "a1", "date": "2026-11-03", "kind": "time_off", "note": "x" * 1001}]
    files = {"file": ("a.csv", availability_csv(rows))}
    note = client.post(f"/v1/teams/{team_id}/availability/imports", files=files, headers=lead)
    assert note.status_code == 422
    assert note.json()["issues"][0]["column"] == "note"
    assert client.get(f"/v1/teams/{team_id}/availability", headers=lead).json() == []


def test_bodies_above_the_limits_are_refused_unread(settings: Settings) -> None:
    small = settings.model_copy(update={"max_json_bytes": 10_000, "max_upload_bytes": 10_000})
    with service_as_admin(small) as (client, admin):
        team = client.post("/v1/teams", json={**tiny_team(), "pad": "x" * 20_000}, headers=admin)
        assert team.status_code == 413
        team_id = client.post("/v1/teams", json=tiny_team(), headers=admin).json()["id"]
        files = {"file": ("r.csv", requirements_csv() + "\n" * 70_000)}
        upload = client.post(f"/v1/teams/{team_id}/requirements/upload", files=files, headers=admin)
        assert upload.status_code == 413
        assert upload.json()["title"] in ("request too large", "file too large")
        # the JSON routes beside uploads keep the JSON limit (10 KB here, 2 MiB by default), not the upload's
        padded = b'{"entries": [], "pad": "' + b"x" * 12_000 + b'"}'
        for path in ("availability/entries", "availability/removals", "forecasts", "requirements"):
            sent = client.post(
                f"/v1/teams/{team_id}/{path}",
                content=padded,
                headers={**admin, "Content-Type": "application/json"},
            )
            assert sent.status_code == 413, (path, sent.text)


def test_big_imports_and_forecasts_run_as_jobs(settings: Settings) -> None:
    eager = settings.model_copy(update={"inline_import_bytes": 0, "inline_forecast_rows": 0})
    with service_as_admin(eager) as (client, admin):
        team_id = client.post("/v1/teams", json=tiny_team(), headers=admin).json()["id"]
        good = [{"agent_id": "a1", "date": "2026-11-03", "kind": "time_off", "note": "dentist"}]
        files = {"file": ("a.csv", availability_csv(good))}
        answer = client.post(f"/v1/teams/{team_id}/availability/imports", files=files, headers=admin)
        assert answer.status_code == 202, answer.text
        assert wait_for_job(client, answer.json()["id"], admin)["state"] == "succeeded"
        report = client.get(f"/v1/jobs/{answer.json()['id']}/result", headers=admin).json()
        assert (report["rows"], report["added"]) == (1, 1)
        assert len(client.get(f"/v1/teams/{team_id}/availability", headers=admin).json()) == 1
        bad = [{"agent_id": "nobody", "date": "2026-11-03", "kind": "time_off"}]
        files = {"file": ("a.csv", availability_csv(bad))}
        failed = client.post(f"/v1/teams/{team_id}/availability/imports", files=files, headers=admin).json()
        assert wait_for_job(client, failed["id"], admin)["state"] == "failed"
        result = client.get(f"/v1/jobs/{failed['id']}/result", headers=admin)
        assert result.status_code == 422
        assert result.json()["issues"][0]["column"] == "agent_id"
        files = {"file": ("h.csv", _history_csv())}
        history = client.post(f"/v1/teams/{team_id}/history", files=files, headers=admin)
        assert history.status_code == 202
        assert wait_for_job(client, history.json()["id"], admin)["state"] == "succeeded"
        history_id = client.get(f"/v1/jobs/{history.json()['id']}/result", headers=admin).json()["id"]
        forecast = client.post(
            f"/v1/teams/{team_id}/forecasts",
            json={"history_id": history_id, "week": WEEK.isoformat()},
            headers=admin,
        )
        assert forecast.status_code == 202
        assert wait_for_job(client, forecast.json()["id"], admin)["state"] == "succeeded"
        stored = client.get(f"/v1/jobs/{forecast.json()['id']}/result", headers=admin).json()
        assert stored["kind"] == "forecast"


def _history_csv() -> str:
    ds = pd.date_range(pd.Timestamp(WEEK, tz="UTC") - pd.Timedelta(days=14), periods=14 * 24, freq="h")
    frame = pd.DataFrame({"ds": [t.isoformat() for t in ds], "queue": "email", "y": 3})
    return frame.to_csv(index=False)


def test_the_role_is_checked_before_the_body(client: TestClient, tokens: Tokens, team_id: str) -> None:
    for role, method, path, team_in_token in (
        ("hr", "post", "/v1/teams/{team}/roster-jobs", True),
        ("planner", "post", "/v1/teams", True),
        ("lead", "post", "/v1/tokens", True),
        ("hr", "post", "/v1/scenarios", True),
        ("hr", "put", "/v1/teams/{team}", True),
        ("planner", "put", "/v1/teams/{team}/rosters/1/pins", True),
        ("lead", "post", "/v1/teams/{team}/roster-jobs", False),  # a team it may not see: 404
    ):
        headers = tokens.make(role, team_id if team_in_token else "other-team")
        response = client.request(method, path.format(team=team_id), json={"junk": True}, headers=headers)
        assert response.status_code == (403 if team_in_token else 404), (role, path, response.text)


def test_a_time_limit_below_the_minimum_is_refused(
    client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int
) -> None:
    body = {"week": WEEK.isoformat(), "requirements_id": requirements_id, "time_limit_s": 0.5}
    response = client.post(f"/v1/teams/{team_id}/roster-jobs", json=body, headers=lead)
    assert response.status_code == 422
    assert "body.time_limit_s" in _issue_columns(response)


def test_a_job_that_failed_inside_has_a_409_result_not_a_500(
    client: TestClient, settings: Settings, lead: dict[str, str], team_id: str
) -> None:
    engine = make_engine(settings.database_url)
    with transaction(session_factory(engine)) as session:
        error = {"status": 500, "title": "internal error", "detail": "KeyError"}
        session.add(
            JobRow(
                id="f" * 32,
                team_id=team_id,
                kind="roster",
                state="failed",
                params={},
                error=error,
                created_at=utcnow(),
            )
        )
    engine.dispose()
    response = client.get(f"/v1/jobs/{'f' * 32}/result", headers=lead)
    assert response.status_code == 409
    assert response.json()["title"] == "internal error"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads process priorities")
def test_worker_processes_run_at_a_lower_priority_than_the_service(settings: Settings) -> None:
    # the suite runs its workers at the tests' priority (tests/conftest.py); this test sets the default
    niced = settings.model_copy(update={"worker_niceness": Settings.model_fields["worker_niceness"].default})
    assert niced.worker_niceness > 0
    expected = os.getpriority(os.PRIO_PROCESS, 0) + niced.worker_niceness

    def spare_below() -> bool:  # the spare worker starts in the background and lowers itself first thing
        spares = [p for p in multiprocessing.active_children() if p.name == "wfm-job-worker"]
        return bool(spares) and _niceness(spares[0].pid or 0) == expected

    with TestClient(create_app(niced)):
        deadline = time.monotonic() + 60  # a guard, not a timing check
        while not spare_below() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert spare_below()


def _niceness(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])
    except (OSError, IndexError, ValueError):
        return None


def test_a_team_holds_a_bounded_number_of_availability_rows(settings: Settings, team_id: str) -> None:
    entries = tuple(AvailabilityEntry("a1", "time_off", on_date=WEEK + timedelta(days=d)) for d in range(3))
    engine = make_engine(settings.database_url)
    try:
        with transaction(session_factory(engine)) as session:
            kwargs: dict[str, Any] = {"mode": "merge", "filename": "a.csv", "sha256": "", "token_id": None}
            with pytest.raises(InvalidInput, match="at most 2 are kept"):
                import_availability(session, team_id, entries, dry_run=True, max_rows=2, **kwargs)
            report = import_availability(session, team_id, entries, dry_run=False, max_rows=3, **kwargs)
            assert report["added"] == 3
            replaced = import_availability(session, team_id, entries[:1], dry_run=True, max_rows=3, **kwargs)
            assert replaced["unchanged"] == 1
    finally:
        engine.dispose()


def test_a_header_given_twice_or_two_files_in_one_body_are_refused_and_nothing_is_stored(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    """'agent_id' and 'AGENT_ID' in one header: which column names the agent is a guess; two file
    parts in one body: which file to import is a guess. Both are refused, and no row is stored."""
    url = f"/v1/teams/{team_id}/availability/imports"
    twice = "agent_id,AGENT_ID,date,kind\na1,a2,2026-11-10,time_off\n"
    answer = client.post(url, files={"file": ("hr.csv", twice)}, headers=lead)
    assert answer.status_code == 422, answer.text
    (issue,) = answer.json()["issues"]
    assert issue["row"] == 1
    assert "columns A 'agent_id' and B 'AGENT_ID' are the same header" in issue["reason"]
    good = "agent_id,date,kind\na1,2026-11-10,time_off\n"
    both = [("file", ("a.csv", good)), ("file", ("b.csv", good))]
    answer = client.post(url, files=both, headers=lead)
    assert answer.status_code == 422, answer.text
    assert "2 file parts" in answer.json()["issues"][0]["reason"]
    assert client.get(f"/v1/teams/{team_id}/availability", headers=lead).json() == []


def test_a_key_given_twice_is_refused_in_json_bodies_and_team_files(
    client: TestClient, admin: dict[str, str], team_id: str
) -> None:
    """Read as the last one, `time_limit_s` given twice would be whichever came last, and a team file
    with `tz:` twice would be in the second zone without a word."""
    body = '{"week": "2026-11-02", "time_limit_s": 2, "time_limit_s": 1e9}'
    headers = {**admin, "content-type": "application/json"}
    answer = client.post(f"/v1/teams/{team_id}/roster-jobs", content=body, headers=headers)
    assert answer.status_code == 422, answer.text
    assert "the key 'time_limit_s' is given twice" in answer.json()["issues"][0]["reason"]
    team = "name: Twice\ntz: Europe/Dublin\ntz: Asia/Manila\n"
    answer = client.post("/v1/teams/upload", files={"file": ("team.yaml", team)}, headers=admin)
    assert answer.status_code == 422, answer.text
    assert "the key 'tz' is given twice (lines 2 and 3)" in answer.text


def test_the_page_cannot_be_framed_and_runs_only_the_services_scripts(client: TestClient) -> None:
    for path in ("/", "/health"):
        headers = client.get(path).headers
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        policy = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy
        assert "script-src 'self'" in policy


def test_an_uploads_errors_never_show_the_servers_temporary_path() -> None:
    """A reader's message may quote the file it read: the upload's name stands for it."""

    from api.service.uploads import parse_upload
    from common.errors import InputIssue, InvalidInput

    def reader(path: Path) -> None:
        raise InvalidInput([InputIssue(f"could not read worksheets from {path}", str(path))])

    with pytest.raises(InvalidInput) as caught:
        parse_upload(b"a,b\n1,2\n", "hr.csv", reader, (".csv",))
    (issue,) = caught.value.issues
    assert issue.file == "hr.csv"
    assert issue.reason == "could not read worksheets from hr.csv"


def test_advice_for_more_time_says_what_this_service_allows() -> None:
    from api.service.roster_worker import _beyond_this_service
    from common.errors import TimeTooShort

    short = TimeTooShort("No roster was found in 10 s. Allow at least 23 s.", 23.0)
    assert _beyond_this_service(short, 600.0) is short
    beyond = _beyond_this_service(short, 10.0)
    assert beyond.needed_s == 23.0
    assert "This service allows at most 10 s a solve" in str(beyond)
    assert "wfm roster --time-limit 23" in str(beyond)
