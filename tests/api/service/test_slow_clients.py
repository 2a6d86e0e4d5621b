"""How fast a request body must come (`BodyPace`), and that a body read whole is not limited: a
long-poll or an event stream waits on its client afterwards for as long as it takes."""

from __future__ import annotations

import asyncio

import pytest
from starlette.types import Message, Receive, Scope, Send

from api.service.slow_clients import BodyPace, BodyReadTimeout
from tests.api.service.conftest import run_alone

PACE = BodyPace(read_timeout_s=30.0, min_rate_bytes_s=1024)


@pytest.mark.parametrize(
    ("received_bytes", "elapsed_s", "wait_s"),
    [
        (0, 0.0, 30.0),  # the first part: the read timeout
        (0, 10.0, 20.0),  # the grace ends before the part would be late
        (12, 31.0, -1.0),  # past the grace at 12 bytes: too slow already
        (1024 * 40, 35.0, 5.0),  # 40 s worth of bytes at the minimum rate: 5 s left
        (1024 * 1000, 40.0, 30.0),  # far ahead of the rate: the read timeout
    ],
)
def test_the_wait_for_the_next_part_is_the_sooner_of_its_timeout_and_the_rates(
    received_bytes: int, elapsed_s: float, wait_s: float
) -> None:
    assert PACE.wait_s(received_bytes, elapsed_s) == pytest.approx(wait_s)


def test_a_client_is_told_which_limit_it_missed() -> None:
    assert PACE.why_late(0, 30.0, 30.0) == "the request body did not come in time: no part of it for 30 s"
    assert PACE.why_late(12, 31.0, 0.2) == (
        "the request body came too slowly: 12 bytes in 31 s, below 1,024 bytes a second"
    )


def _run(app_reads: int, parts: list[Message], then_s: float) -> tuple[list[Message], list[Message]]:
    """What an app that reads `app_reads` messages gets, and what is sent, behind `BodyReadTimeout` with
    a read timeout of 0.05 s, from a client that sends `parts` at once, then leaves after `then_s`."""
    got: list[Message] = []
    sent: list[Message] = []

    async def app(_scope: Scope, receive: Receive, _send: Send) -> None:
        for _ in range(app_reads):
            got.append(await receive())

    async def receive() -> Message:
        if parts:
            return parts.pop(0)
        await asyncio.sleep(then_s)
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    middleware = BodyReadTimeout(app, BodyPace(read_timeout_s=0.05, min_rate_bytes_s=1024))
    scope: Scope = {"type": "http", "method": "POST", "path": "/", "headers": []}
    run_alone(middleware(scope, receive, send))
    return got, sent


def test_a_body_read_whole_is_not_limited_while_the_app_waits_on_its_client() -> None:
    """The client leaves four read timeouts after its body: the app learns it, nothing is answered 408."""
    body = {"type": "http.request", "body": b"{}", "more_body": False}
    got, sent = _run(2, [body], then_s=0.2)
    assert [m["type"] for m in got] == ["http.request", "http.disconnect"]
    assert sent == []


def test_a_body_whose_next_part_is_late_is_answered_408() -> None:
    part = {"type": "http.request", "body": b"{", "more_body": True}
    got, sent = _run(2, [part], then_s=0.2)
    assert got == [part]
    assert [m.get("status") for m in sent if m["type"] == "http.response.start"] == [408]
