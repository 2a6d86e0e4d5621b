"""Every error answer is the service's JSON error, whatever raised it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.service import Settings
from tests.api.service.conftest import tiny_team

MAX_JSON_BYTES = 4096


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """JSON bodies up to `MAX_JSON_BYTES`: a body past that is small enough to send in a test."""
    return settings.model_copy(update={"max_json_bytes": MAX_JSON_BYTES})


def _chunks(size_bytes: int) -> Iterator[bytes]:
    """A body sent in chunks, without a Content-Length."""
    for _ in range(size_bytes // 1024):
        yield b" " * 1024


@pytest.mark.parametrize("sent", ["with its length", "in chunks"])
@pytest.mark.parametrize("token", [True, False], ids=["with a token", "without a token"])
def test_a_body_past_its_limit_is_a_json_413_however_it_is_sent(
    client: TestClient, admin: dict[str, str], sent: str, token: bool
) -> None:
    big = b"{" + b" " * (2 * MAX_JSON_BYTES) + b"}"
    content = big if sent == "with its length" else _chunks(2 * MAX_JSON_BYTES)
    headers = {**(admin if token else {}), "Content-Type": "application/json"}
    answer = client.post("/v1/teams", content=content, headers=headers)
    if not token and sent == "in chunks":  # its size is not known before the body: the token is checked first
        assert answer.status_code == 401
        return
    assert answer.status_code == 413  # a Content-Length past the limit is refused from the headers alone
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == {
        "title": "request too large",
        "detail": f"the request body is larger than this route takes ({MAX_JSON_BYTES:,} bytes at most); "
        "send less, or a smaller file",
    }


def test_a_body_within_its_limit_is_read(client: TestClient, admin: dict[str, str]) -> None:
    assert client.post("/v1/teams", json=tiny_team(), headers=admin).status_code == 201
