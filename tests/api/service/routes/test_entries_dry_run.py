"""Typed-in availability (POST …/availability/entries) has the import's dry run: checked, answered as the
import's dry run is, nothing stored. A query parameter given twice on either route is refused."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.service.conftest import availability_csv, stored_availability

SICK = {"agent_id": "a1", "kind": "absence", "date": "2026-11-04", "note": "flu"}


def _entries(
    client: TestClient, team_id: str, headers: dict[str, str], query: str = "", entry: dict[str, str] = SICK
) -> tuple[int, dict[str, Any]]:
    response = client.post(
        f"/v1/teams/{team_id}/availability/entries{query}", json={"entries": [entry]}, headers=headers
    )
    return response.status_code, response.json()


def _import(
    client: TestClient, team_id: str, headers: dict[str, str], query: str
) -> tuple[int, dict[str, Any]]:
    files = {"file": ("sick.csv", availability_csv([SICK]), "text/csv")}
    response = client.post(f"/v1/teams/{team_id}/availability/imports{query}", files=files, headers=headers)
    return response.status_code, response.json()


def test_a_dry_run_of_typed_in_rows_is_answered_as_an_imports_and_stores_nothing(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    status, checked = _entries(client, team_id, lead, "?dry_run=true")
    assert status == 200, checked
    _, imported = _import(client, team_id, lead, "?dry_run=true")
    assert checked == {**imported, "file": "typed in"}
    assert (checked["dry_run"], checked["added"], checked["import_id"]) == (True, 1, None)
    assert stored_availability(client, team_id, lead) == []
    status, added = _entries(client, team_id, lead)
    assert status == 200, added
    assert (added["dry_run"], added["added"], added["import_id"]) == (False, 1, 1)  # no import before it
    status, again = _entries(client, team_id, lead, "?dry_run=true")
    assert (status, again["added"], again["unchanged"]) == (200, 0, 1)
    assert len(stored_availability(client, team_id, lead)) == 1


def test_a_dry_run_of_a_bad_row_is_refused_as_its_store_would_be(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    stranger = {**SICK, "agent_id": "zz"}
    status, refused = _entries(client, team_id, lead, "?dry_run=true", stranger)
    assert status == 422
    assert refused["issues"][0]["column"] == "entries.0.agent_id"
    assert _entries(client, team_id, lead, "", stranger) == (status, refused)


@pytest.mark.parametrize("route", ["entries", "imports"])
@pytest.mark.parametrize("query", ["?dry_run=true&dry_run=false", "?dry_run=false&dry_run=true"])
def test_a_query_parameter_given_twice_is_refused_and_nothing_is_stored(
    client: TestClient, lead: dict[str, str], team_id: str, route: str, query: str
) -> None:
    status, refused = (_entries if route == "entries" else _import)(client, team_id, lead, query)
    assert status == 422, refused
    (issue,) = refused["issues"]
    assert (issue["column"], issue["reason"]) == ("query.dry_run", "given 2 times; give it once")
    assert stored_availability(client, team_id, lead) == []


def test_a_caller_without_access_is_told_that_before_a_query_given_twice(
    client: TestClient, team_id: str
) -> None:
    status, refused = _entries(client, team_id, {}, "?dry_run=true&dry_run=false")
    assert status == 401, refused
