"""What a roster job, its retry and a comparison of versions check before they run: last week's roster
is of the week before, what a retried job reads is still stored, compared versions are of one week."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from tests.api.service.conftest import WEEK, availability_csv, requirements_csv, solve_roster, wait_for_job

LAST_WEEK = WEEK - timedelta(days=7)


@pytest.fixture
def two_weeks(
    client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int
) -> tuple[int, int]:
    """Roster version 1 of the week before WEEK and version 2 of WEEK."""
    upload = client.post(
        f"/v1/teams/{team_id}/requirements/upload",
        files={"file": ("last.csv", requirements_csv(LAST_WEEK))},
        headers=lead,
    )
    assert upload.status_code == 201, upload.text
    last = solve_roster(client, team_id, int(upload.json()["id"]), lead, week=LAST_WEEK.isoformat())
    this = solve_roster(client, team_id, requirements_id, lead)
    assert (last["state"], this["state"]) == ("succeeded", "succeeded"), (last, this)
    return int(last["version"]), int(this["version"])


def test_previous_version_must_be_a_version_of_the_week_before(
    client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int, two_weeks: tuple[int, int]
) -> None:
    last, this = two_weeks
    url = f"/v1/teams/{team_id}/roster-jobs"
    body = {"week": WEEK.isoformat(), "requirements_id": requirements_id, "time_limit_s": 2}
    same_week = client.post(url, json={**body, "previous_version": this}, headers=lead)
    assert same_week.status_code == 422, same_week.text
    (issue,) = same_week.json()["issues"]
    assert (issue["column"], issue["value"]) == ("previous_version", str(this))
    assert f"roster version {this} is the week of {WEEK}" in issue["reason"]
    assert f"one of the week of {LAST_WEEK}" in issue["reason"]
    assert len(client.get(f"/v1/teams/{team_id}/roster-jobs", headers=lead).json()) == 2  # none added
    accepted = client.post(url, json={**body, "previous_version": last}, headers=lead)
    assert accepted.status_code == 202, accepted.text
    job = wait_for_job(client, accepted.json()["id"], lead)
    assert job["state"] == "succeeded", job


def test_versions_of_two_weeks_are_not_compared(
    client: TestClient, lead: dict[str, str], team_id: str, two_weeks: tuple[int, int]
) -> None:
    last, this = two_weeks
    response = client.get(f"/v1/teams/{team_id}/rosters/{last}/compare/{this}", headers=lead)
    assert response.status_code == 422, response.text
    (issue,) = response.json()["issues"]
    assert issue["column"] == "other"
    assert issue["reason"].startswith(
        f"versions {last} and {this} are of different weeks ({LAST_WEEK}, {WEEK})"
    )
    same = client.get(f"/v1/teams/{team_id}/rosters/{this}/compare/{this}", headers=lead)
    assert same.status_code == 200, same.text


def test_a_job_whose_requirements_were_deleted_is_not_retried(
    client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int
) -> None:
    week_off = [
        {"agent_id": "a1", "date": (WEEK + timedelta(days=d)).isoformat(), "kind": "unavailable"}
        for d in range(7)
    ]
    imported = client.post(
        f"/v1/teams/{team_id}/availability/imports",
        files={"file": ("off.csv", availability_csv(week_off))},
        headers=lead,
    )
    assert imported.status_code == 200, imported.text
    failed = solve_roster(client, team_id, requirements_id, lead)  # a1's 16 h cannot be worked
    assert failed["state"] == "failed", failed
    deleted = client.delete(f"/v1/teams/{team_id}/requirements/{requirements_id}", headers=lead)
    assert deleted.status_code == 200, deleted.text
    retried = client.post(f"/v1/jobs/{failed['id']}/retry", headers=lead)
    assert retried.status_code == 409, retried.text
    detail = retried.json()["detail"]
    assert f"requirements {requirements_id}, which job '{failed['id']}' reads, was deleted" in detail
    assert "start a new job" in detail
    assert len(client.get(f"/v1/teams/{team_id}/roster-jobs", headers=lead).json()) == 1  # none added


def test_a_job_that_fails_on_the_services_own_error_keeps_its_words() -> None:
    """A dataset deleted while a job ran: the failed job says which, not only "NotFound"."""
    from api.service.errors import NotFound
    from api.service.job_records import failure_of

    gone = NotFound("requirements 16 not found in team 'desk'")
    assert failure_of(gone) == {
        "status": 404,
        "title": "not found",
        "detail": "requirements 16 not found in team 'desk'",
    }
    assert failure_of(KeyError("x")) == {"status": 500, "title": "internal error", "detail": "KeyError"}
