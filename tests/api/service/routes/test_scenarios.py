"""What-if scenarios through the service: staffing at once, re-roster and sweeps as jobs, stored and listed."""

from __future__ import annotations

import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.api.service.conftest import WEEK, Tokens, solve_roster, wait_for_job
from tests.api.service.routes.test_planning import _history_csv


def _body(team_id: str, requirements_id: int, **extra: Any) -> dict[str, Any]:
    return {
        "team_id": team_id,
        "requirements_id": requirements_id,
        "week": WEEK.isoformat(),
        "pay": {"default_hourly_rate": 20},
        "scenarios": [
            {"name": "busier", "changes": [{"kind": "volume", "multiplier": 1.5}]},
            {"name": "Bo leaves", "changes": [{"kind": "remove_agents", "agent_ids": ["a2"]}]},
        ],
        **extra,
    }


def test_staffing_scenarios_answer_at_once_and_are_stored(
    client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int, tokens: Tokens
) -> None:
    assert solve_roster(client, team_id, requirements_id, lead)["state"] == "succeeded"
    answer = client.post(
        "/v1/scenarios", json=_body(team_id, requirements_id, roster_version=1), headers=lead
    )
    assert answer.status_code == 201, answer.text
    stored = answer.json()
    assert [r["scenario"] for r in stored["rows"]] == ["base", "busier", "Bo leaves"]
    base, busier, fewer = stored["rows"]
    assert base["service_level"] is not None
    assert busier["delta_volume"] > 0
    assert fewer["headcount"] == 1
    assert base["cost"] == 20 * base["paid_hours"]
    listed = client.get(f"/v1/scenarios?team_id={team_id}", headers=lead).json()
    assert [s["id"] for s in listed] == [stored["id"]]
    assert client.get(f"/v1/scenarios/{stored['id']}", headers=lead).json()["rows"] == stored["rows"]
    csv = client.get(f"/v1/scenarios/{stored['id']}/comparison.csv", headers=lead)
    assert csv.content.startswith(b"\xef\xbb\xbfscenario,depth,service_level")  # UTF-8, marked for Excel
    book = load_workbook(
        io.BytesIO(client.get(f"/v1/scenarios/{stored['id']}/comparison.xlsx", headers=lead).content)
    )
    assert book.sheetnames == ["Comparison", "Deltas", "By queue"]
    hr = tokens.make("hr", team_id)
    assert client.post("/v1/scenarios", json=_body(team_id, requirements_id), headers=hr).status_code == 403
    stranger = tokens.make("planner", "other-team")
    assert client.get(f"/v1/scenarios/{stored['id']}", headers=stranger).status_code == 404
    assert client.get("/v1/scenarios", headers=stranger).json() == []


def test_bad_scenarios_are_refused_with_the_reason(
    client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int
) -> None:
    for scenario, message in (
        (
            {"name": "x", "changes": [{"kind": "volume", "multiplier": 1.2, "queue": "phone"}]},
            "unknown queue 'phone'",
        ),
        ({"name": "x", "changes": [{"kind": "volume", "multiplier": -1}]}, "must be at least 0"),
        ({"name": "x", "changes": [{"kind": "remove_agents", "agent_ids": ["zz"]}]}, "no agent 'zz'"),
    ):
        answer = client.post(
            "/v1/scenarios", json={**_body(team_id, requirements_id), "scenarios": [scenario]}, headers=lead
        )
        assert answer.status_code == 422, answer.text
        assert message in answer.json()["detail"]
    neither = {**_body(team_id, requirements_id), "requirements_id": None}
    assert client.post("/v1/scenarios", json=neither, headers=lead).status_code == 422
    assert client.get("/v1/scenarios", headers=lead).json() == []


def test_a_re_roster_sweep_is_a_job_with_progress_and_a_stored_comparison(
    client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int
) -> None:
    body = _body(
        team_id, requirements_id, depth="reroster", scenarios=[], sweep={"volume": [1.0, 2.0]}, time_limit_s=1
    )
    answer = client.post("/v1/scenarios", json=body, headers=lead)
    assert answer.status_code == 202, answer.text
    job = wait_for_job(client, answer.json()["id"], lead)
    assert job["state"] == "succeeded", job
    assert job["progress"]["done"] == job["progress"]["total"] == 3  # the base is solved too: no roster given
    result = client.get(f"/v1/jobs/{job['id']}/result", headers=lead).json()
    assert result["id"] == job["scenario_id"]
    assert [r["scenario"] for r in result["rows"]] == ["base", "volume=1", "volume=2"]
    assert all(r["roster_status"] in ("OPTIMAL", "FEASIBLE") for r in result["rows"])


def test_a_scenario_whose_team_would_pass_the_team_limit_is_refused_naming_it(
    client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int
) -> None:
    """The team limit (200 agents) holds for the team each scenario makes, checked before any is built."""
    many = {"name": "hire a crowd", "changes": [{"kind": "add_agents", "count": 200}] * 20}
    step = {
        "name": "grow",
        "changes": [{"kind": "add_agents", "count": 150}, {"kind": "add_agents", "count": 49}],
    }
    body = _body(team_id, requirements_id, scenarios=[{"name": "fine", "changes": []}, many, step])
    answer = client.post("/v1/scenarios", json=body, headers=lead)
    assert answer.status_code == 422, answer.text
    issues = answer.json()["issues"]
    assert [i["column"] for i in issues] == ["scenarios.1.changes.0", "scenarios.2.changes.1"]
    assert "scenario 'hire a crowd' would have 202 agents after change 1 (add_agents)" in issues[0]["reason"]
    assert "scenario 'grow' would have 201 agents after change 2" in issues[1]["reason"]
    assert all("at most 200" in i["reason"] for i in issues)
    at_the_limit = {"name": "two hundred", "changes": [{"kind": "headcount", "agents": 200}]}
    shrunk_first = {
        "name": "shrink, then grow",
        "changes": [{"kind": "remove_agents", "count": 1}, {"kind": "add_agents", "count": 199}],
    }
    body = _body(team_id, requirements_id, scenarios=[at_the_limit, shrunk_first])
    assert client.post("/v1/scenarios", json=body, headers=lead).status_code == 201


def test_the_base_need_counts_the_email_carried_into_the_week_whichever_base_is_given(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    """A forecast made here from a history, and the requirements made from it with its lead-in: the
    base row's need is the same from either id, and more than that of the requirements made without
    the lead-in (the email of the history's last response window, carried in), as the CLI counts it."""
    base = f"/v1/teams/{team_id}"
    history = client.post(f"{base}/history", files={"file": ("h.csv", _history_csv())}, headers=lead).json()[
        "id"
    ]
    forecast = client.post(
        f"{base}/forecasts", json={"history_id": history, "week": WEEK.isoformat()}, headers=lead
    ).json()["id"]
    made = [
        client.post(f"{base}/requirements", json={"forecast_id": forecast, "lead_in": carried}, headers=lead)
        for carried in (True, False)
    ]
    assert made[0].json()["meta"]["lead_in_rows"] > 0, made[0].text
    scenario = [{"name": "busier", "changes": [{"kind": "volume", "multiplier": 1.2}]}]
    needs = []
    for key, value in (("forecast_id", forecast), *(("requirements_id", m.json()["id"]) for m in made)):
        body = {"team_id": team_id, key: value, "week": WEEK.isoformat(), "scenarios": scenario}
        answer = client.post("/v1/scenarios", json=body, headers=lead)
        assert answer.status_code == 201, answer.text
        needs.append(answer.json()["rows"][0]["required_agent_hours"])
    from_forecast, with_lead_in, without = needs
    assert from_forecast == pytest.approx(with_lead_in)
    assert with_lead_in > without
