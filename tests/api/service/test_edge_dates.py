"""Dates at the edges of the calendar: every week field, the `ds` of uploaded requirements and history,
and a typed-in availability date are refused with a 422 naming the field and the value, never a 500,
and nothing is stored."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from tests.api.service.conftest import requirements_csv
from tests.api.service.routes.test_planning import _history_csv

# year 1 and the last days of year 9999 (a Monday and a Friday) once overflowed the date arithmetic;
# 1899 lies just before the years a week may start in
EDGE_WEEKS = ("0001-01-01", "1899-12-25", "9999-12-27", "9999-12-31")


def _history_id(client: TestClient, team_id: str, lead: dict[str, str]) -> int:
    response = client.post(
        f"/v1/teams/{team_id}/history", files={"file": ("h.csv", _history_csv())}, headers=lead
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _week_requests(team_id: str, requirements_id: int, history_id: int, week: str) -> list[tuple[str, Any]]:
    """Each route that takes a week, with a body that is good but for the week."""
    return [
        (f"/v1/teams/{team_id}/roster-jobs", {"week": week, "requirements_id": requirements_id}),
        (f"/v1/teams/{team_id}/forecasts", {"week": week, "history_id": history_id}),
        (
            "/v1/scenarios",
            {
                "team_id": team_id,
                "week": week,
                "requirements_id": requirements_id,
                "scenarios": [{"name": "more", "changes": [{"kind": "volume", "multiplier": 1.1}]}],
            },
        ),
    ]


@pytest.mark.parametrize("week", EDGE_WEEKS)
def test_a_week_outside_the_years_planned_is_refused_naming_the_field(
    client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int, week: str
) -> None:
    history_id = _history_id(client, team_id, lead)
    for url, body in _week_requests(team_id, requirements_id, history_id, week):
        response = client.post(url, json=body, headers=lead)
        assert response.status_code == 422, (url, response.text)
        (issue,) = response.json()["issues"]
        assert (issue["column"], issue["value"]) == ("week", week), url
        assert "starts in the years 1900..2200" in issue["reason"], url
    assert client.get(f"/v1/teams/{team_id}/roster-jobs", headers=lead).json() == []
    assert client.get(f"/v1/teams/{team_id}/forecasts", headers=lead).json() == []


def test_a_week_on_another_weekday_names_the_field_and_the_days_to_use(
    client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int
) -> None:
    body = {"week": "2026-11-03", "requirements_id": requirements_id}
    response = client.post(f"/v1/teams/{team_id}/roster-jobs", json=body, headers=lead)
    assert response.status_code == 422, response.text
    (issue,) = response.json()["issues"]
    assert (issue["column"], issue["value"]) == ("week", "2026-11-03")
    assert "use 2026-11-02 or 2026-11-09" in issue["reason"]


def _with_ds(csv_text: str, row: int, ds: str) -> str:
    """The CSV with data row `row` (0-based) given another `ds`."""
    frame = pd.read_csv(io.StringIO(csv_text), dtype=str, keep_default_na=False)
    frame.loc[row, "ds"] = ds
    return frame.to_csv(index=False)


@pytest.mark.parametrize("ds", ["0001-01-01T00:00:00Z", "1677-09-21T00:12:43Z", "9999-12-31T00:00:00Z"])
def test_requirements_with_a_ds_outside_the_years_planned_are_refused_with_row_and_value(
    client: TestClient, lead: dict[str, str], team_id: str, ds: str
) -> None:
    upload = _with_ds(requirements_csv(), 2, ds)
    url = f"/v1/teams/{team_id}/requirements/upload"
    response = client.post(url, files={"file": ("far.csv", upload)}, headers=lead)
    assert response.status_code == 422, response.text
    (issue,) = response.json()["issues"]
    assert (issue["row"], issue["column"], issue["value"]) == (4, "ds", ds)  # the header is row 1
    assert "far.csv" in issue["file"]
    assert "must lie in the years 1900..2200" in issue["reason"]
    assert client.get(f"/v1/teams/{team_id}/requirements", headers=lead).json() == []


def test_a_history_with_a_ds_of_year_one_is_refused_for_its_year_not_its_grid(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    upload = _with_ds(_history_csv(), 0, "0001-01-01T00:00:00Z")
    response = client.post(f"/v1/teams/{team_id}/history", files={"file": ("h.csv", upload)}, headers=lead)
    assert response.status_code == 422, response.text
    (issue,) = response.json()["issues"]
    assert (issue["row"], issue["column"], issue["value"]) == (2, "ds", "0001-01-01T00:00:00Z")
    assert "must lie in the years 1900..2200" in issue["reason"]
    assert client.get(f"/v1/teams/{team_id}/history", headers=lead).json() == []


@pytest.mark.parametrize(
    ("entry", "field", "value"),
    [
        ({"date": "9999-12-31"}, "date", "9999-12-31"),
        ({"date": "1899-12-31", "to": "1900-01-02"}, "date", "1899-12-31"),
        ({"date": "2026-11-04", "to": "9999-12-31"}, "to", "9999-12-31"),
    ],
)
def test_a_typed_in_date_outside_the_years_planned_names_its_own_field_and_value(
    client: TestClient, lead: dict[str, str], team_id: str, entry: dict[str, str], field: str, value: str
) -> None:
    url = f"/v1/teams/{team_id}/availability/entries"
    response = client.post(
        url, json={"entries": [{"agent_id": "a1", "kind": "absence", **entry}]}, headers=lead
    )
    assert response.status_code == 422, response.text
    (issue,) = response.json()["issues"]
    assert issue["column"] == f"body.entries.0.{field}"
    assert issue["reason"] == f"a date must lie in the years 1900..2200, got {value}"
    assert client.get(f"/v1/teams/{team_id}/availability", headers=lead).json() == []
