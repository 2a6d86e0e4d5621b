"""Teams and agents: create, read, update, delete; bad input is a 422 naming the field."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.service.conftest import tiny_team


def test_create_then_read_a_team(client: TestClient, admin: dict[str, str], team_id: str) -> None:
    assert team_id == "tiny-desk"
    team = client.get(f"/v1/teams/{team_id}", headers=admin).json()
    assert team["name"] == "Tiny Desk"
    assert [a["id"] for a in team["agents"]] == ["a1", "a2"]
    assert team["shift_rules"]["earliest_start"] == "07:00"


def test_a_team_id_can_be_chosen_and_is_unique(
    client: TestClient, admin: dict[str, str], team_id: str
) -> None:
    again = client.post("/v1/teams", json=tiny_team(), headers=admin)
    assert again.status_code == 409
    chosen = client.post("/v1/teams", json={**tiny_team(), "id": "desk-2"}, headers=admin)
    assert chosen.status_code == 201
    assert chosen.json()["id"] == "desk-2"


def test_inconsistent_team_is_a_422(client: TestClient, admin: dict[str, str]) -> None:
    team = tiny_team()
    team["agents"][0]["skills"] = ["chat"]
    response = client.post("/v1/teams", json=team, headers=admin)
    assert response.status_code == 422
    assert "unknown queues: chat" in response.json()["detail"]
    bad_zone = {**tiny_team(), "tz": "Mars/Olympus"}
    assert client.post("/v1/teams", json=bad_zone, headers=admin).status_code == 422


def test_agents_crud(client: TestClient, lead: dict[str, str], team_id: str) -> None:
    base = f"/v1/teams/{team_id}/agents"
    agent = {
        "id": "a3",
        "name": "Cy Example",
        "tz": "Asia/Manila",
        "skills": ["email"],
        "max_hours_per_week": 30,
    }
    assert client.post(base, json=agent, headers=lead).status_code == 201
    assert client.post(base, json=agent, headers=lead).status_code == 409
    assert client.get(f"{base}/a3", headers=lead).json()["tz"] == "Asia/Manila"
    changed = client.put(f"{base}/a3", json={**agent, "tz": "Europe/Dublin"}, headers=lead)
    assert changed.status_code == 200
    assert changed.json()["tz"] == "Europe/Dublin"
    assert client.put(f"{base}/a3", json={**agent, "id": "zz"}, headers=lead).status_code == 422
    assert client.delete(f"{base}/a3", headers=lead).status_code == 204
    assert client.get(f"{base}/a3", headers=lead).status_code == 404
    assert [a["id"] for a in client.get(base, headers=lead).json()] == ["a1", "a2"]


def test_an_agent_must_fit_the_team(client: TestClient, lead: dict[str, str], team_id: str) -> None:
    agent = {"id": "a4", "name": "Di Example", "tz": "Europe/London", "skills": ["voice"]}
    response = client.post(f"/v1/teams/{team_id}/agents", json=agent, headers=lead)
    assert response.status_code == 422
    assert "voice" in response.json()["detail"]
    wrong_type = client.post(f"/v1/teams/{team_id}/agents", json={**agent, "skills": "email"}, headers=lead)
    assert wrong_type.status_code == 422


def test_the_last_agent_cannot_be_removed(client: TestClient, lead: dict[str, str], team_id: str) -> None:
    assert client.delete(f"/v1/teams/{team_id}/agents/a2", headers=lead).status_code == 204
    response = client.delete(f"/v1/teams/{team_id}/agents/a1", headers=lead)
    assert response.status_code == 422
    assert "no agents" in response.json()["detail"]


def test_replace_team_settings(client: TestClient, lead: dict[str, str], team_id: str) -> None:
    team = tiny_team()
    team["shrinkage"] = 0.2
    response = client.put(f"/v1/teams/{team_id}", json=team, headers=lead)
    assert response.status_code == 200
    assert response.json()["shrinkage"] == 0.2
    assert client.put("/v1/teams/unknown", json=team, headers=lead).status_code == 404


def test_an_agents_own_shift_rules_keep_the_teams_other_fields(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    """In the API as in files: an agent given only a shift length keeps the team's earliest start."""
    base = f"/v1/teams/{team_id}/agents"
    agent = {"id": "a5", "name": "Ed Example", "tz": "Europe/London", "skills": ["email"]}
    part_time = {**agent, "max_hours_per_week": 20, "shift_rules": {"lengths_hours": [4]}}
    assert client.post(base, json=part_time, headers=lead).status_code == 201
    stored = client.get(f"{base}/a5", headers=lead).json()
    given = {k: v for k, v in stored["shift_rules"].items() if v is not None}
    assert given == {"lengths_hours": [4.0]}  # null: the team's
    from api.schemas import team_from_mapping

    stored_team = client.get(f"/v1/teams/{team_id}", headers=lead).json()
    service_only = ("id", "created_at", "updated_at")
    team = team_from_mapping({k: v for k, v in stored_team.items() if k not in service_only})
    rules = team.shift_rules_of(team.agent("a5"))
    assert (rules.lengths_hours, rules.earliest_start_minute) == ((4.0,), 7 * 60)
