"""Fixtures: a real SQLite file on tmp_path, the app behind a real HTTP test client, tokens, a tiny team."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.schemas import team_to_mapping
from api.service import Settings, create_app
from api.service.auth import create_token
from api.service.db import make_engine, session_factory, transaction
from common.timegrid import PlanningWeek
from forecasting import forecast_week
from scheduler.sample import sample_history, sample_team
from scheduler.staffing.requirements import compute_requirements
from tests.scheduler.roster.factories import QUICK

WEEK = date(2026, 11, 2)  # a Monday; Europe/London has no DST change that week
TEAM_ID = "tiny-desk"


def tiny_team(name: str = "Tiny Desk") -> dict[str, Any]:
    """Two agents, one email queue, hourly grid: CP-SAT solves it in well under a second."""
    return {
        "name": name,
        "tz": "Europe/London",
        "interval_minutes": 60,
        "shrinkage": 0.1,
        "queues": [{"name": "email", "channel": "email", "response_hours": 8}],
        "shift_rules": {
            "lengths_hours": [8],
            "start_step_minutes": 60,
            "earliest_start": "07:00",
            "latest_start": "10:00",
            "breaks": [],
        },
        "labour_rules": {"min_rest_hours": 11, "max_consecutive_days": 6, "min_days_off_per_week": 2},
        "agents": [
            {
                "id": "a1",
                "name": "Ann Example",
                "tz": "Europe/London",
                "skills": ["email"],
                "min_hours_per_week": 16,
                "max_hours_per_week": 40,
            },
            {
                "id": "a2",
                "name": "Bo Example",
                "tz": "America/New_York",
                "skills": ["email"],
                "min_hours_per_week": 0,
                "max_hours_per_week": 40,
            },
        ],
    }


def requirements_csv(first_day: date = WEEK, agents: int = 1) -> str:
    """The requirements contract: `agents` on email 09:00-17:00 London time, Monday to Friday."""
    rows = []
    for d in range(5):
        day = pd.Timestamp(first_day + timedelta(days=d)).tz_localize("Europe/London")
        for hour in range(9, 17):
            ds = (day + pd.Timedelta(hours=hour)).tz_convert("UTC").isoformat()
            rows.append({"queue": "email", "ds": ds, "volume": 5, "aht_s": 300, "required": agents,
                         "scheduled_needed": agents})  # fmt: skip
    return pd.DataFrame(rows).to_csv(index=False)


def availability_csv(rows: list[dict[str, str]]) -> str:
    """An HR availability file."""
    columns = ["agent_id", "date", "weekday", "start", "end", "kind", "note"]
    return pd.DataFrame([{c: r.get(c, "") for c in columns} for r in rows], columns=columns).to_csv(
        index=False
    )


T = TypeVar("T")


def run_alone(coroutine: Coroutine[Any, Any, T]) -> T:
    """`coroutine` run to its end on an event loop of its own, in a thread of its own: in a test worker
    that ran a browser test, Playwright's sync API keeps a loop running in the main thread, where
    `asyncio.run` refuses to start."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def stored_availability(client: TestClient, team_id: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    """The team's stored availability rows, as the service lists them."""
    rows: list[dict[str, Any]] = client.get(f"/v1/teams/{team_id}/availability", headers=headers).json()
    return rows


def bearer(token: str) -> dict[str, str]:
    """The Authorization header of a token."""
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "wfm.db"


@pytest.fixture
def settings(db_path: Path, request: pytest.FixtureRequest) -> Settings:
    """Solves count work units, not seconds: the same roster on a busy machine as on an idle one. A test
    marked `long_solves` needs a solve that runs until its (long) time limit or until it is stopped."""
    long_solves = request.node.get_closest_marker("long_solves") is not None
    return Settings(
        database_url=f"sqlite:///{db_path}",
        job_workers=1,
        solver_threads=1,
        default_time_limit_s=2.0,
        deterministic_time_limit_s=None if long_solves else QUICK.deterministic_time_limit_s,
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


class Tokens:
    """Creates tokens straight in the database (as `wfm token create` does)."""

    def __init__(self, settings: Settings) -> None:
        self._engine = make_engine(settings.database_url)

    def make(self, role: str, *teams: str) -> dict[str, str]:
        with transaction(session_factory(self._engine)) as session:
            _, secret = create_token(session, role, list(teams))
        return bearer(secret)


@contextmanager
def service_as_admin(settings: Settings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """The app of `settings` (started, as a test client) and an admin's headers on its database."""
    with TestClient(create_app(settings)) as client:
        tokens = Tokens(settings)
        admin = tokens.make("admin")
        tokens._engine.dispose()
        yield client, admin


@pytest.fixture
def tokens(client: TestClient, settings: Settings) -> Iterator[Tokens]:
    made = Tokens(settings)
    yield made
    made._engine.dispose()


@pytest.fixture
def admin(tokens: Tokens) -> dict[str, str]:
    return tokens.make("admin")


@pytest.fixture
def team_id(client: TestClient, admin: dict[str, str]) -> str:
    response = client.post("/v1/teams", json=tiny_team(), headers=admin)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.fixture
def lead(tokens: Tokens, team_id: str) -> dict[str, str]:
    return tokens.make("lead", team_id)


@pytest.fixture
def requirements_id(client: TestClient, team_id: str, lead: dict[str, str]) -> int:
    files = {"file": ("requirements.csv", requirements_csv(), "text/csv")}
    response = client.post(f"/v1/teams/{team_id}/requirements/upload", files=files, headers=lead)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def sample_team_and_requirements() -> tuple[dict[str, Any], str]:
    """The 14-agent sample team (as the API takes it) and a forecast week's requirements CSV."""
    team = sample_team()
    week = PlanningWeek(WEEK, team.tz, team.interval_minutes)
    requirements = compute_requirements(forecast_week(sample_history(WEEK, weeks=3), week), team)
    requirements["ds"] = requirements["ds"].map(lambda t: t.isoformat())
    return team_to_mapping(team), requirements.to_csv(index=False)


@pytest.fixture
def big_team(client: TestClient, admin: dict[str, str], tokens: Tokens) -> tuple[str, int, dict[str, str]]:
    """The 14-agent sample team with a forecast week's requirements: its solve runs until stopped (in a
    test marked `long_solves`)."""
    mapping, requirements = sample_team_and_requirements()
    team_id = client.post("/v1/teams", json=mapping, headers=admin).json()["id"]
    lead = tokens.make("lead", team_id)
    upload = client.post(
        f"/v1/teams/{team_id}/requirements/upload", files={"file": ("r.csv", requirements)}, headers=lead
    )
    assert upload.status_code == 201, upload.text
    return team_id, int(upload.json()["id"]), lead


def wait_for_job(
    client: TestClient,
    job_id: str,
    headers: dict[str, str],
    *,
    until: tuple[str, ...] = ("succeeded", "failed", "cancelled"),
    timeout_s: float = 120.0,
) -> dict[str, Any]:
    """The job once its state is one of `until`, waiting on its changes by long-poll (the service answers
    when the job changes, so nothing here sleeps); `timeout_s` is a generous guard, not a timing check."""
    deadline = time.monotonic() + timeout_s
    job: dict[str, Any] = client.get(f"/v1/jobs/{job_id}", headers=headers).json()
    while job["state"] not in until and time.monotonic() < deadline:
        job = client.get(f"/v1/jobs/{job_id}?seen={job['revision']}&wait_s=10", headers=headers).json()
    return job


def solve_roster(
    client: TestClient, team_id: str, requirements_id: int, headers: dict[str, str], **extra: Any
) -> dict[str, Any]:
    """Run a roster job to its end and return the job."""
    body = {"week": WEEK.isoformat(), "requirements_id": requirements_id, "time_limit_s": 2, **extra}
    response = client.post(f"/v1/teams/{team_id}/roster-jobs", json=body, headers=headers)
    assert response.status_code == 202, response.text
    return wait_for_job(client, response.json()["id"], headers)
