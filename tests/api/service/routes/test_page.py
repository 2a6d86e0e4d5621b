"""The web page's routes: the day view's day is a day as it is written, YYYY-MM-DD, not a time."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.service.conftest import Tokens, solve_roster


@pytest.fixture
def version(client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int) -> int:
    job = solve_roster(client, team_id, requirements_id, lead)
    assert job["state"] == "succeeded", job
    return int(job["version"])


@pytest.mark.parametrize(
    "day",
    [
        "2026-11-02T00:00",
        "2026-11-02T00:00+01:00",
        "2026-11-02T00:00Z",
        "2026-11-02 00:00",
        "1793577600",  # seconds since 1970: pydantic reads a number as a day too
        "20261102",
        "nope",
    ],
)
def test_a_day_that_is_not_written_as_a_day_is_refused_naming_it(
    client: TestClient, lead: dict[str, str], team_id: str, day: str
) -> None:
    """Refused before the version is looked for (none is stored here)."""
    response = client.get(f"/v1/teams/{team_id}/rosters/1/day/{day}", headers=lead)
    assert response.status_code == 422, response.text
    (issue,) = response.json()["issues"]
    assert (issue["column"], issue["value"]) == ("path.day", day)
    assert issue["reason"] == "must be a day written YYYY-MM-DD, e.g. 2026-11-02 (no time, no other form)"


def test_a_day_written_as_a_day_is_shown(
    client: TestClient, lead: dict[str, str], team_id: str, version: int
) -> None:
    response = client.get(f"/v1/teams/{team_id}/rosters/{version}/day/2026-11-02", headers=lead)
    assert response.status_code == 200, response.text
    assert response.json()["number"] == version


def test_a_day_that_does_not_exist_is_refused_as_before(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    response = client.get(f"/v1/teams/{team_id}/rosters/1/day/2026-02-30", headers=lead)
    assert response.status_code == 422, response.text
    assert response.json()["issues"][0]["column"] == "path.day"


def test_a_caller_without_access_is_told_that_before_the_day(
    client: TestClient, team_id: str, tokens: Tokens
) -> None:
    url = f"/v1/teams/{team_id}/rosters/1/day/2026-11-02T00:00"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=tokens.make("lead", "another-team")).status_code == 404
