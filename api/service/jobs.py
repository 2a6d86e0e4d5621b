"""Roster jobs: a bounded pool of worker processes, one dedicated process per running solve.

A dedicated process per job makes cancelling real: the process is terminated, and since the
worker writes its result in one transaction at the very end, nothing of a cancelled or crashed
job is stored. The dispatcher thread starts queued jobs while fewer than `max_workers` run.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from collections import deque
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess

from sqlalchemy.orm import Session, sessionmaker

from api.service.db import transaction, utcnow
from api.service.storage import ACTIVE_STATES, set_job_state
from api.service.worker import run_job

log = logging.getLogger("wfm.service.jobs")
_JOIN_TIMEOUT_S = 10.0


class JobRunner:
    """Runs roster jobs in at most `max_workers` processes at once."""

    def __init__(
        self, database_url: str, sessions: sessionmaker[Session], max_workers: int, solver_threads: int
    ) -> None:
        self._url = database_url
        self._sessions = sessions
        self._max_workers = max_workers
        self._solver_threads = solver_threads
        self._context = _context()
        self._queue: deque[str] = deque()
        self._running: dict[str, BaseProcess] = {}
        self._cancelled: set[str] = set()
        self._lock = threading.Condition()
        self._stopping = False
        self._dispatcher = threading.Thread(target=self._dispatch, name="wfm-job-dispatcher", daemon=True)
        self._dispatcher.start()

    def submit(self, job_id: str) -> None:
        """Queue a stored job (state 'queued') for a worker process."""
        with self._lock:
            self._queue.append(job_id)
            self._lock.notify_all()

    def cancel(self, job_id: str) -> None:
        """Stop a job: drop it from the queue, or terminate its process; then mark it cancelled."""
        process = None
        with self._lock:
            self._cancelled.add(job_id)
            if job_id in self._queue:
                self._queue.remove(job_id)
            process = self._running.get(job_id)
        if process is not None:
            _stop(process)
        self._finish(job_id, exitcode=None)

    def active(self) -> int:
        """Jobs queued or running in this runner."""
        with self._lock:
            return len(self._queue) + len(self._running)

    def shutdown(self) -> None:
        """Stop the dispatcher and every running job (they are marked failed: resubmit them)."""
        with self._lock:
            self._stopping = True
            self._queue.clear()
            running = list(self._running.items())
            self._lock.notify_all()
        for job_id, process in running:
            _stop(process)
            self._finish(job_id, exitcode=process.exitcode)
        self._dispatcher.join(timeout=_JOIN_TIMEOUT_S)

    def _dispatch(self) -> None:
        while True:
            with self._lock:
                while not self._stopping and (not self._queue or len(self._running) >= self._max_workers):
                    self._lock.wait()
                if self._stopping:
                    return
                job_id = self._queue.popleft()
                process = self._context.Process(
                    target=run_job,
                    args=(self._url, job_id, self._solver_threads),
                    name=f"wfm-job-{job_id}",
                    daemon=True,
                )
                try:
                    process.start()
                except OSError:
                    log.exception("job %s: cannot start a worker process", job_id)
                    self._cancelled.discard(job_id)
                    start_failed = True
                else:
                    self._running[job_id] = process
                    start_failed = False
            if start_failed:
                self._finish(job_id, exitcode=None)
                continue
            threading.Thread(target=self._watch, args=(job_id, process), daemon=True).start()

    def _watch(self, job_id: str, process: BaseProcess) -> None:
        process.join()
        self._finish(job_id, exitcode=process.exitcode)

    def _finish(self, job_id: str, exitcode: int | None) -> None:
        """After a job's process ends: a job still marked active was cancelled or died; say which."""
        with self._lock:
            self._running.pop(job_id, None)
            cancelled = job_id in self._cancelled
            self._lock.notify_all()
        with transaction(self._sessions) as session:
            if cancelled:
                set_job_state(session, job_id, "cancelled", only_from=ACTIVE_STATES, finished_at=utcnow())
            elif set_job_state(
                session,
                job_id,
                "failed",
                only_from=ACTIVE_STATES,
                finished_at=utcnow(),
                error={
                    "status": 500,
                    "title": "worker stopped",
                    "detail": f"the solve process ended without a result (exit code {exitcode}); resubmit the job",
                },
            ):
                log.warning("job %s: worker ended without a result (exit code %s)", job_id, exitcode)


def _context() -> ForkServerContext | SpawnContext:
    """Fork server where there is one (the worker's imports are paid once), else spawn.

    Never plain fork: the service has threads, and a forked copy of a locked lock hangs.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        context: ForkServerContext = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["api.service.worker", "api.service.scenario_worker"])
        return context
    return multiprocessing.get_context("spawn")


def _stop(process: BaseProcess) -> None:
    process.terminate()
    process.join(timeout=_JOIN_TIMEOUT_S)
    if process.is_alive():
        process.kill()
        process.join(timeout=_JOIN_TIMEOUT_S)
