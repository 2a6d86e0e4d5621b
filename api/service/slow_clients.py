"""Requests that never end: a client that opens connections and sends its request headers, or its
body, a byte at a time (or never) would hold the service's connections and file descriptors for as
long as it likes. uvicorn times out idle keep-alive connections only, so:

- `TimedH11Protocol` (the server's HTTP protocol) closes a connection whose request headers are not
  complete within the read timeout of its opening, or of the end of its last answer;
- `BodyReadTimeout` (an ASGI middleware) answers 408 when the next part of a request body does not
  come within the read timeout (once the body is read, waiting on the client, as a long-poll or an
  event stream does to learn it left, is not limited).

Behind a reverse proxy (nginx, Caddy) these limits are the proxy's too; they keep a service reached
directly from being held open by a handful of clients.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import h11
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from api.service.asgi import HttpMiddleware


class TimedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request headers take longer than
    `read_timeout_s` (a class attribute, set by `with_read_timeout`) to arrive."""

    read_timeout_s: float = 30.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._headers_due: asyncio.TimerHandle | None = None
        self._await_headers()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:  # the request's headers are in
            self._headers_in()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._await_headers()  # the next request on this connection gets the same time

    def connection_lost(self, exc: Exception | None) -> None:
        self._headers_in()
        super().connection_lost(exc)

    def _await_headers(self) -> None:
        self._headers_in()
        self._headers_due = self.loop.call_later(self.read_timeout_s, self._headers_late)

    def _headers_in(self) -> None:
        if self._headers_due is not None:
            self._headers_due.cancel()
            self._headers_due = None

    def _headers_late(self) -> None:
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def with_read_timeout(read_timeout_s: float) -> type[TimedH11Protocol]:
    """The protocol class closing connections whose headers take longer than `read_timeout_s`."""
    return type("TimedH11", (TimedH11Protocol,), {"read_timeout_s": read_timeout_s})


class _BodyTooSlow(Exception):
    """The next part of a request body did not come in time."""


class BodyReadTimeout(HttpMiddleware):
    """Answer 408 when the next part of a request body takes longer than `read_timeout_s` to come
    (whatever the app answers after it stopped reading: FastAPI turns a failed read into a 400)."""

    def __init__(self, app: ASGIApp, read_timeout_s: float) -> None:
        super().__init__(app)
        self.read_timeout_s = read_timeout_s

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        body_done = timed_out = answered = False

        async def timed_receive() -> Message:
            nonlocal body_done, timed_out
            if body_done:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.read_timeout_s)
            except TimeoutError:
                timed_out = True
                raise _BodyTooSlow from None
            body_done = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        async def answer_timeout() -> None:
            nonlocal answered
            if not answered:
                answered = True
                body = {
                    "title": "request timeout",
                    "detail": "the request body did not come in time: no part of it for "
                    f"{self.read_timeout_s:g} s",
                }
                await JSONResponse(body, status_code=408, headers={"Connection": "close"})(
                    scope, receive, send
                )

        async def watched(message: Message) -> None:
            if timed_out:  # the app's own answer to the read that failed: ours instead
                await answer_timeout()
                return
            await send(message)

        try:
            await self.app(scope, timed_receive, watched)
        except _BodyTooSlow:
            await answer_timeout()


class OncePer(logging.Filter):
    """Let a message through at most once per `seconds` (e.g. the event loop's 'too many open files'
    when connections exhaust the file descriptors: logged at every try to accept, megabytes a second)."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds
        self._last: dict[Any, float] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        key = (record.name, record.msg)
        if now - self._last.get(key, -self.seconds) < self.seconds:
            return False
        self._last[key] = now
        return True
