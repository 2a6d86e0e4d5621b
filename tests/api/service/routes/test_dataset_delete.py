"""Deleting a stored history, forecast or requirements: refused, with nothing deleted, while something
still reads it (the forecasts made from a history, the roster versions made from requirements, a
queued or running job); otherwise gone, and no longer listed."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.service.db import JobRow, make_engine, session_factory, transaction, utcnow
from api.service.settings import Settings
from tests.api.service.conftest import WEEK, Tokens, requirements_csv, solve_roster, tiny_team
from tests.api.service.routes.test_planning import _history_csv


def _post(client: TestClient, path: str, headers: dict[str, str], **kwargs: object) -> int:
    response = client.post(path, headers=headers, **kwargs)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_a_history_is_kept_while_a_forecast_made_from_it_is_stored(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    base = f"/v1/teams/{team_id}"
    history = _post(client, f"{base}/history", lead, files={"file": ("h.csv", _history_csv())})
    forecast = _post(
        client, f"{base}/forecasts", lead, json={"history_id": history, "week": WEEK.isoformat()}
    )
    requirements = _post(client, f"{base}/requirements", lead, json={"forecast_id": forecast})

    refused = client.delete(f"{base}/history/{history}", headers=lead)
    assert refused.status_code == 409
    assert f"forecasts {forecast} were made from it" in refused.json()["detail"]
    assert client.get(f"{base}/history/{history}", headers=lead).status_code == 200  # nothing deleted

    # requirements are a frame of their own: the forecast they were made from may go
    assert client.delete(f"{base}/forecasts/{forecast}", headers=lead).status_code == 204
    assert client.get(f"{base}/forecasts/{forecast}", headers=lead).status_code == 404
    assert client.get(f"{base}/requirements/{requirements}", headers=lead).status_code == 200

    assert client.delete(f"{base}/history/{history}", headers=lead).status_code == 204
    assert client.get(f"{base}/history", headers=lead).json() == []
    assert client.delete(f"{base}/history/{history}", headers=lead).status_code == 404


def test_requirements_a_roster_version_was_made_from_are_kept(
    client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int
) -> None:
    base = f"/v1/teams/{team_id}"
    assert solve_roster(client, team_id, requirements_id, lead)["state"] == "succeeded"
    refused = client.delete(f"{base}/requirements/{requirements_id}", headers=lead)
    assert refused.status_code == 409
    assert "roster versions 1 were made from it" in refused.json()["detail"]
    unused = _post(client, f"{base}/requirements/upload", lead, files={"file": ("r.csv", requirements_csv())})
    assert client.delete(f"{base}/requirements/{unused}", headers=lead).status_code == 204
    assert [d["id"] for d in client.get(f"{base}/requirements", headers=lead).json()] == [requirements_id]


def test_a_dataset_a_queued_job_reads_is_kept(
    client: TestClient, lead: dict[str, str], team_id: str, requirements_id: int, settings: Settings
) -> None:
    engine = make_engine(settings.database_url)
    with transaction(session_factory(engine)) as session:
        session.add(
            JobRow(
                id="queued-job",
                team_id=team_id,
                kind="roster",
                state="queued",
                params={"requirements_id": requirements_id},
                created_at=utcnow(),
            )
        )
    engine.dispose()
    refused = client.delete(f"/v1/teams/{team_id}/requirements/{requirements_id}", headers=lead)
    assert refused.status_code == 409
    assert "jobs queued-job read it" in refused.json()["detail"]


def test_only_those_who_plan_delete_and_only_their_teams_datasets(
    client: TestClient, tokens: Tokens, admin: dict[str, str], team_id: str, requirements_id: int
) -> None:
    path = f"/v1/teams/{team_id}/requirements/{requirements_id}"
    assert client.delete(path, headers=tokens.make("hr", team_id)).status_code == 403
    other = client.post("/v1/teams", json=tiny_team("Other Desk"), headers=admin)
    assert other.status_code == 201, other.text
    elsewhere = tokens.make("lead", other.json()["id"])
    assert client.delete(path, headers=elsewhere).status_code == 404  # another team's: not even seen
    # the id of requirements under another kind's path is not found: nothing of that kind has it
    assert client.delete(f"/v1/teams/{team_id}/forecasts/{requirements_id}", headers=admin).status_code == 404
    assert client.get(path, headers=admin).status_code == 200
