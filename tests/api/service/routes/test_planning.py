"""Contact history upload, forecasts and requirements."""

from __future__ import annotations

import io
from datetime import timedelta

import pandas as pd
from fastapi.testclient import TestClient

from tests.api.service.conftest import WEEK, Tokens, requirements_csv


def _history_csv(days_into_the_week: int = 0) -> str:
    """Two weeks of hourly email history from London users (and these days of the week to plan)."""
    ds = pd.date_range(
        pd.Timestamp(WEEK, tz="Europe/London") - pd.Timedelta(days=14),
        periods=(14 + days_into_the_week) * 24,
        freq="h",
    )
    y = [5.0 if 9 <= t.hour < 17 else 1.0 for t in ds]
    frame = pd.DataFrame({"ds": ds.tz_convert("UTC"), "queue": "email", "y": y, "region": "Europe/London"})
    frame["ds"] = frame["ds"].map(lambda t: t.isoformat())
    return frame.to_csv(index=False)


def test_history_to_forecast_to_requirements(client: TestClient, tokens: Tokens, team_id: str) -> None:
    planner_lead = tokens.make("lead", team_id)
    base = f"/v1/teams/{team_id}"
    history = client.post(f"{base}/history", files={"file": ("h.csv", _history_csv())}, headers=planner_lead)
    assert history.status_code == 201, history.text
    assert history.json()["meta"]["rows"] == 14 * 24
    forecast = client.post(
        f"{base}/forecasts",
        json={"history_id": history.json()["id"], "week": WEEK.isoformat()},
        headers=planner_lead,
    )
    assert forecast.status_code == 201, forecast.text
    requirements = client.post(
        f"{base}/requirements", json={"forecast_id": forecast.json()["id"]}, headers=planner_lead
    )
    assert requirements.status_code == 201, requirements.text
    rows = client.get(f"{base}/requirements/{requirements.json()['id']}", headers=planner_lead).json()["rows"]
    assert {"queue", "ds", "required", "scheduled_needed", "lead_in"} <= set(rows[0])
    # the week, and first the email of the history's last 8 hours (the response target) carried into it
    assert len(rows) == 7 * 24 + 8
    lead_in = [r for r in rows if r["lead_in"]]
    assert len(lead_in) == 8
    assert all(r["ds"] < "2026-11-02" for r in lead_in)
    assert all(r["scheduled_needed_fractional"] == 0 for r in lead_in)  # nothing is rostered before the week
    meta = requirements.json()["meta"]
    assert meta["lead_in_rows"] == 8
    assert "lead_in_note" not in meta  # the history runs up to the week
    assert meta["first_ds"].startswith("2026-11-02")  # the span is the week's, the lead-in aside
    without = client.post(
        f"{base}/requirements",
        json={"forecast_id": forecast.json()["id"], "lead_in": False},
        headers=planner_lead,
    )
    assert without.status_code == 201, without.text
    assert without.json()["meta"]["rows"] == 7 * 24
    assert "lead_in_rows" not in without.json()["meta"]
    csv = client.get(f"{base}/forecasts/{forecast.json()['id']}?format=csv", headers=planner_lead)
    assert csv.headers["content-type"].startswith("text/csv")
    assert list(pd.read_csv(io.StringIO(csv.text)).columns)[:4] == ["queue", "region", "ds", "mean"]
    assert [d["id"] for d in client.get(f"{base}/history", headers=planner_lead).json()] == [
        history.json()["id"]
    ]


def test_a_bad_history_file_is_a_422_with_rows(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    bad = "ds,queue,y\n2026-11-01T09:00:00,email,3\n2026-11-01T10:00:00Z,email,-1\n"
    response = client.post(f"/v1/teams/{team_id}/history", files={"file": ("h.csv", bad)}, headers=lead)
    assert response.status_code == 422
    assert {(i["row"], i["column"]) for i in response.json()["issues"]} == {(2, "ds"), (3, "y")}


def test_a_history_of_a_row_per_contact_is_added_up_with_aggregate_and_refused_without(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    contacts = "ds,queue,y\n" + "".join(f"2026-10-20T09:{m:02d}:00Z,email,1\n" for m in (5, 20, 40))
    base = f"/v1/teams/{team_id}/history"
    refused = client.post(base, files={"file": ("h.csv", contacts)}, headers=lead)
    assert refused.status_code == 422, refused.text
    stored = client.post(
        base, params={"aggregate": "true"}, files={"file": ("h.csv", contacts)}, headers=lead
    )
    assert stored.status_code == 201, stored.text
    frame = pd.read_csv(
        io.StringIO(client.get(f"{base}/{stored.json()['id']}?format=csv", headers=lead).text)
    )
    assert frame["y"].sum() == 3


def test_a_misspelt_assume_tz_is_a_422_naming_it_and_the_zone_meant(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    response = client.post(
        f"/v1/teams/{team_id}/history",
        params={"assume_tz": "Europe/Londn"},
        files={"file": ("h.csv", _history_csv())},
        headers=lead,
    )
    assert response.status_code == 422
    assert "assume_tz 'Europe/Londn' is not a time zone; did you mean 'Europe/London'?" in response.text
    assert client.get(f"/v1/teams/{team_id}/history", headers=lead).json() == []


def test_requirements_upload_checks_queues(client: TestClient, lead: dict[str, str], team_id: str) -> None:
    wrong = requirements_csv().replace("email", "voice")
    response = client.post(
        f"/v1/teams/{team_id}/requirements/upload", files={"file": ("r.csv", wrong)}, headers=lead
    )
    assert response.status_code == 422
    assert "voice" in response.json()["detail"]


def test_unknown_ids_are_404(client: TestClient, lead: dict[str, str], team_id: str) -> None:
    base = f"/v1/teams/{team_id}"
    assert (
        client.post(
            f"{base}/forecasts", json={"history_id": 42, "week": "2026-11-02"}, headers=lead
        ).status_code
        == 404
    )
    assert client.get(f"{base}/requirements/42", headers=lead).status_code == 404


def test_a_planner_may_plan_but_not_roster(client: TestClient, tokens: Tokens, team_id: str) -> None:
    planner = tokens.make("planner", team_id)
    response = client.post(
        f"/v1/teams/{team_id}/requirements/upload",
        files={"file": ("r.csv", requirements_csv())},
        headers=planner,
    )
    assert response.status_code == 201
    job = client.post(
        f"/v1/teams/{team_id}/roster-jobs",
        json={"week": WEEK.isoformat(), "requirements_id": response.json()["id"]},
        headers=planner,
    )
    assert job.status_code == 403


def test_a_forecast_week_off_the_teams_week_start_is_refused_in_the_rosters_words(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    base = f"/v1/teams/{team_id}"
    history = client.post(f"{base}/history", files={"file": ("h.csv", _history_csv())}, headers=lead)
    tuesday = WEEK + timedelta(days=1)
    response = client.post(
        f"{base}/forecasts",
        json={"history_id": history.json()["id"], "week": tuesday.isoformat()},
        headers=lead,
    )
    assert response.status_code == 422, response.text
    assert f"{tuesday} is a Tuesday" in response.text
    assert f"use {WEEK} or {WEEK + timedelta(days=7)}" in response.text
    assert client.get(f"{base}/forecasts", headers=lead).json() == []  # nothing stored


def test_requirements_say_when_the_history_carries_nothing_into_the_week(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    base = f"/v1/teams/{team_id}"
    history = client.post(f"{base}/history", files={"file": ("h.csv", _history_csv())}, headers=lead)
    next_week = WEEK + timedelta(days=7)  # the history ends the Sunday before WEEK, a week early
    forecast = client.post(
        f"{base}/forecasts",
        json={"history_id": history.json()["id"], "week": next_week.isoformat()},
        headers=lead,
    )
    assert forecast.status_code == 201, forecast.text
    requirements = client.post(
        f"{base}/requirements", json={"forecast_id": forecast.json()["id"]}, headers=lead
    )
    assert requirements.status_code == 201, requirements.text
    meta = requirements.json()["meta"]
    assert "lead_in_rows" not in meta
    assert meta["lead_in_note"].startswith("nothing is carried into the week for email")
    assert "the history ends on Sunday 2026-11-01 23:00" in meta["lead_in_note"]


def test_a_forecast_from_a_history_that_runs_into_the_week_says_so(
    client: TestClient, tokens: Tokens, team_id: str
) -> None:
    lead = tokens.make("lead", team_id)
    base = f"/v1/teams/{team_id}"
    history = client.post(f"{base}/history", files={"file": ("h.csv", _history_csv(3))}, headers=lead)
    assert history.status_code == 201, history.text
    forecast = client.post(
        f"{base}/forecasts", json={"history_id": history.json()["id"], "week": WEEK.isoformat()}, headers=lead
    )
    assert forecast.status_code == 201, forecast.text
    (note,) = forecast.json()["meta"]["notes"]
    assert "the history runs into the days forecast: 72 of its rows" in note
    assert "uses only the history before them" in note
