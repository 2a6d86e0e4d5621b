"""Settings of the service, read from the environment (`WFM_*`, and `DATABASE_URL`)."""

from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where the data lives and how many solves may run at once."""

    model_config = SettingsConfigDict(env_prefix="WFM_", extra="ignore", frozen=True)

    database_url: str = Field(
        default="sqlite:///wfm.db", validation_alias=AliasChoices("DATABASE_URL", "WFM_DATABASE_URL")
    )
    job_workers: int = Field(default=1, ge=1, description="roster solves that may run at once (processes)")
    solver_threads: int = Field(default=2, ge=1, description="CP-SAT search workers inside one solve")
    default_time_limit_s: float = Field(default=30.0, gt=0)
    max_time_limit_s: float = Field(default=600.0, gt=0)
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    migrate_on_start: bool = True
    ray_address: str | None = Field(
        default=None,
        description="run sweeps on Ray: 'local' (a Ray instance here), 'auto' or 'ray://host:10001'; "
        "unset: in the job's own process",
    )
    max_sweep_scenarios: int = Field(default=500, ge=1)
