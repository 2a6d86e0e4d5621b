"""A scenario job in its worker process: evaluate every scenario, report progress, store the comparison."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from api.service.db import JobRow, transaction, utcnow
from api.service.errors import infeasible_body, invalid_body
from api.service.scenario_plans import build_plan, depth_of, scenarios_of, solve_settings, store_comparison
from api.service.storage import set_job_state
from api.service.sweeps import runner_for
from api.service.worker import PROGRESS_EVERY_S, Throttle, fail, write_progress
from common.errors import Infeasible, InvalidInput, WfmError
from scheduler import ScenarioMetrics, compare

log = logging.getLogger("wfm.service.scenarios")
_MAX_SCENARIOS = 10_000  # the route already held the request to the configured limit


def run_scenario_job(
    sessions: sessionmaker[Session], job: JobRow, frame: pd.DataFrame, solver_threads: int
) -> None:
    """Run a running scenario job on its base `frame` to its end (failed, or succeeded with a stored comparison)."""
    job_id, params, token_id = job.id, dict(job.params), job.token_id
    started = time.monotonic()
    try:
        plan = build_plan(params, frame)
        scenarios = scenarios_of(params, _MAX_SCENARIOS)
        table = compare(
            plan,
            scenarios,
            depth_of(params),
            settings=solve_settings(params, solver_threads),
            runner=runner_for(1, params.get("ray_address")),
            on_progress=_progress_writer(sessions, job_id, started),
        )
    except Infeasible as exc:
        fail(sessions, job_id, {"status": 422, **infeasible_body(exc)})
        return
    except InvalidInput as exc:
        fail(sessions, job_id, {"status": 422, **invalid_body(exc)})
        return
    except WfmError as exc:  # e.g. Ray configured but unreachable
        fail(sessions, job_id, {"status": 503, "title": "unavailable", "detail": str(exc)})
        return
    except Exception as exc:
        log.exception("scenario job %s failed", job_id)
        fail(sessions, job_id, {"status": 500, "title": "internal error", "detail": type(exc).__name__})
        return
    try:
        with transaction(sessions) as session:
            stored = store_comparison(session, params, table.records(), job_id, token_id)
            if not set_job_state(
                session,
                job_id,
                "succeeded",
                only_from=("running",),
                finished_at=utcnow(),
                scenario_id=stored.id,
                elapsed_s=time.monotonic() - started,
            ):
                raise _CancelledMeanwhile
    except _CancelledMeanwhile:  # the rollback keeps nothing of a cancelled job
        return


class _CancelledMeanwhile(Exception):
    """The job was cancelled while its result was being written."""


def _progress_writer(
    sessions: sessionmaker[Session], job_id: str, started: float
) -> Callable[[int, int, ScenarioMetrics], None]:
    """The comparison's progress callback: scenarios done of all, every `PROGRESS_EVERY_S` and at the end."""
    throttle = Throttle(PROGRESS_EVERY_S)

    def write(done: int, total: int, last: ScenarioMetrics) -> None:
        if done >= total or throttle.due():
            write_progress(
                sessions,
                job_id,
                throttle,
                progress={"done": done, "total": total, "last": last.name},
                elapsed_s=time.monotonic() - started,
            )

    return write
