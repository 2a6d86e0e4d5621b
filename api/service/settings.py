"""Settings of the service, read from the environment (`WFM_*`, and `DATABASE_URL`)."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from common.defaults import ROSTER_TIME_LIMIT_S
from common.errors import InputIssue, InvalidInput
from scheduler import SolveSettings


@dataclass(frozen=True)
class WorkerOptions:
    """What a job's worker process needs to know of the settings (it is started before its job)."""

    database_url: str
    solver_threads: int = 1
    niceness: int = 0
    deterministic_time_limit_s: float | None = None
    max_time_limit_s: float = 600.0  # the most a request may ask a solve for (`Settings.max_time_limit_s`)

    def solve_settings(self, time_limit_s: float, seed: int = 0) -> SolveSettings:
        """The solver's limits for one solve of a job."""
        return SolveSettings(
            time_limit_s=time_limit_s,
            workers=self.solver_threads,
            seed=seed,
            deterministic_time_limit_s=self.deterministic_time_limit_s,
        )


class Settings(BaseSettings):
    """Where the data lives, how many solves may run at once and how much a request may ask for."""

    model_config = SettingsConfigDict(env_prefix="WFM_", extra="ignore", frozen=True)

    database_url: str = Field(
        default="sqlite:///wfm.db", validation_alias=AliasChoices("DATABASE_URL", "WFM_DATABASE_URL")
    )
    job_workers: int = Field(default=1, ge=1, description="roster solves that may run at once (processes)")
    solver_threads: int = Field(
        default=2,
        ge=1,
        description="CP-SAT search workers inside one solve; at most the cores per job worker are used",
    )
    worker_niceness: int = Field(
        default=10,
        ge=0,
        le=19,
        description="how much lower the OS priority of job workers is than the service's (os.nice), "
        "so that reads stay fast while solves run",
    )
    deterministic_time_limit_s: float | None = Field(
        default=None,
        gt=0,
        description="count solver work units instead of seconds (reproducible solves, e.g. for tests); "
        "a job's time limit then only guards against a runaway solve",
    )
    default_time_limit_s: float = Field(default=ROSTER_TIME_LIMIT_S, gt=0)
    max_time_limit_s: float = Field(default=600.0, gt=0)
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    max_json_bytes: int = Field(default=2 * 1024 * 1024, gt=0, description="the largest JSON request body")
    inline_import_bytes: int = Field(
        default=256 * 1024,
        ge=0,
        description="uploads up to this size (an eighth of it for XLSX and Parquet) are imported inside the "
        "request, in well under a second; bigger ones run as jobs",
    )
    inline_forecast_rows: int = Field(
        default=100_000, ge=0, description="forecasts from histories of more rows than this run as jobs"
    )
    inline_scenarios: int = Field(
        default=10, ge=0, description="staffing comparisons of up to this many scenarios answer at once"
    )
    shutdown_grace_s: int = Field(
        default=5, ge=0, le=600, description="on SIGTERM, how long requests in progress may take to finish"
    )
    request_read_timeout_s: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="a connection whose request headers, or the next part of whose body, take longer than "
        "this to arrive is answered 408 or closed (a client that never ends its request holds nothing)",
    )
    request_min_body_rate_bytes_s: int = Field(
        default=1024,
        gt=0,
        description="once `request_read_timeout_s` has passed since a request body's first part was read, a "
        "body that has come more slowly than this on average, and is not complete, is answered 408 (a client "
        "dripping a few bytes at a time holds nothing)",
    )
    request_threads: int = Field(
        default=40,
        ge=1,
        le=1000,
        description="threads that run requests' blocking work; as many requests may use the database at "
        "once (the others wait their turn, holding no thread), and the database pool holds as many "
        "connections, and a few more for the service's own reads",
    )
    database_wait_s: float = Field(
        default=10.0,
        gt=0,
        le=600,
        description="how long a request may wait for its turn at the database, or for a connection, before "
        "it is answered 503 with a Retry-After (the service is overloaded)",
    )
    migrate_on_start: bool = True
    ray_address: str | None = Field(
        default=None,
        description="run sweeps on Ray: 'local' (a Ray instance here), 'auto' or 'ray://host:10001'; "
        "unset: in the job's own process",
    )
    max_sweep_scenarios: int = Field(default=500, ge=1)
    max_job_solver_s: float = Field(
        default=3600.0,
        gt=0,
        description="the most solver time one job may ask for (its solves times its time limit), so that "
        "one request cannot hold a worker for hours",
    )
    max_active_jobs_per_team: int = Field(
        default=10, ge=1, description="jobs of one team that may be queued or running at once"
    )
    max_active_jobs_per_token: int = Field(
        default=20,
        ge=1,
        description="jobs one token may have queued or running at once over all its teams (a token for "
        "every team could otherwise fill the job queue ten a team)",
    )

    def worker_options(self) -> WorkerOptions:
        """What the job workers take from these settings (solver threads bounded by the cores per worker)."""
        threads = min(self.solver_threads, max(1, (os.cpu_count() or 1) // self.job_workers))
        return WorkerOptions(
            self.database_url,
            threads,
            self.worker_niceness,
            self.deterministic_time_limit_s,
            self.max_time_limit_s,
        )

    def retry_after_s(self) -> int:
        """What a 429 for a team at its most active jobs says to wait (`Retry-After`): a slot frees when
        one of the team's jobs ends, and a roster solve, the long kind of job, asked without a limit runs
        at most `default_time_limit_s`. An estimate from that setting, not a promise: a solve given a
        longer limit ends later, and the client is answered 429 again with the same advice."""
        return max(1, math.ceil(self.default_time_limit_s))

    def time_limit(self, asked_s: float | None, default_s: float) -> float:
        """A solve's time limit: the one asked for, else `default_s`.

        Raises:
            InvalidInput: the limit asked for is above `max_time_limit_s`.
        """
        limit = asked_s or default_s
        if limit > self.max_time_limit_s:
            issue = InputIssue(
                f"at most {self.max_time_limit_s:g} s", column="time_limit_s", value=f"{limit:g}"
            )
            raise InvalidInput([issue])
        return limit
