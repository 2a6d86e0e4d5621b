"""The job runner and its worker processes: a spare started ahead, warm-up, crashes, spawn."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from multiprocessing.context import SpawnContext
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.service import Settings, create_app, jobs, worker
from api.service.db import JobRow, make_engine, session_factory, transaction, utcnow
from api.service.job_records import Throttle
from api.service.storage import job_row
from scheduler.roster.solve import solve
from tests.api.service.conftest import (
    WEEK,
    requirements_csv,
    service_as_admin,
    solve_roster,
    tiny_team,
    wait_for_job,
)

WORKER_NAME = "wfm-job-worker"


def wait_until(probe: Callable[[], Any], timeout_s: float = 60.0) -> Any:
    """`probe()` once it is truthy (a generous guard, not a timing check)."""
    deadline = time.monotonic() + timeout_s
    while not (value := probe()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return value


def _workers(prefix: str = "wfm-job") -> list[multiprocessing.process.BaseProcess]:
    """The worker processes this (test) process started that are still alive."""
    return [p for p in multiprocessing.active_children() if p.name.startswith(prefix)]


def _queued_copy(settings: Settings, job_id: str) -> str:
    """A new queued job with the request of `job_id`, stored without telling any runner."""
    engine = make_engine(settings.database_url)
    try:
        with transaction(session_factory(engine)) as session:
            job = job_row(session, job_id)
            copy = JobRow(
                id=uuid.uuid4().hex,
                team_id=job.team_id,
                kind=job.kind,
                state="queued",
                params=dict(job.params),
                created_at=utcnow(),
            )
            session.add(copy)
        return copy.id
    finally:
        engine.dispose()


def _job(settings: Settings, job_id: str) -> JobRow:
    engine = make_engine(settings.database_url)
    try:
        with transaction(session_factory(engine)) as session:
            return job_row(session, job_id)
    finally:
        engine.dispose()


@pytest.fixture
def solved(client: TestClient, team_id: str, requirements_id: int, lead: dict[str, str]) -> dict[str, Any]:
    """A roster job of the tiny team run to its end through the service."""
    job = solve_roster(client, team_id, requirements_id, lead)
    assert job["state"] == "succeeded", job
    return job


@pytest.fixture
def long_job(big_team: tuple[str, int, dict[str, str]]) -> tuple[str, dict[str, Any], dict[str, str]]:
    """A team whose roster job runs until its time limit (the 14-agent sample team): id, body, headers."""
    team_id, requirements_id, lead = big_team
    body = {"week": WEEK.isoformat(), "requirements_id": requirements_id, "time_limit_s": 120}
    return team_id, body, lead


@pytest.fixture
def pipe() -> Iterator[tuple[Any, Any]]:
    """(receiving end for the worker, sending end for the runner) of a one-way pipe."""
    receiver, sender = multiprocessing.Pipe(duplex=False)
    yield receiver, sender
    receiver.close()
    sender.close()


def test_a_worker_warms_up_when_told_then_runs_the_job_it_is_handed(
    settings: Settings, solved: dict[str, Any], pipe: tuple[Any, Any], caplog: pytest.LogCaptureFixture
) -> None:
    receiver, sender = pipe
    job_id = _queued_copy(settings, solved["id"])
    sender.send(worker.WARM_UP)
    sender.send(job_id)
    with caplog.at_level(logging.WARNING):
        worker.serve_one_job(settings.worker_options(), receiver)  # in this process: the same code
    job = _job(settings, job_id)
    assert job.state == "succeeded"
    assert job.version_id == solved["version"] + 1
    assert "warm-up failed" not in caplog.text


def test_a_worker_stopped_before_its_job_runs_nothing(
    settings: Settings, solved: dict[str, Any], pipe: tuple[Any, Any]
) -> None:
    receiver, sender = pipe
    job_id = _queued_copy(settings, solved["id"])
    sender.close()
    worker.serve_one_job(settings.worker_options(), receiver)
    assert _job(settings, job_id).state == "queued"


@pytest.mark.parametrize("job_waiting", [False, True])
def test_the_warm_up_solves_a_tiny_roster_unless_a_job_is_waiting(
    client: TestClient,
    settings: Settings,
    pipe: tuple[Any, Any],
    monkeypatch: pytest.MonkeyPatch,
    job_waiting: bool,
) -> None:
    receiver, sender = pipe
    solves: list[int] = []

    def counting_solve(*args: Any, **kwargs: Any) -> Any:
        solves.append(1)
        return solve(*args, **kwargs)

    monkeypatch.setattr("api.service.worker.solve", counting_solve)
    if job_waiting:
        sender.send("some-job-id")
    engine = make_engine(settings.database_url)
    try:
        worker.warm_up(session_factory(engine), receiver)
    finally:
        engine.dispose()
    assert len(solves) == (0 if job_waiting else 1)


def test_the_warm_up_stores_nothing(
    client: TestClient,
    settings: Settings,
    solved: dict[str, Any],
    pipe: tuple[Any, Any],
    lead: dict[str, str],
) -> None:
    receiver, _sender = pipe
    team_id = solved["team_id"]
    before = client.get(f"/v1/teams/{team_id}/rosters", headers=lead).json()
    engine = make_engine(settings.database_url)
    try:
        worker.warm_up(session_factory(engine), receiver)  # its writes go to this team, rolled back
    finally:
        engine.dispose()
    assert client.get(f"/v1/teams/{team_id}/rosters", headers=lead).json() == before
    assert client.get(f"/v1/jobs/{solved['id']}", headers=lead).json()["state"] == "succeeded"


def test_a_spare_worker_is_ready_and_a_dead_one_is_replaced(
    client: TestClient, team_id: str, requirements_id: int, lead: dict[str, str]
) -> None:
    spare = wait_until(lambda: _workers(WORKER_NAME))
    assert len(spare) == 1  # started ahead, before any job
    os.kill(spare[0].pid or 0, signal.SIGKILL)
    spare[0].join(timeout=10)
    job = solve_roster(client, team_id, requirements_id, lead)
    assert job["state"] == "succeeded", job


@pytest.mark.long_solves
def test_a_job_whose_worker_dies_fails_and_the_next_job_runs(
    client: TestClient,
    long_job: tuple[str, dict[str, Any], dict[str, str]],
    team_id: str,
    requirements_id: int,
    lead: dict[str, str],
) -> None:
    big_id, body, big_lead = long_job
    job_id = client.post(f"/v1/teams/{big_id}/roster-jobs", json=body, headers=big_lead).json()["id"]
    assert wait_for_job(client, job_id, big_lead, until=("running",))["state"] == "running"
    (process,) = _workers(f"wfm-job-{job_id}")
    os.kill(process.pid or 0, signal.SIGKILL)
    died = wait_for_job(client, job_id, big_lead)
    assert died["state"] == "failed"
    assert died["error"]["title"] == "worker stopped"
    assert client.get(f"/v1/teams/{big_id}/rosters", headers=big_lead).json() == []
    # the next job (the tiny team's, whose short solve ends soon) runs on a new worker
    assert solve_roster(client, team_id, requirements_id, lead)["state"] == "succeeded"


def test_shutting_down_stops_the_spare_worker(settings: Settings) -> None:
    with TestClient(create_app(settings)):
        assert wait_until(lambda: _workers(WORKER_NAME))
    assert _workers() == []


def test_jobs_run_with_the_spawn_start_method(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    spawn: SpawnContext = multiprocessing.get_context("spawn")
    monkeypatch.setattr(jobs, "_context", lambda: spawn)
    with service_as_admin(settings) as (client, headers):
        team_id = client.post("/v1/teams", json=tiny_team(), headers=headers).json()["id"]
        files = {"file": ("r.csv", requirements_csv())}
        upload = client.post(f"/v1/teams/{team_id}/requirements/upload", files=files, headers=headers)
        job = solve_roster(client, team_id, int(upload.json()["id"]), headers)
        assert job["state"] == "succeeded", job


def test_the_throttle_lets_one_action_through_per_interval() -> None:
    now = [100.0]
    throttle = Throttle(0.25, clock=lambda: now[0])
    assert not throttle.due()  # not in the first interval
    now[0] += 0.25
    assert throttle.due()
    assert not throttle.due()
    now[0] += 0.1
    assert not throttle.due()
    throttle.again()  # the last write failed: the next one goes through
    assert throttle.due()
