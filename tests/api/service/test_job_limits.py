"""What one request may ask of the job workers: a job's solver time in all, a team's jobs at once; and an
import job's file is kept only while a retry could still import it."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.service import Settings, create_app
from api.service.db import JobRow, UploadRow, session_factory, transaction, utcnow
from api.service.job_states import FAILED, QUEUED, RUNNING
from api.service.schemas import MIN_TIME_LIMIT_S
from tests.api.service.conftest import WEEK, Tokens, availability_csv, wait_for_job

MAX_ACTIVE = 2


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A team may have `MAX_ACTIVE` jobs queued or running."""
    return settings.model_copy(update={"max_active_jobs_per_team": MAX_ACTIVE})


def _big_file(rows: list[dict[str, str]], settings: Settings) -> str:
    """An availability file above the inline limit (blank lines), so that its import is a job."""
    return availability_csv(rows) + "\n" * settings.inline_import_bytes


def _scenarios(team_id: str, requirements_id: int, **extra: Any) -> dict[str, Any]:
    return {"team_id": team_id, "requirements_id": requirements_id, "week": WEEK.isoformat(), **extra}


def _store_job(
    client: TestClient, team_id: str, state: str, upload: bytes | None = None, **values: Any
) -> str:
    """A job row stored straight in the database (no worker runs it): `state` as given."""
    sessions = session_factory(client.app.state.wfm.engine)  # type: ignore[attr-defined]
    job_id = uuid.uuid4().hex
    with transaction(sessions) as session:
        session.add(
            JobRow(id=job_id, team_id=team_id, state=state, created_at=utcnow(), token_id=None, **values)
        )
        if upload is not None:
            session.flush()
            session.add(UploadRow(job_id=job_id, content=upload))
    return job_id


def _uploads(client: TestClient) -> set[str]:
    """The job ids that have a stored upload."""
    sessions = session_factory(client.app.state.wfm.engine)  # type: ignore[attr-defined]
    with sessions() as session:
        return set(session.scalars(select(UploadRow.job_id)))


@pytest.mark.parametrize(
    ("extra", "asked"),
    [
        (
            {"scenarios": [{"name": f"s{i}", "changes": []} for i in range(50)]},
            "51 solves of up to 600 s each",
        ),
        (
            {"sweep": {"volume": [1 + i / 100 for i in range(20)], "headcount": list(range(1, 26))}},
            "501 solves of up to 600 s each: 300,600 s (83.5 h)",
        ),
    ],
    ids=["50 named scenarios", "a 20 x 25 sweep"],
)
def test_a_comparison_asking_for_more_solver_time_than_a_job_may_take_is_a_422(
    client: TestClient,
    lead: dict[str, str],
    team_id: str,
    requirements_id: int,
    extra: dict[str, Any],
    asked: str,
) -> None:
    body = _scenarios(team_id, requirements_id, depth="reroster", time_limit_s=600, **extra)
    answer = client.post("/v1/scenarios", json=body, headers=lead)
    assert answer.status_code == 422, answer.text
    (issue,) = answer.json()["issues"]
    assert issue["column"] == "time_limit_s"
    assert asked in issue["reason"]
    assert "at most 3,600 s" in issue["reason"]
    assert client.get(f"/v1/teams/{team_id}/roster-jobs", headers=lead).json() == []


def test_staffing_comparisons_solve_nothing_and_are_not_limited_by_solver_time(
    client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int
) -> None:
    body = _scenarios(
        team_id, requirements_id, time_limit_s=600, sweep={"volume": [1 + i / 100 for i in range(20)]}
    )
    answer = client.post("/v1/scenarios", json=body, headers=lead)
    assert answer.status_code == 202, answer.text
    assert wait_for_job(client, answer.json()["id"], lead)["state"] == "succeeded"


def test_a_team_with_its_most_jobs_queued_or_running_gets_a_429_naming_the_limit(
    client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int, settings: Settings
) -> None:
    for state in (QUEUED, RUNNING):
        _store_job(client, team_id, state, kind="roster", params={})
    body = {"week": WEEK.isoformat(), "requirements_id": requirements_id}
    refused = client.post(f"/v1/teams/{team_id}/roster-jobs", json=body, headers=lead)
    assert refused.status_code == 429
    assert refused.json()["title"] == "too many jobs"
    assert f"has 2 jobs queued or running; at most {MAX_ACTIVE}" in refused.json()["detail"]
    # try again after about a default solve's time limit (2 s here): the answer and its words agree
    assert refused.headers["Retry-After"] == "2"
    assert "try again in about 2 s" in refused.json()["detail"]
    files = {
        "file": (
            "av.csv",
            _big_file([{"agent_id": "a1", "date": "2026-11-03", "kind": "time_off"}], settings),
        )
    }
    imported = client.post(f"/v1/teams/{team_id}/availability/imports", files=files, headers=lead)
    assert imported.status_code == 429
    assert imported.headers["Retry-After"] == "2"
    assert len(client.get(f"/v1/teams/{team_id}/roster-jobs", headers=lead).json()) == MAX_ACTIVE


def test_a_failed_import_job_drops_its_file(
    client: TestClient, lead: dict[str, str], team_id: str, settings: Settings
) -> None:
    files = {
        "file": (
            "av.csv",
            _big_file([{"agent_id": "nobody", "date": "2026-11-03", "kind": "time_off"}], settings),
        )
    }
    answer = client.post(f"/v1/teams/{team_id}/availability/imports", files=files, headers=lead)
    assert answer.status_code == 202, answer.text
    job = wait_for_job(client, answer.json()["id"], lead)
    assert job["state"] == "failed"
    assert _uploads(client) == set()
    retried = client.post(f"/v1/jobs/{job['id']}/retry", headers=lead)
    assert retried.status_code == 409
    assert "upload it again" in retried.json()["detail"]


def test_an_interrupted_import_job_keeps_its_file_for_one_retry(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    data = availability_csv([{"agent_id": "a1", "date": "2026-11-03", "kind": "time_off"}]).encode()
    params = {"what": "availability", "filename": "av.csv", "mode": "merge", "dry_run": False}
    error = {"status": 503, "title": "interrupted", "detail": "the service stopped"}
    stopped = _store_job(client, team_id, FAILED, upload=data, kind="import", params=params, error=error)
    retried = client.post(f"/v1/jobs/{stopped}/retry", headers=lead)
    assert retried.status_code == 202, retried.text
    assert stopped not in _uploads(client)  # the file moved to the new job
    assert wait_for_job(client, retried.json()["id"], lead)["state"] == "succeeded"
    assert _uploads(client) == set()
    assert len(client.get(f"/v1/teams/{team_id}/availability", headers=lead).json()) == 1


@pytest.mark.parametrize(("default_s", "retry_after"), [(2.0, "2"), (0.5, "1"), (30.0, "30"), (29.2, "30")])
def test_retry_after_is_a_default_solves_time_limit_in_whole_seconds(
    settings: Settings, default_s: float, retry_after: str
) -> None:
    """Retry-After is whole seconds, at least 1 (RFC 9110): the default time limit rounded up."""
    changed = settings.model_copy(update={"default_time_limit_s": default_s})
    assert str(changed.retry_after_s()) == retry_after


def test_the_solve_limits_are_the_services_settings_and_any_token_may_read_them(
    client: TestClient, tokens: Tokens, team_id: str, settings: Settings
) -> None:
    assert client.get("/v1/limits").status_code == 401
    answer = client.get("/v1/limits", headers=tokens.make("hr", team_id))
    assert answer.status_code == 200
    assert answer.json() == {
        "min_time_limit_s": MIN_TIME_LIMIT_S,
        "default_time_limit_s": settings.default_time_limit_s,
        "max_time_limit_s": settings.max_time_limit_s,
        "max_job_solver_s": settings.max_job_solver_s,
    }


def test_a_solve_asking_past_the_limits_maximum_is_still_refused_by_the_service(
    client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int
) -> None:
    """The page offers no more than the limits say; a client that asks more anyway gets a 422."""
    most = client.get("/v1/limits", headers=lead).json()["max_time_limit_s"]
    body = {"week": WEEK.isoformat(), "requirements_id": requirements_id, "time_limit_s": most + 1}
    refused = client.post(f"/v1/teams/{team_id}/roster-jobs", json=body, headers=lead)
    assert refused.status_code == 422
    (issue,) = refused.json()["issues"]
    assert issue["column"] == "time_limit_s"
    assert issue["reason"] == f"at most {most:g} s"
    assert client.get(f"/v1/teams/{team_id}/roster-jobs", headers=lead).json() == []


def test_a_token_with_its_most_jobs_over_its_teams_gets_a_429_naming_the_limit(settings: Settings) -> None:
    """A token for many teams could fill the job queue ten a team: it has a limit of its own."""
    from api.service.auth import create_token
    from api.service.db import make_engine
    from tests.api.service.conftest import bearer, requirements_csv, tiny_team

    limited = settings.model_copy(update={"max_active_jobs_per_team": 10, "max_active_jobs_per_token": 2})
    with TestClient(create_app(limited)) as client:
        engine = make_engine(limited.database_url)
        with transaction(session_factory(engine)) as session:
            token, secret = create_token(session, "admin", [])
            session.flush()
            token_id = token.id
        engine.dispose()
        admin = bearer(secret)
        teams = []
        for name in ("Desk One", "Desk Two", "Desk Three"):
            teams.append(client.post("/v1/teams", json=tiny_team(name), headers=admin).json()["id"])
        for team_id in teams[:2]:
            _store_job(client, team_id, QUEUED, kind="roster", params={})
        sessions = session_factory(client.app.state.wfm.engine)  # type: ignore[attr-defined]
        with transaction(sessions) as session:
            for job in session.scalars(select(JobRow)):
                job.token_id = token_id
        req = client.post(
            f"/v1/teams/{teams[2]}/requirements/upload",
            files={"file": ("r.csv", requirements_csv())},
            headers=admin,
        ).json()["id"]
        body = {"week": WEEK.isoformat(), "requirements_id": req}
        refused = client.post(f"/v1/teams/{teams[2]}/roster-jobs", json=body, headers=admin)
        assert refused.status_code == 429, refused.text
        assert "this token has 2 jobs queued or running over its teams; at most 2" in refused.json()["detail"]
