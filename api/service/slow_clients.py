"""Requests that never end: a client that opens connections and sends its request headers, or its
body, a byte at a time (or never) would hold the service's connections and file descriptors for as
long as it likes. uvicorn times out idle keep-alive connections only, so:

- `TimedH11Protocol` (the server's HTTP protocol) closes a connection whose request headers are not
  complete within the read timeout of its opening, or of the end of its last answer;
- `BodyReadTimeout` (an ASGI middleware) answers 408 when the next part of a request body does not
  come within the read timeout, or when, that long after the app first read it, the body has come
  more slowly than a minimum rate on average (as Kestrel's MinRequestBodyDataRate: a client sending a
  byte every few seconds would otherwise hold the connection for days). Once the body is read, waiting
  on the client, as a long-poll or an event stream does to learn it left, is not limited.

An answer given before the request body is all in (the 408 above) would often not reach the client:
closing a socket with unread bytes in it makes the kernel reset the connection, and a reset drops
what the client had not read yet. So such a connection is closed as nginx's `lingering_close` does:
the answer is sent and the writing side shut, then what still comes is read and dropped until the
client closes, for at most `LINGER_S`.

Behind a reverse proxy (nginx, Caddy) these limits are the proxy's too; they keep a service reached
directly from being held open by a handful of clients.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import h11
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from api.service.asgi import HttpMiddleware

LINGER_S = 2.0  # the longest a connection answered before its body was in is read to be closed


class LingeringTransport:
    """A connection's transport whose `close()`, while the request body is not all in, shuts the
    writing side and closes only when the client does or `linger_s` later; the rest is the
    transport's own."""

    def __init__(
        self, transport: asyncio.Transport, body_unread: Callable[[], bool], linger_s: float
    ) -> None:
        self._transport = transport
        self._body_unread = body_unread  # whether the request body is not all read
        self._linger_s = linger_s
        self.lingering = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)

    def is_closing(self) -> bool:
        return self.lingering or self._transport.is_closing()

    def close(self) -> None:
        if self.lingering or self._transport.is_closing():
            return
        if not (self._body_unread() and self._transport.can_write_eof()):
            self._transport.close()
            return
        self.lingering = True
        self._transport.write_eof()
        self._transport.resume_reading()
        asyncio.get_running_loop().call_later(self._linger_s, self._transport.close)


class TimedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request headers take longer than
    `read_timeout_s` (a class attribute, set by `with_read_timeout`) to arrive, and lingering on the
    close of one answered before its body was in (`LingeringTransport`)."""

    read_timeout_s: float = 30.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        lingering = LingeringTransport(transport, self._body_unread, LINGER_S)
        super().connection_made(lingering)  # type: ignore[arg-type]
        self._headers_due: asyncio.TimerHandle | None = None
        self._await_headers()

    def _body_unread(self) -> bool:
        return self.conn.their_state is h11.SEND_BODY

    def data_received(self, data: bytes) -> None:
        if isinstance(self.transport, LingeringTransport) and self.transport.lingering:
            return  # read only to be dropped, so that closing does not reset the connection
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:  # the request's headers are in
            self._headers_in()

    def on_response_complete(self) -> None:
        if self._body_unread():  # answered before its body was read (a 413, a 408): nothing more comes of it
            self.transport.close()
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
    """The next part of a request body did not come in time, or the body came too slowly."""


def _seconds(value_s: float) -> str:
    """Seconds as a client reads them: 31, 0.5, 12.3."""
    return f"{round(value_s, 1):g}"


@dataclass(frozen=True)
class BodyPace:
    """How fast a request body must come: each part within `read_timeout_s` and, once `read_timeout_s`
    has passed since its first read (the grace), at least `min_rate_bytes_s` on average."""

    read_timeout_s: float
    min_rate_bytes_s: int

    def wait_s(self, received_bytes: int, elapsed_s: float) -> float:
        """How long to wait for the next part, `elapsed_s` after the first read with `received_bytes`
        in: until the part is late or the average falls below the minimum, whichever comes first (0 or
        less: too slow already)."""
        return min(self.read_timeout_s, self._rate_due_s(received_bytes) - elapsed_s)

    def _rate_due_s(self, received_bytes: int) -> float:
        """How long after the first read `received_bytes` are still enough: the grace, or more."""
        return max(self.read_timeout_s, received_bytes / self.min_rate_bytes_s)

    def why_late(self, received_bytes: int, elapsed_s: float, waited_s: float) -> str:
        """What a client is told whose body's next part did not come within `waited_s` (as `wait_s`
        gave it), `elapsed_s` after the first read, with `received_bytes` in."""
        if waited_s >= self.read_timeout_s:  # the part's own timeout came first, not the rate's
            return f"the request body did not come in time: no part of it for {self.read_timeout_s:g} s"
        return (
            f"the request body came too slowly: {received_bytes:,} bytes in {_seconds(elapsed_s)} s, "
            f"below {self.min_rate_bytes_s:,} bytes a second"
        )


class BodyReadTimeout(HttpMiddleware):
    """Answer 408 when a request body comes slower than `pace` allows (whatever the app answers after
    it stopped reading: FastAPI turns a failed read into a 400)."""

    def __init__(self, app: ASGIApp, pace: BodyPace) -> None:
        super().__init__(app)
        self.pace = pace

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        body_done = answered = False
        received_bytes = 0
        started: float | None = None
        late: str | None = None  # why the body was refused, once it is

        async def timed_receive() -> Message:
            nonlocal body_done, received_bytes, started, late
            if body_done:
                return await receive()
            now = time.monotonic()
            started = now if started is None else started
            wait_s = self.pace.wait_s(received_bytes, now - started)
            try:  # a wait of 0 or less (too slow already) times out at once
                message = await asyncio.wait_for(receive(), wait_s)
            except TimeoutError:
                late = self.pace.why_late(received_bytes, time.monotonic() - started, wait_s)
                raise _BodyTooSlow from None
            received_bytes += len(message.get("body", b""))
            body_done = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        async def answer_timeout() -> None:
            nonlocal answered
            if not answered and late is not None:
                answered = True
                body = {"title": "request timeout", "detail": late}
                await JSONResponse(body, status_code=408, headers={"Connection": "close"})(
                    scope, receive, send
                )

        async def watched(message: Message) -> None:
            if late is not None:  # the app's own answer to the read that failed: ours instead
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
