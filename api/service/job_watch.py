"""Waiting for a job to change: the long-poll of GET /jobs/{id}?wait_s= and the events of /jobs/{id}/events.

A job changes in its worker process, which writes its progress at most every 0.25 s. However many
clients wait on one job, one poller reads that job's row every `POLL_EVERY_S` (in a thread, off the
event loop) while anyone waits, and wakes them all when its revision changes: a waiting client
costs the service nothing until then, where a client polling by itself costs a request each time.
The job runner also tells the watch the moment a job's process ends (`poke`), so that its result is
seen at once rather than at the next poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from api.service.db import JobRow
from api.service.job_states import FINAL_STATES

POLL_EVERY_S = 0.25


def revision(job: JobRow) -> str:
    """A short fingerprint of what a job's client can see change (its state, figures, result or error)."""
    seen = [
        job.state,
        job.objective,
        job.bound,
        job.elapsed_s,
        job.progress,
        job.result,
        job.error,
        job.version_id,
        job.scenario_id,
        None if job.finished_at is None else job.finished_at.isoformat(),
    ]
    return hashlib.sha256(json.dumps(seen, default=str).encode("utf-8")).hexdigest()[:16]


def is_final(job: JobRow) -> bool:
    """Whether the job has ended (it changes no more)."""
    return job.state in FINAL_STATES


@dataclass
class _Watched:
    """One watched job: its latest row and revision, who waits, and the poller that reads it."""

    row: JobRow
    revision: str
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    waiters: int = 0
    poller: asyncio.Task[None] | None = None
    wake: asyncio.Event = field(default_factory=asyncio.Event)


class JobWatch:
    """Long-polls and event streams of jobs, one poller per watched job."""

    def __init__(self, sessions: sessionmaker[Session], every_s: float = POLL_EVERY_S) -> None:
        self._sessions = sessions
        self._every_s = every_s
        self._watched: dict[str, _Watched] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    def poke(self, job_id: str) -> None:
        """Have the job read again now (it has just ended); safe to call from any thread."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake, job_id)

    def _wake(self, job_id: str) -> None:
        watched = self._watched.get(job_id)
        if watched is not None:
            watched.wake.set()

    async def next_change(self, job: JobRow, seen: str, wait_s: float) -> JobRow:
        """The job once its revision differs from `seen` (at once if it already does, or it has ended),
        or as it is after `wait_s`."""
        if revision(job) != seen or is_final(job) or wait_s <= 0:
            return job
        watched = self._watch(job)
        watched.waiters += 1
        try:
            async with watched.changed:
                if watched.revision != seen:  # the caller's row, read just now, is newer than the poller's
                    watched.row, watched.revision = job, seen
                    watched.changed.notify_all()
                await asyncio.wait_for(
                    watched.changed.wait_for(lambda: watched.revision != seen or is_final(watched.row)),
                    timeout=wait_s,
                )
        except TimeoutError:
            pass
        finally:
            watched.waiters -= 1
        return watched.row

    def _watch(self, job: JobRow) -> _Watched:
        self._loop = asyncio.get_running_loop()
        watched = self._watched.get(job.id)
        if watched is None:
            watched = self._watched[job.id] = _Watched(job, revision(job))
        if watched.poller is None or watched.poller.done():
            watched.poller = asyncio.create_task(self._poll(job.id, watched), name=f"wfm-watch-{job.id}")
        return watched

    async def _poll(self, job_id: str, watched: _Watched) -> None:
        """Read the job while anyone waits on it; wake them when it changes."""
        try:
            while watched.waiters > 0 and not is_final(watched.row):
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(watched.wake.wait(), timeout=self._every_s)
                watched.wake.clear()
                row = await run_in_threadpool(self._load, job_id)
                if row is None:
                    break
                now = revision(row)
                if now != watched.revision:
                    async with watched.changed:
                        watched.row, watched.revision = row, now
                        watched.changed.notify_all()
        finally:  # the waiters left, or were woken for the job's end: nobody needs this poller
            if self._watched.get(job_id) is watched:
                del self._watched[job_id]

    def _load(self, job_id: str) -> JobRow | None:
        with self._sessions() as session:
            row = session.get(JobRow, job_id)
            if row is not None:
                session.expunge(row)
            return row
