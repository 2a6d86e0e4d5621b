"""What a worker writes onto its job: progress while it runs, then its failure or its result.

Every kind of job ends through these functions, so an exception means the same failure whatever
the job was (`failure_of`), and a result is stored in one transaction with the job's end, or not at
all if the job was cancelled meanwhile (`store_outcome`).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from api.service.db import JobRow, transaction, utcnow
from api.service.errors import ServiceError, infeasible_body, invalid_body
from api.service.job_states import FAILED, RUNNING, SUCCEEDED
from api.service.storage import set_job_state
from common.errors import Infeasible, InvalidInput, WfmError

log = logging.getLogger("wfm.service.worker")
PROGRESS_EVERY_S = 0.25  # a running job's progress is written at most this often (never in its first 0.25 s)
_STORE_ATTEMPTS = 5


class Throttle:
    """Lets an action through at most once every `every_s` seconds, the first time `every_s` after creation."""

    def __init__(self, every_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._every_s = every_s
        self._clock = clock
        self._last = clock()

    def due(self) -> bool:
        """True (and the interval starts again) when `every_s` have passed since the last time through."""
        now = self._clock()
        if now - self._last < self._every_s:
            return False
        self._last = now
        return True

    def again(self) -> None:
        """Let the next action through at once (the last one did not happen)."""
        self._last = -math.inf


def finite(x: float) -> float | None:
    """`x`, or None when it is not finite (JSON has no inf or NaN)."""
    return float(x) if math.isfinite(x) else None


def write_progress(sessions: sessionmaker[Session], job_id: str, throttle: Throttle, **values: Any) -> None:
    """Write `values` onto the job while it runs; a busy database only delays the next report."""
    try:
        with transaction(sessions) as session:
            session.execute(
                update(JobRow).where(JobRow.id == job_id, JobRow.state == RUNNING).values(**values)
            )
    except OperationalError:
        throttle.again()


def failure_of(exc: Exception) -> dict[str, Any]:
    """The stored error of a job that raised `exc`: its body and the HTTP status its result answers with.

    Infeasible and invalid input are the caller's (422, with the conflicting rules or the issues);
    any other error the libraries raise on purpose is a service that cannot do it now (503, e.g. Ray
    unreachable); the service's own errors keep their status and words (a dataset deleted while the
    job ran is a 404); anything else is a bug (500, its type only: messages may carry personal data).
    """
    if isinstance(exc, Infeasible):
        return {"status": 422, **infeasible_body(exc)}
    if isinstance(exc, InvalidInput):
        return {"status": 422, **invalid_body(exc)}
    if isinstance(exc, WfmError):
        return {"status": 503, "title": "unavailable", "detail": str(exc)}
    if isinstance(exc, ServiceError):  # the service's own words (e.g. a dataset deleted while it ran)
        return {"status": exc.status, "title": exc.title, "detail": exc.detail}
    return {"status": 500, "title": "internal error", "detail": type(exc).__name__}


def fail(sessions: sessionmaker[Session], job_id: str, exc: Exception) -> None:
    """End a running job as failed because of `exc` (a bug is logged with its traceback)."""
    error = failure_of(exc)
    if error["status"] == 500:
        log.error("job %s failed", job_id, exc_info=exc)
    with transaction(sessions) as session:
        set_job_state(session, job_id, FAILED, only_from=(RUNNING,), finished_at=utcnow(), error=error)


class _CancelledMeanwhile(Exception):
    """The job was cancelled while its result was being written."""


def store_outcome(
    sessions: sessionmaker[Session], job_id: str, write: Callable[[Session], dict[str, Any]]
) -> bool:
    """Store a job's result and mark it succeeded, in one transaction; False if it was cancelled meanwhile.

    `write` adds the result's rows and returns the values the job row gets (e.g. `version_id`). It
    runs again if another writer won a race on the same numbers (a unique constraint, a busy file).
    """
    for attempt in range(_STORE_ATTEMPTS):
        try:
            with transaction(sessions) as session:
                values = write(session)
                if not set_job_state(
                    session, job_id, SUCCEEDED, only_from=(RUNNING,), finished_at=utcnow(), **values
                ):
                    raise _CancelledMeanwhile
                return True
        except _CancelledMeanwhile:  # the rollback keeps nothing of a cancelled job
            return False
        except (IntegrityError, OperationalError):
            if attempt == _STORE_ATTEMPTS - 1:
                raise
            time.sleep(0.1 * (attempt + 1))
    return False
