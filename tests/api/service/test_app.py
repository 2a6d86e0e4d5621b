"""The app as a whole: health, readiness, the OpenAPI document, and errors that are never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.service.app import create_app
from api.service.settings import Settings


def test_health_and_ready_need_no_token(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok", "detail": ""}
    ready = client.get("/ready")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


def test_openapi_document_lists_the_v1_routes_and_bearer_security(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    paths = set(doc["paths"])
    for path in (
        "/v1/teams",
        "/v1/teams/{team_id}/agents/{agent_id}",
        "/v1/teams/{team_id}/availability/imports",
        "/v1/teams/{team_id}/roster-jobs",
        "/v1/jobs/{job_id}/cancel",
        "/v1/teams/{team_id}/rosters/{number}/roster.xlsx",
        "/v1/teams/{team_id}/rosters/{number}/calendars/{agent_id}.ics",
    ):
        assert path in paths
    assert "HTTPBearer" in doc["components"]["securitySchemes"]
    assert client.get("/docs").status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/v1/teams"), ("post", "/v1/teams"), ("get", "/v1/jobs/abc"), ("get", "/v1/me")],
)
def test_data_routes_need_a_bearer_token(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    bad = client.request(method, path, headers={"Authorization": "Bearer wfm_not-a-token"})
    assert bad.status_code == 401
    assert "unknown or revoked" in bad.json()["detail"]


def test_malformed_json_is_a_422_that_says_where(client: TestClient, admin: dict[str, str]) -> None:
    response = client.post(
        "/v1/teams", content=b'{"name": "x", ', headers={**admin, "Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["title"] == "invalid request"
    assert "body" in response.json()["detail"]


def test_wrong_types_name_the_field(client: TestClient, admin: dict[str, str]) -> None:
    response = client.post("/v1/teams", json={"name": "x", "tz": "UTC", "queues": "email"}, headers=admin)
    assert response.status_code == 422
    columns = {issue["column"] for issue in response.json()["issues"]}
    assert "body.queues" in columns
    assert "body.agents" in columns


def _paths(doc: dict[str, Any]) -> list[tuple[str, str]]:
    return [(m, p) for p, ops in doc["paths"].items() for m in ops if m in ("get", "post", "put", "delete")]


def test_no_route_answers_500_to_junk(client: TestClient, admin: dict[str, str], team_id: str) -> None:
    """A small fuzz over every route of the OpenAPI document: ids that do not exist, junk bodies."""
    doc = client.get("/openapi.json").json()
    values = {"team_id": team_id, "agent_id": "nobody", "job_id": "nope", "number": "99", "other": "98"}
    values |= {"dataset_id": "12345", "token_id": "777"}
    for method, template in _paths(doc):
        path = template
        for key, value in values.items():
            path = path.replace("{" + key + "}", value)
        for body in (None, {"junk": True}, [1, 2], "text"):
            kwargs: dict[str, Any] = {"headers": admin}
            if body is not None and method in ("post", "put"):
                kwargs["json"] = body
            response = client.request(method, path, **kwargs)
            assert response.status_code < 500, (method, path, body, response.text)


def test_a_bug_answers_the_services_500_and_is_not_raised_again(settings: Settings) -> None:
    """An unexpected error gets the JSON 500 and ends there: raised again past it, the server drops
    the connection and the client's next request on it fails (the test client would raise it)."""
    app = create_app(settings)

    def broken() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/v1/broken", broken)
    with TestClient(app) as client:
        response = client.get("/v1/broken")
        assert response.status_code == 500
        assert response.json()["title"] == "internal error"
        assert client.get("/health").status_code == 200


@pytest.mark.parametrize(
    "instant", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "1800-01-01T00:00:00Z"]
)
def test_a_lock_time_past_the_edge_of_time_is_refused_naming_it(
    client: TestClient, admin: dict[str, str], team_id: str, instant: str
) -> None:
    body = {"week": "2026-11-02", "locked_before": instant, "time_limit_s": 1}
    response = client.post(f"/v1/teams/{team_id}/roster-jobs", json=body, headers=admin)
    assert response.status_code == 422, response.text
    (issue,) = response.json()["issues"]
    assert issue["column"] == "locked_before"
    assert "1900..2200" in issue["reason"]
