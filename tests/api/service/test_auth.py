"""Access: tokens are stored hashed, roles limit actions, tokens see only their teams."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.service.auth import hash_secret
from api.service.db import TokenRow, make_engine, session_factory
from api.service.settings import Settings
from tests.api.service.conftest import WEEK, Tokens, availability_csv, tiny_team


def test_only_the_hash_of_a_token_is_stored(
    client: TestClient, admin: dict[str, str], settings: Settings
) -> None:
    created = client.post(
        "/v1/tokens", json={"role": "hr", "teams": ["x"], "label": "hr desk"}, headers=admin
    )
    assert created.status_code == 201
    secret = created.json()["token"]
    engine = make_engine(settings.database_url)
    with session_factory(engine)() as session:
        hashes = list(session.scalars(select(TokenRow.token_hash)))
    engine.dispose()
    assert hash_secret(secret) in hashes
    assert secret not in hashes
    listed = client.get("/v1/tokens", headers=admin).json()
    assert all("token" not in t for t in listed)


def test_a_revoked_token_stops_working(client: TestClient, admin: dict[str, str]) -> None:
    created = client.post("/v1/tokens", json={"role": "planner", "teams": ["*"]}, headers=admin).json()
    mine = {"Authorization": f"Bearer {created['token']}"}
    assert client.get("/v1/me", headers=mine).json()["role"] == "planner"
    assert client.delete(f"/v1/tokens/{created['id']}", headers=admin).status_code == 200
    assert client.get("/v1/me", headers=mine).status_code == 401


def test_a_lead_sees_only_their_teams(
    client: TestClient, admin: dict[str, str], tokens: Tokens, team_id: str
) -> None:
    other = client.post("/v1/teams", json=tiny_team("Other Desk"), headers=admin).json()["id"]
    lead = tokens.make("lead", team_id)
    assert [t["id"] for t in client.get("/v1/teams", headers=lead).json()] == [team_id]
    assert client.get(f"/v1/teams/{other}", headers=lead).status_code == 404
    assert client.get(f"/v1/teams/{other}/agents", headers=lead).status_code == 404
    assert client.get(f"/v1/teams/{other}/rosters", headers=lead).status_code == 404
    assert client.get(f"/v1/teams/{team_id}", headers=lead).status_code == 200


def _request(client: TestClient, action: str, team_id: str, headers: dict[str, str]) -> Any:
    av = availability_csv([{"agent_id": "a1", "weekday": "mon", "kind": "unavailable"}])
    agent = {"id": "a9", "name": "New Person", "tz": "Europe/London", "skills": ["email"]}
    return {
        "read": lambda: client.get(f"/v1/teams/{team_id}/agents", headers=headers),
        "create_team": lambda: client.post("/v1/teams", json=tiny_team("Third"), headers=headers),
        "edit_team": lambda: client.post(f"/v1/teams/{team_id}/agents", json=agent, headers=headers),
        "import_availability": lambda: client.post(
            f"/v1/teams/{team_id}/availability/imports?dry_run=true",
            files={"file": ("av.csv", av, "text/csv")},
            headers=headers,
        ),
        "roster": lambda: client.post(
            f"/v1/teams/{team_id}/roster-jobs",
            json={"week": WEEK.isoformat(), "requirements_id": 999},
            headers=headers,
        ),
        "publish": lambda: client.post(f"/v1/teams/{team_id}/rosters/1/publish", headers=headers),
        "admin": lambda: client.get("/v1/tokens", headers=headers),
    }[action]()


# allowed: the role passes the access check (the request may still fail later, e.g. 404 for version 1)
MATRIX = {
    "lead": {"read", "edit_team", "import_availability", "roster", "publish"},
    "hr": {"read", "import_availability"},
    "planner": {"read"},
    "admin": {"read", "create_team", "edit_team", "import_availability", "roster", "publish", "admin"},
}


ACTIONS = ("read", "create_team", "edit_team", "import_availability", "roster", "publish", "admin")


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_each_role_may_do_only_its_actions(
    client: TestClient, tokens: Tokens, team_id: str, role: str
) -> None:
    headers = tokens.make(role, team_id)
    for action in ACTIONS:
        response = _request(client, action, team_id, headers)
        if action in MATRIX[role]:
            assert response.status_code != 403, (action, response.text)
            assert response.status_code < 500, (action, response.text)
        else:
            assert response.status_code == 403, (action, response.text)
            assert "may not" in response.json()["detail"]


def test_hr_cannot_publish_but_can_import(client: TestClient, tokens: Tokens, team_id: str) -> None:
    hr = tokens.make("hr", team_id)
    assert _request(client, "publish", team_id, hr).status_code == 403
    assert _request(client, "import_availability", team_id, hr).status_code == 200


def test_a_token_for_another_team_gets_404_not_403(client: TestClient, tokens: Tokens, team_id: str) -> None:
    stranger = tokens.make("lead", "some-other-team")
    for action in ("read", "import_availability", "roster", "publish"):
        assert _request(client, action, team_id, stranger).status_code == 404


@pytest.mark.parametrize("team", ["Tok.txt", "a*b", "Creator Support"])
def test_a_token_for_an_id_no_team_can_have_is_refused_by_the_cli_as_by_the_api(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, team: str
) -> None:
    """Such a token would see nothing, silently: the API refused it, the CLI stored it."""
    from typer.testing import CliRunner

    from api.cli import app

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'wfm.db'}")
    result = CliRunner().invoke(app, ["token", "create", "--role", "lead", "--team", team])
    assert result.exit_code == 2
    assert f"not a team id: {team!r}" in result.output
    ok = CliRunner().invoke(app, ["token", "create", "--role", "lead", "--team", "creator-support"])
    assert ok.exit_code == 0, ok.output
