"""A scenario job in its worker process: evaluate every scenario, report progress, store the comparison."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from api.service.db import transaction
from api.service.job_records import PROGRESS_EVERY_S, Throttle, fail, store_outcome, write_progress
from api.service.params import ScenarioJobParams
from api.service.scenario_plans import base_frames, build_plan, scenarios_of, store_comparison
from api.service.settings import WorkerOptions
from api.sweeps import runner_for
from scheduler import ScenarioMetrics, compare

_MAX_SCENARIOS = 10_000  # the route already held the request to the configured limit


def run_scenario_job(
    sessions: sessionmaker[Session],
    job_id: str,
    token_id: int | None,
    params: ScenarioJobParams,
    options: WorkerOptions,
) -> None:
    """Run a running scenario job to its end (failed, or succeeded with a stored comparison)."""
    started = time.monotonic()
    try:
        with transaction(sessions) as session:
            frames = base_frames(session, params)
        table = compare(
            build_plan(params, *frames),
            scenarios_of(params, _MAX_SCENARIOS),
            params.depth,
            settings=options.solve_settings(params.time_limit_s),
            runner=runner_for(1, params.ray_address),
            on_progress=_progress_writer(sessions, job_id, started),
        )
    except Exception as exc:  # e.g. Ray configured but unreachable: the job fails with the reason
        fail(sessions, job_id, exc)
        return

    def write(session: Session) -> dict[str, object]:
        stored = store_comparison(session, params, table.records(), job_id, token_id)
        return {"scenario_id": stored.id, "elapsed_s": time.monotonic() - started}

    store_outcome(sessions, job_id, write)


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
