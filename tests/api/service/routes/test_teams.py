"""Teams and agents: create, read, update, delete; bad input is a 422 naming the field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app as cli
from tests.api.service.conftest import Tokens, tiny_team


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
    service_only = ("id", "created_at", "updated_at", "warnings")
    team = team_from_mapping({k: v for k, v in stored_team.items() if k not in service_only})
    rules = team.shift_rules_of(team.agent("a5"))
    assert (rules.lengths_hours, rules.earliest_start_minute) == ((4.0,), 7 * 60)


def _team_file(tmp_path: Path) -> bytes:
    """The team file `wfm team init` writes from a sheet of two agents (YAML, comments, unquoted zones)."""
    sheet = tmp_path / "agents.csv"
    sheet.write_text("name,tz,skills,hours\nMaya Lopez,America/Phoenix,email,40\nSam Oneil,,email,32\n")
    out = tmp_path / "team.yaml"
    args = ["team", "init", "--agents", str(sheet), "--name", "Creator Support", "--tz", "America/Phoenix"]
    result = CliRunner().invoke(cli, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_a_team_file_as_wfm_team_init_writes_it_creates_the_team(
    client: TestClient, admin: dict[str, str], tmp_path: Path
) -> None:
    files = {"file": ("team.yaml", _team_file(tmp_path), "application/yaml")}
    created = client.post("/v1/teams/upload", files=files, headers=admin)
    assert created.status_code == 201, created.text
    team = created.json()
    assert (team["id"], team["name"], team["tz"]) == ("creator-support", "Creator Support", "America/Phoenix")
    assert [a["id"] for a in team["agents"]] == ["maya-lopez", "sam-oneil"]
    # stored as POST /teams stores the same team
    again = client.post("/v1/teams", json={**tiny_team(), "id": "from-json"}, headers=admin).json()
    assert client.get("/v1/teams/creator-support", headers=admin).json().keys() == again.keys()
    taken = client.post("/v1/teams/upload", files=files, headers=admin)
    assert taken.status_code == 409
    assert "choose another id or name" in taken.json()["detail"]
    chosen = client.post("/v1/teams/upload?id=creator-support-2", files=files, headers=admin)
    assert chosen.status_code == 201
    assert chosen.json()["id"] == "creator-support-2"


def test_a_json_team_file_is_taken_too(client: TestClient, admin: dict[str, str]) -> None:
    files = {"file": ("desk.json", json.dumps(tiny_team("Json Desk")), "application/json")}
    created = client.post("/v1/teams/upload", files=files, headers=admin)
    assert created.status_code == 201, created.text
    assert created.json()["id"] == "json-desk"


@pytest.mark.parametrize(
    ("name", "text", "column", "value", "reason"),
    [
        (
            "team.yaml",
            yaml.safe_dump({**tiny_team(), "tz": "Europe/Londn"}),
            "tz",
            "Europe/Londn",
            "unknown time zone; did you mean 'Europe/London'?",
        ),
        (
            "team.yaml",
            yaml.safe_dump({**tiny_team(), "shrinkag": 0.2}),
            "shrinkag",
            "0.2",
            "unknown key 'shrinkag'; did you mean 'shrinkage'?",
        ),
        ("team.yaml", "name: Desk\nqueues: [email\n", None, None, "line 3, column 1"),
        ("team.txt", "name: Desk\n", None, None, "unknown file type; upload .yaml or .yml or .json"),
        ("team.yaml", "", None, None, "the file is empty"),
    ],
    ids=["a misspelt zone", "a misspelt key", "broken YAML", "not a team file", "an empty file"],
)
def test_a_bad_team_file_is_a_422_naming_the_file_and_where_and_stores_nothing(
    client: TestClient,
    admin: dict[str, str],
    name: str,
    text: str,
    column: str | None,
    value: str | None,
    reason: str,
) -> None:
    refused = client.post("/v1/teams/upload", files={"file": (name, text)}, headers=admin)
    assert refused.status_code == 422, refused.text
    (issue,) = refused.json()["issues"]
    assert issue["file"] == name
    assert (issue["column"], issue["value"]) == (column, value)
    assert reason in issue["reason"]
    assert client.get("/v1/teams", headers=admin).json() == []


def test_only_a_token_that_may_create_teams_may_upload_one(
    client: TestClient, tokens: Tokens, team_id: str
) -> None:
    files = {"file": ("desk.json", json.dumps(tiny_team("Other Desk")), "application/json")}
    refused = client.post("/v1/teams/upload", files=files, headers=tokens.make("lead", team_id))
    assert refused.status_code == 403
    assert refused.json()["detail"] == "a lead token may not create teams"


def test_a_team_as_get_gives_it_can_be_put_back_changed_and_means_the_same(
    client: TestClient, admin: dict[str, str]
) -> None:
    """An agent's own labour rules read back only as given: a null there would lift the team's
    weekend limit for that agent when put back."""
    team = tiny_team("Round Trip")
    team["labour_rules"]["max_weekends_worked"] = 1
    team["agents"][0]["shift_rules"] = {"lengths_hours": [4, 6]}
    team["agents"][1]["labour_rules"] = {"min_rest_hours": 12}
    created = client.post("/v1/teams", json=team, headers=admin)
    assert created.status_code == 201, created.text
    read = client.get("/v1/teams/round-trip", headers=admin).json()
    assert read["agents"][1]["labour_rules"] == {"min_rest_hours": 12.0}
    assert read["agents"][0]["shift_rules"] == {"lengths_hours": [4.0, 6.0]}
    changed = {**read, "shrinkage": 0.25}
    put = client.put("/v1/teams/round-trip", json=changed, headers=admin)
    assert put.status_code == 200, put.text
    again = put.json()
    assert again["shrinkage"] == 0.25
    assert again["agents"] == read["agents"]
    assert again["updated_at"] != read["updated_at"]


def test_putting_back_a_team_that_changed_since_it_was_read_is_a_409(
    client: TestClient, admin: dict[str, str], team_id: str
) -> None:
    read = client.get(f"/v1/teams/{team_id}", headers=admin).json()
    first = client.put(f"/v1/teams/{team_id}", json={**read, "shrinkage": 0.2}, headers=admin)
    assert first.status_code == 200
    second = client.put(f"/v1/teams/{team_id}", json={**read, "shrinkage": 0.3}, headers=admin)
    assert second.status_code == 409
    assert "read it again" in second.json()["detail"]
    assert client.get(f"/v1/teams/{team_id}", headers=admin).json()["shrinkage"] == 0.2
    other = client.put(f"/v1/teams/{team_id}", json={**read, "id": "another"}, headers=admin)
    assert other.status_code == 422
    assert "path's team id" in other.text


@pytest.mark.parametrize("path", ["/v1/teams/{team}/agents", "/v1/teams/{team}/agents/a2"])
def test_an_agent_may_lift_the_teams_weekend_limit_with_a_null_through_the_agent_routes(
    client: TestClient, admin: dict[str, str], path: str
) -> None:
    team = tiny_team("Weekends")
    team["labour_rules"]["max_weekends_worked"] = 1
    assert client.post("/v1/teams", json=team, headers=admin).status_code == 201
    agent = {**team["agents"][1], "labour_rules": {"max_weekends_worked": None}}
    if path.endswith("/agents"):
        agent = {**agent, "id": "a3"}
        response = client.post(path.format(team="weekends"), json=agent, headers=admin)
    else:
        response = client.put(path.format(team="weekends"), json=agent, headers=admin)
    assert response.status_code in (200, 201), response.text
    assert response.json()["labour_rules"] == {"max_weekends_worked": None}


def test_settings_no_roster_can_meet_are_saved_with_a_warning_that_names_who_and_why(
    client: TestClient, admin: dict[str, str], team_id: str
) -> None:
    """4-h shifts on at most 5 days make 20 h: Ann's 16-h minimum fits, a 32-h one does not. The
    service stores what the lead gave (the lead may mean to change the contract next) and says so, in
    `wfm team check`'s words; the warning goes once the contract fits."""
    read = client.get(f"/v1/teams/{team_id}", headers=admin).json()
    assert [w for w in read["warnings"] if "Ann" in w] == []  # Bo, in New York, is told of his window
    short = {**read, "shift_rules": {**read["shift_rules"], "lengths_hours": [4]}}
    short["agents"] = [{**read["agents"][0], "min_hours_per_week": 32}, *read["agents"][1:]]
    put = client.put(f"/v1/teams/{team_id}", json=short, headers=admin)
    assert put.status_code == 200, put.text
    (warning,) = [w for w in put.json()["warnings"] if w not in read["warnings"]]
    assert warning.startswith("Ann Example (a1):")
    assert "32" in warning
    assert warning in client.get(f"/v1/teams/{team_id}", headers=admin).json()["warnings"]
    fits = {**put.json(), "agents": read["agents"]}  # the warnings read back are ignored when put
    assert client.put(f"/v1/teams/{team_id}", json=fits, headers=admin).json()["warnings"] == read["warnings"]
