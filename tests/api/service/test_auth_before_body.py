"""Access is checked from a request's headers before any of its body is read: no token or an unknown
one is a 401, a team the token may not see a 404 and a role that may not call the route a 403,
whatever the body is and however slowly it comes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.types import Message

from tests.api.service.conftest import Tokens, requirements_csv

GARBAGE_FORM = {"Content-Type": "multipart/form-data; boundary=b"}


def _ask(
    client: TestClient, method: str, path: str, headers: dict[str, str], query: str = ""
) -> tuple[int, dict[str, str], bool]:
    """Send a request whose headers announce a body that never comes: its status, headers, and whether
    the service read at all from the body (the answer's body goes in `answer["body"]`)."""
    status, answer_headers, read, _ = _ask_with_body(client, method, path, headers, query)
    return status, answer_headers, read


def _ask_with_body(
    client: TestClient, method: str, path: str, headers: dict[str, str], query: str = ""
) -> tuple[int, dict[str, str], bool, dict[str, Any]]:
    """`_ask`, with the answer's JSON body too."""
    read = False
    answer: dict[str, Any] = {"body": b""}

    async def receive() -> Message:
        nonlocal read
        read = True
        raise AssertionError("the body was read")

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
            answer["headers"] = {k.decode(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    raw = [(k.lower().encode(), v.encode()) for k, v in {**headers, "Content-Length": "1000000"}.items()]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": raw,
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }
    client.portal.call(client.app, scope, receive, send)  # type: ignore[union-attr]
    return answer["status"], answer["headers"], read, json.loads(answer["body"] or b"{}")


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wfm_unknown", "Basic YTpi", "Bearer "],
    ids=["none", "unknown", "basic", "empty"],
)
def test_a_body_without_a_valid_token_is_never_read(
    client: TestClient, team_id: str, authorization: str | None
) -> None:
    headers = {**GARBAGE_FORM, **({"Authorization": authorization} if authorization else {})}
    status, answer_headers, read = _ask(client, "POST", f"/v1/teams/{team_id}/availability/imports", headers)
    assert (status, read) == (401, False)
    assert answer_headers["www-authenticate"] == "Bearer"
    assert answer_headers["connection"] == "close"  # what the client sent of the body is left unread


def test_a_role_that_may_not_call_the_route_is_refused_before_its_body(
    client: TestClient, tokens: Tokens, team_id: str
) -> None:
    hr = tokens.make("hr", team_id)
    for method, path in (
        ("POST", f"/v1/teams/{team_id}/requirements/upload"),
        ("POST", f"/v1/teams/{team_id}/roster-jobs"),
        ("PUT", f"/v1/teams/{team_id}"),
        ("POST", "/v1/teams"),
        ("POST", "/v1/scenarios"),
        ("POST", "/v1/tokens"),
    ):
        status, _, read = _ask(client, method, path, {**hr, **GARBAGE_FORM})
        assert (status, read) == (403, False), path


def test_a_team_the_token_may_not_see_is_not_found_before_the_body(
    client: TestClient, tokens: Tokens
) -> None:
    other_lead = tokens.make("lead", "other-team")
    status, _, read = _ask(
        client, "POST", "/v1/teams/tiny-desk/requirements/upload", {**other_lead, **GARBAGE_FORM}
    )
    assert (status, read) == (404, False)


def test_a_misspelt_query_parameter_of_an_upload_is_refused_before_its_body(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    path = f"/v1/teams/{team_id}/availability/imports"
    status, answer_headers, read, body = _ask_with_body(
        client, "POST", path, {**lead, **GARBAGE_FORM}, "dryrun=true&mode=replace"
    )
    assert (status, read, answer_headers["connection"]) == (422, False, "close")
    reason = "not a parameter of this route; it takes: dry_run, mode, sheet"
    assert [(i["column"], i["value"], i["reason"]) for i in body["issues"]] == [
        ("query.dryrun", "true", reason)
    ]
    # a caller without a token learns nothing of the route's parameters
    status, _, read = _ask(client, "POST", path, GARBAGE_FORM, "dryrun=true")
    assert (status, read) == (401, False)


def test_a_malformed_body_of_a_forbidden_role_is_a_403(
    client: TestClient, tokens: Tokens, team_id: str
) -> None:
    hr = tokens.make("hr", team_id)
    response = client.post(
        f"/v1/teams/{team_id}/requirements/upload", content=b"garbage", headers={**hr, **GARBAGE_FORM}
    )
    assert response.status_code == 403
    anonymous = client.post(
        f"/v1/teams/{team_id}/availability/imports", content=b"garbage", headers={**GARBAGE_FORM}
    )
    assert anonymous.status_code == 401


def test_an_allowed_caller_with_a_body_is_served(
    client: TestClient, lead: dict[str, str], team_id: str
) -> None:
    files = {"file": ("requirements.csv", requirements_csv(), "text/csv")}
    upload = client.post(f"/v1/teams/{team_id}/requirements/upload", files=files, headers=lead)
    assert upload.status_code == 201, upload.text
    garbage = client.post(
        f"/v1/teams/{team_id}/requirements/upload", content=b"garbage", headers={**lead, **GARBAGE_FORM}
    )
    assert garbage.status_code == 422  # now the body is the caller's to fix


def test_a_request_without_a_body_is_left_to_the_routes(client: TestClient, team_id: str) -> None:
    assert client.get(f"/v1/teams/{team_id}").status_code == 401
    assert client.get("/health").status_code == 200
