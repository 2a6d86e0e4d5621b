"""Many requests at once: the database pool has a connection for every request thread, requests past
the threads wait their turn, and one that cannot get to the database in time is a 503 with Retry-After,
never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import pytest
from anyio import to_thread
from fastapi.testclient import TestClient
from sqlalchemy.exc import TimeoutError as PoolTimeout

from api.service import Settings
from api.service.db import as_utc, make_engine
from api.service.deps import AppState, DatabaseTurns, RequestSession, get_session
from tests.api.service.conftest import run_alone, service_as_admin, tiny_team


def _state(client: TestClient) -> AppState:
    state: AppState = client.app.state.wfm  # type: ignore[attr-defined]
    return state


@pytest.fixture
def one_thread(settings: Settings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """The service with one request thread, so one request's turn at the database is all there is; a
    request that waits for it gives up at once."""
    narrow = settings.model_copy(update={"request_threads": 1, "database_wait_s": 0.01})
    with service_as_admin(narrow) as (client, admin):
        yield client, admin


def _total_thread_tokens() -> float:
    return to_thread.current_default_thread_limiter().total_tokens


def test_the_pool_has_a_connection_for_every_request_thread(client: TestClient, settings: Settings) -> None:
    state = _state(client)
    threads = client.portal.call(_total_thread_tokens)  # type: ignore[union-attr]
    assert threads == settings.request_threads
    assert state.engine.pool.size() >= threads  # type: ignore[attr-defined]
    assert state.turns.size <= state.engine.pool.size()  # type: ignore[attr-defined]


def test_the_pool_is_sized_on_postgresql_too() -> None:
    engine = make_engine("postgresql+psycopg://nobody@localhost/none", pool_size=40, pool_timeout_s=5)
    assert engine.pool.size() == 40  # type: ignore[attr-defined]
    assert engine.pool.timeout() == 5  # type: ignore[attr-defined]


def test_a_pool_timeout_in_a_route_is_a_503_with_retry_after(
    client: TestClient, admin: dict[str, str]
) -> None:
    def no_connection() -> Iterator[None]:
        raise PoolTimeout(
            "QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00"
        )
        yield  # a generator, as get_session is

    client.app.dependency_overrides[get_session] = no_connection  # type: ignore[attr-defined]
    response = client.get("/v1/teams", headers=admin)
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) >= 1
    assert response.json()["title"] == "busy"
    client.app.dependency_overrides.clear()  # type: ignore[attr-defined]
    assert client.get("/v1/teams", headers=admin).status_code == 200


def test_a_request_that_does_not_get_its_turn_in_time_is_a_503(
    one_thread: tuple[TestClient, dict[str, str]],
) -> None:
    client, admin = one_thread
    turn = client.portal.call(_state(client).turns.take)  # type: ignore[union-attr]
    waited = client.get("/v1/teams", headers=admin)
    assert waited.status_code == 503
    assert int(waited.headers["Retry-After"]) >= 1
    created = client.post("/v1/teams", json=tiny_team(), headers=admin)  # refused from its headers
    assert created.status_code == 503
    turn.give_back()  # from this thread, not the event loop's
    assert client.get("/v1/teams", headers=admin).status_code == 200


def test_a_burst_past_the_request_threads_waits_its_turn(settings: Settings) -> None:
    # two threads and two connections; without turns, requests holding a connection between their
    # steps wait for a thread while both threads wait for a connection, until the pool times out
    narrow = settings.model_copy(update={"request_threads": 2, "database_wait_s": 120})
    with service_as_admin(narrow) as (client, admin):
        team_id = client.post("/v1/teams", json=tiny_team(), headers=admin).json()["id"]
        with ThreadPoolExecutor(max_workers=30) as pool:
            codes = list(
                pool.map(lambda _: client.get(f"/v1/teams/{team_id}", headers=admin).status_code, range(60))
            )
    assert codes == [200] * 60


def test_closing_a_request_session_gives_back_its_turn(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'wfm.db'}")

    async def close_then_take() -> None:
        turns = DatabaseTurns(1, wait_s=0.01)
        session = RequestSession(bind=engine, turn=await turns.take())
        session.close()  # as a long-poll does before it waits
        session.close()  # and again as the request ends: nothing more to give back
        (await turns.take()).give_back()
        assert turns._semaphore._value == 1

    run_alone(close_then_take())
    engine.dispose()


@pytest.mark.parametrize("read_at", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59"])
def test_an_instant_past_the_calendar_in_utc_is_stale_not_an_error(
    client: TestClient, admin: dict[str, str], team_id: str, read_at: str
) -> None:
    # (as_utc, api/service/db.py: the second review's finding 2)
    instant = datetime.fromisoformat(read_at)
    assert as_utc(instant) == instant
    team = client.get(f"/v1/teams/{team_id}", headers=admin).json()
    response = client.put(f"/v1/teams/{team_id}", json={**team, "updated_at": read_at}, headers=admin)
    assert response.status_code == 409
    assert read_at.replace("T", " ") in response.json()["detail"]
