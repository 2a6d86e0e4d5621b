"""Errors of the service and the one place that maps every error to an HTTP answer."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY
from starlette.types import Message, Receive, Scope, Send

from api.service.asgi import HttpMiddleware
from api.team_file import RepeatedKey, once_each
from api.validation_words import reason_of
from common.errors import Infeasible, InputIssue, InvalidInput, WfmError

log = logging.getLogger("wfm.service")
# what an overloaded service asks a client to wait (`Retry-After`): a burst of reads clears in seconds
BUSY_RETRY_AFTER_S = 2


class ServiceError(Exception):
    """An error the service raises on purpose; `status` is its HTTP status."""

    status = 400
    title = "bad request"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(ServiceError):
    """An id that does not exist (or that this token may not see)."""

    status = 404
    title = "not found"


class Unauthorized(ServiceError):
    """No token, or a token that is unknown or revoked."""

    status = 401
    title = "unauthorized"


class Forbidden(ServiceError):
    """The token's role may not do this."""

    status = 403
    title = "forbidden"


class Conflict(ServiceError):
    """The request clashes with what is stored (a duplicate, or a job in the wrong state)."""

    status = 409
    title = "conflict"


class TooManyJobs(ServiceError):
    """The team already has as many queued or running jobs as it may have; `retry_after_s` is sent as
    the answer's `Retry-After`."""

    status = 429
    title = "too many jobs"

    def __init__(self, detail: str, retry_after_s: int) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s


class Busy(ServiceError):
    """More requests want the database than it can serve in time (the service is overloaded);
    `retry_after_s` is sent as the answer's `Retry-After`."""

    status = 503
    title = "busy"

    def __init__(self, detail: str, retry_after_s: int = BUSY_RETRY_AFTER_S) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s


class TooLarge(ServiceError):
    """An upload above the configured size."""

    status = 413
    title = "file too large"


class JobFailed(ServiceError):
    """The result of a job that failed: its stored error. Invalid input or an infeasible request is the
    caller's (422, as if the request had been refused); any other failure means the job has no result
    (409), not that this request failed."""

    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(str(error.get("detail", "the job failed")))
        self.status = 422 if int(error.get("status", 422)) == 422 else 409
        self.body = {k: v for k, v in error.items() if k != "status"}


def invalid_body(exc: InvalidInput) -> dict[str, Any]:
    """The answer body of invalid input: a message and each issue with its place (and, when the issue is
    which sheet of a workbook to read, its `sheets`)."""
    return {
        "title": "invalid input",
        "detail": str(exc),
        "issues": [
            {
                "file": i.file,
                "row": i.row,
                "column": i.column,
                "value": i.value,
                "reason": i.reason,
                **({"sheets": list(i.sheets)} if i.sheets else {}),
            }
            for i in exc.issues
        ],
    }


class InvalidQuery(ServiceError):
    """A query parameter the route does not take, or one given twice, found before the body is read."""

    status = 422
    title = "invalid input"

    def __init__(self, exc: InvalidInput) -> None:
        super().__init__(str(exc))
        self.body = invalid_body(exc)


def infeasible_body(exc: Infeasible) -> dict[str, Any]:
    """The answer body of an infeasible request: the conflicting rules in a lead's words."""
    return {"title": "infeasible", "detail": str(exc), "conflicts": list(exc.conflicts)}


def service_error_response(exc: ServiceError, *, close: bool = False) -> JSONResponse:
    """The answer to a service error; with `close`, the connection is closed after it (a request whose
    body was not read)."""
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else {}
    if isinstance(exc, TooManyJobs | Busy):
        headers = {"Retry-After": str(exc.retry_after_s)}
    if close:
        headers["Connection"] = "close"
    if isinstance(exc, JobFailed | InvalidQuery):
        return JSONResponse(exc.body, status_code=exc.status, headers=headers)
    return JSONResponse({"title": exc.title, "detail": exc.detail}, status_code=exc.status, headers=headers)


def _service_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ServiceError)
    return service_error_response(exc)


def busy() -> Busy:
    """The 503 of a request that could not get to the database in time."""
    return Busy("the service is busy with other requests; try again in a moment")


def _pool_timeout(_request: Request, exc: Exception) -> JSONResponse:
    # every connection of the pool stayed in use for its whole timeout: overload, not a bug
    log.warning("no database connection in time: %s", exc)
    return service_error_response(busy())


def _wfm_error(_request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, Infeasible):
        return JSONResponse(infeasible_body(exc), status_code=422)
    if isinstance(exc, InvalidInput):
        return JSONResponse(invalid_body(exc), status_code=422)
    return JSONResponse({"title": "invalid input", "detail": str(exc)}, status_code=422)


def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    issues = [
        {
            "column": ".".join(str(part) for part in err.get("loc", ())),
            "reason": reason_of(err),
            "type": err.get("type", ""),
        }
        for err in exc.errors()
    ]
    detail = "; ".join(f"{i['column']}: {i['reason']}" for i in issues[:10])
    return JSONResponse(
        jsonable_encoder({"title": "invalid request", "detail": detail, "issues": issues}), status_code=422
    )


def _unreadable_body(exc: StarletteHTTPException) -> str:
    """Why a body could not be read (FastAPI and Starlette answer 400 with the reason as the cause)."""
    cause = exc.__cause__
    if isinstance(cause, UnicodeDecodeError):
        return "the body is not UTF-8 text; send JSON in UTF-8"
    if isinstance(cause, RecursionError):
        return "the JSON is nested too deeply"
    return f"the body cannot be read ({exc.detail}); send JSON, or a form with the file"


def too_large_body(limit_bytes: object) -> dict[str, Any]:
    """The answer body of a request body above the route's limit (`limit_bytes`, when known)."""
    detail = "the request body is larger than this route takes"
    if isinstance(limit_bytes, int):
        detail += f" ({limit_bytes:,} bytes at most)"
    return {"title": "request too large", "detail": detail + "; send less, or a smaller file"}


class JsonTooLarge(HttpMiddleware):
    """Make every 413 the service's JSON error: Starlette's body limit answers a body whose
    Content-Length is past the limit with a text/plain 413 of its own, sent past the exception handlers."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        replaced = False

        async def send_json(message: Message) -> None:
            nonlocal replaced
            if replaced:  # the plain body of the answer replaced
                return
            if message["type"] == "http.response.start" and message["status"] == 413:
                content_type = Headers(raw=message.get("headers", [])).get("content-type", "")
                if not content_type.startswith("application/json"):
                    replaced = True
                    body = too_large_body(scope.get(MAX_BODY_SIZE_SCOPE_KEY))
                    await JSONResponse(body, status_code=413)(scope, receive, send)
                    return
            await send(message)

        await self.app(scope, receive, send_json)


class AnswerUnexpected(HttpMiddleware):
    """Answer an unexpected error (a bug) with the service's 500 and keep the connection: Starlette's
    outermost handler answers it too, then raises it again, and the server drops the connection, so
    the client's next request on it fails."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as exc:
            if started:  # part of an answer is out: nothing better to send
                raise
            log.error("unexpected error", exc_info=exc)
            await _unexpected_response()(scope, receive, send)


def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400:  # only reading a body answers 400: an invalid request like any other
        reason = _unreadable_body(exc)
        body = {
            "title": "invalid request",
            "detail": reason,
            "issues": [{"column": "body", "reason": reason}],
        }
        return JSONResponse(body, status_code=422)
    if exc.status_code == 413:
        body = too_large_body(request.scope.get(MAX_BODY_SIZE_SCOPE_KEY))
        return JSONResponse(body, status_code=413, headers=exc.headers)
    return JSONResponse(
        {"title": "error", "detail": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers
    )


def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    # the type only: messages may carry personal data
    log.error("unexpected error: %s", type(exc).__name__)
    return _unexpected_response()


def _unexpected_response() -> JSONResponse:
    return JSONResponse({"title": "internal error", "detail": "an unexpected error; see the logs"}, 500)


class Problem(BaseModel):
    """An error: what went wrong (`detail`) and, for invalid input, where (`issues`); for an infeasible
    request, the conflicting rules in a lead's words (`conflicts`)."""

    title: str
    detail: str
    issues: list[dict[str, Any]] | None = None
    conflicts: list[str] | None = None


# what a route that may start a job answers besides its own
JOB_LIMIT_ANSWER: dict[int | str, dict[str, Any]] = {
    429: {
        "model": Problem,
        "description": "the team already has the most queued or running jobs it may have",
        "headers": {
            "Retry-After": {
                "description": "seconds to wait before trying again: about when one of the team's jobs "
                "ends (a default roster solve's time limit)",
                "schema": {"type": "integer", "minimum": 1},
            }
        },
    }
}
# the body of every error answer (FastAPI's default 422 schema, a list of pydantic errors, is not ours)
PROBLEM_SCHEMA: dict[str, Any] = Problem.model_json_schema()
# what any /v1 route may answer besides its own
COMMON_ANSWERS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "no token, or one unknown or revoked"},
    403: {"model": Problem, "description": "the token's role may not do this"},
    404: {"model": Problem, "description": "no such item, or one of a team the token may not see"},
    413: {"model": Problem, "description": "the request body is larger than the service takes"},
    422: {"model": Problem, "description": "invalid request: the body says what and where"},
    503: {
        "model": Problem,
        "description": "the service is overloaded: the request could not get to the database in time",
        "headers": {
            "Retry-After": {
                "description": "seconds to wait before trying again",
                "schema": {"type": "integer", "minimum": 1},
            }
        },
    },
}


def _document_problem_bodies(app: FastAPI) -> None:
    """Make the OpenAPI document's 422 answers describe the body the handlers below send."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schemas = generate().get("components", {}).get("schemas", {})
            if "HTTPValidationError" in schemas:
                schemas["HTTPValidationError"] = PROBLEM_SCHEMA
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


async def json_keys_once(request: Request) -> None:
    """Refuse a JSON body that gives a key twice in one object (read as the last one, a request's
    `time_limit_s` given twice would be whichever came last)."""
    if not request.headers.get("content-type", "").startswith("application/json"):
        return
    body = await request.body()  # read once: the route's own parse has it already
    try:
        json.loads(body or b"null", object_pairs_hook=once_each)
    except RepeatedKey as exc:
        raise InvalidInput([InputIssue(str(exc), column="body")]) from exc
    except ValueError:  # not JSON at all: the route's own parse says so
        return


def install_handlers(app: FastAPI) -> None:
    """Map every error to one HTTP answer (routes never build error responses by hand)."""
    _document_problem_bodies(app)
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(WfmError, _wfm_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(PoolTimeout, _pool_timeout)
    app.add_exception_handler(Exception, _unexpected)
    app.add_middleware(AnswerUnexpected)
    app.add_middleware(JsonTooLarge)
