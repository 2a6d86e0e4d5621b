"""Every /v1 route refuses a query parameter it does not take, and one given twice unless it takes a
list (422, nothing stored), after the caller's access: a caller without it is told that first."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from fastapi import Depends, Query
from fastapi.dependencies.utils import get_dependant
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field
from starlette.datastructures import QueryParams

from api.service.query_check import MAX_QUERY_ISSUES, declared_query, query_issues
from tests.api.service.conftest import Tokens, stored_availability

SICK = {"agent_id": "a1", "kind": "absence", "date": "2026-11-04", "note": "flu"}


def _issues(response: Any) -> list[tuple[str, str, str]]:
    assert response.status_code == 422, response.text
    return [(i["column"], i["value"], i["reason"]) for i in response.json()["issues"]]


def test_an_unknown_parameter_of_a_get_route_is_refused_listing_what_it_takes(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    none = client.get(f"/v1/teams/{team_id}/rosters?bogus=1", headers=lead)
    assert _issues(none) == [
        ("query.bogus", "1", "not a parameter of this route; it takes no query parameters")
    ]
    grid = client.get(f"/v1/teams/{team_id}/rosters/1/grid?zones=agent", headers=lead)
    assert _issues(grid) == [("query.zones", "agent", "not a parameter of this route; it takes: zone")]


def test_an_unknown_parameter_of_a_post_route_is_refused_and_nothing_is_stored(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    typo = client.post(
        f"/v1/teams/{team_id}/availability/entries?dryrun=true", json={"entries": [SICK]}, headers=lead
    )
    assert _issues(typo) == [("query.dryrun", "true", "not a parameter of this route; it takes: dry_run")]
    files = {"file": ("sick.csv", "agent_id,date,kind\na1,2026-11-04,absence\n", "text/csv")}
    upload = client.post(f"/v1/teams/{team_id}/availability/imports?dryrun=true", files=files, headers=lead)
    reason = "not a parameter of this route; it takes: dry_run, mode, sheet"
    assert _issues(upload) == [("query.dryrun", "true", reason)]
    assert stored_availability(client, team_id, lead) == []


def test_a_parameter_given_twice_is_refused_and_with_an_unknown_one_both_are_named(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    url = f"/v1/teams/{team_id}/rosters/1/grid"
    twice = client.get(f"{url}?zone=team&zone=agent", headers=lead)
    assert _issues(twice) == [("query.zone", "team, agent", "given 2 times; give it once")]
    both = client.get(f"{url}?zone=team&x=1&zone=agent", headers=lead)
    assert [column for column, _, _ in _issues(both)] == ["query.zone", "query.x"]


def test_declared_parameters_still_work(client: TestClient, lead: dict[str, str], team_id: str) -> None:
    checked = client.post(
        f"/v1/teams/{team_id}/availability/entries?dry_run=true", json={"entries": [SICK]}, headers=lead
    )
    assert checked.status_code == 200, checked.text
    assert checked.json()["dry_run"] is True
    assert client.get(f"/v1/scenarios?team_id={team_id}", headers=lead).status_code == 200
    assert client.get(f"/v1/teams/{team_id}/rosters/1/grid?zone=agent", headers=lead).status_code == 404


def test_a_caller_without_access_is_told_that_first(
    client: TestClient, tokens: Tokens, team_id: str, lead: dict[str, str]
) -> None:
    rosters = f"/v1/teams/{team_id}/rosters?bogus=1&bogus=2"
    assert client.get(rosters).status_code == 401
    assert client.get(rosters, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get(rosters, headers=tokens.make("lead", "another-team")).status_code == 404
    entries = f"/v1/teams/{team_id}/availability/entries?dryrun=true"
    assert client.post(entries, json={"entries": [SICK]}).status_code == 401
    planner = tokens.make("planner", team_id)
    assert client.post(entries, json={"entries": [SICK]}, headers=planner).status_code == 403
    assert client.post(f"/v1/teams/{team_id}/roster-jobs?x=1", json={}, headers=planner).status_code == 403
    assert stored_availability(client, team_id, lead) == []


def test_the_caller_found_for_the_check_is_the_routes(
    client: TestClient, admin: dict[str, str], team_id: str
) -> None:
    """A refused query looks the caller up from its token; a good one is answered as ever."""
    assert client.get("/v1/me?x=1", headers=admin).status_code == 422
    assert client.get("/v1/me", headers=admin).json()["role"] == "admin"


def test_routes_outside_v1_are_left_alone(client: TestClient) -> None:
    assert client.get("/health?probe=1").status_code == 200


class _Options(BaseModel):
    preset: str | None = None
    map_queue: list[str] = Field(default_factory=list)
    time_format: str | None = Field(default=None, alias="format")


def _dependency(since: Annotated[str | None, Query()] = None) -> None:
    return None


def _endpoint(
    options: Annotated[_Options, Query()],
    _from_dependency: Annotated[None, Depends(_dependency)],
    dry_run: bool = False,
    tags: Annotated[list[str] | None, Query()] = None,
    limit: Annotated[int, Query(alias="max")] = 10,
) -> None:
    return None


def test_a_routes_parameters_are_its_own_its_dependencies_and_a_models_fields() -> None:
    declared = declared_query(get_dependant(path="/x", call=_endpoint))
    assert declared == {
        "preset": False,
        "map_queue": True,
        "format": False,
        "since": False,
        "dry_run": False,
        "tags": True,
        "max": False,
    }


@pytest.mark.parametrize(
    ("query", "columns"),
    [
        ("tags=a&tags=b&map_queue=x&map_queue=y", []),
        ("dry_run=1&dry_run=0", ["query.dry_run"]),
        ("limit=5", ["query.limit"]),  # a parameter is read by its alias
        ("max=5&DRY_RUN=1", ["query.DRY_RUN"]),  # names are read as written
    ],
)
def test_query_issues(query: str, columns: list[str]) -> None:
    declared = declared_query(get_dependant(path="/x", call=_endpoint))
    assert [i.column for i in query_issues(QueryParams(query), declared)] == columns


def test_a_query_of_many_unknown_names_is_answered_with_the_first_ones() -> None:
    """30,000 names (a 200-KB query) in one pass: counting each name's values by scanning the query once
    per name held the event loop for seconds."""
    query = QueryParams("&".join(f"p{n}=1" for n in range(30_000)))
    issues = query_issues(query, {})
    assert [i.column for i in issues] == [f"query.p{n}" for n in range(MAX_QUERY_ISSUES)]
