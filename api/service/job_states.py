"""The states of a job, named once: the API's schema, the storage and the workers use these.

A job is queued, then running, then ends succeeded, failed or cancelled (a queued job may be
cancelled before it runs).
"""

from __future__ import annotations

from typing import Final, Literal

JobState = Literal["queued", "running", "succeeded", "failed", "cancelled"]
QUEUED: Final = "queued"
RUNNING: Final = "running"
SUCCEEDED: Final = "succeeded"
FAILED: Final = "failed"
CANCELLED: Final = "cancelled"
ACTIVE_STATES: Final[tuple[JobState, ...]] = (QUEUED, RUNNING)
FINAL_STATES: Final[tuple[JobState, ...]] = (SUCCEEDED, FAILED, CANCELLED)
