"""Writes at once to the same team (threads against the app on a real SQLite file): every write is kept,
or the one that clashes gets a 409 that names what it clashed on; never a 500, never a lost write."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.service.db import session_factory
from api.service.storage import import_availability
from common.errors import InvalidInput
from scheduler import AvailabilityEntry
from tests.api.service.conftest import availability_csv, tiny_team

THREADS = 8


def at_once(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    """The answers of `calls`, each made from a thread of its own, all released together by a barrier."""
    barrier = threading.Barrier(len(calls))
    answers: list[httpx.Response | None] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        answers[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(a is not None for a in answers)
    return [a for a in answers if a is not None]


def new_agent(agent_id: str) -> dict[str, Any]:
    return {**tiny_team()["agents"][0], "id": agent_id, "name": f"New {agent_id}"}


def test_agents_added_at_once_are_all_kept(client: TestClient, lead: dict[str, str], team_id: str) -> None:
    url = f"/v1/teams/{team_id}/agents"
    answers = at_once(
        [partial(client.post, url, json=new_agent(f"n{i}"), headers=lead) for i in range(THREADS)]
    )
    assert [a.status_code for a in answers] == [201] * THREADS
    stored = {a["id"] for a in client.get(url, headers=lead).json()}
    assert stored == {"a1", "a2"} | {f"n{i}" for i in range(THREADS)}


def test_agents_added_changed_and_removed_at_once_are_all_kept(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    url = f"/v1/teams/{team_id}/agents"
    for i in range(3):
        assert client.post(url, json=new_agent(f"old{i}"), headers=lead).status_code == 201
    calls: list[Callable[[], httpx.Response]] = [
        *(partial(client.post, url, json=new_agent(f"n{i}"), headers=lead) for i in range(3)),
        *(partial(client.delete, f"{url}/old{i}", headers=lead) for i in range(2)),
        partial(client.put, f"{url}/a2", json={**new_agent("a2"), "tz": "Asia/Manila"}, headers=lead),
    ]
    answers = at_once(calls)
    assert [a.status_code for a in answers] == [201, 201, 201, 204, 204, 200]
    stored = {a["id"]: a for a in client.get(url, headers=lead).json()}
    assert set(stored) == {"a1", "a2", "old2", "n0", "n1", "n2"}
    assert stored["a2"]["tz"] == "Asia/Manila"


def test_the_same_agent_added_at_once_is_kept_once_and_the_others_get_a_409(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    url = f"/v1/teams/{team_id}/agents"
    answers = at_once([partial(client.post, url, json=new_agent("twin"), headers=lead)] * THREADS)
    assert sorted(a.status_code for a in answers) == [201] + [409] * (THREADS - 1)
    assert all("'twin'" in a.json()["detail"] for a in answers if a.status_code == 409)
    assert [a["id"] for a in client.get(url, headers=lead).json()].count("twin") == 1


def test_the_same_team_created_at_once_is_a_201_and_409s_naming_the_id(
    client: TestClient, admin: dict[str, str]
) -> None:
    body = {**tiny_team(), "id": "twin-desk"}
    answers = at_once([partial(client.post, "/v1/teams", json=body, headers=admin)] * THREADS)
    assert sorted(a.status_code for a in answers) == [201] + [409] * (THREADS - 1)
    refused = [a.json() for a in answers if a.status_code == 409]
    assert all("'twin-desk'" in r["detail"] and r["title"] == "conflict" for r in refused)
    assert [t["id"] for t in client.get("/v1/teams", headers=admin).json()] == ["twin-desk"]


def test_the_same_availability_file_imported_at_once_is_stored_once(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    rows = [{"agent_id": "a1", "date": f"2026-11-{d:02d}", "kind": "time_off"} for d in range(1, 8)]
    data = availability_csv(rows)
    url = f"/v1/teams/{team_id}/availability/imports"
    answers = at_once(
        [partial(client.post, url, files={"file": ("av.csv", data, "text/csv")}, headers=lead)] * THREADS
    )
    assert all(a.status_code in (200, 201) for a in answers), [a.text for a in answers]
    assert sum(a.json()["added"] for a in answers) == len(rows)
    assert len(client.get(f"/v1/teams/{team_id}/availability", headers=lead).json()) == len(rows)


def test_availability_of_an_agent_removed_meanwhile_is_refused(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    """A file checked against the team before one of its agents was removed stores nothing."""
    removed = client.delete(f"/v1/teams/{team_id}/agents/a2", headers=lead)
    assert removed.status_code == 204
    assert removed.content == b""
    assert "content-type" not in removed.headers  # no content, so no type of it
    entry = AvailabilityEntry("a2", "time_off", 0, 1440, None, 1, "")
    sessions = session_factory(client.app.state.wfm.engine)  # type: ignore[attr-defined]
    with sessions() as session, pytest.raises(InvalidInput, match="agents no longer in team 'tiny-desk': a2"):
        import_availability(
            session,
            team_id,
            (entry,),
            mode="merge",
            dry_run=False,
            filename="av.csv",
            sha256="",
            token_id=None,
        )
    assert client.get(f"/v1/teams/{team_id}/availability", headers=lead).json() == []
