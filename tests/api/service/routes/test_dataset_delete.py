"""Deleting a stored history, forecast or requirements: a history takes the forecasts made from it
along (requirements are frames of their own and stay); refused, with nothing deleted, while something
still reads one (the roster versions made from requirements, a queued or running job)."""

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


def test_a_history_goes_with_the_forecasts_made_from_it_and_requirements_stay(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    base = f"/v1/teams/{team_id}"
    history = _post(client, f"{base}/history", lead, files={"file": ("h.csv", _history_csv())})
    other = _post(client, f"{base}/history", lead, files={"file": ("other.csv", _history_csv())})
    forecasts = [
        _post(client, f"{base}/forecasts", lead, json={"history_id": history, "week": WEEK.isoformat()})
        for _ in range(2)
    ]
    kept = _post(client, f"{base}/forecasts", lead, json={"history_id": other, "week": WEEK.isoformat()})
    requirements = _post(client, f"{base}/requirements", lead, json={"forecast_id": forecasts[0]})

    deleted = client.delete(f"{base}/history/{history}", headers=lead)
    assert deleted.status_code == 200, deleted.text
    assert [(d["kind"], d["id"]) for d in deleted.json()] == [
        ("history", history),
        *(("forecast", f) for f in forecasts),
    ]
    assert [d["id"] for d in client.get(f"{base}/history", headers=lead).json()] == [other]
    assert [d["id"] for d in client.get(f"{base}/forecasts", headers=lead).json()] == [kept]
    assert client.get(f"{base}/requirements/{requirements}", headers=lead).status_code == 200
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
    assert client.delete(f"{base}/requirements/{unused}", headers=lead).status_code == 200
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


def test_a_history_whose_forecast_a_queued_scenario_job_reads_is_kept_with_its_forecasts(
    client: TestClient, lead: dict[str, str], team_id: str, settings: Settings
) -> None:
    base = f"/v1/teams/{team_id}"
    history = _post(client, f"{base}/history", lead, files={"file": ("h.csv", _history_csv())})
    forecast = _post(
        client, f"{base}/forecasts", lead, json={"history_id": history, "week": WEEK.isoformat()}
    )
    engine = make_engine(settings.database_url)
    with transaction(session_factory(engine)) as session:
        params = {"base_kind": "forecast", "base_id": forecast}
        session.add(
            JobRow(
                id="what-if",
                team_id=team_id,
                kind="scenario",
                state="running",
                params=params,
                created_at=utcnow(),
            )
        )
    engine.dispose()
    refused = client.delete(f"{base}/history/{history}", headers=lead)
    assert refused.status_code == 409
    assert "jobs what-if read it" in refused.json()["detail"]
    assert client.get(f"{base}/forecasts/{forecast}", headers=lead).status_code == 200


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
