"""Roster jobs: answered at once, solved in a worker process, progress, cancel, infeasible, restart."""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.service import Settings, create_app
from api.service.codec import entry_to_dict
from api.service.db import RosterVersionRow, make_engine
from api.service.storage import version_absent_days
from scheduler.domain import AvailabilityEntry
from tests.api.service.conftest import WEEK, availability_csv, solve_roster, wait_for_job


def test_a_job_runs_to_a_stored_roster_version(
    client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int
) -> None:
    job = solve_roster(client, team_id, requirements_id, lead)
    assert job["state"] == "succeeded", job
    assert job["version"] == 1
    assert job["objective"] is not None
    assert job["elapsed_s"] is not None
    result = client.get(f"/v1/jobs/{job['id']}/result", headers=lead).json()
    assert result["number"] == 1
    assert result["summary"]["shifts"] > 0
    detail = client.get(f"/v1/teams/{team_id}/rosters/1", headers=lead).json()
    assert {r["activity"] for r in detail["rows"]} == {"shift"}
    assert [j["id"] for j in client.get(f"/v1/teams/{team_id}/roster-jobs", headers=lead).json()] == [
        job["id"]
    ]


def test_an_infeasible_request_fails_with_a_422_explanation(
    client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int
) -> None:
    week_off = [
        {"agent_id": "a1", "date": (WEEK + timedelta(days=d)).isoformat(), "kind": "unavailable"}
        for d in range(7)
    ]
    client.post(
        f"/v1/teams/{team_id}/availability/imports",
        files={"file": ("off.csv", availability_csv(week_off))},
        headers=lead,
    )
    job = solve_roster(client, team_id, requirements_id, lead)
    assert job["state"] == "failed"
    assert job["error"]["status"] == 422
    assert job["error"]["conflicts"]
    result = client.get(f"/v1/jobs/{job['id']}/result", headers=lead)
    assert result.status_code == 422
    assert result.json()["title"] == "infeasible"
    assert client.get(f"/v1/teams/{team_id}/rosters", headers=lead).json() == []


def test_bad_job_requests_are_refused_at_once(
    client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int
) -> None:
    base = f"/v1/teams/{team_id}/roster-jobs"
    far = client.post(base, json={"week": "2030-01-07", "requirements_id": requirements_id}, headers=lead)
    assert far.status_code == 422
    assert (
        f"requirements {requirements_id} (requirements.csv): no requirement falls in the week"
        in far.json()["detail"]
    )
    assert far.json()["detail"].endswith(f"plan the week of {WEEK}")
    assert (
        client.post(base, json={"week": WEEK.isoformat(), "requirements_id": 77}, headers=lead).status_code
        == 404
    )
    assert client.post(base, json={"requirements_id": requirements_id}, headers=lead).status_code == 422
    too_long = {"week": WEEK.isoformat(), "requirements_id": requirements_id, "time_limit_s": 10_000}
    assert client.post(base, json=too_long, headers=lead).status_code == 422
    for not_a_number in (True, "2"):  # not read as 1 s and 2 s
        loose = {"week": WEEK.isoformat(), "requirements_id": requirements_id, "time_limit_s": not_a_number}
        assert client.post(base, json=loose, headers=lead).status_code == 422
    far_future = {"week": "9999-12-27", "requirements_id": requirements_id}
    answer = client.post(base, json=far_future, headers=lead)
    assert answer.status_code == 422
    assert "starts in the years" in answer.json()["detail"]
    assert client.get(f"/v1/jobs/{'0' * 32}", headers=lead).status_code == 404
    assert client.get("/v1/jobs/unknown", headers=lead).status_code == 422  # not a job id at all


@pytest.mark.long_solves
def test_cancel_stops_a_running_and_a_queued_job_and_stores_nothing(
    client: TestClient, big_team: tuple[str, int, dict[str, str]]
) -> None:
    team_id, requirements_id, lead = big_team
    body = {"week": WEEK.isoformat(), "requirements_id": requirements_id, "time_limit_s": 120}
    first = client.post(f"/v1/teams/{team_id}/roster-jobs", json=body, headers=lead).json()
    second = client.post(f"/v1/teams/{team_id}/roster-jobs", json=body, headers=lead).json()
    running = wait_for_job(client, first["id"], lead, until=("running",))
    assert running["state"] == "running"
    assert client.get(f"/v1/jobs/{second['id']}", headers=lead).json()["state"] == "queued"  # one worker

    # reads go on while the solve runs
    statuses: list[int] = []

    def read() -> None:
        for _ in range(5):
            statuses.append(client.get(f"/v1/teams/{team_id}/agents", headers=lead).status_code)
            statuses.append(client.get(f"/v1/jobs/{first['id']}", headers=lead).status_code)

    readers = [threading.Thread(target=read) for _ in range(4)]
    for t in readers:
        t.start()
    for t in readers:
        t.join()
    assert statuses == [200] * 40
    progress = client.get(f"/v1/jobs/{first['id']}", headers=lead).json()
    assert progress["elapsed_s"] > 0
    assert {"objective", "bound"} <= set(progress)

    assert client.post(f"/v1/jobs/{second['id']}/cancel", headers=lead).json()["state"] == "cancelled"
    cancelled = client.post(f"/v1/jobs/{first['id']}/cancel", headers=lead).json()
    assert cancelled["state"] == "cancelled"
    assert client.post(f"/v1/jobs/{first['id']}/cancel", headers=lead).status_code == 409
    assert client.get(f"/v1/jobs/{first['id']}/result", headers=lead).status_code == 409
    assert client.app.state.wfm.runner.active() == 0  # type: ignore[attr-defined]
    assert client.get(f"/v1/teams/{team_id}/rosters", headers=lead).json() == []


def test_jobs_left_running_by_a_crash_are_failed_at_start_up_and_can_be_retried(
    settings: Settings, db_path: Path
) -> None:
    from tests.api.service.conftest import Tokens as MakeTokens
    from tests.api.service.conftest import requirements_csv, tiny_team

    with TestClient(create_app(settings)) as client:
        tokens = MakeTokens(settings)
        admin = tokens.make("admin")
        team_id = client.post("/v1/teams", json=tiny_team(), headers=admin).json()["id"]
        req = client.post(
            f"/v1/teams/{team_id}/requirements/upload",
            files={"file": ("r.csv", requirements_csv())},
            headers=admin,
        ).json()["id"]
        job = solve_roster(client, team_id, req, admin)
        assert job["state"] == "succeeded"
    engine = make_engine(settings.database_url)  # as if the service died mid-job
    with engine.begin() as connection:
        connection.execute(text("UPDATE jobs SET state = 'running', version_id = NULL"))
    engine.dispose()
    with TestClient(create_app(settings)) as client:
        failed = client.get(f"/v1/jobs/{job['id']}", headers=admin).json()
        assert failed["state"] == "failed"
        assert failed["error"]["title"] == "interrupted"
        retried = client.post(f"/v1/jobs/{job['id']}/retry", headers=admin)
        assert retried.status_code == 202, retried.text
        again = wait_for_job(client, retried.json()["id"], admin)
        assert again["state"] == "succeeded"
        assert again["version"] == 2
        away = "agent_id,date,kind\na1,2026-11-04,time_off\n"
        imported = client.post(
            f"/v1/teams/{team_id}/availability/imports", files={"file": ("hr.csv", away)}, headers=admin
        )
        assert imported.status_code == 200, imported.text
        stale = client.post(f"/v1/jobs/{job['id']}/retry", headers=admin)
        assert stale.status_code == 409  # its snapshot would miss the time off imported since
        assert "changed since job" in stale.json()["detail"]
    tokens._engine.dispose()


def test_a_job_that_succeeded_is_not_run_again_from_its_snapshot(
    client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int
) -> None:
    """Run again from the snapshot of its submission, an old job would roster an agent who has left
    or miss time off HR imported since: a job that succeeded is not retried."""
    done = solve_roster(client, team_id, requirements_id, lead)
    assert done["state"] == "succeeded"
    again = client.post(f"/v1/jobs/{done['id']}/retry", headers=lead)
    assert again.status_code == 409
    assert "succeeded; start a new job" in again.json()["detail"]


def _events(client: TestClient, job_id: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    """The `job` events of a job's event stream, read until the service ends it."""
    events: list[dict[str, Any]] = []
    with client.stream("GET", f"/v1/jobs/{job_id}/events", headers=headers) as stream:
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        kind = ""
        for line in stream.iter_lines():
            if line.startswith("event: "):
                kind = line.removeprefix("event: ")
            elif line.startswith("data: ") and kind == "job":
                events.append(json.loads(line.removeprefix("data: ")))
    return events


def test_job_events_follow_a_job_to_its_end(
    client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int
) -> None:
    body = {"week": WEEK.isoformat(), "requirements_id": requirements_id}
    job = client.post(f"/v1/teams/{team_id}/roster-jobs", json=body, headers=lead).json()
    events = _events(client, job["id"], lead)
    assert events[-1]["state"] == "succeeded"
    assert events[-1]["version"] == 1
    revisions = [e["revision"] for e in events]
    assert len(set(revisions)) == len(revisions)  # an event only when something changed
    # an ended job's stream is its last state, once
    assert [e["revision"] for e in _events(client, job["id"], lead)] == [events[-1]["revision"]]


def test_a_long_poll_answers_when_the_job_changes(
    client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int
) -> None:
    body = {"week": WEEK.isoformat(), "requirements_id": requirements_id}
    job = client.post(f"/v1/teams/{team_id}/roster-jobs", json=body, headers=lead).json()
    states = [job["state"]]
    while job["state"] not in ("succeeded", "failed"):
        job = client.get(f"/v1/jobs/{job['id']}?seen={job['revision']}&wait_s=30", headers=lead).json()
        states.append(job["state"])
    assert states[0] == "queued"
    assert states[-1] == "succeeded"
    # an ended job answers at once, whatever was seen; `seen` must be a revision
    assert client.get(f"/v1/jobs/{job['id']}?seen={'0' * 16}&wait_s=30", headers=lead).json() == job
    assert client.get(f"/v1/jobs/{job['id']}?seen=nope&wait_s=1", headers=lead).status_code == 422
    assert client.get(f"/v1/jobs/{job['id']}?seen={'0' * 16}&wait_s=31", headers=lead).status_code == 422


def test_a_re_roster_knows_the_sick_days_of_the_version_it_starts_from() -> None:
    """A second sick call in a week re-rosters a version whose sick days have no shift: the job carries
    them (`base_absent`), so they count as days the agent would have worked, not as days off."""
    entries = [
        AvailabilityEntry("a1", "absence", on_date=date(2026, 11, 4)),
        AvailabilityEntry("a2", "time_off", on_date=date(2026, 11, 5)),
        AvailabilityEntry("a2", "absence", on_date=date(2026, 11, 20)),  # another week
    ]
    version = RosterVersionRow(
        first_day=date(2026, 11, 2), availability_snapshot=[entry_to_dict(e) for e in entries]
    )
    assert version_absent_days(version) == {("a1", date(2026, 11, 4))}


def test_a_re_roster_whose_base_has_an_agent_who_left_is_refused_at_once_naming_them(
    client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int
) -> None:
    """It was accepted, then failed inside the job with "agent 'a2' is not in team"."""
    done = solve_roster(client, team_id, requirements_id, lead)
    assert done["state"] == "succeeded"
    assert client.post(f"/v1/teams/{team_id}/rosters/1/publish", headers=lead).status_code == 200
    assert client.delete(f"/v1/teams/{team_id}/agents/a2", headers=lead).status_code == 204
    body = {"week": WEEK.isoformat(), "locked_before": "2026-11-04T12:00:00Z", "time_limit_s": 1}
    answer = client.post(f"/v1/teams/{team_id}/roster-jobs", json=body, headers=lead)
    assert answer.status_code == 422, answer.text
    (issue,) = answer.json()["issues"]
    assert issue["column"] == "base_version"
    assert "has shifts of a2, no longer in the team" in issue["reason"]
