"""Jobs: at most `max_workers` run at once, each in a worker process of its own, started ahead of it.

A process per job makes cancelling real: the process is terminated, and since the worker writes
its result in one transaction at the very end, nothing of a cancelled or crashed job is stored; a
crash ends that job only. So that a job does not wait for a process to start, one spare worker is
always started ahead (`worker.worker_main`). The dispatcher thread hands it the next queued job
through a pipe while fewer than `max_workers` jobs run, then starts the next spare. A spare warms
up (database connection, a tiny solve: what a fresh process pays on first use) only while no job
runs or waits, so that it never takes a core from a solve.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import threading
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from api.service.db import JobRow, UploadRow, transaction, utcnow
from api.service.errors import TooManyJobs
from api.service.job_states import ACTIVE_STATES, CANCELLED, FAILED, QUEUED
from api.service.params import JobParams, stored
from api.service.settings import WorkerOptions
from api.service.storage import lock_team, set_job_state
from api.service.worker import WARM_UP, worker_main

log = logging.getLogger("wfm.service.jobs")
_JOIN_TIMEOUT_S = 10.0


@dataclass
class _Worker:
    """A started worker process and the sending end of the pipe its one job id comes through."""

    process: BaseProcess
    jobs: Connection
    warming: bool = False

    def warm_up(self) -> None:
        """Have the process warm up, once (it stops early when its job comes)."""
        if self.warming:
            return
        self.warming = True
        with contextlib.suppress(OSError):  # it ended; handing it a job will find out
            self.jobs.send(WARM_UP)

    def hand(self, job_id: str) -> bool:
        """Send the process its job; False if the process is gone."""
        try:
            if not self.process.is_alive():
                return False
            self.jobs.send(job_id)
            return True
        except OSError:  # it ended meanwhile
            return False
        finally:
            self.jobs.close()

    def stop(self) -> None:
        """End a worker that has no job."""
        self.jobs.close()
        _stop(self.process)


class JobRunner:
    """Runs jobs in at most `max_workers` processes at once, with one more worker kept ready."""

    def __init__(
        self,
        options: WorkerOptions,
        sessions: sessionmaker[Session],
        max_workers: int,
        on_ended: Callable[[str], None] = lambda _job_id: None,
    ) -> None:
        self._options = options
        self._sessions = sessions
        self._max_workers = max_workers
        self._on_ended = on_ended  # told each job id whose process has ended (its result is stored)
        self._context = _context()
        # workers read this pipe's end and end when it closes: when this process ends, however it ends
        self._lifeline, self._lifeline_held = self._context.Pipe(duplex=False)
        self._queue: deque[str] = deque()
        self._running: dict[str, BaseProcess] = {}
        self._cancelled: set[str] = set()
        self._spare: _Worker | None = None
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
        """Stop the dispatcher, the spare worker and every running job (they are marked failed: resubmit them)."""
        with self._lock:
            self._stopping = True
            self._queue.clear()
            running = list(self._running.items())
            spare, self._spare = self._spare, None
            self._lock.notify_all()
        if spare is not None:
            spare.stop()
        for job_id, process in running:
            _stop(process)
            self._finish(job_id, exitcode=process.exitcode)
        self._dispatcher.join(timeout=_JOIN_TIMEOUT_S)
        self._lifeline_held.close()
        self._lifeline.close()

    def _dispatch(self) -> None:
        while True:
            self._keep_a_spare()
            with self._lock:
                while not self._stopping and (not self._queue or len(self._running) >= self._max_workers):
                    self._lock.wait()
                if self._stopping:
                    return
                job_id = self._queue.popleft()
                process = self._hand(job_id)
                if process is None:
                    self._cancelled.discard(job_id)
                else:
                    self._running[job_id] = process
            if process is None:
                self._finish(job_id, exitcode=None)
                continue
            threading.Thread(target=self._watch, args=(job_id, process), daemon=True).start()

    def _keep_a_spare(self) -> None:
        """Start the next job's worker now, so that it is warm when the job comes."""
        with self._lock:
            if self._stopping or self._spare is not None:
                return
        try:
            spare: _Worker | None = self._start_worker()
        except Exception:  # whatever stops a process starting must not stop the dispatcher
            log.exception("cannot start a spare worker process; the next job starts its own")
            return
        with self._lock:
            if not self._stopping:
                self._spare, spare = spare, None
                self._warm_up_when_idle()
        if spare is not None:  # the runner stopped meanwhile
            spare.stop()

    def _warm_up_when_idle(self) -> None:
        """Have the spare warm up if no job runs or waits (call with the lock held)."""
        if self._spare is not None and not self._running and not self._queue:
            self._spare.warm_up()

    def _hand(self, job_id: str) -> BaseProcess | None:
        """Give the job to the spare worker, or to a new one if the spare is gone; None if none starts."""
        worker, self._spare = self._spare, None
        if worker is None or not worker.hand(job_id):
            try:
                worker = self._start_worker()
            except Exception:  # the job fails; the dispatcher goes on
                log.exception("job %s: cannot start a worker process", job_id)
                return None
            if not worker.hand(job_id):
                return None
        worker.process.name = f"wfm-job-{job_id}"  # names the job in logs and for tests
        return worker.process

    def _start_worker(self) -> _Worker:
        receiver, sender = self._context.Pipe(duplex=False)
        process = self._context.Process(
            target=worker_main,
            args=(self._options, receiver, self._lifeline),
            name="wfm-job-worker",
            daemon=True,
        )
        try:
            process.start()
        except BaseException:
            sender.close()
            raise
        finally:
            receiver.close()  # the worker holds its own copy; without this one, closing `sender` ends an idle worker
        return _Worker(process, sender)

    def _watch(self, job_id: str, process: BaseProcess) -> None:
        process.join()
        self._finish(job_id, exitcode=process.exitcode)

    def _finish(self, job_id: str, exitcode: int | None) -> None:
        """After a job's process ends: a job still marked active was cancelled or died; say which."""
        with self._lock:
            self._running.pop(job_id, None)
            cancelled = job_id in self._cancelled
            self._warm_up_when_idle()
            self._lock.notify_all()
        with transaction(self._sessions) as session:
            if cancelled:
                set_job_state(session, job_id, CANCELLED, only_from=ACTIVE_STATES, finished_at=utcnow())
                # the caller stopped it: an import's file goes (a crashed job's stays, for a retry)
                session.execute(delete(UploadRow).where(UploadRow.job_id == job_id))
            elif set_job_state(
                session,
                job_id,
                FAILED,
                only_from=ACTIVE_STATES,
                finished_at=utcnow(),
                error={
                    "status": 500,
                    "title": "worker stopped",
                    "detail": f"the solve process ended without a result (exit code {exitcode}); resubmit the job",
                },
            ):
                log.warning("job %s: worker ended without a result (exit code %s)", job_id, exitcode)
        self._on_ended(job_id)


def _active_jobs(session: Session, whose: ColumnElement[bool]) -> int:
    """How many jobs matching `whose` are queued or running."""
    found = session.scalar(
        select(func.count()).select_from(JobRow).where(whose, JobRow.state.in_(ACTIVE_STATES))
    )
    return int(found or 0)


def submit_job(
    session: Session,
    runner: JobRunner,
    token_id: int | None,
    team_id: str,
    params: JobParams,
    upload: bytes | None = None,
    *,
    max_active: int,
    retry_after_s: int,
    max_active_per_token: int | None = None,
) -> JobRow:
    """Store a queued job (with its uploaded file, for an import), commit, and hand it to the runner.

    Raises:
        TooManyJobs: the team has `max_active` jobs queued or running already, or the token
            `max_active_per_token` over all its teams (the answer tells the client to try again after
            `retry_after_s`).
    """
    lock_team(session, team_id)  # submissions of one team at once are counted one after the other
    active = _active_jobs(session, JobRow.team_id == team_id)
    if active >= max_active:
        raise TooManyJobs(
            f"team {team_id!r} has {active} jobs queued or running; at most {max_active} may be "
            f"(WFM_MAX_ACTIVE_JOBS_PER_TEAM): wait for one to end (try again in about {retry_after_s} s), "
            "or cancel one",
            retry_after_s,
        )
    if token_id is not None and max_active_per_token is not None:
        mine = _active_jobs(session, JobRow.token_id == token_id)
        if mine >= max_active_per_token:
            raise TooManyJobs(
                f"this token has {mine} jobs queued or running over its teams; at most {max_active_per_token} "
                f"may be (WFM_MAX_ACTIVE_JOBS_PER_TOKEN): wait for one to end (try again in about "
                f"{retry_after_s} s), or cancel one",
                retry_after_s,
            )
    job = JobRow(
        id=uuid.uuid4().hex,
        team_id=team_id,
        kind=params.KIND,
        state=QUEUED,
        params=stored(params),
        token_id=token_id,
        created_at=utcnow(),
    )
    session.add(job)
    if upload is not None:
        session.add(UploadRow(job_id=job.id, content=upload))
    session.commit()
    runner.submit(job.id)
    return job


def _context() -> ForkServerContext | SpawnContext:
    """Fork server where there is one (the worker's imports are paid once), else spawn.

    Never plain fork: the service has threads, and a forked copy of a locked lock hangs.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        context: ForkServerContext = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["api.service.worker"])
        return context
    return multiprocessing.get_context("spawn")


def _stop(process: BaseProcess) -> None:
    process.terminate()
    process.join(timeout=_JOIN_TIMEOUT_S)
    if process.is_alive():
        process.kill()
        process.join(timeout=_JOIN_TIMEOUT_S)
